#!/bin/bash
# Temp directories of cache fills (issue 17.12): a fill killed with -9 leaves
# <cache>/wheels-v2/.tmp-XXXXXX; the next cache write removes those whose
# owner is dead (its flock on .tmp-*/owner is free, whatever pid the file
# names) and never one whose owner still holds its lock.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
test_require_cmd flock
W=wheels-v2

test_expect_success 'setup' '
	mkdir w && mkwheel w one 1.0 >/dev/null && mkwheel w two 1.0 >/dev/null &&
	mkwheel w three 1.0 >/dev/null &&
	args= && for i in $(seq 1 3000); do args="$args --file big/m$i.py=$i"; done &&
	mkwheel w big 1.0 $args >/dev/null &&
	cvenv create --without-pip -p "$py" e >/dev/null
'

test_expect_success 'a fill killed with -9 leaves a temp dir; the next fill sweeps it' '
	cvenv install --venv e --cache-dir c w/one-1.0-py3-none-any.whl &&
	{ "$CVENV_BIN" install --venv e --cache-dir c w/big-1.0-py3-none-any.whl & pid=$!; } &&
	timeout 20 sh -c "until ls -d c/wheels-v*/.tmp-* >/dev/null 2>&1; do :; done" &&
	kill -9 $pid && { wait $pid; true; } &&
	ls -d c/wheels-v*/.tmp-* >left &&
	test -s left &&
	cvenv install --venv e --cache-dir c w/two-1.0-py3-none-any.whl &&
	! ls -d c/wheels-v*/.tmp-* 2>/dev/null
'

test_expect_success 'a dead owner whose pid is alive again (reused) is swept; a live owner is not' '
	mkdir -p c/$W/.tmp-dead01/files c/$W/.tmp-live01/files &&
	echo $$ >c/$W/.tmp-dead01/owner && echo x >c/$W/.tmp-dead01/files/x &&
	: >c/$W/.tmp-live01/owner &&
	{ flock c/$W/.tmp-live01/owner sh -c "touch held; exec sleep 600" & holder=$!; } &&
	timeout 10 sh -c "until test -e held; do :; done" &&
	! flock -n c/$W/.tmp-live01/owner true &&
	cvenv install --venv e --cache-dir c w/three-1.0-py3-none-any.whl;
	rc=$?; kill $holder; wait $holder 2>/dev/null;
	test $rc = 0 && ! test -e c/$W/.tmp-dead01 && test -d c/$W/.tmp-live01
'

test_done
