#!/bin/bash
# With an env active (its bin first on PATH, VIRTUAL_ENV set), cvenv finds
# that env's base interpreter as `python -m venv` does in the same shell
# (issue 10.11): a venv's python found on PATH stands for its base (from
# pyvenv.cfg's home or the interpreter's own answer), never hides it.
. "$(dirname "$0")/lib.sh"

py312=$(python_for 3.12) deb=$(python_for debian3.11)
[ -z "$py312" ] && test_skip "no CPython 3.12 under $PYENV_ROOT"
[ -n "$deb" ] && test_set_prereq DEBIAN_PY311

# activate DIR: what bin/activate does to the two variables that matter
activate() { export VIRTUAL_ENV="$TRASH/$1" PATH="$TRASH/$1/bin:$PATH"; }
# cfg_facts FILE: the lines of pyvenv.cfg that name the base
cfg_facts() { grep -E "^(home|version|version_info) " "$1"; }

test_expect_success 'setup: a 3.12 env made by python -m venv, .python-version = 3.12' '
	"$py312" -m venv --without-pip .venv &&
	echo 3.12 >.python-version
'

test_expect_success 'python list with the env active lists its base 3.12' '
	(activate .venv && cvenv python list) >list &&
	grep -E "^3\.12\.[0-9]+ +cpython " list &&
	! grep -E "^[^ ]+ +[^ ]+ +$TRASH/\.venv/" list
'

test_expect_success 'create --clear .venv from inside the env (.python-version 3.12), as python -m venv' '
	(activate .venv && python -m venv --clear --without-pip want) &&
	(activate .venv && cvenv create --clear --without-pip .venv) &&
	cfg_facts want/pyvenv.cfg >want.cfg &&
	cfg_facts .venv/pyvenv.cfg >got.cfg &&
	diff -u want.cfg got.cfg &&
	.venv/bin/python -c "import sys; assert sys.prefix != sys.base_prefix and sys.version_info[:2] == (3, 12)"
'

test_expect_success 'create -p 3.12 with the env active, as python -m venv' '
	(activate .venv && cvenv create -p 3.12 --without-pip x) &&
	cfg_facts x/pyvenv.cfg >got.cfg &&
	diff -u want.cfg got.cfg
'

test_expect_success 'create without -p in a directory without .python-version: python3 of the env resolves to its base' '
	mkdir -p elsewhere &&
	(activate .venv && cd elsewhere && cvenv create --without-pip y && python -m venv --without-pip want) &&
	cfg_facts elsewhere/y/pyvenv.cfg >got.cfg &&
	cfg_facts elsewhere/want/pyvenv.cfg >want2.cfg &&
	diff -u want2.cfg got.cfg
'

test_expect_success DEBIAN_PY311 'python find 3.11.2 with a Debian 3.11 env active: the Debian interpreter' '
	"$deb" -m venv --without-pip debenv &&
	want=$("$deb" -c "import sys; print(\"%d.%d.%d\" % sys.version_info[:3])") &&
	(activate debenv && cd elsewhere && cvenv python find "$want") >out &&
	expect_equal "$(readlink -f "$(cat out)")" "$(readlink -f "$deb")"
'

test_done
