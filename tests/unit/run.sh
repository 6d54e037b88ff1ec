#!/bin/sh
# Runs each cmocka test binary given as an argument and prints one closing line
# "unit: N passed, N failed". Exits non-zero if any test failed or crashed.
# RESULTS_FILE, when set, receives "passed failed skipped" for the summary.
passed=0 failed=0 crashed=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^\[  (FAILED|  ERROR)|^\[  ERROR' >&2
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		printf '%s\n' "$out" | tail -n 20 >&2
		echo "unit: $t exited with status $rc" >&2
		crashed=$((crashed + 1))
		failed=$((failed + 1))
	fi
done
echo "unit: $passed passed, $failed failed"
[ -n "$RESULTS_FILE" ] && echo "$passed $failed 0" >> "$RESULTS_FILE"
[ "$failed" -eq 0 ]
