/* Unit tests for core/std/pyversion: bounded Python and C library versions. */
#include "unit.h"

#include "core/std/pyversion.h"

static void test_pyver_parse(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int r, major, minor, micro;
	} cases[] = {
		{ "3.12.1", 0, 3, 12, 1 },
		{ "3.12", 0, 3, 12, 0 },
		{ "3.11.2.final.0", 0, 3, 11, 2 },
		{ "3.13.0rc1", 0, 3, 13, 0 },
		{ "2.7.18", 0, 2, 7, 18 },
		{ "3.99.999", 0, 3, 99, 999 },
		{ "3.300000000", -1, 0, 0, 0 },
		{ "3.99999999999999999999999", -1, 0, 0, 0 },
		{ "3.100", -1, 0, 0, 0 },
		{ "3.12.1000", -1, 0, 0, 0 },
		{ "4.0", -1, 0, 0, 0 },
		{ "1.5", -1, 0, 0, 0 },
		{ "", 1, 0, 0, 0 },
		{ "3", 1, 0, 0, 0 },
		{ "3.", 1, 0, 0, 0 },
		{ "banana", 1, 0, 0, 0 },
		{ "-3.12", 1, 0, 0, 0 },
		{ "3.-1", 1, 0, 0, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int a = -7, b = -7, c = -7;
		int r = pyver_parse(cases[i].text, &a, &b, &c);
		if (r != cases[i].r)
			fail_msg("'%s': %d, want %d", cases[i].text, r, cases[i].r);
		if (r == 0) {
			assert_int_equal(a, cases[i].major);
			assert_int_equal(b, cases[i].minor);
			assert_int_equal(c, cases[i].micro);
		} else {
			assert_int_equal(a, -7); /* nothing set */
		}
	}
	assert_int_equal(pyver_parse(NULL, &(int){ 0 }, &(int){ 0 }, &(int){ 0 }), 1);
}

static void test_libcver_parse(void **state)
{
	(void)state;
	int a, b;
	assert_int_equal(libcver_parse("2.36", &a, &b), 0);
	assert_int_equal(a, 2);
	assert_int_equal(b, 36);
	assert_int_equal(libcver_parse("2.36.9000", &a, &b), 0);
	assert_int_equal(b, 36);
	assert_int_equal(libcver_parse("2.300000000", &a, &b), -1);
	assert_int_equal(libcver_parse("1000.1", &a, &b), -1);
	assert_int_equal(libcver_parse("2", &a, &b), -1);
	assert_int_equal(libcver_parse("x.1", &a, &b), -1);
	assert_int_equal(libcver_parse(NULL, &a, &b), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pyver_parse),
		cmocka_unit_test(test_libcver_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
