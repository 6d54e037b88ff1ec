/* Unit tests for core/pkg/cachemanifest: the seal of a wheel-cache entry
 * round-trips, and anything that is not exactly a seal is refused (an
 * unsealed entry is then re-hashed in full). */
#include "unit.h"

#include "core/pkg/cachemanifest.h"
#include "util/buf.h"

#define KEY "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static struct manifest sample(void)
{
	struct manifest m = MANIFEST_INIT;
	memcpy(m.key, KEY, 65);
	struct manifest_row a = { "pkg/z.py", "sha256=zz", 0444, 3, 17, 1700000000, 5 };
	struct manifest_row b = { "pkg/a file.py", "sha256=aa", 0555, 0, 18, 0, 999999999 };
	manifest_add(&m, &a);
	manifest_add(&m, &b);
	manifest_sort(&m);
	return m;
}

static void test_roundtrip(void **state)
{
	struct manifest m = sample(), again = MANIFEST_INIT;
	struct buf t = BUF_INIT;
	manifest_format(&m, &t);
	assert_int_equal(manifest_parse(t.ptr, t.len, &again), 0);
	assert_string_equal(again.key, KEY);
	assert_int_equal(again.n, 2);
	const struct manifest_row *r = manifest_find(&again, "pkg/a file.py");
	assert_non_null(r);
	assert_int_equal(r->mode, 0555);
	assert_int_equal(r->mtime_nsec, 999999999);
	r = manifest_find(&again, "pkg/z.py");
	assert_non_null(r);
	assert_int_equal(r->size, 3);
	assert_int_equal(r->ino, 17);
	assert_int_equal(r->mtime_sec, 1700000000);
	assert_string_equal(r->hash, "sha256=zz");
	assert_null(manifest_find(&again, "pkg/b.py"));
	manifest_free(&again);
	manifest_free(&m);
	buf_free(&t);
}

static void refused(const char *text)
{
	struct manifest m = MANIFEST_INIT;
	if (manifest_parse(text, strlen(text), &m) == 0)
		fail_msg("accepted: %s", text);
}

#define HEAD "cvenv-cache-entry 2\nkey " KEY "\n"

static void test_refused(void **state)
{
	struct manifest m = MANIFEST_INIT;
	const char ok[] = HEAD "444 1 2 3.000000004 sha256=x a/b\nend\n";
	assert_int_equal(manifest_parse(ok, sizeof(ok) - 1, &m), 0);
	manifest_free(&m);
	refused("");
	refused(HEAD);                                             /* no end: not complete */
	refused(HEAD "end\nmore");                                 /* after the end */
	refused("cvenv-cache-entry 3\nkey " KEY "\nend\n");       /* another format */
	refused("cvenv-cache-entry 2\nkey 0123\nend\n");           /* short key */
	refused("cvenv-cache-entry 2\nkey " "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\nend\n");
	refused(HEAD "444 1 2 3.4 sha256=x ../b\nend\n");          /* leaves the entry */
	refused(HEAD "444 1 2 3.4 sha256=x /etc/passwd\nend\n");
	refused(HEAD "444 1 2 3.4 sha256=x a//b\nend\n");
	refused(HEAD "444 1 2 3.4 sha256=x a/./b\nend\n");
	refused(HEAD "444 1 2 3.4 sha256=x a\rb\nend\n");
	refused(HEAD "444 1 2 3.4 sha256=x b\n444 1 2 3.4 sha256=x a\nend\n"); /* unsorted */
	refused(HEAD "444 1 2 3.4 sha256=x a\n444 1 2 3.4 sha256=x a\nend\n"); /* twice */
	refused(HEAD "888 1 2 3.4 sha256=x a\nend\n");             /* not octal */
	refused(HEAD "17777 1 2 3.4 sha256=x a\nend\n");           /* mode too big */
	refused(HEAD "444 99999999999999999999 2 3.4 sha256=x a\nend\n"); /* overflow */
	refused(HEAD "444 1 2 3.1000000000 sha256=x a\nend\n");    /* nsec too big */
	refused(HEAD "444 -1 2 3.4 sha256=x a\nend\n");
	refused(HEAD "444 1 2 3.4 sha256=x\nend\n");               /* no path */
	refused(HEAD "444 1 2 3.4  a\nend\n");                     /* no hash */
	const char nul[] = HEAD "444 1 2 3.4 sha256=x a\0b\nend\n";
	assert_int_equal(manifest_parse(nul, sizeof(nul) - 1, &m), -1);
}

