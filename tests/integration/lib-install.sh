# Helpers for the t3xxx-install tests (sourced after lib.sh).

# snap DIR: every path under DIR with its type, mode and content hash (links:
# their target), sorted -- two snaps are equal only if nothing changed. The
# env's .cvenv/ (its lock file) is left out.
snap() {
	(cd "$1" && find . -path ./.cvenv -prune -o -print | LC_ALL=C sort | while IFS= read -r p; do
		if [ -L "$p" ]; then
			printf '%s L %s\n' "$p" "$(readlink "$p")"
		elif [ -d "$p" ]; then
			printf '%s D %s\n' "$p" "$(stat -c %a "$p")"
		else
			printf '%s F %s %s\n' "$p" "$(stat -c %a "$p")" "$(sha256sum <"$p" | cut -c1-16)"
		fi
	done)
}

mkwheel() { python3 "$TEST_DIR/mkwheel.py" "$@"; }

# expect_unchanged SNAPFILE DIR
expect_unchanged() {
	snap "$2" >"$1.after" && diff -u "$1" "$1.after"
}

# pip_of_env ENV: runs the env's pip quietly, without the network.
env_pip() {
	local env=$1
	shift
	PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 "$env/bin/python" -m pip "$@"
}

# wheel_entry FILE [KEY=VALUE...]: an inline wheel table for FILE in ./house
wheel_entry() {
	local f=$1
	printf '{ path = "house/%s", size = %s, hashes = { sha256 = "%s" } }' \
		"$f" "$(stat -c %s "house/$f")" "$(sha256sum "house/$f" | cut -c1-64)"
}

# lock_pkg NAME VERSION FILE: a [[packages]] entry in uv's inline shape
lock_pkg() {
	printf '\n[[packages]]\nname = "%s"\nversion = "%s"\nwheels = [%s]\n' "$1" "$2" "$(wheel_entry "$3")"
}
