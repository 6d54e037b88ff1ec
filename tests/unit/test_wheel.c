/* Unit tests for core/wheel: file names (build tags, compressed tag sets, bad
 * names), member name safety, header parsing and name normalisation. */
#include "unit.h"

#include <zip.h>

#include "core/pkg/wheel.h"
#include "core/std/metadata.h"
#include "os/fs.h"
#include "os/readhead.h"
#include "util/buf.h"
#include "util/error.h"

/* Error messages go to `unit_errors` during each test (see unit.h). */
#define setup capture_errors_setup
#define teardown capture_errors_teardown

static const struct {
	const char *file;
	const char *name, *version, *build, *tags; /* name NULL: rejected */
} name_cases[] = {
	{ "pip-23.2.1-py3-none-any.whl", "pip", "23.2.1", NULL, "py3-none-any" },
	{ "/a/b/six-1.16.0-py2.py3-none-any.whl", "six", "1.16.0", NULL, "py2.py3-none-any" },
	{ "foo_bar-1.0-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "foo_bar",
	  "1.0", "1", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64" },
	{ "x-2.0-12abc-py3-none-any.whl", "x", "2.0", "12abc", "py3-none-any" },
	{ "numpy-1.26.0-cp39-abi3-linux_x86_64.whl", "numpy", "1.26.0", NULL,
	  "cp39-abi3-linux_x86_64" },
	{ "Pkg-1.0+local.1-py3-none-any.whl", "Pkg", "1.0+local.1", NULL, "py3-none-any" },
	{ "pkg-1.0-py3-none-any.zip", NULL, NULL, NULL, NULL },
	{ "pkg-1.0-none-any.whl", NULL, NULL, NULL, NULL },
	{ "pkg-1.0-x-y-py3-none-any.whl", NULL, NULL, NULL, NULL },
	{ "pkg-1.0-abc-py3-none-any.whl", NULL, NULL, NULL, NULL }, /* build must start with digit */
	{ "pkg-1.0-py3..py2-none-any.whl", NULL, NULL, NULL, NULL },
	{ "pkg-1.0-py3-none-.whl", NULL, NULL, NULL, NULL },
	{ "-1.0-py3-none-any.whl", NULL, NULL, NULL, NULL },
	{ ".whl", NULL, NULL, NULL, NULL },
	{ "pk g-1.0-py3-none-any.whl", NULL, NULL, NULL, NULL },
};

static void test_names(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(name_cases); i++) {
		struct wheel_name wn;
		int r = wheel_name_parse(name_cases[i].file, &wn);
		if (!name_cases[i].name) {
			if (r == 0)
				fail_msg("accepted %s", name_cases[i].file);
			continue;
		}
		if (r < 0)
			fail_msg("rejected %s", name_cases[i].file);
		assert_string_equal(wn.name, name_cases[i].name);
		assert_string_equal(wn.version, name_cases[i].version);
		if (name_cases[i].build)
			assert_string_equal(wn.build, name_cases[i].build);
		else
			assert_null(wn.build);
		struct buf t = BUF_INIT;
		wheel_name_tags(&wn, &t);
		assert_string_equal(t.ptr, name_cases[i].tags);
		buf_free(&t);
		wheel_name_free(&wn);
	}
}

static void test_expanded_sets(void **state)
{
	struct wheel_name wn;
	assert_int_equal(wheel_name_parse("a-1-py2.py3-none-any.whl", &wn), 0);
	assert_int_equal(wn.pythons.n, 2);
	assert_string_equal(wn.pythons.v[1], "py3");
	assert_int_equal(wn.abis.n, 1);
	wheel_name_free(&wn);
}

static void test_member_safety(void **state)
{
	static const char *const ok[] = { "a", "a/b.py", "a.dist-info/RECORD", "..a", "a..", ".x" };
	static const char *const bad[] = { "", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b",
					   "a\\b", "..", ".", "a/..", "a\nb", "a/" };
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (!wheel_member_name_safe(ok[i]))
			fail_msg("refused '%s'", ok[i]);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (wheel_member_name_safe(bad[i]))
			fail_msg("accepted '%s'", bad[i]);
}

