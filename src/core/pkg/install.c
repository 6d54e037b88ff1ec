/* Installing and uninstalling in an env, transactionally (see install.h). */
#include "util/common.h"

#include <openssl/evp.h>
#include <zip.h>

#include "core/env/envlock.h"
#include "core/pkg/install.h"
#include "core/std/pep440.h"
#include "core/pkg/record.h"
#include "core/pkg/scripts.h"
#include "core/std/tags.h"
#include "core/pkg/wheel.h"
#include "os/fs.h"
#include "os/interrupt.h"
#include "os/link.h"
#include "os/spawn.h"
#include "util/buf.h"
#include "util/error.h"

#define MAX_SCRIPT (64u << 20)
#define MAX_JOURNAL (256u << 20)

/* ---- the env ---------------------------------------------------------- */

static char *rel_to(const char *root, const char *abs)
{
	size_t n = strlen(root);
	if (!strncmp(abs, root, n) && abs[n] == '/')
		return xstrdup(abs + n + 1);
	return xstrdup(abs);
}

static int recover(struct install_env *e);

int install_env_open_dir(const char *dir, struct install_env *e)
{
	memset(e, 0, sizeof(*e));
	e->lock_fd = -1;
	strvec_init(&e->tags);
	if (venv_open(dir, &e->v) < 0)
		return -1;
	e->libdir = rel_to(e->v.dir, e->v.purelib);
	e->bindir = xstrdup("bin");
	e->state = path_join(e->v.dir, ".cvenv");
	e->lock_fd = env_lock(e->v.dir);
	if (e->lock_fd < 0 || recover(e) < 0) {
		install_env_close(e);
		return -1;
	}
	return 0;
}

int install_env_open(const char *explicit_dir, struct install_env *e)
{
	char *dir = NULL;
	memset(e, 0, sizeof(*e));
	e->lock_fd = -1;
	if (venv_locate(explicit_dir, &dir) < 0)
		return -1;
	int r = install_env_open_dir(dir, e);
	free(dir);
	return r;
}

void install_env_close(struct install_env *e)
{
	env_unlock(e->lock_fd);
	venv_close(&e->v);
	free(e->libdir);
	free(e->bindir);
	free(e->state);
	if (e->have_interp)
		interp_free(&e->ip);
	strvec_clear(&e->tags);
	free(e->cache_dir);
	memset(e, 0, sizeof(*e));
	e->lock_fd = -1;
}

int install_env_set_cache(struct install_env *e, const char *dir, bool no_cache,
			  const char *link_mode)
{
	e->link_mode = OS_LINK_AUTO;
	if (link_mode) {
		if (!strcmp(link_mode, "clone"))
			e->link_mode = OS_LINK_CLONE;
		else if (!strcmp(link_mode, "hardlink"))
			e->link_mode = OS_LINK_HARDLINK;
		else if (!strcmp(link_mode, "copy"))
			e->link_mode = OS_LINK_COPY;
		else
			return usage_error("unknown --link-mode '%s' (clone, hardlink or copy)",
					   link_mode);
	}
	free(e->cache_dir);
	e->cache_dir = NULL;
	if (no_cache)
		return 0;
	if (dir) {
		e->cache_dir = os_abspath(dir);
		return 0;
	}
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		e->cache_dir = path_join(xdg, "cvenv");
	else if (home && home[0] == '/')
		e->cache_dir = xstrfmt("%s/.cache/cvenv", home);
	return 0;
}

/* ---- installed distributions ----------------------------------------- */

void installed_dists_free(struct installed_dists *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].name);
		free(d->v[i].version);
		free(d->v[i].dist_info);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

int install_list(const struct install_env *e, struct installed_dists *out)
{
	struct strvec names = STRVEC_INIT;
	if (os_list_dir(e->v.purelib, &names) < 0) {
		strvec_clear(&names);
		return error("cannot read '%s': %s", e->v.purelib, strerror(errno));
	}
	for (size_t i = 0; i < names.n; i++) {
		const char *n = names.v[i];
		if (!ends_with(n, ".dist-info"))
			continue;
		const char *dash = strchr(n, '-');
		if (!dash)
			continue;
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		struct installed_dist *d = &out->v[out->n++];
		d->name = canonical_name(n, (size_t)(dash - n));
		d->version = xstrndup(dash + 1, strlen(dash + 1) - 10);
		d->dist_info = xstrfmt("%s/%s", e->libdir, n);
	}
	strvec_clear(&names);
	return 0;
}

const struct installed_dist *installed_find(const struct installed_dists *d, const char *name)
{
	char *c = canonical_name(name, strlen(name));
	const struct installed_dist *r = NULL;
	for (size_t i = 0; i < d->n && !r; i++)
		if (!strcmp(d->v[i].name, c))
			r = &d->v[i];
	free(c);
	return r;
}

/* ---- compatibility ---------------------------------------------------- */

/* The tags a pure wheel can carry, known from pyvenv.cfg alone: most installs
 * need no interpreter start-up. */
static void pure_tags(const struct install_env *e, struct strvec *out)
{
	int ma = e->v.major, mi = e->v.minor;
	if (e->v.pypy)
		strvec_pushf(out, "pp%d-none-any", ma);
	else
		strvec_pushf(out, "cp%d%d-none-any", ma, mi);
	strvec_pushf(out, "py%d%d-none-any", ma, mi);
	strvec_pushf(out, "py%d-none-any", ma);
	for (int m = mi - 1; m >= 0; m--)
		strvec_pushf(out, "py%d%d-none-any", ma, m);
}

int install_need_interp(struct install_env *e)
{
	if (e->have_interp)
		return 0;
	/* the facts the env recorded when it was made, or its base's from the
	 * cache (no Python started); the env's own python is asked only when
	 * neither can be had (an env another tool made, on a moved base) */
	int r = interp_load_env(e->v.dir, &e->ip);
	if (r < 0 || (r == 1 && interp_query(e->v.python, &e->ip) < 0))
		return -1;
	e->have_interp = true;
	struct tag_facts f;
	tag_facts_from_interp(&e->ip, &f);
	tags_supported(&f, &e->tags);
	return 0;
}

