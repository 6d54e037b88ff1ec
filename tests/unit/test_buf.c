/* Unit tests for util/buf and util/strvec. */
#include "unit.h"
#include "util/error.h"

#include "util/buf.h"
#include "util/strvec.h"

static void test_buf_grows_and_formats(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_string_equal(b.ptr, "");
	for (int i = 0; i < 1000; i++)
		buf_addf(&b, "%d,", i);
	assert_true(b.len > 3000);
	assert_true(starts_with(b.ptr, "0,1,2,"));
	assert_true(buf_endswith(&b, "998,999,"));
	buf_rtrim(&b, ",");
	assert_true(buf_endswith(&b, "999"));
	buf_setlen(&b, 1);
	assert_string_equal(b.ptr, "0");
	char *d = buf_detach(&b);
	assert_string_equal(d, "0");
	assert_int_equal(b.len, 0);
	free(d);
	buf_free(&b);
}

static void test_buf_embedded_nul(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	buf_add(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.ptr, "a\0b", 3);
	buf_free(&b);
}

static void test_path_join(void **state)
{
	(void)state;
	char *p;
	p = path_join("/a/", "/b");
	assert_string_equal(p, "/a/b");
	free(p);
	p = path_join("/", "x");
	assert_string_equal(p, "/x");
	free(p);
	p = path_join("rel", "");
	assert_string_equal(p, "rel");
	free(p);
}

/* buf_set_path gives path_join's result in the buffer's own memory, kept
 * from path to path while it is large enough. */
static void test_buf_set_path(void **state)
{
	(void)state;
	static const char *const cases[][3] = {
		{ "/a/", "/b", "/a/b" },   { "/", "x", "/x" },     { "rel", "", "rel" },
		{ "/", "", "/" },          { "", "x", "/x" },      { "a//", "//b/c", "a/b/c" },
		{ "", "", "" },            { "env/lib", "pkg/m.py", "env/lib/pkg/m.py" },
	};
	struct buf b = BUF_INIT;
	buf_set_path(&b, "/some/long/stage/directory/new", "lib/python3.12/site-packages/x.py");
	const char *mem = b.ptr;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *j = path_join(cases[i][0], cases[i][1]);
		buf_set_path(&b, cases[i][0], cases[i][1]);
		assert_string_equal(b.ptr, cases[i][2]);
		assert_string_equal(j, cases[i][2]);
		assert_int_equal(b.len, strlen(cases[i][2]));
		assert_ptr_equal(b.ptr, mem); /* shorter paths: no new memory */
		free(j);
	}
	/* appended to and cut back, as the per-member loops do */
	buf_set_path(&b, "/stage", "new");
	size_t n = b.len;
	buf_addstr(&b, "/pkg/a.py");
	assert_string_equal(b.ptr, "/stage/new/pkg/a.py");
	buf_setlen(&b, n);
	assert_string_equal(b.ptr, "/stage/new");
	buf_free(&b);
}

/* dec_u64(v) as printf's %llu writes it, the bytes around it untouched. */
static void check_dec_u64(uint64_t v)
{
	char got[DEC_U64_MAX + 2], want[32];
	memset(got, '#', sizeof(got));
	size_t n = dec_u64(got + 1, v);
	int wn = snprintf(want, sizeof(want), "%llu", (unsigned long long)v);
	if (n != (size_t)wn || memcmp(got + 1, want, n))
		fail_msg("dec_u64(%s) wrote '%.*s'", want, (int)(n <= DEC_U64_MAX ? n : 0), got + 1);
	assert_int_equal(got[0], '#');
	for (size_t i = n + 1; i < sizeof(got); i++)
		assert_int_equal(got[i], '#');
}

