#!/bin/bash
# bin/activate in the real POSIX shells (bash, zsh, dash as sh, ksh): venv's
# semantics, quoting of nasty names, and that deactivate restores everything.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-activate.sh"

# The driver runs inside the shell under test. It gets the env's path and the
# expected prompt name through the environment (ENV_DIR, WANT_PROMPT) and one
# scenario name as $1; it prints "DONE" when every check passed.
cat >driver.sh <<'DRIVER'
fail() { echo "FAIL($SHELL_NAME $1): $2"; exit 1; }
set -u
if [ -n "${STRICT-}" ]; then
	set -e
	(set -o pipefail) 2>/dev/null && set -o pipefail
fi
PATH=$CLEAN_PATH
export PATH
orig_path=$PATH
script="$ENV_DIR/bin/activate"
want_python="$ENV_DIR/bin/python"

check_active() {
	[ "$VIRTUAL_ENV" = "$ENV_DIR" ] || fail "$1" "VIRTUAL_ENV=[$VIRTUAL_ENV]"
	[ "$VIRTUAL_ENV_PROMPT" = "$WANT_PROMPT" ] || fail "$1" "VIRTUAL_ENV_PROMPT=[$VIRTUAL_ENV_PROMPT]"
	[ "$PATH" = "$ENV_DIR/bin:$orig_path" ] || fail "$1" "PATH=[$PATH]"
	py=$(command -v python) || fail "$1" "no python on PATH"
	if [ "$py" != "$want_python" ]; then
		# ksh prints a path with special characters in $'...' form.
		[ -n "${KSH_VERSION-}" ] && [ "$py" = "$(printf '%q' "$want_python")" ] ||
			fail "$1" "command -v python=[$py]"
	fi
	prefix=$(python -c 'import sys; print(sys.prefix)')
	[ "$prefix" = "$ENV_DIR" ] || fail "$1" "sys.prefix=[$prefix]"
}

check_inactive() {
	[ "$PATH" = "$orig_path" ] || fail "$1" "PATH not restored: [$PATH]"
	[ -z "${VIRTUAL_ENV+x}" ] || fail "$1" "VIRTUAL_ENV still set"
	[ -z "${VIRTUAL_ENV_PROMPT+x}" ] || fail "$1" "VIRTUAL_ENV_PROMPT still set"
	[ -z "${_OLD_VIRTUAL_PATH+x}${_OLD_VIRTUAL_PS1+x}${_OLD_VIRTUAL_PYTHONHOME+x}" ] ||
		fail "$1" "saved variables left behind"
	if command -v python >/dev/null 2>&1; then fail "$1" "python still on PATH"; fi
}

case $1 in
basic)
	PS1='p> '
	PYTHONHOME=/no/such/home
	export PYTHONHOME
	. "$script"
	check_active basic
	[ -z "${PYTHONHOME+x}" ] || fail basic "PYTHONHOME still set"
	[ "$PS1" != 'p> ' ] || fail basic "no prompt prefix"
	deactivate
	check_inactive basic
	[ "$PS1" = 'p> ' ] || fail basic "PS1 not restored: [$PS1]"
	[ "$PYTHONHOME" = /no/such/home ] || fail basic "PYTHONHOME not restored"
	if command -v deactivate >/dev/null 2>&1; then fail basic "deactivate still defined"; fi
	;;
ps1-unset)
	unset PS1 PYTHONHOME
	. "$script"
	check_active ps1-unset
	deactivate
	check_inactive ps1-unset
	[ -z "${PS1+x}" ] || fail ps1-unset "PS1 set by deactivate: [$PS1]"
	[ -z "${PYTHONHOME+x}" ] || fail ps1-unset "PYTHONHOME set by deactivate"
	;;
ps1-empty)
	PS1=
	PYTHONHOME=
	export PYTHONHOME
	. "$script"
	check_active ps1-empty
	[ -z "${PYTHONHOME+x}" ] || fail ps1-empty "empty PYTHONHOME still set"
	deactivate
	check_inactive ps1-empty
	[ -n "${PS1+x}" ] && [ -z "$PS1" ] || fail ps1-empty "PS1 not restored to empty"
	[ -n "${PYTHONHOME+x}" ] && [ -z "$PYTHONHOME" ] || fail ps1-empty "PYTHONHOME not restored to empty"
	;;
disable-prompt)
	PS1='p> '
	VIRTUAL_ENV_DISABLE_PROMPT=1
	. "$script"
	check_active disable-prompt
	[ "$PS1" = 'p> ' ] || fail disable-prompt "PS1 changed: [$PS1]"
	deactivate
	check_inactive disable-prompt
	[ "$PS1" = 'p> ' ] || fail disable-prompt "PS1 changed: [$PS1]"
	;;
