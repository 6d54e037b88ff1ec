/* Unit tests for cmd/envfind: which env a command acts on (--venv, else
 * $VIRTUAL_ENV, else the nearest .venv from the current directory up). */
#include "unit.h"

#include "cmd/cmd.h"

static char *root;

static int setup(void **state)
{
	(void)state;
	root = unit_scratch_dir("cvenv-unit-envfind-");
	return capture_errors_setup(state);
}

static int teardown(void **state)
{
	os_rm_rf(root);
	free(root);
	return capture_errors_teardown(state);
}

static char *mkdir_under(const char *rel)
{
	char *p = path_join(root, rel);
	assert_int_equal(os_mkdir_p(p, 0755), 0);
	return p;
}

/* cmd_env_locate's answer and its reason, as "dir|why" (or NULL on -1). */
static char *locate(const char *explicit_dir, const char *virtual_env, const char *cwd)
{
	char *dir = NULL;
	struct buf why = BUF_INIT;
	char *r = NULL;
	if (cmd_env_locate(explicit_dir, virtual_env, cwd, &dir, &why) == 0)
		r = xstrfmt("%s|%s", dir, why.ptr);
	else
		assert_null(dir);
	free(dir);
	buf_free(&why);
	return r;
}

static void test_nearest_dot_venv(void **state)
{
	(void)state;
	char *deep = mkdir_under("p/sub/dir");
	char *p = path_join(root, "p");
	/* none anywhere: an error naming where it looked, with the hint */
	assert_null(locate(NULL, NULL, deep));
	assert_non_null(strstr(unit_errors.ptr, "no virtual environment found"));
	assert_non_null(strstr(unit_errors.ptr, deep));
	assert_non_null(strstr(unit_errors.ptr, "hint: create one with 'cvenv create .venv'"));
	/* a parent's .venv, said to be found from where we are */
	char *pv = mkdir_under("p/.venv");
	char *got = locate(NULL, NULL, deep);
	char *want = xstrfmt("%s|found from %s", pv, deep);
	assert_string_equal(got, want);
	free(got);
	free(want);
	/* a nearer one wins */
	char *sv = mkdir_under("p/sub/.venv");
	got = locate(NULL, "", deep);
	want = xstrfmt("%s|found from %s", sv, deep);
	assert_string_equal(got, want);
	free(got);
	free(want);
	/* a .venv that is a file is not an env directory */
	os_rm_rf(sv);
	char *f = path_join(root, "p/sub/.venv");
	assert_int_equal(os_write_atomic(f, "", 0, 0644, false), 0);
	got = locate(NULL, NULL, deep);
	want = xstrfmt("%s|found from %s", pv, deep);
	assert_string_equal(got, want);
	free(got);
	free(want);
	free(f);
	free(sv);
	free(pv);
	free(p);
	free(deep);
}

static void test_precedence(void **state)
{
	(void)state;
	char *cwd = mkdir_under("w");
	char *dot = mkdir_under("w/.venv");
	char *active = mkdir_under("active");
	char *named = mkdir_under("named");
	/* $VIRTUAL_ENV beats the nearest .venv */
	char *got = locate(NULL, active, cwd);
	char *want = xstrfmt("%s|$VIRTUAL_ENV", active);
	assert_string_equal(got, want);
	free(got);
	free(want);
	/* --venv beats both */
	got = locate(named, active, cwd);
	want = xstrfmt("%s|--venv", named);
	assert_string_equal(got, want);
	free(got);
	free(want);
	/* what is named must exist: no falling back */
	char *missing = path_join(root, "missing");
	assert_null(locate(missing, active, cwd));
	assert_non_null(strstr(unit_errors.ptr, "cannot use environment"));
	assert_null(locate(NULL, missing, cwd));
	assert_non_null(strstr(unit_errors.ptr, "($VIRTUAL_ENV)"));
	free(missing);
	free(named);
	free(active);
	free(dot);
	free(cwd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nearest_dot_venv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
	};
	return cmocka_run_group_tests_name("envfind", tests, NULL, NULL);
}
