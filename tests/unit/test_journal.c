/* Unit tests for core/pkg/journal (the install journal, untrusted input) and
 * util/relpath's path_rel_is_safe: every bad journal is refused with its line
 * number, every good one parses and round-trips through the writer. */
#include "unit.h"

#include "core/pkg/journal.h"
#include "util/relpath.h"

#define setup capture_errors_setup
#define teardown capture_errors_teardown

#define HEAD "cvenv-journal 1\nstage stage-abc123\n"

static void test_path_rel_is_safe(void **state)
{
	static const char *const good[] = { "a", "a/b", "lib/python3.12/site-packages/x.py",
					    "..a", "a..", ".hidden", "a/.b/c", "with space",
					    "a/...", "-" };
	static const char *const bad[] = { "", "/", "/a", "a/", "a//b", ".", "..", "./a",
					   "a/.", "a/./b", "../a", "a/..", "a/../b", "//",
					   "a/b/" };
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		const char *why = NULL;
		if (!path_rel_is_safe(good[i], strlen(good[i]), &why))
			fail_msg("refused '%s': %s", good[i], why);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		const char *why = NULL;
		if (path_rel_is_safe(bad[i], strlen(bad[i]), &why))
			fail_msg("accepted '%s'", bad[i]);
		assert_non_null(why);
	}
	assert_false(path_rel_is_safe("a\0b", 3, NULL));
	assert_true(path_rel_is_safe("ab\0", 2, NULL)); /* only n bytes count */
}

/* A bad journal, the line it must be refused at, and a word of the reason. */
struct bad_case {
	const char *text;
	size_t len; /* 0: strlen(text) */
	size_t line;
	const char *why;
};

static void test_parse_bad(void **state)
{
	static const struct bad_case bad[] = {
		{ "", 0, 1, "empty" },
		{ "cvenv-journal 2\n", 0, 1, "not a cvenv journal" },
		{ "cvenv-journal 1", 0, 1, "cut short" },
		{ "cvenv-journal 1\n", 0, 2, "no stage line" },
		{ "cvenv-journal 1\nstage x\n", 0, 2, "'stage-'" },
		{ "cvenv-journal 1\nstage stage-a/b\n", 0, 2, "'stage-'" },
		{ "cvenv-journal 1\nstage ../stage-a\n", 0, 2, "'..'" },
		{ "cvenv-journal 1\ndir a\n", 0, 2, "stage" },
		{ HEAD "add ../outside\n", 0, 3, "'..'" },
		{ HEAD "replace ../outside\n", 0, 3, "'..'" },
		{ HEAD "del ../../x\n", 0, 3, "'..'" },
		{ HEAD "del /etc/passwd\n", 0, 3, "absolute" },
		{ HEAD "add a/../../x\n", 0, 3, "'..'" },
		{ HEAD "add ./a\n", 0, 3, "'.'" },
		{ HEAD "add a//b\n", 0, 3, "empty path component" },
		{ HEAD "add a/\n", 0, 3, "slash" },
		{ HEAD "add \n", 0, 3, "empty path" },
		{ HEAD "add\n", 0, 3, "no path" },
		{ HEAD "\n", 0, 3, "no path" },
		{ HEAD "dir ../up\n", 0, 3, "'..'" },
		{ HEAD "add a\ndir b\n", 0, 4, "'dir' after a step" },
		{ HEAD "stage stage-b\n", 0, 3, "unknown verb" },
		{ HEAD "ADD a\n", 0, 3, "unknown verb" },
		{ HEAD "move a\n", 0, 3, "unknown verb" },
		{ HEAD "add a\ndel b", 0, 4, "cut short" },
		{ HEAD "add a\0b\n", sizeof(HEAD "add a\0b\n") - 1, 3, "NUL" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct journal j = JOURNAL_INIT;
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].text);
		buf_reset(&unit_errors);
		if (journal_parse(bad[i].text, len, "env/.cvenv/journal", &j) == 0)
			fail_msg("accepted bad journal %zu", i);
		char *want = xstrfmt("refusing journal 'env/.cvenv/journal' line %zu: ", bad[i].line);
		if (!strstr(unit_errors.ptr, want) || !strstr(unit_errors.ptr, bad[i].why))
			fail_msg("case %zu: got '%s', want '%s...%s'", i, unit_errors.ptr, want,
				 bad[i].why);
		free(want);
		assert_null(j.stage);
		assert_int_equal(j.n, 0);
		assert_int_equal(j.dirs.n, 0);
	}
}