static int check_requires_python(const struct install_env *e, const struct wheel *w)
{
	if (!w->requires_python || !e->v.major)
		return 0;
	struct pep440_specset ss;
	struct buf err = BUF_INIT;
	if (pep440_specset_parse(w->requires_python, &ss, &err) < 0) {
		warning("ignoring the invalid Requires-Python '%s' of wheel '%s'",
			w->requires_python, w->path);
		buf_free(&err);
		return 0;
	}
	char *vs = xstrfmt("%d.%d.%d", e->v.major, e->v.minor, e->v.micro);
	struct pep440_version v;
	int r = 0;
	if (pep440_parse_str(vs, &v) == 0) {
		if (!pep440_specset_contains(&ss, &v, PEP440_PRERELEASES_ALLOW))
			r = error("wheel '%s' requires Python '%s', but the environment has Python %s",
				  w->path, w->requires_python, vs);
		pep440_version_free(&v);
	}
	free(vs);
	pep440_specset_free(&ss);
	buf_free(&err);
	return r;
}

long install_tag_rank(struct install_env *e, const struct wheel_name *wn)
{
	struct strvec pure = STRVEC_INIT;
	pure_tags(e, &pure);
	long rank = tags_wheel_rank(&pure, wn);
	strvec_clear(&pure);
	if (rank >= 0)
		return 100000 + rank; /* after every platform-specific tag */
	if (install_need_interp(e) < 0)
		return -2;
	return tags_wheel_rank(&e->tags, wn);
}

int install_check_compatible(struct install_env *e, const struct wheel *w)
{
	long rank = install_tag_rank(e, &w->wn);
	if (rank == -2)
		return -1;
	if (rank < 0) {
		struct buf t = BUF_INIT;
		wheel_name_tags(&w->wn, &t);
		error("wheel '%s' (tags %s) is not compatible with %s %s at '%s'", w->path, t.ptr,
		      e->ip.implementation, e->ip.version, e->v.python);
		hint("this interpreter's most preferred tag is %s", e->tags.n ? e->tags.v[0] : "(none)");
		buf_free(&t);
		return -1;
	}
	return check_requires_python(e, w);
}

/* ---- paths -------------------------------------------------------------- */

/* Joins base (relative to the env) and a relative path lexically, folding "."
 * and ".."; NULL when the result would leave the env or is the env itself. */
static char *env_rel(const char *base, const char *path)
{
	struct strvec parts = STRVEC_INIT;
	char *all = *base ? xstrfmt("%s/%s", base, path) : xstrdup(path);
	char *r = NULL;
	if (all[0] == '/')
		goto out;
	for (char *p = all, *s; p; p = s) {
		s = strchr(p, '/');
		if (s)
			*s++ = '\0';
		if (!*p || !strcmp(p, "."))
			continue;
		if (!strcmp(p, "..")) {
			if (!parts.n)
				goto out;
			free(parts.v[--parts.n]);
			parts.v[parts.n] = NULL;
			continue;
		}
		strvec_push(&parts, p);
	}
	if (!parts.n)
		goto out;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < parts.n; i++) {
		if (i)
			buf_addch(&b, '/');
		buf_addstr(&b, parts.v[i]);
	}
	r = buf_detach(&b);
out:
	free(all);
	strvec_clear(&parts);
	return r;
}

/* The RECORD spelling of an env-relative path: relative to site-packages. */
static char *record_path(const struct install_env *e, const char *rel)
{
	size_t n = strlen(e->libdir);
	if (!strncmp(rel, e->libdir, n) && rel[n] == '/')
		return xstrdup(rel + n + 1);
	struct buf b = BUF_INIT;
	for (const char *p = e->libdir; p; p = strchr(p + 1, '/'))
		buf_addstr(&b, "../");
	buf_addstr(&b, rel);
	return buf_detach(&b);
}

/* ---- the transaction -------------------------------------------------- */

enum step_kind { STEP_ADD, STEP_REPLACE, STEP_DEL };

struct step {
	enum step_kind kind;
	char *rel;
};

struct txn {
	struct install_env *e;
	char *stage;     /* absolute */
	char *newdir;    /* stage/new */
	char *olddir;    /* stage/old */
	struct step *steps;
	size_t n;
	struct strvec dirs; /* directories made, parents first */
	struct strvec adds; /* env-relative paths staged under newdir */
	struct strvec dels; /* env-relative paths to remove */
};

static int txn_begin(struct install_env *e, struct txn *t)
{
	memset(t, 0, sizeof(*t));
	t->e = e;
	strvec_init(&t->dirs);
	strvec_init(&t->adds);
	strvec_init(&t->dels);
	t->stage = os_mkdtemp_in(e->state, "stage-");
	if (!t->stage)
		return error("cannot create a stage directory in '%s': %s", e->state, strerror(errno));
	t->newdir = path_join(t->stage, "new");
	t->olddir = path_join(t->stage, "old");
	if (os_mkdir(t->newdir, 0755) < 0 || os_mkdir(t->olddir, 0755) < 0)
		return error("cannot create '%s': %s", t->newdir, strerror(errno));
	return 0;
}

static void txn_free(struct txn *t)
{
	if (t->stage)
		os_rm_rf(t->stage);
	free(t->stage);
	free(t->newdir);
	free(t->olddir);
	for (size_t i = 0; i < t->n; i++)
		free(t->steps[i].rel);
	free(t->steps);
	strvec_clear(&t->dirs);
	strvec_clear(&t->adds);
	strvec_clear(&t->dels);
	memset(t, 0, sizeof(*t));
}

static void add_step(struct txn *t, enum step_kind k, const char *rel)
{
	t->steps = xrealloc(t->steps, (t->n + 1) * sizeof(*t->steps));
	t->steps[t->n].kind = k;
	t->steps[t->n].rel = xstrdup(rel);
	t->n++;
}

/* Undoes the steps, last first. Safe to repeat (after a crash in here).
 * Returns the number of steps that could not be undone. */
static int undo_steps(const char *root, const char *newdir, const char *olddir,
		       struct step *steps, size_t n, struct strvec *dirs)
{
	int failed = 0;
	for (size_t i = n; i-- > 0;) {
		char *dst = path_join(root, steps[i].rel);
		char *bak = path_join(olddir, steps[i].rel);
		char *neu = path_join(newdir, steps[i].rel);
		if (steps[i].kind == STEP_ADD) {
			/* a new file, or a whole new directory moved in at once */
			if (!os_exists(neu) && os_exists(dst) &&
			    ((os_is_dir(dst) && !os_is_symlink(dst)) ? os_rm_rf(dst) : os_unlink(dst)) < 0)
				failed++;
		} else if (os_exists(bak) && os_rename(bak, dst) < 0) {
			failed++;
		}
		free(dst);
		free(bak);
		free(neu);
	}
	for (size_t i = dirs->n; i-- > 0;) {
		char *d = path_join(root, dirs->v[i]);
		os_rmdir(d);
		free(d);
	}
	return failed;
}

