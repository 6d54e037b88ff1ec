/* The install transaction: steps, the journal, the shielded commit and the
 * recovery of an interrupted one (see txn.h and install.h). */
#include "util/common.h"

#include "core/pkg/txn.h"
#include "os/fs.h"
#include "os/spawn.h"
#include "util/buf.h"
#include "util/error.h"

#define MAX_JOURNAL (256u << 20)

int txn_begin(struct install_env *e, struct txn *t)
{
	int r = 0;
	memset(t, 0, sizeof(*t));
	t->e = e;
	strvec_init(&t->dirs);
	strvec_init(&t->adds);
	strvec_init(&t->dels);
	t->stage = os_mkdtemp_in(e->state, "stage-");
	if (!t->stage) {
		r = error("cannot create a stage directory in '%s': %s", e->state, strerror(errno));
		goto out;
	}
	t->newdir = path_join(t->stage, "new");
	t->olddir = path_join(t->stage, "old");
	if (os_mkdir(t->newdir, 0755) < 0 || os_mkdir(t->olddir, 0755) < 0)
		r = error("cannot create '%s': %s", t->newdir, strerror(errno));
out:
	return r;
}

void txn_free(struct txn *t)
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
	char *r = NULL, *dir = os_dirname(rel), *up = NULL;
	if (env_has_dir(t, dir))
		goto out;
	while (!env_has_dir(t, (up = os_dirname(dir)))) {
		free(dir);
		dir = up;
		up = NULL;
	}
	r = dir;
	dir = NULL;
out:
	free(dir);
	free(up);
	return r;
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
		goto out;
	if (code != 1) { /* the child kept the stage for the recovery */
		free(t->stage);
		t->stage = NULL;
	}
	if (code == 127) {
		error("the process moving files into '%s' was killed", t->e->v.dir);
		hint("the next cvenv command on this environment restores it");
	}
out:
	return code == 0 ? 0 : -1;
}

/* Moves everything into place; on failure undoes it all. */
int txn_commit(struct txn *t)
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
int txn_recover(struct install_env *e)
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
