#!/bin/bash
# cvenv install / uninstall: what lands where, launchers, .data schemes,
# metadata files, and both directions of compatibility with the real pip.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
pipwhl=$(ls "$(dirname "$(dirname "$py")")"/lib/python3.12/ensurepip/_bundled/pip-*.whl 2>/dev/null | head -1)
SP=lib/python3.12/site-packages

test_expect_success 'setup: wheels with entry points, .data and dependencies' '
	mkdir wh &&
	mkwheel wh demo 1.0 --console demo=demo:main --gui demo-gui=demo:main \
		--data "scripts/demo-script=#!python\nimport demo; demo.main()\n" \
		--data "scripts/shell-tool=#!/bin/sh\necho shell\n" \
		--data "data/share/demo/readme.txt=hello\n" \
		--data "headers/demo.h=int x;\n" \
		--data "purelib/demo_extra.py=X = 1\n" \
		--file "demo/sub/mod.py=Y = 2\n" >/dev/null &&
	mkwheel wh demo 2.0 --console demo=demo:main >/dev/null &&
	mkwheel wh needs 1.0 --requires "demo>=1.0" >/dev/null &&
	cvenv create --without-pip -p "$py" v &&
	snap v >empty.snap
'

test_expect_success 'install puts every file where pip would' '
	cvenv install --venv v wh/demo-1.0-py3-none-any.whl &&
	test -f v/$SP/demo/__init__.py &&
	test -f v/$SP/demo/sub/mod.py &&
	test -f v/$SP/demo_extra.py &&
	test -f v/share/demo/readme.txt &&
	test -f v/include/site/python3.12/demo/demo.h &&
	test -x v/bin/demo && test -x v/bin/demo-gui && test -x v/bin/demo-script &&
	test "$(stat -c %a v/bin/demo)" = 755 &&
	# hard-linked from the cache: its read-only inode (docs/security/cache.md)
	if [ "$(stat -c %h v/$SP/demo/__init__.py)" -gt 1 ]; then mode=444; else mode=644; fi &&
	test "$(stat -c %a v/$SP/demo/__init__.py)" = $mode &&
	v/bin/demo | grep -q "demo 1.0" &&
	v/bin/demo-script | grep -q "demo 1.0" &&
	v/bin/shell-tool | grep -q shell &&
	head -1 v/bin/demo-script | grep -qx "#!$PWD/v/bin/python"
'

test_expect_success 'the .dist-info has INSTALLER, REQUESTED, direct_url.json and a pip-style RECORD' '
	di=v/$SP/demo-1.0.dist-info &&
	test "$(cat $di/INSTALLER)" = cvenv &&
	test -f $di/REQUESTED &&
	"$py" -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"url\"].startswith(\"file:///\") and d[\"url\"].endswith(\"demo-1.0-py3-none-any.whl\"), d; h = \"$(sha256sum wh/demo-1.0-py3-none-any.whl | cut -d" " -f1)\"; assert d[\"archive_info\"] == {\"hash\": \"sha256=\" + h, \"hashes\": {\"sha256\": h}}, d" $di/direct_url.json &&
	grep -qx "demo-1.0.dist-info/RECORD,," <(tr -d "\r" <$di/RECORD) &&
	grep -q "^../../../bin/demo,sha256=" $di/RECORD &&
	test "$(tail -c 2 $di/RECORD | od -An -c | tr -d " ")" = "\r\n" &&
	"$py" - "$PWD/v/$SP" <<-PYEOF
	import base64, csv, hashlib, os, sys
	sp = sys.argv[1]
	rows = list(csv.reader(open(os.path.join(sp, "demo-1.0.dist-info/RECORD"), newline="")))
	assert rows == sorted(rows), "RECORD is not sorted as pip sorts it"
	for path, h, size in rows:
	    full = os.path.normpath(os.path.join(sp, path))
	    assert os.path.exists(full), path
	    if not h:
	        assert path.endswith("RECORD"), path
	        continue
	    data = open(full, "rb").read()
	    algo, val = h.split("=", 1)
	    d = base64.urlsafe_b64encode(hashlib.new(algo, data).digest()).rstrip(b"=").decode()
	    assert d == val and int(size) == len(data), path
	PYEOF
'

test_expect_success 'installing the same version again does nothing; --force-reinstall does' '
	rm -rf v/$SP/demo/__pycache__ &&
	snap v >s1 &&
	cvenv install --venv v wh/demo-1.0-py3-none-any.whl &&
	expect_unchanged s1 v &&
	cvenv install --venv v --force-reinstall wh/demo-1.0-py3-none-any.whl &&
	expect_unchanged s1 v
'

test_expect_success 'upgrade removes the old version'\''s files' '
	cvenv install --venv v wh/demo-2.0-py3-none-any.whl &&
	v/bin/demo | grep -q "demo 2.0" &&
	! test -e v/$SP/demo-1.0.dist-info &&
	! test -e v/$SP/demo/sub &&
	! test -e v/bin/demo-script && ! test -e v/share/demo &&
	! test -e v/include/site && test -d v/include &&
	test -d v/share || true
'