/* The numbers of a row, read eight digits at a time where they can be:
 * every length up to the 20 digits of UINT64_MAX reads as strtoull reads
 * it, a byte that is not a digit at any offset is refused, and so is a
 * value one past the field's maximum. */
static void test_numbers(void **state)
{
	const char digits[] = "98765432109876543210";
	for (size_t n = 1; n <= 20; n++) {
		char num[24], text[256];
		memcpy(num, digits, n);
		num[n] = '\0';
		unsigned long long want = strtoull(num, NULL, 10);
		bool fits = n < 20; /* 98765432109876543210 is past UINT64_MAX */
		snprintf(text, sizeof(text), HEAD "444 %s %s 3.4 sha256=x a\nend\n", num, num);
		struct manifest m = MANIFEST_INIT;
		assert_int_equal(manifest_parse(text, strlen(text), &m), fits ? 0 : -1);
		if (fits) {
			assert_true(m.rows[0].size == want);
			assert_true(m.rows[0].ino == want);
		}
		manifest_free(&m);
		/* a bad byte at each offset: ':' and '/' border the digits */
		static const char bad[] = { ':', '/', 'a', ' ', '\x80', '\xb3', '\x13', '\0' };
		for (size_t at = 0; at < n && fits; at++)
			for (size_t b = 0; b < ARRAY_SIZE(bad); b++) {
				char f[24];
				memcpy(f, num, n + 1);
				f[at] = bad[b];
				struct buf t = BUF_INIT;
				buf_addstr(&t, HEAD "444 1 ");
				buf_add(&t, f, n);
				buf_addstr(&t, " 3.4 sha256=x a\nend\n");
				if (manifest_parse(t.ptr, t.len, &m) == 0)
					fail_msg("accepted byte %#x at %zu of %s", (unsigned char)bad[b],
						 at, num);
				buf_free(&t);
			}
	}
	const char max[] = HEAD "444 18446744073709551615 00000000000000000001 "
				"9223372036854775807.999999999 sha256=x a\nend\n";
	struct manifest m = MANIFEST_INIT;
	assert_int_equal(manifest_parse(max, sizeof(max) - 1, &m), 0);
	assert_true(m.rows[0].size == UINT64_MAX);
	assert_true(m.rows[0].ino == 1);
	assert_true(m.rows[0].mtime_sec == INT64_MAX);
	assert_true(m.rows[0].mtime_nsec == 999999999);
	manifest_free(&m);
	refused(HEAD "444 18446744073709551616 1 3.4 sha256=x a\nend\n");
	refused(HEAD "444 1 000000000000000000001 3.4 sha256=x a\nend\n"); /* 21 digits */
	refused(HEAD "444 1 1 9223372036854775808.4 sha256=x a\nend\n");
	refused(HEAD "444 1 1 3.1000000000 sha256=x a\nend\n");
	refused(HEAD "444 1 12345678"); /* the text ends in the number */
}

/* A bad byte anywhere in a long hash or path, at every offset (the row
 * checks go eight bytes at a time), is refused; bytes above DEL are not. */
