/* Unit tests for os/linkbatch: every way (plain loop, threads, io_uring)
 * makes every link of a batch, and a failure is the first failing request
 * in the batch's order with its errno, wherever in the batch it is. */
#include "unit.h"

#include <sys/stat.h>
#include <time.h>

#include "os/linkbatch.h"
#include "os/sidework.h"

#define DIRS 12
#define PER_DIR 40

/* src/dN/fK for every N, K, and dst/dN made (empty); the batch holds
 * src/dN/fK -> dst/dN/fK in that order, the even directories added under
 * a base per directory (names "fK"), the odd ones under the base top
 * (names "src/dN/fK" and "dst/dN/fK"). */
static char *make_batch(struct os_linkbatch *b)
{
	char *top = unit_scratch_dir("linkbatch-");
	struct buf s = BUF_INIT, d = BUF_INIT;
	for (int n = 0; n < DIRS; n++) {
		buf_reset(&s);
		buf_addf(&s, "%s/src/d%d", top, n);
		buf_reset(&d);
		buf_addf(&d, "%s/dst/d%d", top, n);
		assert_int_equal(os_mkdir_p(s.ptr, 0755), 0);
		assert_int_equal(os_mkdir_p(d.ptr, 0755), 0);
		if (n % 2 == 0)
			os_linkbatch_base(b, s.ptr, d.ptr);
		else
			os_linkbatch_base(b, top, top);
		size_t sn = s.len, dn = d.len, base = n % 2 ? strlen(top) + 1 : sn + 1;
		for (int k = 0; k < PER_DIR; k++) {
			buf_setlen(&s, sn);
			buf_setlen(&d, dn);
			buf_addf(&s, "/f%d", k);
			buf_addf(&d, "/f%d", k);
			assert_int_equal(os_write_new(s.ptr, "x", 1, 0644), 0);
			os_linkbatch_add(b, s.ptr + base, d.ptr + base, 0644, (size_t)n);
		}
	}
	buf_free(&s);
	buf_free(&d);
	return top;
}

/* Request i's whole destination (a buffer per call site's need). */
static const char *dst_of(const struct os_linkbatch *b, size_t i)
{
	static struct buf p = BUF_INIT;
	return os_linkbatch_path(b, i, true, &p);
}

static void check_all_made(const struct os_linkbatch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct stat st;
		assert_int_equal(lstat(dst_of(b, i), &st), 0);
		assert_int_equal(st.st_nlink, 2);
	}
}

static const int ways[][2] = { { 1, 0 }, { 2, 0 }, { 8, 0 }, { 1, 1 }, { 2, 1 } };

static void test_every_way_links_all(void **state)
{
	(void)state;
	for (size_t w = 0; w < sizeof(ways) / sizeof(*ways); w++) {
		struct os_linkbatch b = OS_LINKBATCH_INIT;
		char *top = make_batch(&b);
		enum os_link_mode how = OS_LINK_HARDLINK;
		size_t failed = 99999;
		os_linkbatch_configure(ways[w][0], ways[w][1]);
		assert_int_equal(os_linkbatch_run(&b, &how, &failed), 0);
		assert_int_equal(failed, 99999);
		check_all_made(&b);
		assert_int_equal(b.v[DIRS * PER_DIR - 1].tag, DIRS - 1);
		os_linkbatch_clear(&b);
		os_rm_rf(top);
		free(top);
	}
	os_linkbatch_configure(0, -1);
}

/* Unset, a batch runs in two threads once it is big enough to pay for one,
 * and only where two CPUs are the process's. */
static void test_default_policy(void **state)
{
	(void)state;
	assert_int_equal(os_linkbatch_default_threads(0, 2), 1);
	assert_int_equal(os_linkbatch_default_threads(OS_LINKBATCH_MIN, 2), 1);
	assert_int_equal(os_linkbatch_default_threads(OS_LINKBATCH_MIN + 1, 2), 2);
	assert_int_equal(os_linkbatch_default_threads(100000, 64), 2);
	assert_int_equal(os_linkbatch_default_threads(100000, 1), 1);
	assert_int_equal(os_linkbatch_default_threads(100000, 0), 1);
}

/* AUTO narrows to what the first link used (hard links here: no reflinks
 * on the test's file system, or a reflink: then AUTO stays). */
static void test_auto_narrows(void **state)
{
	(void)state;
	struct os_linkbatch b = OS_LINKBATCH_INIT;
	char *top = make_batch(&b);
	enum os_link_mode how = OS_LINK_AUTO;
	size_t failed;
	assert_int_equal(os_linkbatch_run(&b, &how, &failed), 0);
	assert_true(how == OS_LINK_HARDLINK || how == OS_LINK_AUTO);
	os_linkbatch_clear(&b);
	os_rm_rf(top);
	free(top);
}

