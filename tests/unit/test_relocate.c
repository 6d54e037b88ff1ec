/* Unit tests for core/env/relocate: reading the python a launcher runs from
 * the two shebang forms cvenv and pip write (and refusing everything else),
 * round trip with script_shebang. */
#include "unit.h"

#include "core/env/relocate.h"
#include "core/pkg/scripts.h"
#include "util/buf.h"

#define setup capture_errors_setup
#define teardown capture_errors_teardown

static void expect_python(const char *text, const char *want, size_t want_hdr)
{
	size_t hdr = 0;
	char *py = launcher_python(text, strlen(text), &hdr);
	if (!want) {
		assert_null(py);
		return;
	}
	assert_non_null(py);
	assert_string_equal(py, want);
	assert_int_equal(hdr, want_hdr);
	free(py);
}

static void test_forms(void **state)
{
	expect_python("#!/e/bin/python\nimport x\n", "/e/bin/python", 16);
	expect_python("#!/bin/sh\n'''exec' /e/bin/python \"$0\" \"$@\"\n' '''\nimport x\n",
		      "/e/bin/python", 49);
	expect_python("#!/bin/sh\n'''exec' \"/a b/bin/python\" \"$0\" \"$@\"\n' '''\n",
		      "/a b/bin/python", 53);
	/* not launchers: relative, with arguments, unterminated, no newline */
	expect_python("#!python\n", NULL, 0);
	expect_python("#!/usr/bin/env python\n", NULL, 0);
	expect_python("#!/e/bin/python", NULL, 0);
	expect_python("#!/bin/sh\n'''exec' \"/a b/bin/python\n", NULL, 0);
	expect_python("#!/bin/sh\n'''exec' /e/bin/python \"$0\"\n' '''\n", NULL, 0);
	expect_python("\x7f" "ELF\n", NULL, 0);
	expect_python("", NULL, 0);
}

/* Whatever script_shebang writes, launcher_python reads back. */
static void test_round_trip(void **state)
{
	static const char *const pys[] = {
		"/e/bin/python",
		"/with space/bin/python3",
		"/a/very/long/path/that/goes/on/and/on/and/on/and/on/and/on/and/on/and/on/and/on/and/on/and/on/and/on/bin/python",
	};
	for (size_t i = 0; i < ARRAY_SIZE(pys); i++) {
		struct buf b = BUF_INIT;
		script_shebang(&b, pys[i]);
		size_t n = b.len;
		buf_addstr(&b, "import sys\n");
		size_t hdr;
		char *py = launcher_python(b.ptr, b.len, &hdr);
		assert_non_null(py);
		assert_string_equal(py, pys[i]);
		assert_int_equal(hdr, n);
		free(py);
		buf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
