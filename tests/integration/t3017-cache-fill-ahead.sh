#!/bin/bash
# Cold wheels unpacked into the cache two at a time (wheelcache_fill_ahead:
# two threads of this process take wheels in turn) before staging: every
# entry whole and sealed, a bad wheel reported once by the install itself
# and the env untouched, nothing half-made left in the cache.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
[ "$(nproc)" -ge 2 ] || test_skip "one CPU: nothing is filled ahead"

test_expect_success 'setup' '
	mkdir wh bad &&
	for n in a b c d e f; do
		mkwheel wh pk$n 1.0 --file "pk$n/m1.py=x=1" --file "pk$n/m2.py=y=2" >/dev/null || return 1
	done &&
	cvenv create --without-pip -p "$py" v
'

# each entry's owner file says "PID TID" of the thread that filled it
test_expect_success 'a cold install fills every entry, on two threads of one process' '
	cvenv install --venv v --cache-dir c wh/*.whl &&
	test "$(ls c/wheels-v2 | wc -l)" = 6 &&
	for s in c/wheels-v2/*/sealed; do test -s "$s" || return 1; done &&
	test "$(cat c/wheels-v2/*/owner | sort -u | wc -l)" = 2 &&
	test "$(cut -d" " -f1 c/wheels-v2/*/owner | sort -u | wc -l)" = 1 &&
	! ls -a c/wheels-v2 | grep -q "^\.tmp-" &&
	v/bin/python -c "import pka.m1, pkf.m2"
'

test_expect_success 'a warm install after it uses those entries' '
	cvenv create --clear --without-pip -p "$py" v &&
	cvenv install --venv v --cache-dir c wh/*.whl &&
	test "$(stat -c %h v/lib/python3.12/site-packages/pkc/m1.py)" -ge 2
'

test_expect_success 'a bad wheel among them: reported once, env untouched, no temp left' '
	cvenv create --clear --without-pip -p "$py" v &&
	cp wh/pka* wh/pkb* wh/pkc* bad/ &&
	mkwheel bad pkbad 1.0 --bad hash >/dev/null &&
	snap v >before &&
	expect_code 1 cvenv install --venv v --cache-dir c2 bad/*.whl 2>err &&
	test "$(grep -c "hash mismatch for '\''pkbad/__init__.py'\''" err)" = 1 &&
	expect_unchanged before v &&
	! ls -a c2/wheels-v2 | grep -q "^\.tmp-" &&
	for s in c2/wheels-v2/*/; do test -s "$s/sealed" || return 1; done
'

test_done
