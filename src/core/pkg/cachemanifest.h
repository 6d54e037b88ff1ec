/* The seal of a wheel-cache entry: <entry>/sealed, written last, lists the
 * entry's key, what an install needs to know of the wheel (so that a cache
 * hit never opens the zip, issue 18) and, for each file, the state it was
 * left in when it was written (permission bits, size, inode, mtime) and its
 * RECORD hash. A use of the entry compares each file's lstat with its row
 * (the cheap check); --verify-cache re-hashes against the wheel's own RECORD.
 *
 *   cvenv-cache-entry 2
 *   key <64 lowercase hex digits>
 *   dist-info <text>               \
 *   name <text>                     | the wheel block (optional: absent,
 *   version <text>                  | the entry is still usable, but only
 *   requires-python <text>          | with the wheel opened); exactly this
 *   requires-dist <text>            | order, requires-python at most once,
 *   ...                             | requires-dist and entry-point any
 *   wheel-version <major> <minor>   | number of times
 *   root-is-purelib <0 or 1>        |
 *   entry-point <console|gui> <name> <module> <attr>   (attr may be empty)
 *   ...                            /
 *   <mode octal> <size> <inode> <mtime sec>.<mtime nsec> <hash> <path>
 *   ...
 *   end
 *
 * A <text> has every byte up to 0x20, 0x7f and '%' written as %XX (two
 * upper-case hex digits), and nothing else escaped: one spelling per value,
 * no NUL. The name, version and dist-info are not empty; the rows list every
 * installable member but the wheel's RECORD (which the install writes anew).
 * Rows are sorted by path (byte order, no duplicates); a path is relative,
 * with no empty, "." or ".." component and no control character; the hash
 * holds no space. A seal of format 1 (cvenv before issue 18: the same
 * without the wheel block) is still read: its entry is checked as before,
 * and serves installs that open the wheel. Pure functions (no I/O); the
 * parser reports nothing: a seal that does not parse only means an unsealed
 * entry.
 *
 * Ownership: a struct manifest owns its rows; manifest_free() releases them. */
#ifndef CVENV_CACHEMANIFEST_H
#define CVENV_CACHEMANIFEST_H

#include "util/common.h"
#include "util/strvec.h"
#include "core/pkg/scripts.h"

struct buf;

/* Rows made by manifest_add() hold path and hash in one allocation (path's);
 * a parsed seal's rows point into the seal's text, which the manifest holds
 * (no allocation per row or value: a seal is parsed per wheel of every warm
 * install, issue 18). */
struct manifest_row {
	char *path;
	char *hash;
	unsigned mode;
	uint64_t size, ino;
	int64_t mtime_sec, mtime_nsec;
};

/* What an install needs from the wheel itself (its METADATA, WHEEL and
 * entry_points.txt), as the wheel said when the entry was filled. */
struct manifest_info {
	char *dist_info;       /* "foo-1.0.dist-info" */
	char *name, *version;  /* METADATA's */
	char *requires_python; /* NULL when absent */
	struct strvec requires_dist;
	int wheel_version[2];
	bool root_is_purelib;
	struct entry_points eps;
};

struct manifest {
	char key[65];
	struct manifest_row *rows;
	size_t n, cap;
	struct manifest_info *info; /* NULL: the seal has no wheel block */
	/* A parsed seal: one allocation that holds, from its start, the part
	 * of its text the rows' path and hash point into, then its wheel
	 * block's values, the rows array and the wheel block's struct and
	 * lists (read only, never strvec_clear() or entry_points_free()
	 * them). NULL for rows made by manifest_add(), which must not be
	 * mixed with parsed ones. */
	char *block;
	bool info_in_block; /* info is block's (a parsed seal's), not its own */
};

#define MANIFEST_INIT { { 0 }, NULL, 0, 0, NULL, NULL, false }

/* Parses a seal; -1 (nothing reported) when it is not one. */
int manifest_parse(const char *text, size_t len, struct manifest *out);
/* The same on a seal read into text, whose memory is taken (text is left
 * empty) whether it parses or not: a parsed seal's rows point into it, no
 * copy made (a seal is parsed per wheel of every warm install, issue 18). */
int manifest_parse_buf(struct buf *text, struct manifest *out);
/* Appends a row (copying path and hash) to a manifest that was not parsed;
 * manifest_sort() before formatting. */
void manifest_add(struct manifest *m, const struct manifest_row *row);
void manifest_sort(struct manifest *m);
/* The text of a sorted manifest. */
void manifest_format(const struct manifest *m, struct buf *out);
/* The row for path (binary search), or NULL. */
const struct manifest_row *manifest_find(const struct manifest *m, const char *path);
/* Whether k[0..n) is a key: 64 lower-case hex digits. */
bool manifest_is_key(const char *k, size_t n);
/* True for a path the seal may hold (see above). */
bool manifest_path_ok(const char *path);
void manifest_free(struct manifest *m);
/* A new empty wheel block (strvec and entry points initialised). */
struct manifest_info *manifest_info_new(void);
void manifest_info_free(struct manifest_info *info);

#endif
