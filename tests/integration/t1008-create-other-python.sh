#!/bin/bash
# cvenv create on an env made for another Python (issue 13.5): refused with
# both versions named and --clear suggested, the env left as it was (venv
# would add a second lib/pythonX.Y and hide the packages); the same minor
# version is still updated in place. Errors about a request from
# .python-version or $CVENV_PYTHON name where it came from, without -v.
. "$(dirname "$0")/lib.sh"

py312=$(python_for 3.12) py313=$(python_for 3.13) pypy=$(python_for pypy3) py39=$(python_for 3.9)
[ -z "$py312" ] || [ -z "$py313" ] && test_skip "no CPython 3.12 and 3.13 under $PYENV_ROOT"

# snapshot DIR: every path and link of DIR with its content's checksum
snapshot() { (cd "$1" && find . -printf '%y %p %l %s\n' | LC_ALL=C sort && find . -type f -exec md5sum {} + | LC_ALL=C sort); }

test_expect_success 'setup: a project whose .python-version says 3.12, its env, a package in it' '
	mkdir proj && echo 3.12 >proj/.python-version &&
	(cd proj && cvenv create --without-pip .venv) &&
	test -d proj/.venv/lib/python3.12/site-packages &&
	mkdir proj/.venv/lib/python3.12/site-packages/mypkg
'

test_expect_success '.python-version changed to 3.13: refused, both versions and the file named' '
	echo 3.13 >proj/.python-version &&
	snapshot proj/.venv >before &&
	(cd proj && expect_code 1 cvenv create --without-pip .venv) 2>err &&
	expect_grep "cvenv: error: cannot update environment '\''$TRASH/proj/.venv'\'': it was made for Python 3.12" err &&
	expect_grep "(lib/python3.12), not for cpython 3.13" err &&
	expect_grep "requested by $TRASH/proj/.python-version" err &&
	expect_grep "hint: recreate it with --clear" err &&
	! test -e proj/.venv/lib/python3.13 &&
	snapshot proj/.venv >after &&
	diff -u before after
'

test_expect_success '$CVENV_PYTHON is named as the origin; -p names none' '
	(cd proj && CVENV_PYTHON=3.13 expect_code 1 cvenv create --without-pip .venv) 2>err &&
	expect_grep "requested by \$CVENV_PYTHON" err &&
	(cd proj && expect_code 1 cvenv create -p "$py313" --without-pip .venv) 2>err &&
	expect_grep "not for cpython 3.13" err &&
	! grep -q "requested by" err
'

test_expect_success '--upgrade to another minor version is refused too' '
	(cd proj && expect_code 1 cvenv create -p "$py313" --upgrade --without-pip .venv) 2>err &&
	expect_grep "made for Python 3.12" err &&
	! test -e proj/.venv/lib/python3.13
'

test_expect_success 'PyPy over a CPython env of the same X.Y is refused' '
	test -n "$pypy" && test -n "$py39" &&
	cvenv create -p "$py39" --without-pip c39 &&
	expect_code 1 cvenv create -p "$pypy" --without-pip c39 2>err &&
	expect_grep "(lib/python3.9), not for pypy 3.9" err &&
	! test -e c39/lib/pypy3.9
'

test_expect_success 'the same Python updates in place; --clear makes it anew for 3.13' '
	(cd proj && cvenv create -p "$py312" --without-pip .venv) &&
	test -d proj/.venv/lib/python3.12/site-packages/mypkg &&
	(cd proj && cvenv create --clear --without-pip .venv) &&
	test -d proj/.venv/lib/python3.13/site-packages && ! test -e proj/.venv/lib/python3.12 &&
	proj/.venv/bin/python -c "import sys; assert sys.version_info[:2] == (3, 13)"
'

test_expect_success 'an env made by python -m venv for 3.12 (no cvenv state) is refused alike' '
	"$py312" -m venv --without-pip byvenv &&
	expect_code 1 cvenv create -p "$py313" --without-pip byvenv 2>err &&
	expect_grep "made for Python 3.12" err
'

test_expect_success 'a request from .python-version or $CVENV_PYTHON that fails says where it came from' '
	mkdir other && echo 3.99 >other/.python-version &&
	(cd other && expect_code 1 cvenv create x) 2>err &&
	expect_grep "no Python interpreter matches '\''3.99'\''" err &&
	expect_grep "hint: the request '\''3.99'\'' came from $TRASH/other/.python-version; -p overrides it" err &&
	(cd other && CVENV_PYTHON=/no/python expect_code 1 cvenv create x) 2>err &&
	expect_grep "came from \$CVENV_PYTHON" err &&
	(cd other && expect_code 1 cvenv create -p 3.99 x) 2>err &&
	! grep -q "came from" err
'

test_done
