#!/bin/bash
# kill -9 at random points of a 200-wheel `cvenv install`: the env
# is then exactly as before or completely changed, and the next install
# completes it and leaves nothing in .cvenv but the lock. CVENV_FAULT_KILLS
# kills (default 20; `make check-faults` runs 100 or more). See
# lib-killrun.sh.
KR_KILLS=${CVENV_FAULT_KILLS:-20}
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-killrun.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
test_require_cmd flock

KR_BEFORE=$TRASH/before.snap KR_AFTER=$TRASH/after.snap

install_reset() { rm -rf v && cp -a v.pristine v; }
install_cmd() { exec "$CVENV_BIN" install --venv v --cache-dir cache wh/*.whl; }
# A killed install's shielded child (moving files into place) holds the env
# lock until it is done.
install_settle() {
	[ -e v/.cvenv/lock ] || return 0
	timeout 60 flock v/.cvenv/lock true
}

test_expect_success 'setup: 200 wheels, an env, the env they make without a kill' '
	mkdir wh &&
	python3 -c "
import sys
sys.path.insert(0, sys.argv[1])
import mkwheel
for i in range(1, 201):
    sys.argv = [\"mkwheel\", \"wh\", \"p%d\" % i, \"1.0\", \"--file\", \"p%d/a.py=A=%d\" % (i, i),
                \"--file\", \"p%d/b.py=B=%d\" % (i, i), \"--console\", \"p%d=p%d:main\" % (i, i)]
    mkwheel.main()
" "$TEST_DIR" >/dev/null &&
	cvenv create -p "$py" --without-pip v && cp -a v v.pristine &&
	kr_snap_env v >"$KR_BEFORE" &&
	(install_cmd) >out 2>&1 && install_reset &&
	t0=$(date +%s%N) && (install_cmd) >out 2>&1 && t1=$(date +%s%N) &&
	kr_snap_env v >"$KR_AFTER" &&
	echo $(((t1 - t0) / 1000000)) >run.ms &&
	test "$(ls -d v/lib/python3.12/site-packages/*.dist-info | wc -l)" = 200
'

# 0-300 ms, or up to 1.2 times an uninterrupted run where that is longer (a
# loaded machine): some kills must land while files move into place.
test_expect_success "kill -9 of a 200-wheel install, $KR_KILLS times: env before or complete, no strays" '
	ms=$(cat run.ms) && KR_MAX_MS=$((ms * 6 / 5 > 300 ? ms * 6 / 5 : 300)) &&
	echo "kills at 0-$KR_MAX_MS ms (an uninterrupted run, warm cache: $ms ms)" &&
	kill_runs install v "$KR_KILLS"
'

test_done
