#!/bin/bash
# bin/activate.nu in the real nushell (0.115 and later: `overlay use`):
# variables, PATH, the prompt as PROMPT_COMMAND renders it, nasty names, and
# that `deactivate` (overlay hide activate) restores everything.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-activate.sh"

NU=$(command -v nu || { [ -x /usr/local/bin/nu ] && echo /usr/local/bin/nu; })
[ -n "$NU" ] || test_skip "nushell (nu) is not installed (tools/install-deps.sh installs it)"

# `overlay use` takes a path fixed when the script is parsed, so nu runs in
# the env's directory and loads bin/activate.nu relatively; the values are
# printed by nu and compared here.
DUMP='print ("VIRTUAL_ENV=" + ($env.VIRTUAL_ENV? | default "unset"))
print ("VIRTUAL_ENV_PROMPT=" + ($env.VIRTUAL_ENV_PROMPT? | default "unset"))
print ("PYTHONHOME=" + ($env.PYTHONHOME? | default "unset"))
print ("PATH=" + ($env.PATH | str join (char esep)))
let pc = $env.PROMPT_COMMAND
print ("prompt=" + (if ($pc | describe) =~ "closure" { do $pc } else { $pc }))
print ("python=" + (which python | get path.0? | default "none"))'

# run_nu DIR SCRIPT: runs nu in DIR with the test's environment.
run_nu() {
	(cd "$1" && env -i PATH="$CLEAN_PATH" HOME="$HOME" LC_ALL=C.UTF-8 PYTHONHOME=/no/such/home \
		${DISABLE:+VIRTUAL_ENV_DISABLE_PROMPT=1} "$NU" -n -c "$2" 2>&1)
}

expect_active() {
	printf 'VIRTUAL_ENV=%s\nVIRTUAL_ENV_PROMPT=%s\nPYTHONHOME=unset\nPATH=%s/bin:%s\n' \
		"$1" "$2" "$1" "$CLEAN_PATH"
	if [ -n "${DISABLE-}" ]; then echo "prompt=p> "; else printf 'prompt=(%s) p> \n' "$2"; fi
	printf 'python=%s/bin/python\nprefix=%s\n' "$1" "$1"
}

expect_inactive() {
	printf 'VIRTUAL_ENV=unset\nVIRTUAL_ENV_PROMPT=unset\nPYTHONHOME=/no/such/home\nPATH=%s\n' "$CLEAN_PATH"
	printf 'prompt=p> \npython=none\n'
}

compare() {
	if [ "$1" != "$2" ]; then
		diff -u <(printf '%s\n' "$2") <(printf '%s\n' "$1") >&2
		return 1
	fi
}

PRE='$env.PROMPT_COMMAND = {|| "p> " }'
PY_PREFIX='^python -c "import sys; print(\"prefix=\" + sys.prefix)"'

basic() {
	compare "$(run_nu "$1" "$PRE
overlay use bin/activate.nu
$DUMP
$PY_PREFIX
deactivate
$DUMP")" "$(expect_active "$1" "$2"; expect_inactive)"
}

test_expect_success 'overlay use activates and deactivate restores, every nasty name' '
	for_each_name basic
'

test_expect_success 'VIRTUAL_ENV_DISABLE_PROMPT leaves the prompt alone' '
	DISABLE=1 for_each_name basic
'

string_prompt() {
	compare "$(run_nu "$1" "\$env.PROMPT_COMMAND = 'p> '
overlay use bin/activate.nu
$DUMP
$PY_PREFIX
deactivate
$DUMP")" "$(expect_active "$1" "$2"; expect_inactive)"
}

test_expect_success 'a PROMPT_COMMAND that is a string is kept after the prefix' '
	for_each_name string_prompt
'

# envs/NAME and penvs/N both sit two levels below the test directory.
second() {
	compare "$(run_nu "$1" "$PRE
overlay use ../../other/bin/activate.nu
overlay use bin/activate.nu
$DUMP
$PY_PREFIX
deactivate
$DUMP")" "$(expect_active "$1" "$2"; expect_inactive)"
}

test_expect_success 'activating a second env replaces the first' '
	make_env other >/dev/null &&
	for_each_name second
'

symlink() {
	rm -rf links && mkdir -p links/bin && ln -s "$1/bin/activate.nu" links/bin/activate.nu &&
	compare "$(run_nu "$TRASH/links" "$PRE
overlay use bin/activate.nu
$DUMP
$PY_PREFIX
deactivate
$DUMP")" "$(expect_active "$1" "$2"; expect_inactive)"
}

test_expect_success 'loading it through a symbolic link' '
	for_each_name symlink
'

test_expect_success 'no name was ever executed (canary)' '
	no_canary
'

test_done
