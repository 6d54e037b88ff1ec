#!/bin/bash
# Real-world wheels and requirement lines, installed as pip installs them:
# "name @ file://...#sha256=" lines as freeze writes them, direct_url.json
# byte for byte as pip writes it (quoted URL, archive hash), Wheel-Version
# 0.x, signed wheels (RECORD.jws, RECORD.p7s), and setuptools' entry point
# wrappers in .data/scripts.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.13)
[ -z "$py" ] && py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12 or 3.13"
pyver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
SP=lib/python$pyver/site-packages
WHEEL=/usr/share/python-wheels/wheel-0.38.4-py3-none-any.whl

# pipenv NAME: an env made by python -m venv, with its bundled pip (>= 23.2)
pipenv() { "$py" -m venv "$1" >/dev/null && env_pip "$1" --version >/dev/null; }
# venv makes envs with pip only where the interpreter has ensurepip.
test_lazy_prereq ENSUREPIP '"$py" -c "import ensurepip"'

test_expect_success 'setup' '
	cvenv create --without-pip -p "$py" a &&
	mkdir "odd dir+x" &&
	mkwheel "odd dir+x" plug 1.0.0+repack --console plug=plug:main >/dev/null
'

if [ -f "$WHEEL" ]; then
	test_expect_success 'what freeze writes, install -r takes: wheel @ file://...#sha256= (10.12)' '
		cvenv install --venv a "$WHEEL" &&
		cvenv freeze --venv a >req.txt &&
		h=$(sha256sum "$WHEEL" | cut -d" " -f1) &&
		echo "wheel @ file://$WHEEL#sha256=$h" >expect &&
		diff -u expect req.txt &&
		cvenv create --without-pip -p "$py" b &&
		cvenv install --venv b -r req.txt &&
		cvenv freeze --venv b >req2.txt &&
		diff -u req.txt req2.txt &&
		cmp a/$SP/wheel-0.38.4.dist-info/direct_url.json b/$SP/wheel-0.38.4.dist-info/direct_url.json
	'
fi

test_expect_success 'a file URL is percent-decoded; its #sha256= is checked' '
	cvenv create --without-pip -p "$py" c &&
	f="$PWD/odd dir+x/plug-1.0.0+repack-py3-none-any.whl" &&
	h=$(sha256sum "$f" | cut -d" " -f1) &&
	u="file://$(printf "%s" "$PWD" | sed "s/ /%20/g; s/+/%2B/g")/odd%20dir%2Bx/plug-1.0.0%2Brepack-py3-none-any.whl" &&
	echo "plug @ $u#sha256=0000000000000000000000000000000000000000000000000000000000000000" >bad.txt &&
	snap c >before &&
	expect_code 1 cvenv install --venv c -r bad.txt 2>err &&
	expect_grep "does not match any --hash" err &&
	expect_unchanged before c &&
	echo "plug @ $u#sha256=$h" >good.txt &&
	cvenv install --venv c -r good.txt &&
	c/bin/plug | grep -q "plug 1.0.0+repack"
'

test_expect_success 'a remote URL that cannot be fetched, a scheme cvenv does not fetch, a file:// URL of another host: errors' '
	echo "plug @ https://example.invalid/plug-1.0-py3-none-any.whl" >net.txt &&
	CVENV_HTTP_RETRIES=0 expect_code 1 cvenv install --venv c -r net.txt 2>err &&
	expect_grep "https://example.invalid/plug-1.0-py3-none-any.whl" err &&
	echo "plug @ ftp://example.invalid/plug-1.0-py3-none-any.whl" >ftp.txt &&
	expect_code 1 cvenv install --venv c -r ftp.txt 2>err &&
	expect_grep "only http, https and file URLs" err &&
	echo "plug @ file://otherhost/x/plug-1.0-py3-none-any.whl" >host.txt &&
	expect_code 1 cvenv install --venv c -r host.txt 2>err &&
	expect_grep "only local wheel files can be installed" err
'

