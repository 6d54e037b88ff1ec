/* Unit tests for core/pyrequest: the request grammar, table-driven. */
#include "unit.h"

#include "core/interp/pyrequest.h"
#include "util/buf.h"

static const struct {
	const char *text;
	int kind;             /* -1: a usage error */
	const char *impl;     /* NULL: any */
	const char *specs;    /* the equivalent specifier set, or the path/name */
} cases[] = {
	{ "3", PYREQ_VERSION, NULL, "==3.*" },
	{ "3.12", PYREQ_VERSION, NULL, "==3.12.*" },
	{ "3.12.1", PYREQ_VERSION, NULL, "==3.12.1" },
	{ " 3.12 ", PYREQ_VERSION, NULL, "==3.12.*" },
	{ "312", PYREQ_VERSION, NULL, "==3.12.*" },
	{ "27", PYREQ_VERSION, NULL, "==2.7.*" },
	{ "310", PYREQ_VERSION, NULL, "==3.10.*" },
	{ "3.13rc1", PYREQ_VERSION, NULL, "==3.13rc1" },
	{ "3.13.0b2", PYREQ_VERSION, NULL, "==3.13.0b2" },
	{ ">=3.10,<3.13", PYREQ_SPECS, NULL, ">=3.10,<3.13" },
	{ "==3.12.*", PYREQ_SPECS, NULL, "==3.12.*" },
	{ "~=3.11", PYREQ_SPECS, NULL, "~=3.11" },
	{ "!=3.12", PYREQ_SPECS, NULL, "!=3.12" },
	{ "any", PYREQ_ANY, NULL, "" },
	{ "default", PYREQ_ANY, NULL, "" },
	{ "python", PYREQ_ANY, NULL, "" },
	{ "cpython", PYREQ_ANY, "cpython", "" },
	{ "CPython", PYREQ_ANY, "cpython", "" },
	{ "cp", PYREQ_ANY, "cpython", "" },
	{ "pypy", PYREQ_ANY, "pypy", "" },
	{ "pp", PYREQ_ANY, "pypy", "" },
	{ "cpython3.12", PYREQ_VERSION, "cpython", "==3.12.*" },
	{ "cpython@3.12", PYREQ_VERSION, "cpython", "==3.12.*" },
	{ "cpython-3.12.1", PYREQ_VERSION, "cpython", "==3.12.1" },
	{ "cp312", PYREQ_VERSION, "cpython", "==3.12.*" },
	{ "cp3.11", PYREQ_VERSION, "cpython", "==3.11.*" },
	{ "pypy3", PYREQ_VERSION, "pypy", "==3.*" },
	{ "pypy@3.9", PYREQ_VERSION, "pypy", "==3.9.*" },
	{ "pypy3.9", PYREQ_VERSION, "pypy", "==3.9.*" },
	{ "pp39", PYREQ_VERSION, "pypy", "==3.9.*" },
	{ "python3", PYREQ_VERSION, NULL, "==3.*" },
	{ "python3.12", PYREQ_VERSION, NULL, "==3.12.*" },
	{ "python2.7", PYREQ_VERSION, NULL, "==2.7.*" },
	{ "cpython@>=3.11", PYREQ_SPECS, "cpython", ">=3.11" },
	{ "pypy>=3.9,<3.11", PYREQ_SPECS, "pypy", ">=3.9,<3.11" },
	{ "/usr/bin/python3", PYREQ_PATH, NULL, "/usr/bin/python3" },
	{ "./rel/python", PYREQ_PATH, NULL, "./rel/python" },
	{ ".venv", PYREQ_PATH, NULL, ".venv" },
	{ "some/venv", PYREQ_PATH, NULL, "some/venv" },
	{ "/dir with space/python", PYREQ_PATH, NULL, "/dir with space/python" },
	{ "~/bin/python", PYREQ_PATH, NULL, "/home/u/bin/python" },
	{ "python3-dbg", PYREQ_NAME, NULL, "python3-dbg" },
	{ "python3.12d", PYREQ_NAME, NULL, "python3.12d" },
	{ "pypy3.9-c", PYREQ_NAME, NULL, "pypy3.9-c" },
	{ "pythonw", PYREQ_NAME, NULL, "pythonw" },
	{ "ipython", PYREQ_NAME, NULL, "ipython" },
	{ "python-dbg", PYREQ_NAME, NULL, "python-dbg" },
	/* malformed */
	{ "", -1, NULL, NULL },
	{ "   ", -1, NULL, NULL },
	{ "3.x", -1, NULL, NULL },
	{ "3..12", -1, NULL, NULL },
	{ "3.12.1.4", -1, NULL, NULL },
	{ "3.12.post1", -1, NULL, NULL },
	{ "3.12+local", -1, NULL, NULL },
	{ "1!3.12", -1, NULL, NULL },
	{ "3rc1", -1, NULL, NULL },
	{ ">=3.10,", -1, NULL, NULL },
	{ ">=", -1, NULL, NULL },
	{ "=3.12", -1, NULL, NULL },
	{ "cpython@", -1, NULL, NULL },
	{ "cpython-", -1, NULL, NULL },
	{ "cpython@foo", -1, NULL, NULL },
	{ "cpython3.x", -1, NULL, NULL },
	{ "cp3x", -1, NULL, NULL },
	{ "pp@", -1, NULL, NULL },
	{ "@3.12", -1, NULL, NULL },
	{ "py thon", -1, NULL, NULL },
	{ "-p", -1, NULL, NULL },
	{ "python$", -1, NULL, NULL },
};