nondestructive)
	PS1='p> '
	. "$script"
	deactivate nondestructive
	check_inactive nondestructive
	[ "$PS1" = 'p> ' ] || fail nondestructive "PS1 not restored"
	command -v deactivate >/dev/null 2>&1 || fail nondestructive "deactivate was removed"
	deactivate
	check_inactive nondestructive-twice
	;;
second-env)
	PS1='p> '
	. "$OTHER_DIR/bin/activate"
	. "$script"
	check_active second-env
	case $PATH in *"$OTHER_DIR"*) fail second-env "first env still on PATH" ;; esac
	deactivate
	check_inactive second-env
	[ "$PS1" = 'p> ' ] || fail second-env "PS1 not restored: [$PS1]"
	;;
relative)
	# Sourced by a relative path, then through a symbolic link.
	PS1='p> '
	cd "$ENV_DIR"
	. ./bin/activate
	check_active relative
	deactivate
	check_inactive relative
	cd "$LINK_DIR"
	. ./activate-link
	check_active symlink
	deactivate
	check_inactive symlink
	;;
ps1-not-exported)
	# issue 10.15: deactivate leaves PS1 unexported when it was
	PS1='p> '
	. "$script"
	check_active ps1-not-exported
	deactivate
	check_inactive ps1-not-exported
	[ "$PS1" = 'p> ' ] || fail ps1-not-exported "PS1 not restored: [$PS1]"
	if printenv PS1 >/dev/null; then fail ps1-not-exported "PS1 exported after deactivate"; fi
	;;
ps1-exported)
	PS1='p> '
	export PS1
	. "$script"
	check_active ps1-exported
	printenv PS1 >/dev/null || fail ps1-exported "PS1 no longer exported while active"
	deactivate
	check_inactive ps1-exported
	[ "$(printenv PS1)" = 'p> ' ] || fail ps1-exported "PS1 not exported as before: [$(printenv PS1)]"
	;;
*) fail "$1" "unknown scenario" ;;
esac
echo DONE
DRIVER

shells=
for s in bash zsh dash ksh; do
	command -v $s >/dev/null 2>&1 && shells="$shells $s" || say "# $s is not installed: not tested"
done
[ -n "$shells" ] || test_skip "none of bash, zsh, dash, ksh is installed"

# run_driver SHELL SCENARIO DIR PROMPT: runs the driver in SHELL, expects DONE.
run_driver() {
	local out
	out=$(cd "$TRASH" && SHELL_NAME=$1 ENV_DIR=$3 WANT_PROMPT=$4 CLEAN_PATH=$CLEAN_PATH \
		OTHER_DIR="$TRASH/other" LINK_DIR="$TRASH/links" STRICT=${STRICT-} \
		"$1" "$TRASH/driver.sh" "$2" 2>&1)
	if [ "$out" != DONE ]; then
		printf '%s\n' "$out" >&2
		return 1
	fi
}

for_all_shells() {
	local sh
	for sh in $shells; do
		run_driver "$sh" "$SCENARIO" "$1" "$2" || return 1
	done
}

test_expect_success 'every shell activates and deactivates every nasty name' '
	SCENARIO=basic for_each_name for_all_shells
'

test_expect_success 'the same under set -eu (and pipefail where the shell has it)' '
	STRICT=1 SCENARIO=basic for_each_name for_all_shells
'

test_expect_success 'an unset PS1 stays unset, an empty one stays empty' '
	STRICT=1 SCENARIO=ps1-unset for_each_name for_all_shells &&
	STRICT=1 SCENARIO=ps1-empty for_each_name for_all_shells
'

test_expect_success '10.15: PS1 is exported after deactivate exactly when it was before' '
	SCENARIO=ps1-not-exported for_each_name for_all_shells &&
	SCENARIO=ps1-exported for_each_name for_all_shells
'

test_expect_success 'VIRTUAL_ENV_DISABLE_PROMPT leaves the prompt alone' '
	SCENARIO=disable-prompt for_each_name for_all_shells
'

test_expect_success 'deactivate nondestructive restores but keeps deactivate' '
	SCENARIO=nondestructive for_each_name for_all_shells
'

test_expect_success 'activating a second env leaves the first' '
	make_env other >/dev/null &&
	STRICT=1 SCENARIO=second-env for_each_name for_all_shells
'

with_link() {
	rm -rf links && mkdir links && ln -s "$1/bin/activate" links/activate-link &&
	for_all_shells "$1" "$2"
}

test_expect_success 'sourcing by a relative path and through a symbolic link' '
	SCENARIO=relative for_each_name with_link
'

# The prompt as the shell really shows it: an interactive shell reading
# commands from a pipe prints each prompt on stderr (ksh only from a pipe,
# not from a file).
cat >interactive.txt <<'INPUT'
PS1='p> '
. "$ENV_DIR/bin/activate"
echo
deactivate
echo
INPUT

