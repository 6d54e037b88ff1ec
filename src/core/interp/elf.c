/* The PT_INTERP of an ELF image (see elf.h). Every field is read through
 * get(), which checks the bounds, so truncated or hostile input yields NULL
 * and never a read past len. The header layout follows the System V gABI:
 * e_phoff, e_phentsize and e_phnum locate the program headers; each header's
 * p_type, p_offset and p_filesz locate a segment. As in packaging, a program
 * header that cannot be read is skipped, not fatal, and the first PT_INTERP
 * wins. */
#include "util/common.h"

#include "core/interp/elf.h"
#include "util/buf.h"

enum { EI_CLASS = 4, EI_DATA = 5, ELFCLASS32 = 1, ELFCLASS64 = 2, ELFDATA2LSB = 1,
       ELFDATA2MSB = 2, PT_INTERP = 3 };

struct elf {
	const unsigned char *p;
	size_t len;
	bool big; /* most significant byte first */
};

/* The n-byte (n <= 8) unsigned field at off, or false when it lies beyond len. */
static bool get(const struct elf *e, uint64_t off, unsigned n, uint64_t *v)
{
	if (off > e->len || e->len - off < n)
		return false;
	*v = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned k = e->big ? i : n - 1 - i;
		*v = *v << 8 | e->p[off + k];
	}
	return true;
}

/* Field offsets and sizes of the two classes. */
struct layout {
	unsigned phoff_at, phoff_size, phentsize_at, phnum_at;
	unsigned p_offset_at, p_filesz_at, p_word;
};

static const struct layout class32 = { 28, 4, 42, 44, 4, 16, 4 };
static const struct layout class64 = { 32, 8, 54, 56, 8, 32, 8 };

static char *path_of(const struct elf *e, uint64_t off, uint64_t size)
{
	if (off > e->len || e->len - off < size)
		return NULL;
	const unsigned char *s = e->p + off, *end = s + size;
	while (s < end && !*s)
		s++;
	while (end > s && !end[-1])
		end--;
	if (memchr(s, 0, (size_t)(end - s)))
		return NULL;
	return xstrndup((const char *)s, (size_t)(end - s));
}

char *elf_interpreter(const unsigned char *data, size_t len)
{
	if (len < 16 || memcmp(data, "\177ELF", 4))
		return NULL;
	struct elf e = { data, len, data[EI_DATA] == ELFDATA2MSB };
	if (data[EI_DATA] != ELFDATA2LSB && data[EI_DATA] != ELFDATA2MSB)
		return NULL;
	const struct layout *l = data[EI_CLASS] == ELFCLASS32   ? &class32
				 : data[EI_CLASS] == ELFCLASS64 ? &class64
								: NULL;
	uint64_t phoff, phentsize, phnum;
	if (!l || !get(&e, l->phoff_at, l->phoff_size, &phoff) ||
	    !get(&e, l->phentsize_at, 2, &phentsize) || !get(&e, l->phnum_at, 2, &phnum))
		return NULL;
	for (uint64_t i = 0; i < phnum; i++) {
		/* phentsize * i < 2^32: only the sum can wrap; at <= len keeps the
		 * field offsets below from wrapping */
		uint64_t at = phoff + phentsize * i, type, off, size;
		if (at < phoff || at > len)
			break; /* every later header lies further out */
		if (!get(&e, at, 4, &type) || !get(&e, at + l->p_offset_at, l->p_word, &off) ||
		    !get(&e, at + l->p_filesz_at, l->p_word, &size))
			continue;
		if (type == PT_INTERP)
			return path_of(&e, off, size);
	}
	return NULL;
}
