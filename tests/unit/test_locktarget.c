/* Unit tests for the lock's target-dependent parts: core/lock/lockgraph
 * (package markers and dependencies), core/lock/universal (merging
 * per-target locks; the result written and read back through the pylock
 * writer and reader) and core/lock/target (marker values and tags of
 * --python-version / --python-platform). */
#include "unit.h"

#include "core/interp/interp.h"
#include "core/lock/lockgraph.h"
#include "core/lock/pylock.h"
#include "core/lock/target.h"
#include "core/lock/universal.h"
#include "core/pkg/indexprov.h"
#include "core/std/pep508.h"

#ifndef DATA_DIR
#define DATA_DIR "tests/data"
#endif

/* ---- lockgraph -------------------------------------------------------- */

static void add_dist(struct ixplan *pl, const char *name, const char *version,
		     const char *extras, const char *metadata)
{
	pl->v = xrealloc(pl->v, (pl->n + 1) * sizeof(*pl->v));
	struct ixdist *d = &pl->v[pl->n++];
	memset(d, 0, sizeof(*d));
	d->name = xstrdup(name);
	d->version = xstrdup(version);
	strvec_init(&d->extras);
	strvec_init(&d->via);
	if (extras)
		strvec_push(&d->extras, extras);
	buf_init(&d->metadata_own);
	buf_addf(&d->metadata_own, "Metadata-Version: 2.1\nName: %s\nVersion: %s\n%s\n", name,
		 version, metadata);
	d->metadata = d->metadata_own.ptr;
	d->metadata_len = d->metadata_own.len;
}

static const struct lock_node *node(const struct ixplan *pl, const struct lock_node *n,
				    const char *name)
{
	for (size_t i = 0; i < pl->n; i++)
		if (!strcmp(pl->v[i].name, name))
			return &n[i];
	fail_msg("no node %s", name);
	return NULL;
}

static void linux38(struct pep508_env *env)
{
	memset(env, 0, sizeof(*env));
	env->v[PEP508_PYTHON_VERSION] = "3.8";
	env->v[PEP508_PYTHON_FULL_VERSION] = "3.8.0";
	env->v[PEP508_SYS_PLATFORM] = "linux";
	env->v[PEP508_OS_NAME] = "posix";
}

static void test_graph_markers(void **state)
{
	(void)state;
	struct ixplan pl = { NULL, 0, 0 };
	add_dist(&pl, "app", "1.0", "cli",
		 "Requires-Dist: modern\n"
		 "Requires-Dist: backport; python_version < \"3.10\"\n"
		 "Requires-Dist: winhelper; sys_platform == \"win32\"\n"
		 "Requires-Dist: click; extra == \"cli\"\n"
		 "Requires-Dist: docs; extra == \"docs\"\n"
		 "Requires-Dist: both; python_version < \"3.9\" or os_name == \"nt\"\n");
	add_dist(&pl, "backport", "1.0", NULL, "Requires-Dist: zipp\nRequires-Dist: modern\n");
	add_dist(&pl, "both", "1.0", NULL, "");
	add_dist(&pl, "click", "8.0", NULL, "");
	add_dist(&pl, "docs", "1.0", NULL, "");
	add_dist(&pl, "modern", "1.0", NULL, "");
	add_dist(&pl, "zipp", "3.0", NULL, "Requires-Dist: app\n"); /* a cycle back */
	struct strvec reqs = STRVEC_INIT;
	strvec_push(&reqs, "app[cli]");
	strvec_push(&reqs, "docs; sys_platform == \"linux\"");
	struct pep508_env env;
	linux38(&env);
	struct lock_node n[7];
	lock_graph(&pl, &reqs, &env, n);
	/* a root, and what every path reaches without a condition */
	assert_null(node(&pl, n, "app")->marker);
	assert_null(node(&pl, n, "modern")->marker);
	/* extra == "cli" holds: app was chosen with it */
	assert_null(node(&pl, n, "click")->marker);
	/* only under the requirement's marker, and what only it pulls in */
	assert_string_equal(node(&pl, n, "backport")->marker, "python_version < '3.10'");
	assert_string_equal(node(&pl, n, "zipp")->marker, "python_version < '3.10'");
	/* of an "or", the part false here is dropped */
	assert_string_equal(node(&pl, n, "both")->marker, "python_version < '3.9'");
	/* docs: the extra is not chosen, the root's marker is what holds */
	assert_string_equal(node(&pl, n, "docs")->marker, "sys_platform == 'linux'");
	/* dependencies: the chosen ones among the requirements active here */
	const struct strvec *deps = &node(&pl, n, "app")->deps;
	assert_int_equal(deps->n, 4);
	assert_string_equal(deps->v[0], "backport");
	assert_string_equal(deps->v[1], "both");
	assert_string_equal(deps->v[2], "click");
	assert_string_equal(deps->v[3], "modern");
	assert_int_equal(node(&pl, n, "zipp")->deps.n, 1);
	lock_graph_free(n, pl.n);
	ixplan_free(&pl);
	strvec_clear(&reqs);
}

