/* Carrying out a venv layout on disk, atomically; see create.h. */
#include "util/common.h"

#include <ctype.h>
#include <unistd.h>

#include "core/env/activate.h"
#include "core/env/create.h"
#include "core/env/envlock.h"
#include "core/env/seed.h"
#include "core/interp/interp.h"
#include "core/interp/interpcache.h"
#include "core/env/layout.h"
#include "core/env/pyvenvcfg.h"
#include "core/env/venv.h"
#include "os/fs.h"
#include "os/interrupt.h"
#include "os/link.h"
#include "os/spawn.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

static void facts_of(const struct interp *ip, struct layout_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->implementation = ip->implementation;
	f->major = ip->major;
	f->minor = ip->minor;
	f->micro = ip->micro;
	f->base_executable = ip->base_executable;
	f->executable_realpath = ip->realpath;
	f->pointer_bits = ip->pointer_bits;
	f->os_name = interp_fact(ip, "os_name");
	f->sys_platform = interp_fact(ip, "sys_platform");
	if (!f->os_name)
		f->os_name = "posix";
	if (!f->sys_platform)
		f->sys_platform = "linux";
	f->purelib = interp_fact(ip, "venv_paths.purelib");
	f->include = interp_fact(ip, "venv_paths.include");
	f->scripts = interp_fact(ip, "venv_paths.scripts");
}

int create_check_interp(const struct interp *ip, const struct create_opts *o)
{
	struct layout_facts f;
	facts_of(ip, &f);
	if (!layout_supported(&f)) {
		error("cannot make an environment for Python %s ('%s'): pyvenv.cfg environments "
		      "need Python 3.3 or later",
		      ip->version, ip->executable);
		hint("for Python 2.7 use virtualenv 20.21 or older: "
		     "'virtualenv -p %s DIR'", ip->executable);
		return -1;
	}
	struct strvec seeds = STRVEC_INIT;
	int found = o->with_pip ? seed_find_wheels(ip, o->seed_wheels, &seeds) : 0;
	strvec_clear(&seeds);
	if (found < 0) {
		if (o->seed_wheels) {
			hint("put pip's wheel into '%s', or pass --without-pip", o->seed_wheels);
		} else if (starts_with(ip->executable, "/usr/bin/")) {
			char *pkg = strcmp(ip->implementation, "pypy")
					    ? xstrfmt("python%d.%d-venv", ip->major, ip->minor)
					    : xstrdup("pypy3-venv");
			hint("install it with 'apt-get install %s' (Debian/Ubuntu), or pass "
			     "--without-pip", pkg);
			free(pkg);
		} else {
			hint("pass --without-pip to make the environment without pip");
		}
		return -1;
	}
	return 0;
}

/* A name beside `path` for building its replacement, unique to this process. */
static char *tmp_beside(const char *path)
{
	return xstrfmt("%s.cvenv-tmp.%ld", path, (long)getpid());
}

/* Finishes put_*(): renames the made tmp over path, or removes it. */
static int rename_over(char *tmp, const char *path, int made)
{
	int r = made;
	if (r == 0 && (r = os_rename(tmp, path)) < 0) {
		int e = errno;
		os_unlink(tmp);
		errno = e;
	}
	free(tmp);
	return r;
}

/* Replaces whatever is at path by a symlink, atomically. */
static int put_symlink(const char *target, const char *path)
{
	char *tmp = tmp_beside(path);
	os_unlink(tmp);
	return rename_over(tmp, path, os_symlink(target, tmp));
}

/* Replaces whatever is at path by a copy of src, atomically. */
static int put_copy(const char *src, const char *path, unsigned mode)
{
	char *tmp = tmp_beside(path);
	os_unlink(tmp);
	return rename_over(tmp, path, os_copy_file(src, tmp, mode));
}

/* ---- Taking back an update in place ----
 * An existing directory is changed in place (an env updated, an empty or
 * foreign directory filled). Exit 1 must mean "as it was", so every change
 * is logged before it is made: a path about to be made (removed again on
 * failure), an existing file about to be replaced (first hard-linked into a
 * backup directory, renamed back over the new one on failure), an entry
 * --clear would delete (moved into the backup instead). A failure undoes the
 * log newest first; nothing but what this run made is removed. The backup
 * directory, <env>/.cvenv/create-XXXXXX, lives under the env lock and goes
 * at the end. */
struct undo {
	char *dir;             /* the env */
	char *backup;          /* made on first need, or NULL */
	struct strvec paths;   /* the log: each path changed, oldest first */
	struct strvec backups; /* for each, where its old self waits; "": made */
	bool made_state;       /* <dir>/.cvenv was made by this run */
};

static void undo_init(struct undo *u, const char *dir, bool made_state)
{
	memset(u, 0, sizeof(*u));
	u->dir = xstrdup(dir);
	strvec_init(&u->paths);
	strvec_init(&u->backups);
	u->made_state = made_state;
}

