#!/bin/bash
# Numbers and paths from outside are proven before use (issue 17.4, 17.10):
# a pyvenv.cfg version, an interpreter's answer and an interpreter-cache
# entry with an absurd version or a venv path leaving the env are refused
# (the file and key, or the interpreter, named) before anything is made; a
# bad cache entry is dropped and the interpreter asked again.
. "$(dirname "$0")/lib.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no CPython 3.12 under $PYENV_ROOT"

# fake NAME SED-SCRIPT: a wrapper answering the query as the real 3.12 would,
# edited by SED-SCRIPT (the interpreter's answer is untrusted input too)
fake() {
	cat >"$TRASH/$1" <<SH
#!/bin/bash
set -o pipefail
"$py" "\$@" | sed -e '$2'
SH
	chmod +x "$TRASH/$1"
}
# edit_cache PYTHON-EXPR: runs PYTHON-EXPR on each interpreter cache entry's
# facts (f), writing the entry back
edit_cache() {
	"$py" - "$XDG_CACHE_HOME/cvenv/interpreters" "$1" <<'PY'
import glob, json, sys
for name in glob.glob(sys.argv[1] + "/*.json"):
    e = json.load(open(name))
    if "facts" not in e:
        continue
    f = e["facts"]
    exec(sys.argv[2])
    json.dump(e, open(name, "w"))
PY
}
# outside_untouched: nothing but the test's own files beside the envs
snapshot() { find "$TRASH" -path "$TRASH/home" -prune -o -print | grep -v "/\.test-" | sort; }

test_expect_success 'pyvenv.cfg version = 3.300000000 (lib/ and bin/ to match): install refuses at once' '
	"$py" -m venv --without-pip big &&
	mv big/lib/python3.12 big/lib/python3.300000000 &&
	ln -s python3.12 big/bin/python3.300000000 &&
	sed -i "s/^version = .*/version = 3.300000000/" big/pyvenv.cfg &&
	python3 "$TEST_DIR/mkwheel.py" . small 1.0 >/dev/null &&
	expect_code 1 timeout 20 "$CVENV_BIN" install --venv big small-1.0-py3-none-any.whl 2>err &&
	expect_grep "invalid Python version in '\''$TRASH/big/pyvenv.cfg'\'': the key '\''version'\'' is '\''3.300000000'\''" err &&
	! ls big/lib/python3.300000000/site-packages | grep -q small
'

test_expect_success 'an answer with version_info out of bounds is refused, naming the interpreter' '
	fake bigver "s/\"version_info\": \[3, 12,/\"version_info\": [3, 300000000,/" &&
	expect_code 1 cvenv python find "$TRASH/bigver" 2>err &&
	expect_grep "cannot read the interpreter facts of '\''$TRASH/bigver'\'': version_info is out of bounds" err &&
	expect_code 1 cvenv create --without-pip -p "$TRASH/bigver" bv 2>err &&
	! test -e bv
'

test_expect_success 'an answer whose venv paths hold ..: create fails naming it, nothing made outside' '
	fake dotdot "s|\"purelib\": \"lib/python3.12/site-packages\"|\"purelib\": \"../../escape/site-packages\"|" &&
	"$TRASH/dotdot" -E -sS -c "print(1)" &&
	snapshot >home/before &&
	expect_code 1 cvenv create --without-pip -p "$TRASH/dotdot" deep/env 2>err &&
	expect_grep "cannot read the interpreter facts of '\''$TRASH/dotdot'\'': venv_paths.purelib is not a relative path inside the environment" err &&
	snapshot >home/after &&
	diff -u home/before home/after &&
	! test -e "$TRASH/escape" && ! test -e "$TRASH/deep"
'

# (jansson refuses \u0000 too; path_rel_is_safe checks the length anyway)
test_expect_success 'an answer with a NUL byte in a venv path is refused' '
	fake nul "s|\"scripts\": \"bin\"|\"scripts\": \"bin\\\\u0000/../../x\"|" &&
	expect_code 1 cvenv create --without-pip -p "$TRASH/nul" nulenv 2>err &&
	expect_grep "cannot read the interpreter facts of '\''$TRASH/nul'\''" err &&
	! test -e nulenv
'

test_expect_success 'a cache entry with .. in its venv paths is dropped and the interpreter asked again' '
	wrapper "$TRASH/w" python3 "$py" &&
	cvenv python find "$TRASH/w/python3" >/dev/null &&
	rm -f runs &&
	edit_cache "f[\"venv_paths\"][\"purelib\"] = \"../../escape2/site-packages\"; f[\"venv_paths\"][\"include\"] = \"../../escape2/include\"" &&
	snapshot >home/before &&
	cvenv create --without-pip -p "$TRASH/w/python3" ok &&
	expect_equal "$(runs)" 1 &&
	test -d ok/lib/python3.12/site-packages &&
	! test -e "$TRASH/escape2" &&
	snapshot | grep -v -e "^$TRASH/ok" -e "^$TRASH/runs" >home/after &&
	grep -v "^$TRASH/runs" home/before | diff -u - home/after
'

test_expect_success 'a cache entry with an absurd version is dropped and the interpreter asked again' '
	edit_cache "f[\"version_info\"][1] = 300000000" &&
	rm -f runs &&
	cvenv python find --format=json "$TRASH/w/python3" >facts.json &&
	expect_equal "$(runs)" 1 &&
	"$py" -c "import json; assert json.load(open(\"facts.json\"))[\"version_parts\"][\"minor\"] == 12"
'

test_done