/* Whether the env has the directory rel ("." is the env itself). */
static bool env_has_dir(const struct txn *t, const char *rel)
{
	if (!strcmp(rel, "."))
		return true;
	char *abs = path_join(t->e->v.dir, rel);
	bool r = os_is_dir(abs);
	free(abs);
	return r;
}

/* The highest directory of rel's parents that the env lacks (so the whole of
 * it can be moved in with one rename), or NULL when rel's parent exists. */
static char *new_unit(const struct txn *t, const char *rel)
{
	char *dir = os_dirname(rel);
	if (env_has_dir(t, dir)) {
		free(dir);
		return NULL;
	}
	for (;;) {
		char *up = os_dirname(dir);
		if (env_has_dir(t, up)) {
			free(up);
			return dir;
		}
		free(dir);
		dir = up;
	}
}

static bool under_any(const struct strvec *units, const char *rel)
{
	for (size_t i = 0; i < units->n; i++) {
		size_t n = strlen(units->v[i]);
		if (!strncmp(rel, units->v[i], n) && rel[n] == '/')
			return true;
	}
	return false;
}

static char *journal_path(const struct install_env *e)
{
	return path_join(e->state, "journal");
}

static int write_journal(struct txn *t)
{
	struct buf j = BUF_INIT;
	char *base = os_basename(t->stage);
	buf_addf(&j, "cvenv-journal 1\nstage %s\n", base);
	free(base);
	for (size_t i = 0; i < t->dirs.n; i++)
		buf_addf(&j, "dir %s\n", t->dirs.v[i]);
	static const char *const kw[] = { "add", "replace", "del" };
	for (size_t i = 0; i < t->n; i++)
		buf_addf(&j, "%s %s\n", kw[t->steps[i].kind], t->steps[i].rel);
	char *jp = journal_path(t->e);
	int r = os_write_atomic(jp, j.ptr, j.len, 0644, false);
	if (r < 0)
		error("cannot write '%s': %s", jp, strerror(errno));
	free(jp);
	buf_free(&j);
	return r;
}

/* Removes directories that deleting files left empty, up to (not including)
 * site-packages, bin and the env itself. */
static void prune_dirs(const struct install_env *e, const struct strvec *dels)
{
	for (size_t i = 0; i < dels->n; i++) {
		char *d = os_dirname(dels->v[i]);
		/* top-level directories of the env (bin, include, lib, share) stay */
		while (strchr(d, '/') && strcmp(d, e->libdir) && strcmp(d, e->bindir)) {
			/* never climb out of site-packages into lib/pythonX.Y */
			size_t ln = strlen(d);
			if (!strncmp(e->libdir, d, ln) && e->libdir[ln] == '/')
				break;
			char *abs = path_join(e->v.dir, d);
			int r = os_rmdir(abs);
			free(abs);
			if (r < 0)
				break;
			char *up = os_dirname(d);
			free(d);
			d = up;
		}
		free(d);
	}
}

static int do_step(struct txn *t, struct step *s)
{
	char *dst = path_join(t->e->v.dir, s->rel);
	char *bak = path_join(t->olddir, s->rel);
	char *neu = path_join(t->newdir, s->rel);
	int r = 0;
	if (s->kind != STEP_ADD) {
		char *bd = os_dirname(bak);
		if (os_mkdir_p(bd, 0755) < 0 || os_rename(dst, bak) < 0)
			r = error("cannot move '%s' aside: %s", dst, strerror(errno));
		free(bd);
	}
	if (!r && s->kind != STEP_DEL && os_rename(neu, dst) < 0)
		r = error("cannot move '%s' into place: %s", dst, strerror(errno));
	free(dst);
	free(bak);
	free(neu);
	return r;
}

static int commit_steps(struct txn *t);

/* In the child of os_run_shielded: 0 committed, 1 failed and undone, 2 failed
 * with the undo left to the next run. */
static int commit_child(void *arg)
{
	struct txn *t = arg;
	if (commit_steps(t) == 0)
		return 0;
	return t->stage ? 1 : 2;
}

/* The commit runs in a child process that a kill -9 of cvenv (or Ctrl-C)
 * does not stop: from the journal to its removal the moves take
 * microseconds to milliseconds, and whatever happens to cvenv meanwhile, the
 * env ends up either as it was or completely changed, without waiting for
 * the next cvenv command's recovery. Only a kill of the child itself (or a
 * power cut) leaves the journal for that recovery. */
static int commit_shielded(struct txn *t)
{
	int code = os_run_shielded(commit_child, t);
	if (code < 0) /* no process to be had: the commit runs here */
		code = commit_child(t);
	if (code == 0)
		return 0;
	if (code != 1) { /* the child kept the stage for the recovery */
		free(t->stage);
		t->stage = NULL;
	}
	if (code == 127) {
		error("the process moving files into '%s' was killed", t->e->v.dir);
		hint("the next cvenv command on this environment restores it");
	}
	return -1;
}

/* Moves everything into place; on failure undoes it all. */
static int txn_commit(struct txn *t)
{
	for (size_t i = 0; i < t->dels.n; i++)
		if (!strvec_contains(&t->adds, t->dels.v[i]))
			add_step(t, STEP_DEL, t->dels.v[i]);
	struct strvec units = STRVEC_INIT;
	for (size_t i = 0; i < t->adds.n; i++) {
		if (under_any(&units, t->adds.v[i]))
			continue;
		char *unit = new_unit(t, t->adds.v[i]);
		if (unit) {
			add_step(t, STEP_ADD, unit);
			strvec_push_take(&units, unit);
			continue;
		}
		char *dst = path_join(t->e->v.dir, t->adds.v[i]);
		add_step(t, os_exists(dst) ? STEP_REPLACE : STEP_ADD, t->adds.v[i]);
		free(dst);
	}
	strvec_clear(&units);
	return commit_shielded(t);
}

/* The commit proper: the journal, the moves, the journal's removal (the
 * commit point), or on failure the undo. Sets t->stage to NULL when the undo
 * could not finish (the next run's recovery needs the stage). */
