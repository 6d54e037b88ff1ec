/* Unit tests for core/venv: what opening an env finds (venv's and virtualenv's pyvenv.cfg spellings, CPython and PyPy). */
#include "unit.h"

#include <unistd.h>

#include "core/env/venv.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

static char *root;
static struct buf captured = BUF_INIT;

static int setup(void **state)
{
	(void)state;
	root = os_mkdtemp_in("/tmp", "cvenv-unit-venv-");
	assert_non_null(root);
	buf_reset(&captured);
	error_capture = &captured;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	os_rm_rf(root);
	free(root);
	error_capture = NULL;
	buf_free(&captured);
	return 0;
}

/* Makes an env skeleton under root/name: cfg text, a lib dir, bin/<python>. */
static char *make_env(const char *name, const char *cfg, const char *libdir, const char *python)
{
	char *dir = path_join(root, name);
	char *p = xstrfmt("%s/lib/%s/site-packages", dir, libdir);
	assert_int_equal(os_mkdir_p(p, 0755), 0);
	free(p);
	p = path_join(dir, "bin");
	assert_int_equal(os_mkdir_p(p, 0755), 0);
	free(p);
	p = xstrfmt("%s/bin/%s", dir, python);
	assert_int_equal(os_write_atomic(p, "", 0, 0755, false), 0);
	free(p);
	if (cfg) {
		p = path_join(dir, "pyvenv.cfg");
		assert_int_equal(os_write_atomic(p, cfg, strlen(cfg), 0644, false), 0);
		free(p);
	}
	return dir;
}

static void test_open_venv(void **state)
{
	(void)state;
	char *dir = make_env("v", "home = /usr/bin\ninclude-system-site-packages = true\n"
			     "version = 3.11.2\n", "python3.11", "python");
	struct venv v;
	assert_int_equal(venv_open(dir, &v), 0);
	assert_string_equal(v.dir, dir);
	assert_string_equal(v.home, "/usr/bin");
	assert_int_equal(v.major, 3);
	assert_int_equal(v.minor, 11);
	assert_int_equal(v.micro, 2);
	assert_true(v.system_site_packages);
	assert_false(v.pypy);
	char *want = xstrfmt("%s/lib/python3.11/site-packages", dir);
	assert_string_equal(v.purelib, want);
	free(want);
	want = xstrfmt("%s/bin/python", dir);
	assert_string_equal(v.python, want);
	free(want);
	venv_close(&v);
	free(dir);
}

static void test_open_virtualenv_pypy(void **state)
{
	(void)state;
	char *dir = make_env("pp", "home = /usr/bin\nimplementation = PyPy\n"
			     "version_info = 3.9.16.final.0\n", "pypy3.9", "python3");
	struct venv v;
	assert_int_equal(venv_open(dir, &v), 0);
	assert_true(v.pypy);
	assert_int_equal(v.minor, 9);
	assert_false(v.system_site_packages);
	assert_true(ends_with(v.python, "/bin/python3"));
	venv_close(&v);
	free(dir);
}

static void test_open_without_version(void **state)
{
	(void)state;
	char *dir = make_env("nv", "home = /x\n", "python3.12", "python3.12");
	struct venv v;
	assert_int_equal(venv_open(dir, &v), 0);
	assert_int_equal(v.major, 3);
	assert_int_equal(v.minor, 12);
	assert_true(ends_with(v.python, "/bin/python3.12"));
	venv_close(&v);
	free(dir);
}

static void test_open_refusals(void **state)
{
	(void)state;
	struct venv v;
	char *dir = make_env("nocfg", NULL, "python3.12", "python");
	assert_int_equal(venv_open(dir, &v), -1);
	assert_non_null(strstr(captured.ptr, "no pyvenv.cfg"));
	free(dir);
	buf_reset(&captured);
	dir = make_env("nopy", "version = 3.12.1\n", "python3.12", "not-python");
	assert_int_equal(venv_open(dir, &v), -1);
	assert_non_null(strstr(captured.ptr, "no python"));
	free(dir);
	buf_reset(&captured);
	dir = make_env("nosp", "version = 3.10.1\n", "python3.12", "python");
	assert_int_equal(venv_open(dir, &v), -1);
	assert_non_null(strstr(captured.ptr, "site-packages"));
	free(dir);
}

/* A version out of bounds (core/std/pyversion.h) is refused naming the
 * file and the key, even with matching lib/ and bin/ names: install would
 * otherwise loop over the minor version making tags (issue 17.4). */
static void test_open_version_out_of_bounds(void **state)
{
	(void)state;
	static const char *const cfgs[] = {
		"version = 3.300000000\n", "version = 3.99999999999999999999\n",
		"version_info = 3.100.0.final.0\n", "version = 9.1.0\n", "version = 3.12.1000\n",
	};
	static const char *const libs[] = { "python3.300000000", "python3.99999999999999999999",
					    "python3.100", "python9.1", "python3.12" };
	for (size_t i = 0; i < ARRAY_SIZE(cfgs); i++) {
		struct venv v;
		char *name = xstrfmt("big%zu", i);
		char *dir = make_env(name, cfgs[i], libs[i], "python");
		buf_reset(&captured);
		assert_int_equal(venv_open(dir, &v), -1);
		assert_non_null(strstr(captured.ptr, "invalid Python version in '"));
		assert_non_null(strstr(captured.ptr, "pyvenv.cfg': the key 'version"));
		free(dir);
		free(name);
	}
	/* lib/python3.300000000 alone (no version key): not taken as the env's */
	struct venv v;
	char *dir = make_env("biglib", "home = /x\n", "python3.300000000", "python");
	assert_int_equal(venv_open(dir, &v), -1);
	free(dir);
	/* the largest accepted */
	dir = make_env("edge", "version = 3.99.999\n", "python3.99", "python");
	assert_int_equal(venv_open(dir, &v), 0);
	assert_int_equal(v.minor, 99);
	venv_close(&v);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_venv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_virtualenv_pypy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_without_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_version_out_of_bounds, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
