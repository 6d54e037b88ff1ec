/* Unit tests for core/interpcache: interp_get's cache, and a venv's record
 * (interp_record_env / interp_load_env). The facts come from running a real
 * interpreter of this machine (python3 on PATH); without one the tests skip. */
#include "unit.h"

#include <jansson.h>

#include "util/embedded.h"
#include "core/interp/interp.h"
#include "core/interp/interpcache.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

static char *tmp, *python;

static int setup(void **state)
{
	(void)state;
	python = os_which("python3");
	tmp = unit_scratch_dir("interpcache.");
	char *cache = path_join(tmp, "cache");
	interp_cache_configure(cache);
	free(cache);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	os_rm_rf(tmp);
	free(tmp);
	free(python);
	return 0;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char *p = path_join(dir, name);
	assert_int_equal(os_write_atomic(p, text, strlen(text), 0644, false), 0);
	free(p);
}

static void test_get_caches(void **state)
{
	(void)state;
	if (!python)
		skip();
	struct interp a, b;
	unsigned before = interp_queries_run;
	assert_int_equal(interp_get(python, NULL, &a), 0);
	assert_int_equal(interp_queries_run, before + 1);
	assert_false(a.from_cache);
	assert_int_equal(interp_get(python, NULL, &b), 0);
	assert_int_equal(interp_queries_run, before + 1);
	assert_true(b.from_cache);
	assert_string_equal(a.version, b.version);
	assert_string_equal(a.implementation, b.implementation);
	assert_string_equal(a.query_path, b.query_path);
	interp_free(&a);
	interp_free(&b);
}

static void test_env_record(void **state)
{
	(void)state;
	if (!python)
		skip();
	struct interp ip, got;
	assert_int_equal(interp_get(python, NULL, &ip), 0);
	char *env = path_join(tmp, "env");
	assert_int_equal(os_mkdir_p(env, 0755), 0);
	char *home = os_dirname(python);
	char *cfg = xstrfmt("home = %s\ninclude-system-site-packages = false\n", home);
	write_file(env, "pyvenv.cfg", cfg);

	/* recorded: served without a query */
	assert_int_equal(interp_record_env(env, &ip), 0);
	unsigned before = interp_queries_run;
	assert_int_equal(interp_load_env(env, &got), 0);
	assert_int_equal(interp_queries_run, before);
	assert_true(got.from_cache);
	assert_string_equal(got.version, ip.version);
	assert_string_equal(got.query_path, ip.query_path);
	interp_free(&got);

	/* the record names the interpreter, whose own entry holds the facts:
	 * with that entry gone, one query (and the entry is back) */
	char *cdir = interp_cache_dir();
	struct strvec names = STRVEC_INIT;
	assert_int_equal(os_list_dir(cdir, &names), 0);
	size_t removed = 0;
	for (size_t i = 0; i < names.n; i++) {
		char *p = path_join(cdir, names.v[i]);
		struct buf text = BUF_INIT;
		if (strstr(names.v[i], ".json") && os_read_file(p, 1 << 20, &text) == 0 &&
		    strstr(text.ptr, "\"cvenv_interp_cache\"")) {
			assert_int_equal(os_unlink(p), 0);
			removed++;
		}
		buf_free(&text);
		free(p);
	}
	assert_true(removed > 0);
	strvec_clear(&names);
	free(cdir);
	assert_int_equal(interp_load_env(env, &got), 0);
	assert_int_equal(interp_queries_run, before + 1);
	assert_false(got.from_cache);
	assert_string_equal(got.query_path, ip.query_path);
	interp_free(&got);
	assert_int_equal(interp_load_env(env, &got), 0);
	assert_int_equal(interp_queries_run, before + 1);
	assert_true(got.from_cache);
	interp_free(&got);
	before = interp_queries_run;

	/* pyvenv.cfg rewritten by another tool: the record is not trusted, the
	 * base comes from home (from the cache: still no query) */
	write_file(env, "pyvenv.cfg", cfg);
	assert_int_equal(interp_load_env(env, &got), 0);
	assert_int_equal(interp_queries_run, before);
	assert_string_equal(got.version, ip.version);
	interp_free(&got);

	/* an env whose pyvenv.cfg names no interpreter */
	write_file(env, "pyvenv.cfg", "home = /nonexistent\n");
	assert_int_equal(interp_load_env(env, &got), 1);
	interp_free(&got);
	char *none = path_join(tmp, "no-env");
	assert_int_equal(interp_load_env(none, &got), 1);
	interp_free(&got);

	free(none);
	free(cfg);
	free(home);
	free(env);
	interp_free(&ip);
}

/* An env whose bin/ links lead to the interpreter it was made with (venv's
 * shape) needs no record: none is written, and it loads all the same. */
