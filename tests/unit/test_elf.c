/* Unit tests for core/elf: PT_INTERP from ELF images built here field by
 * field (both classes, both byte orders), from every truncation of them, from
 * hostile headers, and from real executables on this machine. */
#include "unit.h"

#include <sys/utsname.h>

#include "core/interp/elf.h"
#include "elf_image.h"
#include "os/readhead.h"

static char *run(const unsigned char *data, size_t len)
{
	/* an exact-size copy: ASan sees any read past len */
	unsigned char *copy = xmalloc(len ? len : 1);
	memcpy(copy, data, len);
	char *r = elf_interpreter(copy, len);
	free(copy);
	return r;
}

/* Fails the test unless got (freed here) is want (NULL: no interpreter). */
static void expect_interp(const char *what, char *got, const char *want)
{
	if (!want != !got || (got && strcmp(got, want)))
		fail_msg("%s: want %s, got %s", what, want ? want : "NULL", got ? got : "NULL");
	free(got);
}

#define MUSL "/lib/ld-musl-x86_64.so.1"
#define GLIBC "/lib64/ld-linux-x86-64.so.2"

static const struct {
	const char *name;
	struct elf_image im;
	const char *want; /* NULL: no interpreter */
} cases[] = {
	{ "64-bit LSB, PT_LOAD then PT_INTERP",
	  { 2, false, 64, 0, 0, { { 6, 64, 112 }, { 3, 176, 25 } }, 2, 176, MUSL, 0 }, MUSL },
	{ "64-bit MSB",
	  { 2, true, 64, 0, 0, { { 1, 0, 0 }, { 3, 200, 25 } }, 2, 200, MUSL, 0 }, MUSL },
	{ "32-bit LSB",
	  { 1, false, 52, 0, 0, { { 6, 52, 64 }, { 3, 116, 28 } }, 2, 116, GLIBC, 0 }, GLIBC },
	{ "32-bit MSB",
	  { 1, true, 52, 0, 0, { { 3, 84, 25 } }, 1, 84, MUSL, 0 }, MUSL },
	{ "no PT_INTERP: a static executable",
	  { 2, false, 64, 0, 0, { { 6, 64, 112 }, { 1, 0, 4096 } }, 2, 0, NULL, 0 }, NULL },
	{ "no program headers",
	  { 2, false, 0, 0, 0, { { 0 } }, 0, 0, NULL, 0 }, NULL },
	{ "NULs around the path are dropped",
	  { 2, false, 64, 0, 0, { { 3, 120, 30 } }, 1, 120, "\0\0" MUSL "\0\0\0", 30 }, MUSL },
	{ "a NUL inside the path",
	  { 2, false, 64, 0, 0, { { 3, 120, 12 } }, 1, 120, "/lib\0/ld.so", 12 }, NULL },
	{ "an empty path",
	  { 2, false, 64, 0, 0, { { 3, 120, 0 } }, 1, 120, NULL, 0 }, "" },
	{ "the first PT_INTERP wins",
	  { 2, false, 64, 0, 0, { { 3, 200, 25 }, { 3, 240, 28 } }, 2, 200, MUSL, 0 }, MUSL },
	{ "program headers elsewhere, larger entries",
	  { 2, false, 300, 80, 0, { { 1, 0, 0 }, { 3, 100, 28 } }, 2, 100, GLIBC, 0 }, GLIBC },
	{ "path beyond the image",
	  { 2, false, 64, 0, 0, { { 3, 5000, 25 } }, 1, 0, NULL, 0 }, NULL },
	{ "path offset near 2^64",
	  { 2, false, 64, 0, 0, { { 3, UINT64_MAX - 4, 25 } }, 1, 0, NULL, 0 }, NULL },
	{ "path size near 2^64",
	  { 2, false, 64, 0, 0, { { 3, 120, UINT64_MAX } }, 1, 120, MUSL, 0 }, NULL },
	{ "32-bit path offset at 2^32-1",
	  { 1, false, 52, 0, 0, { { 3, UINT32_MAX, 25 } }, 1, 0, NULL, 0 }, NULL },
	{ "more headers claimed than present",
	  { 2, false, 64, 0, 40000, { { 1, 0, 0 } }, 1, 0, NULL, 0 }, NULL },
	{ "overlapping headers (e_phentsize 4) still find PT_INTERP",
	  { 2, false, 64, 4, 1, { { 3, 200, 25 } }, 1, 200, MUSL, 0 }, MUSL },
};

