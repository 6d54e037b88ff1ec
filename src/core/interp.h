/* Interpreter facts: what cvenv knows about a Python interpreter, gathered by
 * running src/core/interp_query.py once in it (and, later, served from the
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
};

/* Runs the query script in the interpreter at `path` and fills *ip.
 * Reports the error (naming path) and returns -1 when the program cannot be
 * run, is not Python, or answers something unreadable. */
int interp_query(const char *path, struct interp *ip);

/* Finds and queries the interpreter a user request names: a path to an
 * interpreter or env, a command on PATH ("python3.12", "pypy3"), a version
 * ("3.12"), and more (see core/pyrequest.h once it exists). An interpreter
 * inside a venv resolves to its base interpreter. Reports the error and returns
 * -1 when nothing matches. */
int interp_resolve(const char *request, struct interp *ip);

/* Parses a query answer (JSON text) into *ip. Returns -1 (with error()) when
 * the text is not a complete answer; `what` names its source in messages. */
int interp_from_json(const char *text, size_t len, const char *what, struct interp *ip);

void interp_free(struct interp *ip);

/* A string fact from the JSON answer by a dotted path, e.g.
 * "venv_paths.purelib" or "markers.platform_machine"; NULL if absent or null. */
const char *interp_fact(const struct interp *ip, const char *dotted);

#endif
