/* tomlw: writes TOML documents, deterministically (the same calls give the
 * same bytes), for lock files. Parsing is tomlc17's (third_party/); writing
 * is ours: keys bare when they can be, strings as basic strings escaped per
 * TOML 1.0 (", \, the control characters; everything else as UTF-8),
 * multi-line arrays with one element a line and a trailing comma, inline
 * tables on one line. The caller decides the order of keys and tables.
 *
 * Usage: tomlw_key() then one value at the top level or inside an inline
 * table; values only inside an array. A string that is not valid UTF-8, a
 * malformed date-time or unbalanced containers make tomlw_finish() fail: the
 * writer never emits a document that does not parse.
 *
 * Ownership: the writer borrows its output buffer; nothing to free. */
#ifndef CVENV_TOMLW_H
#define CVENV_TOMLW_H

#include "util/common.h"
#include "util/buf.h"

#define TOMLW_MAX_DEPTH 16

struct tomlw {
	struct buf *out;
	unsigned depth;                     /* open inline containers */
	char kind[TOMLW_MAX_DEPTH];         /* 'a' array, 'm' multi-line array, 't' inline table */
	size_t count[TOMLW_MAX_DEPTH];      /* items written in each */
	bool after_key;                     /* a key was written, its value is due */
	const char *bad;                    /* why the document is invalid, or NULL */
};

void tomlw_init(struct tomlw *w, struct buf *out);
/* 0, or -1 after reporting why the document written is not valid TOML. */
int tomlw_finish(struct tomlw *w);

/* "[a.b]" / "[[a.b]]" on a line of their own, after a blank line unless the
 * document is empty: the keys (already split) are written as keys. */
void tomlw_table(struct tomlw *w, const char *const *keys, size_t n);
void tomlw_array_table(struct tomlw *w, const char *const *keys, size_t n);
/* A blank line or a comment line ("# text"), at the top level only. */
void tomlw_comment(struct tomlw *w, const char *text);

void tomlw_key(struct tomlw *w, const char *key);
void tomlw_str(struct tomlw *w, const char *s);
void tomlw_int(struct tomlw *w, long long v);
void tomlw_bool(struct tomlw *w, bool v);
/* An offset or local date-time in RFC 3339 form (2025-01-02T03:04:05Z,
 * with optional fraction and offset), written bare as TOML wants. */
void tomlw_datetime(struct tomlw *w, const char *rfc3339);
void tomlw_array_begin(struct tomlw *w, bool multiline);
void tomlw_array_end(struct tomlw *w);
void tomlw_inline_begin(struct tomlw *w);
void tomlw_inline_end(struct tomlw *w);

/* Shorthands: key = value. */
void tomlw_kv_str(struct tomlw *w, const char *key, const char *s);
void tomlw_kv_int(struct tomlw *w, const char *key, long long v);
/* key = ["a", "b"] (multiline when more than `fold` items; 0 never). */
void tomlw_kv_strs(struct tomlw *w, const char *key, const char *const *v, size_t n, size_t fold);

/* Appends s as a TOML basic string (quotes included); false when s is not
 * valid UTF-8 (then nothing is appended). */
bool tomlw_quote(struct buf *out, const char *s);
/* Whether s is a date-time tomlw_datetime accepts. */
bool tomlw_datetime_valid(const char *s);

#endif