static int commit_steps(struct txn *t)
{
	if (write_journal(t) < 0)
		return -1;
	char *jp = journal_path(t->e);
	int r = 0;
	for (size_t i = 0; i < t->dirs.n && !r; i++) {
		char *d = path_join(t->e->v.dir, t->dirs.v[i]);
		if (os_mkdir(d, 0755) < 0 && errno != EEXIST)
			r = error("cannot create '%s': %s", d, strerror(errno));
		free(d);
	}
	for (size_t i = 0; i < t->n && !r; i++)
		r = do_step(t, &t->steps[i]);
	if (!r && os_unlink(jp) < 0)
		r = error("cannot remove '%s': %s", jp, strerror(errno));
	if (r < 0) {
		if (undo_steps(t->e->v.dir, t->newdir, t->olddir, t->steps, t->n, &t->dirs)) {
			/* keep the journal and the stage: the next run finishes the undo */
			error("cannot restore '%s' completely now", t->e->v.dir);
			hint("the next cvenv command on this environment restores it");
			free(t->stage);
			t->stage = NULL;
		} else {
			os_unlink(jp);
		}
	} else {
		prune_dirs(t->e, &t->dels);
	}
	free(jp);
	return r;
}

/* Reads the journal an interrupted run left and undoes its steps; then
 * removes stage directories no journal refers to. */
static int recover(struct install_env *e)
{
	char *jp = journal_path(e);
	struct buf j = BUF_INIT;
	int r = 0;
	if (os_read_file(jp, MAX_JOURNAL, &j) == 0) {
		struct step *steps = NULL;
		size_t n = 0;
		struct strvec dirs = STRVEC_INIT;
		char *stage = NULL;
		for (char *p = j.ptr, *nl; *p; p = nl + 1) {
			nl = strchr(p, '\n');
			if (!nl)
				break;
			*nl = '\0';
			char *sp = strchr(p, ' ');
			if (!sp)
				continue;
			*sp++ = '\0';
			if (!strcmp(p, "stage") && !strchr(sp, '/'))
				stage = path_join(e->state, sp);
			else if (!strcmp(p, "dir"))
				strvec_push(&dirs, sp);
			else if (!strcmp(p, "add") || !strcmp(p, "replace") || !strcmp(p, "del")) {
				steps = xrealloc(steps, (n + 1) * sizeof(*steps));
				steps[n].kind = p[0] == 'a' ? STEP_ADD : p[0] == 'r' ? STEP_REPLACE : STEP_DEL;
				steps[n++].rel = xstrdup(sp);
			}
		}
		int failed = 0;
		if (stage) {
			warning("rolling back an interrupted change of '%s'", e->v.dir);
			char *nd = path_join(stage, "new"), *od = path_join(stage, "old");
			failed = undo_steps(e->v.dir, nd, od, steps, n, &dirs);
			free(nd);
			free(od);
		}
		if (failed)
			r = error("cannot roll back the interrupted change of '%s': %d files could "
				  "not be restored from '%s'", e->v.dir, failed, stage);
		else if (os_unlink(jp) < 0)
			r = error("cannot remove '%s': %s", jp, strerror(errno));
		for (size_t i = 0; i < n; i++)
			free(steps[i].rel);
		free(steps);
		strvec_clear(&dirs);
		free(stage);
	} else if (errno != ENOENT) {
		r = error("cannot read '%s': %s", jp, strerror(errno));
	}
	buf_free(&j);
	free(jp);
	struct strvec names = STRVEC_INIT;
	if (!r && os_list_dir(e->state, &names) == 0)
		for (size_t i = 0; i < names.n; i++)
			if (starts_with(names.v[i], "stage-")) {
				char *s = path_join(e->state, names.v[i]);
				os_rm_rf(s);
				free(s);
			}
	strvec_clear(&names);
	return r;
}

/* ---- staging a wheel --------------------------------------------------- */

struct staging {
	struct install_env *e;
	struct txn *t;
	struct wheel *w;
	struct record out;     /* the RECORD being written */
	char *dist_info_rel;   /* env-relative .dist-info of the new install */
	struct strvec made;    /* see ensure_dir() */
};

/* os_mkdir_p, skipped for directories this run has made already (on a slow
 * file system every failing mkdir costs as much as a file). Recent ones are
 * looked at first: members come grouped by directory. */
static int ensure_dir(struct strvec *made, const char *dir)
{
	for (size_t i = made->n; i-- > 0;)
		if (!strcmp(made->v[i], dir))
			return 0;
	if (os_mkdir_p(dir, 0755) < 0)
		return -1;
	strvec_push(made, dir);
	return 0;
}

/* Writes data to stage/new/rel, records it in RECORD and the txn. */
static int stage_bytes(struct staging *s, const char *rel, const void *data, size_t len,
		       mode_t mode, const char *hash)
{
	char *path = path_join(s->t->newdir, rel);
	char *dir = os_dirname(path);
	int r = 0, fd = -1;
	if (ensure_dir(&s->made, dir) < 0 || (fd = os_create_file(path, mode)) < 0) {
		if (errno == EEXIST)
			r = error("wheel '%s' installs '%s' twice", s->w->path, rel);
		else
			r = error("cannot create '%s': %s", path, strerror(errno));
	} else if (os_write_full(fd, data, len) < 0) {
		r = error("cannot write '%s': %s", path, strerror(errno));
		os_close_file(fd);
	} else if (os_close_file(fd) < 0) {
		r = error("cannot write '%s': %s", path, strerror(errno));
	}
	if (!r) {
		struct buf h = BUF_INIT;
		if (hash)
			buf_addstr(&h, hash);
		else
			record_hash_data(data, len, &h);
		char *rp = record_path(s->e, rel);
		char *sz = xstrfmt("%zu", len);
		record_add(&s->out, rp, h.ptr, sz);
		strvec_push(&s->t->adds, rel);
		free(rp);
		free(sz);
		buf_free(&h);
	}
	free(dir);
	free(path);
	return r;
}

/* Where a member goes, relative to the env; NULL (reported) when nowhere. */
static char *member_dest(struct staging *s, const char *m, bool *is_script)
{
	struct wheel *w = s->w;
	size_t dn = strlen(w->data_dir);
	*is_script = false;
	if (strncmp(m, w->data_dir, dn) || m[dn] != '/')
		return env_rel(s->e->libdir, m);
	const char *key = m + dn + 1;
	const char *slash = strchr(key, '/');
	if (!slash || !slash[1]) {
		error("wheel '%s' has a file '%s' outside any .data scheme directory", w->path, m);
		return NULL;
	}
	size_t kn = (size_t)(slash - key);
	const char *rest = slash + 1;
	char *base = NULL;
	if (kn == 7 && !strncmp(key, "purelib", 7))
		base = xstrdup(s->e->libdir);
	else if (kn == 7 && !strncmp(key, "platlib", 7))
		base = xstrdup(s->e->libdir);
	else if (kn == 7 && !strncmp(key, "scripts", 7)) {
		base = xstrdup(s->e->bindir);
		*is_script = true;
	} else if (kn == 7 && !strncmp(key, "headers", 7)) {
		base = xstrfmt("include/site/python%d.%d/%s", s->e->v.major, s->e->v.minor,
			       w->meta_name);
	} else if (kn == 4 && !strncmp(key, "data", 4))
		base = xstrdup("");
	if (!base) {
		error("wheel '%s' has an unknown .data directory '%.*s'", w->path, (int)kn, key);
		return NULL;
	}
	char *r = env_rel(base, rest);
	free(base);
	if (!r)
		error("wheel '%s' has a file '%s' that would leave the environment", w->path, m);
	return r;
}

