#!/bin/bash
# The unpacked-wheel cache: files linked into envs by --link-mode, no cache
# with --no-cache, and several runs filling one cache at once.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
SP=lib/python3.12/site-packages

test_expect_success 'setup' '
	mkdir wh && mkwheel wh demo 1.0 --console demo=demo:main \
		--data "scripts/s=#!python\nprint(1)\n" >/dev/null &&
	for i in 1 2 3 4; do cvenv create --without-pip -p "$py" e$i || return 1; done
'

test_expect_success 'the default cache is under $XDG_CACHE_HOME/cvenv; hard links by default here' '
	cvenv install --venv e1 wh/demo-1.0-py3-none-any.whl &&
	test -d "$XDG_CACHE_HOME/cvenv/wheels-v2" &&
	cvenv install --venv e2 --link-mode=hardlink wh/demo-1.0-py3-none-any.whl &&
	test "$(stat -c %h e2/$SP/demo/__init__.py)" -ge 2 &&
	test "$(stat -c %a e2/bin/s)" = 755 &&
	head -1 e2/bin/s | grep -qx "#!$PWD/e2/bin/python"
'

test_expect_success '--link-mode=copy makes private copies; --no-cache touches no cache' '
	cvenv install --venv e3 --link-mode=copy wh/demo-1.0-py3-none-any.whl &&
	test "$(stat -c %h e3/$SP/demo/__init__.py)" = 1 &&
	cvenv install --venv e4 --no-cache --cache-dir nocache wh/demo-1.0-py3-none-any.whl &&
	! test -e nocache &&
	cmp e3/$SP/demo/__init__.py e4/$SP/demo/__init__.py
'

test_expect_success 'one cache directory: install honours CVENV_CACHE_DIR and CVENV_NO_CACHE; --cache-dir holds both caches' '
	for g in g1 g2 g3; do cvenv create --without-pip -p "$py" $g || return 1; done &&
	CVENV_CACHE_DIR=$PWD/envcache cvenv install --venv g1 wh/demo-1.0-py3-none-any.whl &&
	test -d envcache/wheels-v2 &&
	CVENV_NO_CACHE=1 CVENV_CACHE_DIR=$PWD/nc cvenv install --venv g2 wh/demo-1.0-py3-none-any.whl &&
	! test -e nc &&
	cvenv install --venv g3 --cache-dir one wh/demo-1.0-py3-none-any.whl &&
	cvenv python find --cache-dir one "$py" >/dev/null &&
	test -d one/wheels-v2 && test -d one/interpreters
'

test_expect_success 'an unknown --link-mode is a usage error' '
	expect_code 2 cvenv install --venv e4 --link-mode=teleport wh/demo-1.0-py3-none-any.whl 2>err &&
	expect_grep "teleport" err
'

test_expect_success 'runs sharing a cold cache at once: all succeed, one whole entry' '
	for i in 1 2 3 4; do cvenv uninstall --venv e$i demo || return 1; done &&
	for i in 1 2 3 4; do cvenv install --venv e$i --cache-dir shared wh/demo-1.0-py3-none-any.whl & done; wait &&
	for i in 1 2 3 4; do e$i/bin/demo | grep -q "demo 1.0" || return 1; done &&
	test "$(ls -A shared/wheels-v2 | grep -vx .sweep | wc -l)" = 1
'

test_expect_success 'uninstall of a linked install leaves the cache intact' '
	cvenv uninstall --venv e1 demo &&
	cvenv install --venv e1 --cache-dir shared wh/demo-1.0-py3-none-any.whl &&
	e1/bin/demo | grep -q "demo 1.0"
'

# record_ok ENV FILE: FILE is listed in the env's RECORD with its own hash
record_ok() {
	python3 - "$1/$SP" "$2" <<-\EOF
	import base64, csv, glob, hashlib, sys
	sp, rel = sys.argv[1], sys.argv[2]
	data = open(f"{sp}/{rel}", "rb").read()
	h = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
	rows = [r for f in glob.glob(f"{sp}/*.dist-info/RECORD") for r in csv.reader(open(f))]
	sys.exit(0 if [rel, h, str(len(data))] in rows else 1)
	EOF
}

test_expect_success 'a wheel rewritten in place (same path, same size) is noticed' '
	mkdir ix ix2 &&
	mkwheel ix idx 1.0 --file idx/v.py=A >/dev/null &&
	mkwheel ix2 idx 1.0 --file idx/v.py=B >/dev/null &&
	cvenv create --without-pip -p "$py" f1 &&
	cvenv install --venv f1 --cache-dir ic ix/idx-1.0-py3-none-any.whl &&
	test "$(ls ic/wheel-index-v1 | wc -l)" = 1 &&
	test "$(cat f1/$SP/idx/v.py)" = A &&
	cat ix2/idx-1.0-py3-none-any.whl >ix/idx-1.0-py3-none-any.whl &&
	cvenv create --without-pip -p "$py" f2 &&
	cvenv install --venv f2 --cache-dir ic ix/idx-1.0-py3-none-any.whl &&
	test "$(cat f2/$SP/idx/v.py)" = B &&
	record_ok f2 idx/v.py &&
	test "$(ls ic/wheels-v2 | wc -l)" = 2
'

test_expect_success 'a corrupt or wrong index entry is ignored and rewritten' '
	for f in ic/wheel-index-v1/*; do printf "garbage\n" >"$f" || return 1; done &&
	cvenv create --without-pip -p "$py" f3 &&
	cvenv install --venv f3 --cache-dir ic ix/idx-1.0-py3-none-any.whl &&
	test "$(cat f3/$SP/idx/v.py)" = B && record_ok f3 idx/v.py &&
	! grep -q garbage ic/wheel-index-v1/* &&
	for f in ic/wheel-index-v1/*; do
		sed -i "\$s/.*/$(printf "%064d" 0)/" "$f" || return 1
	done &&
	cvenv create --without-pip -p "$py" f4 &&
	cvenv install --venv f4 --cache-dir ic ix/idx-1.0-py3-none-any.whl &&
	test "$(cat f4/$SP/idx/v.py)" = B && record_ok f4 idx/v.py &&
	! grep -qx "$(printf "%064d" 0)" ic/wheel-index-v1/*
'

test_done