static void undo_log(struct undo *u, const char *path, char *backup_take)
{
	strvec_push(&u->paths, path);
	strvec_push_take(&u->backups, backup_take);
}

/* A new name in the backup directory. */
static char *undo_backup_slot(struct undo *u)
{
	if (!u->backup) {
		char *state = path_join(u->dir, ".cvenv");
		u->backup = os_mkdtemp_in(state, "create-");
		free(state);
		if (!u->backup)
			return NULL;
	}
	return xstrfmt("%s/%zu", u->backup, u->paths.n);
}

/* Logs that path is about to be made or replaced (u NULL: no log). */
static int undo_touch(struct undo *u, const char *path)
{
	if (!u)
		return 0;
	if (!os_exists(path)) {
		undo_log(u, path, xstrdup(""));
		return 0;
	}
	if (os_is_dir(path) && !os_is_symlink(path))
		return 0; /* directories are never replaced, only made */
	char *slot = undo_backup_slot(u);
	if (!slot || os_hardlink(path, slot) < 0) {
		int e = errno;
		free(slot);
		errno = e;
		return error_errno("cannot keep a copy of '%s' to restore on failure", path);
	}
	undo_log(u, path, slot);
	return 0;
}

/* --clear in place: moves the env's entries (all but .cvenv) aside. */
static int undo_clear(struct undo *u)
{
	struct strvec names = STRVEC_INIT;
	int r = os_list_dir(u->dir, &names);
	if (r < 0)
		r = error_errno("cannot clear '%s'", u->dir);
	for (size_t i = 0; r == 0 && i < names.n; i++) {
		if (!strcmp(names.v[i], ".cvenv"))
			continue;
		char *p = path_join(u->dir, names.v[i]);
		char *slot = undo_backup_slot(u);
		if (!slot || os_rename(p, slot) < 0) {
			r = error_errno("cannot clear '%s'", p);
			free(slot);
		} else {
			undo_log(u, p, slot);
		}
		free(p);
	}
	strvec_clear(&names);
	return r;
}

/* Puts everything back as it was, newest change first. */
static void undo_rollback(struct undo *u)
{
	for (size_t i = u->paths.n; i-- > 0;) {
		const char *p = u->paths.v[i], *old = u->backups.v[i];
		if (!*old ? os_rm_rf(p) < 0 : os_rename(old, p) < 0)
			warning_errno("cannot restore '%s'%s%s", p, *old ? " from " : "", old);
	}
}

/* Ends the update: rolled back unless ok; the backup goes; a .cvenv this
 * run made goes too when it failed and holds nothing but the lock -- the
 * lock holder's last act, which env_lock allows for. */
static void undo_finish(struct undo *u, bool ok)
{
	if (!ok)
		undo_rollback(u);
	if (u->backup)
		os_rm_rf(u->backup);
	if (!ok && u->made_state) {
		char *state = path_join(u->dir, ".cvenv");
		char *lock = path_join(state, "lock");
		struct strvec names = STRVEC_INIT;
		if (os_list_dir(state, &names) == 0 && names.n == 1 && !strcmp(names.v[0], "lock")) {
			os_unlink(lock);
			os_rmdir(state);
		}
		strvec_clear(&names);
		free(lock);
		free(state);
	}
	strvec_clear(&u->paths);
	strvec_clear(&u->backups);
	free(u->backup);
	free(u->dir);
	memset(u, 0, sizeof(*u));
}

/* Removes the backups of updates in place that were killed: under the env
 * lock, no other run can own one. */
static void undo_clean_stale(const char *dir)
{
	char *state = path_join(dir, ".cvenv");
	struct strvec names = STRVEC_INIT;
	if (os_list_dir(state, &names) == 0)
		for (size_t i = 0; i < names.n; i++)
			if (starts_with(names.v[i], "create-")) {
				char *p = path_join(state, names.v[i]);
				os_rm_rf(p);
				free(p);
			}
	strvec_clear(&names);
	free(state);
}

/* mkdir -p of rel under root (which exists), one mkdir per component from
 * the top: no failed attempts from the bottom up as a generic mkdir -p makes,
 * which matters on slow (overlay, network) file systems. */
static int mkdir_under(const char *root, const char *rel, struct undo *u)
{
	struct buf p = BUF_INIT;
	buf_addstr(&p, root);
	int r = 0;
	for (const char *s = rel; *s && r == 0;) {
		const char *slash = strchr(s, '/');
		size_t n = slash ? (size_t)(slash - s) : strlen(s);
		buf_addch(&p, '/');
		buf_add(&p, s, n);
		if (u && !os_exists(p.ptr))
			undo_log(u, p.ptr, xstrdup(""));
		if (os_mkdir(p.ptr, 0777) < 0 && !(errno == EEXIST && os_is_dir(p.ptr)))
			r = -1;
		s += n;
		while (*s == '/')
			s++;
	}
	buf_free(&p);
	return r;
}

