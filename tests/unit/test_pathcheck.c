/* Unit tests for util/pathcheck: which relative paths stay below their root. */
#include "unit.h"

#include "util/pathcheck.h"

static void test_rel_is_safe(void **state)
{
	(void)state;
	static const char *const safe[] = {
		"lib/python3.12/site-packages", "bin", "include", "a/./b", "a//b", "..a", "a..",
		"a/..b/c", ".x", "a/b/", "...",
	};
	static const char *const unsafe[] = {
		"", "/usr/lib", "..", "../x", "a/..", "a/../b", "a/b/../../..", "./..", "//x",
	};
	for (size_t i = 0; i < ARRAY_SIZE(safe); i++)
		if (!path_rel_is_safe(safe[i], strlen(safe[i])))
			fail_msg("'%s' refused", safe[i]);
	for (size_t i = 0; i < ARRAY_SIZE(unsafe); i++)
		if (path_rel_is_safe(unsafe[i], strlen(unsafe[i])))
			fail_msg("'%s' accepted", unsafe[i]);
	/* a NUL inside the given length hides nothing */
	assert_false(path_rel_is_safe("lib\0/../../x", 12));
	assert_true(path_rel_is_safe("lib/x\0../..", 5));
	assert_false(path_rel_is_safe(NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rel_is_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
