/* Synthetic ELF images for unit tests (test_elf, test_libc): a header and
 * program headers laid out per the System V gABI, in either class and byte
 * order, with chosen bytes (an interpreter path) at a chosen offset. */
#ifndef CVENV_TEST_ELF_IMAGE_H
#define CVENV_TEST_ELF_IMAGE_H

#include "unit.h"

/* One program header of a synthetic image. */
struct elf_ph {
	uint32_t type;
	uint64_t offset, filesz;
};

/* What to build: the header fields that locate the program headers, the
 * headers, and bytes to place at an offset (the interpreter path). */
struct elf_image {
	int cls;  /* 1: 32-bit, 2: 64-bit */
	bool big; /* MSB */
	uint64_t phoff;
	uint16_t phentsize, phnum; /* phentsize 0: the class's size */
	struct elf_ph ph[3];
	size_t nph;
	uint64_t text_at;
	const char *text;
	size_t text_len; /* 0: strlen(text) + 1 */
};

static inline void elf_put(unsigned char *p, uint64_t v, unsigned n, bool big)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned k = big ? n - 1 - i : i;
		p[k] = (unsigned char)(v >> (8 * i));
	}
}

/* Lays out an image per the System V gABI; returns its length. */
static inline size_t elf_build(const struct elf_image *im, unsigned char *out, size_t cap)
{
	bool b64 = im->cls == 2;
	unsigned phsize = b64 ? 56 : 32;
	unsigned entsize = im->phentsize ? im->phentsize : phsize;
	memset(out, 0, cap);
	memcpy(out, "\177ELF", 4);
	out[4] = (unsigned char)im->cls;
	out[5] = im->big ? 2 : 1;
	out[6] = 1;
	elf_put(out + 16, 2, 2, im->big);               /* e_type ET_EXEC */
	elf_put(out + 18, b64 ? 62 : 3, 2, im->big);     /* e_machine */
	elf_put(out + (b64 ? 32 : 28), im->phoff, b64 ? 8 : 4, im->big);
	elf_put(out + (b64 ? 54 : 42), entsize, 2, im->big);
	elf_put(out + (b64 ? 56 : 44), im->phnum ? im->phnum : im->nph, 2, im->big);
	size_t end = b64 ? 64 : 52;
	for (size_t i = 0; i < im->nph; i++) {
		unsigned char *p = out + im->phoff + i * entsize;
		assert_true(im->phoff + (i + 1) * entsize <= cap);
		elf_put(p, im->ph[i].type, 4, im->big);
		elf_put(p + (b64 ? 8 : 4), im->ph[i].offset, b64 ? 8 : 4, im->big);
		elf_put(p + (b64 ? 32 : 16), im->ph[i].filesz, b64 ? 8 : 4, im->big);
		if (im->phoff + (i + 1) * entsize > end)
			end = im->phoff + (i + 1) * entsize;
	}
	if (im->text) {
		size_t n = im->text_len ? im->text_len : strlen(im->text) + 1;
		assert_true(im->text_at + n <= cap);
		memcpy(out + im->text_at, im->text, n);
		if (im->text_at + n > end)
			end = im->text_at + n;
	}
	return end;
}

#endif
