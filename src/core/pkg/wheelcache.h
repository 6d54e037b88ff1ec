/* The cache of unpacked wheels (internal to core/pkg): <cache>/wheels-v2/<key>
 * holds a wheel's members under files/ (read-only, verified against the
 * wheel's RECORD when they were unpacked) and, written last, the seal
 * "sealed" (see cachemanifest.h), keyed by the sha256 of the wheel file;
 * <cache>/wheel-index-v1/ maps a wheel file's identity to its key so a warm
 * install need not hash the wheel (see wheelcache.c for when the index is
 * trusted).
 *
 * Every use checks the entry against its seal and the wheel's RECORD: each
 * file a regular file (no link) with the seal's mode, size, inode and mtime
 * and the RECORD's hash and size; with e->verify_cache, or when the seal is
 * missing or names another key, each file is re-hashed and no other file may
 * be there. A bad entry is removed (with a warning) and unpacked again: it is
 * never linked. See docs/security/cache.md.
 *
 * A wheel opened from its seal (w->seal) is checked against that seal
 * alone, one lstat per file; a damaged entry is discarded and the wheel
 * opened from its zip (*w replaced) to fill it again.
 *
 * Ownership: the returned path is the caller's to free. */
#ifndef CVENV_WHEELCACHE_H
#define CVENV_WHEELCACHE_H

#include "core/pkg/install.h"

struct wheel;
struct wheel_name;
struct buf;

/* Opens the wheel at path from its cache entry, without reading the zip
 * (issue 18): the index maps the file's identity (path, device, inode,
 * size, mtime, ctime) to a key, and that entry's seal holds what an install
 * needs (see cachemanifest.h), checked as wheel_open() checks the same
 * facts. Returns 1 with *w filled (w->seal set; wheelcache_entry() then
 * checks every file against the seal before anything is linked), or 0
 * (nothing reported) when there is no cache, --verify-cache was given, or
 * no sound seal with a wheel block is found: then open the wheel. */
int wheelcache_open(struct install_env *e, const char *path, struct wheel *w);
/* The same with the file's name already parsed (wn, may be NULL): moved
 * into w->wn on a hit (*wn is then empty), not parsed again (issue 18);
 * abs (may be NULL) is path made absolute, when the caller knows it (a
 * wheelhouse's directory made absolute once, not a getcwd per wheel). */
int wheelcache_open_named(struct install_env *e, const char *path, const char *abs,
			  struct wheel_name *wn, struct wheel *w);
/* wheelcache_open(), else wheel_open(): how install and seeding open a
 * wheel. Returns 0, or -1 (reported by wheel_open()). */
int wheelcache_open_wheel(struct install_env *e, const char *path, struct wheel *w);
/* wheelcache_open_named(), else wheel_open(). */
int wheelcache_open_wheel_named(struct install_env *e, const char *path, const char *abs,
				struct wheel_name *wn, struct wheel *w);

/* Makes sure the wheel is unpacked, verified and sealed in e's cache:
 * unpacked into a private temp directory, then renamed into place in one
 * step, so that concurrent runs see a whole entry or none (a fill sweeps the
 * temp directories of dead fills first). *files receives the directory that
 * holds the members. Returns 0, or -1 (reported). */
int wheelcache_entry(struct install_env *e, struct wheel *w, char **files);
/* Finishes the checks of the sealed entries' files that wheelcache_open()
 * queued as it opened each seal (one lstat a row, made on a second thread
 * while the install plans; here the rest on both threads), and gives each
 * of the n wheels wanted (want[i] true) whose check was made seal_checked
 * and seal_sound, which wheelcache_entry() then takes instead of checking
 * the entry itself. The same check, made earlier: before the plan ends
 * rather than before the links (700 lstat calls were a tenth of a seeded
 * create, issue 18). Nothing was queued with one CPU or --verify-cache, and
 * no thread started for fewer rows than one is worth: those entries are
 * checked where they are used. */
void wheelcache_check_ahead(struct install_env *e, struct wheel *const *ws, const bool *want,
			    size_t n);
/* Stops the checks queued as seals were opened (wheelcache_open_named()
 * queues each seal's, made on a second thread while the install plans;
 * wheelcache_check_ahead() finishes them and takes their verdicts), and
 * frees the queue; install_env_close() calls it. */
void wheelcache_check_stop(struct install_env *e);
/* Fills, several at a time, the cache entries of those of the n wheels
 * that have none yet (want[i] true, opened from the zip): this process and
 * forked ones (os/sidework; one per further CPU, four processes at most)
 * take wheels in turn, largest first, so that one's decompression and file
 * creation overlap the others' on other CPUs. Each fill is wheelcache_entry()'s own (a private temp
 * directory renamed into place whole), so the trust is the same; a wheel
 * whose fill fails here, or that already has an entry, is left to
 * wheelcache_entry(), which then reports or checks it as always (nothing
 * is reported here). A filled wheel gets w->filled, which
 * wheelcache_entry() returns as it returns an entry it has just filled.
 * Does nothing with one CPU or fewer than two such wheels. */
void wheelcache_fill_ahead(struct install_env *e, struct wheel *const *ws, const bool *want,
			   size_t n);

/* The cache key (the wheel's sha256 in hex) of an entry, from the members
 * directory wheelcache_entry gave: <cache>/wheels-v2/<key>/files. */
void wheelcache_key_of(const char *files, struct buf *key);

#endif
