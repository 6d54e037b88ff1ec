/* Unit tests for core/tags: the priority order for synthetic interpreter
 * facts. (The integration test t3002-install-tags compares with pip's own
 * packaging.tags for every real interpreter.) */
#include "unit.h"

#include "core/tags.h"
#include "core/wheel.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpython312),
		cmocka_unit_test(test_cpython37_debug),
		cmocka_unit_test(test_pypy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
