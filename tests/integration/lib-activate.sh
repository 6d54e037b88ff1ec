# Shared by the t2xxx-activate-*.sh tests: envs under nasty names, made by
# `cvenv create --without-pip`, and the checks every shell's test repeats.
# Sourced after lib.sh. Values with special characters are only ever passed
# to the shells under test through environment variables, never pasted into
# script text, so a test cannot itself be the thing that runs them.

# The names each shell must activate from. One per line; each is used as a
# directory name (and so as the default prompt).
NASTY_NAMES=$(cat <<'NAMES'
plain
with space
it's 'single' "double"
$(touch pwned) ${HOME} $HOME
`touch pwned`
; touch pwned & echo | cat && true || false
bang! !! !$ \!x \back\slash\
*?[a-z]{b,c}~#%=
-leading-dash
café 🐍 日本 ‘smart’
'$(touch pwned)' "`touch pwned`" '#' r#'x'#
%n %~ %# \u \w \$ ${VIRTUAL_ENV_PROMPT} $'x'
NAMES
)

# Prompts given with --prompt (the env directory is then plain).
NASTY_PROMPTS=$(cat <<'PROMPTS'
p $(touch pwned) `touch pwned` ; touch pwned
it's "q" !x %d \\ \$ :colon:
PROMPTS
)

# A clean PATH for the shells under test: no pyenv shims (which bring a
# `deactivate` of their own) and no python, so `python` can only be the env's.
CLEAN_PATH=/usr/local/bin:/usr/bin:/bin
BASE_PY=$(python_for 3.12)
[ -n "$BASE_PY" ] || BASE_PY=$(command -v python3)

# make_env DIR [PROMPT]: a real env, with cvenv's activation scripts.
make_env() {
	if [ $# -gt 1 ]; then
		cvenv create --without-pip -p "$BASE_PY" --prompt "$2" "$1"
	else
		cvenv create --without-pip -p "$BASE_PY" "$1"
	fi
}

# Fails if any shell ran a command hidden in a name: the names above would
# create a file named pwned (in the test's directory or the env's).
no_canary() {
	local found
	found=$(find "$TRASH" -name 'pwned*' 2>/dev/null)
	if [ -n "$found" ]; then
		echo "a name was executed, it created: $found" >&2
		return 1
	fi
}

# for_each_name FUNCTION: calls FUNCTION DIR PROMPT for every nasty name as a
# directory and every nasty prompt (on a plain directory); stops at the first
# failure. Each env is made once per test file.
for_each_name() {
	local name i=0 rc=0
	while IFS= read -r name; do
		i=$((i + 1))
		[ -d "envs/$name" ] || make_env "envs/$name" >/dev/null || return 1
		"$1" "$TRASH/envs/$name" "$name" || { echo "failed for name [$name]" >&2; return 1; }
	done <<NAMES
$NASTY_NAMES
NAMES
	while IFS= read -r name; do
		i=$((i + 1))
		[ -d "penvs/$i" ] || make_env "penvs/$i" "$name" >/dev/null || return 1
		"$1" "$TRASH/penvs/$i" "$name" || { echo "failed for prompt [$name]" >&2; return 1; }
	done <<PROMPTS
$NASTY_PROMPTS
PROMPTS
	no_canary
}
