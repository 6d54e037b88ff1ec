/* Unit tests for core/index/zipdir (METADATA from byte ranges of a remote
 * wheel) and core/index/httpcache (the HTTP cache's entry format). The zip
 * files are written by libzip, as a wheel builder would. */
#include "unit.h"

#include <zip.h>

#include "core/index/httpcache.h"
#include "core/index/zipdir.h"

static const char metadata[] = "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
			       "Requires-Dist: six\n\nA long description. A long description.\n";

/* A wheel with METADATA (compressed or stored) and a padding member, read back. */
static void make_zip(struct buf *out, bool compress, const char *meta_name, size_t pad)
{
	char dir[] = "/tmp/cvenv-zipdir-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = path_join(dir, "demo-1.0-py3-none-any.whl");
	int err;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(z);
	char *padding = xmalloc(pad + 1);
	for (size_t i = 0; i < pad; i++)
		padding[i] = (char)('a' + (i * 7919) % 26);
	zip_source_t *s = zip_source_buffer(z, padding, pad, 0);
	zip_int64_t i = zip_file_add(z, "demo/big.py", s, 0);
	assert_true(i >= 0);
	zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_STORE, 0);
	s = zip_source_buffer(z, metadata, sizeof(metadata) - 1, 0);
	i = zip_file_add(z, meta_name, s, 0);
	assert_true(i >= 0);
	zip_set_file_compression(z, (zip_uint64_t)i, compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
	s = zip_source_buffer(z, "x", 1, 0);
	assert_true(zip_file_add(z, "demo-1.0.dist-info/RECORD", s, 0) >= 0);
	assert_int_equal(zip_close(z), 0);
	free(padding);
	assert_int_equal(os_read_file(path, 1u << 26, out), 0);
	os_unlink(path);
	os_rmdir(dir);
	free(path);
}

/* What the client does: tail, directory, member range, extract. */
static int read_remote(const struct buf *file, struct buf *out, struct buf *why)
{
	const unsigned char *f = (const unsigned char *)file->ptr;
	size_t tail = file->len < ZIPDIR_TAIL ? file->len : ZIPDIR_TAIL;
	struct zipdir_member m = { 0 };
	if (zipdir_find_cd(f + file->len - tail, tail, file->len, &m, why) < 0)
		return -1;
	if (zipdir_find_metadata(f + m.cd_offset, (size_t)m.cd_size, &m, why) < 0)
		return -1;
	uint64_t start, end;
	zipdir_member_range(&m, &start, &end);
	assert_true(end <= file->len);
	return zipdir_extract(f + start, (size_t)(end - start), &m, out, why);
}

static void test_zip_metadata(void **state)
{
	(void)state;
	for (int compress = 0; compress < 2; compress++) {
		for (size_t pad = 10; pad < 300000; pad *= 50) {
			struct buf file = BUF_INIT, out = BUF_INIT, why = BUF_INIT;
			make_zip(&file, compress, "demo-1.0.dist-info/METADATA", pad);
			if (read_remote(&file, &out, &why) < 0)
				fail_msg("compress %d pad %zu: %s", compress, pad, why.ptr);
			assert_string_equal(out.ptr, metadata);
			buf_free(&file);
			buf_free(&out);
			buf_free(&why);
		}
	}
}

static void test_zip_attacks(void **state)
{
	(void)state;
	struct buf file = BUF_INIT, out = BUF_INIT, why = BUF_INIT;
	make_zip(&file, true, "demo-1.0.dist-info/METADATA", 100);
	/* a flipped data byte: CRC or inflate error, never wrong text */
	struct buf bad = BUF_INIT;
	buf_add(&bad, file.ptr, file.len);
	/* the second local header is METADATA's */
	char *hit = NULL;
	for (size_t i = 0, seen = 0; i + 4 <= bad.len && !hit; i++)
		if (!memcmp(bad.ptr + i, "PK\x03\x04", 4) && ++seen == 2)
			hit = bad.ptr + i;
	assert_non_null(hit);
	hit[30 + 27 + 5] ^= 0x55; /* inside METADATA's deflated data */
	assert_int_equal(read_remote(&bad, &out, &why), -1);
	assert_int_equal(out.len, 0);
	/* a truncated file: no end record */
	buf_reset(&why);
	buf_setlen(&bad, 0);
	buf_add(&bad, file.ptr, file.len - 10);
	assert_int_equal(read_remote(&bad, &out, &why), -1);
	assert_string_equal(why.ptr, "no end of central directory record");
	buf_free(&bad);
	buf_free(&file);
	/* METADATA not at the top level */
	buf_reset(&why);
	make_zip(&file, false, "x/demo-1.0.dist-info/METADATA", 10);
	assert_int_equal(read_remote(&file, &out, &why), -1);
	assert_string_equal(why.ptr, "no .dist-info/METADATA in the central directory");
	buf_free(&file);
	buf_free(&out);
	buf_free(&why);
}