static mode_t member_mode(struct wheel *w, zip_int64_t idx)
{
	zip_uint8_t opsys;
	zip_uint32_t attr;
	if (zip_file_get_external_attributes(w->zip, (zip_uint64_t)idx, 0, &opsys, &attr) == 0 &&
	    opsys == ZIP_OPSYS_UNIX && ((attr >> 16) & 0111))
		return 0755;
	return 0644;
}

/* Extracts one member to a new file at path (or, with mem, into memory),
 * hashing on the way, and compares hash and size with the wheel's RECORD.
 * *total receives the size. Whatever was written stays for the caller to
 * clean up (it is inside a stage or cache temp directory). */
static int extract_verified(struct wheel *w, const char *m, const char *path, mode_t mode,
			    struct buf *mem, size_t *total, struct strvec *made)
{
	const struct record_row *row = record_find(&w->record, m);
	if (!row || !row->hash[0])
		return error("wheel '%s' has a file '%s' that its RECORD does not list with a hash",
			     w->path, m);
	const char *eq = strchr(row->hash, '=');
	char *algo = eq ? xstrndup(row->hash, (size_t)(eq - row->hash)) : xstrdup(row->hash);
	struct record_hash *h = record_hash_new(algo);
	free(algo);
	if (!h)
		return error("wheel '%s' lists '%s' with an unsupported hash '%s'", w->path, m,
			     row->hash);
	zip_int64_t idx = zip_name_locate(w->zip, m, ZIP_FL_ENC_GUESS);
	zip_file_t *zf = idx >= 0 ? zip_fopen_index(w->zip, (zip_uint64_t)idx, 0) : NULL;
	struct buf got = BUF_INIT;
	int r = 0, fd = -1;
	*total = 0;
	if (!zf)
		r = error("cannot read '%s' in wheel '%s': %s", m, w->path, zip_strerror(w->zip));
	if (!r && !mem) {
		char *dir = os_dirname(path);
		if (ensure_dir(made, dir) < 0 || (fd = os_create_file(path, mode)) < 0) {
			if (errno == EEXIST)
				r = error("wheel '%s' installs '%s' twice", w->path, m);
			else
				r = error("cannot create '%s': %s", path, strerror(errno));
		}
		free(dir);
	}
	char chunk[65536];
	zip_int64_t n = 0;
	while (!r && (n = zip_fread(zf, chunk, sizeof(chunk))) > 0) {
		record_hash_update(h, chunk, (size_t)n);
		*total += (size_t)n;
		if (mem) {
			if (*total > MAX_SCRIPT)
				r = error("'%s' in wheel '%s' is too large", m, w->path);
			else
				buf_add(mem, chunk, (size_t)n);
		} else if (os_write_full(fd, chunk, (size_t)n) < 0) {
			r = error("cannot write '%s': %s", path, strerror(errno));
		}
	}
	if (!r && n < 0)
		r = error("cannot extract '%s' from wheel '%s': %s", m, w->path,
			  zip_file_strerror(zf));
	if (fd >= 0 && os_close_file(fd) < 0 && !r)
		r = error("cannot write '%s': %s", path, strerror(errno));
	record_hash_finish(h, &got);
	if (!r && strcmp(got.ptr, row->hash))
		r = error("hash mismatch for '%s' in wheel '%s': RECORD says %s, the file has %s",
			  m, w->path, row->hash, got.ptr);
	if (!r && row->size[0] && strtoull(row->size, NULL, 10) != *total)
		r = error("size mismatch for '%s' in wheel '%s': RECORD says %s, the file has %zu",
			  m, w->path, row->size, *total);
	if (zf)
		zip_fclose(zf);
	buf_free(&got);
	return r;
}

/* Records a file placed at stage/new/rel under the wheel's own hash. */
static void note_file(struct staging *s, const char *rel, const char *hash, size_t size)
{
	char *rp = record_path(s->e, rel);
	char *sz = xstrfmt("%zu", size);
	record_add(&s->out, rp, hash, sz);
	strvec_push(&s->t->adds, rel);
	free(rp);
	free(sz);
}

/* Stages a script from .data/scripts: "#!python" becomes the env's python. */
static int stage_script(struct staging *s, const char *rel, const char *hash, struct buf *data)
{
	struct buf fixed = BUF_INIT;
	int r;
	if (script_rewrite_python(&fixed, s->e->v.python, data->ptr, data->len))
		r = stage_bytes(s, rel, fixed.ptr, fixed.len, 0755, NULL);
	else
		r = stage_bytes(s, rel, data->ptr, data->len, 0755, hash);
	buf_free(&fixed);
	return r;
}

/* Extracts one member into the stage, checked against RECORD. */
static int stage_member(struct staging *s, const char *m)
{
	struct wheel *w = s->w;
	bool is_script;
	char *rel = member_dest(s, m, &is_script);
	if (!rel)
		return -1;
	const struct record_row *row = record_find(&w->record, m);
	zip_int64_t idx = zip_name_locate(w->zip, m, ZIP_FL_ENC_GUESS);
	char *path = path_join(s->t->newdir, rel);
	struct buf data = BUF_INIT;
	size_t total = 0;
	int r = extract_verified(w, m, path, member_mode(w, idx), is_script ? &data : NULL, &total,
				 &s->made);
	if (!r && is_script)
		r = stage_script(s, rel, row->hash, &data);
	else if (!r)
		note_file(s, rel, row->hash, total);
	buf_free(&data);
	free(path);
	free(rel);
	return r;
}

/* ---- the cache of unpacked wheels ------------------------------------- */

/* The cache key: the wheel file's sha256, so that a changed file never
 * meets a stale entry. */
