/* Unit tests for util/sha256: FIPS 180-4's examples, and the same digest as
 * libcrypto's (core/pkg/record's streaming hash) for every length around the
 * padding's one- and two-block cases. */
#include "unit.h"

#include "core/pkg/record.h"
#include "util/buf.h"
#include "util/sha256.h"

static void hex_of(const unsigned char *md, char out[2 * SHA256_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < SHA256_LEN; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * SHA256_LEN] = '\0';
}

static void test_fips_examples(void **state)
{
	(void)state;
	static const struct {
		const char *text, *hex;
	} cases[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char md[SHA256_LEN];
		char hex[2 * SHA256_LEN + 1];
		sha256_digest(cases[i].text, strlen(cases[i].text), md);
		hex_of(md, hex);
		assert_string_equal(hex, cases[i].hex);
	}
}

static void test_same_as_libcrypto(void **state)
{
	(void)state;
	unsigned char data[300];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(data); i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (unsigned char)(x >> 16);
	}
	for (size_t n = 0; n <= sizeof(data); n++) {
		unsigned char md[SHA256_LEN];
		char hex[2 * SHA256_LEN + 1];
		sha256_digest(data, n, md);
		hex_of(md, hex);
		struct record_hash *h = record_hash_new("sha256");
		assert_non_null(h);
		assert_int_equal(record_hash_update(h, data, n), 0);
		struct buf want = BUF_INIT;
		assert_int_equal(record_hash_finish_hex(h, &want), 0);
		assert_string_equal(hex, want.ptr);
		buf_free(&want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips_examples),
		cmocka_unit_test(test_same_as_libcrypto),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
