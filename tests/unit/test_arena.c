/* Unit tests for util/arena. */
#include "unit.h"

#include "util/arena.h"
#include "util/buf.h"

#ifdef CVENV_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* Many strings, over several blocks and one larger than a block: each
 * keeps its bytes while the others are added, and starts on its own. */
static void test_arena_strings_stay(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	enum { N = 5000 };
	char **p = xcalloc(N, sizeof(*p));
	char name[64];
	for (size_t i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "lib/python3.12/site-packages/pkg%zu/m.py", i);
		p[i] = i % 2 ? arena_strdup(&a, name) : arena_strndup(&a, name, strlen(name) - 3);
		assert_int_equal((uintptr_t)p[i] % 8, 0);
	}
	struct buf big = BUF_INIT;
	for (size_t i = 0; i < 100000; i++)
		buf_addch(&big, (char)('a' + i % 26));
	char *b = arena_strndup(&a, big.ptr, big.len);
	for (size_t i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "lib/python3.12/site-packages/pkg%zu/m.py", i);
		if (i % 2 == 0)
			name[strlen(name) - 3] = '\0';
		assert_string_equal(p[i], name);
	}
	assert_string_equal(b, big.ptr);
	assert_string_equal(arena_strndup(&a, "xyz", 0), "");
	arena_free(&a);
	assert_null(a.blocks);
	assert_int_equal(a.left, 0);
	/* usable again after arena_free */
	assert_string_equal(arena_strdup(&a, "again"), "again");
	arena_free(&a);
	arena_free(&a); /* twice: nothing left to free */
	buf_free(&big);
	free(p);
}

/* arena_alloc: room for structs among strings, each aligned to 8 bytes and
 * its own (written whole, the others keep their bytes), and of any size. */
static void test_arena_alloc(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT;
	enum { N = 3000 };
	uint64_t **p = xcalloc(N, sizeof(*p));
	for (size_t i = 0; i < N; i++) {
		(void)arena_strndup(&a, "odd", i % 5);
		p[i] = arena_alloc(&a, (i % 7 + 1) * sizeof(uint64_t));
		assert_int_equal((uintptr_t)p[i] % 8, 0);
		for (size_t k = 0; k <= i % 7; k++)
			p[i][k] = i * 8 + k;
	}
	for (size_t i = 0; i < N; i++)
		for (size_t k = 0; k <= i % 7; k++)
			assert_int_equal(p[i][k], i * 8 + k);
	char *big = arena_alloc(&a, 200000);
	memset(big, 'x', 200000);
	assert_non_null(arena_alloc(&a, 0));
	arena_free(&a);
	free(p);
}

/* Built with ASan, the byte after each string's NUL is poisoned: an
 * overflow into the next string is reported as for a string of its own. */
static void test_arena_asan_gap(void **state)
{
	(void)state;
#ifdef CVENV_ASAN
	struct arena a = ARENA_INIT;
	for (size_t n = 0; n < 40; n++) {
		char *s = arena_strndup(&a, "0123456789012345678901234567890123456789", n);
		assert_false(__asan_address_is_poisoned(s + n));
		assert_true(__asan_address_is_poisoned(s + n + 1));
	}
	arena_free(&a);
#else
	skip();
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_strings_stay),
		cmocka_unit_test(test_arena_alloc),
		cmocka_unit_test(test_arena_asan_gap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
