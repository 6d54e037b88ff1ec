#!/bin/bash
# After create, "activate with: . DIR/bin/activate" (issue 13.7), for a
# person at a terminal only: under script(1) stderr is a terminal; redirected
# to a file or a pipe, and with -q, create stays quiet as before.
. "$(dirname "$0")/lib.sh"

test_require_cmd script
py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no CPython 3.12 under $PYENV_ROOT"

# on_tty CMD: CMD (one shell command line) with a terminal for its output
on_tty() { timeout 60 script -qec "$1" /dev/null | tr -d '\r'; }

test_expect_success 'on a terminal: one line naming the script, DIR as typed' '
	on_tty "\"$CVENV_BIN\" create -p \"$py\" --without-pip .venv" >out &&
	printf "cvenv: activate with: . .venv/bin/activate\n" >want &&
	diff -u want out
'

test_expect_success 'a DIR the shell needs quoted is quoted; several DIRs: the last' '
	on_tty "\"$CVENV_BIN\" create -p \"$py\" --without-pip a \"my env/\"" >out &&
	printf "cvenv: activate with: . '\''my env/bin/activate'\''\n" >want &&
	diff -u want out &&
	(. "my env/bin/activate" && test "$VIRTUAL_ENV" = "$TRASH/my env")
'

test_expect_success 'not on a terminal, with -q, or on failure: nothing' '
	cvenv create -p "$py" --without-pip b 2>err &&
	test ! -s err &&
	cvenv create -p "$py" --without-pip c 2>&1 | cat >out &&
	test ! -s out &&
	on_tty "\"$CVENV_BIN\" -q create -p \"$py\" --without-pip d" >out &&
	test ! -s out &&
	on_tty "\"$CVENV_BIN\" create -p 3.99 e" >out &&
	! grep -q "activate with" out
'

test_done
