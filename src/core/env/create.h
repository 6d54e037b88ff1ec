/* Making a virtual environment on disk: `cvenv create` for one directory.
 *
 * The plan comes from core/layout.c; this module carries it out so that a
 * failure loses nothing and leaves nothing half-made:
 *   - a new env (or --clear of an env) is built in a private directory
 *     beside the target (named with the builder's pid, flocked by it), pip
 *     seeded there, and renamed into place (no-replace rename for a new one,
 *     an atomic exchange for --clear), so another process -- or whatever a
 *     kill -9 leaves -- sees either nothing or a complete env; two creates
 *     racing for one new directory: one wins, the other fails and removes
 *     its work; the next create of a directory removes the build
 *     directories of dead builders beside it;
 *   - an existing directory is changed under its env lock (core/envlock.h),
 *     taken before deciding what to do: an empty one is filled in place (it
 *     may be a shell's current directory or a mount point), an existing env
 *     (or a non-empty directory, as venv allows) without --clear is updated
 *     in place, keeping foreign files; every file and link is replaced
 *     atomically, pyvenv.cfg is written last, and every change is logged and
 *     undone on failure: exit 1 means "as it was";
 *   - --clear refuses a non-empty directory that has no pyvenv.cfg;
 *   - without --clear, an env made for another Python (another X.Y, or PyPy
 *     for CPython) is refused: updating it would leave two lib/<python>X.Y
 *     trees and the packages out of the new interpreter's sight. */
#ifndef CVENV_CREATE_H
#define CVENV_CREATE_H

#include "util/common.h"

struct interp;

struct seed_ahead;

struct create_opts {
	bool copies;
	bool system_site_packages;
	bool clear, upgrade;
	bool with_pip;
	bool scm_ignore;
	bool relocatable;        /* launchers and activation find the env themselves */
	const char *prompt;      /* after "." was replaced, or NULL */
	const char *orig_prompt; /* as given, or NULL */
	const char *cvenv_exe;   /* for pyvenv.cfg's "command" */
	/* pip seeding (core/seed.h) */
	const char *seed_wheels; /* --seed-wheels DIR, or NULL */
	const char *cache_dir;   /* --cache-dir, or NULL */
	bool no_cache;
	const char *link_mode;   /* --link-mode, or NULL */
	struct seed_ahead *seed_ahead; /* create_seed_ahead()'s, or NULL */
	/* where the interpreter request came from when not -p (".python-version
	 * file", "$CVENV_PYTHON"), named in errors about it; or NULL */
	const char *request_origin;
};

/* Checks, before anything is made, that envs can be made with this
 * interpreter and these options (Python 3.3+, ensurepip when pip is wanted).
 * Reports the problem and returns -1. */
int create_check_interp(const struct interp *ip, const struct create_opts *o);

/* The seed wheels opened from the cache and their entries' check started
 * (core/env/seed.h) before the first env is made, so that the check runs
 * while its directories, links and scripts are written; NULL when they
 * are not in the cache. seed_ahead_free() it after the last create_env(). */
struct seed_ahead *create_seed_ahead(const struct interp *ip, const struct create_opts *o);

/* A head start on a new env while the interpreter is queried (see
 * create.c): create_head_new() for the first DIR, create_head_start() as the
 * query's interp_meanwhile (given to interp_resolve), the head passed to
 * create_env(), and create_head_free() at the end, which removes a build
 * that was not used. */
struct create_head;
struct create_head *create_head_new(const struct create_opts *o, const char *dir);
void create_head_start(const char *python, void *head);
void create_head_free(struct create_head *h);

/* Makes (or updates) the env at dir, taking over head's build when it fits
 * (head may be NULL). Reports the problem and returns -1. */
int create_env(const struct interp *ip, const struct create_opts *o, const char *dir,
	       struct create_head *head);

/* Puts pip (and setuptools before 3.12) into a finished env natively, as
 * venv's ensurepip would (core/seed.c): no Python process is started. */
int create_seed_pip(const struct interp *ip, const char *env_dir, const struct create_opts *o);

#endif
