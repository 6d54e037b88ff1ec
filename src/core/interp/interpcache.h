/* The interpreter cache: one query per interpreter, then its answer from
 * disk (the entry format is described in interpcache.c), and the records of
 * which interpreter made each venv. Facts themselves: interp.h.
 *
 * Ownership: strings returned are new; the interp filled is the caller's. */
#ifndef CVENV_INTERPCACHE_H
#define CVENV_INTERPCACHE_H

#include "util/common.h"
#include "core/interp/interp.h"

/* The facts of the interpreter at path: from the cache when its entry is
 * fresh (same file identity, same query script), else by interp_query(),
 * and then cached (mw: see interp_meanwhile; NULL for none). Starts no
 * process on a cache hit; INTERP_TIMED_OUT at once for an interpreter that
 * did not answer in time earlier in this run. */
int interp_get(const char *path, struct interp_meanwhile *mw, struct interp *ip);

/* The cache directory for the rest of the run (its "interpreters"
 * subdirectory holds the entries), NULL for none: decided once by the
 * command layer (cmd_cache_setup), never read from the environment here. */
void interp_cache_configure(const char *root);
/* The directory interpreter entries live in (new string), NULL if disabled. */
char *interp_cache_dir(void);

/* Runs the queries of the interpreters at paths whose cache entries are not
 * fresh, several at once, and caches the answers: a cold `python list` then
 * waits for the slowest interpreter, not for all of them in turn. Failures
 * are left for interp_get() to report. Nothing happens without a cache. */
void interp_prefetch(const char *const *paths, size_t n);
/* The directory holding the query script as a module (written on first use;
 * new string), NULL without a cache. */
char *interp_query_module_dir(void);

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

#endif
