#!/bin/sh
# Runs the integration test files (all t*.sh, or those named) two at a time and
# prints one closing line: "integration: N passed, N failed, N skipped".
# Each file's full output is kept in $TEST_SCRATCH_ROOT/<name>.out.
cd "$(dirname "$0")" || exit 1
# A fresh scratch root per run, so two runs (plain and sanitized builds, or two
# developers) never share test directories.
if [ -z "${TEST_SCRATCH_ROOT:-}" ]; then
	TEST_SCRATCH_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/cvenv-tests.XXXXXX") || exit 1
fi
export TEST_SCRATCH_ROOT
mkdir -p "$TEST_SCRATCH_ROOT"
if [ $# -gt 0 ]; then files="$*"; else files=$(ls t[0-9]*.sh); fi
results="$TEST_SCRATCH_ROOT/results.$$"
: >"$results"
jobs=${TEST_JOBS:-2}

run_one() {
	name=$(basename "$1" .sh)
	RESULTS_FILE="$results" bash "./$name.sh" >"$TEST_SCRATCH_ROOT/$name.out" 2>&1
	echo $? >"$TEST_SCRATCH_ROOT/$name.rc"
}

# Prints a finished file's report: its failures in full, then its summary.
report() {
	name=$(basename "$1" .sh)
	if [ "$(cat "$TEST_SCRATCH_ROOT/$name.rc")" -ne 0 ]; then
		grep -v '^ok ' "$TEST_SCRATCH_ROOT/$name.out"
		grep -q "^# $name: " "$TEST_SCRATCH_ROOT/$name.out" || echo "0 1 0" >>"$results"
	else
		tail -n 1 "$TEST_SCRATCH_ROOT/$name.out"
	fi
}

# A simple job pool: $jobs files at once; reports are printed in order after
# each batch, so the output of parallel files never interleaves.
batch=
for f in $files; do
	run_one "$f" &
	batch="$batch $f"
	if [ $(echo $batch | wc -w) -ge "$jobs" ]; then
		wait
		for b in $batch; do report "$b"; done
		batch=
	fi
done
wait
for b in $batch; do report "$b"; done
set -- $(awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}' "$results")
rm -f "$results"
echo "integration: $1 passed, $2 failed, $3 skipped"
[ -n "$RESULTS_FILE" ] && echo "$1 $2 $3" >>"$RESULTS_FILE"
[ "$2" -eq 0 ]
