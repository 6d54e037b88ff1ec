/* Carrying out a venv layout on disk, atomically; see create.h. */
#include "util/common.h"

#include <ctype.h>
#include <unistd.h>

#include "core/env/activate.h"
#include "core/env/create.h"
#include "core/env/seed.h"
#include "core/interp/interp.h"
#include "core/env/layout.h"
#include "core/env/pyvenvcfg.h"
#include "core/env/venv.h"
#include "os/fs.h"
#include "os/interrupt.h"
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

/* mkdir -p of rel under root (which exists), one mkdir per component from
 * the top: no failed attempts from the bottom up as a generic mkdir -p makes,
 * which matters on slow (overlay, network) file systems. */
static int mkdir_under(const char *root, const char *rel)
{
	struct buf p = BUF_INIT;
	buf_addstr(&p, root);
	int r = 0;
	for (const char *s = rel; *s && r == 0;) {
		const char *slash = strchr(s, '/');
		size_t n = slash ? (size_t)(slash - s) : strlen(s);
		buf_addch(&p, '/');
		buf_add(&p, s, n);
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
 * see a file half-written: no existence checks, no temporary and rename. */
static int apply_item(const char *root, const struct layout_item *it, bool fresh)
{
	char *path = path_join(root, it->path);
	int r = 0;
	if (!fresh && it->only_if_missing && os_exists(path))
		goto done;
	switch (it->kind) {
	case LAYOUT_DIR:
		if (!fresh && (os_is_symlink(path) || (os_exists(path) && !os_is_dir(path)))) {
			r = error("cannot create directory '%s': a file of that name is in the way",
				  path);
			goto done;
		}
		r = mkdir_under(root, it->path);
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
		r = error("cannot create '%s': %s", path, strerror(errno));
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

/* Makes the env's files under root (the build directory, or the env itself
 * when updating in place), all but pyvenv.cfg. */
static int populate_body(const char *root, bool fresh, const struct layout *l,
			 const struct activate_vars *av, bool scripts)
{
	const struct layout_item *cfg = cfg_item(l);
	for (size_t i = 0; i < l->n; i++)
		if (&l->v[i] != cfg && apply_item(root, &l->v[i], fresh) < 0)
			return -1;
	if (scripts) {
		char *bin = path_join(root, l->bin_dir);
		int r = activate_write_scripts(bin, av, fresh);
		free(bin);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* pyvenv.cfg, with cfg_text instead of the planned text when given. */
static int populate_cfg(const char *root, bool fresh, const struct layout *l, const char *cfg_text)
{
	const struct layout_item *cfg = cfg_item(l);
	if (!cfg)
		return 0;
	struct layout_item first = *cfg;
	if (cfg_text)
		first.arg = (char *)cfg_text;
	return apply_item(root, &first, fresh);
}

/* Makes the env's files under root. pyvenv.cfg comes last -- a directory
 * becomes an env for other programs only once everything else is there. */
static int populate(const char *root, bool fresh, const struct layout *l,
		    const struct activate_vars *av, bool scripts, const char *cfg_text)
{
	if (populate_body(root, fresh, l, av, scripts) < 0)
		return -1;
	return populate_cfg(root, fresh, l, cfg_text);
}

int create_seed_pip(const struct interp *ip, const char *env_dir, const struct create_opts *o)
{
	struct seed_opts so = {
		.wheel_dir = o->seed_wheels,
		.cache_dir = o->cache_dir,
		.no_cache = o->no_cache,
		.link_mode = o->link_mode,
	};
	info(1, "installing pip into '%s'", env_dir);
	return seed_install(ip, env_dir, &so);
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
 * failure. IN_PLACE: an existing env or non-empty directory, updated. */
enum how { HOW_NEW, HOW_FILL_EMPTY, HOW_SWAP, HOW_IN_PLACE };

/* Decides how the target is made; refuses what must not be touched. */
static int decide(const char *dir, const struct create_opts *o, enum how *how)
{
	if (!os_exists(dir)) {
		*how = HOW_NEW;
		return 0;
	}
	if (!os_is_dir(dir))
		return error("cannot create environment '%s': it exists and is not a directory", dir);
	bool is_env = venv_is_env(dir);
	bool empty = os_dir_is_empty(dir);
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

/* Empties a directory in place: --clear through a link to an env, or an
 * empty directory we filled and must give back empty. */
static int clear_contents(const char *dir)
{
	struct strvec names = STRVEC_INIT;
	int r = os_list_dir(dir, &names);
	for (size_t i = 0; r == 0 && i < names.n; i++) {
		char *p = path_join(dir, names.v[i]);
		if (os_rm_rf(p) < 0)
			r = -1;
		free(p);
	}
	if (r < 0)
		r = error("cannot clear '%s': %s", dir, strerror(errno));
	strvec_clear(&names);
	return r;
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
 * the target's future mode (a plain mkdir: umask, default ACLs), and renamed
 * into place: no temporary parent to make and remove (on this ext4 an rmdir
 * of even an empty directory costs more than three mkdirs). */
struct build {
	char *root;  /* the env being built: <parent>/.<name>.cvenv-XXXXXX */
	char *old;   /* <root>-old: where a --clear swap without RENAME_EXCHANGE
			puts the env it replaces */
	bool root_live; /* root holds something to remove at the end: the env
			   under construction, or what it replaced, or a failed one */
	char *made_parent;
};

static void build_cleanup(struct build *b, bool remove_parent)
{
	if (b->root && b->root_live)
		os_rm_rf(b->root);
	if (b->old && os_is_dir(b->old) && !os_is_symlink(b->old))
		os_rm_rf(b->old);
	if (remove_parent && b->made_parent)
		os_rm_rf(b->made_parent);
	free(b->root);
	free(b->old);
	free(b->made_parent);
	memset(b, 0, sizeof(*b));
}

static int build_begin(struct build *b, const char *dir)
{
	memset(b, 0, sizeof(*b));
	b->made_parent = first_missing_parent(dir);
	char *parent = os_dirname(dir);
	if (os_mkdir_p(parent, 0777) < 0) {
		error("cannot create directory '%s': %s", parent, strerror(errno));
		free(parent);
		return -1;
	}
	char *base = os_basename(dir);
	char *prefix = xstrfmt(".%s.cvenv-", base);
	b->root = os_mkdir_unique(parent, prefix);
	int e = errno;
	free(prefix);
	free(base);
	free(parent);
	if (!b->root)
		return error("cannot create environment '%s': %s", dir, strerror(e));
	b->root_live = true;
	b->old = xstrfmt("%s-old", b->root);
	return 0;
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
	return error("cannot move the new environment into '%s': %s", dir, strerror(errno));
}

/* Takes a just-committed env away again (pip seeding failed). */
static void build_undo(struct build *b, const char *dir, enum how how)
{
	if (how == HOW_SWAP) {
		if (os_rename_exchange(b->root, dir) < 0 && os_is_dir(b->old)) {
			/* swapped by hand: the old env waits at old */
			os_rm_rf(b->root);
			if (os_rename(dir, b->root) == 0)
				os_rename(b->old, dir);
		}
		b->root_live = true;
		return;
	}
	if (os_rename(dir, b->root) == 0)
		b->root_live = true;
}

static void layout_opts_of(const struct create_opts *o, const char *dir, struct layout_opts *lo)
{
	*lo = (struct layout_opts){
		.env_dir = dir, .copies = o->copies, .system_site_packages = o->system_site_packages,
		.with_pip = o->with_pip, .clear = o->clear, .upgrade = o->upgrade,
		.scm_ignore = o->scm_ignore, .prompt = o->prompt, .orig_prompt = o->orig_prompt,
		.cvenv_exe = o->cvenv_exe,
	};
}

/* ---- The head start ----
 * On a first meeting with an interpreter its query is most of a create's
 * time. Meanwhile (interp_set_query_companion) the first env, when it is a
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
		struct activate_vars av = { h->dir, "bin", h->o->prompt ? h->o->prompt : name };
		/* from here a Ctrl-C must not leave the build behind */
		os_defer_interrupts();
		if (activate_check(&av) == 0 && decide(h->dir, h->o, &how) == 0 && how == HOW_NEW &&
		    layout_plan(&f, &lo, &h->plan) == 0 && os_can_write_near(h->dir)) {
			av.bin_name = h->plan.bin_dir;
			if (build_begin(&h->b, h->dir) < 0 ||
			    populate_body(h->b.root, true, &h->plan, &av, true) < 0)
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

int create_env(const struct interp *ip, const struct create_opts *o, const char *dir_arg,
	       struct create_head *head)
{
	if (!dir_arg[0]) /* os_abspath would make it the current directory */
		return error("cannot create environment '': an empty path names no directory");
	char *dir = os_abspath(dir_arg);
	char *name = os_basename(dir);
	struct activate_vars av = { dir, "bin", o->prompt ? o->prompt : name };
	struct layout_facts f;
	struct layout_opts lo;
	struct layout l = LAYOUT_INIT;
	struct build b = { 0 };
	enum how how = HOW_NEW;
	int r = -1;
	bool committed = false;
	char *pip_cfg = NULL;

	facts_of(ip, &f);
	layout_opts_of(o, dir, &lo);
	if (activate_check(&av) < 0 || decide(dir, o, &how) < 0 || layout_plan(&f, &lo, &l) < 0)
		goto out;
	if (!os_can_write_near(dir)) {
		error("cannot create environment '%s': %s", dir, strerror(EACCES));
		goto out;
	}
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
	/* venv leaves the scripts alone on --upgrade; a new env still gets them */
	bool scripts = !o->upgrade || how != HOW_IN_PLACE;
	if (how == HOW_IN_PLACE || how == HOW_FILL_EMPTY) {
		if (o->clear && how == HOW_IN_PLACE && clear_contents(dir) < 0)
			goto out;
		if (populate(dir, false, &l, &av, scripts, pip_cfg) < 0) {
			if (how == HOW_FILL_EMPTY)
				clear_contents(dir);
			goto out;
		}
	} else {
		if (how == HOW_NEW && head_fits(head, dir, &l)) {
			info(2, "the env was built while the interpreter answered");
			b = head->b; /* the head start's build is this env's now */
			memset(&head->b, 0, sizeof(head->b));
			if (populate_cfg(b.root, true, &l, pip_cfg) < 0)
				goto out;
		} else {
			/* a head start that does not fit goes; the parent
			 * directories it made are this build's to remove on failure */
			char *made_parent = NULL;
			if (head) {
				made_parent = head->b.made_parent;
				head->b.made_parent = NULL;
				build_cleanup(&head->b, false);
			}
			int br = build_begin(&b, dir);
			if (made_parent) {
				free(b.made_parent);
				b.made_parent = made_parent;
			}
			if (br < 0 || populate(b.root, true, &l, &av, scripts, pip_cfg) < 0)
				goto out;
		}
		if (interrupted(dir) || build_commit(&b, dir, how) < 0)
			goto out;
		committed = true;
	}
	if (o->with_pip) {
		int pr = os_interrupted() ? -1 : create_seed_pip(ip, dir, o);
		if (interrupted(dir))
			pr = -1;
		if (pr < 0) {
			if (committed)
				build_undo(&b, dir, how);
			else if (how == HOW_FILL_EMPTY)
				clear_contents(dir);
			committed = false;
			goto out;
		}
		if (pip_cfg && apply_item(dir, cfg_item(&l), false) < 0)
			goto out;
	}
	r = 0;
	interp_record_env(dir, ip); /* later commands on it start no Python */
out:
	build_cleanup(&b, r < 0 && !committed);
	layout_free(&l);
	free(pip_cfg);
	free(name);
	free(dir);
	return r;
}