/* Makes one planned item under root. fresh: root is a new directory private to
 * this run (the build directory), so nothing can be in the way and nobody can
 * see a file half-written: no existence checks, no temporary and rename.
 * Otherwise u notes what changes. */
static int apply_item(const char *root, const struct layout_item *it, bool fresh, struct undo *u)
{
	char *path = path_join(root, it->path);
	int r = 0;
	if (!fresh && it->only_if_missing && os_exists(path))
		goto done;
	if (!fresh && it->kind != LAYOUT_DIR && undo_touch(u, path) < 0) {
		r = -1; /* reported */
		goto done;
	}
	switch (it->kind) {
	case LAYOUT_DIR:
		if (!fresh && (os_is_symlink(path) || (os_exists(path) && !os_is_dir(path)))) {
			r = error("cannot create directory '%s': a file of that name is in the way",
				  path);
			goto done;
		}
		r = mkdir_under(root, it->path, u);
		break;
	case LAYOUT_SYMLINK:
		r = fresh ? os_symlink(it->arg, path) : put_symlink(it->arg, path);
		break;
	case LAYOUT_COPY:
		r = fresh ? os_copy_file(it->arg, path, it->mode) : put_copy(it->arg, path, it->mode);
		break;
	case LAYOUT_FILE: {
		mode_t mode = it->mode ? (mode_t)it->mode : OS_MODE_UMASK;
		r = fresh ? os_write_new(path, it->arg, strlen(it->arg), mode)
			  : os_write_atomic(path, it->arg, strlen(it->arg), mode, false);
		break;
	}
	}
	if (r < 0)
		r = error_errno("cannot create '%s'", path);
done:
	free(path);
	return r;
}

static const struct layout_item *cfg_item(const struct layout *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].path, "pyvenv.cfg"))
			return &l->v[i];
	return NULL;
}

/* The activation scripts, noted in u first when updating in place. */
static int write_scripts(const char *root, const struct layout *l, const struct activate_vars *av,
			 bool fresh, struct undo *u)
{
	char *bin = path_join(root, l->bin_dir);
	int r = 0;
	for (size_t i = 0; u && r == 0 && activate_script_name(i); i++) {
		char *p = path_join(bin, activate_script_name(i));
		r = undo_touch(u, p);
		free(p);
	}
	if (r == 0)
		r = activate_write_scripts(bin, av, fresh);
	free(bin);
	return r;
}

/* Makes the env's files under root (the build directory, or the env itself
 * when updating in place), all but pyvenv.cfg. */
static int populate_body(const char *root, bool fresh, const struct layout *l,
			 const struct activate_vars *av, bool scripts, struct undo *u)
{
	const struct layout_item *cfg = cfg_item(l);
	for (size_t i = 0; i < l->n; i++)
		if (&l->v[i] != cfg && apply_item(root, &l->v[i], fresh, u) < 0)
			return -1;
	return scripts ? write_scripts(root, l, av, fresh, u) : 0;
}

/* pyvenv.cfg, with cfg_text instead of the planned text when given. */
static int populate_cfg(const char *root, bool fresh, const struct layout *l, const char *cfg_text,
			struct undo *u)
{
	const struct layout_item *cfg = cfg_item(l);
	if (!cfg)
		return 0;
	struct layout_item first = *cfg;
	if (cfg_text)
		first.arg = (char *)cfg_text;
	return apply_item(root, &first, fresh, u);
}

/* Makes the env's files under root. pyvenv.cfg comes last -- a directory
 * becomes an env for other programs only once everything else is there. */
static int populate(const char *root, bool fresh, const struct layout *l,
		    const struct activate_vars *av, bool scripts, const char *cfg_text,
		    struct undo *u)
{
	if (populate_body(root, fresh, l, av, scripts, u) < 0)
		return -1;
	return populate_cfg(root, fresh, l, cfg_text, u);
}

/* Seeds pip into env_dir, whose launchers name final_dir's python;
 * private: env_dir is a build directory no other process sees. */
static int seed_pip(const struct interp *ip, const char *env_dir, const char *final_dir,
		    bool private, const struct create_opts *o)
{
	struct seed_opts so = {
		.wheel_dir = o->seed_wheels,
		.cache_dir = o->cache_dir,
		.no_cache = o->no_cache,
		.link_mode = o->link_mode,
		.private_dir = private,
		.ahead = o->seed_ahead,
	};
	info(1, "installing pip into '%s'", final_dir);
	return seed_install(ip, env_dir, final_dir, &so);
}

struct seed_ahead *create_seed_ahead(const struct interp *ip, const struct create_opts *o)
{
	if (!o->with_pip)
		return NULL;
	struct seed_opts so = {
		.wheel_dir = o->seed_wheels,
		.cache_dir = o->cache_dir,
		.no_cache = o->no_cache,
		.link_mode = o->link_mode,
	};
	return seed_open_ahead(ip, &so);
}