static void test_env_links_are_the_record(void **state)
{
	(void)state;
	if (!python)
		skip();
	struct interp ip, got;
	assert_int_equal(interp_get(python, NULL, &ip), 0);
	char *env = path_join(tmp, "linked-env");
	char *bin = path_join(env, "bin");
	assert_int_equal(os_mkdir_p(bin, 0755), 0);
	char *home = os_dirname(python);
	char *cfg = xstrfmt("home = %s\ninclude-system-site-packages = false\n", home);
	write_file(env, "pyvenv.cfg", cfg);
	char *l1 = path_join(bin, "python"), *l2 = path_join(bin, "python3");
	assert_int_equal(os_symlink("python3", l1), 0);
	assert_int_equal(os_symlink(ip.query_path, l2), 0);

	char *dir = interp_cache_dir();
	struct strvec before = STRVEC_INIT, after = STRVEC_INIT;
	assert_int_equal(os_list_dir(dir, &before), 0);
	assert_int_equal(interp_record_env(env, &ip), 0);
	assert_int_equal(os_list_dir(dir, &after), 0);
	assert_int_equal(after.n, before.n); /* no record file */
	unsigned q = interp_queries_run;
	assert_int_equal(interp_load_env(env, &got), 0);
	assert_int_equal(interp_queries_run, q);
	assert_true(got.from_cache);
	assert_string_equal(got.query_path, ip.query_path);
	interp_free(&got);

	/* links that leave bin/ by a relative path are not venv's shape: a
	 * record is written */
	assert_int_equal(os_unlink(l2), 0);
	char *rel = xstrfmt("..%s", ip.query_path); /* bin/../<abs path>: leaves bin/ */
	assert_int_equal(os_symlink(rel, l2), 0);
	strvec_clear(&after);
	assert_int_equal(interp_record_env(env, &ip), 0);
	assert_int_equal(os_list_dir(dir, &after), 0);
	assert_int_equal(after.n, before.n + 1);
	assert_int_equal(interp_load_env(env, &got), 0);
	assert_int_equal(interp_queries_run, q);
	interp_free(&got);

	free(rel);
	strvec_clear(&before);
	strvec_clear(&after);
	free(dir);
	free(l1);
	free(l2);
	free(cfg);
	free(home);
	free(bin);
	free(env);
	interp_free(&ip);
}

/* tools/embed.c computes each embedded file's hash at build time (the cache
 * key of the query script): it must be FNV-1a of the very bytes embedded. */
static void test_embedded_hash(void **state)
{
	(void)state;
	const struct embedded_file *f = embedded_get("interp_query.py");
	assert_non_null(f);
	unsigned long long h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < f->len; i++)
		h = (h ^ (unsigned char)f->data[i]) * 0x100000001b3ull;
	assert_true(h == f->fnv1a);
	assert_true(f->len > 1000);
	/* and two different files have different ones */
	const struct embedded_file *g = embedded_get("activate");
	assert_non_null(g);
	assert_true(g->fnv1a != f->fnv1a);
}

static void test_corrupt_entries(void **state)
{
	(void)state;
	if (!python)
		skip();
	struct interp ip;
	assert_int_equal(interp_get(python, NULL, &ip), 0);
	interp_free(&ip);
	char *dir = interp_cache_dir();
	struct strvec names = STRVEC_INIT;
	assert_int_equal(os_list_dir(dir, &names), 0);
	assert_true(names.n > 0);
	static const char *const bad[] = { "", "{", "[]", "{\"cvenv_interp_cache\": 1}", "\xff\xfe" };
	for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
		for (size_t i = 0; i < names.n; i++)
			if (strstr(names.v[i], ".json")) /* not the query module's directory */
				write_file(dir, names.v[i], bad[k]);
		unsigned before = interp_queries_run;
		assert_int_equal(interp_get(python, NULL, &ip), 0);
		assert_int_equal(interp_queries_run, before + 1);
		assert_false(ip.from_cache);
		interp_free(&ip);
		/* rewritten: the next one is a hit */
		assert_int_equal(interp_get(python, NULL, &ip), 0);
		assert_true(ip.from_cache);
		interp_free(&ip);
	}
	strvec_clear(&names);
	free(dir);
}

/* The script imported from the cache and the script on stdin (no cache) are
 * the same query: the same answer, byte for byte once parsed. */
static void test_module_and_stdin_agree(void **state)
{
	(void)state;
	if (!python)
		skip();
	struct interp a, b;
	char *qdir = interp_query_module_dir();
	assert_non_null(qdir);
	free(qdir);
	assert_int_equal(interp_query(python, &a), 0);
	char *root = path_join(tmp, "cache");
	interp_cache_configure(NULL);
	qdir = interp_query_module_dir();
	assert_null(qdir);
	assert_int_equal(interp_query(python, &b), 0);
	interp_cache_configure(root);
	free(root);
	assert_true(json_equal(a.json, b.json));
	interp_free(&a);
	interp_free(&b);
}

static void test_disabled(void **state)
{
	(void)state;
	char *root = path_join(tmp, "cache");
	interp_cache_configure(NULL);
	char *dir = interp_cache_dir();
	assert_null(dir);
	interp_cache_configure(root);
	dir = interp_cache_dir();
	assert_non_null(dir);
	free(dir);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_caches),
		cmocka_unit_test(test_env_record),
		cmocka_unit_test(test_env_links_are_the_record),
		cmocka_unit_test(test_embedded_hash),
		cmocka_unit_test(test_corrupt_entries),
		cmocka_unit_test(test_module_and_stdin_agree),
		cmocka_unit_test(test_disabled),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
