#!/bin/bash
# The interpreter cache: one run per interpreter, then none; an interpreter
# replaced in place is noticed; corrupt entries are ignored and rewritten;
# CVENV_NO_CACHE, CVENV_CACHE_DIR and --cache-dir/--no-cache; concurrent
# cold runs agree. Wrapper interpreters count their runs.
. "$(dirname "$0")/lib.sh"

py312=$(python_for 3.12) py313=$(python_for 3.13)
if [ -z "$py312" ] || [ -z "$py313" ]; then
	test_skip "CPython 3.12 and 3.13 under $PYENV_ROOT are needed"
fi

# The cache entries of the fake interpreters (/usr/bin is always searched too).
entries() { grep -l "$PYENV_ROOT" "$1"/*.json 2>/dev/null; }

# Only the fake tree is searched: an empty PATH directory and pyenv root.
export PYENV_ROOT="$TRASH/pyenv" PATH="$TRASH/bin:/bin"
mkdir -p "$TRASH/bin"
wrapper "$PYENV_ROOT/versions/3.12.1/bin" python3 "$py312"
wrapper "$PYENV_ROOT/versions/3.13.0/bin" python3 "$py313"
cache="$XDG_CACHE_HOME/cvenv/interpreters"

test_expect_success 'the first run queries each interpreter once, the second none' '
	rm -f runs &&
	cvenv python list >out1 &&
	expect_equal "$(runs)" 2 &&
	test "$(entries "$cache" | wc -l)" -eq 2 &&
	cvenv python list >out2 &&
	cvenv python find 3.12 >/dev/null &&
	cvenv python find 3.13 >/dev/null &&
	expect_equal "$(runs)" 2 &&
	diff -u out1 out2
'

test_expect_success 'find -v says the facts came from the cache' '
	cvenv -v python find 3.12 2>err >/dev/null &&
	expect_grep "facts from the cache" err
'

test_expect_success 'an interpreter replaced in place is noticed' '
	rm -f runs &&
	cvenv python find 3.12 >out &&
	expect_equal "$(runs)" 0 &&
	wrapper "$PYENV_ROOT/versions/3.12.1/bin" python3 "$py313" &&
	cvenv python list --format=json >json &&
	expect_equal "$(runs)" 1 &&
	"$py313" -c "
import json
rows = json.load(open(\"json\"))
r = [r for r in rows if r[\"path\"] == \"$PYENV_ROOT/versions/3.12.1/bin/python3\"][0]
assert r[\"version\"].startswith(\"3.13.\"), r
" &&
	wrapper "$PYENV_ROOT/versions/3.12.1/bin" python3 "$py312" &&
	cvenv python find 3.12 >out &&
	expect_equal "$(cat out)" "$PYENV_ROOT/versions/3.12.1/bin/python3" &&
	expect_equal "$(runs)" 2
'

test_expect_success 'a touched interpreter (same content, new mtime) is queried again' '
	rm -f runs &&
	touch -d "2001-01-01" "$PYENV_ROOT/versions/3.13.0/bin/python3" &&
	cvenv python list >/dev/null &&
	expect_equal "$(runs)" 1
'

test_expect_success 'corrupt, truncated and foreign entries are ignored and rewritten' '
	cvenv python list >want &&
	set -- $(entries "$cache") &&
	echo "garbage" >"$1" &&
	head -c 100 "$2" >t && mv t "$2" &&
	rm -f runs &&
	cvenv python list >got &&
	diff -u want got &&
	expect_equal "$(runs)" 2 &&
	"$py312" -c "import json,sys; [json.load(open(f)) for f in sys.argv[1:]]" "$cache"/*.json &&
	rm -f runs &&
	"$py312" -c "
import json, sys
for f in sys.argv[1:]:
    e = json.load(open(f))
    e[\"facts\"][\"version_info\"] = \"not a list\"
    json.dump(e, open(f, \"w\"))
" $(entries "$cache") &&
	cvenv python list >got &&
	diff -u want got &&
	expect_equal "$(runs)" 2 &&
	rm -f runs &&
	"$py312" -c "
import json, sys
for f in sys.argv[1:]:
    e = json.load(open(f))
    e[\"path\"] = \"/somewhere/else\"
    json.dump(e, open(f, \"w\"))
" $(entries "$cache") &&
	cvenv python list >got &&
	expect_equal "$(runs)" 2
'

test_expect_success 'the query runs as a module from the cache, its bytecode kept' '
	rm -rf "$cache" runs &&
	cvenv python find 3.12 >out &&
	expect_equal "$(runs)" 1 &&
	cmp "$cache"/query-*/cvenv_query.py "$SRC_ROOT/src/core/interp/interp_query.py" &&
	cmp "$cache"/query-*/cvenv_query_run.py "$SRC_ROOT/src/core/interp/interp_query_run.py" &&
	test -f "$cache"/query-*/__pycache__/cvenv_query.cpython-312.pyc
'

test_expect_success 'a changed query runner is put back before it runs' '
	rm -f runs "$cache"/*.json &&
	echo "raise SystemExit(7)" >"$(echo "$cache"/query-*/cvenv_query_run.py)" &&
	cvenv python find 3.12 >out &&
	expect_equal "$(cat out)" "$PYENV_ROOT/versions/3.12.1/bin/python3" &&
	cmp "$cache"/query-*/cvenv_query_run.py "$SRC_ROOT/src/core/interp/interp_query_run.py"
