/* Files embedded into the binary at build time (templates/, query scripts).
 * See tools/embed.c. The data is NUL-terminated for convenience. */
#ifndef CVENV_EMBEDDED_H
#define CVENV_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* base name, e.g. "activate.fish" */
	const char *data;
	size_t len;
	unsigned long long fnv1a; /* FNV-1a (64 bits) of the data, for cache keys */
};

extern const struct embedded_file embedded_files[];

/* The embedded file of that base name, or NULL (a build error, really). */
const struct embedded_file *embedded_get(const char *name);

#endif