/* two paths, each with its own condition: their OR */
static void test_graph_or(void **state)
{
	(void)state;
	struct ixplan pl = { NULL, 0, 0 };
	add_dist(&pl, "a", "1", NULL, "Requires-Dist: c; python_version < \"3.9\"\n");
	add_dist(&pl, "b", "1", NULL, "Requires-Dist: c; os_name == \"posix\"\n");
	add_dist(&pl, "c", "1", NULL, "");
	struct strvec reqs = STRVEC_INIT;
	strvec_push(&reqs, "a; sys_platform == \"linux\"");
	strvec_push(&reqs, "b");
	struct pep508_env env;
	linux38(&env);
	struct lock_node n[3];
	lock_graph(&pl, &reqs, &env, n);
	assert_string_equal(n[2].marker, "os_name == 'posix' or (python_version < '3.9' and "
					 "sys_platform == 'linux')");
	/* the marker parses and holds where it was made */
	struct pep508_marker *m;
	bool holds = false;
	assert_int_equal(pep508_marker_parse(n[2].marker, &m, NULL), 0);
	assert_int_equal(pep508_marker_eval(m, &env, &holds, NULL), 0);
	assert_true(holds);
	pep508_marker_free(m);
	lock_graph_free(n, pl.n);
	ixplan_free(&pl);
	strvec_clear(&reqs);
}

/* ---- universal merge -------------------------------------------------- */

static void add_pkg(struct pylock *l, const char *name, const char *version, const char *marker,
		    const char *wheel, const char *dep)
{
	struct pylock_package *p = pylock_add_package(l, name, version);
	p->marker = marker ? xstrdup(marker) : NULL;
	p->index = xstrdup("https://example.org/simple");
	struct pylock_file *w = pylock_add_wheel(p);
	w->name = xstrdup(wheel);
	w->url = xstrfmt("https://example.org/files/%s", wheel);
	w->size = 10;
	strvec_push(&w->hashes, "sha256:00ff");
	if (dep) {
		p->deps = xcalloc(1, sizeof(*p->deps));
		p->deps[p->ndeps++].name = xstrdup(dep);
	}
}

static const struct pylock_package *find_pkg(const struct pylock *l, const char *name,
					      const char *version)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name) && !strcmp(l->v[i].version, version))
			return &l->v[i];
	fail_msg("no %s %s", name, version);
	return NULL;
}