int create_seed_pip(const struct interp *ip, const char *env_dir, const struct create_opts *o)
{
	return seed_pip(ip, env_dir, env_dir, false, o);
}

/* Checked between steps: an interrupt undoes the env being made. */
static bool interrupted(const char *dir)
{
	if (!os_interrupted())
		return false;
	error("interrupted: '%s' was not created", dir);
	return true;
}

/* NEW: build beside, rename in (no-replace). SWAP (--clear of an env): build
 * beside, exchange. FILL_EMPTY: an existing empty directory is filled in
 * place -- renaming over it would pull it from under a shell whose current
 * directory it is, and fails on a mount point -- and emptied again on
 * failure. IN_PLACE: an existing env or non-empty directory, updated. The
 * last three run under the env lock, taken before deciding. */
enum how { HOW_NEW, HOW_FILL_EMPTY, HOW_SWAP, HOW_IN_PLACE };

/* Whether dir has no entries but a .cvenv this run made (to lock it). */
static bool is_empty_but_state(const char *dir, bool made_state)
{
	struct strvec names = STRVEC_INIT;
	bool empty = os_list_dir(dir, &names) == 0 &&
		     (names.n == 0 || (names.n == 1 && made_state && !strcmp(names.v[0], ".cvenv")));
	strvec_clear(&names);
	return empty;
}

/* Decides how the target is made; refuses what must not be touched. */
static int decide(const char *dir, const struct create_opts *o, bool made_state, enum how *how)
{
	if (!os_exists(dir)) {
		*how = HOW_NEW;
		return 0;
	}
	if (!os_is_dir(dir))
		return error("cannot create environment '%s': it exists and is not a directory", dir);
	bool is_env = venv_is_env(dir);
	bool empty = is_empty_but_state(dir, made_state);
	if (os_is_symlink(dir)) {
		/* Replacing a link to a directory would replace the link: work inside. */
		if (o->clear && !is_env && !empty)
			goto refuse;
		*how = HOW_IN_PLACE;
		return 0;
	}
	if (empty) {
		*how = HOW_FILL_EMPTY;
		return 0;
	}
	if (o->clear) {
		if (!is_env)
			goto refuse;
		*how = HOW_SWAP;
		return 0;
	}
	*how = HOW_IN_PLACE;
	return 0;
refuse:
	error("refusing to clear '%s': it is not empty and not a virtual environment (no pyvenv.cfg)",
	      dir);
	hint("remove it yourself, or choose another directory");
	return -1;
}

/* The site-packages of another Python in the env at dir ("python3.12": its
 * lib/ entry), or NULL when every one there is purelib, this interpreter's. */
static char *other_python_in(const char *dir, const char *purelib)
{
	char *lib = path_join(dir, "lib");
	struct strvec names = STRVEC_INIT;
	char *other = NULL;
	if (os_list_dir(lib, &names) == 0)
		for (size_t i = 0; i < names.n && !other; i++) {
			const char *n = names.v[i];
			if (!starts_with(n, "python") && !starts_with(n, "pypy"))
				continue;
			char *rel = xstrfmt("lib/%s/site-packages", n);
			char *abs = path_join(dir, rel);
			if (strcmp(rel, purelib) && os_is_dir(abs))
				other = xstrdup(n);
			free(abs);
			free(rel);
		}
	strvec_clear(&names);
	free(lib);
	return other;
}

/* Refuses to update, without --clear, an env made for another Python: venv
 * would quietly add a second lib/pythonX.Y beside the first, and the env's
 * packages would vanish from sight. */
static int check_same_python(const char *dir, const struct interp *ip, const struct layout *l,
			     const struct create_opts *o)
{
	char *other = other_python_in(dir, l->purelib);
	if (!other)
		return 0;
	char *cfg_version = NULL;
	char *cfg_path = path_join(dir, "pyvenv.cfg");
	struct buf text = BUF_INIT;
	if (os_read_file(cfg_path, PYVENVCFG_MAX, &text) == 0) {
		struct pyvenvcfg cfg = PYVENVCFG_INIT;
		pyvenvcfg_parse(&cfg, text.ptr, text.len);
		const char *v = pyvenvcfg_get(&cfg, "version");
		if (!v)
			v = pyvenvcfg_get(&cfg, "version_info");
		cfg_version = v ? xstrdup(v) : NULL;
		pyvenvcfg_free(&cfg);
	}
	error("cannot update environment '%s': it was made for %s%s (lib/%s), not for %s %s%s%s",
	      dir, cfg_version ? "Python " : "another Python", cfg_version ? cfg_version : "",
	      other, ip->implementation, ip->version, o->request_origin ? ", requested by " : "",
	      o->request_origin ? o->request_origin : "");
	hint("recreate it with --clear (its packages go: 'cvenv freeze' first to install them "
	     "again), or choose that Python with -p");
	buf_free(&text);
	free(cfg_path);
	free(cfg_version);
	free(other);
	return -1;
}

