#!/bin/bash
# Every refusal of cvenv create: a clear message naming the subject, a
# non-zero exit, and nothing made or changed.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-create.sh"

PY=$(python_for 3.12)
[ -z "$PY" ] && test_skip "no Python 3.12 on this machine"
export PY
test_lazy_prereq PY27 'test -n "$(python_for 2.7)"'
test_lazy_prereq DEBIAN_WHEELS 'test -n "$(python_for debian3.11)" && test -d /usr/share/python-wheels'

# nothing_here: the scratch dir holds only what the test made itself.
test_expect_success 'a target that is a file' '
	echo data >afile &&
	expect_code 1 cvenv create -p "$PY" --without-pip afile 2>err &&
	expect_grep "'\''$PWD/afile'\''" err && expect_grep "not a directory" err &&
	expect_equal "$(cat afile)" data && ! ls -a | grep -q cvenv-
'

test_expect_success 'a place that cannot be written' '
	expect_code 1 cvenv create -p "$PY" --without-pip /proc/cvenv-test-env 2>err &&
	expect_grep "/proc/cvenv-test-env" err && ! test -e /proc/cvenv-test-env
'

test_expect_success 'a path under a file' '
	echo x >f &&
	expect_code 1 cvenv create -p "$PY" --without-pip f/env 2>err &&
	expect_grep "f" err && expect_equal "$(cat f)" x
'

test_expect_success 'a missing interpreter' '
	expect_code 1 cvenv create -p /no/such/python --without-pip e1 2>err &&
	expect_grep "/no/such/python" err && ! test -e e1 &&
	expect_code 1 cvenv create -p python9.99 --without-pip e2 2>err &&
	expect_grep "python9.99" err && ! test -e e2
'

test_expect_success 'a program that is not Python' '
	printf "#!/bin/sh\necho hello\n" >notpy && chmod +x notpy &&
	expect_code 1 cvenv create -p ./notpy --without-pip e3 2>err &&
	expect_grep "notpy" err && expect_grep "Python" err && ! test -e e3 &&
	expect_code 1 cvenv create -p /bin/false --without-pip e4 2>err &&
	expect_grep "/bin/false" err && ! test -e e4
'

test_expect_success PY27 'Python 2.7: a clear error that says what to use instead' '
	py27=$(python_for 2.7) &&
	expect_code 1 cvenv create -p "$py27" --without-pip e5 2>err &&
	expect_grep "Python 2.7" err && expect_grep "virtualenv" err && ! test -e e5
'

test_expect_success '--clear refuses a non-empty directory without pyvenv.cfg' '
	mkdir proj && echo precious >proj/data.txt &&
	expect_code 1 cvenv create -p "$PY" --without-pip --clear proj 2>err &&
	expect_grep "'\''$PWD/proj'\''" err && expect_grep "pyvenv.cfg" err &&
	expect_equal "$(ls -A proj)" data.txt && expect_equal "$(cat proj/data.txt)" precious
'

test_expect_success 'a ":" or a newline in the path is refused before anything is written' '
	expect_code 1 cvenv create -p "$PY" --without-pip "a:b" 2>err && ! test -e "a:b" &&
	expect_code 1 cvenv create -p "$PY" --without-pip "$(printf "new\nline")" 2>err &&
	! ls -a | grep -q -e cvenv- -e new
'

test_expect_success 'a failure leaves no parent directories behind' '
	expect_code 1 cvenv create -p "$PY" --without-pip "deep/er/x:y" 2>err &&
	! test -e deep
'

# Seeding is native (core/seed.c): no ensurepip runs. Its failures are made
# with --seed-wheels directories holding no pip, or a broken pip wheel, and
# the interrupt with the fault shim raising SIGINT while a file is written.
test_expect_success 'no pip wheel to seed from: says so and how to fix it' '
	mkdir nowheels &&
	expect_code 1 cvenv create -p "$PY" --seed-wheels nowheels e6 2>err &&
	expect_grep "no pip wheel in nowheels" err && expect_grep "without-pip" err &&
	! test -e e6
'

test_expect_success DEBIAN_WHEELS 'Debian python seeds from /usr/share/python-wheels' '
	deb=$(python_for debian3.11) &&
	cvenv -v create -p "$deb" e6 2>err &&
	expect_grep "seeding from /usr/share/python-wheels/pip-" err &&
	expect_equal 1 "$(grep -c "seeding from" err)" &&
	e6/bin/pip --version && rm -rf e6
'

test_expect_success 'a failing pip seeding takes the new env away again' '
	mkdir badwheels &&
	printf "not a zip" >badwheels/pip-99.0-py3-none-any.whl &&
	expect_code 1 cvenv create -p "$PY" --seed-wheels badwheels e7 2>err &&
	expect_grep "cannot open wheel" err && ! test -e e7 && ! ls -a | grep -q cvenv-
'

test_expect_success 'a failing create takes away the parent directories it made' '
	expect_code 1 cvenv create -p "$PY" --seed-wheels badwheels p1/p2/env 2>err &&
	! test -e p1 && ! ls -a | grep -q cvenv-
'

test_expect_success 'a failing pip seeding in an empty directory leaves it empty' '
	mkdir e9 &&
	expect_code 1 cvenv create -p "$PY" --seed-wheels badwheels e9 2>err &&
	test -d e9 && expect_equal "$(ls -A e9)" ""
'

test_expect_success 'a failing pip seeding under --clear puts the old env back' '
	cvenv create -p "$PY" --without-pip e8 && echo x >e8/marker &&
	expect_code 1 cvenv create -p "$PY" --seed-wheels badwheels --clear e8 2>err &&
	test -f e8/marker && test -f e8/pyvenv.cfg && ! ls -a | grep -q cvenv-
'

test_expect_success CC,DYNAMIC 'an interrupt (SIGINT) while pip goes in: exit 130, nothing left' '
	cc -shared -fPIC -o shim.so "$TEST_DIR/fault_shim.c" -ldl &&
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 &&
	FAULT_SIGINT_PATH=.dist-info/ LD_PRELOAD=$PWD/shim.so \
		expect_code 130 cvenv create -p "$PY" --no-cache e10 2>err &&
	expect_grep "interrupted" err && ! test -e e10 && ! ls -a | grep -q cvenv- &&
	cvenv create -p "$PY" --without-pip e11 && echo x >e11/marker &&
	FAULT_SIGINT_PATH=.dist-info/ LD_PRELOAD=$PWD/shim.so \
		expect_code 130 cvenv create -p "$PY" --no-cache --clear e11 2>err &&
	test -f e11/marker && test -f e11/pyvenv.cfg && ! ls -a | grep -q cvenv-
'

test_done
