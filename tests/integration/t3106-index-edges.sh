#!/bin/bash
# Index edges: versions whose numbers do not fit in 64 bits (chosen as pip
# chooses them, pip from a venv of its own as the reference), digests other
# than sha256 (#sha384= / #sha512= fragments, JSON "hashes" with several
# algorithms, --hash=sha384:/sha512: in hash-checking mode; md5 and sha1
# refused as pip refuses them), and a file:// index whose .metadata lies
# about the wheel's dependencies.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"
. "$TEST_DIR/lib-index.sh"

test_require_cmd nginx
test_require_cmd curl
py=$(python_for 3.11)
[ -z "$py" ] && test_skip "no pyenv Python 3.11 (its bundled pip 23.2 is the reference)"

B=20210609131134657401
W=stamp-$B.post$B-py3-none-any.whl # the highest final release
S=lib/python3.11/site-packages

# fresh NAME: an empty env of $py
fresh() { rm -rf "$1" && cvenv create -q --without-pip -p "$py" "$1"; }
# digest ALGO FILE: its hex digest (coreutils)
digest() { "${1}sum" <"$2" | cut -d" " -f1; }

test_expect_success 'setup: wheels with huge version numbers, indexes, pip' '
	mkdir wh &&
	for v in 1.0 18446744073709551615 18446744073709551616 $B.0 $B.post$B \
		$B.post${B}1.dev1 ${B}1a1 $B.1rc$B; do
		mkwheel wh stamp $v >/dev/null || return 1
	done &&
	mkwheel wh app 1.0 --requires "stamp>18446744073709551615,<$B.1" >/dev/null &&
	mkwheel wh keep 1.0 >/dev/null &&
	index_tree wh idx >/dev/null &&
	index_start plain idx &&
	"$py" -m venv pipenv >/dev/null &&
	pipenv/bin/python -m pip --version | grep -q "pip 2[3-9]" &&
	fresh v && cvenv install -q --venv v wh/keep-1.0-py3-none-any.whl && snap v >before
'

# parity NAME REQ...: pip and cvenv install REQ... into new envs from the
# nginx index; the same versions end up installed
parity() {
	local name=$1
	shift
	index_load plain &&
	fresh "pip-$name" && fresh "cv-$name" &&
	PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 pipenv/bin/python -m pip \
		--python "pip-$name/bin/python" install -q --no-compile --only-binary :all: \
		--index-url "$INDEX_URL" "$@" &&
	cvenv install -q --venv "cv-$name" -i "$INDEX_URL" "$@" &&
	cvenv freeze --venv "pip-$name" | sort >"$name.pip" &&
	cvenv freeze --venv "cv-$name" | sort >"$name.cvenv" &&
	cat "$name.cvenv" &&
	diff -u "$name.pip" "$name.cvenv"
}

test_expect_success 'huge versions: the highest final release, as pip picks it' '
	parity top stamp &&
	grep -qx "stamp==$B.post$B" top.pip
'

test_expect_success 'huge versions: <, as pip' '
	parity below "stamp<$B" &&
	grep -qx "stamp==18446744073709551616" below.pip
'

test_expect_success 'huge versions: --pre, as pip' '
	parity pre --pre stamp &&
	grep -qx "stamp==${B}1a1" pre.pip
'

test_expect_success 'huge versions: a dependency range, a prefix match and ~=, as pip' '
	parity dep app "stamp==$B.*" "stamp~=$B.0" &&
	grep -qx "stamp==$B.post$B" dep.pip
'

test_expect_success 'huge versions: ===, as pip' '
	parity exact "stamp===$B.0" &&
	grep -qx "stamp==$B.0" exact.pip
'

test_expect_success 'setup: indexes with sha384 and sha512 digests, right and wrong' '
	index_tree wh idx384 --hashes sha384 --html-only >/dev/null &&
	index_tree wh idx512 --hashes sha512,sha256 >/dev/null &&
	index_tree wh bad512 --hashes sha512 --bad-hash "$W=sha512" >/dev/null &&
	index_tree wh bad2nd --hashes sha256,sha384 --bad-hash "$W=sha384" >/dev/null &&
	grep -q "#sha384=" idx384/simple/stamp/index.html &&
	! grep -q "#sha256=" idx384/simple/stamp/index.html &&
	grep -q "#sha512=" idx512/simple/stamp/index.html &&
	index_start i384 idx384 && index_start bad2nd bad2nd
'