static void test_parse_caps(void **state)
{
	struct buf b = BUF_INIT;
	struct journal j = JOURNAL_INIT;
	buf_addstr(&b, HEAD "add ");
	for (size_t i = 0; i < JOURNAL_MAX_LINE; i++)
		buf_addch(&b, 'x');
	buf_addch(&b, '\n');
	assert_int_equal(journal_parse(b.ptr, b.len, "j", &j), -1);
	assert_non_null(strstr(unit_errors.ptr, "line 3: line too long"));
	buf_reset(&b);
	buf_addstr(&b, HEAD);
	for (size_t i = 0; i < JOURNAL_MAX_LINES; i++)
		buf_addstr(&b, "del a\n");
	assert_int_equal(journal_parse(b.ptr, b.len, "j", &j), -1);
	assert_non_null(strstr(unit_errors.ptr, "too many lines"));
	buf_free(&b);
}

/* Each good journal parses to what is expected, and the writer gives back
 * exactly the same text. */
static void test_parse_good_roundtrip(void **state)
{
	static const struct {
		const char *text;
		size_t dirs, steps;
	} good[] = {
		{ HEAD, 0, 0 },
		{ HEAD "add bin/x\n", 0, 1 },
		{ HEAD "dir include\ndir include/site\nadd include/site/a.h\n", 2, 1 },
		{ HEAD "replace lib/python3.12/site-packages/demo/__init__.py\n"
		       "del lib/python3.12/site-packages/demo-1.0.dist-info/RECORD\n"
		       "add lib/python3.12/site-packages/demo-2.0.dist-info\n"
		       "add lib/with space/..x/.y\n",
		  0, 4 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct journal j = JOURNAL_INIT;
		if (journal_parse(good[i].text, strlen(good[i].text), "j", &j) < 0)
			fail_msg("refused good journal %zu: %s", i, unit_errors.ptr);
		assert_string_equal(j.stage, "stage-abc123");
		assert_int_equal(j.dirs.n, good[i].dirs);
		assert_int_equal(j.n, good[i].steps);
		struct buf out = BUF_INIT;
		assert_int_equal(journal_format(j.stage, &j.dirs, j.steps, j.n, &out), 0);
		assert_string_equal(out.ptr, good[i].text);
		buf_free(&out);
		journal_free(&j);
	}
	struct journal j = JOURNAL_INIT;
	assert_int_equal(journal_parse(good[3].text, strlen(good[3].text), "j", &j), 0);
	assert_int_equal(j.steps[0].kind, STEP_REPLACE);
	assert_int_equal(j.steps[1].kind, STEP_DEL);
	assert_int_equal(j.steps[2].kind, STEP_ADD);
	journal_free(&j);
}

/* The writer refuses what the parser would refuse, and writes nothing. */
static void test_format_refuses(void **state)
{
	static const char *const bad[] = { "a\nb", "../x", "/abs", "a//b", "", "a/" };
	struct strvec dirs = STRVEC_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct step s = { STEP_ADD, (char *)bad[i] };
		struct buf out = BUF_INIT;
		if (journal_format("stage-x", &dirs, &s, 1, &out) == 0)
			fail_msg("wrote a journal with '%s'", bad[i]);
		assert_int_equal(out.len, 0);
		buf_free(&out);
	}
	assert_non_null(strstr(unit_errors.ptr, "cannot record 'a\\nb' in the journal"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_rel_is_safe),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_caps),
		cmocka_unit_test(test_parse_good_roundtrip),
		cmocka_unit_test(test_format_refuses),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
