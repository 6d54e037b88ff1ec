#!/bin/bash
# pip by default, as venv: bin/pip, pip3, pip3.X and `python -m pip` work, the
# same launchers as the interpreter's own venv. Slow: two interpreters only.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-create.sh"

for v in 3.12 debian3.11; do
	py=$(python_for "$v")
	[ -z "$py" ] && test_skip "no Python $v on this machine"
	export py
	test_expect_success "$v: pip is seeded like venv's" '
		rm -rf ref mine && mkdir ref mine &&
		(cd ref && "$py" -m venv env) && (cd mine && cvenv create -p "$py" env) &&
		ls ref/env/bin | grep -v -i activate >bin.ref && ls mine/env/bin | grep -v -i activate >bin.mine &&
		diff -u bin.ref bin.mine &&
		ls ref/env/lib/python3*/site-packages | grep -v __pycache__ >sp.ref &&
		ls mine/env/lib/python3*/site-packages | grep -v __pycache__ >sp.mine &&
		diff -u sp.ref sp.mine &&
		x=$(mine/env/bin/python -c "import sys; print(\"%d.%d\" % sys.version_info[:2])") &&
		for p in pip pip3 "pip$x"; do
			mine/env/bin/$p --version >out || return 1
			grep -q "$PWD/mine/env/lib" out || { cat out; return 1; }
		done &&
		mine/env/bin/python -m pip --version &&
		head -1 mine/env/bin/pip | grep -qx "#!$PWD/mine/env/bin/python[0-9.]*" &&
		cfg_without_command ref/env >cfg.ref && cfg_without_command mine/env >cfg.mine &&
		diff -u cfg.ref cfg.mine && check_command_line ref/env mine/env
	'
	test_unskip
done

test_lazy_prereq PY312_PIP 'py=$(python_for 3.12) && test -n "$py" && "$py" -c "import pip"'
test_expect_success PY312_PIP 'with --system-site-packages pip still goes into the env, as venv' '
	py=$(python_for 3.12) &&
	cvenv create -p "$py" --system-site-packages ssp &&
	test -x ssp/bin/pip && ls ssp/lib/python3.12/site-packages | grep -q "^pip-" &&
	grep -qx "include-system-site-packages = true" ssp/pyvenv.cfg &&
	ssp/bin/pip --version | grep -q "$PWD/ssp/lib"
'

test_done