/* The nearest missing ancestor of dir's parent that mkdir -p will create, so
 * that a failure can take it away again; NULL if the parent exists. */
static char *first_missing_parent(const char *dir)
{
	char *p = os_dirname(dir);
	char *missing = NULL;
	while (!os_exists(p)) {
		free(missing);
		missing = p;
		p = os_dirname(missing);
		if (!strcmp(p, missing))
			break;
	}
	free(p);
	return missing;
}

/* A new env is built in a directory of its own beside the target, made with
 * the target's future mode (a plain mkdir: umask, default ACLs), seeded with
 * pip there, and renamed into place: no temporary parent to make and remove
 * (on this ext4 an rmdir of even an empty directory costs more than three
 * mkdirs). Its name carries the builder's pid, ".<name>.cvenv-<pid>-XXXXXX",
 * and the builder holds an flock on the directory itself from the start
 * (inherited by the shielded child that commits pip's files), so that the
 * next create of that DIR can tell a dead builder's leftovers (pid gone and
 * lock free: removed, see clean_stale_builds) from a live one's. */
struct build {
	char *root;  /* the env being built: <parent>/.<name>.cvenv-<pid>-XXXXXX */
	char *old;   /* <root>-old: where a --clear swap without RENAME_EXCHANGE
			puts the env it replaces */
	bool root_live; /* root holds something to remove at the end: the env
			   under construction, or what it replaced, or a failed one */
	char *made_parent;
	int lock_fd;  /* the flock on root (on DIR, once renamed), or -1 */
};

static void build_cleanup(struct build *b, bool remove_parent)
{
	if (b->root && b->root_live)
		os_rm_rf(b->root);
	if (b->old && os_is_dir(b->old) && !os_is_symlink(b->old))
		os_rm_rf(b->old);
	if (remove_parent && b->made_parent)
		os_rm_rf(b->made_parent);
	if (b->root)
		os_unlock(b->lock_fd);
	free(b->root);
	free(b->old);
	free(b->made_parent);
	memset(b, 0, sizeof(*b));
	b->lock_fd = -1;
}

static int build_begin(struct build *b, const char *dir)
{
	memset(b, 0, sizeof(*b));
	b->lock_fd = -1;
	b->made_parent = first_missing_parent(dir);
	char *parent = os_dirname(dir);
	if (os_mkdir_p(parent, 0777) < 0) {
		error_errno("cannot create directory '%s'", parent);
		free(parent);
		return -1;
	}
	char *base = os_basename(dir);
	char *prefix = xstrfmt(".%s.cvenv-%ld-", base, (long)getpid());
	b->root = os_mkdir_unique(parent, prefix);
	int e = errno;
	free(prefix);
	free(base);
	free(parent);
	errno = e;
	if (!b->root)
		return error_errno("cannot create environment '%s'", dir);
	b->root_live = true;
	b->old = xstrfmt("%s-old", b->root);
	/* free but for a cleaner in another pid namespace that saw it first:
	 * then the pid in the name still protects it from this namespace */
	b->lock_fd = os_trylock_dir(b->root);
	return 0;
}

/* Parses ".<base>.cvenv-<pid>-XXXXXX[-old]" (name past the prefix): the
 * pid, and whether it is a swap's "-old". */
static bool parse_build_name(const char *rest, long *pid, bool *old)
{
	char *end;
	if (!isdigit((unsigned char)*rest))
		return false;
	errno = 0;
	*pid = strtol(rest, &end, 10);
	if (errno || *end != '-')
		return false;
	end++;
	for (int i = 0; i < 6; i++)
		if (!isalnum((unsigned char)end[i]))
			return false;
	*old = !strcmp(end + 6, "-old");
	return !end[6] || *old;
}

/* Removes what killed creates of dir left beside it: build directories whose
 * builder is gone (its pid not alive and the flock on the directory free).
 * A "-old" (the env a swap without RENAME_EXCHANGE had moved aside) goes
 * back to dir when dir is missing. Anything live, or not named as cvenv
 * names its builds, is left alone; links are never followed. */
static void clean_stale_builds(const char *dir)
{
	char *parent = os_dirname(dir);
	char *base = os_basename(dir);
	char *prefix = xstrfmt(".%s.cvenv-", base);
	struct strvec names = STRVEC_INIT;
	if (os_list_dir(parent, &names) < 0)
		names.n = 0;
	for (size_t i = 0; i < names.n; i++) {
		long pid;
		bool old;
		if (!starts_with(names.v[i], prefix) ||
		    !parse_build_name(names.v[i] + strlen(prefix), &pid, &old) ||
		    pid == (long)getpid() || os_pid_alive(pid))
			continue;
		char *p = path_join(parent, names.v[i]);
		int fd = os_trylock_dir(p);
		if (fd >= 0) {
			if (old && !os_exists(dir) && os_rename(p, dir) == 0)
				warning("'%s' was moved back: a killed create (pid %ld) had moved "
					"it to '%s'", dir, pid, p);
			else if (os_rm_rf(p) == 0)
				info(1, "removed '%s', left by a killed create (pid %ld)", p, pid);
			os_unlock(fd);
		}
		free(p);
	}
	strvec_clear(&names);
	free(prefix);
	free(base);
	free(parent);
}

