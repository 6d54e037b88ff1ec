#!/bin/bash
# cvenv run (issue 13.2): a command run inside an env without a shell: the
# env's bin first on PATH, VIRTUAL_ENV set, PYTHONHOME unset, the command
# exec'd in cvenv's place, so its exit status and signals are the run's.
. "$(dirname "$0")/lib.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no CPython 3.12 under $PYENV_ROOT"

test_expect_success 'setup: an env .venv and another one' '
	cvenv create -p "$py" --without-pip .venv other
'

test_expect_success 'python is the env'\''s, with VIRTUAL_ENV set and PYTHONHOME unset' '
	PYTHONHOME=/nowhere cvenv run python -c "import os, sys; print(sys.prefix); print(os.environ[\"VIRTUAL_ENV\"]); print(os.environ.get(\"PYTHONHOME\"))" >out &&
	printf "%s\n" "$TRASH/.venv" "$TRASH/.venv" None >want &&
	diff -u want out
'

test_expect_success 'bin comes first on PATH, and the rest of PATH is kept' '
	cvenv run sh -c "echo \"\$PATH\"" >out &&
	expect_equal "$TRASH/.venv/bin:$PATH" "$(cat out)"
'

test_expect_success '--venv picks another env; options after COMMAND are the command'\''s' '
	cvenv run --venv other python -c "import sys; print(sys.prefix)" -v >out &&
	expect_equal "$TRASH/other" "$(cat out)" &&
	cvenv run --venv=other -- python -c "import sys; print(sys.argv[1:])" --venv x >out &&
	expect_equal "['\''--venv'\'', '\''x'\'']" "$(cat out)"
'

test_expect_success 'the exit status is the command'\''s' '
	expect_code 3 cvenv run python -c "import sys; sys.exit(3)" &&
	expect_code 0 cvenv run true
'

test_expect_success 'arguments with spaces, quotes and nothing at all arrive intact' '
	cvenv run python -c "import sys; print(repr(sys.argv[1:]))" "a b" "it'\''s \"q\"" "" "\$HOME" "*" >out &&
	cat >want <<-\EOF &&
	['\''a b'\'', '\''it\'\''s "q"'\'', '\'''\'', '\''$HOME'\'', '\''*'\'']
	EOF
	diff -u want out
'

test_expect_success 'no shell in between: the command takes cvenv'\''s process' '
	sh -c "echo \$\$ >pid; exec \"\$CVENV_BIN\" run python -c \"import os; print(os.getpid())\"" >out &&
	expect_equal "$(cat pid)" "$(cat out)"
'

test_expect_success 'a signal that kills the command is the run'\''s end (exit 128+N)' '
	expect_code 137 cvenv run sh -c "kill -KILL \$\$" &&
	rm -f ready &&
	{ cvenv run python -c "import pathlib, time; pathlib.Path(\"ready\").touch(); time.sleep(60)" & } &&
	pid=$! &&
	timeout 20 sh -c "while ! test -f ready; do sleep 0.05; done" &&
	kill -TERM $pid &&
	{ wait $pid; status=$?; } ;
	expect_equal 143 "$status"
'

test_expect_success 'a missing command: 127 and a clear error' '
	expect_code 127 cvenv run no-such-command arg 2>err &&
	expect_grep "cvenv: error: cannot run '\''no-such-command'\'': No such file or directory" err &&
	expect_grep "neither in '\''$TRASH/.venv/bin'\'' nor anywhere on PATH" err &&
	expect_code 127 cvenv run ./no-such-file 2>err &&
	touch notexec &&
	expect_code 126 cvenv run ./notexec 2>err &&
	expect_grep "Permission denied" err
'

test_expect_success 'no COMMAND is a usage error; no env is an error' '
	expect_code 2 cvenv run 2>err &&
	expect_grep "run needs a COMMAND" err &&
	mkdir empty &&
	(cd empty && expect_code 1 cvenv run --venv ../nope true) 2>err &&
	expect_grep "cannot use environment" err
'

test_done
