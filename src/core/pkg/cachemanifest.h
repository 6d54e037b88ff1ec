/* The seal of a wheel-cache entry: <entry>/sealed, written last, lists the
 * entry's key and, for each file, the state it was left in when it was
 * written (permission bits, size, inode, mtime) and its RECORD hash. A use of
 * the entry compares each file's lstat with its row (the cheap check) and
 * each row's hash with the wheel's RECORD; --verify-cache re-hashes.
 *
 *   cvenv-cache-entry 1
 *   key <64 lowercase hex digits>
 *   <mode octal> <size> <inode> <mtime sec>.<mtime nsec> <hash> <path>
 *   ...
 *   end
 *
 * Rows are sorted by path (byte order, no duplicates); a path is relative,
 * with no empty, "." or ".." component and no control character; the hash
 * holds no space. Pure functions (no I/O); the parser reports nothing: a seal
 * that does not parse only means an unsealed entry.
 *
 * Ownership: a struct manifest owns its rows; manifest_free() releases them. */
#ifndef CVENV_CACHEMANIFEST_H
#define CVENV_CACHEMANIFEST_H

#include "util/common.h"

struct buf;

struct manifest_row {
	char *path;
	char *hash;
	unsigned mode;
	uint64_t size, ino;
	int64_t mtime_sec, mtime_nsec;
};

struct manifest {
	char key[65];
	struct manifest_row *rows;
	size_t n, cap;
};

#define MANIFEST_INIT { { 0 }, NULL, 0, 0 }

/* Parses a seal; -1 (nothing reported) when it is not one. */
int manifest_parse(const char *text, size_t len, struct manifest *out);
/* Appends a row (copying path and hash); manifest_sort() before formatting. */
void manifest_add(struct manifest *m, const struct manifest_row *row);
void manifest_sort(struct manifest *m);
/* The text of a sorted manifest. */
void manifest_format(const struct manifest *m, struct buf *out);
/* The row for path (binary search), or NULL. */
const struct manifest_row *manifest_find(const struct manifest *m, const char *path);
/* True for a path the seal may hold (see above). */
bool manifest_path_ok(const char *path);
void manifest_free(struct manifest *m);

#endif