/* Moves the built env into place. */
static int build_commit(struct build *b, const char *dir, enum how how)
{
	int r;
	if (how == HOW_NEW) {
		r = os_rename_noreplace(b->root, dir);
	} else {
		r = os_rename_exchange(b->root, dir);
		if (r < 0 && (errno == ENOSYS || errno == EINVAL)) {
			r = os_rename(dir, b->old);
			if (r == 0 && (r = os_rename(b->root, dir)) < 0) {
				int e = errno;
				os_rename(b->old, dir);
				errno = e;
			}
		}
	}
	if (r == 0) {
		/* a swap left the replaced env at root (or at old) */
		b->root_live = how != HOW_NEW && os_exists(b->root);
		return 0;
	}
	if (errno == EEXIST || errno == ENOTEMPTY) {
		error("cannot create environment '%s': another process made it meanwhile", dir);
		hint("run the command again to update it");
		return -1;
	}
	return error_errno("cannot move the new environment into '%s'", dir);
}

static void layout_opts_of(const struct create_opts *o, const char *dir, struct layout_opts *lo)
{
	*lo = (struct layout_opts){
		.env_dir = dir, .copies = o->copies, .system_site_packages = o->system_site_packages,
		.with_pip = o->with_pip, .clear = o->clear, .upgrade = o->upgrade,
		.scm_ignore = o->scm_ignore, .relocatable = o->relocatable, .prompt = o->prompt, .orig_prompt = o->orig_prompt,
		.cvenv_exe = o->cvenv_exe,
	};
}

/* ---- The head start ----
 * On a first meeting with an interpreter its query is most of a create's
 * time. Meanwhile (the interp_meanwhile given to interp_resolve) the first env, when it is a
 * new directory, is built from a guess of the facts that shape it: the
 * version and implementation in the interpreter's file name (or its link
 * target's: python3 -> python3.11, pypy3 -> pypy3.9), the path as given for
 * the base executable, this program's word size, venv's paths for that
 * version. Everything but pyvenv.cfg (which needs the exact version) is
 * made. When the answer comes, create_env plans with the real facts; only
 * if that plan equals the guessed one item for item does it keep the build
 * and add pyvenv.cfg, else the build is removed and the env made as usual.
 * A wrong guess costs time, never correctness. */
struct create_head {
	const struct create_opts *o;
	char *dir;
	struct build b;     /* root_live: the guessed env, less pyvenv.cfg */
	struct layout plan; /* the guessed plan */
	struct strvec keep; /* strings the guessed facts point into */
};

struct create_head *create_head_new(const struct create_opts *o, const char *dir)
{
	struct create_head *h = xcalloc(1, sizeof(*h));
	h->o = o;
	h->dir = os_abspath(dir);
	strvec_init(&h->keep);
	return h;
}

void create_head_free(struct create_head *h)
{
	if (!h)
		return;
	build_cleanup(&h->b, true);
	layout_free(&h->plan);
	strvec_clear(&h->keep);
	free(h->dir);
	free(h);
}

/* "python3.11" -> cpython 3 11, "pypy3.9" -> pypy 3 9; nothing else (a
 * suffix such as the free-threaded "t" changes the paths: no guess). */
static bool version_from_name(const char *name, const char **impl, int *major, int *minor)
{
	const char *p;
	if (starts_with(name, "python"))
		*impl = "cpython", p = name + 6;
	else if (starts_with(name, "pypy"))
		*impl = "pypy", p = name + 4;
	else
		return false;
	char *end;
	long a = strtol(p, &end, 10);
	if (end == p || *end != '.' || !isdigit((unsigned char)end[1]))
		return false;
	long b = strtol(end + 1, &end, 10);
	if (*end || a < 3 || a > 9 || b < 0 || b > 99)
		return false;
	*major = (int)a;
	*minor = (int)b;
	return true;
}