static void test_merge(void **state)
{
	(void)state;
	struct pylock in[2], out, back;
	const char *markers[2] = { "python_version == \"3.8\"", "python_version == \"3.12\"" };
	for (int i = 0; i < 2; i++) {
		pylock_init(&in[i]);
		in[i].lock_version = xstrdup("1.0");
		in[i].created_by = xstrdup("cvenv");
	}
	add_pkg(&in[0], "app", "1.0", NULL, "app-1.0-py3-none-any.whl", "modern");
	add_pkg(&in[1], "app", "1.0", NULL, "app-1.0-py3-none-any.whl", "modern");
	add_pkg(&in[0], "modern", "1.0", NULL, "modern-1.0-py3-none-any.whl", NULL);
	add_pkg(&in[1], "modern", "2.0", NULL, "modern-2.0-py3-none-any.whl", NULL);
	add_pkg(&in[0], "backport", "1.0", "python_version < \"3.10\" or os_name == \"nt\"",
		"backport-1.0-py3-none-any.whl", NULL);
	add_pkg(&in[0], "native", "1.0", NULL, "native-1.0-cp38-cp38-manylinux_2_28_x86_64.whl", NULL);
	add_pkg(&in[1], "native", "1.0", NULL, "native-1.0-cp312-cp312-manylinux_2_28_x86_64.whl", NULL);
	add_pkg(&in[1], "winonly", "1.0", "os_name == 'nt' and python_version == \"3.12\"",
		"winonly-1.0-py3-none-any.whl", NULL);
	pylock_merge(in, markers, 2, &out);
	/* what the target's marker says already is not said twice */
	assert_string_equal(find_pkg(&out, "winonly", "1.0")->marker,
			    "python_version == \"3.12\" and os_name == 'nt'");
	assert_int_equal(out.environments.n, 2);
	assert_string_equal(out.environments.v[0], "python_version == \"3.12\"");
	assert_null(find_pkg(&out, "app", "1.0")->marker);
	assert_int_equal(find_pkg(&out, "app", "1.0")->ndeps, 1);
	assert_string_equal(find_pkg(&out, "modern", "1.0")->marker, "python_version == \"3.8\"");
	assert_string_equal(find_pkg(&out, "modern", "2.0")->marker, "python_version == \"3.12\"");
	assert_string_equal(find_pkg(&out, "backport", "1.0")->marker,
			    "python_version == \"3.8\" and (python_version < \"3.10\" or "
			    "os_name == \"nt\")");
	/* one entry, the wheels of both targets */
	assert_int_equal(find_pkg(&out, "native", "1.0")->nwheels, 2);
	/* written, read back, written again: the same bytes */
	struct buf a = BUF_INIT, b = BUF_INIT;
	assert_int_equal(pylock_write(&out, &a), 0);
	assert_int_equal(pylock_parse(a.ptr, a.len, "merged", &back), 0);
	assert_int_equal(pylock_write(&back, &b), 0);
	assert_string_equal(a.ptr, b.ptr);
	assert_non_null(strstr(a.ptr, "dependencies = [\n"));
	pylock_free(&back);
	pylock_free(&out);
	for (int i = 0; i < 2; i++)
		pylock_free(&in[i]);
	buf_free(&a);
	buf_free(&b);
}

/* ---- targets ---------------------------------------------------------- */

static void load_interp(struct interp *ip)
{
	struct buf text = BUF_INIT;
	assert_int_equal(os_read_file(DATA_DIR "/interp-3.12.json", 1 << 20, &text), 0);
	memset(ip, 0, sizeof(*ip));
	assert_int_equal(interp_from_json(text.ptr, text.len, "test", ip), 0);
	buf_free(&text);
}

static long index_of(const struct strvec *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->v[i], s))
			return (long)i;
	return -1;
}

static void test_target_windows38(void **state)
{
	(void)state;
	struct interp ip;
	struct lock_target t;
	load_interp(&ip);
	assert_int_equal(lock_target_make(&ip, "3.8", "windows", &t), 0);
	assert_string_equal(t.env.v[PEP508_PYTHON_VERSION], "3.8");
	assert_string_equal(t.env.v[PEP508_PYTHON_FULL_VERSION], "3.8.0");
	assert_string_equal(t.env.v[PEP508_SYS_PLATFORM], "win32");
	assert_string_equal(t.env.v[PEP508_OS_NAME], "nt");
	assert_string_equal(t.env.v[PEP508_PLATFORM_SYSTEM], "Windows");
	assert_string_equal(t.env.v[PEP508_PLATFORM_MACHINE], "AMD64");
	assert_string_equal(t.env.v[PEP508_PLATFORM_RELEASE], "");
	assert_string_equal(t.env.v[PEP508_IMPLEMENTATION_NAME], "cpython"); /* kept */
	assert_string_equal(t.python_version, "3.8.0");
	assert_string_equal(t.tags.v[0], "cp38-cp38-win_amd64");
	assert_true(index_of(&t.tags, "cp38-abi3-win_amd64") > 0);
	assert_true(index_of(&t.tags, "py3-none-any") > 0);
	assert_int_equal(index_of(&t.tags, "cp312-cp312-win_amd64"), -1);
	assert_int_equal(index_of(&t.tags, "cp38-cp38-manylinux_2_17_x86_64"), -1);
	assert_string_equal(t.marker, "python_version == '3.8' and sys_platform == 'win32' and "
				      "platform_machine == 'AMD64'");
	lock_target_free(&t);
	interp_free(&ip);
}