static void test_grammar(void **state)
{
	(void)state;
	pyrequest_set_home("/home/u");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pyrequest r;
		struct buf err = BUF_INIT;
		int rc = pyrequest_parse(cases[i].text, &r, &err);
		if (cases[i].kind < 0) {
			if (rc == 0)
				fail_msg("'%s' should be a usage error (kind %d)", cases[i].text, r.kind);
			if (!err.len)
				fail_msg("'%s': no reason given", cases[i].text);
			buf_free(&err);
			continue;
		}
		if (rc < 0)
			fail_msg("'%s' rejected: %s", cases[i].text, err.ptr);
		if ((int)r.kind != cases[i].kind)
			fail_msg("'%s': kind %d, want %d", cases[i].text, r.kind, cases[i].kind);
		if ((r.implementation == NULL) != (cases[i].impl == NULL) ||
		    (r.implementation && strcmp(r.implementation, cases[i].impl)))
			fail_msg("'%s': implementation '%s', want '%s'", cases[i].text,
				 r.implementation ? r.implementation : "(any)",
				 cases[i].impl ? cases[i].impl : "(any)");
		struct buf got = BUF_INIT;
		if (r.kind == PYREQ_PATH || r.kind == PYREQ_NAME)
			buf_addstr(&got, r.path);
		else
			pep440_specset_format(&got, &r.specs);
		if (strcmp(got.ptr, cases[i].specs))
			fail_msg("'%s': got '%s', want '%s'", cases[i].text, got.ptr, cases[i].specs);
		assert_string_equal(r.text, cases[i].text);
		buf_free(&got);
		buf_free(&err);
		pyrequest_free(&r);
	}
}

static const struct {
	const char *request, *impl, *version;
	bool match;
} match_cases[] = {
	{ "3.12", "cpython", "3.12.1", true },
	{ "3.12", "cpython", "3.13.0", false },
	{ "3.12", "pypy", "3.12.1", true },
	{ "3", "cpython", "3.6.15", true },
	{ "3", "cpython", "2.7.18", false },
	{ "2", "cpython", "2.7.18", true },
	{ "3.12.1", "cpython", "3.12.1", true },
	{ "3.12.1", "cpython", "3.12.10", false },
	{ "3.13", "cpython", "3.13.0rc1", true },
	{ "3.13rc1", "cpython", "3.13.0rc1", true },
	{ "3.13rc1", "cpython", "3.13.0", false },
	{ ">=3.10,<3.13", "cpython", "3.12.1", true },
	{ ">=3.10,<3.13", "cpython", "3.13.0", false },
	{ ">=3.10,<3.13", "cpython", "3.9.18", false },
	{ ">=3.11", "cpython", "3.14.0a1", true },
	{ "cpython", "cpython", "3.11.7", true },
	{ "cpython", "pypy", "3.9.18", false },
	{ "pypy3", "pypy", "3.9.18", true },
	{ "pypy3", "cpython", "3.9.18", false },
	{ "pypy@3.9", "pypy", "3.9.18", true },
	{ "pypy@3.9", "pypy", "3.10.14", false },
	{ "cp312", "cpython", "3.12.1", true },
	{ "cp312", "pypy", "3.12.1", false },
	{ "any", "graalpy", "3.11.0", true },
	{ "/x/python", "pypy", "2.7.1", true },
	{ "3.12", "cpython", "garbage", false },
	{ "3.12", "cpython", NULL, false },
};

static void test_matches(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(match_cases); i++) {
		struct pyrequest r;
		struct buf err = BUF_INIT;
		if (pyrequest_parse(match_cases[i].request, &r, &err) < 0)
			fail_msg("'%s' rejected: %s", match_cases[i].request, err.ptr);
		bool got = pyrequest_matches(&r, match_cases[i].impl, match_cases[i].version);
		if (got != match_cases[i].match)
			fail_msg("'%s' vs %s %s: got %d", match_cases[i].request, match_cases[i].impl,
				 match_cases[i].version ? match_cases[i].version : "(null)", got);
		pyrequest_free(&r);
		buf_free(&err);
	}
}

static void test_names_patch(void **state)
{
	(void)state;
	static const struct { const char *r; bool patch; } t[] = {
		{ "3.12.1", true }, { "cpython@3.12.1", true }, { "3.12", false },
		{ "==3.12.1", false }, { "3", false }, { "cpython", false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct pyrequest r;
		struct buf err = BUF_INIT;
		assert_int_equal(pyrequest_parse(t[i].r, &r, &err), 0);
		if (pyrequest_names_patch(&r) != t[i].patch)
			fail_msg("'%s'", t[i].r);
		pyrequest_free(&r);
		buf_free(&err);
	}
	assert_non_null(strstr(pyrequest_grammar(), "cpython@3.12") ? "x" : strstr(pyrequest_grammar(), "pypy@3.9"));
	assert_string_equal(pyrequest_impl_name("CP", 2), "cpython");
	assert_null(pyrequest_impl_name("cpy", 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grammar),
		cmocka_unit_test(test_matches),
		cmocka_unit_test(test_names_patch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