static void test_bad_byte_anywhere(void **state)
{
	(void)state;
	const char bad[] = { 0x01, 0x1f, 0x7f, ' ', '\0' };
	const char *hash = "sha256=0123456789abcdefghijklmnopqrstuvwxyz", *path = "pkg/mod/abcdefghijklmnopq.py";
	for (size_t which = 0; which < 2; which++) {
		const char *field = which ? path : hash;
		for (size_t at = 0; at < strlen(field); at++)
			for (size_t b = 0; b < ARRAY_SIZE(bad); b++) {
				char f[64];
				struct buf t = BUF_INIT;
				struct manifest m = MANIFEST_INIT;
				memcpy(f, field, strlen(field) + 1);
				f[at] = bad[b];
				size_t n = strlen(field); /* f may hold a NUL now */
				buf_addstr(&t, HEAD "444 1 2 3.4 ");
				buf_add(&t, which ? hash : f, which ? strlen(hash) : n);
				buf_addch(&t, ' ');
				buf_add(&t, which ? f : path, which ? n : strlen(path));
				buf_addstr(&t, "\nend\n");
				/* a space ends the hash (the rest joins the path), and
				 * is a byte like any in a path: refused only when the
				 * hash is left empty */
				bool ok = bad[b] == ' ' && (which || at > 0);
				assert_int_equal(manifest_parse(t.ptr, t.len, &m), ok ? 0 : -1);
				manifest_free(&m);
				buf_free(&t);
			}
	}
	struct buf t = BUF_INIT;
	struct manifest m = MANIFEST_INIT;
	buf_addstr(&t, HEAD "444 1 2 3.4 sha256=x pkg/\xc3\xa9t\xc3\xa9\x80\xff.py\nend\n");
	assert_int_equal(manifest_parse(t.ptr, t.len, &m), 0);
	manifest_free(&m);
	buf_free(&t);
}

/* The wheel block (issue 18): everything an install needs of the wheel, so
 * that a cache hit never opens the zip. */
static struct manifest_info *sample_info(void)
{
	struct manifest_info *in = manifest_info_new();
	in->dist_info = xstrdup("my_pkg-1.0.dist-info");
	in->name = xstrdup("My.Pkg");
	in->version = xstrdup("1.0+local");
	in->requires_python = xstrdup(">=3.8, <4");
	strvec_push(&in->requires_dist, "dep>=1; extra == 'x y'");
	strvec_push(&in->requires_dist, "odd%\x01\x7f\xc3\xa9");
	in->wheel_version[0] = 1;
	in->wheel_version[1] = 0;
	in->root_is_purelib = true;
	in->eps.v = xcalloc(2, sizeof(*in->eps.v));
	in->eps.v[0] = (struct entry_point){ xstrdup("tool"), xstrdup("my_pkg.cli"),
					     xstrdup("main"), false };
	in->eps.v[1] = (struct entry_point){ xstrdup("gui-tool"), xstrdup("my_pkg"), xstrdup(""),
					     true };
	in->eps.n = 2;
	return in;
}

static void test_info_roundtrip(void **state)
{
	struct manifest m = sample(), again = MANIFEST_INIT;
	struct buf t = BUF_INIT;
	m.info = sample_info();
	manifest_format(&m, &t);
	assert_non_null(strstr(t.ptr, "requires-python >=3.8,%20<4\n"));
	assert_non_null(strstr(t.ptr, "odd%25%01%7F\xc3\xa9\n"));
	assert_non_null(strstr(t.ptr, "entry-point gui gui-tool my_pkg \n"));
	assert_int_equal(manifest_parse(t.ptr, t.len, &again), 0);
	assert_non_null(again.info);
	assert_int_equal(again.n, 2);
	const struct manifest_info *a = again.info, *b = m.info;
	assert_string_equal(a->dist_info, b->dist_info);
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->version, b->version);
	assert_string_equal(a->requires_python, b->requires_python);
	assert_int_equal(a->requires_dist.n, 2);
	assert_string_equal(a->requires_dist.v[0], b->requires_dist.v[0]);
	assert_string_equal(a->requires_dist.v[1], b->requires_dist.v[1]);
	assert_int_equal(a->wheel_version[0], 1);
	assert_true(a->root_is_purelib);
	assert_int_equal(a->eps.n, 2);
	assert_string_equal(a->eps.v[0].module, "my_pkg.cli");
	assert_string_equal(a->eps.v[1].attr, "");
	assert_true(a->eps.v[1].gui);
	assert_false(a->eps.v[0].gui);
	manifest_free(&again);
	/* without Requires-Python, Requires-Dist or entry points */
	free(m.info->requires_python);
	m.info->requires_python = NULL;
	strvec_clear(&m.info->requires_dist);
	entry_points_free(&m.info->eps);
	buf_reset(&t);
	manifest_format(&m, &t);
	assert_int_equal(manifest_parse(t.ptr, t.len, &again), 0);
	assert_null(again.info->requires_python);
	assert_int_equal(again.info->requires_dist.n, 0);
	assert_int_equal(again.info->eps.n, 0);
	manifest_free(&again);
	manifest_free(&m);
	buf_free(&t);
}

