/* Dependency specifiers (PEP 508, as packaging 22+ reads them):
 *   name [extras] (versionspec | @ url) [; marker]
 * and environment markers with full evaluation: and/or/parentheses, every
 * marker variable (and the legacy dotted spellings), comparisons as PEP 440
 * versions when the specifier "<op><rhs>" is valid and the left side parses
 * as a version, as Python string comparisons otherwise; `extra` compares
 * canonical names.
 *
 * Ownership: a pep508_req owns its strings, spec and marker tree;
 * pep508_req_free() releases them. Marker values in a pep508_env are borrowed. */
#ifndef CVENV_CORE_PEP508_H
#define CVENV_CORE_PEP508_H

#include "util/common.h"
#include "core/std/pep440.h"
#include "util/strvec.h"

struct buf;

enum pep508_var {
	PEP508_OS_NAME,
	PEP508_SYS_PLATFORM,
	PEP508_PLATFORM_MACHINE,
	PEP508_PLATFORM_PYTHON_IMPLEMENTATION,
	PEP508_PLATFORM_RELEASE,
	PEP508_PLATFORM_SYSTEM,
	PEP508_PLATFORM_VERSION,
	PEP508_PYTHON_VERSION,
	PEP508_PYTHON_FULL_VERSION,
	PEP508_IMPLEMENTATION_NAME,
	PEP508_IMPLEMENTATION_VERSION,
	PEP508_EXTRA,
	/* PEP 751 (lock files): sets of names, only tested with in / not in */
	PEP508_EXTRAS,
	PEP508_DEPENDENCY_GROUPS,
	PEP508_NVARS,
	PEP508_LITERAL = -1,
};

enum pep508_op {
	PEP508_LT, PEP508_LE, PEP508_EQ, PEP508_NE, PEP508_GE, PEP508_GT,
	PEP508_COMPATIBLE, PEP508_ARBITRARY, PEP508_IN, PEP508_NOT_IN,
};

enum pep508_node { PEP508_AND, PEP508_OR, PEP508_CMP };

struct pep508_marker {
	enum pep508_node kind;
	struct pep508_marker *left, *right; /* AND, OR */
	int lvar, rvar;                     /* CMP: enum pep508_var or LITERAL */
	char *lstr, *rstr;                  /* CMP: the literals */
	enum pep508_op op;
};

struct pep508_req {
	char *name;
	struct strvec extras;
	char *spec_text;              /* the version specifier as written, trimmed */
	struct pep440_specset spec;
	char *url;                    /* name @ url, or NULL */
	struct pep508_marker *marker; /* or NULL */
};

/* Values of the marker variables; NULL means "" (extra: no extra).
 * extras and dependency_groups hold comma-separated names (NULL: none). */
struct pep508_env {
	const char *v[PEP508_NVARS];
};

/* Parses one requirement; extras are kept normalized (PEP 685) and without
 * duplicates, and a line break anywhere is refused. On failure returns -1 and appends to err (if not
 * NULL) what is wrong and at which column. */
int pep508_parse(const char *s, struct pep508_req *req, struct buf *err);
void pep508_req_free(struct pep508_req *req);

/* Parses a marker expression alone (the text after ';'). */
int pep508_marker_parse(const char *s, struct pep508_marker **out, struct buf *err);
void pep508_marker_free(struct pep508_marker *m);

/* Evaluates a marker; -1 (with err) for a comparison PEP 508 leaves undefined
 * (e.g. ~= with a non-version). A NULL marker is true. */
int pep508_marker_eval(const struct pep508_marker *m, const struct pep508_env *env, bool *result,
		       struct buf *err);


/* Appends the canonical text, as packaging's str(Requirement) writes it. */
void pep508_format(struct buf *out, const struct pep508_req *req);
void pep508_marker_format(struct buf *out, const struct pep508_marker *m);

/* The marker variable's name as PEP 508 spells it ("" for an unknown one). */
const char *pep508_var_name(enum pep508_var v);

#endif
