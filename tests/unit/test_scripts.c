/* Unit tests for core/scripts: launchers as pip renders them, the /bin/sh
 * trick for long paths and paths with spaces, #!python rewriting, the names
 * pip gives pip's own launchers, and entry_points.txt parsing. */
#include "unit.h"

#include "core/pkg/scripts.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

/* Error messages go to `unit_errors` during each test (see unit.h). */
#define setup capture_errors_setup
#define teardown capture_errors_teardown

static void test_launcher(void **state)
{
	struct entry_point ep = { "tool", (char *)"pkg.cli", (char *)"App.main", false };
	struct buf out = BUF_INIT;
	script_render_launcher(&out, "/e/bin/python", &ep);
	assert_string_equal(out.ptr,
			    "#!/e/bin/python\n"
			    "# -*- coding: utf-8 -*-\n"
			    "import re\n"
			    "import sys\n"
			    "from pkg.cli import App\n"
			    "if __name__ == '__main__':\n"
			    "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
			    "    sys.exit(App.main())\n");
	buf_free(&out);
}

static void test_shebang_forms(void **state)
{
	struct buf out = BUF_INIT;
	script_shebang(&out, "/a b/bin/python");
	assert_string_equal(out.ptr, "#!/bin/sh\n'''exec' \"/a b/bin/python\" \"$0\" \"$@\"\n' '''\n");
	/* 124 bytes of path: "#!" + path + "\n" = 127 is still direct */
	char p[125];
	memset(p, 'x', 124);
	p[0] = '/';
	p[124] = '\0';
	buf_reset(&out);
	script_shebang(&out, p);
	assert_true(starts_with(out.ptr, "#!/xx"));
	char q[126];
	memset(q, 'x', 125);
	q[0] = '/';
	q[125] = '\0';
	buf_reset(&out);
	script_shebang(&out, q);
	assert_true(starts_with(out.ptr, "#!/bin/sh\n'''exec' /xx"));
	buf_free(&out);
}

static void test_rewrite(void **state)
{
	struct buf out = BUF_INIT;
	const char s1[] = "#!python\nprint(1)\n";
	assert_true(script_rewrite_python(&out, "/e/bin/python", s1, sizeof(s1) - 1));
	assert_string_equal(out.ptr, "#!/e/bin/python\nprint(1)\n");
	buf_reset(&out);
	const char s2[] = "#!pythonw -u\r\nx\n";
	assert_true(script_rewrite_python(&out, "/e/bin/python", s2, sizeof(s2) - 1));
	assert_string_equal(out.ptr, "#!/e/bin/python -u\nx\n");
	buf_reset(&out);
	const char s3[] = "#!/bin/sh\necho\n";
	assert_false(script_rewrite_python(&out, "/e/bin/python", s3, sizeof(s3) - 1));
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

static void test_names(void **state)
{
	struct strvec sv = STRVEC_INIT;
	assert_true(script_names("pip", 3, 12, &sv));
	assert_int_equal(sv.n, 3);
	assert_string_equal(sv.v[2], "pip3.12");
	assert_false(script_names("pip3", 3, 12, &sv));
	assert_false(script_names("pip3.8", 3, 12, &sv));
	assert_false(script_names("easy_install-3.8", 3, 12, &sv));
	assert_true(script_names("pipx", 3, 12, &sv));
	assert_true(script_names("easy_install", 3, 12, &sv));
	assert_string_equal(sv.v[sv.n - 1], "easy_install-3.12");
	strvec_clear(&sv);
}

static void test_entry_points(void **state)
{
	const char text[] = "[console_scripts]\n"
			    "tool = pkg.cli:main\n"
			    "other=pkg:run [extra]\n"
			    "# comment\n"
			    "[gui_scripts]\n"
			    "gtool = pkg.gui:App.start\n"
			    "[pkg.plugins]\n"
			    "ignored = anything goes here\n";
	struct entry_points eps = { NULL, 0 };
	assert_int_equal(entry_points_parse(text, sizeof(text) - 1, "t", &eps), 0);
	assert_int_equal(eps.n, 3);
	assert_string_equal(eps.v[0].name, "tool");
	assert_string_equal(eps.v[0].module, "pkg.cli");
	assert_string_equal(eps.v[1].attr, "run");
	assert_true(eps.v[2].gui);
	assert_string_equal(eps.v[2].attr, "App.start");
	entry_points_free(&eps);
	const char bad[] = "[console_scripts]\n../evil = pkg:main\n";
	assert_int_equal(entry_points_parse(bad, sizeof(bad) - 1, "t", &eps), -1);
	const char nofunc[] = "[console_scripts]\nx = pkg\n";
	assert_int_equal(entry_points_parse(nofunc, sizeof(nofunc) - 1, "t", &eps), -1);
}

/* 17.8: names the entry points specification recommends, nothing else. */
static void test_entry_point_names(void **state)
{
	static const char *const ok[] = { "tool", "my-tool", "t_2", "x.y", "c++", "A9", ".hidden" };
	static const char *const bad[] = { "", "-rf", ".", "..", "a/b", "a\\b", "a b", "a\tb",
					   "a\rb", "a\x1b[2J", "a\nb", "\x7f", "caf\xc3\xa9", "a:b",
					   "a*" };
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (!entry_point_name_valid(ok[i]))
			fail_msg("refused '%s'", ok[i]);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (entry_point_name_valid(bad[i]))
			fail_msg("accepted '%s'", bad[i]);
	const char esc[] = "[console_scripts]\nx\x1b]0;owned\x07 = pkg:main\n";
	struct entry_points eps = { NULL, 0 };
	assert_int_equal(entry_points_parse(esc, sizeof(esc) - 1, "w.whl", &eps), -1);
	assert_non_null(strstr(unit_errors.ptr, "invalid entry point name"));
	const char dash[] = "[gui_scripts]\n-rf = pkg:main\n";
	assert_int_equal(entry_points_parse(dash, sizeof(dash) - 1, "w.whl", &eps), -1);
	assert_non_null(strstr(unit_errors.ptr, "invalid entry point name '-rf' in 'w.whl'"));
}

/* 17.17: setuptools' wrappers of an entry point, as pip recognises them. */
static void test_wrappers(void **state)
{
	const char text[] = "[console_scripts]\neasy_install = s:main\neasy_install-3.3 = s:main\n"
			    "[gui_scripts]\ngtool = g:main\n";
	struct entry_points eps = { NULL, 0 };
	assert_int_equal(entry_points_parse(text, sizeof(text) - 1, "t", &eps), 0);
	static const char *const yes[] = { "easy_install", "easy_install.exe", "easy_install-script.py",
					   "easy_install.pya", "easy_install-3.3", "gtool.EXE",
					   "easy_install-3.3-script.py", "gtool-SCRIPT.PY" };
	static const char *const no[] = { "easy_install.py", "other", "gtool.exe.exe", "easy",
					  "easy_install-3.4", "gtool-script.pyw", ".exe" };
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
		if (!entry_points_wrapper(&eps, yes[i]))
			fail_msg("not a wrapper: '%s'", yes[i]);
	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		if (entry_points_wrapper(&eps, no[i]))
			fail_msg("a wrapper: '%s'", no[i]);
	entry_points_free(&eps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_launcher),
		cmocka_unit_test(test_shebang_forms),
		cmocka_unit_test(test_rewrite),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_entry_points),
		cmocka_unit_test(test_entry_point_names),
		cmocka_unit_test(test_wrappers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