/* A file already at a destination in the last directory (the second
 * thread's half) or the first: the run fails naming that request. */
static void test_failure_is_named(void **state)
{
	(void)state;
	size_t at[] = { DIRS * PER_DIR - 3, 5, 0 };
	for (size_t w = 0; w < sizeof(ways) / sizeof(*ways); w++)
		for (size_t a = 0; a < sizeof(at) / sizeof(*at); a++) {
			struct os_linkbatch b = OS_LINKBATCH_INIT;
			char *top = make_batch(&b);
			enum os_link_mode how = OS_LINK_HARDLINK;
			size_t failed = 99999;
			assert_int_equal(os_write_new(dst_of(&b, at[a]), "y", 1, 0644), 0);
			os_linkbatch_configure(ways[w][0], ways[w][1]);
			errno = 0;
			assert_int_equal(os_linkbatch_run(&b, &how, &failed), -1);
			assert_int_equal(errno, EEXIST);
			assert_int_equal(failed, at[a]);
			assert_int_equal(b.v[at[a]].err, EEXIST);
			os_linkbatch_clear(&b);
			os_rm_rf(top);
			free(top);
		}
	os_linkbatch_configure(0, -1);
}

/* A missing source: ENOENT, named. */
static void test_missing_source(void **state)
{
	(void)state;
	for (size_t w = 0; w < sizeof(ways) / sizeof(*ways); w++) {
		struct os_linkbatch b = OS_LINKBATCH_INIT;
		char *top = make_batch(&b);
		enum os_link_mode how = OS_LINK_HARDLINK;
		size_t failed = 0;
		struct buf src = BUF_INIT;
		assert_int_equal(os_unlink(os_linkbatch_path(&b, 300, false, &src)), 0);
		buf_free(&src);
		os_linkbatch_configure(ways[w][0], ways[w][1]);
		assert_int_equal(os_linkbatch_run(&b, &how, &failed), -1);
		assert_int_equal(errno, ENOENT);
		assert_int_equal(failed, 300);
		os_linkbatch_clear(&b);
		os_rm_rf(top);
		free(top);
	}
	os_linkbatch_configure(0, -1);
}

static void test_empty(void **state)
{
	(void)state;
	struct os_linkbatch b = OS_LINKBATCH_INIT;
	enum os_link_mode how = OS_LINK_AUTO;
	size_t failed = 7;
	assert_int_equal(os_linkbatch_run(&b, &how, &failed), 0);
	assert_int_equal(failed, 7);
	os_linkbatch_clear(&b);
}

/* Room reserved for the requests to come: adding them moves neither the
 * names nor the requests, and each reads back as added. */
static void test_reserve(void **state)
{
	(void)state;
	struct os_linkbatch b = OS_LINKBATCH_INIT;
	struct buf p = BUF_INIT;
	os_linkbatch_add(&b, "first-src", "first-dst", 0644, 0);
	os_linkbatch_reserve(&b, 500, 500 * 2 * 24);
	const char *names = b.names.ptr;
	const struct os_linkreq *v = b.v;
	for (size_t i = 1; i <= 500; i++) {
		char src[24], dst[24];
		snprintf(src, sizeof(src), "src/%zu", i);
		snprintf(dst, sizeof(dst), "dst/%zu", i);
		os_linkbatch_add(&b, src, dst, 0644, i);
	}
	assert_ptr_equal(b.names.ptr, names);
	assert_ptr_equal(b.v, v);
	assert_int_equal(b.n, 501);
	assert_string_equal(os_linkbatch_path(&b, 0, false, &p), "first-src");
	assert_string_equal(os_linkbatch_path(&b, 500, true, &p), "dst/500");
	assert_int_equal(b.v[500].tag, 500);
	os_linkbatch_reserve(&b, 0, 0); /* nothing more: nothing changes */
	assert_ptr_equal(b.names.ptr, names);
	os_linkbatch_clear(&b);
	buf_free(&p);
}

/* Under a base, a request keeps its two names as added, the base's
 * directories are kept once however many requests share them (a warm
 * install's batch held every whole path: a page fault per 4 KiB of it,
 * issue 18), and the whole paths read back as the directory, '/', name. */
