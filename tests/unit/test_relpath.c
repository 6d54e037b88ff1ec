/* Unit tests for util/relpath: the lexical join and the check of an
 * interpreter's absolute paths (path_rel_is_safe is tested with the journal
 * that reads it, in test_journal.c). */
#include "unit.h"

#include "util/relpath.h"

static void test_abs_is_safe(void **state)
{
	(void)state;
	static const char *const safe[] = {
		"/", "/usr/lib/python3.11", "/a/./b", "/a//b", "/..a", "/a..", "/a/..b/c", "/a/b/",
	};
	static const char *const unsafe[] = {
		"", "usr/lib", "..", "/..", "/../x", "/a/..", "/a/../b", "/a/b/../../..", "./..",
	};
	for (size_t i = 0; i < ARRAY_SIZE(safe); i++)
		if (!path_abs_is_safe(safe[i], strlen(safe[i])))
			fail_msg("'%s' refused", safe[i]);
	for (size_t i = 0; i < ARRAY_SIZE(unsafe); i++)
		if (path_abs_is_safe(unsafe[i], strlen(unsafe[i])))
			fail_msg("'%s' accepted", unsafe[i]);
	/* a NUL inside the given length hides nothing; bytes after n do not count */
	assert_false(path_abs_is_safe("/lib\0/../../x", 13));
	assert_true(path_abs_is_safe("/lib/x\0../..", 6));
	assert_false(path_abs_is_safe(NULL, 0));
}

static void test_rel_join(void **state)
{
	(void)state;
	static const char *const cases[][3] = {
		{ "lib/site", "pkg/a.py", "lib/site/pkg/a.py" },
		{ "lib/site", "../../bin/x", "bin/x" },
		{ "lib/site", "./a/./b", "lib/site/a/b" },
		{ "", "a//b/", "a/b" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *j = path_rel_join(cases[i][0], cases[i][1]);
		assert_non_null(j);
		assert_string_equal(j, cases[i][2]);
		free(j);
	}
	/* climbing above the root, the root itself and absolute paths give NULL */
	assert_null(path_rel_join("lib/site", "../../../x"));
	assert_null(path_rel_join("lib", ".."));
	assert_null(path_rel_join("lib", "/etc/passwd"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_abs_is_safe),
		cmocka_unit_test(test_rel_join),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
