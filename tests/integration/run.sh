#!/bin/sh
# Runs the integration test files (all t*.sh, or those named) two at a time and
# prints one closing line: "integration: N passed, N failed, N skipped".
# Each file's full output is kept in $TEST_SCRATCH_ROOT/<name>.out.
cd "$(dirname "$0")" || exit 1
: "${TEST_SCRATCH_ROOT:=${TMPDIR:-/tmp}/cvenv-tests.$(id -u)}"
export TEST_SCRATCH_ROOT
mkdir -p "$TEST_SCRATCH_ROOT"
if [ $# -gt 0 ]; then files="$*"; else files=$(ls t[0-9]*.sh); fi
results="$TEST_SCRATCH_ROOT/results.$$"
: >"$results"
jobs=${TEST_JOBS:-2}

run_one() {
	name=$(basename "$1" .sh)
	RESULTS_FILE="$results" bash "./$name.sh" >"$TEST_SCRATCH_ROOT/$name.out" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		grep -v '^ok ' "$TEST_SCRATCH_ROOT/$name.out"
		grep -q "^# $name: " "$TEST_SCRATCH_ROOT/$name.out" || echo "0 1 0" >>"$results"
	fi
	tail -n 1 "$TEST_SCRATCH_ROOT/$name.out"
}

# A simple job pool: at most $jobs files at once.
running=0
for f in $files; do
	run_one "$f" &
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait
set -- $(awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}' "$results")
rm -f "$results"
echo "integration: $1 passed, $2 failed, $3 skipped"
[ -n "$RESULTS_FILE" ] && echo "$1 $2 $3" >>"$RESULTS_FILE"
[ "$2" -eq 0 ]
