/* Interpreter requests: what a user may write after -p / --python, in
 * $CVENV_PYTHON, in a .python-version file, or for `cvenv python find`.
 *
 *   3  3.12  3.12.1  3.13rc1  312           a version (312 means 3.12)
 *   >=3.10,<3.13  ==3.12.*  ~=3.11         a PEP 440 specifier set
 *   cpython cp python pypy pp             an implementation (any version)
 *   cpython3.12 cp312 pypy3 pypy@3.9       implementation and version
 *   cpython@>=3.11                         implementation and specifiers
 *   /abs/python ./rel/python ~/x .venv/   a path: executable, venv or install dir
 *   python3-dbg, ipython ...               any other name: a command on PATH
 *
 * A request that names neither (an empty string, "3.x", "cpython@",
 * "pypy@foo", ">=3.10,") is malformed: a usage error.
 *
 * Ownership: a pyrequest owns its strings and specifier set;
 * pyrequest_free() releases them. */
#ifndef CVENV_PYREQUEST_H
#define CVENV_PYREQUEST_H

#include "util/common.h"
#include "core/std/pep440.h"

struct buf;

enum pyreq_kind {
	PYREQ_ANY,     /* an implementation, or "any": every interpreter matches */
	PYREQ_VERSION, /* a version, perhaps with an implementation */
	PYREQ_SPECS,   /* a specifier set, perhaps with an implementation */
	PYREQ_PATH,    /* a file or directory */
	PYREQ_NAME,    /* a command to look up on PATH */
};

struct pyrequest {
	enum pyreq_kind kind;
	char *text;           /* the request as written */
	char *implementation; /* "cpython", "pypy", or NULL for any */
	/* PYREQ_VERSION: the version written; nparts is how many release numbers
	 * were given (1 to 3). Matching is by prefix: 3.12 matches 3.12.x. */
	struct pep440_version version;
	size_t nparts;
	/* PYREQ_SPECS, and PYREQ_VERSION as the equivalent set ("==3.12.*"). */
	struct pep440_specset specs;
	char *path;           /* PYREQ_PATH (with ~ expanded) / PYREQ_NAME */
};

/* The home directory a leading "~/" stands for in a path request ($HOME,
 * passed in by cmd/envconfig; NULL: "~" is not expanded). */
void pyrequest_set_home(const char *home);

/* Parses text. Returns 0, or -1 with a reason appended to err (for a usage
 * error; the caller shows pyrequest_grammar() too). */
int pyrequest_parse(const char *text, struct pyrequest *r, struct buf *err);
void pyrequest_free(struct pyrequest *r);

/* Whether an interpreter with this implementation and version (as Python
 * reports it: "3.13.0rc1" style is accepted) satisfies a version, specifier
 * or implementation request. PATH and NAME requests match everything. */
bool pyrequest_matches(const struct pyrequest *r, const char *implementation,
		       const char *version);
/* True when the request names a full X.Y.Z version: then the first match in
 * search order wins, not the newest. */
bool pyrequest_names_patch(const struct pyrequest *r);

/* The grammar, for usage errors and --help. */
const char *pyrequest_grammar(void);

/* The canonical implementation name for a spelling ("cp" -> "cpython"), or
 * NULL when it is not one. */
const char *pyrequest_impl_name(const char *s, size_t len);

#endif