test_expect_success ENSUREPIP 'direct_url.json, its RECORD line and freeze as pip writes them (10.13, 17.15)' '
	pipenv p &&
	f="odd dir+x/plug-1.0.0+repack-py3-none-any.whl" &&
	env_pip p install -q "$f" &&
	pd=$(ls -d p/lib/*/site-packages/plug-1.0.0+repack.dist-info) &&
	cvenv create --without-pip -p "$py" d &&
	cvenv install --venv d "$f" &&
	cd=d/$SP/plug-1.0.0+repack.dist-info &&
	cat $pd/direct_url.json && echo && cat $cd/direct_url.json && echo &&
	cmp $pd/direct_url.json $cd/direct_url.json &&
	grep direct_url.json $pd/RECORD >pr && grep direct_url.json $cd/RECORD >cr &&
	diff -u pr cr &&
	env_pip p freeze | grep "^plug" >pf &&
	cvenv freeze --venv d | grep "^plug" >cf &&
	diff -u pf cf
'

test_expect_success 'Wheel-Version 0.1 and 1 are accepted, as pip accepts them (17.16)' '
	mkdir wv &&
	w=$(mkwheel wv old 1.0 --wheel-version 0.1) &&
	cvenv install --venv a "$w" 2>err &&
	! grep -q warning err &&
	w=$(mkwheel wv one 1.0 --wheel-version 1) &&
	cvenv install --venv a "$w" &&
	w=$(mkwheel wv huge 1.0 --wheel-version 99999999999999999999.0) &&
	expect_code 1 cvenv install --venv a "$w" 2>err &&
	expect_grep "Wheel-Version" err
'

test_expect_success 'a signed wheel (RECORD.jws, RECORD.p7s) installs, as with pip (17.14)' '
	mkdir sg &&
	w=$(mkwheel sg signed 1.0 --unrecorded "DIST_INFO/RECORD.jws={\"sig\": 1}" \
		--unrecorded "DIST_INFO/RECORD.p7s=p7s-bytes") &&
	cvenv install --venv a "$w" &&
	test "$(cat a/$SP/signed-1.0.dist-info/RECORD.jws)" = "{\"sig\": 1}" &&
	test "$(cat a/$SP/signed-1.0.dist-info/RECORD.p7s)" = "p7s-bytes" &&
	grep "^signed-1.0.dist-info/RECORD.jws,sha256=" a/$SP/signed-1.0.dist-info/RECORD &&
	cvenv uninstall --venv a signed &&
	! test -e a/$SP/signed-1.0.dist-info &&
	if pipenv p2; then
		env_pip p2 install -q "$w" &&
		ls p2/lib/*/site-packages/signed-1.0.dist-info >pl &&
		cvenv install --venv a "$w" && ls a/$SP/signed-1.0.dist-info >cl &&
		diff -u pl cl && echo "pip agrees"
	fi
'

test_expect_success 'setuptools wrappers in .data/scripts are skipped for pip-made launchers (17.17)' '
	mkdir st &&
	w=$(mkwheel st setuptools 0.9.8 --tag py2.py3-none-any \
		--console easy_install=setuptools.command:main \
		--console easy_install-3.3=setuptools.command:main \
		--gui gtool=setuptools.command:main \
		--data "scripts/easy_install=#!python\nprint(1)\n" \
		--data "scripts/easy_install-3.3=#!python\nprint(1)\n" \
		--data "scripts/easy_install.exe=MZ" \
		--data "scripts/easy_install-script.py=#!python\n" \
		--data "scripts/easy_install.pya=x" \
		--data "scripts/gtool-script.py=#!python\n" \
		--data "scripts/other=#!python\nprint(2)\n") &&
	cvenv create --without-pip -p "$py" e &&
	cvenv install --venv e "$w" &&
	ls e/bin | grep -v -e "^python" -e "^activate" -e "^Activate" -e "^pypy" | sort >cl &&
	printf "easy_install\neasy_install-%s\ngtool\nother\n" "$pyver" >expect &&
	diff -u expect cl &&
	grep -q "from setuptools.command import main" e/bin/easy_install &&
	if pipenv p3; then
		env_pip p3 install -q "$w" &&
		ls p3/bin | grep -v -e "^python" -e "^activate" -e "^Activate" -e "^pip" | sort >pl &&
		diff -u pl cl && echo "pip agrees"
	fi
'

test_done
