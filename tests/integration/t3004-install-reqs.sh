#!/bin/bash
# cvenv install -r: pinned requirements (as freeze writes them) resolved in
# --find-links wheelhouses, markers, --hash, dependencies checked and pulled
# from the wheelhouse, and the reproduction round trip across versions.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py12=$(python_for 3.12)
py11=$(python_for 3.11)
[ -z "$py12" ] || [ -z "$py11" ] && test_skip "no Python 3.11 and 3.12"
SP=lib/python3.12/site-packages

test_expect_success 'setup: a wheelhouse' '
	mkdir house &&
	mkwheel house base 1.0 >/dev/null &&
	mkwheel house base 2.0 >/dev/null &&
	mkwheel house base 3.0rc1 >/dev/null &&
	mkwheel house app 1.0 --console app=app:main --requires "base>=1.0" \
		--requires "withx; extra == \"x\"" --requires "py2only; python_version < \"3\"" >/dev/null &&
	mkwheel house withx 1.0 >/dev/null &&
	mkwheel house lonely 1.0 --requires "missing-dep>=1" >/dev/null &&
	mkwheel house plat 1.0 --platlib --tag cp312-cp312-manylinux_2_17_x86_64 >/dev/null &&
	mkwheel house plat 1.0 >/dev/null &&
	cvenv create --without-pip -p "$py12" a
'

test_expect_success 'a missing dependency is an error naming it; nothing is installed' '
	snap a >before &&
	expect_code 1 cvenv install --venv a house/lonely-1.0-py3-none-any.whl 2>err &&
	expect_grep "'\''lonely 1.0'\'' requires '\''missing-dep>=1'\'', which is not installed" err &&
	expect_code 1 cvenv install --venv a -f house house/lonely-1.0-py3-none-any.whl 2>err &&
	expect_grep "missing-dep" err &&
	expect_unchanged before a &&
	cvenv install --venv a --no-deps house/lonely-1.0-py3-none-any.whl &&
	cvenv uninstall --venv a lonely
'

test_expect_success 'dependencies come from --find-links: newest final version, markers honoured' '
	cvenv install --venv a -f house house/app-1.0-py3-none-any.whl &&
	cvenv freeze --venv a >f &&
	printf "app @ file://%s/house/app-1.0-py3-none-any.whl#sha256=%s\nbase==2.0\n" "$PWD" \
		"$(sha256sum house/app-1.0-py3-none-any.whl | cut -d" " -f1)" >expect &&
	diff -u expect f &&
	! test -e a/$SP/base-2.0.dist-info/REQUESTED &&
	test -e a/$SP/app-1.0.dist-info/REQUESTED
'

test_expect_success 'requirements pick the pinned version and replace another one' '
	echo "base==1.0" >r1.txt &&
	cvenv install --venv a -r r1.txt -f house &&
	cvenv freeze --venv a | grep -qx "base==1.0" &&
	! test -e a/$SP/base-2.0.dist-info
'

test_expect_success 'an already satisfied requirement is left alone; -U takes the newest' '
	echo "base>=1.0" >r2.txt &&
	cvenv install --venv a -r r2.txt -f house &&
	cvenv freeze --venv a | grep -qx "base==1.0" &&
	cvenv install --venv a -U -r r2.txt -f house &&
	cvenv freeze --venv a | grep -qx "base==2.0"
'

test_expect_success 'the best tag wins among wheels of one version' '
	echo "plat==1.0" >r3.txt &&
	cvenv install --venv a -r r3.txt -f house &&
	grep -q "Root-Is-Purelib: false" a/$SP/plat-1.0.dist-info/WHEEL
'

test_expect_success '-r is repeatable; extras select marker dependencies' '
	cvenv create --without-pip -p "$py12" x &&
	echo "app[x]==1.0" >main.txt && echo "base==1.0" >dev.txt &&
	cvenv install --venv x -r main.txt -r dev.txt -f house &&
	cvenv freeze --venv x >f &&
	printf "app==1.0\nbase==1.0\nwithx==1.0\n" >expect && diff -u expect f
'

test_expect_success '--hash is checked' '
	cvenv create --without-pip -p "$py12" h &&
	good=$(sha256sum house/base-1.0-py3-none-any.whl | cut -d" " -f1) &&
	echo "base==1.0 --hash=sha256:$good" >ok.txt &&
	echo "base==1.0 --hash=sha256:0000$good" | cut -c1-82 >bad.txt &&
	snap h >before &&
	expect_code 1 cvenv install --venv h -r bad.txt -f house 2>err &&
	expect_grep "does not match any --hash" err &&
	expect_unchanged before h &&
	cvenv install --venv h -r ok.txt -f house