static int cache_key(const char *path, struct buf *key)
{
	struct buf data = BUF_INIT;
	if (os_read_file(path, (size_t)1 << 32, &data) < 0) {
		buf_free(&data);
		return error("cannot read '%s': %s", path, strerror(errno));
	}
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_Digest(data.ptr, data.len, d, &n, EVP_sha256(), NULL);
	for (unsigned int i = 0; i < n; i++)
		buf_addf(key, "%02x", d[i]);
	buf_free(&data);
	return 0;
}

/* ---- the index: a wheel file's identity -> its cache key ---------------
 *
 * Hashing a wheel on every install costs a read of the whole file (and
 * loading libcrypto's configuration); the index makes a warm install skip
 * that. One small file per wheel path, <cache>/wheel-index-v1/<fnv1a of the
 * absolute path>, holds the path, the file's identity (device, inode, size,
 * mtime, ctime) when it was hashed, and the key. It is used only when the
 * path and the whole identity match what the file has now (a wheel replaced
 * or rewritten in place changes its ctime at least), and the entry it names
 * exists and holds the wheel's .dist-info; anything else, including a file
 * that does not parse, is ignored and rewritten after hashing. The identity
 * is taken before hashing, so a change during the hash only makes the next
 * lookup miss. */
#define INDEX_MAGIC "cvenv-wheel-index 1"

static void index_format(struct buf *b, const char *abs, const struct os_file_id *id,
			 const char *key)
{
	buf_addf(b, "%s\n%s\n%llu %llu %llu %lld %lld %lld %lld\n%s\n", INDEX_MAGIC, abs,
		 (unsigned long long)id->dev, (unsigned long long)id->ino,
		 (unsigned long long)id->size, (long long)id->mtime_sec,
		 (long long)id->mtime_nsec, (long long)id->ctime_sec, (long long)id->ctime_nsec,
		 key);
}

