/* Strings that live exactly as long as one owner (a transaction's paths, a
 * requirements file's entries),
 * carved from large blocks and freed all at once: no malloc and free per
 * string (a warm install kept one allocation per installed file, issue 18).
 *
 * Built with AddressSanitizer, each string is followed by a poisoned gap and
 * the unused rest of a block stays poisoned, so reading or writing past a
 * string is still reported, as for a string of its own; a use after
 * arena_free() is reported as for any freed memory.
 *
 * Ownership: the arena owns every string it returns; arena_free() releases
 * them all and leaves an empty arena. Allocation failure aborts (as xmalloc). */
#ifndef CVENV_ARENA_H
#define CVENV_ARENA_H

#include "util/common.h"

struct arena_block;

struct arena {
	struct arena_block *blocks; /* newest first */
	char *next;                 /* free room in the newest block */
	size_t left;
};

#define ARENA_INIT { NULL, NULL, 0 }

/* n bytes (uninitialised), aligned for any object of the structs that hold
 * them: 8 bytes (issue 18: a requirement's parsed parts in one owner). */
void *arena_alloc(struct arena *a, size_t n);
/* s[0..n) and a NUL, copied into a. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
void arena_free(struct arena *a);

#endif
