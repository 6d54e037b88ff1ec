#!/bin/bash
# Concurrent commands on one env and one shared cache (issue 10.4): 8 workers
# run installs, uninstalls and creates in place (with pip: seeding takes the
# env lock) on the same env at once. Every command takes <env>/.cvenv/lock,
# which lives as long as the env, so they run one after the other: none may
# fail for want of its stage or journal, and the env ends consistent -- each
# installed dist complete with its RECORD, freeze agreeing with
# site-packages, nothing left in .cvenv but the lock.
. "$(dirname "$0")/lib.sh"
. "$TEST_DIR/lib-install.sh"

py=$(python_for 3.12)
[ -z "$py" ] && test_skip "no Python 3.12"
pipwhl=$(ls "$(dirname "$(dirname "$py")")"/lib/python3.12/ensurepip/_bundled/pip-*.whl 2>/dev/null | head -1)
[ -z "$pipwhl" ] && test_skip "no bundled pip wheel for 3.12"
SP=lib/python3.12/site-packages
ROUNDS=${CVENV_CONCURRENT_ROUNDS:-4}

# consistent ENV: every .dist-info has a RECORD whose files all exist, no
# empty .dist-info, freeze lists exactly the dists (pip aside), and .cvenv
# holds only its lock.
consistent() {
	local env=$1 di f n=0
	for di in "$env/$SP"/*.dist-info; do
		[ -e "$di" ] || continue
		test -f "$di/RECORD" || { echo "no RECORD in $di"; return 1; }
		while IFS=, read -r f _; do
			case $f in *.pyc | */ | "") continue ;; esac
			test -e "$env/$SP/$f" || { echo "$di: $f listed but missing"; return 1; }
		done <"$di/RECORD"
		case ${di##*/} in pip-*) ;; *) n=$((n + 1)) ;; esac
	done
	cvenv freeze --venv "$env" >freeze.out || return 1
	test "$(wc -l <freeze.out)" -eq "$n" || { echo "freeze: $(cat freeze.out), dists: $n"; return 1; }
	test "$(ls -A "$env/.cvenv")" = lock || { echo "left in .cvenv:"; ls -A "$env/.cvenv"; return 1; }
}

test_expect_success 'setup: wheels, a seed directory, an env with pip' '
	mkdir wh seeds && cp "$pipwhl" seeds/ &&
	files= && for i in $(seq 1 40); do files="$files --file big/m$i.py=X=$i"; done &&
	mkwheel wh big 1.0 --console big=big:main $files >/dev/null &&
	mkwheel wh big 2.0 --console big=big:main --file big/two.py=2 $files >/dev/null &&
	for w in 0 1 2 3 4 5 6 7; do
		mkwheel wh "small$w" 1.0 --file "small$w/mod.py=S=$w" >/dev/null || return 1
	done &&
	cvenv create -p "$py" --seed-wheels seeds --cache-dir cache e
'

# worker N ENV: ROUNDS rounds of its share of the commands on ENV, each
# bounded by timeout, printing "rc CODE" after each.
worker() {
	local w=$1 env=$2 r
	for r in $(seq 1 "$ROUNDS"); do
		case $((w % 4)) in
		0) timeout 120 "$CVENV_BIN" install --venv "$env" --cache-dir cache "wh/big-$((r % 2 + 1)).0-py3-none-any.whl" ;;
		1) timeout 120 "$CVENV_BIN" uninstall --venv "$env" -y big ;;
		2) timeout 120 "$CVENV_BIN" create -p "$py" --seed-wheels seeds --cache-dir cache "$env" ;;
		3) timeout 120 "$CVENV_BIN" install --venv "$env" --cache-dir cache "wh/small$w-1.0-py3-none-any.whl" &&
			timeout 120 "$CVENV_BIN" uninstall --venv "$env" -y "small$w" ;;
		esac
		echo "rc $?"
	done
}

# all_well LOG...: no command failed, none was killed by its timeout.
all_well() {
	cat "$@" >all.log &&
	! grep -E "stage directory|cannot roll back|cannot lock|No such file|error:" all.log &&
	! grep "^rc " all.log | grep -v "^rc 0$"
}

test_expect_success '8 installs, uninstalls and creates in place on one env at once: all succeed, env consistent' '
	for w in 0 1 2 3 4 5 6 7; do worker "$w" e >"log.$w" 2>&1 & done &&
	wait &&
	all_well log.* && consistent e
'

test_expect_success 'two envs sharing one cache, 4 workers each: all succeed, both consistent' '
	cvenv create -p "$py" --seed-wheels seeds --cache-dir cache e1 &&
	cvenv create -p "$py" --seed-wheels seeds --cache-dir cache e2 &&
	for w in 0 1 2 3 4 5 6 7; do worker "$w" "e$((w / 4 + 1))" >"log2.$w" 2>&1 & done &&
	wait &&
	all_well log2.* && consistent e1 && consistent e2
'

test_done
