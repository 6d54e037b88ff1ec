#!/bin/bash
# The environment variables cvenv follows are read once, in cmd/, and passed
# to core (issue 14.4): each reaches the module that uses it.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"

test_expect_success 'core/ reads no environment variable itself' '
	! grep -rn "getenv\|environ\b" "$SRC_ROOT/src/core" --include=*.c
'

test_expect_success 'setup: an env and a wheelhouse' '
	mkdir house &&
	mkwheel house base 1.0 >/dev/null &&
	cvenv create --without-pip -p "$py" e
'

test_expect_success '${NAME} in a requirements file expands from the environment' '
	echo "\${CVENV_T0311_NAME}==1.0" >req.txt &&
	CVENV_T0311_NAME=base cvenv install --venv e -f house -r req.txt &&
	cvenv list --venv e --format=freeze >out &&
	expect_equal "$(cat out)" "base==1.0"
'

test_expect_success '$CVENV_PYTHON is the default request' '
	CVENV_PYTHON="$py" cvenv -v python find >out 2>err &&
	expect_equal "$(readlink -f "$(cat out)")" "$(readlink -f "$py")"
'

test_expect_success '~/ in a -p path is $HOME' '
	mkdir -p home && ln -s "$py" home/py &&
	HOME="$TRASH/home" cvenv python find "~/py" >out &&
	expect_equal "$(readlink -f "$(cat out)")" "$(readlink -f "$py")"
'

test_expect_success '$PYENV_ROOT and $PATH: where interpreters are searched' '
	root=${py%/versions/*} &&
	test "$root" != "$py" &&
	PATH=/nonexistent HOME="$TRASH" PYENV_ROOT="$root" "$CVENV_BIN" python list >out &&
	expect_grep " $root/versions/" out &&
	PATH=/nonexistent HOME="$TRASH" PYENV_ROOT="$TRASH/none" "$CVENV_BIN" python list >out &&
	! grep -F " $root/versions/" out
'

test_done
