/* Unit tests for util/error: the message formats and what the reporting
 * functions return. */
#include "unit.h"

#include <string.h>

static void test_error_format(void **state)
{
	(void)state;
	assert_int_equal(error("cannot open '%s'", "x"), -1);
	assert_string_equal(unit_errors.ptr, "cvenv: error: cannot open 'x'\n");
}

static void test_usage_error_is_error(void **state)
{
	(void)state;
	assert_int_equal(usage_error("unknown option '%s'", "--frob"), -1);
	assert_string_equal(unit_errors.ptr, "cvenv: error: unknown option '--frob'\n");
}

static void test_error_errno_appends_the_reason(void **state)
{
	(void)state;
	struct buf want = BUF_INIT;
	buf_addf(&want, "cvenv: error: cannot create '%s': %s\n", "a dir", strerror(EACCES));
	errno = EACCES;
	assert_int_equal(error_errno("cannot create '%s'", "a dir"), -1);
	assert_string_equal(unit_errors.ptr, want.ptr);
	/* errno is the caller's still */
	assert_int_equal(errno, EACCES);
	buf_free(&want);
}

static void test_error_errno_reads_errno_first(void **state)
{
	(void)state;
	/* a long message makes the formatting allocate: errno is read before */
	struct buf want = BUF_INIT, subject = BUF_INIT;
	for (int i = 0; i < 4096; i++)
		buf_addch(&subject, 'x');
	buf_addf(&want, "cvenv: error: %s: %s\n", subject.ptr, strerror(ENOSPC));
	errno = ENOSPC;
	error_errno("%s", subject.ptr);
	assert_string_equal(unit_errors.ptr, want.ptr);
	buf_free(&want);
	buf_free(&subject);
}

static void test_warning_and_info_errno(void **state)
{
	(void)state;
	struct buf want = BUF_INIT;
	buf_addf(&want, "cvenv: warning: not removing 'x': %s\ncvenv: no cache 'c': %s\n",
		 strerror(ELOOP), strerror(EROFS));
	verbosity = 1;
	errno = ELOOP;
	warning_errno("not removing '%s'", "x");
	assert_int_equal(errno, ELOOP);
	errno = EROFS;
	info_errno(1, "no cache '%s'", "c");
	info_errno(2, "not shown at -v");
	assert_int_equal(errno, EROFS);
	verbosity = -1;
	warning_errno("not shown with -q");
	verbosity = 0;
	assert_string_equal(unit_errors.ptr, want.ptr);
	buf_free(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_error_format, capture_errors_setup,
						capture_errors_teardown),
		cmocka_unit_test_setup_teardown(test_usage_error_is_error, capture_errors_setup,
						capture_errors_teardown),
		cmocka_unit_test_setup_teardown(test_warning_and_info_errno, capture_errors_setup,
						capture_errors_teardown),
		cmocka_unit_test_setup_teardown(test_error_errno_appends_the_reason,
						capture_errors_setup, capture_errors_teardown),
		cmocka_unit_test_setup_teardown(test_error_errno_reads_errno_first,
						capture_errors_setup, capture_errors_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