#define INFO "dist-info p-1.dist-info\nname p\nversion 1\n"
#define TAIL "wheel-version 1 0\nroot-is-purelib 1\n"

static void test_info_refused(void **state)
{
	struct manifest m = MANIFEST_INIT;
	const char ok[] = HEAD INFO "requires-dist a\n" TAIL "entry-point console t m f\nend\n";
	assert_int_equal(manifest_parse(ok, sizeof(ok) - 1, &m), 0);
	assert_non_null(m.info);
	manifest_free(&m);
	/* format 1 (before the wheel block) still reads, without a block */
	const char v1[] = "cvenv-cache-entry 1\nkey " KEY "\n444 1 2 3.4 sha256=x a\nend\n";
	assert_int_equal(manifest_parse(v1, sizeof(v1) - 1, &m), 0);
	assert_null(m.info);
	manifest_free(&m);
	refused("cvenv-cache-entry 1\nkey " KEY "\n" INFO TAIL "end\n"); /* no block in 1 */
	refused(HEAD "name p\nversion 1\n" TAIL "end\n");               /* no dist-info */
	refused(HEAD "dist-info p-1.dist-info\nversion 1\n" TAIL "end\n"); /* no name */
	refused(HEAD INFO "end\n");                                       /* no wheel-version */
	refused(HEAD INFO "wheel-version 1 0\nend\n");                    /* no purelib */
	refused(HEAD INFO TAIL TAIL "end\n");                              /* twice */
	refused(HEAD INFO "requires-dist a\nrequires-python >3\n" TAIL "end\n"); /* order */
	refused(HEAD "dist-info p-1.dist-info\nname \nversion 1\n" TAIL "end\n"); /* empty */
	refused(HEAD INFO "requires-dist a b\n" TAIL "end\n");           /* raw space */
	refused(HEAD INFO "requires-dist a\tb\n" TAIL "end\n");         /* raw control */
	refused(HEAD INFO "requires-dist a%41\n" TAIL "end\n");          /* needless escape */
	refused(HEAD INFO "requires-dist a%2\n" TAIL "end\n");           /* short escape */
	refused(HEAD INFO "requires-dist a%2g\n" TAIL "end\n");
	refused(HEAD INFO "requires-dist a%0a\n" TAIL "end\n");          /* lower-case hex */
	refused(HEAD INFO "requires-dist a%00\n" TAIL "end\n");          /* NUL */
	refused(HEAD INFO "wheel-version 1\nroot-is-purelib 1\nend\n");
	refused(HEAD INFO "wheel-version 1 0 0\nroot-is-purelib 1\nend\n");
	refused(HEAD INFO "wheel-version 1 9999999\nroot-is-purelib 1\nend\n"); /* too big */
	refused(HEAD INFO "wheel-version -1 0\nroot-is-purelib 1\nend\n");
	refused(HEAD INFO "wheel-version 1 0\nroot-is-purelib 2\nend\n");
	refused(HEAD INFO TAIL "entry-point shell t m f\nend\n");        /* unknown kind */
	refused(HEAD INFO TAIL "entry-point console t m\nend\n");         /* a field short */
	refused(HEAD INFO TAIL "entry-point console  m f\nend\n");        /* empty name */
	refused(HEAD INFO TAIL "entry-point console t  f\nend\n");        /* empty module */
	refused(HEAD INFO TAIL "entry-point console t m f g\nend\n");     /* raw space in attr */
	refused(HEAD INFO TAIL "444 1 2 3.4 sha256=x a\nentry-point console t m f\nend\n");
}

