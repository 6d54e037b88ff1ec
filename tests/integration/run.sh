#!/bin/sh
# Runs the integration test files (all t*.sh, or those named) $TEST_JOBS (2)
# at a time and prints one closing line: "integration: N passed, N failed,
# N skipped". Each file's summary line ends with the seconds it took; its
# full output is kept in $TEST_SCRATCH_ROOT/<name>.out.
cd "$(dirname "$0")" || exit 1

run_one() {
	name=$(basename "$1" .sh)
	start=$(date +%s)
	RESULTS_FILE="$results" bash "./$name.sh" >"$TEST_SCRATCH_ROOT/$name.out" 2>&1
	echo $? >"$TEST_SCRATCH_ROOT/$name.rc"
	echo $(($(date +%s) - start)) >"$TEST_SCRATCH_ROOT/$name.secs"
}

# Prints a finished file's report: its failures in full, then its summary
# with the seconds it took.
report() {
	name=$(basename "$1" .sh)
	secs=$(cat "$TEST_SCRATCH_ROOT/$name.secs")
	if [ "$(cat "$TEST_SCRATCH_ROOT/$name.rc")" -ne 0 ]; then
		grep -v '^ok ' "$TEST_SCRATCH_ROOT/$name.out"
		grep -q "^# $name: " "$TEST_SCRATCH_ROOT/$name.out" || echo "0 1 0" >>"$results"
		echo "# $name took ${secs}s"
	else
		echo "$(tail -n 1 "$TEST_SCRATCH_ROOT/$name.out") (${secs}s)"
	fi
}

# One file, run by the pool below: run it, then print its report whole
# (under a lock, so the reports of files that end together never interleave).
if [ "${1:-}" = "--one" ]; then
	run_one "$2"
	exec 9>>"$results.lock"
	flock 9
	report "$2"
	exit 0
fi

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
export results
# The pool: a new file starts as soon as one ends (a slow file no longer holds
# its partner's slot until both are done).
printf '%s\n' $files | xargs -P "${TEST_JOBS:-2}" -I{} sh "$PWD/run.sh" --one {}
set -- $(awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}' "$results")
rm -f "$results" "$results.lock"
echo "integration: $1 passed, $2 failed, $3 skipped"
[ -n "${RESULTS_FILE:-}" ] && echo "$1 $2 $3" >>"$RESULTS_FILE"
[ "$2" -eq 0 ]