static void test_names_under_base(void **state)
{
	(void)state;
	struct os_linkbatch b = OS_LINKBATCH_INIT;
	struct buf p = BUF_INIT;
	const char *entry = "/cache/wheels-v2/0123456789abcdef0123456789abcdef/files";
	const char *stage = "/env/.cvenv/stage-XXXXXX/new";
	size_t names = 0;
	for (size_t w = 0; w < 3; w++) {
		os_linkbatch_base(&b, entry, stage);
		for (size_t i = 0; i < 100; i++) {
			char m[32], rel[64];
			snprintf(m, sizeof(m), "pkg/m%zu.py", i);
			snprintf(rel, sizeof(rel), "lib/site-packages/pkg/m%zu.py", i);
			os_linkbatch_add(&b, m, rel, 0644, w);
			names += strlen(m) + strlen(rel) + 2;
		}
	}
	assert_int_equal(b.names.len, names);
	assert_int_equal(b.dirs.len, strlen(entry) + strlen(stage) + 2);
	assert_int_equal(b.nbases, 1);
	assert_string_equal(os_linkbatch_name(&b, 250, false), "pkg/m50.py");
	assert_string_equal(os_linkbatch_name(&b, 250, true), "lib/site-packages/pkg/m50.py");
	assert_string_equal(os_linkbatch_path(&b, 250, false, &p),
			    "/cache/wheels-v2/0123456789abcdef0123456789abcdef/files/pkg/m50.py");
	assert_string_equal(os_linkbatch_path(&b, 250, true, &p),
			    "/env/.cvenv/stage-XXXXXX/new/lib/site-packages/pkg/m50.py");
	/* another entry, the same stage: one more directory kept */
	os_linkbatch_base(&b, "/other", stage);
	os_linkbatch_add(&b, "x", "y", 0644, 3);
	assert_int_equal(b.nbases, 2);
	assert_int_equal(b.dirs.len, strlen(entry) + strlen(stage) + 2 + strlen("/other") + 1);
	assert_string_equal(os_linkbatch_path(&b, 300, false, &p), "/other/x");
	assert_string_equal(os_linkbatch_path(&b, 300, true, &p), "/env/.cvenv/stage-XXXXXX/new/y");
	assert_string_equal(os_linkbatch_path(&b, 0, false, &p),
			    "/cache/wheels-v2/0123456789abcdef0123456789abcdef/files/pkg/m0.py");
	os_linkbatch_clear(&b);
	buf_free(&p);
}

/* ---- linking ahead ---- */

/* src/dN/fK and dst/dN for every N, K, nothing added yet. */
static char *make_tree(void)
{
	char *top = unit_scratch_dir("linkahead-");
	struct buf p = BUF_INIT;
	for (int n = 0; n < DIRS; n++) {
		buf_reset(&p);
		buf_addf(&p, "%s/dst/d%d", top, n);
		assert_int_equal(os_mkdir_p(p.ptr, 0755), 0);
		buf_reset(&p);
		buf_addf(&p, "%s/src/d%d", top, n);
		assert_int_equal(os_mkdir_p(p.ptr, 0755), 0);
		size_t len = p.len;
		for (int k = 0; k < PER_DIR; k++) {
			buf_setlen(&p, len);
			buf_addf(&p, "/f%d", k);
			assert_int_equal(os_write_new(p.ptr, "x", 1, 0644), 0);
		}
	}
	buf_free(&p);
	return top;
}

static void drop_tree(struct os_linkbatch *b, char *top)
{
	os_linkbatch_clear(b);
	os_rm_rf(top);
	free(top);
}

/* Adds directory n's requests under a base of its own. */
static void add_dir(struct os_linkbatch *b, const char *top, int n)
{
	struct buf s = BUF_INIT, d = BUF_INIT, name = BUF_INIT;
	buf_addf(&s, "%s/src/d%d", top, n);
	buf_addf(&d, "%s/dst/d%d", top, n);
	os_linkbatch_base(b, s.ptr, d.ptr);
	for (int k = 0; k < PER_DIR; k++) {
		buf_reset(&name);
		buf_addf(&name, "f%d", k);
		os_linkbatch_add(b, name.ptr, name.ptr, 0644, (size_t)n);
	}
	buf_free(&s);
	buf_free(&d);
	buf_free(&name);
}

/* The way unset (a thread ahead allowed), and room for every request and
 * base of the tree, so that nothing the thread ahead reads moves. */
static void reserve_tree(struct os_linkbatch *b, const char *top)
{
	os_linkbatch_configure(0, -1);
	os_linkbatch_reserve(b, DIRS * PER_DIR, DIRS * PER_DIR * 8);
	os_linkbatch_reserve_bases(b, DIRS, 2 * DIRS * (strlen(top) + 16));
}

