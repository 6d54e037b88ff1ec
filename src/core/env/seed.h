/* Seeding a new env with pip natively, as `python -m venv` does through
 * ensurepip but without starting Python: the newest pip wheel (and setuptools
 * for the versions whose venv installs it: before 3.12) from --seed-wheels
 * DIR, else the interpreter's own ensurepip/_bundled, else Debian's
 * /usr/share/python-wheels, installed by core/install.c (through the
 * unpacked-wheel cache). */
#ifndef CVENV_SEED_H
#define CVENV_SEED_H

#include "util/common.h"

struct interp;
struct strvec;

struct seed_ahead;

struct seed_opts {
	const char *wheel_dir;  /* --seed-wheels, or NULL */
	const char *cache_dir;  /* --cache-dir, or NULL for the default */
	bool no_cache;
	const char *link_mode;  /* --link-mode, or NULL */
	bool private_dir;       /* a build directory no other process sees */
	struct seed_ahead *ahead; /* seed_open_ahead()'s, or NULL */
};

/* Appends the wheels to seed for ip. Returns -1 (reported, with a hint)
 * when there is no pip wheel to be found. */
int seed_find_wheels(const struct interp *ip, const char *wheel_dir, struct strvec *out);
/* Installs them into the env at env_dir (complete but for pip), under its
 * lock, whose file is left in place; in a private build directory
 * (o->private_dir) in place, without a lock (nobody else can want it) or
 * a .cvenv. final_dir: the path the env will have once published, which
 * the launchers name (NULL: env_dir). */
int seed_install(const struct interp *ip, const char *env_dir, const char *final_dir,
		 const struct seed_opts *o);

/* The seed wheels opened ahead, before the env is made: from their cache
 * entries' seals only (NULL when one is not sealed in the cache, or there
 * is no cache), their entries' check started on a second thread
 * (wheelcache.c) while the env's directories, links and scripts are made.
 * seed_install() takes them (o->ahead) when they are the wheels it seeds;
 * seed_ahead_free() after the last seed_install() that may. */
struct seed_ahead *seed_open_ahead(const struct interp *ip, const struct seed_opts *o);
void seed_ahead_free(struct seed_ahead *a);

#endif