test_expect_success 'uninstall removes exactly what was installed' '
	cvenv uninstall --venv v -y demo &&
	rmdir v/share 2>/dev/null; snap v >s2 && diff -u empty.snap s2
'

test_expect_success 'uninstall of something not installed warns and succeeds' '
	cvenv uninstall --venv v nothing 2>err &&
	expect_grep "warning: skipping '\''nothing'\''" err
'

test_expect_success 'uninstall removes bytecode and leaves no empty directories' '
	cvenv install --venv v wh/demo-1.0-py3-none-any.whl &&
	v/bin/python -c "import demo.sub.mod, demo_extra" &&
	test -d v/$SP/demo/sub/__pycache__ &&
	cvenv uninstall --venv v demo &&
	! test -e v/$SP/demo && ! test -e v/$SP/__pycache__/demo_extra.cpython-312.pyc
'

test_expect_success 'uninstall never removes files of the env itself, or outside it' '
	cvenv install --venv v wh/demo-1.0-py3-none-any.whl &&
	touch outside.txt &&
	printf "../../../bin/python,,\r\n../../../pyvenv.cfg,,\r\n../../../bin/activate,,\r\n../../../../outside.txt,,\r\n" >>v/$SP/demo-1.0.dist-info/RECORD &&
	cvenv uninstall --venv v demo 2>err &&
	test -e v/bin/python && test -f v/pyvenv.cfg && test -f v/bin/activate && test -f outside.txt &&
	expect_grep "outside the environment" err &&
	! test -e v/$SP/demo
'

test -z "$pipwhl" && test_skip "no bundled pip wheel for 3.12"

test_expect_success 'setup: pip installed by cvenv' '
	rm -rf v && cvenv create --without-pip -p "$py" v &&
	cvenv install --venv v "$pipwhl" &&
	v/bin/pip --version | grep -q "$PWD/v/$SP/pip"
'

test_expect_success 'pip lists, and uninstalls what cvenv installed' '
	cvenv install --venv v wh/demo-1.0-py3-none-any.whl &&
	env_pip v list --format=freeze >l &&
	expect_grep "demo==1.0" l &&
	snap v >before &&
	env_pip v uninstall -y demo &&
	! test -e v/bin/demo && ! test -e v/$SP/demo &&
	! test -e v/$SP/demo-1.0.dist-info
'

test_expect_success 'pip upgrades what cvenv installed' '
	cvenv install --venv v wh/demo-1.0-py3-none-any.whl &&
	env_pip v install wh/demo-2.0-py3-none-any.whl &&
	v/bin/demo | grep -q "demo 2.0" &&
	! test -e v/$SP/demo-1.0.dist-info && ! test -e v/bin/demo-script &&
	env_pip v uninstall -y demo
'

test_expect_success 'cvenv uninstalls and upgrades what pip installed' '
	rm -rf v/include/site v/share &&
	snap v >before &&
	env_pip v install wh/demo-1.0-py3-none-any.whl &&
	cvenv install --venv v wh/demo-2.0-py3-none-any.whl &&
	v/bin/demo | grep -q "demo 2.0" &&
	! test -e v/$SP/demo-1.0.dist-info && ! test -e v/bin/demo-script &&
	cvenv uninstall --venv v demo &&
	rmdir v/share 2>/dev/null; expect_unchanged before v
'

test_expect_success 'cvenv uninstalls pip itself; pip uninstalls the pip cvenv installed' '
	cvenv uninstall --venv v pip &&
	! test -e v/bin/pip && ! test -e v/$SP/pip &&
	cvenv install --venv v "$pipwhl" &&
	v/bin/python -m pip uninstall -y pip &&
	! test -e v/bin/pip3.12 && ! test -e v/$SP/pip
'

test_expect_success 'launchers in a path with spaces use the /bin/sh trick and run' '
	cvenv create --without-pip -p "$py" "sp ace/v" &&
	cvenv install --venv "sp ace/v" wh/demo-1.0-py3-none-any.whl &&
	head -1 "sp ace/v/bin/demo" | grep -qx "#!/bin/sh" &&
	"sp ace/v/bin/demo" | grep -q "demo 1.0" &&
	"sp ace/v/bin/demo-script" | grep -q "demo 1.0"
'

test_expect_success 'launchers in a path longer than 127 bytes run too' '
	long=$PWD/$(printf "d%.0s" $(seq 1 60))/$(printf "e%.0s" $(seq 1 60)) &&
	cvenv create --without-pip -p "$py" "$long" &&
	cvenv install --venv "$long" wh/demo-1.0-py3-none-any.whl &&
	head -1 "$long/bin/demo" | grep -qx "#!/bin/sh" &&
	"$long/bin/demo" | grep -q "demo 1.0"
'

test_expect_success 'VIRTUAL_ENV and ./.venv pick the env' '
	cvenv create --without-pip -p "$py" .venv &&
	cvenv install wh/demo-1.0-py3-none-any.whl &&
	test -x .venv/bin/demo &&
	VIRTUAL_ENV=$PWD/v cvenv install wh/demo-1.0-py3-none-any.whl &&
	test -x v/bin/demo
'

test_done
