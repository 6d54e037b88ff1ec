/* String arena (see arena.h). */
#include "util/arena.h"
#include "util/buf.h"

#ifdef CVENV_ASAN
#include <sanitizer/asan_interface.h>
#define GAP 8 /* one shadow granule, poisoned, after every string */
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define GAP 0
#endif

/* Blocks start small and double up to BLOCK_SIZE: a small owner (a
 * requirements file's entries) takes one small block, and glibc's free()
 * of a chunk of 64 KiB or more consolidates every fast bin (65k
 * instructions at the end of a warm install, issue 18). */
#define FIRST_BLOCK (4u << 10)
#define BLOCK_SIZE (64u << 10)

struct arena_block {
	struct arena_block *next;
	size_t size;
	char data[]; /* 16-byte aligned: after two 8-byte fields of a malloc'd block */
};

/* n bytes, starting on an 8-byte boundary (ASan's granule, so that the
 * poisoning is exact). */
static char *carve(struct arena *a, size_t n)
{
	size_t need = (n + GAP + 7) & ~(size_t)7;
	if (need > a->left) {
		size_t size = !a->blocks ? FIRST_BLOCK
			      : a->blocks->size >= BLOCK_SIZE / 2 ? BLOCK_SIZE : 2 * a->blocks->size;
		if (size < need)
			size = need;
		struct arena_block *b = xmalloc(sizeof(*b) + size);
		b->next = a->blocks;
		b->size = size;
		ASAN_POISON_MEMORY_REGION(b->data, size);
		a->blocks = b;
		a->next = b->data;
		a->left = size;
	}
	char *p = a->next;
	a->next += need;
	a->left -= need;
	ASAN_UNPOISON_MEMORY_REGION(p, n);
	return p;
}

void *arena_alloc(struct arena *a, size_t n)
{
	return carve(a, n);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = carve(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void arena_free(struct arena *a)
{
	while (a->blocks) {
		struct arena_block *b = a->blocks;
		a->blocks = b->next;
		ASAN_UNPOISON_MEMORY_REGION(b->data, b->size);
		free(b);
	}
	a->next = NULL;
	a->left = 0;
}
