/* Unit tests for util/editdist: the distance behind "did you mean ...?". */
#include "unit.h"

#include "util/editdist.h"

static void test_distance(void **state)
{
	(void)state;
	static const struct {
		const char *a, *b;
		size_t d;
	} cases[] = {
		{ "", "", 0 },           { "create", "create", 0 }, { "crate", "create", 1 },
		{ "craete", "create", 1 }, { "creat", "create", 1 }, { "xcreate", "create", 1 },
		{ "cerate", "create", 1 }, { "", "run", 3 },         { "list", "install", 5 },
		{ "ca", "abc", 3 },        { "abc", "ca", 3 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t d = edit_distance(cases[i].a, cases[i].b);
		if (d != cases[i].d)
			fail_msg("'%s' to '%s': %zu, want %zu", cases[i].a, cases[i].b, d, cases[i].d);
	}
	char long_word[80];
	memset(long_word, 'a', sizeof(long_word) - 1);
	long_word[sizeof(long_word) - 1] = '\0';
	assert_int_equal(edit_distance(long_word, "a"), SIZE_MAX);
}

static void test_nearest(void **state)
{
	(void)state;
	static const char *const cmds[] = { "create", "install", "uninstall", "freeze", "list",
					    "run", "python", NULL };
	assert_string_equal(nearest_word("crate", cmds), "create");
	assert_string_equal(nearest_word("instal", cmds), "install");
	assert_string_equal(nearest_word("unistall", cmds), "uninstall");
	assert_string_equal(nearest_word("lsit", cmds), "list");
	assert_string_equal(nearest_word("rnu", cmds), "run");
	assert_null(nearest_word("xyz", cmds));   /* 3 edits from run */
	assert_null(nearest_word("go", cmds));
	assert_null(nearest_word("r", cmds));     /* 2 of run's 3 letters changed */
	assert_null(nearest_word("", cmds));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_nearest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
