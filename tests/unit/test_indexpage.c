/* Unit tests for core/index/page: PEP 503 HTML and PEP 691 JSON pages,
 * find-links pages, Content-Type and repository versions. */
#include "unit.h"

#include "core/index/page.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define U64 "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"

static const char html_page[] =
	"<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.1\">"
	"<title>Links for foo</title></head><body><h1>Links for foo</h1>\n"
	"<!-- <a href=\"commented-1.0-py3-none-any.whl\">x</a> -->\n"
	"<a href=\"../../files/foo-1.0-py3-none-any.whl#sha256=" U64 "\" "
	"data-requires-python=\"&gt;=3.8,&lt;4\" data-core-metadata=\"sha256=" H64 "\">"
	"foo-1.0-py3-none-any.whl</a><br/>\n"
	"<A HREF='foo-0.9.tar.gz#md5=abc' data-yanked=\"\">foo-0.9.tar.gz</A>\n"
	"<a href=\"https://cdn.example/foo-0.8-py2.py3-none-any.whl\" data-yanked=\"bad &amp; broken &#x263A;\" "
	"data-dist-info-metadata=\"true\">foo-0.8</a>\n"
	"<a href=\" foo%2Bbar-0.7-py3-none-any.whl \">x</a>\n"
	"<a>no href</a><a href=\"#only-fragment\">x</a>\n"
	"</body></html>\n";

static void test_html(void **state)
{
	(void)state;
	struct index_project p = { 0 };
	struct page_version v;
	struct buf why = BUF_INIT;
	assert_int_equal(page_parse_html("https://idx.example/simple/foo/", "https://idx.example/simple",
					 html_page, sizeof(html_page) - 1, &p, &v, &why),
			 0);
	assert_true(p.found);
	assert_int_equal(v.major, 1);
	assert_int_equal(v.minor, 1);
	assert_int_equal(p.nfiles, 4);
	struct index_file *f = &p.files[0];
	assert_string_equal(f->filename, "foo-1.0-py3-none-any.whl");
	assert_string_equal(f->url, "https://idx.example/files/foo-1.0-py3-none-any.whl");
	assert_string_equal(f->origin, "https://idx.example/simple");
	assert_int_equal(f->hashes.n, 1);
	assert_string_equal(f->hashes.v[0], "sha256:" H64);
	assert_string_equal(f->requires_python, ">=3.8,<4");
	assert_false(f->yanked);
	assert_true(f->has_core_metadata);
	assert_string_equal(f->core_metadata_hashes.v[0], "sha256:" H64);
	assert_int_equal(f->size, -1);

	f = &p.files[1];
	assert_string_equal(f->filename, "foo-0.9.tar.gz");
	assert_int_equal(f->hashes.n, 0); /* md5 is not used */
	assert_true(f->yanked);
	assert_null(f->yanked_reason);
	assert_false(f->has_core_metadata);

	f = &p.files[2];
	assert_string_equal(f->url, "https://cdn.example/foo-0.8-py2.py3-none-any.whl");
	assert_true(f->yanked);
	assert_string_equal(f->yanked_reason, "bad & broken \xe2\x98\xba");
	assert_true(f->has_core_metadata);
	assert_int_equal(f->core_metadata_hashes.n, 0);

	f = &p.files[3];
	assert_string_equal(f->filename, "foo+bar-0.7-py3-none-any.whl");
	index_project_release(&p);
	buf_free(&why);
}

static void test_html_bad_hash_and_base(void **state)
{
	(void)state;
	const char page[] = "<base href=\"https://mirror/pkgs/\">"
			    "<a href=\"a-1-py3-none-any.whl#sha256=12\">short hash</a>"
			    "<a href=\"b-1-py3-none-any.whl#sha256=" H64 "\">ok</a>"
			    "<a href=\"c-1-py3-none-any.whl";
	struct index_project p = { 0 };
	struct buf why = BUF_INIT;
	assert_int_equal(page_parse_html("https://idx/simple/a/", "o", page, sizeof(page) - 1, &p,
					 NULL, &why),
			 0);
	/* a malformed digest drops the link, never makes it unchecked; the
	 * unterminated last tag is ignored */
	assert_int_equal(p.nfiles, 1);
	assert_string_equal(p.files[0].url, "https://mirror/pkgs/b-1-py3-none-any.whl");
	index_project_release(&p);
	buf_free(&why);
}

