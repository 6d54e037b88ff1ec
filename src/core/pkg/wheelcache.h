/* The cache of unpacked wheels (internal to core/pkg): <cache>/wheels-v1/<key>
 * holds a wheel's members, verified against its RECORD when they were
 * unpacked, keyed by the sha256 of the wheel file; <cache>/wheel-index-v1/
 * maps a wheel file's identity to its key so a warm install need not hash the
 * wheel (see wheelcache.c for when the index is trusted).
 *
 * Ownership: the returned path is the caller's to free. */
#ifndef CVENV_WHEELCACHE_H
#define CVENV_WHEELCACHE_H

#include "core/pkg/install.h"

struct wheel;

/* Makes sure the wheel is unpacked (and verified) in e's cache: unpacked into
 * a private temp directory, then renamed into place in one step, so that
 * concurrent runs see a whole entry or none. Returns the entry's path, or
 * NULL (reported) on failure. */
char *wheelcache_entry(struct install_env *e, struct wheel *w);

#endif
