/* Interpreter discovery: where cvenv looks for Python, and which one a
 * request picks.
 *
 * Search order (documented in `cvenv python --help` and the man page):
 *   1. the request itself: -p / --python, else $CVENV_PYTHON, else the
 *      .python-version file of the current directory or its nearest parent
 *      (pyenv's format: one version per line, '#' comments, "system");
 *   2. each directory on PATH, in order: python, python3, python3.X, pypy,
 *      pypy3, pypy3.X; a pyenv shim is resolved to the interpreter pyenv
 *      would run ($PYENV_VERSION, .python-version, $PYENV_ROOT/version);
 *   3. $PYENV_ROOT/versions/<each>/bin (PYENV_ROOT defaults to ~/.pyenv);
 *   4. uv's managed installs: $UV_PYTHON_INSTALL_DIR, else
 *      $XDG_DATA_HOME/uv/python, else ~/.local/share/uv/python;
 *   5. /usr/local/bin and /usr/bin.
 * The same interpreter reached twice (a link, a shim) counts once, at its
 * first place. An interpreter inside a venv stands for its base interpreter.
 * Among the matches of a version, specifier or implementation request the
 * newest stable release wins (a pre-release only when no stable release
 * matches); a request naming X.Y.Z takes the first match in search order.
 *
 * Ownership: a discovery owns its entries; discovery_free() releases them. */
#ifndef CVENV_DISCOVER_H
#define CVENV_DISCOVER_H

#include "util/common.h"
#include "core/interp/interp.h"
#include "util/strvec.h"

struct pyrequest;
struct buf;
struct pending;

struct py_found {
	char *path;          /* where it was found (absolute; a shim's target) */
	char *via;           /* the path that led there when different (a shim, a venv) */
	const char *source;  /* "PATH", "pyenv", "uv", "system", "request" */
	char *full_version;  /* PEP 440, with a pre-release: "3.13.0rc1" */
	bool stable;
	struct interp ip;
};

struct discovery {
	struct py_found *v;
	size_t n, cap;
	struct strvec looked;   /* the places searched, for messages */
	struct strvec aliases;  /* with DISCOVER_ALIASES: "path\treal path" of skipped duplicates */
	struct strvec problems; /* "path: reason" for candidates that are not usable */
	struct strvec seen;     /* real paths already considered */
	struct pending *pending; /* discover_all's first pass */
	struct interp_meanwhile *meanwhile; /* for the first query (or NULL) */
	size_t npending, cap_pending;
};

enum {
	DISCOVER_ALIASES = 1, /* keep the paths that lead to an interpreter already found */
};

/* The environment variables discovery follows, each NULL when unset. core
 * reads no environment: cmd/envconfig reads these once and passes them in
 * with discover_configure() before any discovery. */
struct discover_env {
	const char *path;                  /* $PATH */
	const char *home;                  /* $HOME */
	const char *pyenv_root;            /* $PYENV_ROOT */
	const char *pyenv_version;         /* $PYENV_VERSION */
	const char *uv_python_install_dir; /* $UV_PYTHON_INSTALL_DIR */
	const char *xdg_data_home;         /* $XDG_DATA_HOME */
	const char *cvenv_python;          /* $CVENV_PYTHON */
};
/* Keeps a copy of *env (the strings are not copied: they must outlive the
 * run, as the process environment does). */
void discover_configure(const struct discover_env *env);

void discovery_init(struct discovery *d);
void discovery_free(struct discovery *d);

/* Every interpreter, in search order, deduplicated. Each is queried once
 * (interp_get: from the cache when fresh). Never fails: unusable candidates
 * are noted in d->problems. When req is not NULL, a candidate whose name
 * tells a version the request excludes ("python3.9" for "3.12") is not
 * queried at all. */
void discover_all(struct discovery *d, const struct pyrequest *req, unsigned flags);

/* Sorts rows (n indices into d->v) newest version first, as `uv python
 * list`; equal versions by implementation, then in search order. */
void discover_order_newest(const struct discovery *d, size_t *rows, size_t n);

/* The index in d of the best match for req, or -1. */
long discover_pick(const struct discovery *d, const struct pyrequest *req);

/* Finds the interpreter a user request names (grammar: core/pyrequest.h;
 * search order: core/discover.h) and fills *ip from the cache or one query.
 * request NULL means the default: $CVENV_PYTHON, then .python-version,
 * then python3 on PATH. An interpreter inside a venv resolves to its base.
 * mw (or NULL): work to do while the first interpreter asked answers.
 * Returns 0; -1 after reporting that nothing matches; -2 after reporting a
 * malformed request (a usage error: exit 2); INTERP_TIMED_OUT after
 * reporting that the interpreter a path or name request names did not
 * answer in time (a hanging one met during a search is skipped instead). */
int interp_resolve(const char *request, struct interp_meanwhile *mw, struct interp *ip);

/* The full resolution behind interp_resolve(): request NULL means the
 * default request ("" is malformed). why, when not NULL, receives the reasons for -v. Returns
 * 0, -1 (nothing matches; reported) or -2 (malformed request; reported with
 * the grammar). */
int discover_resolve(const char *request, struct interp_meanwhile *mw, struct interp *ip,
		     struct buf *why);

/* The default requests, in order: $CVENV_PYTHON, else the entries of the
 * nearest .python-version; none means python3 on PATH. *origin (a new
 * string) names where they came from. */
void discover_default_requests(struct strvec *out, char **origin);

/* The base interpreter of a venv's python (facts in ip), or NULL. */
char *discover_venv_base(const struct interp *ip);

#endif
