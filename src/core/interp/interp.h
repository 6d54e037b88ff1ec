/* Interpreter facts: what cvenv knows about a Python interpreter, gathered by
 * running src/core/interp/interp_query.py once in it (served from the cache
 * by interpcache.h; chosen by a request in discover.h). Every other module
 * reads interpreter facts from here.
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

/* Work of the caller's to do while an interpreter starts and answers a
 * query, given to the functions that may start one (interp_get,
 * interp_resolve): `cvenv create` prepares the env meanwhile. It runs once,
 * at the first query: fn is cleared when it has run. fn gets the path of
 * the interpreter being asked, to guess from. */
struct interp_meanwhile {
	void (*fn)(const char *python, void *arg);
	void *arg;
};

/* Runs the query script in the interpreter at `path` and fills *ip: the
 * script from qdir (a directory holding it as a module: interpcache.h's
 * interp_query_module_dir), or with qdir NULL sent on stdin; mw (or NULL)
 * runs while the interpreter starts. Reports the error (naming path) and
 * returns -1 when the program cannot be run, is not Python, or answers
 * something unreadable; INTERP_TIMED_OUT when it did not answer within the
 * deadline (its process group killed). interp_query is the same with the
 * script on stdin and nothing meanwhile. */
int interp_query_in(const char *path, const char *qdir, struct interp_meanwhile *mw,
		    struct interp *ip);
int interp_query(const char *path, struct interp *ip);

/* A query (and a musl loader run) that has not answered after the deadline
 * is killed: 10 s unless the command sets another (CVENV_QUERY_TIMEOUT,
 * read by cmd/), 0 meaning none. */
#define INTERP_QUERY_TIMEOUT_DEFAULT_MS 10000u
#define INTERP_TIMED_OUT (-3) /* not -2: interp_resolve's usage error */
void interp_set_query_timeout(unsigned ms);
unsigned interp_query_timeout(void);
/* The deadline in seconds as text ("10", "0.5"); new string. */
char *interp_query_timeout_text(void);
/* Reports that the interpreter at path did not answer in time (with a
 * hint); returns INTERP_TIMED_OUT. */
int interp_report_timeout(const char *path);

/* How many interpreter processes this run started (for -v and tests). */
extern unsigned interp_queries_run;
/* The query's command line for python: qdir's runner script, which imports
 * the module beside it, or (qdir NULL) the script given inline (-c
 * inline_script), or with inline_script NULL read from stdin. *owned gets a
 * string argv points into, for the caller to free (or NULL). (core/interp.c) */
void interp_query_argv(const char *python, const char *qdir, const char *inline_script,
		       const char *argv[7], char **owned);
/* The environment queries run in: PYTHONPATH, PYTHONHOME and friends removed. */
struct strvec;
void interp_query_env(struct strvec *env);

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

/* The facts the standards modules need, from the answer (core/std depends
 * on no interpreter): the compatibility tag facts (they point into ip) and
 * the PEP 508 marker values ("markers.*"; they point into ip). */
struct tag_facts;
struct pep508_env;
void tag_facts_from_interp(const struct interp *ip, struct tag_facts *f);
void pep508_env_from_interp(struct pep508_env *env, const struct interp *ip);

/* A string fact from the JSON answer by a dotted path, e.g.
 * "venv_paths.purelib" or "markers.platform_machine"; NULL if absent or null. */
const char *interp_fact(const struct interp *ip, const char *dotted);

#endif
