#!/bin/bash
# With a warm interpreter cache, `cvenv create --without-pip` starts no
# Python process: the interpreters here are wrappers that log each run and
# exec a real interpreter. Also: a venv's links (or its record) serve later commands, and
# `create -p` takes the whole request grammar.
. "$(dirname "$0")/lib.sh"

py312=$(python_for 3.12) py311=$(python_for 3.11)
if [ -z "$py312" ] || [ -z "$py311" ]; then
	test_skip "CPython 3.11 and 3.12 under $PYENV_ROOT are needed"
fi

export PYENV_ROOT="$TRASH/pyenv" PATH="$TRASH/bin:/usr/bin:/bin"
mkdir -p "$TRASH/bin"
wrapper "$PYENV_ROOT/versions/3.12.1/bin" python3 "$py312"
wrapper "$PYENV_ROOT/versions/3.11.7/bin" python3 "$py311"
w312="$PYENV_ROOT/versions/3.12.1/bin/python3"

test_expect_success 'cold: create -p 3.12 runs the interpreter once (the query)' '
	rm -f runs &&
	cvenv create -p 3.12 --without-pip e0 &&
	expect_equal "$(runs)" 1 &&
	test -f e0/pyvenv.cfg
'

test_expect_success 'warm: create --without-pip starts no Python at all' '
	rm -f runs &&
	cvenv create -p 3.12 --without-pip e1 &&
	cvenv create -p cpython@3.12 --without-pip e2 &&
	cvenv create -p "$w312" --without-pip e3 &&
	cvenv create -p ">=3.12,<3.13" --without-pip e4 &&
	expect_equal "$(runs)" 0 &&
	cat runs 2>/dev/null;
	for e in e1 e2 e3 e4; do
		v=$(./$e/bin/python -c "import sys; print(\"%d.%d\" % sys.version_info[:2], sys.prefix != sys.base_prefix)") &&
		expect_equal "$v" "3.12 True" || return 1
	done
'

test_expect_success STRACE 'warm: create --without-pip executes no program at all (strace)' '
	# LeakSanitizer cannot run under ptrace: off for this one run
	ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=execve,execveat,clone3,vfork,fork -o trace "$CVENV_BIN" create -p 3.12 --without-pip e6 &&
	cat trace &&
	expect_equal "$(grep -c "execve" trace)" 1 &&
	! grep -E "clone3|vfork|fork\\(" trace
'

test_expect_success 'install into a new env learns the tags from its links: no Python run' '
	arch=$(uname -m) &&
	python3 "$TEST_DIR/mkwheel.py" . natx 1.0 --platlib --tag "cp312-cp312-manylinux_2_17_$arch" >/dev/null &&
	rm -f runs &&
	cvenv install --venv e1 "natx-1.0-cp312-cp312-manylinux_2_17_$arch.whl" &&
	expect_equal "$(runs)" 0 &&
	./e1/bin/python -c "import sys; import natx" &&
	rm -f runs &&
	cvenv freeze --venv e1 >f && cvenv list --venv e1 >l && cvenv uninstall --venv e1 natx &&
	expect_equal "$(runs)" 0
'

test_expect_success 'a venv given as -p is replaced by its base, still without a run' '
	rm -f runs &&
	cvenv create -p ./e1 --without-pip e5 &&
	expect_equal "$(runs)" 0 &&
	grep "^home = " e5/pyvenv.cfg >h5 && grep "^home = " e1/pyvenv.cfg >h1 &&
	diff -u h1 h5
'

test_expect_success 'the default interpreter comes from .python-version, then python3 on PATH' '
	mkdir -p proj && echo 3.11.7 >proj/.python-version &&
	(cd proj && cvenv create --without-pip e) &&
	v=$(proj/e/bin/python -c "import sys; print(\"%d.%d\" % sys.version_info[:2])") &&
	expect_equal "$v" 3.11
'

test_expect_success 'a malformed -p is a usage error that shows the grammar' '
	expect_code 2 cvenv create -p "3.x" --without-pip bad 2>err &&
	expect_grep "an interpreter request is one of" err &&
	test ! -e bad
'

test_expect_success 'no matching interpreter: exit 1 and nothing created' '
	expect_code 1 cvenv create -p 3.99 --without-pip none 2>err &&
	expect_grep "no Python interpreter matches" err &&
	test ! -e none
'

test_done