/* The wheel block's values are decoded in the seal's own text, behind the
 * line read (issue 18): values longer than the header before them, full of
 * escapes, come back whole, and a value bad past the header's length is
 * refused, not read again over what its decoding wrote. */
static void test_info_in_place(void **state)
{
	struct manifest m = sample(), again = MANIFEST_INIT;
	struct buf t = BUF_INIT, longv = BUF_INIT;
	for (int i = 0; i < 300; i++)
		buf_addstr(&longv, i % 3 ? "a" : "% \x01");
	m.info = sample_info();
	free(m.info->name);
	m.info->name = xstrdup(longv.ptr);
	strvec_push(&m.info->requires_dist, longv.ptr);
	free(m.info->eps.v[0].attr);
	m.info->eps.v[0].attr = xstrdup(longv.ptr);
	manifest_format(&m, &t);
	assert_int_equal(manifest_parse(t.ptr, t.len, &again), 0);
	assert_string_equal(again.info->name, longv.ptr);
	assert_string_equal(again.info->dist_info, "my_pkg-1.0.dist-info");
	assert_int_equal(again.info->requires_dist.n, 3);
	assert_string_equal(again.info->requires_dist.v[1], "odd%\x01\x7f\xc3\xa9");
	assert_string_equal(again.info->requires_dist.v[2], longv.ptr);
	assert_string_equal(again.info->eps.v[0].attr, longv.ptr);
	assert_string_equal(again.info->eps.v[1].name, "gui-tool");
	assert_string_equal(again.rows[0].path, "pkg/a file.py");
	assert_string_equal(again.rows[1].hash, "sha256=zz");
	manifest_free(&again);
	/* each of those values bad at its end, after 200 good bytes */
	static const char *const lines[] = { "name ", "requires-python ", "requires-dist ",
					     "entry-point console t m " };
	for (size_t k = 0; k < ARRAY_SIZE(lines); k++) {
		buf_reset(&t);
		buf_addstr(&t, HEAD);
		buf_addstr(&t, k ? INFO : "dist-info p-1.dist-info\n");
		if (k == 3)
			buf_addstr(&t, TAIL);
		buf_addstr(&t, lines[k]);
		for (int i = 0; i < 200; i++)
			buf_addstr(&t, "b%25");
		buf_addstr(&t, "%0a\n");
		if (k == 0)
			buf_addstr(&t, "version 1\n");
		if (k && k < 3)
			buf_addstr(&t, TAIL);
		buf_addstr(&t, "end\n");
		refused(t.ptr);
	}
	manifest_free(&m);
	buf_free(&t);
	buf_free(&longv);
}

/* The parse keeps the rows and the wheel block's lists on the stack up to
 * what most wheels have, then on the heap (issue 18): past those sizes,
 * every row, Requires-Dist and entry point still comes back in order. */
static void test_many(void **state)
{
	struct manifest m = MANIFEST_INIT, again = MANIFEST_INIT;
	struct buf t = BUF_INIT;
	char path[32], v[32];
	memcpy(m.key, KEY, 65);
	for (int i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "p/m%03d.py", i);
		struct manifest_row r = { path, "sha256=x", 0444, (uint64_t)i, 7, 1, 2 };
		manifest_add(&m, &r);
	}
	manifest_sort(&m);
	m.info = sample_info();
	entry_points_free(&m.info->eps);
	m.info->eps.v = xcalloc(40, sizeof(*m.info->eps.v));
	for (int i = 0; i < 40; i++) {
		snprintf(v, sizeof(v), "dep%d>=1", i);
		strvec_push(&m.info->requires_dist, v);
		snprintf(v, sizeof(v), "tool%d", i);
		m.info->eps.v[i] = (struct entry_point){ xstrdup(v), xstrdup("m"), xstrdup("f"),
							 i % 2 == 1 };
	}
	m.info->eps.n = 40;
	manifest_format(&m, &t);
	assert_int_equal(manifest_parse(t.ptr, t.len, &again), 0);
	assert_int_equal(again.n, 100);
	for (size_t i = 0; i < 100; i++) {
		assert_string_equal(again.rows[i].path, m.rows[i].path);
		assert_int_equal(again.rows[i].size, m.rows[i].size);
		assert_ptr_equal(manifest_find(&again, m.rows[i].path), &again.rows[i]);
	}
	assert_int_equal(again.info->requires_dist.n, 42);
	assert_null(again.info->requires_dist.v[42]);
	for (size_t i = 0; i < 42; i++)
		assert_string_equal(again.info->requires_dist.v[i], m.info->requires_dist.v[i]);
	assert_int_equal(again.info->eps.n, 40);
	for (size_t i = 0; i < 40; i++) {
		assert_string_equal(again.info->eps.v[i].name, m.info->eps.v[i].name);
		assert_int_equal(again.info->eps.v[i].gui, m.info->eps.v[i].gui);
	}
	manifest_free(&again);
	manifest_free(&m);
	buf_free(&t);
}