static void test_dec_u64(void **state)
{
	(void)state;
	static const uint64_t v[] = { 0, 1, 9, 10, 11, 99, 100, 101, 12345, 4294967295ull,
				      4294967296ull, UINT64_MAX - 1, UINT64_MAX };
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		check_dec_u64(v[i]);
	/* every power of ten and its neighbours, and the 9s and 5s between */
	for (uint64_t p = 1;; p *= 10) {
		check_dec_u64(p - 1);
		check_dec_u64(p);
		check_dec_u64(p + 1);
		check_dec_u64(p * 5);
		if (p > UINT64_MAX / 10)
			break;
	}
	/* a pseudo-random sweep (xorshift64, fixed seed): every length, each
	 * width from 1 to 64 bits */
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		check_dec_u64(x >> (i % 64));
	}
}

static void test_buf_add_u64(void **state)
{
	(void)state;
	static const uint64_t v[] = { 0, 7, 10, 99, 100, 12345, 4294967296ull, UINT64_MAX };
	char want[32];
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		struct buf b = BUF_INIT;
		buf_addstr(&b, "n=");
		buf_add_u64(&b, v[i]);
		snprintf(want, sizeof(want), "n=%llu", (unsigned long long)v[i]);
		assert_string_equal(b.ptr, want);
		assert_int_equal(b.len, strlen(want));
		buf_free(&b);
	}
	/* appended at a full buffer's end: it grows */
	struct buf b = BUF_INIT;
	for (int i = 0; i < 1000; i++) {
		buf_add_u64(&b, UINT64_MAX);
		buf_addch(&b, ',');
	}
	assert_int_equal(b.len, 21000);
	assert_true(starts_with(b.ptr, "18446744073709551615,18446744073709551615,"));
	buf_free(&b);
}

static void test_strvec(void **state)
{
	(void)state;
	struct strvec sv = STRVEC_INIT;
	assert_null(sv.v[0]);
	strvec_push(&sv, "b");
	strvec_pushf(&sv, "%s", "a");
	for (int i = 0; i < 20; i++)
		strvec_pushf(&sv, "z%02d", i);
	strvec_sort(&sv);
	assert_string_equal(sv.v[0], "a");
	assert_string_equal(sv.v[1], "b");
	assert_true(strvec_contains(&sv, "z19"));
	assert_false(strvec_contains(&sv, "z20"));
	assert_null(sv.v[sv.n]);
	strvec_clear(&sv);
	assert_int_equal(sv.n, 0);
}

/* 17.9: what reaches the terminal cannot drive it. */
static void test_printable(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain caf\xc3\xa9 \\ ok", "plain caf\xc3\xa9 \\ ok" },
		{ "a\nb\tc\rd", "a\\nb\\tc\\x0dd" },
		{ "\x1b]0;owned\x07\x1b[2J", "\\x1b]0;owned\\x07\\x1b[2J" },
		{ "del\x7f c1\xc2\x9b end", "del\\x7f c1\\xc2\\x9b end" },
		{ "bad\xff\xc3", "bad\\xff\\xc3" },
		{ "rtl\xe2\x80\xae" "evil\xe2\x81\xa6", "rtl\\u202eevil\\u2066" },
		{ "nbsp\xc2\xa0ok", "nbsp\xc2\xa0ok" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf b = BUF_INIT, twice = BUF_INIT;
		buf_add_printable(&b, cases[i].in);
		assert_string_equal(b.ptr, cases[i].out);
		buf_add_printable(&twice, b.ptr); /* escaping twice changes nothing */
		assert_string_equal(twice.ptr, b.ptr);
		buf_free(&b);
		buf_free(&twice);
	}
	/* and every message goes through it */
	struct buf captured = BUF_INIT;
	error_capture = &captured;
	error("member '%s'", "pkg/a\ncvenv: hint: run this");
	error_capture = NULL;
	assert_string_equal(captured.ptr, "cvenv: error: member 'pkg/a\\ncvenv: hint: run this'\n");
	buf_free(&captured);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_grows_and_formats),
		cmocka_unit_test(test_buf_embedded_nul),
		cmocka_unit_test(test_path_join),
		cmocka_unit_test(test_buf_set_path),
		cmocka_unit_test(test_dec_u64),
		cmocka_unit_test(test_buf_add_u64),
		cmocka_unit_test(test_strvec),
		cmocka_unit_test(test_printable),
	};
	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