static bool guess_facts(const char *python, struct layout_facts *f, struct strvec *keep)
{
	memset(f, 0, sizeof(*f));
#if defined(__linux__)
	f->sys_platform = "linux";
#else
	return false; /* venv's paths differ (macOS framework builds): no guess */
#endif
	char *abs = os_abspath(python);
	char *real = abs ? os_realpath(abs) : NULL;
	if (!abs || !real) {
		free(abs);
		free(real);
		return false;
	}
	strvec_push_take(keep, abs);
	strvec_push_take(keep, real);
	char *names[2] = { os_basename(abs), os_basename(real) };
	bool ok = false;
	for (int i = 0; i < 2 && !ok; i++)
		ok = version_from_name(names[i], &f->implementation, &f->major, &f->minor);
	free(names[0]);
	free(names[1]);
	if (!ok)
		return false;
	f->base_executable = keep->v[keep->n - 2];
	f->executable_realpath = keep->v[keep->n - 1];
	f->pointer_bits = (int)(sizeof(void *) * 8);
	f->os_name = "posix";
	bool pypy = !strcmp(f->implementation, "pypy");
	char *purelib = xstrfmt("lib/%s%d.%d/site-packages", pypy ? "pypy" : "python", f->major,
				f->minor);
	/* the "venv" scheme from 3.11 puts include/ one level down */
	char *include = !pypy && (f->major > 3 || f->minor >= 11)
				? xstrfmt("include/python%d.%d", f->major, f->minor)
				: xstrdup("include");
	strvec_push_take(keep, purelib);
	strvec_push_take(keep, include);
	f->purelib = keep->v[keep->n - 2];
	f->include = keep->v[keep->n - 1];
	f->scripts = "bin";
	return true;
}

