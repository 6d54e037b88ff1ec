/* Interpreter facts: what cvenv knows about a Python interpreter, gathered by
 * running src/core/interp/interp_query.py once in it (and, later, served from the
 * cache). Every other module reads interpreter facts from here.
 *
 * Ownership: an interp owns all its strings and its JSON; interp_free()
 * releases them. */
#ifndef CVENV_INTERP_H
#define CVENV_INTERP_H

#include "util/common.h"

typedef struct json_t json_t;

struct interp {
	char *executable;      /* sys.executable as the interpreter reports it */
	char *base_executable; /* sys._base_executable (the base, even in a venv) */
	char *realpath;        /* realpath(executable) */
	char *implementation;  /* "cpython", "pypy", ... (sys.implementation.name) */
	int major, minor, micro;
	char *version;         /* "3.12.1" */
	char *prefix, *base_prefix;
	bool in_venv;          /* sys.prefix != sys.base_prefix */
	char *ensurepip_dir;   /* the ensurepip package directory, or NULL */
	char *externally_managed; /* path of EXTERNALLY-MANAGED, or NULL */
	int pointer_bits;
	json_t *json;          /* the whole answer, for facts not copied above */
	char *json_text;       /* the answer as the interpreter wrote it, while it is
				  still exactly json (NULL once changed, or when read
				  from the cache): cached without serialising again */
	char *query_path;      /* the absolute path cvenv ran (the cache key), or NULL */
	bool from_cache;       /* served from the cache or an env record, no process run */
};

/* Runs the query script in the interpreter at `path` and fills *ip.
 * Reports the error (naming path) and returns -1 when the program cannot be
 * run, is not Python, or answers something unreadable. */
int interp_query(const char *path, struct interp *ip);

/* Work to do while the next query's interpreter starts and answers (once:
 * the hook is cleared when it runs, and by interp_set_query_companion(NULL,
 * NULL)): `cvenv create` prepares the env meanwhile. fn gets the path of the
 * interpreter being asked, to guess from. */
void interp_set_query_companion(void (*fn)(const char *python, void *arg), void *arg);

/* Finds the interpreter a user request names (grammar: core/pyrequest.h;
 * search order: core/discover.h) and fills *ip from the cache or one query.
 * request NULL means the default: $CVENV_PYTHON, then .python-version,
 * then python3 on PATH. An interpreter inside a venv resolves to its base.
 * Returns 0; -1 after reporting that nothing matches; -2 after reporting a
 * malformed request (a usage error: exit 2). Defined in core/discover.c. */
int interp_resolve(const char *request, struct interp *ip);

/* The facts of the interpreter at path: from the cache when its entry is
 * fresh (same file identity, same query script), else by interp_query(),
 * and then cached. Starts no process on a cache hit. (core/interpcache.c) */
int interp_get(const char *path, struct interp *ip);

/* The cache directory for the rest of the run (its "interpreters"
 * subdirectory holds the entries), NULL for none: decided once by the
 * command layer (cmd_cache_setup), never read from the environment here. */
void interp_cache_configure(const char *root);
/* The directory interpreter entries live in (new string), NULL if disabled. */
char *interp_cache_dir(void);
/* How many interpreter processes this run started (for -v and tests). */
extern unsigned interp_queries_run;
/* Runs the queries of the interpreters at paths whose cache entries are not
 * fresh, several at once, and caches the answers: a cold `python list` then
 * waits for the slowest interpreter, not for all of them in turn. Failures
 * are left for interp_get() to report. Nothing happens without a cache. */
void interp_prefetch(const char *const *paths, size_t n);
/* The directory holding the query script as a module (written on first use;
 * new string), NULL without a cache. (core/interpcache.c) */
char *interp_query_module_dir(void);
/* The query's command line for python: qdir's runner script, which imports
 * the module beside it, or (qdir NULL) the script given inline (-c
 * inline_script), or with inline_script NULL read from stdin. *owned gets a
 * string argv points into, for the caller to free (or NULL). (core/interp.c) */
void interp_query_argv(const char *python, const char *qdir, const char *inline_script,
		       const char *argv[7], char **owned);
/* The environment queries run in: PYTHONPATH, PYTHONHOME and friends removed. */
struct strvec;
void interp_query_env(struct strvec *env);

/* A new venv records which interpreter made it, so later commands on it start
 * no Python: interp_record_env() (call it once the env is complete) writes a
 * small record in the cache, keyed by the env's path and checked against its
 * pyvenv.cfg -- not in the env, whose files must be exactly venv's.
 * interp_load_env() returns that interpreter's facts through interp_get()
 * (its cache entry, or a query when the entry is gone or stale); without a
 * valid record, the base that pyvenv.cfg's home names (re-recording).
 * interp_record_env never fails (a record only saves time); interp_load_env
 * returns 0, 1 when the env names no usable interpreter (nothing reported),
 * -1 after reporting an error. */
int interp_record_env(const char *env_dir, const struct interp *ip);
int interp_load_env(const char *env_dir, struct interp *ip);

/* The PEP 440 version including a pre-release ("3.13.0rc1"); new string. */
char *interp_full_version(const struct interp *ip);

/* Adds to a fresh query answer (before it is cached) the facts the script
 * leaves to cvenv: on Linux without glibc, "libc": ["musl", "1.2"] when the
 * executable (sys.executable, else path) is linked against musl (core/libc.h).
 * Changes nothing for other interpreters; never fails. */
void interp_add_native_facts(struct interp *ip, const char *path);

/* Parses a query answer (JSON text) into *ip. Returns -1 (with error()) when
 * the text is not a complete answer; `what` names its source in messages. */
int interp_from_json(const char *text, size_t len, const char *what, struct interp *ip);
/* The same from a parsed answer; takes a new reference to root. */
int interp_from_json_obj(json_t *root, const char *what, struct interp *ip);

void interp_free(struct interp *ip);

/* A string fact from the JSON answer by a dotted path, e.g.
 * "venv_paths.purelib" or "markers.platform_machine"; NULL if absent or null. */
const char *interp_fact(const struct interp *ip, const char *dotted);

#endif
