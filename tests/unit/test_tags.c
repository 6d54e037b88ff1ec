/* Unit tests for core/tags: the priority order for synthetic interpreter
 * facts, musl ones included. (The integration test t3002-install-tags compares with pip's own
 * packaging.tags for every real interpreter.) */
#include "unit.h"

#include "core/std/tags.h"
#include "core/pkg/wheel.h"
#include "util/strvec.h"

static long index_of(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return (long)i;
	return -1;
}

static void test_cpython312(void **state)
{
	struct tag_facts f = { .impl = "cpython", .major = 3, .minor = 12, .nodot = "312",
			       .ext_suffix = ".cpython-312-x86_64-linux-gnu.so",
			       .platform = "linux-x86_64", .glibc_major = 2, .glibc_minor = 36 };
	struct strvec sv = STRVEC_INIT;
	tags_supported(&f, &sv);
	assert_string_equal(sv.v[0], "cp312-cp312-manylinux_2_36_x86_64");
	long m2014 = index_of(&sv, "cp312-cp312-manylinux2014_x86_64");
	assert_int_equal(index_of(&sv, "cp312-cp312-manylinux_2_17_x86_64") + 1, m2014);
	assert_true(index_of(&sv, "cp312-cp312-manylinux1_x86_64") > m2014);
	assert_true(index_of(&sv, "cp312-cp312-linux_x86_64") <
		    index_of(&sv, "cp312-abi3-manylinux_2_36_x86_64"));
	assert_true(index_of(&sv, "cp312-none-linux_x86_64") < index_of(&sv, "cp311-abi3-linux_x86_64"));
	assert_true(index_of(&sv, "cp32-abi3-linux_x86_64") > 0);
	assert_int_equal(index_of(&sv, "cp31-abi3-linux_x86_64"), -1);
	assert_int_equal(index_of(&sv, "cp312-cp312-manylinux_2_4_x86_64"), -1);
	assert_string_equal(sv.v[sv.n - 1], "py30-none-any");
	long any = index_of(&sv, "cp312-none-any");
	assert_int_equal(index_of(&sv, "py312-none-any"), any + 1);
	assert_true(index_of(&sv, "py3-none-linux_x86_64") < any);

	struct wheel_name wn;
	assert_int_equal(wheel_name_parse("x-1-py2.py3-none-any.whl", &wn), 0);
	assert_int_equal(tags_wheel_rank(&sv, &wn), index_of(&sv, "py3-none-any"));
	wheel_name_free(&wn);
	assert_int_equal(wheel_name_parse("x-1-cp311-cp311-linux_x86_64.whl", &wn), 0);
	assert_int_equal(tags_wheel_rank(&sv, &wn), -1);
	wheel_name_free(&wn);
	strvec_clear(&sv);
}

static void test_cpython37_debug(void **state)
{
	struct tag_facts f = { .impl = "cpython", .major = 3, .minor = 7, .pymalloc = true,
			       .platform = "linux-aarch64", .glibc_major = 2, .glibc_minor = 28 };
	struct strvec sv = STRVEC_INIT;
	tags_supported(&f, &sv);
	assert_string_equal(sv.v[0], "cp37-cp37m-manylinux_2_28_aarch64");
	assert_true(index_of(&sv, "cp37-cp37m-manylinux2014_aarch64") > 0);
	assert_int_equal(index_of(&sv, "cp37-cp37m-manylinux_2_16_aarch64"), -1);
	strvec_clear(&sv);
	f.minor = 9;
	f.debug = true;
	tags_supported(&f, &sv);
	assert_string_equal(sv.v[0], "cp39-cp39d-manylinux_2_28_aarch64");
	assert_true(index_of(&sv, "cp39-cp39-linux_aarch64") > 0);
	strvec_clear(&sv);
}

static void test_pypy(void **state)
{
	struct tag_facts f = { .impl = "pypy", .major = 3, .minor = 9, .nodot = "39",
			       .ext_suffix = ".pypy39-pp73-x86_64-linux-gnu.so",
			       .platform = "linux-x86_64", .glibc_major = 2, .glibc_minor = 36 };
	struct strvec sv = STRVEC_INIT;
	tags_supported(&f, &sv);
	assert_string_equal(sv.v[0], "pp39-pypy39_pp73-manylinux_2_36_x86_64");
	assert_true(index_of(&sv, "pp39-none-linux_x86_64") > 0);
	assert_true(index_of(&sv, "pp3-none-any") > 0);
	assert_int_equal(index_of(&sv, "cp39-abi3-linux_x86_64"), -1);
	strvec_clear(&sv);
}