'

test_expect_success 'no wheel for a requirement: an error naming it and the file line' '
	echo "nosuch==1.0" >r4.txt &&
	expect_code 1 cvenv install --venv h -r r4.txt -f house 2>err &&
	expect_grep "no compatible wheel for '\''nosuch==1.0'\''" err &&
	expect_grep "r4.txt:1" err
'

test_expect_success 'constraints (-c) narrow the versions chosen, wherever they are written' '
	cvenv create --without-pip -p "$py12" c &&
	echo "base<2.0" >cons.txt &&
	printf -- "-c cons.txt\nbase\n" >rc1.txt &&
	cvenv install --venv c -r rc1.txt -f house &&
	cvenv freeze --venv c >f && expect_equal "$(cat f)" "base==1.0" &&
	cvenv uninstall --venv c base &&
	echo base >rc2.txt && printf -- "-c cons.txt\n" >rc3.txt &&
	cvenv install --venv c -r rc2.txt -r rc3.txt -f house &&
	cvenv freeze --venv c >f && expect_equal "$(cat f)" "base==1.0" &&
	cvenv uninstall --venv c base &&
	cvenv install --venv c -r rc3.txt -f house house/app-1.0-py3-none-any.whl &&
	cvenv freeze --venv c | grep -qx "base==1.0" &&
	! test -e c/$SP/base-1.0.dist-info/REQUESTED
'

test_expect_success 'a wheel outside the constraints is an error naming it; nothing changes' '
	cvenv create --without-pip -p "$py12" d &&
	snap d >before &&
	printf -- "-c cons.txt\nbase==2.0\n" >rc4.txt &&
	expect_code 1 cvenv install --venv d -r rc4.txt -f house 2>err &&
	expect_grep "no wheel for '\''base==2.0'\'' (rc4.txt:2) satisfies the constraint '\''base<2.0'\'' (" err && expect_grep "cons.txt:1)" err &&
	expect_code 1 cvenv install --venv d -r rc3.txt house/base-2.0-py3-none-any.whl 2>err &&
	expect_grep "'\''base 2.0'\'' does not satisfy the constraint '\''base<2.0'\'' (" err &&
	expect_unchanged before d &&
	printf "base<2.0; python_version < \"3\"\n" >cons2.txt &&
	printf -- "-c cons2.txt\nbase\n" >rc5.txt &&
	cvenv install --venv d -r rc5.txt -f house &&
	cvenv freeze --venv d | grep -qx "base==2.0"
'

test_expect_success 'editables are refused with a way out, a remote URL that cannot be fetched fails; nothing changes' '
	snap d >before &&
	printf -- "-e ./proj\n" >re.txt &&
	expect_code 1 cvenv install --venv d -r re.txt 2>err &&
	expect_grep "re.txt:1: editable requirements (-e) cannot be installed" err &&
	expect_grep "(pip wheel --no-deps -w DIR PATH)" err &&
	echo "base @ https://example.invalid/base-1.0-py3-none-any.whl" >ru.txt &&
	CVENV_HTTP_RETRIES=0 expect_code 1 cvenv install --venv d -r ru.txt 2>err &&
	expect_grep "https://example.invalid/base-1.0-py3-none-any.whl" err &&
	expect_unchanged before d
'

test_expect_success '13.7: a source folder is named as written, joined to the file'\''s own folder' '
	mkdir -p srcpkg sub &&
	printf "./srcpkg\n" >src.txt &&
	expect_code 1 cvenv install --venv d -r src.txt 2>err &&
	expect_grep "src.txt:1: cannot install '\''./srcpkg'\''" err &&
	printf ".//srcpkg\n" >sub/src.txt &&
	expect_code 1 cvenv install --venv d -r sub/src.txt 2>err &&
	expect_grep "sub/src.txt:1: cannot install '\''sub/srcpkg'\''" err &&
	! grep -q "\./\./\|/\./" err
'

test_expect_success 'round trip: freeze of an env on 3.12 rebuilds the same env on 3.11' '
	cvenv create --without-pip -p "$py12" ra &&
	cvenv install --venv ra -f house house/app-1.0-py3-none-any.whl &&
	echo "withx==1.0" >w.txt && cvenv install --venv ra -r w.txt -f house &&
	cvenv freeze --venv ra >requirements.txt &&
	cvenv create --without-pip -p "$py11" rb &&
	cvenv install --venv rb -r requirements.txt --find-links house &&
	cvenv freeze --venv rb >again.txt &&
	diff -u requirements.txt again.txt &&
	rb/bin/app | grep -q "app 1.0"
'

test_done
