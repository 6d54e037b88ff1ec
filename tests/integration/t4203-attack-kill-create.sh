#!/bin/bash
# kill -9 at random points (0-300 ms) of `cvenv create` with pip (issue 10.5):
# DIR is then exactly absent or exactly the complete env (pip included), and
# the next create leaves no build directory beside it. CVENV_FAULT_KILLS
# kills (default 20; `make check-faults` runs 100 or more). See
# lib-killrun.sh and docs/security/create.md.
KR_KILLS=${CVENV_FAULT_KILLS:-20}
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-killrun.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
pipwhl=$(ls "$(dirname "$(dirname "$py")")"/lib/python3.12/ensurepip/_bundled/pip-*.whl 2>/dev/null | head -1)
[ -z "$pipwhl" ] && test_skip "no bundled pip wheel for 3.12"

KR_BEFORE=$TRASH/before.snap KR_AFTER=$TRASH/after.snap

create_reset() { rm -rf w; }
create_cmd() { exec "$CVENV_BIN" create -p "$py" --seed-wheels seeds --cache-dir cache w; }
# A killed create's shielded child (committing pip's files into the build
# directory) holds the build directory's lock until it is done.
create_settle() {
	local d
	for d in .w.cvenv-*; do
		[ -d "$d" ] || continue
		timeout 60 flock "$d" true || return 1
	done
}

test_expect_success 'setup: the env made without a kill is the reference' '
	mkdir seeds && cp "$pipwhl" seeds/ &&
	(create_cmd) >out 2>&1 && kr_snap w >"$KR_AFTER" &&
	grep -q "pip" "$KR_AFTER" && ! grep -q "\.cvenv" "$KR_AFTER" &&
	echo absent >"$KR_BEFORE" && rm -rf w
'

test_expect_success "kill -9 of create with pip, $KR_KILLS times: DIR absent or complete, no strays" '
	kill_runs create w "$KR_KILLS"
'

test_done