static void test_json(void **state)
{
	(void)state;
	const char page[] =
		"{\"meta\": {\"api-version\": \"1.1\", \"_future\": 1}, \"name\": \"foo\", \"versions\": [\"1.0\"],"
		"\"files\": [{\"filename\": \"foo-1.0-py3-none-any.whl\", \"url\": \"../../f/foo-1.0-py3-none-any.whl\","
		"\"hashes\": {\"sha256\": \"" U64 "\", \"md5\": \"x\", \"sha512\": \"" H64 H64 "\"},"
		"\"requires-python\": \">=3.8\", \"core-metadata\": {\"sha256\": \"" H64 "\"},"
		"\"size\": 1234, \"upload-time\": \"2024-01-01T00:00:00.000000Z\", \"yanked\": \"oops\"},"
		"{\"filename\": \"foo-0.9.tar.gz\", \"url\": \"https://x/foo-0.9.tar.gz\", \"hashes\": {},"
		"\"yanked\": true, \"dist-info-metadata\": true}]}";
	struct index_project p = { 0 };
	struct page_version v;
	struct buf why = BUF_INIT;
	assert_int_equal(page_parse_json("https://idx/simple/foo/", "o", page, sizeof(page) - 1, &p,
					 &v, &why),
			 0);
	assert_int_equal(page_check_version(&v, &why), 0);
	assert_int_equal(p.nfiles, 2);
	struct index_file *f = &p.files[0];
	assert_string_equal(f->url, "https://idx/f/foo-1.0-py3-none-any.whl");
	assert_int_equal(f->hashes.n, 2);
	assert_string_equal(f->hashes.v[0], "sha512:" H64 H64);
	assert_string_equal(f->hashes.v[1], "sha256:" H64);
	assert_true(f->has_core_metadata);
	assert_string_equal(f->core_metadata_hashes.v[0], "sha256:" H64);
	assert_int_equal(f->size, 1234);
	assert_string_equal(f->upload_time, "2024-01-01T00:00:00.000000Z");
	assert_true(f->yanked);
	assert_string_equal(f->yanked_reason, "oops");
	f = &p.files[1];
	assert_true(f->yanked);
	assert_null(f->yanked_reason);
	assert_true(f->has_core_metadata);
	index_project_release(&p);
	buf_free(&why);
}

