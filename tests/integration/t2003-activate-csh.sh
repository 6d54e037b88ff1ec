#!/bin/bash
# bin/activate.csh in the real tcsh (Debian's csh is tcsh too): sourced from
# a script (tcsh -f), from a command line (tcsh -c) and interactively (under
# script(1), where history substitution of '!' is active); nasty names;
# the prompt as tcsh shows it; what deactivate restores.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-activate.sh"

test_require_cmd tcsh

# dump.csh prints the state for the checks; the values are compared by bash.
# printf(1) prints them verbatim (tcsh's echo would read backslashes).
cat >dump.csh <<'DUMP'
printf '%s\n' "--- $label"
foreach v (VIRTUAL_ENV VIRTUAL_ENV_PROMPT PYTHONHOME)
	printenv $v >/dev/null
	if ($status == 0) then
		printf '%s=%s\n' $v "`printenv $v`"
	else
		printf '%s unset\n' $v
	endif
end
# The saved values are shell variables, not environment ones.
if ($?_OLD_VIRTUAL_PATH) then
	printf '_OLD_VIRTUAL_PATH=%s\n' "$_OLD_VIRTUAL_PATH:q"
else
	printf '_OLD_VIRTUAL_PATH unset\n'
endif
if ($?_OLD_VIRTUAL_PYTHONHOME) then
	printf '_OLD_VIRTUAL_PYTHONHOME=%s\n' "$_OLD_VIRTUAL_PYTHONHOME:q"
else
	printf '_OLD_VIRTUAL_PYTHONHOME unset\n'
endif
printf 'PATH=%s\n' "$PATH"
if ($?prompt) then
	printf 'prompt=%s\n' "$prompt:q"
else
	printf 'prompt unset\n'
endif
if ($?VIRTUAL_ENV) then
	printf 'python=%s\n' "`which python`"
	python -c 'import sys; print("prefix=" + sys.prefix)'
endif
printf 'alias=%s\n' "`alias deactivate`"
DUMP

# The prompt prefix as it must be stored in $prompt: tcsh reads '%', '!'
# and '\' in its prompt, so they are escaped as %%, \! and \\.
csh_prefix() {
	printf '(%s) ' "$(printf '%s' "$1" | sed -e 's/[\\!]/\\&/g' -e 's/%/%%/g')"
}

# expect_state LABEL DIR PROMPT_NAME PROMPT_VALUE PYTHONHOME: the dump of an
# active env (DIR non-empty) or of a shell with no env (DIR empty).
expect_state() {
	printf -- '--- %s\n' "$1"
	if [ -n "$2" ]; then
		printf 'VIRTUAL_ENV=%s\nVIRTUAL_ENV_PROMPT=%s\nPYTHONHOME unset\n' "$2" "$3"
		printf '_OLD_VIRTUAL_PATH=%s\n' "$CLEAN_PATH"
		if [ -n "$5" ]; then printf '_OLD_VIRTUAL_PYTHONHOME=%s\n' "$5"; else echo '_OLD_VIRTUAL_PYTHONHOME unset'; fi
		printf 'PATH=%s/bin:%s\n' "$2" "$CLEAN_PATH"
	else
		printf 'VIRTUAL_ENV unset\nVIRTUAL_ENV_PROMPT unset\n'
		if [ -n "$5" ]; then printf 'PYTHONHOME=%s\n' "$5"; else echo 'PYTHONHOME unset'; fi
		printf '_OLD_VIRTUAL_PATH unset\n_OLD_VIRTUAL_PYTHONHOME unset\n'
		printf 'PATH=%s\n' "$CLEAN_PATH"
	fi
	if [ -n "$4" ]; then printf 'prompt=%s\n' "$4"; else echo 'prompt unset'; fi
	if [ -n "$2" ]; then
		printf 'python=%s/bin/python\nprefix=%s\n' "$2" "$2"
		echo "alias=set"
	else
		echo "alias="
	fi
}

# run_csh SCRIPT: runs a tcsh script with the test's environment; the alias
# text is shortened to "set" so expectations need not spell it.
run_csh() {
	(cd "$TRASH" && env -i PATH="$CLEAN_PATH" HOME="$HOME" LC_ALL=C.UTF-8 ENV_DIR="$ENV_DIR" \
		OTHER_DIR="$TRASH/other" tcsh -f "$@" 2>&1) | sed 's/^alias=..*/alias=set/'
}

compare() {
	if [ "$1" != "$2" ]; then
		diff -u <(printf '%s\n' "$1") <(printf '%s\n' "$2") >&2
		return 1
	fi
}

# The lines of one activate-deactivate cycle, each state dumped.
CYCLE='source "$ENV_DIR/bin/activate.csh"
set label = active
source dump.csh
deactivate
set label = inactive
source dump.csh'

basic() {
	local p
	p="$(csh_prefix "$2")p> "
	printf '%s\n' "set prompt = 'p> '" "setenv PYTHONHOME /no/such/home" "$CYCLE" >s.csh
	compare "$(ENV_DIR=$1 run_csh s.csh)" \
		"$(expect_state active "$1" "$2" "$p" /no/such/home; expect_state inactive "" "" "p> " /no/such/home)"
}

