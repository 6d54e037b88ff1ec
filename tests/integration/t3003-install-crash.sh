#!/bin/bash
# Interrupted and failing installs: a full disk (ENOSPC) while extracting, an
# I/O error halfway through moving files into place, kill -9 at varied points,
# and two installs at once. The env must end as before or completely changed.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
test_require_cmd cc
pipwhl=$(ls "$(dirname "$(dirname "$py")")"/lib/python3.12/ensurepip/_bundled/pip-*.whl 2>/dev/null | head -1)
test -n "$pipwhl" && test_set_prereq PIP_WHEEL
SP=lib/python3.12/site-packages
# The shim is preloaded into an ASan build too: let the runtime accept that.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

test_expect_success 'setup: the fault shim, an env with version 1 installed' '
	cc -shared -fPIC -o shim.so "$TEST_DIR/fault_shim.c" -ldl &&
	mkdir wh && files= &&
	for i in 1 2 3 4 5 6 7 8; do files="$files --file demo/m$i.py=X=$i"; done &&
	mkwheel wh demo 1.0 --console demo=demo:main $files >/dev/null &&
	mkwheel wh demo 2.0 --console demo=demo:main --file demo/new.py=N=1 $files >/dev/null &&
	cvenv create --without-pip -p "$py" v &&
	cvenv install --venv v wh/demo-1.0-py3-none-any.whl
'

test_expect_success DYNAMIC 'disk full while extracting: the env is unchanged' '
	snap v >before &&
	for after in 0 3 9; do
		FAULT_WRITE_PATH=/.cvenv/stage- FAULT_WRITE_AFTER=$after LD_PRELOAD=$PWD/shim.so \
			cvenv install --venv v --no-cache wh/demo-2.0-py3-none-any.whl 2>err
		test $? = 1 || return 1
		expect_grep "No space left on device" err || return 1
		expect_unchanged before v || return 1
	done
'

test_expect_success DYNAMIC 'disk full while filling the cache: the env and the cache are unchanged' '
	snap v >before &&
	FAULT_WRITE_PATH=/wheels-v2/.tmp- FAULT_WRITE_AFTER=2 LD_PRELOAD=$PWD/shim.so \
		expect_code 1 cvenv install --venv v --cache-dir cache wh/demo-2.0-py3-none-any.whl 2>err &&
	expect_grep "No space left on device" err &&
	expect_unchanged before v &&
	test -z "$(ls cache/wheels-v2)"
'

test_expect_success DYNAMIC 'an I/O error while moving into place rolls everything back' '
	snap v >before &&
	for after in 0 2 5 10; do
		FAULT_RENAME_PATH=/site-packages/demo FAULT_RENAME_AFTER=$after \
			LD_PRELOAD=$PWD/shim.so \
			cvenv install --venv v wh/demo-2.0-py3-none-any.whl 2>err
		test $? = 1 || return 1
		expect_grep "Input/output error" err || return 1
		expect_unchanged before v || return 1
	done &&
	v/bin/demo | grep -q "demo 1.0"
'

test_expect_success DYNAMIC 'when even the undo fails, the next run restores the env' '
	snap v >before &&
	FAULT_RENAME_PATH=/site-packages/demo FAULT_RENAME_AFTER=3 FAULT_RENAME_STICKY=1 \
		LD_PRELOAD=$PWD/shim.so \
		expect_code 1 cvenv install --venv v wh/demo-2.0-py3-none-any.whl 2>err &&
	expect_grep "the next cvenv command on this environment restores it" err &&
	test -f v/.cvenv/journal &&
	cvenv uninstall --venv v no-such-dist 2>err &&
	expect_grep "rolling back an interrupted change" err &&
	expect_unchanged before v &&
	test "$(ls v/.cvenv)" = lock
'

test_expect_success DYNAMIC 'an I/O error during uninstall rolls back too' '
	snap v >before &&
	FAULT_RENAME_PATH=/.cvenv/stage- FAULT_RENAME_AFTER=4 LD_PRELOAD=$PWD/shim.so \
		expect_code 1 cvenv uninstall --venv v demo &&
	expect_unchanged before v
'