/* Waits (at most a minute, whatever the machine's speed) until path exists. */
static bool appears(const char *path)
{
	struct stat st;
	for (int i = 0; i < 60000; i++) {
		if (lstat(path, &st) == 0)
			return true;
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
	return false;
}

/* The thread ahead links what was published while its caller goes on:
 * directory 0's last link appears before the caller adds directory 1,
 * and the run then makes the rest. */
static void test_ahead_links_while_staging(void **state)
{
	(void)state;
	if (os_cpus() < 2)
		skip();
	struct os_linkbatch b = OS_LINKBATCH_INIT;
	char *top = make_tree();
	reserve_tree(&b, top);
	add_dir(&b, top, 0);
	enum os_link_mode how = OS_LINK_HARDLINK;
	assert_true(os_linkbatch_ahead(&b, &how));
	assert_non_null(b.ahead);
	assert_true(appears(dst_of(&b, PER_DIR - 1)));
	for (int n = 1; n < DIRS; n++) {
		add_dir(&b, top, n);
		os_linkbatch_publish(&b);
		assert_non_null(b.ahead); /* reserved: nothing moved, never stopped */
	}
	size_t failed;
	assert_int_equal(os_linkbatch_run(&b, &how, &failed), 0);
	assert_null(b.ahead);
	check_all_made(&b);
	drop_tree(&b, top);
}

/* Adding past what was reserved stops the thread ahead first (the requests
 * move); the run makes the rest. */
static void test_ahead_settles_on_growth(void **state)
{
	(void)state;
	if (os_cpus() < 2)
		skip();
	struct os_linkbatch b = OS_LINKBATCH_INIT;
	char *top = make_tree();
	os_linkbatch_configure(0, -1);
	add_dir(&b, top, 0);
	enum os_link_mode how = OS_LINK_HARDLINK;
	assert_true(os_linkbatch_ahead(&b, &how));
	for (int n = 1; n < DIRS; n++)
		add_dir(&b, top, n);
	assert_null(b.ahead); /* 64 requests were room for fewer than two directories */
	assert_true(b.done >= 1 && b.done <= (size_t)(2 * PER_DIR));
	size_t failed;
	assert_int_equal(os_linkbatch_run(&b, &how, &failed), 0);
	check_all_made(&b);
	drop_tree(&b, top);
}

/* A failure the thread ahead meets (or the run, had it not got there) is
 * named as any: the first failing request in order, with its errno. */
static void test_ahead_failure_named(void **state)
{
	(void)state;
	if (os_cpus() < 2)
		skip();
	for (int wait = 0; wait < 2; wait++) {
		struct os_linkbatch b = OS_LINKBATCH_INIT;
		char *top = make_tree();
		reserve_tree(&b, top);
		for (int n = 0; n < DIRS; n++)
			add_dir(&b, top, n);
		size_t at = 3 * PER_DIR + 7;
		assert_int_equal(os_write_new(dst_of(&b, at), "y", 1, 0644), 0);
		enum os_link_mode how = OS_LINK_HARDLINK;
		assert_true(os_linkbatch_ahead(&b, &how));
		if (wait) /* the thread has met the failure: the request before it is made */
			assert_true(appears(dst_of(&b, at - 1)));
		size_t failed = 99999;
		errno = 0;
		assert_int_equal(os_linkbatch_run(&b, &how, &failed), -1);
		assert_int_equal(errno, EEXIST);
		assert_int_equal(failed, at);
		drop_tree(&b, top);
	}
}

/* A batch cleared with its thread ahead still running (a staging that
 * failed): the thread is stopped and joined, nothing leaks. */
static void test_ahead_cleared(void **state)
{
	(void)state;
	if (os_cpus() < 2)
		skip();
	struct os_linkbatch b = OS_LINKBATCH_INIT;
	char *top = make_tree();
	reserve_tree(&b, top);
	for (int n = 0; n < DIRS; n++)
		add_dir(&b, top, n);
	enum os_link_mode how = OS_LINK_HARDLINK;
	assert_true(os_linkbatch_ahead(&b, &how));
	os_linkbatch_clear(&b);
	assert_null(b.ahead);
	assert_int_equal(b.n, 0);
	os_rm_rf(top);
	free(top);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_way_links_all),
		cmocka_unit_test(test_default_policy),
		cmocka_unit_test(test_auto_narrows),
		cmocka_unit_test(test_failure_is_named),
		cmocka_unit_test(test_missing_source),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_names_under_base),
		cmocka_unit_test(test_ahead_links_while_staging),
		cmocka_unit_test(test_ahead_settles_on_growth),
		cmocka_unit_test(test_ahead_failure_named),
		cmocka_unit_test(test_ahead_cleared),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
