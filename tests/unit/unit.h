/* Common includes for cmocka unit tests. */
#ifndef CVENV_UNIT_H
#define CVENV_UNIT_H

#include "util/common.h"

#include <setjmp.h>
#include <cmocka.h>

#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

/* Tests that check error messages use these as cmocka setup/teardown: the
 * messages of each test are appended to `unit_errors` instead of stderr. */
static struct buf unit_errors __attribute__((unused)) = BUF_INIT;

static inline int capture_errors_setup(void **state)
{
	(void)state;
	error_capture = &unit_errors;
	return 0;
}

static inline int capture_errors_teardown(void **state)
{
	(void)state;
	error_capture = NULL;
	buf_free(&unit_errors);
	return 0;
}

/* A new directory under $TEST_SCRATCH_ROOT (else /tmp) named prefixXXXXXX;
 * the caller removes it (os_rm_rf) and frees the string. */
static inline char *unit_scratch_dir(const char *prefix)
{
	const char *root = getenv("TEST_SCRATCH_ROOT");
	char *base = xstrdup(root && *root ? root : "/tmp");
	os_mkdir_p(base, 0755);
	char *dir = os_mkdtemp_in(base, prefix);
	free(base);
	assert_non_null(dir);
	return dir;
}

#endif