'

test_expect_success 'a changed query module is put back before it runs' '
	rm -f runs "$cache"/*.json &&
	echo "raise SystemExit(7)" >"$(echo "$cache"/query-*/cvenv_query.py)" &&
	cvenv python find 3.12 >out &&
	expect_equal "$(cat out)" "$PYENV_ROOT/versions/3.12.1/bin/python3" &&
	expect_equal "$(runs)" 1 &&
	cmp "$cache"/query-*/cvenv_query.py "$SRC_ROOT/src/core/interp/interp_query.py"
'

test_expect_success 'a new query module replaces the ones older versions left' '
	cur=$(cd "$cache" && echo query-*) &&
	test -d "$cache/$cur" &&
	old=query-0123456789abcdef-100 &&
	mkdir -p "$cache/$old/__pycache__" && echo old >"$cache/$old/cvenv_query.py" &&
	rm -f "$cache"/*.json &&
	cvenv python find 3.12 >/dev/null &&
	test -d "$cache/$old" && test -d "$cache/$cur" &&
	rm -rf "$cache/$cur" "$cache"/*.json &&
	cvenv python find 3.12 >/dev/null &&
	expect_equal "$(cd "$cache" && echo query-*)" "$cur" &&
	cmp "$cache/$cur/cvenv_query.py" "$SRC_ROOT/src/core/interp/interp_query.py"
'

test_expect_success 'CVENV_NO_CACHE and --no-cache neither read nor write' '
	rm -rf "$cache" runs &&
	CVENV_NO_CACHE=1 cvenv python list >/dev/null &&
	CVENV_NO_CACHE=1 cvenv python list >/dev/null &&
	expect_equal "$(runs)" 4 &&
	test ! -e "$cache" &&
	cvenv python list --no-cache >/dev/null &&
	expect_equal "$(runs)" 6 &&
	test ! -e "$cache"
'

test_expect_success 'CVENV_CACHE_DIR and --cache-dir move the cache' '
	rm -f runs &&
	CVENV_CACHE_DIR="$TRASH/c1" cvenv python list >/dev/null &&
	test "$(entries "$TRASH/c1/interpreters" | wc -l)" -eq 2 &&
	cvenv python list --cache-dir "$TRASH/c2" >/dev/null &&
	test "$(entries "$TRASH/c2/interpreters" | wc -l)" -eq 2 &&
	expect_equal "$(runs)" 4 &&
	CVENV_CACHE_DIR="$TRASH/c1" cvenv python list >/dev/null &&
	expect_equal "$(runs)" 4
'

test_expect_success 'an unwritable cache costs speed, not success' '
	mkdir -p ro && chmod 555 ro &&
	CVENV_CACHE_DIR="$TRASH/ro/x" cvenv python find 3.12 >out &&
	chmod 755 ro &&
	expect_equal "$(cat out)" "$PYENV_ROOT/versions/3.12.1/bin/python3"
'

test_expect_success 'concurrent cold runs agree and leave whole entries' '
	rm -rf "$cache" &&
	for i in 1 2 3 4 5 6; do cvenv python list >par.$i 2>par.err.$i & done &&
	wait &&
	for i in 2 3 4 5 6; do diff -u par.1 par.$i || return 1; done &&
	test ! -s par.err.1 &&
	"$py312" -c "import json,sys; [json.load(open(f)) for f in sys.argv[1:]]" "$cache"/*.json &&
	! ls "$cache" | grep -v -e "\.json$" -e "^query-" &&
	test -z "$(find "$cache"/query-* -name "*.tmp*")"
'

test_expect_success 'broken interpreters are skipped (named with -v), never cached' '
	printf "#!/bin/sh\necho not python\n" >"$TRASH/bin/python3.50" &&
	printf "#!/bin/sh\nexit 3\n" >"$TRASH/bin/pypy3.50" &&
	printf "#!/bin/sh\necho \"{\\\"half\\\": \"\n" >"$TRASH/bin/python3.51" &&
	chmod +x "$TRASH/bin/python3.50" "$TRASH/bin/pypy3.50" "$TRASH/bin/python3.51" &&
	cvenv -v python list >out 2>err &&
	cat err &&
	expect_grep "$PYENV_ROOT/versions/3.12.1/bin/python3" out &&
	! grep "3\.5[01]" out &&
	expect_grep "skipped $TRASH/bin/python3.50: " err &&
	expect_grep "skipped $TRASH/bin/pypy3.50: " err &&
	expect_grep "skipped $TRASH/bin/python3.51: " err &&
	! grep -l "$TRASH/bin/py" "$cache"/*.json &&
	rm "$TRASH/bin/python3.50" "$TRASH/bin/pypy3.50" "$TRASH/bin/python3.51"
'

test_done
