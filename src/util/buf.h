/* A growable, always NUL-terminated byte buffer (in the spirit of git's strbuf).
 *
 * Ownership: a struct buf owns its memory; buf_free() releases it and leaves an
 * empty buffer; buf_detach() hands the memory to the caller. No function here
 * takes ownership of its arguments. Allocation failure aborts the process
 * (there is no sensible recovery for a command-line tool). */
#ifndef CVENV_BUF_H
#define CVENV_BUF_H

#include "util/common.h"

struct buf {
	char *ptr; /* never NULL after buf_init: points at "" when empty */
	size_t len;
	size_t cap;
};

#define BUF_INIT { buf_empty_, 0, 0 }
extern char buf_empty_[1];

void buf_init(struct buf *b);
void buf_free(struct buf *b);
char *buf_detach(struct buf *b);
void buf_reset(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_setlen(struct buf *b, size_t len);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_addstr(struct buf *b, const char *s);
void buf_addch(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
void buf_set(struct buf *b, const char *s);
/* The most digits a uint64_t has in decimal (UINT64_MAX has 20). */
#define DEC_U64_MAX 20
/* Writes v in decimal at out (no sign, no leading zero, no NUL) and returns
 * the number of digits, 1 to DEC_U64_MAX. cvenv's one decimal formatter,
 * without printf: RECORD sizes, the wheel index's file identities,
 * requirement line numbers and interpreter versions are written per file,
 * wheel or launcher of an install (issue 18). */
size_t dec_u64(char out[DEC_U64_MAX], uint64_t v);
/* Appends v in decimal (dec_u64). */
void buf_add_u64(struct buf *b, uint64_t v);
/* Remove trailing bytes that are in `chars`. */
void buf_rtrim(struct buf *b, const char *chars);
bool buf_endswith(const struct buf *b, const char *suffix);

/* Length of the UTF-8 sequence at s (1 to 4), or 0 when it is not valid
 * UTF-8 (overlong forms, surrogates and values above U+10FFFF included). */
size_t utf8_len(const unsigned char *s);
/* Appends s in a form safe to show on a terminal: newline and tab as \n and
 * \t, other control characters (C0, DEL, C1) and bytes that are not UTF-8 as
 * \xHH, the bidirectional overrides and isolates as \uHHHH; everything else
 * (backslashes too) as it is, so that escaping twice changes nothing. Every
 * message cvenv prints goes through it (util/error.c): text from wheels,
 * requirement files and envs cannot move the cursor, retitle the terminal or
 * forge a line. */
void buf_add_printable(struct buf *out, const char *s);

/* Small string helpers used everywhere. xstrdup/xmalloc abort on failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xstrfmt(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* s[0..n) without leading and trailing white space, as a new string. */
char *xstrndup_trim(const char *s, size_t n);
bool starts_with(const char *s, const char *prefix);
bool ends_with(const char *s, const char *suffix);
/* Join two path parts with exactly one '/'; returns a new string. */
char *path_join(const char *a, const char *b);
/* Sets out to path_join(a, b) in out's own memory: loops build path after
 * path in one buffer (truncated, appended), allocating only when a longer
 * one comes, never once per path (issue 18). a and b must not point into
 * out. */
void buf_set_path(struct buf *out, const char *a, const char *b);
/* Sets out to a[0..la), '/' and b[0..lb) (just a when lb is 0), as they
 * are: for parts whose lengths the caller knows and that need no trimming
 * (no trailing '/' on a, no leading one on b). Neither may point into out. */
void buf_set_join(struct buf *out, const char *a, size_t la, const char *b, size_t lb);

#endif
