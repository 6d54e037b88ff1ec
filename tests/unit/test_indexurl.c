/* Unit tests for core/index/url: reference resolution as RFC 3986 section
 * 5.4 gives it, redaction of passwords, project page URLs. */
#include "unit.h"

#include "core/index/url.h"

static void test_join_rfc3986(void **state)
{
	(void)state;
	/* RFC 3986 5.4.1 and 5.4.2, base "http://a/b/c/d;p?q" */
	const char *base = "http://a/b/c/d;p?q";
	struct {
		const char *ref, *want;
	} cases[] = {
		{ "g:h", "g:h" },
		{ "g", "http://a/b/c/g" },
		{ "./g", "http://a/b/c/g" },
		{ "g/", "http://a/b/c/g/" },
		{ "/g", "http://a/g" },
		{ "//g", "http://g" },
		{ "?y", "http://a/b/c/d;p?y" },
		{ "g?y", "http://a/b/c/g?y" },
		{ "#s", "http://a/b/c/d;p?q#s" },
		{ "g#s", "http://a/b/c/g#s" },
		{ ";x", "http://a/b/c/;x" },
		{ "", "http://a/b/c/d;p?q" },
		{ ".", "http://a/b/c/" },
		{ "./", "http://a/b/c/" },
		{ "..", "http://a/b/" },
		{ "../", "http://a/b/" },
		{ "../g", "http://a/b/g" },
		{ "../..", "http://a/" },
		{ "../../g", "http://a/g" },
		{ "../../../g", "http://a/g" },
		{ "../../../../g", "http://a/g" },
		{ "/./g", "http://a/g" },
		{ "/../g", "http://a/g" },
		{ "g.", "http://a/b/c/g." },
		{ "..g", "http://a/b/c/..g" },
		{ "./../g", "http://a/b/g" },
		{ "g/./h", "http://a/b/c/g/h" },
		{ "g/../h", "http://a/b/c/h" },
		{ "g;x=1/../y", "http://a/b/c/y" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = url_join(base, cases[i].ref);
		assert_non_null(got);
		if (strcmp(got, cases[i].want))
			fail_msg("join '%s': got '%s', want '%s'", cases[i].ref, got, cases[i].want);
		free(got);
	}
}

static void test_join_index_pages(void **state)
{
	(void)state;
	struct {
		const char *base, *ref, *want;
	} cases[] = {
		{ "https://pypi.org/simple/flask/", "../../packages/f/flask-3.0.whl#sha256=ab",
		  "https://pypi.org/packages/f/flask-3.0.whl#sha256=ab" },
		{ "https://u:p@host:8443/simple/x/", "x-1.whl", "https://u:p@host:8443/simple/x/x-1.whl" },
		{ "https://host", "x.whl", "https://host/x.whl" },
		{ "file:///srv/index/x/", "x-1.whl", "file:///srv/index/x/x-1.whl" },
		{ "https://host/simple/x/", "https://cdn/x-1.whl", "https://cdn/x-1.whl" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = url_join(cases[i].base, cases[i].ref);
		assert_non_null(got);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
	/* unusable references and bases */
	assert_null(url_join("relative/base", "x.whl"));
	assert_null(url_join("https://host/", "a b.whl"));
	assert_null(url_join("https://host/", "x\n.whl"));
}

static void test_redact(void **state)
{
	(void)state;
	struct {
		const char *in, *want;
	} cases[] = {
		{ "https://user:secret@host/simple/", "https://user:****@host/simple/" },
		{ "https://user@host/simple/", "https://user@host/simple/" },
		{ "https://:tok@host/", "https://:****@host/" },
		{ "https://host/a@b:c", "https://host/a@b:c" },
		{ "https://u:p:q@h/?x=a@b", "https://u:****@h/?x=a@b" },
		{ "https://u:p@x@h/", "https://u:****@h/" },
		{ "/local/dir", "/local/dir" },
		{ "", "" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = url_redact(cases[i].in);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

static void test_parts(void **state)
{
	(void)state;
	char *s = url_project_page("https://pypi.org/simple//", "Foo_Bar.baz");
	assert_string_equal(s, "https://pypi.org/simple/foo-bar-baz/");
	free(s);
	s = url_host("HTTPS://u:p@Example.COM:8080/x");
	assert_string_equal(s, "example.com:8080");
	free(s);
	assert_true(url_is_http("HTTP://x/"));
	assert_false(url_is_http("file:///x"));
	assert_false(url_is_http("/x"));
	char *frag;
	s = url_split_fragment("https://h/x.whl#sha256=ab", &frag);
	assert_string_equal(s, "https://h/x.whl");
	assert_string_equal(frag, "sha256=ab");
	free(s);
	free(frag);
	s = url_userinfo("https://u:p@x@h:1/a@b");
	assert_string_equal(s, "u:p@x");
	free(s);
	assert_null(url_userinfo("https://h/a@b"));
	s = url_without_userinfo("https://u:p@h:1/a@b");
	assert_string_equal(s, "https://h:1/a@b");
	free(s);
	s = url_unescape("a%2Bb%20c", 9);
	assert_string_equal(s, "a+b c");
	free(s);
	assert_null(url_unescape("a%00", 4));
	assert_null(url_unescape("a%2", 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_join_rfc3986),
		cmocka_unit_test(test_join_index_pages),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_parts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
