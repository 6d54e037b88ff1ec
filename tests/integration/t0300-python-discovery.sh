#!/bin/bash
# Interpreter discovery: the request grammar on the command line, the search
# order (PATH, pyenv shims, $PYENV_ROOT/versions, uv installs, /usr/bin),
# .python-version and $CVENV_PYTHON, venvs resolved to their base, and the
# messages when nothing matches. The fake trees hold small wrapper scripts
# that exec the machine's real interpreters, so every fact comes from a real
# Python.
. "$(dirname "$0")/lib.sh"

py311=$(python_for 3.11) py312=$(python_for 3.12) py313=$(python_for 3.13) py310=$(python_for 3.10)
deb=$(python_for debian3.11) pypy=$(python_for pypy3)
if [ -z "$py310" ] || [ -z "$py311" ] || [ -z "$py312" ] || [ -z "$py313" ]; then
	test_skip "CPython 3.10 to 3.13 under $PYENV_ROOT are needed"
fi
[ -n "$deb" ] && test_set_prereq DEBIAN_PY
[ -n "$pypy" ] && test_set_prereq PYPY

export PYENV_ROOT="$TRASH/pyenv"
wrapper "$PYENV_ROOT/versions/3.11.7/bin" python3 "$py311"
wrapper "$PYENV_ROOT/versions/3.12.1/bin" python3 "$py312"
wrapper "$PYENV_ROOT/versions/3.13.0/bin" python3 "$py313"
wrapper "$XDG_DATA_HOME/uv/python/cpython-3.10.13-linux-x86_64-gnu/bin" python3 "$py310"
# pyenv shims are bash scripts that must be resolved, never run
mkdir -p "$PYENV_ROOT/shims"
printf '#!/bin/sh\necho shim-was-run >>"%s/runs"\nexit 99\n' "$TRASH" >"$PYENV_ROOT/shims/python3"
chmod +x "$PYENV_ROOT/shims/python3"
export PATH="$TRASH/bin:/usr/bin:/bin"
mkdir -p "$TRASH/bin"

test_expect_success 'a version picks the newest stable match' '
	cvenv python find 3 >out &&
	expect_equal "$(cat out)" "$PYENV_ROOT/versions/3.13.0/bin/python3" &&
	cvenv python find 3.12 >out &&
	expect_equal "$(cat out)" "$PYENV_ROOT/versions/3.12.1/bin/python3" &&
	cvenv python find 312 >out &&
	expect_equal "$(cat out)" "$PYENV_ROOT/versions/3.12.1/bin/python3" &&
	cvenv python find cpython@3.12 >out &&
	expect_equal "$(cat out)" "$PYENV_ROOT/versions/3.12.1/bin/python3"
'

test_expect_success 'a specifier set picks the newest match inside it' '
	cvenv python find ">=3.10,<3.13" >out &&
	expect_equal "$(cat out)" "$PYENV_ROOT/versions/3.12.1/bin/python3" &&
	cvenv python find "<3.11" >out &&
	expect_equal "$(cat out)" "$XDG_DATA_HOME/uv/python/cpython-3.10.13-linux-x86_64-gnu/bin/python3"
'

test_expect_success 'uv-managed installs are searched' '
	cvenv python find 3.10 >out &&
	expect_equal "$(cat out)" "$XDG_DATA_HOME/uv/python/cpython-3.10.13-linux-x86_64-gnu/bin/python3"
'

test_expect_success DEBIAN_PY 'a patch version takes the first match in search order (PATH first)' '
	v=$($deb -c "import platform; print(platform.python_version())") &&
	cvenv python find "$v" >out &&
	expect_equal "$(cat out)" "/usr/bin/python3" &&
	v12=$($py312 -c "import platform; print(platform.python_version())") &&
	wrapper "$TRASH/bin" python3.12 "$py312" &&
	cvenv python find "$v12" >out &&
	rm "$TRASH/bin/python3.12" &&
	expect_equal "$(cat out)" "$TRASH/bin/python3.12"
'

test_expect_success PYPY 'implementations: pypy and cpython' '
	cvenv python find pypy3 >out &&
	expect_equal "$(cat out)" "$pypy" &&
	cvenv python find pp >out &&
	expect_equal "$(cat out)" "$pypy" &&
	cvenv python find cp >out &&
	expect_equal "$(cat out)" "$PYENV_ROOT/versions/3.13.0/bin/python3"
'

