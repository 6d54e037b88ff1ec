# The kill -9 harness (issue 10, randomized fault runs), sourced after lib.sh
# by the t42xx-attack-kill-* files. A scenario is three shell functions:
#   <s>_reset   puts the target back in its "before" state
#   <s>_cmd     prints nothing, runs the command under test (exec'd in the
#               background, so $! is cvenv itself)
#   <s>_settle  waits (bounded) for whatever the command leaves running on
#               purpose: the shielded child that commits a transaction
# and two snapshots made by the test: $KR_BEFORE (the target before; "absent"
# for a create) and $KR_AFTER (the target made by an uninterrupted run).
# kill_runs SCENARIO TARGET N kills the command at a random point (0 to
# $KR_MAX_MS ms, default 300) N times; after each kill the target must be exactly before or exactly
# after (file list, types, modes, link targets, content hashes), and after
# the next, uninterrupted run exactly after, with no stray directory left
# beside the target or inside its .cvenv. Runs that ended before the kill
# count as checks too; how many were really cut short is printed.

# the count: $KR_KILLS, which a test file sets from $CVENV_FAULT_KILLS before
# sourcing lib.sh (which unsets CVENV_* variables)
KR_KILLS=${KR_KILLS:-20}

# kr_snap PATH: the exact state of PATH ("absent" if there is none), .cvenv
# included (it may hold only the lock), one line per entry.
kr_snap() {
	if ! [ -e "$1" ] && ! [ -L "$1" ]; then
		echo absent
		return 0
	fi
	(cd "$1" && find . -printf '%y %m %p %l\n' | LC_ALL=C sort &&
		find . -type f -exec sha256sum {} + | LC_ALL=C sort -k2)
}

# kr_snap_env PATH: kr_snap without .cvenv, cvenv's own state: the lock that
# lives as long as the env, and what a killed run left there for the next
# to clear (kr_strays checks that it did).
kr_snap_env() {
	kr_snap "$1" | grep -v -E '^[a-z] [0-7]+ \./\.cvenv( |/)|  \./\.cvenv/'
}

# kr_strays TARGET: what killed runs may leave beside TARGET or in its .cvenv.
kr_strays() {
	local parent base
	parent=$(dirname "$1") base=$(basename "$1")
	ls -A "$parent" | grep -F ".$base.cvenv-" | sed "s|^|$parent/|"
	[ -d "$1/.cvenv" ] && ls -A "$1/.cvenv" | grep -v -x lock | sed "s|^|$1/.cvenv/|"
	return 0
}

kill_runs() {
	local s=$1 target=$2 n=$3 i ms pid rc cut=0 state nb=0 na=0
	for i in $(seq 1 "$n"); do
		"${s}_reset" || { echo "run $i: cannot reset"; return 1; }
		ms=$((RANDOM % (${KR_MAX_MS:-300} + 1)))
		"${s}_cmd" >"kr.out" 2>&1 &
		pid=$!
		sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
		kill -9 "$pid" 2>/dev/null
		wait "$pid"
		rc=$?
		[ "$rc" -eq 137 ] && cut=$((cut + 1))
		"${s}_settle" || { echo "run $i: what the killed run left never settled"; return 1; }
		kr_snap_env "$target" >kr.now
		if cmp -s kr.now "$KR_BEFORE"; then
			state=before nb=$((nb + 1))
		elif cmp -s kr.now "$KR_AFTER"; then
			state=after na=$((na + 1))
		else
			echo "run $i (killed at $ms ms, exit $rc): '$target' is half-made:"
			diff -u "$KR_AFTER" kr.now | head -40
			cat kr.out
			return 1
		fi
		# the next command finishes the job and leaves nothing stray
		("${s}_cmd") >kr.out 2>&1 || { echo "run $i: the next run failed:"; cat kr.out; return 1; }
		kr_snap_env "$target" >kr.now
		cmp -s kr.now "$KR_AFTER" || {
			echo "run $i (killed at $ms ms, $state): the next run did not complete '$target':"
			diff -u "$KR_AFTER" kr.now | head -40
			return 1
		}
		if [ -n "$(kr_strays "$target")" ]; then
			echo "run $i (killed at $ms ms, $state): left behind after the next run:"
			kr_strays "$target"
			return 1
		fi
	done
	echo "$n kills, $cut of them cut the command short; found before: $nb, complete: $na"
}