test_expect_success DYNAMIC 'Ctrl-C (SIGINT) while extracting: exit 130, the env is unchanged' '
	snap v >before &&
	FAULT_SIGINT_PATH=/.cvenv/stage- LD_PRELOAD=$PWD/shim.so \
		expect_code 130 cvenv install --venv v --no-cache wh/demo-2.0-py3-none-any.whl 2>err &&
	expect_grep "interrupted" err &&
	expect_unchanged before v
'

test_expect_success DYNAMIC,FLOCK 'kill -9 half-way through moving files into place: the move still completes' '
	cvenv install --venv v wh/demo-2.0-py3-none-any.whl && snap v >after &&
	cvenv install --venv v wh/demo-1.0-py3-none-any.whl &&
	! test -e v/.cvenv/journal || exit 1
	# every move into site-packages/demo* takes 150 ms: kill -9 lands half-way
	FAULT_RENAME_SLOW_PATH=/site-packages/demo FAULT_RENAME_SLOW_MS=150 LD_PRELOAD=$PWD/shim.so \
		$CVENV_WRAPPER "$CVENV_BIN" install --venv v wh/demo-2.0-py3-none-any.whl 2>err &
	pid=$! &&
	i=0 && while ! test -f v/.cvenv/journal && test $i -lt 400; do sleep 0.05; i=$((i + 1)); done &&
	test -f v/.cvenv/journal &&
	sleep 0.2 &&
	kill -9 $pid &&
	{ wait $pid; test $? = 137; } &&
	flock v/.cvenv/lock true &&
	! test -e v/.cvenv/journal &&
	snap v >now &&
	diff -u after now &&
	v/bin/demo | grep -q "demo 2.0"
'

test_expect_success PIP_WHEEL,FLOCK 'kill -9 at varied points: as before or complete at once, no later run needed' '
	cvenv install --venv v "$pipwhl" && snap v >with-pip &&
	cvenv uninstall --venv v pip && snap v >without-pip &&
	outcomes= &&
	for delay in 0 0.02 0.05 0.1 0.15 0.2 0.25 0.3 0.35 0.4 0.45 0.5 0.6 0.8 1.2 2; do
		# started directly (not through the cvenv function) so $! is cvenv itself
		$CVENV_WRAPPER "$CVENV_BIN" install --venv v "$pipwhl" 2>/dev/null &
		pid=$!
		sleep $delay
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		# a commit under way finishes in its own process (holding the lock):
		# wait for the lock, then look at the env before any cvenv runs
		flock v/.cvenv/lock true
		snap v >now
		if diff -q now without-pip >/dev/null; then
			outcomes="$outcomes before"
		elif diff -q now with-pip >/dev/null; then
			outcomes="$outcomes complete"
			cvenv uninstall --venv v pip || return 1
		else
			echo "after a kill at $delay s the env is half-changed:"
			diff -u without-pip now | head -20
			return 1
		fi
		# the next run clears what the killed one left in .cvenv (a stage)
		cvenv uninstall --venv v no-such-dist 2>/dev/null || return 1
		test "$(ls v/.cvenv)" = lock || { echo "leftovers in .cvenv"; ls v/.cvenv; return 1; }
	done &&
	echo "outcomes:$outcomes"
'

test_expect_success FLOCK 'the env lock serialises installs: a second run waits for the first' '
	snap v >before &&
	# the holder keeps the lock until told to let go, however slow the machine
	( flock 9 && touch locked && timeout 60 sh -c "until test -e release; do sleep 0.01; done" ) 9>v/.cvenv/lock &
	holder=$! &&
	timeout 30 sh -c "until test -e locked; do sleep 0.01; done" &&
	timeout -s KILL 3 $CVENV_WRAPPER "$CVENV_BIN" install --venv v wh/demo-2.0-py3-none-any.whl
	rc=$?
	touch release
	wait $holder
	test $rc = 137 && expect_unchanged before v
'

test_expect_success 'concurrent installs of different wheels all land, consistently' '
	for n in a b c d e f; do mkwheel wh par$n 1.0 --console par$n=par$n:main >/dev/null || return 1; done &&
	for n in a b c d e f; do cvenv install --venv v wh/par$n-1.0-py3-none-any.whl & done; wait &&
	for n in a b c d e f; do v/bin/par$n | grep -q "par$n 1.0" || return 1; done &&
	for n in a b c d e f; do
		test -f v/$SP/par$n-1.0.dist-info/RECORD || return 1
	done &&
	test "$(ls v/.cvenv)" = lock
'

test_done
