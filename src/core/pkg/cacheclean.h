/* Housekeeping of the cache directory (cvenv cache clean / prune): its parts
 * are the interpreter entries (core/interp/interpcache.c), the unpacked
 * wheels (wheels-v2/, core/pkg/wheelcache.c) and the wheel index
 * (wheel-index-v1/); wheels-v1/ is an older cvenv's.
 *
 * Only those parts are touched (a cache directory set to $HOME loses nothing
 * else), nothing is followed through a symbolic link (a link is removed, or
 * counted, as itself), and the wheel part is changed holding <wheels>/.sweep
 * exclusively, the lock a fill takes shared to make its temp directory: a
 * fill in progress (its temp directory's owner lock held) is left alone, and
 * an entry is first renamed into a temp directory of ours, so that an
 * install sees a whole entry or none.
 *
 * prune removes what nobody can use any more: interpreter entries whose
 * interpreter is gone, unpacked wheels that no env links to (every file of
 * a sealed entry has one link: envs hard-link cached files), temp
 * directories of dead fills. (An index file naming a gone entry is harmless:
 * a lookup checks the entry and hashes the wheel instead.) */
#ifndef CVENV_CACHECLEAN_H
#define CVENV_CACHECLEAN_H

#include "util/common.h"

struct buf;

struct cache_freed {
	uint64_t bytes;  /* apparent sizes of the files removed */
	size_t entries;  /* entries (interpreters, wheels, index files) removed */
};

/* Bytes under path (files' sizes; links count as themselves, never followed). */
uint64_t cache_tree_size(const char *path);
/* Empties the cache parts under root. Reports and returns -1 on failure
 * (what was removed stays removed). */
int cache_clean(const char *root, struct cache_freed *f);
/* Removes the unusable parts (see above). Reports and returns -1. */
int cache_prune(const char *root, struct cache_freed *f);
/* "1.5 MiB"; "123 bytes" below 1 KiB. */
void cache_human_size(struct buf *out, uint64_t bytes);

#endif
