#!/bin/bash
# The test library itself (lib.sh), as git's t0000-basic.sh checks its own:
# a test that is skipped is reported and counted as skipped, with its reason,
# never as passed; a body cannot skip itself silently.
. "$(dirname "$0")/lib.sh"

# run_sub BODY: runs a test file made of BODY (after sourcing lib.sh) in its
# own scratch root and keeps its output in out; never adds to this file's
# totals.
run_sub() {
	printf '#!/bin/bash\n. "%s/lib.sh"\n%s\ntest_done\n' "$TEST_DIR" "$1" >sub.sh &&
	mkdir -p scratch &&
	(unset RESULTS_FILE; TEST_SCRATCH_ROOT=$PWD/scratch bash sub.sh >out 2>&1)
}

test_expect_success 'a missing prerequisite skips the test and says which' '
	run_sub "
test_lazy_prereq HAVE true
test_lazy_prereq LACK false
test_expect_success HAVE \"runs\" true
test_expect_success LACK \"needs LACK\" false
test_expect_success HAVE,LACK \"needs both\" false
" &&
	expect_grep "ok 1 - runs" out &&
	expect_grep "ok 2 # skip needs LACK (missing LACK)" out &&
	expect_grep "ok 3 # skip needs both (missing LACK)" out &&
	expect_grep "# sub: 1 passed, 0 failed, 2 skipped (missing LACK)" out
'

test_expect_success '!NAME asks for the absence of NAME; test_set_prereq sets one' '
	run_sub "
test_set_prereq SET
test_expect_success !SET \"needs SET absent\" false
test_expect_success !UNSET,SET \"needs UNSET absent and SET\" true
" &&
	expect_grep "ok 1 # skip needs SET absent (missing !SET)" out &&
	expect_grep "ok 2 - needs UNSET absent and SET" out &&
	expect_grep "# sub: 1 passed, 0 failed, 1 skipped (missing !SET)" out
'

test_expect_success 'a lazy prerequisite runs once, when a test first asks for it' '
	run_sub "
test_lazy_prereq ONCE \"echo x >>$PWD/evaluated\"
test_expect_success ONCE one true
test_expect_success ONCE two true
" &&
	expect_grep "# sub: 2 passed, 0 failed, 0 skipped" out &&
	test "$(wc -l <evaluated)" -eq 1
'

test_expect_success 'a lazy prerequisite script sees the usual field splitting' '
	run_sub "
test_lazy_prereq SPLIT \"x=\\\"a b\\\"; set -- \\\$x; test \\\$# = 2\"
test_expect_success SPLIT,SPLIT split true
" &&
	expect_grep "ok 1 - split" out
'

test_expect_success 'test_require_cmd inside a body fails the test instead of passing it' '
	run_sub "
test_expect_success \"skips nothing\" \"test_require_cmd no-such-command-here; true\"
" ;
	expect_grep "not ok 1 - skips nothing" out &&
	expect_grep "inside a test body skips nothing" out &&
	expect_grep "# sub: 0 passed, 1 failed, 0 skipped" out
'

test_expect_success 'test_require_cmd outside a body skips the rest, with the reason' '
	run_sub "
test_require_cmd no-such-command-here
test_expect_success \"after it\" false
" &&
	expect_grep "ok 1 # skip after it (no-such-command-here is not installed)" out &&
	expect_grep "# sub: 0 passed, 0 failed, 1 skipped (no-such-command-here is not installed)" out
'

test_done