static void test_json_versions(void **state)
{
	(void)state;
	struct {
		const char *page;
		int parse, check;
	} cases[] = {
		{ "{\"meta\": {\"api-version\": \"1.0\"}, \"files\": []}", 0, 0 },
		{ "{\"meta\": {\"api-version\": \"1.7\"}, \"files\": []}", 0, 1 },
		{ "{\"meta\": {\"api-version\": \"2.0\"}, \"files\": 3}", 0, -1 },
		{ "{\"meta\": {}, \"files\": []}", -1, 0 },
		{ "{\"meta\": {\"api-version\": \"1.0\"}}", -1, 0 },
		{ "{\"meta\": {\"api-version\": \"1.0\"}, \"files\": [{\"url\": \"x\"}]}", -1, 0 },
		{ "[1, 2]", -1, 0 },
		{ "{\"a\": 1, \"a\": 2}", -1, 0 },
		{ "<html>", -1, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct index_project p = { 0 };
		struct page_version v;
		struct buf why = BUF_INIT;
		int r = page_parse_json("https://i/s/x/", "o", cases[i].page, strlen(cases[i].page),
					&p, &v, &why);
		if (r != cases[i].parse)
			fail_msg("case %zu: parse %d (%s)", i, r, why.ptr);
		if (r == 0)
			assert_int_equal(page_check_version(&v, &why), cases[i].check);
		else
			assert_true(why.len > 0);
		index_project_release(&p);
		buf_free(&why);
	}
	struct page_version v = { 3, 0 };
	struct buf why = BUF_INIT;
	assert_int_equal(page_check_version(&v, &why), -1);
	assert_string_equal(why.ptr, "unsupported repository version 3.0 (cvenv knows 1.x)");
	buf_free(&why);
}

static void test_content_type(void **state)
{
	(void)state;
	enum page_format f;
	assert_int_equal(page_format_of("application/vnd.pypi.simple.v1+json", "", 0, &f), 0);
	assert_int_equal(f, PAGE_JSON);
	assert_int_equal(page_format_of(" Text/HTML; charset=utf-8", "", 0, &f), 0);
	assert_int_equal(f, PAGE_HTML);
	assert_int_equal(page_format_of("application/vnd.pypi.simple.v1+html", "", 0, &f), 0);
	assert_int_equal(f, PAGE_HTML);
	assert_int_equal(page_format_of("application/json", "", 0, &f), -1);
	assert_int_equal(page_format_of("application/vnd.pypi.simple.latest+json", "", 0, &f), -1);
	assert_int_equal(page_format_of("text/plain", "", 0, &f), -1);
	assert_int_equal(page_format_of(NULL, " {", 2, &f), 0);
	assert_int_equal(f, PAGE_JSON);
	assert_int_equal(page_format_of(NULL, "<html>", 6, &f), 0);
	assert_int_equal(f, PAGE_HTML);
}

static void test_find_links(void **state)
{
	(void)state;
	const char page[] = "<a href=\"Foo_Bar-1.0-py3-none-any.whl\">1</a>"
			    "<a href=\"foo.bar-2.0.tar.gz\">2</a>"
			    "<a href=\"foo-bar-baz-1.0.tar.gz\">other project</a>"
			    "<a href=\"foo_bar_baz-1.0-py3-none-any.whl\">other</a>"
			    "<a href=\"README.txt\">readme</a>"
			    "<a href=\"sub/\">dir</a>";
	struct index_project p = { 0 };
	struct buf why = BUF_INIT;
	assert_int_equal(page_parse_links("file:///srv/links/", "/srv/links", "foo-bar", page,
					  sizeof(page) - 1, &p, &why),
			 0);
	assert_int_equal(p.nfiles, 2);
	assert_string_equal(p.files[0].url, "file:///srv/links/Foo_Bar-1.0-py3-none-any.whl");
	assert_string_equal(p.files[1].filename, "foo.bar-2.0.tar.gz");
	index_project_release(&p);
	assert_int_equal(page_parse_links("file:///srv/links/", "o", NULL, page, sizeof(page) - 1,
					  &p, &why),
			 0);
	assert_int_equal(p.nfiles, 4);
	index_project_release(&p);
	buf_free(&why);
}

/* Two projects' files equal field by field. */
static void assert_same_files(const struct index_project *a, const struct index_project *b)
{
	assert_int_equal(a->nfiles, b->nfiles);
	for (size_t i = 0; i < a->nfiles; i++) {
		const struct index_file *x = &a->files[i], *y = &b->files[i];
		assert_string_equal(x->filename, y->filename);
		assert_string_equal(x->url, y->url);
		assert_string_equal(x->origin, y->origin);
		assert_int_equal(x->hashes.n, y->hashes.n);
		for (size_t k = 0; k < x->hashes.n; k++)
			assert_string_equal(x->hashes.v[k], y->hashes.v[k]);
		assert_int_equal(!x->requires_python, !y->requires_python);
		if (x->requires_python)
			assert_string_equal(x->requires_python, y->requires_python);
		assert_int_equal(x->yanked, y->yanked);
		assert_int_equal(!x->yanked_reason, !y->yanked_reason);
		if (x->yanked_reason)
			assert_string_equal(x->yanked_reason, y->yanked_reason);
		assert_int_equal(x->has_core_metadata, y->has_core_metadata);
		assert_int_equal(x->core_metadata_hashes.n, y->core_metadata_hashes.n);
		assert_int_equal(x->size, y->size);
	}
}

/* The compact form a warm run reads instead of the page: the same files
 * back; refused when made from another body, base or Content-Type, and
 * when a field is one the parsers would not have kept (a file name with a
 * '/', a malformed hash, a relative URL, a length past the text). */
static void test_compact(void **state)
{
	(void)state;
	struct index_project p = { 0 }, q = { 0 };
	struct page_version v, w = { 0, 0 };
	struct buf why = BUF_INIT, out = BUF_INIT;
	const char *base = "https://idx.example/simple/foo/", *origin = "https://idx.example/simple";
	assert_int_equal(page_parse_html(base, origin, html_page, sizeof(html_page) - 1, &p, &v, &why), 0);
	struct page_source src = { H64, base, "text/html" };
	page_compact_write(&p, &v, &src, &out);
	assert_int_equal(page_compact_read(out.ptr, out.len, &src, origin, &q, &w), 0);
	assert_true(q.found);
	assert_int_equal(w.major, v.major);
	assert_int_equal(w.minor, v.minor);
	assert_same_files(&p, &q);
	index_project_release(&q);

	/* another source: another body, base, type */
	struct page_source other[] = { { U64, base, "text/html" },
				       { H64, "https://idx.example/simple/bar/", "text/html" },
				       { H64, base, "application/vnd.pypi.simple.v1+json" },
				       { H64, base, NULL } };
	for (size_t i = 0; i < ARRAY_SIZE(other); i++) {
		memset(&q, 0, sizeof(q));
		assert_int_equal(page_compact_read(out.ptr, out.len, &other[i], origin, &q, &w), -1);
		assert_int_equal(q.nfiles, 0);
		index_project_release(&q);
	}
	/* hostile edits of a well-formed text (to: a record, its length
	 * computed; raw: as given) */
	static const struct {
		const char *from, *key, *to, *raw;
	} edits[] = {
		{ "file 24:foo-1.0-py3-none-any.whl", "file", "../foo-1.0-py3-none-any.whl", NULL },
		{ "hash 71:sha256:", "hash", "sha256:x123", NULL },
		{ "hash 71:sha256:", "hash", "md5:0123", NULL },
		{ "url 50:https://idx.example/files/foo-1.0-py3-none-any.whl", "url",
		  "files/foo-1.0-py3-none-any.whl", NULL },
		{ "url 50:https://idx.example/files/foo-1.0-py3-none-any.whl", "url",
		  "https://idx.example/files/foo-1.0-py3-none-any.whl#sha256=" H64, NULL },
		{ "file 24:", NULL, NULL, "file 99:" },
		{ "file 24:", NULL, NULL, "file 1234567:" },
		{ "file 24:", NULL, NULL, "hash 24:" },
		{ "file 24:", NULL, NULL, "what 24:" },
		{ "version 1.1", NULL, NULL, "version x.1" },
		{ "end 4", NULL, NULL, "end 3" },
		{ "end 4", NULL, NULL, "end 5" },
		{ "cvenv-page-files-v1", NULL, NULL, "cvenv-page-files-v2" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(edits); i++) {
		const char *at = strstr(out.ptr, edits[i].from);
		assert_non_null(at);
		const char *rest = at + strlen(edits[i].from);
		struct buf bad = BUF_INIT;
		buf_add(&bad, out.ptr, (size_t)(at - out.ptr));
		if (edits[i].raw) {
			buf_addstr(&bad, edits[i].raw);
		} else {
			/* the whole record replaced */
			buf_addf(&bad, "%s %zu:%s", edits[i].key, strlen(edits[i].to), edits[i].to);
			rest = strchr(at, '\n');
		}
		buf_addstr(&bad, rest);
		memset(&q, 0, sizeof(q));
		assert_int_equal(page_compact_read(bad.ptr, bad.len, &src, origin, &q, &w), -1);
		assert_int_equal(q.nfiles, 0);
		index_project_release(&q);
		buf_free(&bad);
	}
	/* every truncation is refused (the end record counts the files) */
	for (size_t n = 0; n < out.len; n++) {
		memset(&q, 0, sizeof(q));
		assert_int_equal(page_compact_read(out.ptr, n, &src, origin, &q, &w), -1);
		index_project_release(&q);
	}
	index_project_release(&p);
	buf_free(&out);
	buf_free(&why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_html_bad_hash_and_base),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_versions),
		cmocka_unit_test(test_content_type),
		cmocka_unit_test(test_find_links),
		cmocka_unit_test(test_compact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
