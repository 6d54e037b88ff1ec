/* Reading TOML documents (tomlc17, third_party/) with cvenv's errors: every
 * type mismatch names the file, the line and the key, so a lock or project
 * file another tool wrote is refused with a message a user can act on.
 *
 * Ownership: the datums borrow from the toml_result_t, which the caller
 * frees with toml_free(); strings returned through char ** are new. */
#ifndef CVENV_TOMLR_H
#define CVENV_TOMLR_H

#include "util/common.h"
#include "util/strvec.h"
#include "tomlc17/tomlc17.h"

/* The most a TOML file cvenv reads may hold (lock files of thousands of
 * packages stay far below). */
#define TOMLR_MAX_SIZE (64u << 20)

/* Parses text[0..len) (NUL-terminated) with UTF-8 checked; on a syntax error
 * reports "cannot parse 'file': why" and returns -1 (nothing to free). */
int tomlr_parse(const char *text, size_t len, const char *file, toml_result_t *out);

/* The value of key in table t, checked to be of the type asked: 0 with *out
 * set (NULL, empty or unchanged when absent and optional), or -1 reported.
 * A datum of type TOML_UNKNOWN is "absent". */
int tomlr_str(const char *file, toml_datum_t t, const char *key, bool required, char **out);
int tomlr_strs(const char *file, toml_datum_t t, const char *key, struct strvec *out);
int tomlr_int(const char *file, toml_datum_t t, const char *key, long long *out);
int tomlr_bool(const char *file, toml_datum_t t, const char *key, bool *out);
/* A table or an array: *out has type TOML_UNKNOWN when absent. */
int tomlr_table(const char *file, toml_datum_t t, const char *key, toml_datum_t *out);
int tomlr_array(const char *file, toml_datum_t t, const char *key, toml_datum_t *out);
/* An (offset or local) date-time as RFC 3339 text (UTC offsets as "Z"). */
int tomlr_datetime(const char *file, toml_datum_t t, const char *key, char **out);

/* Reports "'file' line N: what" for datum d, returns -1. */
int tomlr_error(const char *file, toml_datum_t d, const char *fmt, ...) PRINTF_LIKE(3, 4);

#endif
