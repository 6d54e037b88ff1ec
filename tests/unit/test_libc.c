/* Unit tests for core/libc: the musl loader's banner, musl detection from an
 * executable's ELF interpreter (fake executables whose interpreter is a
 * script printing a banner), and interp_add_native_facts, which records the
 * answer in an interpreter's facts. */
#include "unit.h"

#include <jansson.h>

#include "core/interp/interp.h"
#include "core/interp/libc.h"
#include "core/std/tags.h"
#include "elf_image.h"
#include "os/fs.h"

#include <unistd.h>

static const struct {
	const char *text;
	int major, minor; /* major -1: not a banner */
} banners[] = {
	{ "musl libc (x86_64)\nVersion 1.2.4\nDynamic Program Loader\n"
	  "Usage: /lib/ld-musl-x86_64.so.1 [options] [--] pathname [args]\n", 1, 2 },
	{ "musl libc (aarch64)\nVersion 1.1.24\nDynamic Program Loader\n", 1, 1 },
	{ "musl libc (x86_64)\nVersion 1.2", 1, 2 },
	{ "\n  musl libc (x86_64)  \n\n\t \nVersion 1.2.2\n", 1, 2 },
	{ "musl libc\r\nVersion 1.2.3\r\n", 1, 2 },
	{ "musl libc\rVersion 1.2.3\r", 1, 2 },
	{ "musl libc\f\vVersion 1.2.3", 1, 2 },
	{ "musl\nVersion 2.0", 2, 0 },
	{ "muslish\nVersion 12.34.5", 12, 34 },
	{ "musl libc\nVersion 1.2abc", 1, 2 },
	{ "musl libc\n   Version 1.2", 1, 2 },
	{ "", -1, 0 },
	{ "\n\n\n", -1, 0 },
	{ "musl libc (x86_64)\n", -1, 0 },
	{ "Version 1.2.4\nmusl libc (x86_64)\n", -1, 0 },
	{ "Musl libc\nVersion 1.2.4\n", -1, 0 },
	{ "mus\nVersion 1.2.4\n", -1, 0 },
	{ " musl libc\nversion 1.2.4\n", -1, 0 },
	{ "musl libc\nVersion 1\n", -1, 0 },
	{ "musl libc\nVersion 1.\n", -1, 0 },
	{ "musl libc\nVersion .2\n", -1, 0 },
	{ "musl libc\nVersion 1.x\n", -1, 0 },
	{ "musl libc\nVersion  1.2\n", -1, 0 },
	{ "musl libc\nVersion -1.2\n", -1, 0 },
	{ "musl libc\nVersion 1.2345\n", -1, 0 },
	{ "musl libc\nThe Version 1.2\n", -1, 0 },
	{ "Usage: ld.so [OPTION]... EXECUTABLE-FILE [ARGS-FOR-PROGRAM...]\n"
	  "You have invoked 'ld.so', the program interpreter for dynamically-linked\n", -1, 0 },
};

static void test_banner(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(banners); i++) {
		int major = -7, minor = -7;
		int r = libc_parse_musl_banner(banners[i].text, strlen(banners[i].text), &major,
					       &minor);
		if (banners[i].major < 0 ? r != -1 || major != -7
					 : r != 0 || major != banners[i].major ||
						   minor != banners[i].minor)
			fail_msg("banner %zu: r=%d %d.%d", i, r, major, minor);
	}
	/* the length bounds the text: no terminating NUL is needed */
	const char *t = "musl libc\nVersion 1.23";
	int major, minor;
	assert_int_equal(libc_parse_musl_banner(t, strlen(t) - 1, &major, &minor), 0);
	assert_int_equal(minor, 2);
	assert_int_equal(libc_parse_musl_banner(t, 12, &major, &minor), -1);
}

static char *tmp;

static int setup(void **state)
{
	tmp = unit_scratch_dir("libc.");
	return 0;
}

static int teardown(void **state)
{
	os_rm_rf(tmp);
	free(tmp);
	return 0;
}

/* A script named name in tmp that notes its run in tmp/ran and prints
 * banner on stderr; returns its path. */
static char *loader(const char *name, const char *banner)
{
	char *p = path_join(tmp, name);
	char *text = xstrfmt("#!/bin/sh\necho x >>'%s/ran'\nprintf '%%s' '%s' >&2\nexit 1\n", tmp,
			     banner);
	assert_int_equal(os_write_atomic(p, text, strlen(text), 0755, false), 0);
	free(text);
	return p;
}

/* A 64-bit executable named name in tmp whose ELF interpreter is interp. */
static char *executable(const char *name, const char *interp)
{
	unsigned char img[8192];
	struct elf_image im = { 2, false, 64, 0, 0, { { 6, 64, 112 }, { 3, 176, strlen(interp) + 1 } },
				2, 176, interp, 0 };
	size_t len = elf_build(&im, img, sizeof(img));
	char *p = path_join(tmp, name);
	assert_int_equal(os_write_atomic(p, img, len, 0755, false), 0);
	return p;
}

static int runs(void)
{
	char *p = path_join(tmp, "ran");
	struct buf b = BUF_INIT;
	int n = 0;
	if (os_read_file(p, 4096, &b) == 0)
		for (size_t i = 0; i < b.len; i++)
			n += b.ptr[i] == '\n';
	buf_free(&b);
	os_unlink(p);
	free(p);
	return n;
}