/* A parsed seal's rows array holds its rows and no more, and of its text
 * only the rows' hashes and paths are kept (a seal is parsed per wheel of
 * a warm install: 64 rows reserved per seal were most of the heap, each
 * page of it a page fault, issue 18). */
static void test_rows_sized(void **state)
{
	struct manifest m = MANIFEST_INIT;
	const char three[] = HEAD INFO "requires-dist a\n" TAIL "entry-point console t m f\n"
			     "444 1 2 3.4 sha256=x a\n444 1 2 3.4 sha256=x b\n"
			     "444 1 2 3.4 sha256=x c/d\nend\n";
	assert_int_equal(manifest_parse(three, sizeof(three) - 1, &m), 0);
	assert_int_equal(m.n, 3);
	assert_int_equal(m.cap, 3);
	assert_string_equal(m.rows[2].path, "c/d");
	/* the text kept is the rows' hash and path, packed from its start */
	const char *at = m.block;
	for (size_t i = 0; i < 3; i++) {
		assert_ptr_equal(m.rows[i].hash, at);
		assert_string_equal(m.rows[i].hash, "sha256=x");
		assert_ptr_equal(m.rows[i].path, at + strlen("sha256=x") + 1);
		at = m.rows[i].path + strlen(m.rows[i].path) + 1;
	}
	assert_string_equal(m.rows[0].path, "a");
	assert_string_equal(m.rows[1].path, "b");
	assert_non_null(manifest_find(&m, "c/d"));
	manifest_free(&m);
	const char none[] = HEAD "end\n";
	assert_int_equal(manifest_parse(none, sizeof(none) - 1, &m), 0);
	assert_int_equal(m.n, 0);
	assert_int_equal(m.cap, 0);
	manifest_free(&m);
}

static void test_path_ok(void **state)
{
	assert_true(manifest_path_ok("a"));
	assert_true(manifest_path_ok("a/b c/.d"));
	assert_false(manifest_path_ok(""));
	assert_false(manifest_path_ok("a/"));
	assert_false(manifest_path_ok(".."));
	assert_false(manifest_path_ok("a/\x1b"));
}

/* A key is 64 lower-case hex digits: every byte value at every position
 * (the check reads eight bytes a step). */
static void test_is_key(void **state)
{
	char k[65];
	memcpy(k, KEY, 65);
	assert_true(manifest_is_key(k, 64));
	assert_false(manifest_is_key(k, 63));
	assert_false(manifest_is_key(k, 65));
	for (int i = 0; i < 64; i++)
		for (int b = 0; b < 256; b++) {
			memcpy(k, KEY, 65);
			k[i] = (char)b;
			bool hex = (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f');
			if (manifest_is_key(k, 64) != hex)
				fail_msg("byte 0x%02x at %d", b, i);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_bad_byte_anywhere),
		cmocka_unit_test(test_info_roundtrip),
		cmocka_unit_test(test_info_refused),
		cmocka_unit_test(test_info_in_place),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_rows_sized),
		cmocka_unit_test(test_path_ok),
		cmocka_unit_test(test_is_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
