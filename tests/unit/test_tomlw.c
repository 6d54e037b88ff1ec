/* Unit tests for core/lock/tomlw: exact output, escaping, and round trips
 * through the parser (tomlc17) for every awkward string. */
#include "unit.h"

#include "core/lock/tomlw.h"
#include "tomlc17/tomlc17.h"

static void test_document(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct tomlw w;
	tomlw_init(&w, &b);
	tomlw_kv_str(&w, "lock-version", "1.0");
	tomlw_kv_strs(&w, "environments", (const char *const[]){ "a", "b" }, 2, 0);
	tomlw_kv_strs(&w, "many", (const char *const[]){ "x", "y" }, 2, 1);
	tomlw_kv_strs(&w, "none", NULL, 0, 1);
	tomlw_array_table(&w, (const char *const[]){ "packages" }, 1);
	tomlw_kv_str(&w, "name", "foo");
	tomlw_key(&w, "wheels");
	tomlw_array_begin(&w, true);
	tomlw_inline_begin(&w);
	tomlw_kv_int(&w, "size", 12);
	tomlw_key(&w, "upload-time");
	tomlw_datetime(&w, "2025-01-02T03:04:05.123Z");
	tomlw_key(&w, "hashes");
	tomlw_inline_begin(&w);
	tomlw_kv_str(&w, "sha256", "ab");
	tomlw_inline_end(&w);
	tomlw_key(&w, "empty");
	tomlw_inline_begin(&w);
	tomlw_inline_end(&w);
	tomlw_inline_end(&w);
	tomlw_array_end(&w);
	tomlw_table(&w, (const char *const[]){ "tool", "cvenv x" }, 2);
	tomlw_key(&w, "ok");
	tomlw_bool(&w, true);
	assert_int_equal(tomlw_finish(&w), 0);
	assert_string_equal(b.ptr,
			    "lock-version = \"1.0\"\n"
			    "environments = [\"a\", \"b\"]\n"
			    "many = [\n    \"x\",\n    \"y\",\n]\n"
			    "none = []\n"
			    "\n[[packages]]\n"
			    "name = \"foo\"\n"
			    "wheels = [\n"
			    "    { size = 12, upload-time = 2025-01-02T03:04:05.123Z, hashes = { sha256 = \"ab\" }, empty = {} },\n"
			    "]\n"
			    "\n[tool.\"cvenv x\"]\n"
			    "ok = true\n");
	toml_result_t r = toml_parse(b.ptr, (int)b.len);
	assert_true(r.ok);
	toml_datum_t p = toml_seek(r.toptab, "packages");
	assert_int_equal(p.type, TOML_ARRAY);
	toml_datum_t wh = toml_get(p.u.arr.elem[0], "wheels");
	toml_datum_t t = toml_get(wh.u.arr.elem[0], "upload-time");
	assert_int_equal(t.type, TOML_DATETIMETZ);
	assert_int_equal(t.u.ts.usec, 123000);
	assert_string_equal(toml_seek(r.toptab, "tool.cvenv x").type == TOML_TABLE ? "t" : "-", "t");
	toml_free(r);
	buf_free(&b);
}

static void test_strings_round_trip(void **state)
{
	(void)state;
	static const char *const cases[] = {
		"", "plain", "quote \" back\\slash", "tab\tnl\ncr\rbs\bff\f",
		"\x01\x1f\x7f", "caf\xc3\xa9 \xe2\x80\xae \xf0\x9f\x90\x8d", "'''\"\"\"", "#[x]=,{}",
		"\\u0041 stays", "a=b", "key with spaces",
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf b = BUF_INIT;
		struct tomlw w;
		tomlw_init(&w, &b);
		tomlw_kv_str(&w, cases[i], cases[i]);
		tomlw_key(&w, "list");
		tomlw_array_begin(&w, true);
		tomlw_str(&w, cases[i]);
		tomlw_array_end(&w);
		assert_int_equal(tomlw_finish(&w), 0);
		toml_result_t r = toml_parse(b.ptr, (int)b.len);
		if (!r.ok)
			fail_msg("%s\n%s", r.errmsg, b.ptr);
		assert_int_equal(r.toptab.u.tab.size, 2);
		toml_datum_t v = toml_get(r.toptab, cases[i]);
		assert_int_equal(v.type, TOML_STRING);
		assert_string_equal(v.u.s, cases[i]);
		toml_datum_t l = toml_get(r.toptab, "list");
		assert_string_equal(l.u.arr.elem[0].u.s, cases[i]);
		toml_free(r);
		buf_free(&b);
	}
}

static void test_refuses_invalid(void **state)
{
	(void)state;
	struct {
		const char *what;
		int step;
	} cases[] = { { "bad utf-8", 0 }, { "bad datetime", 1 }, { "unbalanced", 2 },
		      { "value without key", 3 }, { "header in value", 4 } };
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf b = BUF_INIT;
		struct tomlw w;
		tomlw_init(&w, &b);
		switch (cases[i].step) {
		case 0: tomlw_kv_str(&w, "k", "\xff"); break;
		case 1: tomlw_key(&w, "t"); tomlw_datetime(&w, "2025-01-02"); break;
		case 2: tomlw_key(&w, "a"); tomlw_array_begin(&w, false); break;
		case 3: tomlw_str(&w, "v"); break;
		case 4: tomlw_key(&w, "a"); tomlw_table(&w, (const char *const[]){ "x" }, 1); break;
		}
		assert_int_equal(tomlw_finish(&w), -1);
		assert_non_null(strstr(unit_errors.ptr, "cannot write TOML"));
		buf_reset(&unit_errors);
		buf_free(&b);
	}
	assert_true(tomlw_datetime_valid("2025-01-02 03:04:05+01:30"));
	assert_true(tomlw_datetime_valid("2025-01-02T03:04:05"));
	assert_false(tomlw_datetime_valid("2025-01-02T03:04:05+0130"));
	assert_false(tomlw_datetime_valid("2025-01-02T03:04:05Zjunk"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_strings_round_trip),
		cmocka_unit_test_setup_teardown(test_refuses_invalid, capture_errors_setup,
						capture_errors_teardown),
	};
	return cmocka_run_group_tests_name("tomlw", tests, NULL, NULL);
}
