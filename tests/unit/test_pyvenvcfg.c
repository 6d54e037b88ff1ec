/* Unit tests for core/pyvenvcfg: the reading CPython's site.py and getpath
 * give each text, the writer's format, and Python's repr() of prompts. */
#include "unit.h"

#include "core/env/pyvenvcfg.h"
#include "util/buf.h"

/* Each case: input text, then the entries it must give as "key=value|" pairs
 * in order (what site.py's partition('=') + strip() + lower() gives). */
static const struct {
	const char *text;
	const char *want;
} parse_cases[] = {
	{ "", "" },
	{ "home = /usr/bin\n", "home=/usr/bin|" },
	{ "home=/usr/bin", "home=/usr/bin|" },
	{ "  HOME  =   /opt/py/bin  \n", "home=/opt/py/bin|" },
	{ "home = /a\r\nversion = 3.12.1\r\n", "home=/a|version=3.12.1|" },
	{ "home = /a\rversion = 3.7.1\r", "home=/a|version=3.7.1|" },
	{ "no equals sign here\nk = v\n", "k=v|" },
	{ "# comment = still a line\n", "# comment=still a line|" },
	{ "a = b = c\n", "a=b = c|" },
	{ "empty =\n= novalue\n", "empty=|=novalue|" },
	{ "prompt = 'my env'\n", "prompt='my env'|" },
	{ "\n\n\nk = v\n\n", "k=v|" },
	{ "tab\t=\tv\t\n", "tab=v|" },
	{ "Include-System-Site-Packages = True\n", "include-system-site-packages=True|" },
	{ "home = /a\nhome = /b\n", "home=/a|home=/b|" },
	{ "k = caf\xc3\xa9\n", "k=caf\xc3\xa9|" },
};

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		struct pyvenvcfg cfg = PYVENVCFG_INIT;
		pyvenvcfg_parse(&cfg, parse_cases[i].text, strlen(parse_cases[i].text));
		struct buf got = BUF_INIT;
		for (size_t j = 0; j < cfg.n; j++)
			buf_addf(&got, "%s=%s|", cfg.v[j].key, cfg.v[j].value);
		if (strcmp(got.ptr, parse_cases[i].want))
			fail_msg("case %zu: got [%s], want [%s]", i, got.ptr, parse_cases[i].want);
		buf_free(&got);
		pyvenvcfg_free(&cfg);
	}
}

static void test_get_first_wins_and_case(void **state)
{
	(void)state;
	struct pyvenvcfg cfg = PYVENVCFG_INIT;
	const char *t = "Home = /a\nhome = /b\nversion = 3.11.2\n";
	pyvenvcfg_parse(&cfg, t, strlen(t));
	assert_string_equal(pyvenvcfg_get(&cfg, "home"), "/a");
	assert_string_equal(pyvenvcfg_get(&cfg, "HOME"), "/a");
	assert_null(pyvenvcfg_get(&cfg, "prompt"));
	pyvenvcfg_free(&cfg);
}

static void test_set_and_format(void **state)
{
	(void)state;
	struct pyvenvcfg cfg = PYVENVCFG_INIT;
	const char *t = "home = /usr/bin\ninclude-system-site-packages = false\nuv = 0.4\n";
	pyvenvcfg_parse(&cfg, t, strlen(t));
	pyvenvcfg_set(&cfg, "include-system-site-packages", "true");
	pyvenvcfg_set(&cfg, "version", "3.11.2");
	struct buf out = BUF_INIT;
	pyvenvcfg_format(&cfg, &out);
	assert_string_equal(out.ptr, "home = /usr/bin\ninclude-system-site-packages = true\n"
				     "uv = 0.4\nversion = 3.11.2\n");
	/* what was written reads back the same */
	struct pyvenvcfg again = PYVENVCFG_INIT;
	pyvenvcfg_parse(&again, out.ptr, out.len);
	assert_int_equal(again.n, 4);
	for (size_t i = 0; i < again.n; i++) {
		assert_string_equal(again.v[i].key, cfg.v[i].key);
		assert_string_equal(again.v[i].value, cfg.v[i].value);
	}
	buf_free(&out);
	pyvenvcfg_free(&again);
	pyvenvcfg_free(&cfg);
}

static void test_is_true(void **state)
{
	(void)state;
	assert_true(pyvenvcfg_is_true("true"));
	assert_true(pyvenvcfg_is_true("TRUE"));
	assert_false(pyvenvcfg_is_true("false"));
	assert_false(pyvenvcfg_is_true("1"));
	assert_false(pyvenvcfg_is_true("yes"));
	assert_false(pyvenvcfg_is_true(NULL));
}

/* Expected values are what CPython's repr() prints for the same str. */
static const struct {
	const char *in, *want;
} repr_cases[] = {
	{ "", "''" },
	{ "env", "'env'" },
	{ "my env", "'my env'" },
	{ "it's", "\"it's\"" },
	{ "say \"hi\"", "'say \"hi\"'" },
	{ "both ' and \"", "'both \\' and \"'" },
	{ "back\\slash", "'back\\\\slash'" },
	{ "tab\there", "'tab\\there'" },
	{ "nl\nx\ry", "'nl\\nx\\ry'" },
	{ "bell\x07", "'bell\\x07'" },
	{ "del\x7f", "'del\\x7f'" },
	{ "$HOME `x` ;&|!*?[", "'$HOME `x` ;&|!*?['" },
	{ "caf\xc3\xa9", "'caf\xc3\xa9'" },
};

static void test_repr_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(repr_cases); i++) {
		struct buf out = BUF_INIT;
		py_repr_str(&out, repr_cases[i].in);
		if (strcmp(out.ptr, repr_cases[i].want))
			fail_msg("case %zu: got [%s], want [%s]", i, out.ptr, repr_cases[i].want);
		buf_free(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_get_first_wins_and_case),
		cmocka_unit_test(test_set_and_format),
		cmocka_unit_test(test_is_true),
		cmocka_unit_test(test_repr_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