/* The six platforms of a 32-bit ARM interpreter on a 64-bit kernel with musl
 * 1.1, in packaging's order: musllinux for armv8l from the interpreter's minor
 * down to 0, then for armv7l, then linux_armv8l and linux_armv7l. */
#define ARM_MUSL(p)                                                                      \
	p "-musllinux_1_1_armv8l", p "-musllinux_1_0_armv8l", p "-musllinux_1_1_armv7l",  \
		p "-musllinux_1_0_armv7l", p "-linux_armv8l", p "-linux_armv7l"

/* Every tag, in order, written out from packaging.tags' algorithm: the
 * interpreter's ABI, abi3, none, older abi3 (cp32) on each platform; pyXY,
 * py3 and older pyXY on each platform; then the -any tags. */
static void test_musl_armv8l_full_list(void **state)
{
	static const char *const want[] = {
		ARM_MUSL("cp33-cp33m"), ARM_MUSL("cp33-abi3"), ARM_MUSL("cp33-none"),
		ARM_MUSL("cp32-abi3"),  ARM_MUSL("py33-none"), ARM_MUSL("py3-none"),
		ARM_MUSL("py32-none"),  ARM_MUSL("py31-none"), ARM_MUSL("py30-none"),
		"cp33-none-any",        "py33-none-any",       "py3-none-any",
		"py32-none-any",        "py31-none-any",       "py30-none-any",
	};
	struct tag_facts f = { .impl = "cpython", .major = 3, .minor = 3, .pymalloc = true,
			       .platform = "linux-aarch64", .is32 = true, .musl_major = 1,
			       .musl_minor = 1 };
	struct strvec sv = STRVEC_INIT;
	tags_supported(&f, &sv);
	for (size_t i = 0; i < sv.n && i < ARRAY_SIZE(want); i++)
		if (strcmp(sv.v[i], want[i]))
			fail_msg("tag %zu: want %s, got %s", i, want[i], sv.v[i]);
	assert_int_equal(sv.n, ARRAY_SIZE(want));
	strvec_clear(&sv);
}

static void test_musl_x86_64(void **state)
{
	struct tag_facts f = { .impl = "cpython", .major = 3, .minor = 12, .nodot = "312",
			       .platform = "linux-x86_64", .musl_major = 1, .musl_minor = 2 };
	static const char *const head[] = {
		"cp312-cp312-musllinux_1_2_x86_64", "cp312-cp312-musllinux_1_1_x86_64",
		"cp312-cp312-musllinux_1_0_x86_64", "cp312-cp312-linux_x86_64",
		"cp312-abi3-musllinux_1_2_x86_64",  "cp312-abi3-musllinux_1_1_x86_64",
		"cp312-abi3-musllinux_1_0_x86_64",  "cp312-abi3-linux_x86_64",
		"cp312-none-musllinux_1_2_x86_64",
	};
	struct strvec sv = STRVEC_INIT;
	tags_supported(&f, &sv);
	for (size_t i = 0; i < ARRAY_SIZE(head); i++)
		assert_string_equal(sv.v[i], head[i]);
	for (size_t i = 0; i < sv.n; i++)
		if (strstr(sv.v[i], "manylinux"))
			fail_msg("a musl interpreter with %s", sv.v[i]);
	assert_true(index_of(&sv, "py3-none-musllinux_1_0_x86_64") > 0);
	assert_int_equal(index_of(&sv, "cp312-cp312-musllinux_1_3_x86_64"), -1);
	assert_int_equal(index_of(&sv, "cp312-cp312-musllinux_2_0_x86_64"), -1);

	struct wheel_name wn;
	assert_int_equal(wheel_name_parse("x-1-cp312-cp312-musllinux_1_1_x86_64.whl", &wn), 0);
	assert_int_equal(tags_wheel_rank(&sv, &wn), 1);
	wheel_name_free(&wn);
	assert_int_equal(wheel_name_parse("x-1-cp312-cp312-musllinux_1_3_x86_64.whl", &wn), 0);
	assert_int_equal(tags_wheel_rank(&sv, &wn), -1);
	wheel_name_free(&wn);
	assert_int_equal(wheel_name_parse("x-1-cp312-cp312-manylinux_2_17_x86_64.whl", &wn), 0);
	assert_int_equal(tags_wheel_rank(&sv, &wn), -1);
	wheel_name_free(&wn);
	strvec_clear(&sv);

	/* 32-bit interpreter, 64-bit kernel: i686; musl 1.0 has one musllinux */
	f.is32 = true;
	f.musl_minor = 0;
	tags_supported(&f, &sv);
	assert_string_equal(sv.v[0], "cp312-cp312-musllinux_1_0_i686");
	assert_string_equal(sv.v[1], "cp312-cp312-linux_i686");
	assert_string_equal(sv.v[2], "cp312-abi3-musllinux_1_0_i686");
	strvec_clear(&sv);
}

