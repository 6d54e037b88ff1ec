/* pyvenv.cfg: the file that makes a directory a virtual environment (PEP 405).
 *
 * The parser reads it the way CPython does (site.py and getpath): one
 * "key = value" per line; lines without '=' are ignored; the key is the text
 * before the first '=', stripped of white space and lower-cased; the value is
 * the rest, stripped. Lines end at "\n", "\r\n" or "\r" (text mode's
 * universal newlines). Nothing else is special: a '#' line is an ordinary line.
 * All entries are kept in file order, so a file can be rewritten without
 * losing keys cvenv does not know (virtualenv's, uv's, tools').
 *
 * The writer produces "key = value\n" lines in the order of the entries, as
 * every venv version writes them.
 *
 * Ownership: a pyvenvcfg owns its entries; pyvenvcfg_free() releases them.
 * No function takes ownership of its arguments. */
#ifndef CVENV_PYVENVCFG_H
#define CVENV_PYVENVCFG_H

#include "util/common.h"

struct buf;

struct pyvenvcfg_entry {
	char *key;   /* lower case, stripped */
	char *value; /* stripped */
};

struct pyvenvcfg {
	struct pyvenvcfg_entry *v;
	size_t n, cap;
};

#define PYVENVCFG_INIT { NULL, 0, 0 }

/* Largest pyvenv.cfg cvenv reads; real ones are a few hundred bytes. */
#define PYVENVCFG_MAX (64u << 10)

/* Appends the entries of text to cfg. Never fails: any text has a reading. */
void pyvenvcfg_parse(struct pyvenvcfg *cfg, const char *text, size_t len);
/* The value of the first entry with that key (keys are compared lower case,
 * as getpath finds "home"), or NULL. */
const char *pyvenvcfg_get(const struct pyvenvcfg *cfg, const char *key);
/* Replaces the value of the first entry with that key, or appends one. */
void pyvenvcfg_set(struct pyvenvcfg *cfg, const char *key, const char *value);
/* Appends an entry even if the key exists. */
void pyvenvcfg_add(struct pyvenvcfg *cfg, const char *key, const char *value);
/* Appends the file text: "key = value\n" per entry, in order. */
void pyvenvcfg_format(const struct pyvenvcfg *cfg, struct buf *out);
void pyvenvcfg_free(struct pyvenvcfg *cfg);

/* True for the spellings site.py accepts as true ("true", any case). */
bool pyvenvcfg_is_true(const char *value);

/* Appends Python's repr() of a str (as venv writes "prompt = 'x'"): single
 * quotes unless the text has a ' and no ", backslash escapes for the quote,
 * '\\', \t \n \r and other control characters. Bytes >= 0x80 are copied, as
 * repr keeps printable non-ASCII text. */
void py_repr_str(struct buf *out, const char *s);

#endif
