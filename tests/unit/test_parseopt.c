/* Unit tests for util/parseopt: the forms users type, and the usage errors. */
#include "unit.h"

#include "util/buf.h"
#include "util/error.h"
#include "util/parseopt.h"
#include "util/strvec.h"

static bool flag;
static int mode;
static const char *str;
static struct strvec list = STRVEC_INIT;
static const char *const usage[] = { "cvenv t [options] ARG...", NULL };
static const struct opt opts[] = {
	OPT_BOOL('f', "flag", &flag, "a flag"),
	OPT_SETINT(0, "copies", &mode, 2, "copy"),
	OPT_STRING('p', "python", &str, "SPEC", "a value"),
	OPT_LIST('r', "requirement", &list, "FILE", "repeatable"),
	OPT_END(),
};
static const char *shared;
static const struct opt shared_opts[] = {
	OPT_STRING(0, "venv", &shared, "DIR", "a shared option"),
	OPT_END(),
};
static const struct opt *const tables[] = { opts, shared_opts, NULL };

static struct buf captured = BUF_INIT;

static int setup(void **state)
{
	(void)state;
	flag = false;
	mode = 0;
	str = NULL;
	shared = NULL;
	strvec_clear(&list);
	buf_reset(&captured);
	error_capture = &captured;
	verbosity = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	strvec_clear(&list);
	buf_free(&captured);
	error_capture = NULL;
	return 0;
}

#define PARSE(...)                                                              \
	({                                                                      \
		const char *argv[] = { "t", __VA_ARGS__, NULL };               \
		int n_ = parse_options((int)ARRAY_SIZE(argv) - 1, argv, usage, NULL, tables); \
		n_;                                                             \
	})

static void test_forms(void **state)
{
	(void)state;
	const char *argv[] = { "t", "a", "-fp3.12", "--copies", "b", "-r", "x", "--requirement=y", "--", "-q", NULL };
	int n = parse_options(10, argv, usage, NULL, tables);
	assert_int_equal(n, 3);
	assert_string_equal(argv[0], "a");
	assert_string_equal(argv[1], "b");
	assert_string_equal(argv[2], "-q");
	assert_true(flag);
	assert_int_equal(mode, 2);
	assert_string_equal(str, "3.12");
	assert_int_equal(list.n, 2);
	assert_string_equal(list.v[1], "y");
	assert_int_equal(verbosity, 0);
}

static void test_separate_value_and_common(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--python", "pypy3", "-vv", "-q"), 0);
	assert_string_equal(str, "pypy3");
	assert_int_equal(verbosity, 1);
	assert_int_equal(PARSE("--python="), 0);
	assert_string_equal(str, "");
}

static void test_errors_name_the_option(void **state)
{
	(void)state;
	assert_int_equal(PARSE("--pyth", "3"), PARSE_ERROR);
	assert_non_null(strstr(captured.ptr, "unknown option '--pyth'"));
	buf_reset(&captured);
	assert_int_equal(PARSE("-x"), PARSE_ERROR);
	assert_non_null(strstr(captured.ptr, "unknown option '-x'"));
	buf_reset(&captured);
	assert_int_equal(PARSE("--python"), PARSE_ERROR);
	assert_non_null(strstr(captured.ptr, "'--python' requires a value"));
	buf_reset(&captured);
	assert_int_equal(PARSE("--flag=1"), PARSE_ERROR);
	assert_non_null(strstr(captured.ptr, "'--flag' takes no value"));
	assert_non_null(strstr(captured.ptr, "hint: see 'cvenv t --help'"));
}

static const char *strrstr_options(const char *s)
{
	const char *last = NULL;
	for (const char *p = s; (p = strstr(p, "\noptions:")); p++)
		last = p + 1;
	return last;
}

static void test_shared_table(void **state)
{
	(void)state;
	assert_int_equal(PARSE("-f", "--venv", "e", "x"), 1);
	assert_true(flag);
	assert_string_equal(shared, "e");
}

static void test_help_text(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	format_help(&b, usage, "Does t.", tables);
	assert_true(starts_with(b.ptr, "usage: cvenv t [options] ARG...\n\nDoes t.\n"));
	assert_non_null(strstr(b.ptr, "  -p, --python SPEC         a value\n"));
	assert_non_null(strstr(b.ptr, "      --copies              copy\n"));
	assert_non_null(strstr(b.ptr, "      --venv DIR            a shared option\n"));
	assert_non_null(strstr(b.ptr, "  -h, --help"));
	/* one "options:" heading for all the command's tables */
	assert_ptr_equal(strstr(b.ptr, "options:"), strrstr_options(b.ptr));
	buf_free(&b);
}

static const struct opt long_help_opts[] = {
	OPT_BOOL(0, "wordy", &flag,
		 "a help text long enough that it cannot fit on one line of a terminal eighty columns wide, so it wraps"),
	OPT_END(),
};

static void test_help_wraps_at_79_columns(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	const struct opt *const own[] = { long_help_opts, NULL };
	format_help(&b, usage, "A description that is long enough to need wrapping because it goes on and on past the edge.", own);
	assert_non_null(strstr(b.ptr, "      --wordy               a help text long enough that it cannot fit on one\n"
				      "                            line of a terminal eighty columns wide, so it wraps\n"));
	assert_non_null(strstr(b.ptr, "\nA description that is long enough to need wrapping because it goes on and on\npast the edge.\n"));
	for (const char *line = b.ptr; *line;) {
		size_t n = strcspn(line, "\n");
		assert_true(n <= 79);
		line += n + (line[n] == '\n');
	}
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_separate_value_and_common, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_name_the_option, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help_wraps_at_79_columns, setup, teardown),
	};
	return cmocka_run_group_tests_name("parseopt", tests, NULL, NULL);
}
