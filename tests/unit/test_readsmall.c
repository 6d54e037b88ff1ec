/* Unit tests for os_read_small (os/fs.h): a small file read whole, whatever
 * its size against the read block (16 KiB), the cap as os_read_file's. */
#include "unit.h"

#include "os/fs.h"
#include "util/buf.h"

static void check_size(const char *dir, size_t size)
{
	char *path = path_join(dir, "f");
	char *data = xmalloc(size + 1);
	for (size_t i = 0; i < size; i++)
		data[i] = (char)('a' + i % 26);
	os_unlink(path);
	assert_int_equal(os_write_new(path, data, size, 0644), 0);
	struct buf got = BUF_INIT;
	assert_int_equal(os_read_small(path, 1 << 20, &got), 0);
	assert_int_equal(got.len, size);
	assert_memory_equal(got.ptr, data, size);
	buf_free(&got);
	free(data);
	free(path);
}

static void test_sizes(void **state)
{
	(void)state;
	char *dir = unit_scratch_dir("readsmall-");
	size_t sizes[] = { 0, 1, 185, 16383, 16384, 16385, 32768, 40000 };
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		check_size(dir, sizes[i]);
	os_rm_rf(dir);
	free(dir);
}

static void test_cap_and_missing(void **state)
{
	(void)state;
	char *dir = unit_scratch_dir("readsmall-");
	char *path = path_join(dir, "f"), *none = path_join(dir, "none");
	assert_int_equal(os_write_new(path, "0123456789", 10, 0644), 0);
	struct buf got = BUF_INIT;
	assert_int_equal(os_read_small(path, 9, &got), -1);
	assert_int_equal(errno, EFBIG);
	buf_reset(&got);
	assert_int_equal(os_read_small(none, 9, &got), -1);
	assert_int_equal(errno, ENOENT);
	buf_free(&got);
	os_rm_rf(dir);
	free(none);
	free(path);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_cap_and_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