static void test_target_platforms(void **state)
{
	(void)state;
	struct interp ip;
	struct lock_target t;
	load_interp(&ip);
	/* macOS 13 on arm64: majors down to 11, then 10.x universal2 only */
	assert_int_equal(lock_target_make(&ip, NULL, "macos", &t), 0);
	assert_string_equal(t.tags.v[0], "cp312-cp312-macosx_13_0_arm64");
	assert_true(index_of(&t.tags, "cp312-cp312-macosx_11_0_universal2") > 0);
	assert_true(index_of(&t.tags, "cp312-abi3-macosx_10_9_universal2") > 0);
	assert_int_equal(index_of(&t.tags, "cp312-cp312-macosx_10_9_x86_64"), -1);
	assert_int_equal(index_of(&t.tags, "cp312-cp312-macosx_14_0_arm64"), -1);
	assert_string_equal(t.env.v[PEP508_SYS_PLATFORM], "darwin");
	assert_string_equal(t.env.v[PEP508_PYTHON_FULL_VERSION], "3.12.1"); /* not asked */
	assert_string_equal(t.marker, "sys_platform == 'darwin' and platform_machine == 'arm64'");
	lock_target_free(&t);
	/* a glibc bound: nothing newer than asked */
	assert_int_equal(lock_target_make(&ip, "3.10.4", "aarch64-manylinux_2_17", &t), 0);
	assert_string_equal(t.tags.v[0], "cp310-cp310-manylinux_2_17_aarch64");
	assert_true(index_of(&t.tags, "cp310-cp310-manylinux2014_aarch64") > 0);
	assert_int_equal(index_of(&t.tags, "cp310-cp310-manylinux_2_28_aarch64"), -1);
	assert_string_equal(t.marker, "python_full_version == '3.10.4' and sys_platform == "
				      "'linux' and platform_machine == 'aarch64'");
	lock_target_free(&t);
	assert_int_equal(lock_target_make(&ip, NULL, "x86_64-unknown-linux-musl", &t), 0);
	assert_string_equal(t.tags.v[0], "cp312-cp312-musllinux_1_2_x86_64");
	lock_target_free(&t);
	interp_free(&ip);
}

static void test_target_refusals(void **state)
{
	(void)state;
	static const char *const bad_versions[] = { "3", "three", "3.x", "3.8.", "3.8.1.2", "1.0", "" };
	static const char *const bad_platforms[] = { "beos", "x86_64-manylinux_2_5",
						     "x86_64-manylinux_2_99", "sparc-manylinux_2_28",
						     "x86_64-manylinux_2_28x", "Linux" };
	for (size_t i = 0; i < ARRAY_SIZE(bad_versions); i++)
		assert_int_equal(lock_target_check(bad_versions[i], NULL), -1);
	for (size_t i = 0; i < ARRAY_SIZE(bad_platforms); i++)
		assert_int_equal(lock_target_check(NULL, bad_platforms[i]), -1);
	assert_non_null(strstr(unit_errors.ptr, "'beos' is not known"));
	assert_int_equal(lock_target_check("3.13", "x86_64-manylinux_2_40"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_graph_markers),
		cmocka_unit_test(test_graph_or),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_target_windows38),
		cmocka_unit_test(test_target_platforms),
		cmocka_unit_test_setup_teardown(test_target_refusals, capture_errors_setup,
						capture_errors_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
