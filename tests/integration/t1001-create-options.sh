#!/bin/bash
# cvenv create's options, venv's semantics: several DIRs, --prompt, --clear,
# --upgrade, re-running on an existing env, usage errors.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-create.sh"

PY=$(python_for 3.12)
[ -z "$PY" ] && test_skip "no Python 3.12 on this machine"
export PY

test_expect_success 'several DIRs in one call make one env each' '
	cvenv create -p "$PY" --without-pip a b/c "d e" &&
	for d in a b/c "d e"; do
		test -f "$d/pyvenv.cfg" && "$d/bin/python" -c "import sys; assert sys.prefix != sys.base_prefix" || return 1
		grep -q "^command = .* $(cd "$d" && pwd)\$" "$d/pyvenv.cfg" || return 1
	done
'

test_expect_success 'the default interpreter is python3 from PATH' '
	mkdir bin && ln -s "$PY" bin/python3 &&
	PATH="$PWD/bin:$PATH" cvenv create --without-pip dflt &&
	expect_equal "$(readlink dflt/bin/python3)" "$PWD/bin/python3"
'

test_expect_success '--prompt . is the name of the current directory' '
	mkdir -p "my project" && (cd "my project" && cvenv create -p "$PY" --without-pip --prompt . env) &&
	grep -qx "prompt = '\''my project'\''" "my project/env/pyvenv.cfg" &&
	grep -q -- "--prompt=\"\.\" " "my project/env/pyvenv.cfg" &&
	mkdir -p "my project/ref" && (cd "my project/ref" && "$PY" -m venv --without-pip --prompt . env) &&
	grep -x "prompt = .*" "my project/ref/env/pyvenv.cfg" | sed "s/ref/my project/" >want &&
	grep -x "prompt = .*" "my project/env/pyvenv.cfg" >got && diff -u want got
'

test_expect_success 'no --prompt: no prompt key, as venv' '
	cvenv create -p "$PY" --without-pip np && ! grep -q "^prompt" np/pyvenv.cfg
'

test_expect_success 're-running create keeps foreign files and updates pyvenv.cfg' '
	cvenv create -p "$PY" --without-pip re &&
	echo mine >re/lib/python3.12/site-packages/foreign.py && echo x >re/notes.txt &&
	cvenv create -p "$PY" --without-pip --system-site-packages re &&
	test -f re/lib/python3.12/site-packages/foreign.py && test -f re/notes.txt &&
	grep -q "^include-system-site-packages = true" re/pyvenv.cfg
'

test_expect_success 'create into an existing non-env directory fills it, as venv does' '
	mkdir proj && echo keep >proj/setup.py &&
	cvenv create -p "$PY" --without-pip proj &&
	test -f proj/pyvenv.cfg && expect_equal "$(cat proj/setup.py)" keep
'

test_expect_success 'create into an existing empty directory fills that directory' '
	mkdir empty && before=$(stat -c %i empty) &&
	cvenv create -p "$PY" --without-pip empty && test -f empty/pyvenv.cfg &&
	expect_equal "$(stat -c %i empty)" "$before"
'

test_expect_success 'create . from inside an empty directory: the shell stays in the env' '
	mkdir here && cd here && cvenv create -p "$PY" --without-pip . &&
	test -f pyvenv.cfg && test -x bin/python && ./bin/python -c "import sys; assert sys.prefix != sys.base_prefix"
'

test_expect_success '--clear replaces an env: foreign files go' '
	cvenv create -p "$PY" --without-pip cl && echo x >cl/lib/python3.12/site-packages/old.py &&
	cvenv create -p "$PY" --without-pip --clear cl &&
	! test -e cl/lib/python3.12/site-packages/old.py && test -f cl/pyvenv.cfg &&
	grep -q -- " --clear " cl/pyvenv.cfg &&
	! ls -a . | grep "cvenv-"
'

test_expect_success '--clear leaves no temporary directory behind' '
	cvenv create -p "$PY" --without-pip --clear cl2 && cvenv create -p "$PY" --without-pip --clear cl2 &&
	! ls -a | grep -q "cvenv-"
'

test_expect_success 'the new env and its directories get the modes python -m venv gives under the umask' '
	for m in 022 077 002; do
		(umask $m && cvenv create -p "$PY" --without-pip "um$m" && "$PY" -m venv --without-pip "vm$m") &&
		for p in . bin lib include lib/python3.12/site-packages pyvenv.cfg bin/activate; do
			expect_equal "$(stat -c %a "um$m/$p")" "$(stat -c %a "vm$m/$p")" || return 1
		done
	done &&
	py313=$(python_for 3.13) &&
	if [ -n "$py313" ]; then
		(umask 007 && cvenv create -p "$py313" --without-pip g13 && "$py313" -m venv --without-pip v13) &&
		expect_equal "$(stat -c %a g13/.gitignore)" "$(stat -c %a v13/.gitignore)"
	fi
'

test_expect_success '--upgrade updates an env in place and keeps its files' '
	cvenv create -p "$PY" --without-pip up && echo x >up/lib/python3.12/site-packages/keep.py &&
	rm up/bin/python3.12 &&
	cvenv create -p "$PY" --without-pip --upgrade up &&
	test -f up/lib/python3.12/site-packages/keep.py && test -L up/bin/python3.12 &&
	grep -q -- " --upgrade " up/pyvenv.cfg
'

test_expect_success '--clear with --upgrade is a usage error and touches nothing' '
	expect_code 2 cvenv create -p "$PY" --clear --upgrade cu 2>err &&
	expect_grep "--clear and --upgrade" err && ! test -e cu
'

test_expect_success 'no DIR is a usage error' '
	expect_code 2 cvenv create -p "$PY" 2>err && expect_grep "DIR" err
'

test_expect_success '--symlinks is the default, --copies copies, last one wins' '
	cvenv create -p "$PY" --without-pip --copies --symlinks sl && test -L sl/bin/python3 &&
	cvenv create -p "$PY" --without-pip --symlinks --copies cp && ! test -L cp/bin/python3
'

test_expect_success 'the env dir gets the usual permissions (umask), not a temp dir mode' '
	(umask 022 && cvenv create -p "$PY" --without-pip perm) &&
	expect_equal "$(stat -c %a perm)" 755
'

test_expect_success 'activation scripts are written with the env path' '
	cvenv create -p "$PY" --without-pip act && test -f act/bin/activate &&
	grep -q "$(pwd)/act" act/bin/activate
'

test_done