static void test_cache_entry(void **state)
{
	(void)state;
	struct httpcache_entry e = { .url = "https://i/simple/x/", .etag = "\"abc\"",
				     .content_type = "text/html", .stored = 1700000000,
				     .max_age = 600 };
	struct buf text = BUF_INIT, why = BUF_INIT;
	assert_int_equal(httpcache_format(&text, &e, "<html>\n\nbody", 12), 0);
	struct httpcache_entry r;
	assert_int_equal(httpcache_parse(text.ptr, text.len, &r, &why), 0);
	assert_string_equal(r.url, "https://i/simple/x/");
	assert_string_equal(r.etag, "\"abc\"");
	assert_null(r.last_modified);
	assert_int_equal(r.stored, 1700000000);
	assert_int_equal(r.max_age, 600);
	assert_int_equal(r.body_len, 12);
	assert_memory_equal(r.body, "<html>\n\nbody", 12);
	assert_true(httpcache_fresh(&r, 1700000599));
	assert_false(httpcache_fresh(&r, 1700000600));
	assert_false(httpcache_fresh(&r, 1699999999));
	httpcache_entry_release(&r);
	/* a changed body byte, a cut body, a bad magic */
	text.ptr[text.len - 1] ^= 1;
	assert_int_equal(httpcache_parse(text.ptr, text.len, &r, &why), -1);
	assert_string_equal(why.ptr, "the body's sha256 differs from the recorded one");
	buf_reset(&why);
	assert_int_equal(httpcache_parse(text.ptr, text.len - 1, &r, &why), -1);
	assert_string_equal(why.ptr, "the body's size differs from the recorded one");
	buf_reset(&why);
	assert_int_equal(httpcache_parse("cvenv-http-cache-v2\n", 20, &r, &why), -1);
	/* a negative entry (the server said 404) keeps its status; others are refused */
	struct httpcache_entry gone = { .url = "https://i/simple/y/", .etag = "\"n\"",
					.stored = 1700000000, .status = 404 };
	buf_reset(&text);
	assert_int_equal(httpcache_format(&text, &gone, "", 0), 0);
	assert_int_equal(httpcache_parse(text.ptr, text.len, &r, &why), 0);
	assert_int_equal(r.status, 404);
	assert_string_equal(r.etag, "\"n\"");
	assert_int_equal(r.body_len, 0);
	httpcache_entry_release(&r);
	char *p = strstr(text.ptr, "status 404");
	assert_non_null(p);
	memcpy(p, "status 200", 10);
	assert_int_equal(httpcache_parse(text.ptr, text.len, &r, &why), -1);
	buf_free(&text);
	buf_free(&why);
}

static void test_cache_control(void **state)
{
	(void)state;
	assert_int_equal(httpcache_max_age(NULL), 0);
	assert_int_equal(httpcache_max_age("max-age=600, public"), 600);
	assert_int_equal(httpcache_max_age("public,MAX-AGE=30"), 30);
	assert_int_equal(httpcache_max_age("max-age=600, no-store"), -1);
	assert_int_equal(httpcache_max_age("no-cache, max-age=5"), 0);
	assert_int_equal(httpcache_max_age("max-age=x"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zip_metadata),
		cmocka_unit_test(test_zip_attacks),
		cmocka_unit_test(test_cache_entry),
		cmocka_unit_test(test_cache_control),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