void create_head_start(const char *python, void *arg)
{
	struct create_head *h = arg;
	struct layout_facts f;
	struct layout_opts lo;
	enum how how;
	struct buf quiet = BUF_INIT;
	struct buf *saved = error_capture;
	error_capture = &quiet; /* a failed guess is silent: create_env redoes it all */
	if (h->dir && !h->b.root && guess_facts(python, &f, &h->keep) && layout_supported(&f)) {
		char *name = os_basename(h->dir);
		layout_opts_of(h->o, h->dir, &lo);
		struct activate_vars av = { h->dir, "bin", h->o->prompt ? h->o->prompt : name,
					    h->o->relocatable };
		/* from here a Ctrl-C must not leave the build behind */
		os_defer_interrupts();
		if (activate_check(&av) == 0 && decide(h->dir, h->o, false, &how) == 0 && how == HOW_NEW &&
		    layout_plan(&f, &lo, &h->plan) == 0 && os_can_write_near(h->dir)) {
			av.bin_name = h->plan.bin_dir;
			if (build_begin(&h->b, h->dir) < 0 ||
			    populate_body(h->b.root, true, &h->plan, &av, true, NULL) < 0)
				build_cleanup(&h->b, true);
		}
		free(name);
	}
	error_capture = saved;
	buf_free(&quiet);
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Whether the env a head start built is the env plan l makes, pyvenv.cfg
 * aside. */
static bool head_fits(const struct create_head *h, const char *dir, const struct layout *l)
{
	if (!h || !h->b.root || !h->b.root_live || strcmp(h->dir, dir) ||
	    !same_str(h->plan.bin_dir, l->bin_dir) || h->plan.n != l->n)
		return false;
	for (size_t i = 0; i < l->n; i++) {
		const struct layout_item *a = &h->plan.v[i], *b = &l->v[i];
		if (!strcmp(b->path, "pyvenv.cfg") && !strcmp(a->path, "pyvenv.cfg"))
			continue;
		if (a->kind != b->kind || !same_str(a->path, b->path) || !same_str(a->arg, b->arg) ||
		    a->mode != b->mode || a->only_if_missing != b->only_if_missing)
			return false;
	}
	return true;
}

/* IN_PLACE, FILL_EMPTY: the env's files changed in dir itself, under its
 * lock (*lock_fd), each change logged in u. */
static int update_in_place(const struct interp *ip, const struct create_opts *o, const char *dir,
			   enum how how, const struct layout *l, const struct activate_vars *av,
			   const char *pip_cfg, struct undo *u, int *lock_fd)
{
	/* venv leaves the scripts alone on --upgrade; a new env still gets them */
	bool scripts = !o->upgrade || how != HOW_IN_PLACE;
	if (o->clear && how == HOW_IN_PLACE && undo_clear(u) < 0)
		return -1;
	if (populate(dir, false, l, av, scripts, pip_cfg, u) < 0 || interrupted(dir))
		return -1;
	if (!o->with_pip)
		return 0;
	/* seeding takes the env lock itself (a second flock of the same file
	 * from this process would wait for ourselves): let go meanwhile */
	env_unlock(*lock_fd);
	int pr = os_interrupted() ? -1 : seed_pip(ip, dir, dir, false, o);
	*lock_fd = env_lock(dir);
	if (pr < 0 || *lock_fd < 0 || interrupted(dir))
		return -1;
	return pip_cfg ? apply_item(dir, cfg_item(l), false, u) : 0;
}

/* NEW, SWAP: the env built (or taken from the head start) and seeded in a
 * private directory beside dir, then published by one rename. */
static int build_and_publish(const struct interp *ip, const struct create_opts *o,
			     const char *dir, enum how how, const struct layout *l,
			     const struct activate_vars *av, const char *pip_cfg,
			     struct create_head *head, struct build *b, bool *committed)
{
	if (how == HOW_NEW && head_fits(head, dir, l)) {
		info(2, "the env was built while the interpreter answered");
		*b = head->b; /* the head start's build is this env's now */
		memset(&head->b, 0, sizeof(head->b));
		if (populate_cfg(b->root, true, l, pip_cfg, NULL) < 0)
			return -1;
	} else {
		/* a head start that does not fit goes; the parent directories
		 * it made are this build's to remove on failure */
		char *made_parent = NULL;
		if (head) {
			made_parent = head->b.made_parent;
			head->b.made_parent = NULL;
			build_cleanup(&head->b, false);
		}
		int br = build_begin(b, dir);
		if (made_parent) {
			free(b->made_parent);
			b->made_parent = made_parent;
		}
		if (br < 0 || populate(b->root, true, l, av, true, pip_cfg, NULL) < 0)
			return -1;
	}
	if (o->with_pip) {
		/* seeded before it is published: a kill leaves no env without pip */
		int pr = os_interrupted() ? -1 : seed_pip(ip, b->root, dir, true, o);
		if (pr < 0 || interrupted(dir))
			return -1;
		if (pip_cfg && apply_item(b->root, cfg_item(l), false, NULL) < 0)
			return -1;
		/* the build's lock file is no part of a new env (as venv's): no
		 * other process can hold it, the directory being private */
		char *state = path_join(b->root, ".cvenv");
		int rr = os_rm_rf(state);
		free(state);
		if (rr < 0)
			return error_errno("cannot remove '%s/.cvenv'", b->root);
	}
	if (interrupted(dir) || build_commit(b, dir, how) < 0)
		return -1;
	*committed = true;
	return 0;
}

int create_env(const struct interp *ip, const struct create_opts *o, const char *dir_arg,
	       struct create_head *head)
{
	if (!dir_arg[0]) /* os_abspath would make it the current directory */
		return error("cannot create environment '': an empty path names no directory");
	char *dir = os_abspath(dir_arg);
	char *name = os_basename(dir);
	struct activate_vars av = { dir, "bin", o->prompt ? o->prompt : name, o->relocatable };
	struct layout_facts f;
	struct layout_opts lo;
	struct layout l = LAYOUT_INIT;
	struct build b = { .lock_fd = -1 };
	struct undo u;
	bool have_undo = false;
	int lock_fd = -1;
	enum how how = HOW_NEW;
	int r = -1;
	bool committed = false;
	char *pip_cfg = NULL;

	facts_of(ip, &f);
	layout_opts_of(o, dir, &lo);
	if (activate_check(&av) < 0 || layout_plan(&f, &lo, &l) < 0)
		goto out;
	if (!os_can_write_near(dir)) {
		error("cannot create environment '%s': %s", dir, strerror(EACCES));
		goto out;
	}
	clean_stale_builds(dir);
	if (os_is_dir(dir)) {
		/* an existing directory changes under its env lock, and what
		 * to do is decided under it */
		char *state = path_join(dir, ".cvenv");
		bool made_state = !os_exists(state);
		free(state);
		if ((lock_fd = env_lock(dir)) < 0)
			goto out;
		undo_init(&u, dir, made_state);
		have_undo = true;
		undo_clean_stale(dir);
	}
	if (decide(dir, o, have_undo && u.made_state, &how) < 0)
		goto out;
	if (how == HOW_IN_PLACE && !o->clear && check_same_python(dir, ip, &l, o) < 0)
		goto out;
	av.bin_name = l.bin_dir;
	info(1, "creating '%s' with %s %s (%s)", dir, ip->implementation, ip->version,
	     ip->base_executable);
	/* As venv (bpo-24875): pip goes in while the env cannot see the system
	 * site-packages (or ensurepip would find the base's pip and install
	 * nothing); the real pyvenv.cfg is written after. */
	if (o->with_pip && o->system_site_packages) {
		struct layout_opts lo_pip = lo;
		struct pyvenvcfg cfg = PYVENVCFG_INIT;
		struct buf text = BUF_INIT;
		lo_pip.system_site_packages = false;
		layout_pyvenvcfg(&f, &lo_pip, &cfg);
		pyvenvcfg_format(&cfg, &text);
		pyvenvcfg_free(&cfg);
		pip_cfg = buf_detach(&text);
	}
	if (how == HOW_IN_PLACE || how == HOW_FILL_EMPTY)
		r = update_in_place(ip, o, dir, how, &l, &av, pip_cfg, &u, &lock_fd);
	else
		r = build_and_publish(ip, o, dir, how, &l, &av, pip_cfg, head, &b, &committed);
	if (r == 0)
		interp_record_env(dir, ip); /* later commands on it start no Python */
out:
	if (have_undo)
		undo_finish(&u, r == 0);
	env_unlock(lock_fd);
	build_cleanup(&b, r < 0 && !committed);
	layout_free(&l);
	free(pip_cfg);
	free(name);
	free(dir);
	return r;
}