static void test_canonical(void **state)
{
	static const char *const cases[][2] = {
		{ "Foo_Bar", "foo-bar" }, { "foo.-_bar", "foo-bar" }, { "PIP", "pip" },
		{ "a__b", "a-b" }, { "zope.interface", "zope-interface" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *c = name_canonicalize_n(cases[i][0], strlen(cases[i][0]));
		assert_string_equal(c, cases[i][1]);
		free(c);
	}
	char *e = name_distinfo_escape("Foo.Bar-baz");
	assert_string_equal(e, "foo_bar_baz");
	free(e);
}

static int collect(const char *k, const char *v, void *data)
{
	buf_addf(data, "[%s=%s]", k, v);
	return 0;
}

static void test_headers(void **state)
{
	const char text[] = "Wheel-Version: 1.0\r\nRoot-Is-Purelib:true\nTag: py3-none-any\n"
			    "Description: a\n  b\n\nBody: not a header\n";
	struct buf out = BUF_INIT;
	assert_int_equal(parse_headers(text, sizeof(text) - 1, collect, &out), 0);
	assert_string_equal(out.ptr, "[Wheel-Version=1.0][Root-Is-Purelib=true][Tag=py3-none-any]"
				     "[Description=a\n  b]");
	buf_free(&out);
}

/* 100000 letters into data and a new file at path. */
static void letters_file(const char *path, struct buf *data)
{
	for (int i = 0; i < 100000; i++)
		buf_addch(data, (char)('a' + i % 26));
	assert_int_equal(os_write_new(path, data->ptr, data->len, 0644), 0);
}

/* os_read_whole, which wheel_open reads a wheel with: the whole file after
 * what out held, or EFBIG and out as it was. */
static void test_read_whole(void **state)
{
	char *dir = unit_scratch_dir("readwhole");
	char *path = path_join(dir, "f");
	struct buf data = BUF_INIT, out = BUF_INIT;
	letters_file(path, &data);
	buf_addstr(&out, "x");
	assert_int_equal(os_read_whole(path, data.len - 1, &out), -1);
	assert_int_equal(errno, EFBIG);
	assert_string_equal(out.ptr, "x");
	assert_int_equal(os_read_whole(path, data.len, &out), 0);
	assert_int_equal(out.len, data.len + 1);
	assert_memory_equal(out.ptr + 1, data.ptr, data.len);
	struct wheel w;
	assert_int_equal(wheel_open(path, &w), -1); /* not a wheel's name */
	char *missing = path_join(dir, "p-1.0-py3-none-any.whl");
	buf_reset(&unit_errors);
	assert_int_equal(wheel_open(missing, &w), -1);
	assert_non_null(strstr(unit_errors.ptr, "No such file"));
	assert_int_equal(os_rm_rf(dir), 0);
	free(missing);
	buf_free(&data);
	buf_free(&out);
	free(path);
	free(dir);
}

/* os_ranges, which the index client reads a downloaded wheel's tail,
 * central directory and METADATA with: exactly the bytes asked for,
 * appended; a range past the end (as fstat saw it) fails with EIO and
 * appends nothing; a directory is refused. */
static void test_ranges(void **state)
{
	char *dir = unit_scratch_dir("ranges");
	char *path = path_join(dir, "f");
	struct buf data = BUF_INIT, out = BUF_INIT;
	letters_file(path, &data);
	struct os_ranges f;
	assert_int_equal(os_ranges_open(path, &f), 0);
	assert_int_equal(f.size, data.len);
	buf_addstr(&out, "x");
	assert_int_equal(os_ranges_read(&f, 70000, 30000, &out), 0);
	assert_int_equal(out.len, 30001);
	assert_memory_equal(out.ptr + 1, data.ptr + 70000, 30000);
	assert_int_equal(os_ranges_read(&f, 0, 0, &out), 0);
	assert_int_equal(out.len, 30001);
	assert_int_equal(os_ranges_read(&f, 70000, 30001, &out), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(os_ranges_read(&f, UINT64_MAX, 2, &out), -1);
	assert_int_equal(out.len, 30001);
	os_ranges_close(&f);
	os_ranges_close(&f); /* twice: nothing */
	assert_int_equal(os_ranges_open(dir, &f), -1);
	assert_int_equal(f.fd, -1);
	assert_int_equal(os_rm_rf(dir), 0);
	buf_free(&data);
	buf_free(&out);
	free(path);
	free(dir);
}

/* A wheel of project name at path, whose module holds text (libzip, as a
 * wheel builder writes one); written beside and renamed into place, so a
 * rewrite is a new file. */
static void write_wheel(const char *path, const char *name, const char *text)
{
	char *tmp = xstrfmt("%s.tmp", path);
	int err;
	zip_t *z = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(z);
	char *members[4][2] = {
		{ xstrfmt("%s/m.py", name), xstrdup(text) },
		{ xstrfmt("%s-1.0.dist-info/WHEEL", name), xstrdup("Wheel-Version: 1.0\n") },
		{ xstrfmt("%s-1.0.dist-info/METADATA", name),
		  xstrfmt("Metadata-Version: 2.1\nName: %s\nVersion: 1.0\n", name) },
		{ xstrfmt("%s-1.0.dist-info/RECORD", name),
		  xstrfmt("%s/m.py,,\n%s-1.0.dist-info/RECORD,,\n", name, name) },
	};
	for (size_t i = 0; i < 4; i++) {
		zip_source_t *src = zip_source_buffer(z, members[i][1], strlen(members[i][1]), 0);
		assert_true(zip_file_add(z, members[i][0], src, 0) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	for (size_t i = 0; i < 4; i++) {
		free(members[i][0]);
		free(members[i][1]);
	}
	assert_int_equal(os_rename(tmp, path), 0);
	free(tmp);
}

/* Open wheels share one image of this process (wheel.c's window): members
 * of two wheels read in turn each come from their own file, and a file
 * replaced after its wheel was opened is refused when read again, not read
 * as another wheel's bytes under the first one's RECORD. */
static void test_shared_image(void **state)
{
	char *dir = unit_scratch_dir("image");
	char *p = path_join(dir, "p-1.0-py3-none-any.whl");
	char *q = path_join(dir, "q-1.0-py3-none-any.whl");
	write_wheel(p, "p", "P = 1\n");
	write_wheel(q, "q", "Q = 2\n");
	struct wheel wp, wq;
	assert_int_equal(wheel_open(p, &wp), 0);
	assert_int_equal(wheel_open(q, &wq), 0);
	struct buf out = BUF_INIT;
	for (int round = 0; round < 2; round++) {
		buf_reset(&out);
		assert_int_equal(wheel_read_member(&wp, "p/m.py", 100, &out), 0);
		assert_string_equal(out.ptr, "P = 1\n");
		buf_reset(&out);
		assert_int_equal(wheel_read_member(&wq, "q/m.py", 100, &out), 0);
		assert_string_equal(out.ptr, "Q = 2\n");
	}
	assert_string_equal(wp.meta_name, "p");
	write_wheel(p, "p", "P = 3\n");
	buf_reset(&out);
	buf_reset(&unit_errors);
	assert_int_equal(wheel_read_member(&wp, "p/m.py", 100, &out), -1);
	assert_non_null(strstr(unit_errors.ptr, "cannot read 'p/m.py' in wheel"));
	assert_non_null(strstr(unit_errors.ptr, strerror(ESTALE)));
	buf_reset(&out);
	assert_int_equal(wheel_read_member(&wq, "q/m.py", 100, &out), 0);
	assert_string_equal(out.ptr, "Q = 2\n");
	wheel_close(&wp);
	wheel_close(&wq);
	assert_int_equal(os_rm_rf(dir), 0);
	buf_free(&out);
	free(p);
	free(q);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_expanded_sets),
		cmocka_unit_test(test_member_safety),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_read_whole),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_shared_image),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