# (file:// indexes read the HTML pages: their fragment is the first digest)
test_expect_success 'a #sha384= or #sha512= fragment is checked and passes' '
	index_load i384 && fresh w &&
	cvenv install -q --venv w --cache-dir "$PWD/c1" -i "$INDEX_URL" stamp &&
	cvenv freeze --venv w | grep -qx "stamp==$B.post$B" &&
	grep -q "GET /files/$W HTTP/1.1 200" "$INDEX_LOG" &&
	fresh w &&
	cvenv install -q --venv w --cache-dir "$PWD/c2" -i "file://$PWD/idx512/simple" stamp &&
	cvenv freeze --venv w | grep -qx "stamp==$B.post$B"
'

test_expect_success 'a wrong #sha512=: a clear error, the env untouched' '
	! cvenv install --venv v --cache-dir "$PWD/c3" -i "file://$PWD/bad512/simple" stamp 2>err &&
	cat err && expect_grep "hash mismatch" err && expect_grep "sha512" err &&
	expect_unchanged before v
'

test_expect_success 'JSON hashes: a right sha256 beside a wrong sha384 is still refused' '
	index_load bad2nd &&
	! cvenv install --venv v --cache-dir "$PWD/c4" -i "$INDEX_URL" stamp 2>err &&
	cat err && expect_grep "hash mismatch" err && expect_grep "sha384" err &&
	expect_unchanged before v
'

test_expect_success 'hash-checking mode: --hash=sha384 and sha512 are checked, on downloads and local wheels' '
	index_load plain &&
	f=wh/$W &&
	echo "stamp==$B.post$B --hash=sha384:$(digest sha384 $f)" >r384.txt &&
	fresh w && cvenv install -q --venv w -i "$INDEX_URL" -r r384.txt &&
	cvenv freeze --venv w | grep -qx "stamp==$B.post$B" &&
	echo "stamp==$B.post$B --hash=sha512:$(digest sha512 $f)" >r512.txt &&
	fresh w && cvenv install -q --venv w --no-index -f wh -r r512.txt &&
	cvenv freeze --venv w | grep -qx "stamp==$B.post$B" &&
	echo "$f --hash=sha512:$(digest sha512 $f)" >rdirect.txt &&
	fresh w && cvenv install -q --venv w -r rdirect.txt &&
	cvenv freeze --venv w | grep -q "^stamp @ file://.*/$f#"
'

test_expect_success 'hash-checking mode: a wrong sha512 or sha384 is refused, the env untouched' '
	index_load plain &&
	f=wh/$W &&
	echo "stamp==$B.post$B --hash=sha512:$(digest sha512 wh/keep-1.0-py3-none-any.whl)" >bad.txt &&
	! cvenv install --venv v -i "$INDEX_URL" -r bad.txt 2>err &&
	cat err && expect_grep "sha512:$(digest sha512 $f)" err && expect_unchanged before v &&
	! cvenv install --venv v --no-index -f wh -r bad.txt 2>err &&
	expect_grep "does not match any --hash" err && expect_unchanged before v &&
	echo "$f --hash=sha384:$(digest sha384 wh/keep-1.0-py3-none-any.whl)" >baddirect.txt &&
	! cvenv install --venv v -r baddirect.txt 2>err &&
	expect_grep "does not match" err && expect_unchanged before v
'

test_expect_success 'hash-checking mode: md5, sha1 and sha224 are refused, as pip refuses them' '
	f=wh/$W &&
	for a in md5 sha1 sha224; do
		echo "stamp==$B.post$B --hash=$a:$(digest $a $f)" >weak.txt &&
		! cvenv install --venv v --no-index -f wh -r weak.txt 2>err &&
		expect_grep "allowed --hash algorithms are sha256, sha384 and sha512" err || return 1
	done &&
	expect_unchanged before v
'

test_expect_success 'a file:// index whose .metadata lies about the dependencies: refused' '
	w=app-1.0-py3-none-any.whl &&
	index_tree wh lie --lie-metadata "$w=Requires-Dist: keep" >/dev/null &&
	! cvenv install --venv v --cache-dir "$PWD/c5" -i "file://$PWD/lie/simple" app 2>err &&
	cat err && expect_grep "declares other dependencies" err && expect_unchanged before v &&
	! cvenv install --venv v --cache-dir "$PWD/c6" --no-index \
		-f "file://$PWD/lie/simple/app/index.html" -f wh app 2>err &&
	expect_grep "declares other dependencies" err && expect_unchanged before v
'

test_expect_success 'a file:// index with honest .metadata files installs from them' '
	fresh w &&
	cvenv install -q --venv w --cache-dir "$PWD/c7" -i "file://$PWD/idx/simple" app &&
	cvenv freeze --venv w | grep -qx "stamp==$B.post$B"
'

test_done
