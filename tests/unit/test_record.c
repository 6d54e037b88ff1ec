/* Unit tests for core/record: CSV reading as Python's csv module reads pip's
 * RECORD files, writing it back byte for byte as pip does, and the hashes. */
#include "unit.h"

#include "core/pkg/record.h"
#include "util/buf.h"
#include "util/error.h"

/* Error messages go to `unit_errors` during each test (see unit.h). */
#define setup capture_errors_setup
#define teardown capture_errors_teardown

static void test_parse_basic(void **state)
{
	const char text[] = "pip/__init__.py,sha256=abc,123\r\n"
			    "pip-1.0.dist-info/RECORD,,\n"
			    "\n"
			    "\"a,b.py\",sha256=x,1\n"
			    "\"q\"\"uote\",,\n"
			    "only-path\n"
			    "last,sha256=y,2";
	struct record r = RECORD_INIT;
	assert_int_equal(record_parse(text, sizeof(text) - 1, "t", &r), 0);
	assert_int_equal(r.n, 6);
	assert_string_equal(r.rows[0].path, "pip/__init__.py");
	assert_string_equal(r.rows[0].hash, "sha256=abc");
	assert_string_equal(r.rows[0].size, "123");
	assert_string_equal(r.rows[1].hash, "");
	assert_string_equal(r.rows[2].path, "a,b.py");
	assert_string_equal(r.rows[3].path, "q\"uote");
	assert_string_equal(r.rows[4].path, "only-path");
	assert_string_equal(r.rows[4].size, "");
	assert_string_equal(r.rows[5].size, "2");
	assert_non_null(record_find(&r, "a,b.py"));
	assert_null(record_find(&r, "nope"));
	record_free(&r);
}

/* record_find starts after its last find and wraps: every row is found
 * whatever the order of the questions, a missing path is NULL from anywhere,
 * and the rows stay right after a sort moves them. */
static void test_find_any_order(void **state)
{
	struct record r = RECORD_INIT;
	const char *names[] = { "a", "b", "c", "d", "e" };
	for (size_t i = 0; i < 5; i++)
		record_add(&r, names[i], "sha256=h", "1");
	const size_t order[] = { 0, 1, 2, 3, 4, 4, 3, 1, 0, 2, 2, 4, 0 };
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const struct record_row *row = record_find(&r, names[order[i]]);
		assert_non_null(row);
		assert_string_equal(row->path, names[order[i]]);
		assert_null(record_find(&r, "zz"));
		assert_null(record_find(&r, ""));
	}
	record_sort(&r);
	assert_string_equal(record_find(&r, "e")->path, "e");
	assert_string_equal(record_find(&r, "a")->path, "a");
	record_free(&r);
	assert_null(record_find(&r, "a")); /* an emptied record has no rows */
	struct record empty = RECORD_INIT;
	assert_null(record_find(&empty, "a"));
}

/* Comparisons record_find() makes to find each of n rows twice, asked in
 * reverse order (every question a miss of its cursor), as stage and extract
 * ask for the same member. */
static size_t find_cost(size_t n)
{
	struct record r = RECORD_INIT;
	char name[32];
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "pkg/m%06zu.py", i);
		record_add(&r, name, "sha256=h", "1");
	}
	for (size_t i = n; i-- > 0;) {
		snprintf(name, sizeof(name), "pkg/m%06zu.py", i);
		for (int twice = 0; twice < 2; twice++) {
			const struct record_row *row = record_find(&r, name);
			assert_non_null(row);
			assert_string_equal(row->path, name);
		}
	}
	size_t c = r.compares;
	record_free(&r);
	return c;
}

/* Finding every member is O(n log n), not O(n^2) (issue 17.3): 4x the rows
 * cost at most 5x the comparisons. */
static void test_find_cost_linear(void **state)
{
	size_t small = find_cost(4000), big = find_cost(16000);
	assert_true(small <= 4000 * 2 * 20);
	assert_true(big <= 5 * small);
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = { "a,b,c,d\n", "\"unterminated,,\n", ",sha256=x,1\n" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct record r = RECORD_INIT;
		if (record_parse(bad[i], strlen(bad[i]), "t", &r) == 0)
			fail_msg("accepted %s", bad[i]);
		record_free(&r);
	}
	struct record r = RECORD_INIT;
	const char nul[] = "a\0b,,\n";
	assert_int_equal(record_parse(nul, sizeof(nul) - 1, "t", &r), -1);
	record_free(&r);
}