show_prompts() {
	local sh=$1 dir=$2 cmd
	case $sh in
	bash) cmd="bash --norc --noprofile -i" ;;
	zsh) cmd="zsh -f -i" ;;
	*) cmd="$sh -i" ;;
	esac
	(cd "$TRASH" && cat interactive.txt | env -i PATH="$CLEAN_PATH" HOME="$HOME" \
		LC_ALL=C.UTF-8 ENV=/dev/null ENV_DIR="$dir" $cmd 2>&1)
}

check_prompt_shown() {
	local sh out
	for sh in $shells; do
		out=$(show_prompts "$sh" "$1")
		case $out in
		*"($2) p> "*) ;;
		*) printf "%s did not show the prompt [(%s) p> ]:\n%s\n" "$sh" "$2" "$out" >&2; return 1 ;;
		esac
		# After deactivate the plain prompt is back.
		case ${out##*"($2) p> "} in
		*"p> "*) ;;
		*) echo "$sh: no plain prompt after deactivate" >&2; return 1 ;;
		esac
	done
}

test_expect_success 'interactive shells show "(name) " before the prompt, literally' '
	for_each_name check_prompt_shown
'

test_expect_success 'with prompt_subst, prompt_bang (zsh) and promptvars off (bash) too' '
	check_opt_shells() {
		local out
		local o
		if command -v zsh >/dev/null; then
			for o in prompt_subst prompt_bang "prompt_subst prompt_bang"; do
				out=$( (cd "$TRASH" && { echo "setopt $o"; cat interactive.txt; } |
					env -i PATH="$CLEAN_PATH" LC_ALL=C.UTF-8 ENV_DIR="$1" zsh -f -i 2>&1) )
				case $out in *"($2) p> "*) ;; *) echo "zsh $o: $out" >&2; return 1 ;; esac
			done
		fi
		out=$( (cd "$TRASH" && { echo "shopt -u promptvars"; cat interactive.txt; } |
			env -i PATH="$CLEAN_PATH" LC_ALL=C.UTF-8 ENV_DIR="$1" bash --norc --noprofile -i 2>&1) )
		case $out in *"($2) p> "*) ;; *) echo "bash -promptvars: $out" >&2; return 1 ;; esac
	}
	for_each_name check_opt_shells
'

# Side by side with the stdlib: for a plain name, every shell shows the same
# prompts and variables with cvenv's script as with venv's own (3.13).
cat >conform.txt <<'INPUT'
PS1='p> '
. "$ENV_DIR/bin/activate"
printf '[%s] [%s] [%s]\n' "$VIRTUAL_ENV_PROMPT" "${PATH#"$ENV_DIR"}" "$(command -v python)"
deactivate
printf '[%s] [%s]\n' "${VIRTUAL_ENV-unset}" "$PATH"
INPUT

conform_run() {
	(cd "$TRASH" && cat conform.txt | env -i PATH="$CLEAN_PATH" HOME="$HOME" LC_ALL=C.UTF-8 \
		ENV=/dev/null ENV_DIR="$2" $1 2>&1 | sed "s|$2|ENV|g")
}

PY313=$(python_for 3.13)
[ -n "$PY313" ] || test_skip "CPython 3.13 is not installed: no reference venv"
test_expect_success 'the same prompts and variables as venv 3.13, in every shell' '
	"$PY313" -m venv --without-pip --prompt same ref-env &&
	make_env cv-env same &&
	for sh in $shells; do
		case $sh in
		bash) cmd="bash --norc --noprofile -i" ;;
		zsh) cmd="zsh -f -i" ;;
		*) cmd="$sh -i" ;;
		esac
		want=$(conform_run "$cmd" "$TRASH/ref-env") &&
		got=$(conform_run "$cmd" "$TRASH/cv-env") &&
		case $want in *"(same) p> "*"[same] [/bin:"*) ;; *) echo "venv: $want"; return 1 ;; esac &&
		expect_equal "$want" "$got" || { echo "in $sh"; return 1; }
	done
'
test_unskip

# run_not_sourced DIR NAME: `SHELL DIR/bin/activate` (and through a
# relative path) fails with the advice on stderr and changes nothing.
run_not_sourced() {
	local sh
	for sh in $shells; do
		(cd "$1/bin" && expect_code 1 "$sh" ./activate >out 2>err) || return 1
		expect_grep "source this script to activate the env, do not run it: . ./activate" "$1/bin/err" &&
		test ! -s "$1/bin/out" || return 1
		expect_code 1 env -u VIRTUAL_ENV "$sh" "$1/bin/activate" 2>err || return 1
		[ "$(wc -l <err)" = 1 ] || { echo "$sh: more than the advice:"; cat err; return 1; }
		rm -f "$1/bin/out" "$1/bin/err"
	done
}

test_expect_success '13.7: run rather than sourced, it says "source this script" and exits 1' '
	for_each_name run_not_sourced
'

test_expect_success 'no name was ever executed (canary)' '
	no_canary &&
	test ! -e "$HOME/pwned" && test ! -e /tmp/pwned
'

test_done
