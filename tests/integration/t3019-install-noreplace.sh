#!/bin/bash
# The commit never overwrites an entry that appears in the env after the
# install looked (issue 18): every move into place is a rename that does not
# replace (RENAME_NOREPLACE), so another program writing bin/demo while the
# commit moves site-packages/demo* in makes the install fail and be undone,
# and that program's file stays as it wrote it (a plain rename replaced it,
# and the undo of the add then deleted it).
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
test_require_cmd cc
# The shim is preloaded into an ASan build too: let the runtime accept that.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

test_expect_success 'setup: the fault shim, a wheel with a launcher, an env' '
	cc -shared -fPIC -o shim.so "$TEST_DIR/fault_shim.c" -ldl &&
	mkdir wh &&
	mkwheel wh demo 1.0 --console demo=demo:main --file demo/m.py=X=1 >/dev/null &&
	cvenv create --without-pip -p "$py" v
'

test_expect_success DYNAMIC 'an entry that appears during the commit is not overwritten' '
	snap v >before &&
	# each move into site-packages/demo* first waits 3 s: bin/demo, moved
	# after them, is written meanwhile
	FAULT_RENAME_SLOW_PATH=/site-packages/demo FAULT_RENAME_SLOW_MS=3000 \
		LD_PRELOAD=$PWD/shim.so $CVENV_WRAPPER "$CVENV_BIN" install --venv v \
		wh/demo-1.0-py3-none-any.whl 2>err &
	pid=$! &&
	i=0 && while ! test -f v/.cvenv/journal && test $i -lt 400; do sleep 0.05; i=$((i + 1)); done &&
	test -f v/.cvenv/journal &&
	echo mine >v/bin/demo &&
	{ wait $pid; test $? = 1; } &&
	expect_grep "/v/bin/demo" err && expect_grep "into place: File exists" err &&
	test "$(cat v/bin/demo)" = mine &&
	! test -e v/.cvenv/journal &&
	rm v/bin/demo &&
	expect_unchanged before v
'

test_expect_success 'without a newcomer the same install commits' '
	cvenv install --venv v wh/demo-1.0-py3-none-any.whl &&
	test -x v/bin/demo &&
	test -f v/lib/python3.12/site-packages/demo/m.py
'

test_done