test_expect_success 'tcsh -f: activate and deactivate every nasty name' '
	for_each_name basic
'

no_prompt() {
	printf '%s\n' "$CYCLE" >s.csh
	compare "$(ENV_DIR=$1 run_csh s.csh)" \
		"$(expect_state active "$1" "$2" "" ""; expect_state inactive "" "" "" "")"
}

test_expect_success 'a shell without a prompt gets none; PYTHONHOME stays unset' '
	for_each_name no_prompt
'

disabled() {
	cat >s.csh <<-\EOF
	set prompt = 'p> '
	setenv VIRTUAL_ENV_DISABLE_PROMPT 1
	source "$ENV_DIR/bin/activate.csh"
	set label = active
	source dump.csh
	EOF
	compare "$(ENV_DIR=$1 run_csh s.csh)" "$(expect_state active "$1" "$2" "p> " "")"
}

test_expect_success 'VIRTUAL_ENV_DISABLE_PROMPT leaves the prompt alone' '
	for_each_name disabled
'

nondestructive() {
	cat >s.csh <<-\EOF
	set prompt = 'p> '
	source "$ENV_DIR/bin/activate.csh"
	deactivate nondestructive
	set label = inactive
	source dump.csh
	deactivate
	set label = gone
	source dump.csh
	EOF
	compare "$(ENV_DIR=$1 run_csh s.csh)" \
		"$(expect_state inactive "" "" "p> " "" | sed 's/^alias=$/alias=set/'
		   expect_state gone "" "" "p> " "")"
}

test_expect_success 'deactivate nondestructive restores but keeps the alias' '
	for_each_name nondestructive
'

second() {
	local p
	p="$(csh_prefix "$2")p> "
	printf '%s\n' "set prompt = 'p> '" 'source "$OTHER_DIR/bin/activate.csh"' "$CYCLE" >s.csh
	compare "$(ENV_DIR=$1 run_csh s.csh)" \
		"$(expect_state active "$1" "$2" "$p" ""; expect_state inactive "" "" "p> " "")"
}

test_expect_success 'activating a second env leaves the first' '
	make_env other >/dev/null &&
	for_each_name second
'

relative() {
	rm -rf links && mkdir links && ln -s "$1/bin/activate.csh" links/activate-link &&
	cat >s.csh <<-\EOF
	cd "$ENV_DIR"
	source bin/activate.csh
	set label = active
	source "$OTHER_DIR/../dump.csh"
	deactivate
	cd "$OTHER_DIR/../links"
	source ./activate-link
	set label = active
	source ../dump.csh
	EOF
	compare "$(ENV_DIR=$1 run_csh s.csh)" \
		"$(expect_state active "$1" "$2" "" ""; expect_state active "$1" "$2" "" "")"
}

test_expect_success 'sourcing by a relative path and through a symbolic link' '
	for_each_name relative
'

from_c() {
	local out
	out=$(cd "$TRASH" && env -i PATH="$CLEAN_PATH" HOME="$HOME" LC_ALL=C.UTF-8 ENV_DIR="$1" \
		tcsh -c "source \"\$ENV_DIR/bin/activate.csh\"; set label = active; source dump.csh" 2>&1 |
		sed 's/^alias=..*/alias=set/')
	compare "$out" "$(expect_state active "$1" "$2" "" "")"
}

test_expect_success 'tcsh -c (no -f) sources it too' '
	for_each_name from_c
'

# Interactively, under a pseudo-terminal: history substitution is on, and
# tcsh prints its prompt, which must show "(name) " literally.
interactive() {
	local out
	out=$(cd "$TRASH" && printf '%s\n' "set prompt = 'p> '" 'source "$ENV_DIR/bin/activate.csh"' \
		'set label = active' 'source dump.csh' 'deactivate' 'set label = inactive' \
		'source dump.csh' 'exit' |
		env -i PATH="$CLEAN_PATH" HOME="$HOME" LC_ALL=C.UTF-8 TERM=dumb ENV_DIR="$1" \
			script -qec "tcsh -f -i" /dev/null 2>&1 | tr -d '\r')
	case $out in
	*"($2) p> "*) ;;
	*) printf 'prompt (%s) not shown:\n%s\n' "$2" "$out" >&2; return 1 ;;
	esac
	case $out in
	*"VIRTUAL_ENV=$1"*"VIRTUAL_ENV_PROMPT=$2"*"prefix=$1"*"--- inactive"*"VIRTUAL_ENV unset"*"PATH=$CLEAN_PATH"*) ;;
	*) printf 'wrong state:\n%s\n' "$out" >&2; return 1 ;;
	esac
}

if command -v script >/dev/null 2>&1; then
	test_expect_success 'interactive tcsh shows the prompt and restores it' '
		for_each_name interactive
	'
else
	say "# script(1) is not installed: interactive tcsh not tested"
fi

test_expect_success 'no name was ever executed (canary)' '
	no_canary
'

test_done