static void test_detect(void **state)
{
	int major = -1, minor = -1;
	char *ld = loader("ld-musl-x86_64.so.1", "musl libc (x86_64)\nVersion 1.2.4\n");
	char *exe = executable("python-musl", ld);
	assert_int_equal(libc_musl_version(exe, 10000, &major, &minor), 0);
	assert_int_equal(major, 1);
	assert_int_equal(minor, 2);
	assert_int_equal(runs(), 1);

	/* a loader that does not name musl is not run, whatever it would say;
	 * named relative to tmp, whose own path may well contain "musl" (the
	 * test is then run from tmp, where the loader would be found) */
	char *other = loader("ld-linux-x86-64.so.2", "musl libc (x86_64)\nVersion 1.2.4\n");
	char *exe2 = executable("python-glibc", "./ld-linux-x86-64.so.2");
	char *cwd = getcwd(NULL, 0);
	assert_int_equal(chdir(tmp), 0);
	int r = libc_musl_version(exe2, 10000, &major, &minor);
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
	assert_int_equal(r, 1);
	assert_int_equal(runs(), 0);

	/* a musl-named loader with another answer, or none at all */
	char *odd = loader("ld-musl-odd.so.1", "something else\n");
	char *exe3 = executable("python-odd", odd);
	assert_int_equal(libc_musl_version(exe3, 10000, &major, &minor), 1);
	assert_int_equal(runs(), 1);
	char *missing = path_join(tmp, "ld-musl-missing.so.1");
	char *exe4 = executable("python-missing", missing);
	assert_int_equal(libc_musl_version(exe4, 10000, &major, &minor), 1);

	/* not an executable of ours: a script, a missing file, a real glibc one */
	assert_int_equal(libc_musl_version(ld, 10000, &major, &minor), 1);
	assert_int_equal(libc_musl_version(missing, 10000, &major, &minor), 1);
	if (os_exists("/usr/bin/python3.11"))
		assert_int_equal(libc_musl_version("/usr/bin/python3.11", 10000, &major, &minor), 1);
	assert_int_equal(runs(), 0);
	free(ld), free(exe), free(other), free(exe2), free(odd), free(exe3);
	free(missing), free(exe4);
}

/* Facts as the query script gives them, with the fields that matter here. */
static void facts(struct interp *ip, const char *exe, const char *platform, const char *libc)
{
	char *text = xstrfmt("{\"executable\": \"%s\", \"realpath\": \"%s\", "
			     "\"implementation\": \"cpython\", \"version\": \"3.12.1\", "
			     "\"version_info\": [3, 12, 1, \"final\", 0], \"prefix\": \"/usr\", "
			     "\"base_prefix\": \"/usr\", \"venv_paths\": {}, \"pointer_bits\": 64, "
			     "\"sys_platform\": \"%s\", \"platform\": \"linux-x86_64\", \"libc\": %s}",
			     exe, exe, platform, libc);
	assert_int_equal(interp_from_json(text, strlen(text), "test", ip), 0);
	free(text);
}

static char *libc_text(const struct interp *ip)
{
	return json_dumps(json_object_get(ip->json, "libc"), JSON_ENCODE_ANY | JSON_COMPACT);
}

static void test_native_facts(void **state)
{
	char *ld = loader("ld-musl-x86_64.so.1", "musl libc (x86_64)\nVersion 1.2.4\n");
	char *exe = executable("python-musl", ld);
	static const struct {
		const char *platform, *libc, *want;
		int runs;
	} cases[] = {
		{ "linux", "null", "[\"musl\",\"1.2\"]", 1 },
		{ "linux2", "null", "[\"musl\",\"1.2\"]", 1 },
		{ "linux", "[\"glibc\", \"2.36\"]", "[\"glibc\",\"2.36\"]", 0 },
		{ "darwin", "null", "null", 0 },
		{ "freebsd14", "null", "null", 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct interp ip;
		facts(&ip, exe, cases[i].platform, cases[i].libc);
		interp_add_native_facts(&ip, "/nowhere/python3");
		char *got = libc_text(&ip);
		if (strcmp(got, cases[i].want) || runs() != cases[i].runs)
			fail_msg("%s with %s: libc %s", cases[i].platform, cases[i].libc, got);
		free(got);
		interp_free(&ip);
	}
	/* the tags read the recorded version */
	struct interp ip;
	facts(&ip, exe, "linux", "null");
	interp_add_native_facts(&ip, exe);
	struct tag_facts f;
	tag_facts_from_interp(&ip, &f);
	assert_int_equal(f.musl_major, 1);
	assert_int_equal(f.musl_minor, 2);
	assert_int_equal(f.glibc_major, 0);
	interp_free(&ip);
	/* an empty sys.executable: the path cvenv ran is read instead */
	facts(&ip, "", "linux", "null");
	interp_add_native_facts(&ip, exe);
	char *got = libc_text(&ip);
	assert_string_equal(got, "[\"musl\",\"1.2\"]");
	free(got);
	interp_free(&ip);
	assert_int_equal(runs(), 2);
	free(ld);
	free(exe);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_banner),
		cmocka_unit_test_setup_teardown(test_detect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_native_facts, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
