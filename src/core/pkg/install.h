/* Installing wheels into an env and uninstalling distributions, so that the
 * env is always either as it was before or completely changed.
 *
 * An install extracts the whole wheel into a stage directory inside the env
 * (<env>/.cvenv/stage-XXXXXX: the same file system, so renames are atomic),
 * checking every member against the wheel's RECORD on the way; launchers,
 * INSTALLER, REQUESTED, direct_url.json and the new RECORD are written there
 * too. Only then is a journal written (<env>/.cvenv/journal) that lists every
 * path about to change, and the files are renamed into place, each existing
 * file (the old version's, or one being overwritten) first renamed into the
 * stage's backup tree. Removing the journal is the commit. That part -- from
 * writing the journal to removing it -- runs in a child process of its own
 * session that ignores Ctrl-C and outlives cvenv (os_run_shielded): a kill -9
 * of cvenv cannot stop it half-way, and the env is as before or completely
 * changed as soon as the child is done (it holds the env lock until then).
 * Any failure before the commit point undoes the journal's steps in reverse;
 * if the child itself dies (killed directly, a power cut), the next run that
 * takes the env lock does that undo. Uninstall is the same transaction with
 * removals only.
 *
 * Ownership: an install_env owns its venv, facts and lock; close releases
 * them. Functions never take ownership of arguments. */
#ifndef CVENV_INSTALL_H
#define CVENV_INSTALL_H

#include "util/common.h"
#include "util/strvec.h"
#include "core/interp/interp.h"
#include "core/interp/interpcache.h"
#include "core/env/venv.h"
#include "os/link.h"

struct os_sidequeue;
struct wheel;
struct wheel_name;

struct install_env {
	struct venv v;
	char *libdir;      /* site-packages, relative to v.dir ("lib/python3.12/site-packages") */
	char *bindir;      /* "bin" */
	char *state;       /* <env>/.cvenv */
	int lock_fd;
	bool have_interp;  /* facts are queried only when a wheel needs them */
	struct interp ip;
	struct strvec tags;
	/* the unpacked-wheel cache (NULL: none) and how files are placed */
	char *cache_dir;
	enum os_link_mode link_mode;
	bool verify_cache; /* re-hash every cached file before use */
	/* the launchers' common head, hashed once per run (stage.c) */
	struct record_head_hash *launcher_head;
	/* the checks of the seals opened so far, made on a second thread while
	 * the install plans (wheelcache.c), and how many rows they have */
	struct os_sidequeue *checker;
	size_t checker_rows;
	/* no other process sees the env (a new env's build directory, which
	 * is dropped whole if cvenv dies or fails): the transaction stages
	 * the files in place, and its commit has nothing to move (txn.c) */
	bool private_dir;
};

/* Opens the env at dir; with lock, takes its lock and finishes (rolls back)
 * any transaction an interrupted run left, as every change needs (which
 * env, and whether to lock, is cmd_env_open's to decide). Without lock the
 * env is for reading only. */
int install_env_open_dir(const char *dir, bool lock, struct install_env *e);
void install_env_close(struct install_env *e);

/* Chooses the unpacked-wheel cache: the cache directory the command decided
 * (cmd_cache_setup), NULL for none. link_mode is "clone", "hardlink",
 * "copy" or NULL (clone, else hardlink, else copy). Returns -1 (reported as a
 * usage error) for an unknown mode. */
int install_env_set_cache(struct install_env *e, const char *cache_root, const char *link_mode);

struct dist_set;
/* The distributions installed in the env's site-packages, by their
 * .dist-info names (distinfo_list_site); reports a site-packages that
 * cannot be read. */
int install_list(const struct install_env *e, struct dist_set *out);

/* Checks a wheel can go into the env: its tags against the interpreter's
 * (an error names both), and Requires-Python. */
int install_check_compatible(struct install_env *e, const struct wheel *w);

/* The rank of a wheel name's best tag for the env (0 is best), -1 when it is
 * not compatible, -2 (reported) when the interpreter cannot be queried. */
long install_tag_rank(struct install_env *e, const struct wheel_name *wn);
/* The interpreter facts, queried on first use. */
int install_need_interp(struct install_env *e);

struct install_opts {
	bool force_reinstall; /* reinstall even when that version is installed */
	bool requested;       /* the user asked for it: write REQUESTED */
	const char *direct_url; /* file:// URL for direct_url.json, or NULL */
	bool quiet_skip;
};

enum { INSTALL_DONE = 0, INSTALL_SKIPPED = 1 };

/* Installs opened wheels (opts[i] for ws[i]) in one transaction, replacing
 * installed versions of their projects; a wheel whose version is installed
 * already is skipped unless force_reinstall. Returns the number installed, or
 * -1 after reporting the error, with the env unchanged. */
int install_wheels(struct install_env *e, struct wheel *const *ws, size_t n,
		   const struct install_opts *opts);

/* install_wheels, and in the same transaction the removal of the installed
 * distributions named in removes (names not installed are skipped quietly):
 * what `cvenv sync` does. Returns the number of wheels installed, or -1 with
 * the env unchanged. */
int install_apply(struct install_env *e, struct wheel *const *ws, size_t n,
		  const struct install_opts *opts, const char *const *removes, size_t nremoves);

/* Removes installed distributions, all in one transaction: the files their
 * RECORDs list inside the env, their bytecode, and the directories left
 * empty. Every name is planned before anything changes, so when one cannot
 * be removed none is. A name that is not installed is skipped with a
 * warning. Returns the number removed, or -1 (env unchanged). */
int install_uninstall(struct install_env *e, const char *const *names, size_t n);

#endif
