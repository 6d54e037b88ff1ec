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

#define HEAD "cvenv-cache-entry 1\nkey " KEY "\n"

static void test_refused(void **state)
{
	struct manifest m = MANIFEST_INIT;
	const char ok[] = HEAD "444 1 2 3.000000004 sha256=x a/b\nend\n";
	assert_int_equal(manifest_parse(ok, sizeof(ok) - 1, &m), 0);
	manifest_free(&m);
	refused("");
	refused(HEAD);                                             /* no end: not complete */
	refused(HEAD "end\nmore");                                 /* after the end */
	refused("cvenv-cache-entry 2\nkey " KEY "\nend\n");       /* another format */
	refused("cvenv-cache-entry 1\nkey 0123\nend\n");           /* short key */
	refused("cvenv-cache-entry 1\nkey " "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\nend\n");
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

static void test_path_ok(void **state)
{
	assert_true(manifest_path_ok("a"));
	assert_true(manifest_path_ok("a/b c/.d"));
	assert_false(manifest_path_ok(""));
	assert_false(manifest_path_ok("a/"));
	assert_false(manifest_path_ok(".."));
	assert_false(manifest_path_ok("a/\x1b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_path_ok),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