test_expect_success 'a pyenv shim on PATH is resolved to the version pyenv selects, not run' '
	: >runs &&
	PATH="$PYENV_ROOT/shims:$PATH" PYENV_VERSION=3.11.7 cvenv python find >out &&
	expect_equal "$(cat out)" "$PYENV_ROOT/versions/3.11.7/bin/python3" &&
	echo 3.12.1 >"$PYENV_ROOT/version" &&
	PATH="$PYENV_ROOT/shims:$PATH" cvenv -v python find >out 2>err &&
	expect_equal "$(cat out)" "$PYENV_ROOT/versions/3.12.1/bin/python3" &&
	expect_grep "pyenv shim" err &&
	! grep shim-was-run runs &&
	PATH="$PYENV_ROOT/shims:$PATH" cvenv python list --all-paths >out &&
	expect_grep "$PYENV_ROOT/versions/3.12.1/bin/python3 (via $PYENV_ROOT/shims/python3)" out &&
	rm "$PYENV_ROOT/version"
'

test_expect_success DEBIAN_PY '13.7: --all-paths never lists a path as a link to itself, nor twice' '
	"$deb" -m venv --without-pip active &&
	PATH="$TRASH/active/bin:/usr/bin:$PATH:/usr/bin" cvenv python list --all-paths >out &&
	awk "\$2 == \"->\" && \$1 == \$3" out >self &&
	test ! -s self &&
	sort out | uniq -d >twice &&
	test ! -s twice &&
	grep -q " -> " out
'

test_expect_success DEBIAN_PY 'a shim that selects "system" lets the search go on down PATH' '
	echo system >"$PYENV_ROOT/version" &&
	PATH="$PYENV_ROOT/shims:$PATH" cvenv python find >out &&
	rm "$PYENV_ROOT/version" &&
	expect_equal "$(cat out)" /usr/bin/python3
'

test_expect_success '.python-version in a parent directory is the default request' '
	mkdir -p proj/sub/deeper &&
	printf "# pinned\n3.11.7\n" >proj/.python-version &&
	(cd proj/sub/deeper && cvenv python find) >out &&
	expect_equal "$(cat out)" "$PYENV_ROOT/versions/3.11.7/bin/python3"
'

test_expect_success '.python-version with several lines: the first that resolves' '
	mkdir -p multi &&
	printf "3.99\n3.13.0\n3.12.1\n" >multi/.python-version &&
	(cd multi && cvenv python find) >out &&
	expect_equal "$(cat out)" "$PYENV_ROOT/versions/3.13.0/bin/python3"
'

test_expect_success '$CVENV_PYTHON wins over .python-version; -p/REQUEST wins over both' '
	(cd proj && CVENV_PYTHON=3.10 cvenv python find) >out &&
	expect_equal "$(cat out)" "$XDG_DATA_HOME/uv/python/cpython-3.10.13-linux-x86_64-gnu/bin/python3" &&
	(cd proj && CVENV_PYTHON=3.10 cvenv python find 3.13) >out &&
	expect_equal "$(cat out)" "$PYENV_ROOT/versions/3.13.0/bin/python3"
'

test_expect_success DEBIAN_PY 'without any request, python3 on PATH (as python3 -m venv)' '
	cvenv python find >out &&
	expect_equal "$(cat out)" "/usr/bin/python3"
'

