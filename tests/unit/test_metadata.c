/* Unit tests for core/metadata: header parsing as Python's email parser
 * reads METADATA, and the project-name rules. */
#include "unit.h"

#include "core/std/metadata.h"

static void test_headers_and_body(void **state)
{
	(void)state;
	const char *text = "Metadata-Version: 2.1\nName:   Foo_Bar.baz\r\nVersion: 1.0\n"
			   "Requires-Dist: a\nrequires-dist: b ; extra == \"x\"\n"
			   "Summary: one\n  two\n\tthree\nProvides-Extra: x\n\nThe body.\nline 2\n";
	struct metadata md = METADATA_INIT;
	metadata_parse(&md, text, strlen(text));
	assert_string_equal(metadata_get(&md, "name"), "Foo_Bar.baz");
	assert_string_equal(metadata_get(&md, "VERSION"), "1.0");
	assert_string_equal(metadata_get(&md, "Summary"), "one\n  two\n\tthree");
	size_t pos = 0;
	assert_string_equal(metadata_next(&md, "Requires-Dist", &pos), "a");
	assert_string_equal(metadata_next(&md, "Requires-Dist", &pos), "b ; extra == \"x\"");
	assert_null(metadata_next(&md, "Requires-Dist", &pos));
	assert_null(metadata_get(&md, "Home-page"));
	assert_string_equal(metadata_description(&md), "The body.\nline 2\n");
	metadata_free(&md);
}

/* What a resolver reads: only the named fields, any case, continuation
 * lines kept, no body. */
static void test_fields_only(void **state)
{
	(void)state;
	const char *text = "Metadata-Version: 2.1\nName: foo\nRequires-Dist: a\n"
			   "Classifier: x\nrequires-dist: b ;\n extra == \"x\"\n"
			   "Requires-Python: >=3.8\nSummary: s\n\nThe body.\n";
	static const char *const want[] = { "Requires-Dist", "Requires-Python", NULL };
	struct metadata md = METADATA_INIT;
	metadata_parse_fields(&md, text, strlen(text), want);
	assert_int_equal(md.n, 3);
	size_t pos = 0;
	assert_string_equal(metadata_next(&md, "Requires-Dist", &pos), "a");
	assert_string_equal(metadata_next(&md, "Requires-Dist", &pos), "b ;\n extra == \"x\"");
	assert_string_equal(metadata_get(&md, "requires-python"), ">=3.8");
	assert_null(metadata_get(&md, "Name"));
	assert_null(md.body);
	metadata_free(&md);
}

static void test_odd_input(void **state)
{
	(void)state;
	struct {
		const char *text, *name, *body;
	} cases[] = {
		{ "", NULL, "" },
		{ "Name: x", "x", "" },
		{ "Name: x\rVersion: 1\r\rbody", "x", "body" },
		{ "not a header\nName: x\n", NULL, "not a header\nName: x\n" },
		{ " Name: x\n", NULL, " Name: x\n" },
		{ "Name:x\n\n", "x", "" },
		{ "Name: \n", "", "" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct metadata md = METADATA_INIT;
		metadata_parse(&md, cases[i].text, strlen(cases[i].text));
		const char *n = metadata_get(&md, "Name");
		if (cases[i].name)
			assert_string_equal(n, cases[i].name);
		else
			assert_null(n);
		assert_string_equal(md.body, cases[i].body);
		metadata_free(&md);
	}
}

static void test_names(void **state)
{
	(void)state;
	struct {
		const char *in, *canonical, *escaped, *safe;
		bool valid;
	} cases[] = {
		{ "Foo_Bar.baz", "foo-bar-baz", "foo_bar_baz", "Foo-Bar.baz", true },
		{ "CamelCase", "camelcase", "camelcase", "CamelCase", true },
		{ "a--_.b", "a-b", "a_b", "a-.b", true },
		{ "~atplotlib", "~atplotlib", "~atplotlib", "-atplotlib", false },
		{ "-x", "-x", "_x", "-x", false },
		{ "x.", "x-", "x_", "x.", false },
		{ "", "", "", "", false },
		{ "zope.interface", "zope-interface", "zope_interface", "zope.interface", true },
		{ "Zope__Interface", "zope-interface", "zope_interface", "Zope-Interface", true },
		{ "zope-interfac", "zope-interfac", "zope_interfac", "zope-interfac", true },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *c = name_canonicalize(cases[i].in);
		char *e = name_distinfo_escape(cases[i].in);
		char *s = name_safe(cases[i].in);
		assert_string_equal(c, cases[i].canonical);
		assert_string_equal(e, cases[i].escaped);
		assert_string_equal(s, cases[i].safe);
		assert_int_equal(name_is_valid(cases[i].in), cases[i].valid);
		/* name_same_n agrees with comparing canonical names, every pair */
		for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
			char *o = name_canonicalize(cases[k].in);
			assert_int_equal(name_same_n(cases[i].in, strlen(cases[i].in), cases[k].in,
						     strlen(cases[k].in)),
					 !strcmp(c, o));
			free(o);
		}
		free(c);
		free(e);
		free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers_and_body),
		cmocka_unit_test(test_fields_only),
		cmocka_unit_test(test_odd_input),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("metadata", tests, NULL, NULL);
}
