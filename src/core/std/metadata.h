/* Core metadata (METADATA, PKG-INFO) and project names.
 *
 * The metadata format is RFC 822-style headers read the way Python's email
 * parser (compat32, as importlib.metadata and pip use it) reads them: "Name:
 * value" lines, continuation lines starting with a space or tab, headers that
 * may repeat (Requires-Dist, Provides-Extra, Classifier), and, after the first
 * empty line, a body that stands for Description.
 *
 * Ownership: a struct metadata owns its fields and body; metadata_free()
 * releases them. Returned names from the name helpers are new strings. */
#ifndef CVENV_CORE_METADATA_H
#define CVENV_CORE_METADATA_H

#include "util/common.h"

struct buf;

struct metadata_field {
	char *name;  /* as written, e.g. "Requires-Dist" */
	char *value; /* first line stripped of leading blanks; continuation lines kept */
};

struct metadata {
	struct metadata_field *fields;
	size_t n, cap;
	char *body; /* the text after the headers ("" when none) */
};

#define METADATA_INIT { NULL, 0, 0, NULL }

/* Parses text; never fails: a line that is not a header ends the headers and
 * starts the body, as in Python's parser. Replaces what *md held. */
void metadata_parse(struct metadata *md, const char *text, size_t len);
void metadata_free(struct metadata *md);
/* Only the fields named in names (a NULL-terminated list, compared
 * case-insensitively), and no body (NULL): what a resolver needs of a
 * METADATA without copying its description (a big set's is a megabyte). */
void metadata_parse_fields(struct metadata *md, const char *text, size_t len,
			   const char *const *names);

/* The first value of a field (names compare case-insensitively), or NULL. */
const char *metadata_get(const struct metadata *md, const char *name);
/* Iterates over every value of a field: start with *pos = 0; NULL at the end. */
const char *metadata_next(const struct metadata *md, const char *name, size_t *pos);
/* Description: the Description field, else the body. */
const char *metadata_description(const struct metadata *md);

/* PEP 503 canonical name: lower case, runs of '-', '_', '.' made one '-'.
 * The one implementation (wheel file names, .dist-info names, METADATA,
 * requirements and freeze all use it). */
char *name_canonicalize(const char *name);
/* The same for the first len bytes of name ("foo_bar" of "foo_bar-1.0"). */
char *name_canonicalize_n(const char *name, size_t len);
/* The same into out (its text replaced), for a name asked about and
 * dropped: no allocation once out has room. Returns out->ptr. */
const char *name_canonicalize_buf(struct buf *out, const char *name, size_t len);
/* Whether two names (an and bn bytes) have one canonical name, compared
 * without making either (no allocation: asked per wheel of a warm install). */
bool name_same_n(const char *a, size_t an, const char *b, size_t bn);
/* A valid project name per PEP 508: ASCII letters and digits, with '.', '_'
 * and '-' inside only. */
bool name_is_valid(const char *name);
/* The name part of a wheel file name or .dist-info directory (binary
 * distribution format): the canonical name with '-' written as '_'. */
char *name_distinfo_escape(const char *name);
/* pkg_resources' safe_name: runs of characters other than letters, digits
 * and '.' become one '-' (how legacy tools name egg-info projects). */
char *name_safe(const char *name);

#endif
