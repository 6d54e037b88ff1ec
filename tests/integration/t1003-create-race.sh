#!/bin/bash
# Creates racing for one directory: each one either wins or fails cleanly
# (exit 1, a message); the directory always ends up one complete env, and no
# temporary directory is left behind.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-create.sh"

PY=$(python_for 3.12)
[ -z "$PY" ] && test_skip "no Python 3.12 on this machine"
export PY

# race N DIR OPTIONS...: runs N creates of DIR at once; prints their exit codes.
race() {
	local n=$1 dir=$2 i
	shift 2
	for i in $(seq "$n"); do
		(cvenv create -p "$PY" "$@" "$dir" 2>"err.$i"; echo $? >"rc.$i") &
	done
	wait
	cat rc.*
}

check_complete() {
	test -f "$1/pyvenv.cfg" && "$1/bin/python" -c "import sys; assert sys.prefix != sys.base_prefix" &&
	test -d "$1/lib/python3.12/site-packages" && test -f "$1/bin/activate" &&
	! ls -a "$(dirname "$1")" | grep -q cvenv-
}

test_expect_success '8 creates of a new directory: one env, the others win or fail cleanly' '
	for round in 1 2 3; do
		rm -rf r rc.* err.* &&
		race 8 r --without-pip >codes &&
		grep -q "^0$" codes && ! grep -v -q -E "^(0|1)$" codes || return 1
		for f in err.*; do
			test -s "$f" || continue
			grep -q "another process" "$f" || { cat "$f"; return 1; }
		done
		check_complete r || return 1
	done
'

test_expect_success '8 creates over an existing env: all succeed, env complete' '
	cvenv create -p "$PY" --without-pip ex && echo keep >ex/foreign &&
	rm -f rc.* err.* && race 8 ex --without-pip >codes &&
	! grep -v -q "^0$" codes && check_complete ex && test -f ex/foreign
'

test_expect_success '6 --clear creates of one env: the env stays complete' '
	cvenv create -p "$PY" --without-pip cl &&
	rm -f rc.* err.* && race 6 cl --without-pip --clear >codes &&
	! grep -v -q -E "^(0|1)$" codes && grep -q "^0$" codes && check_complete cl
'

test_expect_success 'creates filling one empty directory: all succeed, env complete' '
	mkdir em && rm -f rc.* err.* && race 6 em --without-pip >codes &&
	! grep -v -q "^0$" codes && check_complete em
'

test_done