static void test_built_images(void **state)
{
	unsigned char img[8192];
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = elf_build(&cases[i].im, img, sizeof(img));
		expect_interp(cases[i].name, run(img, len), cases[i].want);
	}
}

/* Every prefix of a good image: NULL until the path is whole, never a read
 * past the prefix. */
static void test_truncations(void **state)
{
	unsigned char img[8192];
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = elf_build(&cases[i].im, img, sizeof(img));
		for (size_t n = 0; n < len; n++) {
			/* a prefix holds the whole answer or none of it */
			char *got = run(img, n);
			if (got && (!cases[i].want || strcmp(got, cases[i].want)))
				fail_msg("%s: '%s' from %zu of %zu bytes", cases[i].name, got, n, len);
			free(got);
		}
	}
	/* the plain case: the full path needs every byte up to its NUL-less end */
	size_t len = elf_build(&cases[0].im, img, sizeof(img));
	size_t path_end = 176 + strlen(MUSL);
	for (size_t n = 0; n <= len; n++) {
		char *got = run(img, n);
		/* p_filesz 25 covers the NUL: the path needs all 25 bytes */
		if (n < path_end + 1)
			assert_null(got);
		else
			assert_string_equal(got, MUSL);
		free(got);
	}
}

static void test_not_elf(void **state)
{
	static const struct {
		const char *data;
		size_t len;
	} bad[] = {
		{ "", 0 },
		{ "\177EL", 3 },
		{ "#!/bin/sh\nexec python3 \"$@\"\n", 29 },
		{ "\177ELF\003\001\001\0\0\0\0\0\0\0\0\0", 16 }, /* class 3 */
		{ "\177ELF\002\000\001\0\0\0\0\0\0\0\0\0", 16 }, /* no byte order */
		{ "\177ELF\002\003\001\0\0\0\0\0\0\0\0\0", 16 }, /* byte order 3 */
		{ "\177ELF\002\001\001\0\0\0\0\0\0\0\0\0", 16 }, /* header cut at 16 */
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *got = run((const unsigned char *)bad[i].data, bad[i].len);
		if (got)
			fail_msg("case %zu: got '%s'", i, got);
	}
	/* a good image with another byte order or class byte is rejected or
	 * read as that class, never past the end */
	unsigned char img[8192];
	size_t len = elf_build(&cases[0].im, img, sizeof(img));
	for (int c = 0; c < 256; c++) {
		img[4] = (unsigned char)c;
		free(run(img, len));
	}
}

/* Real executables: x86_64 glibc binaries name the ABI's loader path (what
 * `readelf -l` shows); a shared library and a script have none. */
static void test_real_files(void **state)
{
	struct utsname u;
	if (uname(&u) < 0 || strcmp(u.machine, "x86_64"))
		skip();
	static const struct {
		const char *path, *want;
	} real[] = {
		{ "/usr/bin/python3.11", GLIBC },
		{ "/bin/sh", GLIBC },
		{ "/usr/lib/x86_64-linux-gnu/libjansson.so.4", NULL },
		{ "/usr/bin/pip3", NULL },
		{ "/etc/passwd", NULL },
	};
	size_t seen = 0;
	for (size_t i = 0; i < ARRAY_SIZE(real); i++) {
		struct buf head = BUF_INIT;
		if (os_read_head(real[i].path, ELF_HEAD_MAX, &head) < 0) {
			buf_free(&head);
			continue;
		}
		assert_true(head.len <= ELF_HEAD_MAX);
		seen++;
		expect_interp(real[i].path, run((const unsigned char *)head.ptr, head.len),
			      real[i].want);
		buf_free(&head);
	}
	assert_true(seen >= 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_built_images),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_real_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