test_expect_success 'a venv is never the base: its base interpreter is used' '
	"$py312" -m venv --without-pip v &&
	cvenv python find ./v >out &&
	case $(cat out) in "$TRASH"/v/*) echo "picked the venv"; exit 1 ;; esac &&
	"$py312" -c "import sys; print(sys.version_info[:3])" >want &&
	"$(cat out)" -c "import sys; print(sys.version_info[:3])" >got &&
	test_cmp_eq() { diff -u "$1" "$2"; } && test_cmp_eq want got &&
	cvenv python find v/bin/python >out2 && expect_equal "$(cat out2)" "$(cat out)" &&
	PATH="$TRASH/v/bin:$PATH" cvenv python list >list &&
	! grep -E "^[^ ]+ +[^ ]+ +$TRASH/v/" list &&
	grep -E "^3\.12\.[0-9]+ +cpython +[^ ]+ \(via $TRASH/v/bin/python" list
'

test_expect_success 'paths: an executable, an installation directory, ~' '
	cvenv python find "$PYENV_ROOT/versions/3.12.1" >out &&
	expect_equal "$(cat out)" "$PYENV_ROOT/versions/3.12.1/bin/python3" &&
	cp -r "$PYENV_ROOT/versions/3.12.1" "$HOME/py" &&
	cvenv python find "~/py/bin/python3" >out &&
	expect_equal "$(cat out)" "$HOME/py/bin/python3"
'

test_expect_success '-v explains the pick one line each, not one line with escaped newlines' '
	cvenv -v python find 3.12 2>err >/dev/null &&
	grep -q "^cvenv: request '\''3.12'\''$" err &&
	grep -q "^cvenv: picked .*: the newest stable match$" err &&
	! grep -qF "\\n" err
'

test_expect_success '13.7: what was found is hinted newest first, without what cannot make an env' '
	py27=$(PYENV_ROOT=$ORIG_PYENV_ROOT python_for 2.7) && test -n "$py27" &&
	wrapper "$PYENV_ROOT/versions/2.7.18/bin" python "$py27" &&
	cvenv python list --format=json | grep -q "\"2.7.18\"" &&
	expect_code 1 cvenv create -p 3.99 x 2>err &&
	sed -n "s/^cvenv: hint: found [a-z]* \([^ ]*\) at .*/\1/p" err >got &&
	test "$(wc -l <got)" -ge 4 &&
	sort -V -r got >want &&
	diff -u want got &&
	! grep -q "^2\." got &&
	rm -r "$PYENV_ROOT/versions/2.7.18"
'

test_expect_success 'nothing matches: exit 1, listing what was found and where cvenv looked' '
	expect_code 1 cvenv python find 3.99 2>err &&
	expect_grep "no Python interpreter matches '\''3.99'\''" err &&
	expect_grep "found cpython 3.12" err &&
	expect_grep "looked in $PYENV_ROOT/versions" err &&
	expect_grep "looked in $XDG_DATA_HOME/uv/python" err &&
	expect_grep "looked in PATH" err &&
	expect_code 1 cvenv python find no-such-python 2>err &&
	expect_grep "no-such-python" err &&
	expect_code 1 cvenv python find ./nowhere/python 2>err &&
	expect_grep "nowhere/python" err
'

test_expect_success 'a malformed request is a usage error that shows the grammar' '
	for r in 3.x "cpython@" ">=3.10," "3.12.1.4" "py thon" ""; do
		expect_code 2 cvenv python find "$r" 2>err || return 1
		expect_grep "an interpreter request is one of" err || return 1
	done &&
	expect_code 2 cvenv python list "pypy@foo" 2>err &&
	expect_grep "an interpreter request is one of" err
'

test_expect_success 'find -v says why' '
	cvenv -v python find 3.12 >out 2>err &&
	expect_grep "picked $PYENV_ROOT/versions/3.12.1/bin/python3: the newest stable match" err &&
	expect_grep "does not match" err
'

test_expect_success 'python list: table and JSON, filtered by a request' '
	cvenv python list >out &&
	expect_grep "$PYENV_ROOT/versions/3.13.0/bin/python3" out &&
	expect_grep "$XDG_DATA_HOME/uv/python/cpython-3.10.13-linux-x86_64-gnu/bin/python3" out &&
	head -n1 out | grep "^3\.13\.0 *cpython" &&
	cvenv python list 3.12 >out12 &&
	expect_equal "$(wc -l <out12 | tr -d " ")" 1 &&
	cvenv python list "$PYENV_ROOT/versions/3.11.7" >outp &&
	expect_equal "$(wc -l <outp | tr -d " ")" 1 &&
	grep "^3\.11\.7 *cpython *$PYENV_ROOT/versions/3.11.7/bin/python3$" outp &&
	cvenv python list --format=json >json &&
	"$py312" -c "
import json, sys
rows = json.load(open(\"json\"))
paths = [r[\"path\"] for r in rows]
assert \"$PYENV_ROOT/versions/3.11.7/bin/python3\" in paths, paths
for r in rows:
    assert r[\"implementation\"] in (\"cpython\", \"pypy\"), r
    assert r[\"version\"].startswith(\"%d.%d.\" % (r[\"version_parts\"][\"major\"], r[\"version_parts\"][\"minor\"])), r
" &&
	expect_code 2 cvenv python list --format=xml 2>err &&
	expect_code 2 cvenv python frob 2>err &&
	expect_grep "unknown python command" err &&
	expect_code 2 cvenv python 2>err
'

test_done
