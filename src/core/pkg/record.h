/* RECORD files (the list of installed files with their hashes and sizes), read
 * and written as Python's csv module does with pip's settings: comma separated,
 * fields quoted with '"' when they contain a comma, quote or line break, rows
 * ended by "\r\n". Hashes are "<algo>=<urlsafe base64 without padding>".
 *
 * Ownership: a struct record owns its rows; record_free() releases them. */
#ifndef CVENV_RECORD_H
#define CVENV_RECORD_H

#include "util/common.h"

struct buf;

/* One allocation holds the three fields (path's): change them with
 * record_set(), never one by one. */
struct record_row {
	char *path;
	char *hash; /* "" when absent */
	char *size; /* "" when absent */
};

struct record_key; /* see record_find() */

struct record {
	struct record_row *rows;
	size_t n, cap;
	size_t next;             /* record_find()'s guess: after its last find */
	struct record_key *keys; /* rows sorted by path, built on the first miss */
	size_t nkeys;            /* rows the keys cover (n when up to date) */
	size_t compares;         /* path comparisons made by record_find() */
};

#define RECORD_INIT { NULL, 0, 0, 0, NULL, 0, 0 }

/* Parses RECORD text. Rows with 1 to 3 fields are accepted (missing fields are
 * empty); more fields, an unterminated quote or an empty path are errors
 * reported with error() naming `what`. */
int record_parse(const char *text, size_t len, const char *what, struct record *out);
void record_add(struct record *r, const char *path, const char *hash, const char *size);
void record_free(struct record *r);
/* Sets a row's fields (copies; NULL hash or size: ""). */
void record_set(struct record_row *row, const char *path, const char *hash, const char *size);
/* A row for path (any one of equal paths), or NULL. The row found last
 * and the one after it are tried first: callers walk a wheel's members in
 * archive order, which is RECORD's order in wheels made by the usual tools,
 * and may ask for one member twice. Otherwise a binary search over the rows
 * sorted once by path: O(log n) whatever the order, so a wheel's members
 * cost O(n log n) in all (issue 17.3). compares counts the comparisons, for
 * the tests. */
const struct record_row *record_find(struct record *r, const char *path);
/* Sorts rows by path (byte order, as Python sorts str rows). */
void record_sort(struct record *r);
/* Appends the CSV text of all rows. */
void record_format(const struct record *r, struct buf *out);
/* One row of RECORD's text, as record_format() writes each. */
void record_format_row(struct buf *out, const char *path, const char *hash, const char *size);
/* record_format_row() with the size a number (no size field unless sized):
 * its digits are written as they are made, never scanned for a byte to
 * quote (an install writes a row per file, issue 18). */
void record_format_row_sized(struct buf *out, const char *path, const char *hash, uint64_t size,
			     bool sized);

/* Incremental hashing for RECORD entries, --hash options and cache keys (GNU
 * Nettle behind this interface: no other file names the library). */
struct record_hash;
/* Starts a hash for a RECORD hash field ("sha256=..."); only sha224/256/384/512
 * are accepted (pip refuses weaker ones too). NULL (not reported) when the
 * algorithm is not acceptable. */
struct record_hash *record_hash_new(const char *algo);
/* 0: hashing cannot fail (the int is kept for the callers' error paths). */
int record_hash_update(struct record_hash *h, const void *data, size_t len);
/* Feeds the whole file at path to h, in fixed blocks (memory stays 64 KiB
 * whatever the file's size). -1 with errno when it cannot be read; h is then
 * still to be finished. */
int record_hash_file(struct record_hash *h, const char *path);
/* Finishes: appends "<algo>=<urlsafe b64 nopad>" to out and releases h;
 * always 0 (Nettle's hashes cannot fail). */
int record_hash_finish(struct record_hash *h, struct buf *out);
/* Finishes: appends the digest in lower-case hex (--hash, cache keys) and
 * releases h; 0 as above. */
int record_hash_finish_hex(struct record_hash *h, struct buf *out);
/* Convenience: "sha256=..." of a whole buffer, appended to out; 0 as above. */
int record_hash_data(const void *data, size_t len, struct buf *out);
/* SHA-256 of texts that begin alike (a run's launchers: one shebang, one
 * header): the head's whole 64-byte blocks are hashed once, and each text
 * that begins with those bytes (compared) is hashed from there. */
struct record_head_hash;
struct record_head_hash *record_head_hash_new(const void *head, size_t len);
void record_head_hash_free(struct record_head_hash *hh);
/* record_hash_data(data, len, out), from hh's state when data begins with
 * hh's head (hh may be NULL); the same digest either way. */
int record_hash_data_head(const struct record_head_hash *hh, const void *data, size_t len,
			  struct buf *out);
/* The digest of a whole file (a wheel), streamed, in lower-case hex, as --hash
 * options, #sha256= fragments, direct_url.json and the cache key spell it,
 * appended to hex; algo is one of record_hash_new's. Reports and returns -1. */
int record_file_digest(const char *path, const char *algo, struct buf *hex);

#endif
