/* Making an env match a lock exactly (`cvenv sync`): what to install, change
 * and remove, then one transaction (core/pkg/install.h, install_apply) that
 * does all of it or nothing.
 *
 * Planning reads only the lock and the env's .dist-info names: an env that
 * already matches costs no wheel opened and no hash computed. Applying
 * fetches each wheel to install into a private directory under the env's
 * .cvenv, checks its size and every hash the lock gives (at least one of
 * sha224/256/384/512, the ones cvenv computes) on that private copy, and
 * installs that very copy: a file that differs from the lock is refused,
 * never replaced by another (PEP 751).
 *
 * Ownership: a sync_plan owns its strings; it borrows the pylock it was made
 * from (which must outlive it). */
#ifndef CVENV_SYNC_H
#define CVENV_SYNC_H

#include "util/common.h"
#include "util/strvec.h"
#include "core/pkg/install.h"

struct pylock;
struct pylock_package;
struct pylock_file;
struct wheel;
struct index_config;

struct sync_action {
	char *name;          /* canonical */
	char *old_version;   /* installed version, or NULL (a new install) */
	const struct pylock_package *pkg;
	const struct pylock_file *wheel; /* the wheel chosen for the env */
};

struct sync_plan {
	struct sync_action *v;  /* installs and version changes */
	size_t n;
	struct strvec remove;   /* canonical names to remove, sorted */
	struct strvec remove_versions; /* their installed versions, same order */
	size_t unchanged;       /* packages already as the lock has them */
};

struct sync_opts {
	const struct strvec *keep; /* names never removed (--keep) */
	bool inexact;              /* remove nothing */
};

void sync_plan_free(struct sync_plan *p);

/* Plans the sync of e to lock l (read from lock_path, whose directory
 * relative wheel paths are taken from). Packages whose marker is false for
 * the env are not wanted. Refused, each with an error naming the package:
 * an unknown lock requires-python for the env's Python, a package with no
 * wheel (sdist, vcs, directory or archive only: cvenv builds nothing), no
 * wheel compatible with the env, a package listed twice for the env. */
int sync_plan_lock(struct install_env *e, const struct pylock *l, const struct sync_opts *o,
		   struct sync_plan *p);

/* Adds to p->remove what is installed but neither in wanted (canonical
 * names) nor kept. */
int sync_plan_removals(struct install_env *e, const struct strvec *wanted,
		       const struct sync_opts *o, struct sync_plan *p);

/* Prints the plan ("install NAME VERSION", "change NAME OLD -> NEW",
 * "remove NAME VERSION"), one line each, or that nothing is to be done. */
void sync_plan_print(const struct sync_plan *p, FILE *f);

/* Fetches and verifies the wheels of p (lock_path: the lock's path), then
 * installs and removes in one transaction; extra wheels (already opened and
 * verified by the caller) join the same transaction. Wheels given by an
 * http(s) URL are downloaded by an index client made from icfg (only when
 * one is needed; NULL: refused), checked against the lock's hashes there
 * and again on the private copy. Returns 0 or -1 (reported, env unchanged). */
int sync_apply(struct install_env *e, const struct sync_plan *p, const char *lock_path,
	       const struct index_config *icfg, struct wheel *const *extra, size_t nextra);

#endif
