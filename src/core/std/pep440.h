/* PEP 440 versions and version specifiers (https://peps.python.org/pep-0440/).
 *
 * Parsing accepts every spelling the PEP's normalisation section allows
 * (case, a leading "v", "alpha"/"preview"/"c"/"rev"/"r", "-", "_" and "."
 * separators, implicit numbers, "1.0-1" post releases, surrounding
 * whitespace) and stores the normalised parts; pep440_format() prints the
 * canonical form. Ordering is the PEP's: epoch, release (trailing zeros do not
 * count), then dev < a < b < rc < final < post, then local segments.
 * Numbers may be any size, as packaging's are (real projects publish date
 * stamps such as 20210609131134657401): an epoch, release, pre, post or dev
 * number above 2^64-1 is kept as its digits and compares as a number (local
 * segments are kept as text and compare the same way). A version longer than
 * PEP440_MAX_LEN bytes is refused, which bounds the memory hostile input
 * can take. Surrounding white space is trimmed as packaging trims it
 * (Python's str.isspace: Unicode spaces such as U+00A0 included).
 *
 * Specifier sets are comma-separated clauses with ~=, ==, !=, <=, >=, <, >,
 * === and the "==X.*"/"!=X.*" prefix forms, matched with the PEP's rules for
 * local versions, pre-releases and post-releases.
 *
 * Ownership: a parsed version or specifier set owns its memory; the _free
 * functions release it. No function takes ownership of its arguments. */
#ifndef CVENV_PEP440_H
#define CVENV_PEP440_H

#include "util/common.h"

struct buf;

enum pep440_pre { PEP440_PRE_NONE = 0, PEP440_PRE_A = 1, PEP440_PRE_B = 2, PEP440_PRE_RC = 3 };

/* Bytes a version may take, white space around it not counted. */
#define PEP440_MAX_LEN 1024

struct pep440_version {
	uint64_t epoch;
	uint64_t *release; /* at least one component */
	size_t nrelease;
	/* NULL, or per component: its digits (no leading zeros) when it does
	 * not fit in 64 bits (release[i] is then UINT64_MAX), else NULL */
	char **release_big;
	enum pep440_pre pre;
	uint64_t pre_n;
	bool has_post, has_dev;
	uint64_t post_n, dev_n;
	char *local; /* normalised ("ubuntu.1"), or NULL */
	/* NULL, or the digits of the epoch, pre, post or dev number when it does
	 * not fit in 64 bits (the number field is then UINT64_MAX) */
	char *epoch_big, *pre_big, *post_big, *dev_big;
};

/* Parses s[0..len); returns 0, or -1 when it is not a PEP 440 version (no
 * message: callers know the context). *v is cleared first. */
int pep440_parse(const char *s, size_t len, struct pep440_version *v);
int pep440_parse_str(const char *s, struct pep440_version *v);
/* A release-only version, as most are ("1.0", "2024.10.3"): digits between
 * single dots, no white space, no number past 19 digits (10^19 - 1 <
 * 2^64), at most PEP440_MAX_LEN bytes. Returns its number of parts, or 0
 * when s[0..len) is not one (pep440_parse() may still accept it). */
size_t pep440_plain_parts(const char *s, size_t len);
/* Its numbers, as pep440_parse() makes them, into release (as many as
 * pep440_plain_parts() said): for a caller that owns the array (an arena)
 * and sets the rest of a version to zero. */
void pep440_plain_release(const char *s, size_t len, uint64_t *release);
void pep440_version_free(struct pep440_version *v);
void pep440_version_copy(struct pep440_version *dst, const struct pep440_version *src);

/* <0, 0, >0 like strcmp, in PEP 440 order. */
int pep440_cmp(const struct pep440_version *a, const struct pep440_version *b);
/* Appends the canonical form ("1!2.0rc1.post2.dev3+abc.4"). */
void pep440_format(struct buf *out, const struct pep440_version *v);
/* The canonical form as a new string; NULL if s is not a version. */
char *pep440_normalize(const char *s);

static inline bool pep440_is_prerelease(const struct pep440_version *v)
{
	return v->pre != PEP440_PRE_NONE || v->has_dev;
}

enum pep440_op {
	PEP440_OP_COMPATIBLE, /* ~= */
	PEP440_OP_EQ,         /* == */
	PEP440_OP_NE,         /* != */
	PEP440_OP_LE,         /* <= */
	PEP440_OP_GE,         /* >= */
	PEP440_OP_LT,         /* <  */
	PEP440_OP_GT,         /* >  */
	PEP440_OP_ARBITRARY,  /* === */
};

struct pep440_spec {
	enum pep440_op op;
	bool prefix;          /* "==1.2.*" / "!=1.2.*" */
	struct pep440_version v; /* unset for === */
	char *text;           /* the version text as written (=== compares it) */
};

struct pep440_specset {
	struct pep440_spec *items;
	size_t n;
};

/* Parses ">=3.10, <3.13" (an empty string is the empty set, which matches
 * everything). On failure returns -1 and, if err is not NULL, appends a
 * description of what is wrong to it. */
int pep440_specset_parse(const char *s, struct pep440_specset *ss, struct buf *err);
void pep440_specset_free(struct pep440_specset *ss);

/* Whether pre-releases may match. DEFAULT is the PEP's rule: only when a
 * clause of the set itself names a pre-release. */
enum pep440_prereleases { PEP440_PRERELEASES_DEFAULT, PEP440_PRERELEASES_ALLOW,
			  PEP440_PRERELEASES_DENY };

/* A clause that names a pre-release with an inclusive operator (==, ===,
 * >=, <=, ~=) lets pre-releases match the whole set (PEP 440, "Handling of
 * pre-releases"). */
bool pep440_spec_wants_prereleases(const struct pep440_spec *sp);
bool pep440_spec_contains(const struct pep440_spec *sp, const struct pep440_version *v);
bool pep440_specset_contains(const struct pep440_specset *ss, const struct pep440_version *v,
			     enum pep440_prereleases pre);
/* Appends the canonical text of the set ("<3.13,>=3.10" order as written). */
void pep440_specset_format(struct buf *out, const struct pep440_specset *ss);

#endif