static void test_musl_pypy_and_glibc(void **state)
{
	struct tag_facts f = { .impl = "pypy", .major = 3, .minor = 10, .nodot = "310",
			       .ext_suffix = ".pypy310-pp73-x86_64-linux-musl.so",
			       .platform = "linux-x86_64", .musl_major = 1, .musl_minor = 2 };
	struct strvec sv = STRVEC_INIT;
	tags_supported(&f, &sv);
	assert_string_equal(sv.v[0], "pp310-pypy310_pp73-musllinux_1_2_x86_64");
	assert_string_equal(sv.v[3], "pp310-pypy310_pp73-linux_x86_64");
	assert_string_equal(sv.v[4], "pp310-none-musllinux_1_2_x86_64");
	strvec_clear(&sv);
	/* glibc facts (and none at all) give no musllinux tag */
	f.musl_major = f.musl_minor = 0;
	f.glibc_major = 2;
	f.glibc_minor = 36;
	for (int pass = 0; pass < 2; pass++) {
		tags_supported(&f, &sv);
		for (size_t i = 0; i < sv.n; i++)
			if (strstr(sv.v[i], "musllinux"))
				fail_msg("%s without musl", sv.v[i]);
		strvec_clear(&sv);
		f.glibc_major = f.glibc_minor = 0;
	}
	/* not Linux: the platform as it is */
	f.platform = "macosx-14.0-arm64";
	f.musl_major = 1;
	tags_supported(&f, &sv);
	assert_string_equal(sv.v[0], "pp310-pypy310_pp73-macosx_14_0_arm64");
	strvec_clear(&sv);
}

/* A wheel's tag triple is compared part by part with each supported tag
 * (issue 18: not built as a string): a part that is a prefix of the
 * supported one, or the other way round, is no match; the best (lowest)
 * index over the compressed sets wins. */
static void test_rank_exact(void **state)
{
	(void)state;
	struct strvec sv = STRVEC_INIT;
	static const char *const tags[] = { "py31-none-any", "py3-none-anyx", "py3-nonex-any",
					    "py-none-any", "py3-none-any", "py3-abi3-any", "" };
	for (size_t i = 0; i < ARRAY_SIZE(tags); i++)
		strvec_push(&sv, tags[i]);
	static const struct {
		const char *file;
		long rank;
	} cases[] = {
		{ "x-1-py3-none-any.whl", 4 },      { "x-1-py3.py31-none-any.whl", 0 },
		{ "x-1-py3-abi3.none-any.whl", 4 }, { "x-1-py3-abi3-any.whl", 5 },
		{ "x-1-py3-none-anyx.whl", 1 },     { "x-1-py-none-any.whl", 3 },
		{ "x-1-py3-none-an.whl", -1 },      { "x-1-py30-none-any.whl", -1 },
		{ "x-1-py3-non-any.whl", -1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct wheel_name wn;
		assert_int_equal(wheel_name_parse(cases[i].file, &wn), 0);
		if (tags_wheel_rank(&sv, &wn) != cases[i].rank)
			fail_msg("%s: rank %ld, not %ld", cases[i].file, tags_wheel_rank(&sv, &wn),
				 cases[i].rank);
		wheel_name_free(&wn);
	}
	strvec_clear(&sv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rank_exact),
		cmocka_unit_test(test_cpython312),
		cmocka_unit_test(test_cpython37_debug),
		cmocka_unit_test(test_pypy),
		cmocka_unit_test(test_musl_armv8l_full_list),
		cmocka_unit_test(test_musl_x86_64),
		cmocka_unit_test(test_musl_pypy_and_glibc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