static void test_format_roundtrip(void **state)
{
	struct record r = RECORD_INIT;
	record_add(&r, "z.py", "sha256=1", "5");
	record_add(&r, "../../../bin/tool", "sha256=2", "7");
	record_add(&r, "a,b", "", "");
	record_add(&r, "pkg-1.dist-info/RECORD", "", "");
	record_sort(&r);
	struct buf out = BUF_INIT;
	record_format(&r, &out);
	assert_string_equal(out.ptr, "../../../bin/tool,sha256=2,7\r\n"
				     "\"a,b\",,\r\n"
				     "pkg-1.dist-info/RECORD,,\r\n"
				     "z.py,sha256=1,5\r\n");
	struct record back = RECORD_INIT;
	assert_int_equal(record_parse(out.ptr, out.len, "t", &back), 0);
	assert_int_equal(back.n, 4);
	assert_string_equal(back.rows[1].path, "a,b");
	record_free(&back);
	record_free(&r);
	buf_free(&out);
}

/* record_format_row_sized writes what record_format_row does with the size
 * in decimal (or no size), quoting included. */
static void test_format_row_sized(void **state)
{
	static const struct {
		const char *path, *hash;
		uint64_t size;
		bool sized;
	} rows[] = {
		{ "pkg/a.py", "sha256=x", 5, true },
		{ "pkg/a.py", "sha256=x", 0, true },
		{ "pkg/RECORD", "", 0, false },
		{ "a,b", "sha256=x", 18446744073709551615ull, true },
		{ "a\"b", "", 12, true },
		{ "pkg/x", "h,1", 7, true },
		{ "line\nbreak", "h", 1, false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct buf a = BUF_INIT, b = BUF_INIT;
		char sz[32] = "";
		if (rows[i].sized)
			snprintf(sz, sizeof(sz), "%llu", (unsigned long long)rows[i].size);
		buf_addstr(&a, "x");
		buf_addstr(&b, "x");
		record_format_row(&a, rows[i].path, rows[i].hash, sz);
		record_format_row_sized(&b, rows[i].path, rows[i].hash, rows[i].size, rows[i].sized);
		assert_string_equal(a.ptr, b.ptr);
		assert_int_equal(a.len, b.len);
		buf_free(&a);
		buf_free(&b);
	}
	struct buf c = BUF_INIT;
	record_format_row_sized(&c, "a,b", "sha256=x", 42, true);
	assert_string_equal(c.ptr, "\"a,b\",sha256=x,42\r\n");
	buf_free(&c);
}

static void test_hashes(void **state)
{
	struct buf h = BUF_INIT;
	/* python3 -c "import hashlib,base64;print(base64.urlsafe_b64encode(
	 *   hashlib.sha256(b'').digest()).rstrip(b'='))" */
	record_hash_data("", 0, &h);
	assert_string_equal(h.ptr, "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
	buf_reset(&h);
	record_hash_data("hello\n", 6, &h);
	assert_string_equal(h.ptr, "sha256=WJG1tSLV3whtD_CxEPvZ0hu0_HFjrzTQgoai6Eb2vgM");
	buf_reset(&h);
	struct record_hash *x = record_hash_new("sha512");
	assert_non_null(x);
	record_hash_update(x, "a", 1);
	record_hash_finish(x, &h);
	assert_true(starts_with(h.ptr, "sha512="));
	assert_int_equal(h.len, 7 + 86);
	assert_null(record_hash_new("md5"));
	assert_null(record_hash_new("sha1"));
	buf_free(&h);
}

/* The FIPS 180-2 example vectors ("abc", the 448-bit two-block message, a
 * million 'a's fed in uneven pieces) for every accepted algorithm, as hex;
 * the same values as python3 -c "import hashlib; print(hashlib.new(ALGO,
 * MSG).hexdigest())". Two hashes in a row check the reused context. */
static void test_digest_vectors(void **state)
{
	static const struct {
		const char *algo, *abc, *two, *million;
	} v[] = {
		{ "sha224", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
		  "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525",
		  "20794655980c91d8bbb4c1ea97618a4bf03f42581948b2ee4ee7ad67" },
		{ "sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
		  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
		{ "sha384",
		  "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
		  "8086072ba1e7cc2358baeca134c825a7",
		  "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6"
		  "b0455a8520bc4e6f5fe95b1fe3c8452b",
		  "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b"
		  "07b8b3dc38ecc4ebae97ddd87f3d8985" },
		{ "sha512",
		  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
		  "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
		  "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445",
		  "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
		  "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b" },
	};
	static const char two[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char as[1000];
	memset(as, 'a', sizeof(as));
	struct buf h = BUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		struct record_hash *x = record_hash_new(v[i].algo);
		assert_non_null(x);
		record_hash_update(x, "abc", 3);
		assert_int_equal(record_hash_finish_hex(x, &h), 0);
		assert_string_equal(h.ptr, v[i].abc);
		buf_reset(&h);
		x = record_hash_new(v[i].algo);
		record_hash_update(x, two, 5);
		record_hash_update(x, two + 5, sizeof(two) - 1 - 5);
		record_hash_finish_hex(x, &h);
		assert_string_equal(h.ptr, v[i].two);
		buf_reset(&h);
		x = record_hash_new(v[i].algo);
		for (size_t fed = 0, step = 1; fed < 1000000; fed += step, step = step % 997 + 1)
			record_hash_update(x, as, fed + step > 1000000 ? 1000000 - fed : step);
		record_hash_finish_hex(x, &h);
		assert_string_equal(h.ptr, v[i].million);
		buf_reset(&h);
	}
	/* the RECORD form of sha256("abc"): urlsafe base64, no padding */
	struct record_hash *x = record_hash_new("sha256");
	record_hash_update(x, "abc", 3);
	record_hash_finish(x, &h);
	assert_string_equal(h.ptr, "sha256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
	buf_reset(&h);
	record_hash_data("abc", 3, &h);
	assert_string_equal(h.ptr, "sha256=ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
	buf_free(&h);
}

/* record_sort keeps a sorted head and merges the sorted tail into it: every
 * shape (sorted, reversed, a tail before, inside and after the head, equal
 * paths told apart by hash and size) ends in the order of a full sort. */
static void test_sort_merges_tail(void **state)
{
	static const char *const cases[][8] = {
		{ "a", "b", "c", "d", NULL },
		{ "d", "c", "b", "a", NULL },
		{ "b", "c", "e", "f", "../bin/x", "d", "a", NULL },
		{ "b", "c", "z", "a", "b", NULL },
		{ "x", NULL },
		{ "m", "m", "m", "a", "m", NULL },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct record r = RECORD_INIT;
		size_t n = 0;
		for (; cases[c][n]; n++) {
			char size[4] = { (char)('0' + (int)((n * 7) % 10)), '\0' };
			record_add(&r, cases[c][n], n % 2 ? "sha256=b" : "sha256=a", size);
		}
		record_sort(&r);
		assert_int_equal(r.n, n);
		for (size_t i = 1; i < r.n; i++) {
			const struct record_row *x = &r.rows[i - 1], *y = &r.rows[i];
			int k = strcmp(x->path, y->path);
			if (!k)
				k = strcmp(x->hash, y->hash);
			if (!k)
				k = strcmp(x->size, y->size);
			assert_true(k <= 0);
		}
		record_free(&r);
	}
}

/* A head's state reused: the same digest as hashing the whole text, for
 * heads and texts of every length around the block, and for texts that do
 * not begin with the head (hashed whole). */
static void test_head_hash(void **state)
{
	char text[300], other[300];
	for (size_t i = 0; i < sizeof(text); i++) {
		text[i] = (char)('a' + i % 26);
		other[i] = (char)('A' + i % 26);
	}
	for (size_t hn = 0; hn <= 200; hn += 7) {
		struct record_head_hash *hh = record_head_hash_new(text, hn);
		for (size_t n = 0; n <= sizeof(text); n += 13) {
			struct buf want = BUF_INIT, got = BUF_INIT;
			record_hash_data(text, n, &want);
			assert_int_equal(record_hash_data_head(hh, text, n, &got), 0);
			assert_string_equal(got.ptr, want.ptr);
			buf_reset(&want);
			buf_reset(&got);
			record_hash_data(other, n, &want);
			assert_int_equal(record_hash_data_head(hh, other, n, &got), 0);
			assert_string_equal(got.ptr, want.ptr);
			buf_free(&want);
			buf_free(&got);
		}
		record_head_hash_free(hh);
	}
	struct buf h = BUF_INIT;
	record_hash_data_head(NULL, "hello\n", 6, &h);
	assert_string_equal(h.ptr, "sha256=WJG1tSLV3whtD_CxEPvZ0hu0_HFjrzTQgoai6Eb2vgM");
	buf_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_basic),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_find_any_order),
		cmocka_unit_test(test_find_cost_linear),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_format_row_sized),
		cmocka_unit_test(test_sort_merges_tail),
		cmocka_unit_test(test_hashes),
		cmocka_unit_test(test_digest_vectors),
		cmocka_unit_test(test_head_hash),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