static char *index_path(const struct install_env *e, const char *abs)
{
	uint64_t h = 14695981039346656037ull;
	for (const unsigned char *p = (const unsigned char *)abs; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return xstrfmt("%s/wheel-index-v1/%016llx", e->cache_dir, (unsigned long long)h);
}

static bool is_key(const char *k, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' && k[i] <= 'f')))
			return false;
	return true;
}

/* The key the index holds for this wheel file, when it is still valid. */
static bool index_lookup(const struct install_env *e, const char *abs,
			 const struct os_file_id *id, struct buf *key)
{
	char *ip = index_path(e, abs);
	struct buf text = BUF_INIT, want = BUF_INIT;
	bool ok = false;
	if (os_read_file(ip, 1 << 16, &text) == 0) {
		/* the expected text with the key left off: what precedes it must match */
		index_format(&want, abs, id, "");
		size_t n = want.len - 1;
		if (text.len == n + 65 && !memcmp(text.ptr, want.ptr, n) &&
		    text.ptr[text.len - 1] == '\n' && is_key(text.ptr + n, 64)) {
			buf_add(key, text.ptr + n, 64);
			ok = true;
		}
	}
	buf_free(&want);
	buf_free(&text);
	free(ip);
	return ok;
}

/* Best effort: a cache that cannot take the index only stays slower. */
static void index_store(const struct install_env *e, const char *abs,
			const struct os_file_id *id, const char *key)
{
	char *ip = index_path(e, abs);
	char *dir = os_dirname(ip);
	struct buf text = BUF_INIT;
	index_format(&text, abs, id, key);
	if (os_mkdir_p(dir, 0755) == 0)
		(void)os_write_atomic(ip, text.ptr, text.len, 0644, false);
	buf_free(&text);
	free(dir);
	free(ip);
}

/* Makes sure the wheel is unpacked (and verified) in the cache: unpacked into
 * a private temp directory, then renamed into place in one step, so that
 * concurrent runs see a whole entry or none. Returns the entry's path, or
 * NULL (reported) on failure. */
static char *cache_entry(struct install_env *e, struct wheel *w)
{
	struct buf key = BUF_INIT;
	char *abs = os_abspath(w->path);
	struct os_file_id id;
	bool have_id = abs && os_file_id(abs, &id) == 0;
	if (have_id && index_lookup(e, abs, &id, &key)) {
		char *entry = xstrfmt("%s/wheels-v1/%s", e->cache_dir, key.ptr);
		char *di = path_join(entry, w->dist_info);
		bool ok = os_is_dir(di);
		free(di);
		if (ok) {
			free(abs);
			buf_free(&key);
			return entry;
		}
		free(entry);
		buf_reset(&key);
	}
	if (cache_key(w->path, &key) < 0) {
		free(abs);
		buf_free(&key);
		return NULL;
	}
	char *wheels = path_join(e->cache_dir, "wheels-v1");
	char *entry = path_join(wheels, key.ptr);
	/* the index names only entries that exist */
	if (os_is_dir(entry)) {
		if (have_id)
			index_store(e, abs, &id, key.ptr);
		free(abs);
		buf_free(&key);
		free(wheels);
		return entry;
	}
	char *tmp = NULL;
	if (os_mkdir_p(wheels, 0755) < 0 || !(tmp = os_mkdtemp_in(wheels, ".tmp-"))) {
		error("cannot create a cache entry in '%s': %s", wheels, strerror(errno));
		free(abs);
		buf_free(&key);
		free(wheels);
		free(entry);
		return NULL;
	}
	char *rec_member = xstrfmt("%s/RECORD", w->dist_info);
	struct strvec made = STRVEC_INIT;
	int r = 0;
	for (size_t i = 0; i < w->members.n && !r; i++) {
		const char *m = w->members.v[i];
		if (!strcmp(m, rec_member))
			continue;
		zip_int64_t idx = zip_name_locate(w->zip, m, ZIP_FL_ENC_GUESS);
		char *p = path_join(tmp, m);
		size_t total;
		r = extract_verified(w, m, p, member_mode(w, idx), NULL, &total, &made);
		free(p);
	}
	strvec_clear(&made);
	free(rec_member);
	if (!r && os_rename(tmp, entry) < 0 && !os_is_dir(entry))
		r = error("cannot add '%s' to the cache: %s", entry, strerror(errno));
	os_rm_rf(tmp); /* lost a race, or failed: ours goes */
	if (!r && have_id)
		index_store(e, abs, &id, key.ptr);
	free(abs);
	buf_free(&key);
	free(tmp);
	free(wheels);
	if (r) {
		free(entry);
		return NULL;
	}
	return entry;
}

static int cache_lacks(struct staging *s, const char *entry, const char *m)
{
	int r = error("cache entry '%s' lacks '%s'", entry, m);
	hint("remove the cache directory '%s' or use --no-cache", s->e->cache_dir);
	return r;
}

/* Stages one member from a cache entry: linked (or copied) into the stage. */
static int stage_member_cached(struct staging *s, const char *entry, const char *m)
{
	struct wheel *w = s->w;
	bool is_script;
	char *rel = member_dest(s, m, &is_script);
	if (!rel)
		return -1;
	const struct record_row *row = record_find(&w->record, m);
	char *src = path_join(entry, m);
	char *dst = path_join(s->t->newdir, rel);
	char *dir = os_dirname(dst);
	struct os_file_id id;
	/* the entry was verified against RECORD when it was made, so RECORD's
	 * size is the file's: no stat per file on the warm path */
	char *end = NULL;
	unsigned long long size = row && row->size[0] ? strtoull(row->size, &end, 10) : 0;
	bool sized = end && !*end;
	int r = 0;
	if (!row || !row->hash[0] || (!sized && os_file_id(src, &id) < 0)) {
		r = cache_lacks(s, entry, m);
	} else if (is_script) {
		struct buf data = BUF_INIT;
		if (os_read_file(src, MAX_SCRIPT, &data) < 0)
			r = error("cannot read '%s': %s", src, strerror(errno));
		else
			r = stage_script(s, rel, row->hash, &data);
		buf_free(&data);
	} else {
		enum os_link_mode used;
		zip_int64_t idx = zip_name_locate(w->zip, m, ZIP_FL_ENC_GUESS);
		if (ensure_dir(&s->made, dir) < 0 ||
		    os_link_file(src, dst, member_mode(w, idx), s->e->link_mode, &used) < 0) {
			if (errno == ENOENT && !os_exists(src))
				r = cache_lacks(s, entry, m);
			else if (errno == EEXIST)
				r = error("wheel '%s' installs '%s' twice", w->path, rel);
			else
				r = error("cannot link '%s' from the cache: %s", dst, strerror(errno));
		} else {
			note_file(s, rel, row->hash, sized ? (size_t)size : (size_t)id.size);
			/* a file system without reflinks: do not try again per file */
			if (s->e->link_mode == OS_LINK_AUTO && used != OS_LINK_CLONE)
				s->e->link_mode = used == OS_LINK_HARDLINK ? OS_LINK_HARDLINK : OS_LINK_COPY;
		}
	}
	free(dir);
	free(dst);
	free(src);
	free(rel);
	return r;
}

static int stage_launchers(struct staging *s)
{
	struct wheel *w = s->w;
	char *m = xstrfmt("%s/entry_points.txt", w->dist_info);
	struct buf text = BUF_INIT;
	struct entry_points eps = { NULL, 0 };
	int r = 0;
	if (strvec_contains(&w->members, m)) {
		r = wheel_read_member(w, m, MAX_SCRIPT, &text);
		if (!r)
			r = entry_points_parse(text.ptr, text.len, w->path, &eps);
	}
	for (size_t i = 0; i < eps.n && !r; i++) {
		struct strvec names = STRVEC_INIT;
		script_names(eps.v[i].name, s->e->v.major, s->e->v.minor, &names);
		struct buf body = BUF_INIT;
		script_render_launcher(&body, s->e->v.python, &eps.v[i]);
		for (size_t k = 0; k < names.n && !r; k++) {
			char *rel = xstrfmt("%s/%s", s->e->bindir, names.v[k]);
			r = stage_bytes(s, rel, body.ptr, body.len, 0755, NULL);
			free(rel);
		}
		buf_free(&body);
		strvec_clear(&names);
	}
	entry_points_free(&eps);
	buf_free(&text);
	free(m);
	return r;
}

static int stage_metadata_files(struct staging *s, const struct install_opts *o)
{
	char *rel = xstrfmt("%s/INSTALLER", s->dist_info_rel);
	int r = stage_bytes(s, rel, "cvenv\n", 6, 0644, NULL);
	free(rel);
	if (!r && o->requested) {
		rel = xstrfmt("%s/REQUESTED", s->dist_info_rel);
		r = stage_bytes(s, rel, "", 0, 0644, NULL);
		free(rel);
	}
	if (!r && o->direct_url) {
		struct buf j = BUF_INIT;
		buf_addstr(&j, "{\"archive_info\": {}, \"url\": \"");
		for (const char *p = o->direct_url; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_addch(&j, '\\');
			buf_addch(&j, *p);
		}
		buf_addstr(&j, "\"}");
		rel = xstrfmt("%s/direct_url.json", s->dist_info_rel);
		r = stage_bytes(s, rel, j.ptr, j.len, 0644, NULL);
		free(rel);
		buf_free(&j);
	}
	if (r)
		return r;
	rel = xstrfmt("%s/RECORD", s->dist_info_rel);
	char *rp = record_path(s->e, rel);
	record_add(&s->out, rp, "", "");
	record_sort(&s->out);
	struct buf text = BUF_INIT;
	record_format(&s->out, &text);
	char *path = path_join(s->t->newdir, rel);
	int fd = os_create_file(path, 0644);
	if (fd < 0 || os_write_full(fd, text.ptr, text.len) < 0 || os_close_file(fd) < 0)
		r = error("cannot write '%s': %s", path, strerror(errno));
	else
		strvec_push(&s->t->adds, rel);
	free(path);
	free(rp);
	free(rel);
	buf_free(&text);
	return r;
}

/* Files of the env itself, never removed whatever a RECORD lists: its
 * pyvenv.cfg, interpreters and activation scripts. */
static bool env_owned(const char *rel)
{
	if (!strcmp(rel, "pyvenv.cfg"))
		return true;
	if (!starts_with(rel, "bin/") || strchr(rel + 4, '/'))
		return false;
	const char *n = rel + 4;
	return starts_with(n, "python") || starts_with(n, "pypy") || starts_with(n, "activate") ||
	       !strcmp(n, "Activate.ps1");
}

/* Adds every file an installed distribution owns (by its RECORD, plus the
 * bytecode of its modules and its whole .dist-info) to the removals. */
static int plan_removal(struct install_env *e, const struct installed_dist *d, struct txn *t)
{
	char *di = path_join(e->v.dir, d->dist_info);
	char *rp = path_join(di, "RECORD");
	struct buf text = BUF_INIT;
	struct record rec = RECORD_INIT;
	int r = 0;
	if (os_read_file(rp, MAX_JOURNAL, &text) < 0)
		r = error("cannot uninstall '%s': cannot read '%s': %s", d->name, rp, strerror(errno));
	else
		r = record_parse(text.ptr, text.len, rp, &rec);
	char *base = os_dirname(d->dist_info);
	for (size_t i = 0; i < rec.n && !r; i++) {
		char *rel = env_rel(base, rec.rows[i].path);
		if (!rel || strchr(rel, '\n') || env_owned(rel)) {
			warning("not removing '%s' listed by '%s': it is outside the environment",
				rec.rows[i].path, rp);
			free(rel);
			continue;
		}
		char *abs = path_join(e->v.dir, rel);
		if ((os_exists(abs) && !os_is_dir(abs)) || os_is_symlink(abs)) {
			if (!strvec_contains(&t->dels, rel))
				strvec_push(&t->dels, rel);
		}
		if (ends_with(rel, ".py")) {
			/* x/y.py -> x/__pycache__/y.*.pyc */
			char *dir = os_dirname(rel), *name = os_basename(rel);
			char *pc = xstrfmt("%s/__pycache__", dir);
			char *pcabs = path_join(e->v.dir, pc);
			struct strvec names = STRVEC_INIT;
			name[strlen(name) - 3] = '\0';
			if (os_list_dir(pcabs, &names) == 0)
				for (size_t k = 0; k < names.n; k++) {
					const char *n = names.v[k];
					size_t ln = strlen(name);
					if (!strncmp(n, name, ln) && n[ln] == '.' && ends_with(n, ".pyc")) {
						char *f = xstrfmt("%s/%s", pc, n);
						if (!strvec_contains(&t->dels, f))
							strvec_push(&t->dels, f);
						free(f);
					}
				}
			strvec_clear(&names);
			free(dir);
			free(name);
			free(pc);
			free(pcabs);
		}
		free(abs);
		free(rel);
	}
	/* whatever else is in the .dist-info goes too */
	struct strvec names = STRVEC_INIT;
	if (!r && os_list_dir(di, &names) == 0)
		for (size_t k = 0; k < names.n; k++) {
			char *f = xstrfmt("%s/%s", d->dist_info, names.v[k]);
			char *fa = path_join(e->v.dir, f);
			if (!os_is_dir(fa) && !strvec_contains(&t->dels, f))
				strvec_push(&t->dels, f);
			free(f);
			free(fa);
		}
	strvec_clear(&names);
	record_free(&rec);
	buf_free(&text);
	free(base);
	free(rp);
	free(di);
	return r;
}

/* Stages one wheel into the transaction (and plans the removal of the
 * version it replaces). Returns INSTALL_SKIPPED when nothing is to be done. */
static int stage_wheel(struct install_env *e, struct txn *t, const struct installed_dists *have,
		       struct wheel *w, const struct install_opts *o)
{
	const struct installed_dist *old = installed_find(have, w->meta_name);
	if (old && !o->force_reinstall) {
		char *a = pep440_normalize(old->version), *b = pep440_normalize(w->meta_version);
		bool same = a && b ? !strcmp(a, b) : !strcmp(old->version, w->meta_version);
		free(a);
		free(b);
		if (same) {
			if (!o->quiet_skip)
				info(1, "%s %s is already installed", w->meta_name, w->meta_version);
			return INSTALL_SKIPPED;
		}
	}
	struct staging s = { e, t, w, RECORD_INIT, NULL, STRVEC_INIT };
	s.dist_info_rel = xstrfmt("%s/%s", e->libdir, w->dist_info);
	char *rec_member = xstrfmt("%s/RECORD", w->dist_info);
	int r = 0;
	char *entry = NULL;
	if (e->cache_dir && !(entry = cache_entry(e, w)))
		r = -1;
	for (size_t i = 0; i < w->members.n && !r; i++) {
		const char *m = w->members.v[i];
		if (!strcmp(m, rec_member))
			continue;
		r = entry ? stage_member_cached(&s, entry, m) : stage_member(&s, m);
	}
	free(entry);
	if (!r)
		r = stage_launchers(&s);
	if (!r)
		r = stage_metadata_files(&s, o);
	strvec_clear(&s.made);
	if (!r && old)
		r = plan_removal(e, old, t);
	free(rec_member);
	free(s.dist_info_rel);
	record_free(&s.out);
	return r < 0 ? -1 : INSTALL_DONE;
}

int install_wheels(struct install_env *e, struct wheel *const *ws, size_t n,
		   const struct install_opts *opts)
{
	for (size_t i = 0; i < n; i++)
		if (install_check_compatible(e, ws[i]) < 0)
			return -1;
	struct installed_dists have = { NULL, 0 };
	if (install_list(e, &have) < 0)
		return -1;
	struct txn t;
	int r = txn_begin(e, &t);
	size_t done = 0;
	for (size_t i = 0; i < n && !r; i++) {
		int s = stage_wheel(e, &t, &have, ws[i], &opts[i]);
		if (s < 0)
			r = -1;
		else if (s == INSTALL_DONE)
			done++;
	}
	/* an interrupt before the commit leaves the env as it was */
	if (!r && os_interrupted())
		r = error("interrupted: nothing was installed");
	if (!r && done)
		r = txn_commit(&t);
	for (size_t i = 0; i < n && !r; i++)
		info(1, "installed %s %s", ws[i]->meta_name, ws[i]->meta_version);
	txn_free(&t);
	installed_dists_free(&have);
	return r < 0 ? -1 : (int)done;
}

int install_uninstall(struct install_env *e, const char *name)
{
	struct installed_dists have = { NULL, 0 };
	if (install_list(e, &have) < 0)
		return -1;
	const struct installed_dist *d = installed_find(&have, name);
	if (!d) {
		installed_dists_free(&have);
		return 1;
	}
	struct txn t;
	int r = txn_begin(e, &t);
	if (!r)
		r = plan_removal(e, d, &t);
	if (!r && os_interrupted())
		r = error("interrupted: '%s' was not uninstalled", d->name);
	if (!r)
		r = txn_commit(&t);
	if (!r)
		info(1, "uninstalled %s %s", d->name, d->version);
	txn_free(&t);
	installed_dists_free(&have);
	return r;
}

char *install_file_url(const char *abs_path)
{
	static const char keep[] = "/-._~!$&'()*+,;=:@";
	struct buf b = BUF_INIT;
	buf_addstr(&b, "file://");
	for (const unsigned char *p = (const unsigned char *)abs_path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr(keep, *p))
			buf_addch(&b, (char)*p);
		else
			buf_addf(&b, "%%%02X", *p);
	}
	return buf_detach(&b);
}
