/* Unit tests for util/relpath's path_is_under: the one "is this path under
 * that directory" test. */
#include "unit.h"

#include "util/relpath.h"

static void test_under(void **state)
{
	(void)state;
	assert_true(path_is_under("/a/b/c", "/a/b", false));
	assert_true(path_is_under("a/b", "a", false));
	assert_false(path_is_under("/a/bc", "/a/b", false));  /* a prefix, not a parent */
	assert_false(path_is_under("/a/b", "/a/b", false));
	assert_true(path_is_under("/a/b", "/a/b", true));
	assert_true(path_is_under("/a/b/", "/a/b", true));
	assert_false(path_is_under("/a/b/", "/a/b", false)); /* nothing below */
	assert_true(path_is_under("/x", "/", false));
	assert_false(path_is_under("/", "/", false));
	assert_true(path_is_under("/", "/", true));
	assert_true(path_is_under("/a/b/c", "/a/b/", false));
	assert_false(path_is_under("a", "", true)); /* no directory, nothing under it */
	assert_false(path_is_under("/a", "/a/b", true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_under),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
