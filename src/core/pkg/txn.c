/* The install transaction: steps, the journal, the shielded commit and the
 * recovery of an interrupted one (see txn.h and install.h). */
#include "util/common.h"

#include "core/pkg/txn.h"
#include "os/beneath.h"
#include "os/fs.h"
#include "os/spawn.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/relpath.h"

#define MAX_JOURNAL (256u << 20)

int txn_begin(struct install_env *e, struct txn *t)
{
	int r = 0;
	memset(t, 0, sizeof(*t));
	t->e = e;
	strvec_init(&t->dirs);
	strvec_init(&t->dels);
	strvec_init(&t->foreign);
	strvec_init(&t->tops_made);
	t->links = (struct os_linkbatch)OS_LINKBATCH_INIT;
	buf_init(&t->path);
	buf_init(&t->rel);
	buf_init(&t->src);
	buf_init(&t->dst);
	buf_init(&t->record);
	buf_init(&t->launcher);
	t->launcher_head = 0;
	for (size_t i = 0; i < TXN_RECENT_DIRS; i++)
		buf_init(&t->made[i]);
	if (e->private_dir) { /* staged in place: nothing to move, nothing to undo */
		t->newdir = xstrdup(e->v.dir);
		goto out;
	}
	t->stage = os_mkdtemp_in(e->state, "stage-");
	if (!t->stage) {
		r = error_errno("cannot create a stage directory in '%s'", e->state);
		goto out;
	}
	t->newdir = path_join(t->stage, "new");
	t->olddir = path_join(t->stage, "old");
	if (os_mkdir(t->newdir, 0755) < 0 || os_mkdir(t->olddir, 0755) < 0)
		r = error_errno("cannot create '%s'", t->newdir);
out:
	return r;
}

void txn_free(struct txn *t)
{
	/* no link is made into the stage while it is removed */
	os_linkbatch_settle(&t->links);
	if (t->stage) {
		os_rm_rf(t->stage);
		for (size_t i = 0; i < t->foreign.n; i++)
			os_rm_rf(t->foreign.v[i]);
	}
	strvec_clear(&t->foreign);
	free(t->stage);
	free(t->newdir);
	free(t->olddir);
	free(t->steps); /* their paths are in names */
	strvec_clear(&t->dirs);
	free(t->adds.v);
	arena_free(&t->names);
	strvec_clear(&t->dels);
	free(t->link_from.v);
	strvec_clear(&t->tops_made);
	os_linkbatch_clear(&t->links);
	buf_free(&t->path);
	buf_free(&t->rel);
	buf_free(&t->src);
	buf_free(&t->dst);
	buf_free(&t->record);
	buf_free(&t->launcher);
	free(t->rows);
	for (size_t i = 0; i < TXN_RECENT_DIRS; i++)
		buf_free(&t->made[i]);
	memset(t, 0, sizeof(*t));
}

/* Adds a step for the first n bytes of rel. */
static void add_step_n(struct txn *t, enum step_kind k, const char *rel, size_t n)
{
	/* doubled at each power of two: a journal of a million steps costs
	 * a few copies, not one per step */
	if (!(t->n & (t->n - 1)))
		t->steps = xrealloc(t->steps,
					  (t->n ? 2 * t->n : 1) * sizeof(*t->steps));
	t->steps[t->n].kind = k;
	t->steps[t->n].rel = arena_strndup(&t->names, rel, n);
	t->n++;
}

const char *pathvec_add(struct pathvec *pv, struct arena *a, const char *s, size_t n)
{
	if (pv->n == pv->cap) {
		pv->cap = pv->cap ? 2 * pv->cap : 256;
		pv->v = xrealloc(pv->v, pv->cap * sizeof(*pv->v));
	}
	return pv->v[pv->n++] = arena_strndup(a, s, n);
}

const char *txn_add(struct txn *t, const char *rel, size_t n)
{
	return pathvec_add(&t->adds, &t->names, rel, n);
}

static void add_step(struct txn *t, enum step_kind k, const char *rel)
{
	add_step_n(t, k, rel, strlen(rel));
}

/* Where a path of the env is reached: beneath site-packages or bin (which
 * may be links, to another disk) or beneath the env itself; no link below
 * them is ever followed (os/beneath.h). A root on another file system than
 * the env's .cvenv has a stage of its own, <root>/.cvenv-<stage name>, so
 * that every move is a rename on one file system. */
struct where {
	char *root;            /* absolute */
	const char *sub;       /* the path beneath root */
	char *newroot, *oldroot; /* the stage's new/ and old/ for it */
	const char *ssub;      /* the path beneath them */
	bool borrowed;         /* the three paths are a struct moves' */
};

/* The root rel is beneath: 0 the env's site-packages, 1 its bin, 2 the env
 * itself; *sub the rest of rel beneath it. */
static int env_top(const struct install_env *e, const char *rel, const char **sub)
{
	const char *tops[] = { e->libdir, e->bindir };
	for (int i = 0; i < 2; i++)
		if (path_is_under(rel, tops[i], false)) {
			*sub = rel + strlen(tops[i]) + 1;
			return i;
		}
	*sub = rel;
	return 2;
}

static char *top_root(const struct install_env *e, int top)
{
	return top < 2 ? path_join(e->v.dir, top ? e->bindir : e->libdir) : xstrdup(e->v.dir);
}

const char *txn_env_root(const struct install_env *e, const char *rel, char **root)
{
	const char *sub;
	*root = top_root(e, env_top(e, rel, &sub));
	return sub;
}

/* The stage of a root on another file system: "<root>/.cvenv-<stage name>". */
static char *foreign_stage(const char *root, const char *stage)
{
	char *base = os_basename(stage);
	char *r = xstrfmt("%s/.cvenv-%s", root, base);
	free(base);
	return r;
}

/* A root's path and its stage's new/ and old/ (where_is). */
struct root_paths {
	char *root, *newroot, *oldroot;
	bool foreign; /* newroot and oldroot are the root's own stage's */
};

/* What a commit's moves keep from one to the next: the directories they
 * resolved (os/beneath, kept open), and per env_top() the root's paths
 * once worked out: the root, the stage's new/ and old/ for it, and whether
 * those are the root's own stage (one stat per root, not per move; the
 * foreign stages are made before the commit and stay until it is over).
 * Three paths joined and freed, and a stage's name formatted, per move were
 * half of a commit's instructions (issue 18). */
struct moves {
	struct os_beneath_dirs kept;
	struct root_paths top[3];
};

#define MOVES_INIT { OS_BENEATH_DIRS_INIT, { { 0 } } }

static void moves_free(struct moves *mv)
{
	os_beneath_dirs_close(&mv->kept);
	for (size_t i = 0; i < ARRAY_SIZE(mv->top); i++) {
		free(mv->top[i].root);
		free(mv->top[i].newroot);
		free(mv->top[i].oldroot);
		mv->top[i] = (struct root_paths){ 0 };
	}
}

/* Where rel is reached. With mv, the root's paths are mv's (worked out at
 * its first move); without, w's own (where_free). */
static void where_is(const struct install_env *e, const char *stage, const char *rel,
		     struct where *w, struct moves *mv)
{
	int top = env_top(e, rel, &w->sub);
	struct root_paths own, *rp = mv ? &mv->top[top] : &own;
	if (!mv || !rp->root) {
		rp->root = top_root(e, top);
		/* a root other than the env's on another file system has a
		 * stage of its own (txn_commit makes it) */
		char *fs = strcmp(rp->root, e->v.dir) ? foreign_stage(rp->root, stage) : NULL;
		rp->foreign = fs && os_is_dir(fs);
		rp->newroot = path_join(rp->foreign ? fs : stage, "new");
		rp->oldroot = path_join(rp->foreign ? fs : stage, "old");
		free(fs);
	}
	w->root = rp->root;
	w->newroot = rp->newroot;
	w->oldroot = rp->oldroot;
	w->ssub = rp->foreign ? w->sub : rel;
	w->borrowed = mv != NULL;
}

static void where_free(struct where *w)
{
	if (w->borrowed)
		return;
	free(w->root);
	free(w->newroot);
	free(w->oldroot);
}

/* Undoes the steps, last first. Safe to repeat (after a crash in here).
 * Returns the number of steps that could not be undone. */
static int undo_steps(const struct install_env *e, const char *stage, struct step *steps,
		      size_t n, struct strvec *dirs)
{
	int failed = 0;
	for (size_t i = n; i-- > 0;) {
		struct where w;
		where_is(e, stage, steps[i].rel, &w, NULL);
		if (steps[i].kind == STEP_ADD) {
			/* a new file, or a whole new directory moved in at once */
			if (os_beneath_kind(w.newroot, w.ssub) == OS_KIND_NONE &&
			    os_beneath_rm_rf(w.root, w.sub) < 0)
				failed++;
		} else {
			int k = os_beneath_kind(w.oldroot, w.ssub);
			/* a replacement in place goes back to the stage first: a
			 * directory (an empty site-packages replaced whole) cannot
			 * be renamed over */
			if (k > OS_KIND_NONE && steps[i].kind == STEP_REPLACE &&
			    os_beneath_kind(w.newroot, w.ssub) == OS_KIND_NONE &&
			    os_beneath_kind(w.root, w.sub) > OS_KIND_NONE &&
			    os_beneath_rename(w.root, w.sub, w.newroot, w.ssub) < 0)
				k = -1;
			if (k < 0 || (k != OS_KIND_NONE &&
				      os_beneath_rename(w.oldroot, w.ssub, w.root, w.sub) < 0))
				failed++;
		}
		where_free(&w);
	}
	for (size_t i = dirs->n; i-- > 0;) {
		struct where w;
		where_is(e, stage, dirs->v[i], &w, NULL);
		os_beneath_rmdir(w.root, w.sub);
		where_free(&w);
	}
	return failed;
}

/* The new directories moved in whole, sorted (byte order) so that "is rel
 * beneath one of them" costs a binary search per parent of rel, not a scan
 * of them all per added file (quadratic in a large install, issue 18). */
static int cmp_prefix(const char *unit, const char *p, size_t n)
{
	int c = strncmp(unit, p, n);
	return c ? c : unit[n] ? 1 : 0;
}

/* The new directories, sorted, and which lengths they have (bit n of lens
 * for a length n < 256; longer ones are always searched): a prefix of a
 * path whose length no unit has needs no search (the parents of every
 * launcher and of every unit's first file were searched for in vain, one
 * binary search each, issue 18). The strings are borrowed: the steps' own
 * (or struct commit_scan's owned). */
struct units {
	const char **v;
	size_t n, cap;
	uint64_t lens[4];
	bool long_ones;
};

static bool may_have_len(const struct units *u, size_t n)
{
	return n < 256 ? (u->lens[n / 64] >> (n % 64)) & 1 : u->long_ones;
}

/* Whether p[0..n) is one of the sorted strings v[0..count); *at receives
 * where it is, or where it would go. */
static bool find_sorted(const char *const *v, size_t count, const char *p, size_t n, size_t *at)
{
	size_t lo = 0, hi = count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_prefix(v[mid], p, n);
		if (!c) {
			*at = mid;
			return true;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return false;
}

static bool has_unit(const struct units *units, const char *p, size_t n, size_t *at)
{
	return find_sorted(units->v, units->n, p, n, at);
}

static bool beneath(const char *rel, const char *unit)
{
	size_t n = unit ? strlen(unit) : 0;
	return n && !strncmp(rel, unit, n) && rel[n] == '/';
}

/* Whether rel is beneath one of units. last[0] and last[1] are the units
 * found last: a wheel's files come grouped by directory (its package, then
 * its .dist-info, whose generated files come after the launchers), so most
 * are beneath one of them and need no search (issue 18). */
static bool under_any(const struct units *units, const char *rel, const char *last[2])
{
	size_t at;
	if (beneath(rel, last[0]))
		return true;
	if (beneath(rel, last[1])) {
		const char *u = last[1];
		last[1] = last[0];
		last[0] = u;
		return true;
	}
	for (const char *s = strchr(rel, '/'); s; s = strchr(s + 1, '/'))
		if (may_have_len(units, (size_t)(s - rel)) &&
		    has_unit(units, rel, (size_t)(s - rel), &at)) {
			last[1] = last[0];
			last[0] = units->v[at];
			return true;
		}
	return false;
}

/* Adds unit (borrowed: it must outlive units) to units; returns the copy
 * units holds. */
static const char *add_unit(struct units *units, const char *unit)
{
	size_t at, n = strlen(unit);
	if (has_unit(units, unit, n, &at))
		return units->v[at];
	if (units->n == units->cap) {
		units->cap = units->cap ? 2 * units->cap : 64;
		units->v = xrealloc(units->v, units->cap * sizeof(*units->v));
	}
	memmove(&units->v[at + 1], &units->v[at], (units->n - at) * sizeof(*units->v));
	units->v[at] = unit;
	units->n++;
	if (n < 256)
		units->lens[n / 64] |= (uint64_t)1 << (n % 64);
	else
		units->long_ones = true;
	return unit;
}

/* A directory of the env whose entries the commit's checks ask about: once
 * asked about LIST_AFTER times, and again at each power of two, its size
 * (one stat) tells whether a listing pays: about an entry per 24 bytes,
 * each read far cheaper than a stat of a missing name (taken as 32 times);
 * then it is listed once and answered from that (a warm install of 100
 * wheels made 300 failed stats, one per new entry of site-packages and
 * bin; issue 18). A listing is a snapshot: an entry made after it is not
 * overwritten all the same, as every move into place never replaces
 * (do_step). */
#define LIST_AFTER 8
#define LISTS 4

struct dirlist {
	char *rel;     /* env-relative, NULL: the slot is free */
	size_t reln;   /* its length */
	size_t checks; /* asked about so far */
	bool listed;
	struct strvec names; /* sorted, when listed */
};

/* What txn_commit's walk over the added files keeps: the new directories
 * (units), those the env has (have, their strings in owned), one buffer
 * for the absolute paths it asks about (no allocation per file, issue 18)
 * and the last directories asked about (lists, the newest at next - 1). */
struct commit_scan {
	const struct txn *t;
	struct units units, have;
	struct strvec owned;
	struct buf abs;
	struct dirlist lists[LISTS];
	size_t next;
};

static void scan_free(struct commit_scan *c)
{
	free(c->units.v);
	free(c->have.v);
	strvec_clear(&c->owned);
	buf_free(&c->abs);
	for (size_t i = 0; i < LISTS; i++) {
		free(c->lists[i].rel);
		strvec_clear(&c->lists[i].names);
	}
}

/* Whether the env has an entry (of any kind, links not followed) at rel's
 * first n bytes, from its directory's listing: 1 or 0, or -1 when that
 * directory is not listed (the caller asks the file system). */
static int listed_has(struct commit_scan *c, const char *rel, size_t n)
{
	size_t dn = n;
	while (dn > 0 && rel[dn - 1] != '/')
		dn--;
	const char *slash = dn ? rel + --dn : NULL;
	struct dirlist *d = NULL;
	for (size_t i = 0; i < LISTS && !d; i++) {
		struct dirlist *x = &c->lists[(c->next + LISTS - 1 - i) % LISTS];
		if (x->rel && x->reln == dn && !memcmp(x->rel, rel, dn))
			d = x;
	}
	if (!d) { /* the oldest slot */
		d = &c->lists[c->next];
		c->next = (c->next + 1) % LISTS;
		free(d->rel);
		strvec_clear(&d->names);
		d->rel = xstrndup(rel, dn);
		d->reln = dn;
		d->checks = 0;
		d->listed = false;
	}
	d->checks++;
	/* at LIST_AFTER checks, then at each power of two */
	if (!d->listed && d->checks >= LIST_AFTER && !(d->checks & (d->checks - 1))) {
		struct os_file_id id;
		buf_set_path(&c->abs, c->t->e->v.dir, d->rel);
		if (os_file_id(c->abs.ptr, &id) == 0 && id.size / 24 <= 32 * d->checks)
			d->listed = os_list_dir(c->abs.ptr, &d->names) == 0;
		if (!d->listed)
			strvec_clear(&d->names);
	}
	if (!d->listed)
		return -1;
	size_t at;
	return find_sorted((const char *const *)d->names.v, d->names.n, slash ? slash + 1 : rel,
			   slash ? n - dn - 1 : n, &at);
}

/* Whether the env has the directory made of rel's first n bytes (n == 0:
 * the env itself); site-packages and bin, asked about for every wheel, are
 * looked at once. */
static bool env_has_dir(struct commit_scan *c, const char *rel, size_t n)
{
	size_t at;
	if (!n || (may_have_len(&c->have, n) && has_unit(&c->have, rel, n, &at)))
		return true;
	if (listed_has(c, rel, n) == 0)
		return false;
	buf_set_path(&c->abs, c->t->e->v.dir, "");
	buf_addch(&c->abs, '/');
	buf_add(&c->abs, rel, n);
	bool r = os_is_dir(c->abs.ptr);
	if (r) {
		strvec_push_take(&c->owned, xstrndup(rel, n));
		add_unit(&c->have, c->owned.v[c->owned.n - 1]);
	}
	return r;
}

/* The length of the highest directory of rel's parents that the env lacks
 * (so the whole of it can be moved in with one rename), or 0 when rel's
 * parent exists. rel is an env-relative path, spelled canonically. */
static size_t new_unit(struct commit_scan *c, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	size_t n = slash ? (size_t)(slash - rel) : 0;
	if (env_has_dir(c, rel, n))
		return 0;
	for (;;) {
		size_t up = n;
		while (up > 0 && rel[up - 1] != '/')
			up--;
		up = up ? up - 1 : 0; /* the parent's length, 0 for the env */
		if (env_has_dir(c, rel, up))
			return n;
		n = up;
	}
}

static char *journal_path(const struct install_env *e)
{
	return path_join(e->state, "journal");
}

static int write_journal(struct txn *t)
{
	struct buf j = BUF_INIT;
	char *base = os_basename(t->stage);
	char *jp = journal_path(t->e);
	int r = journal_format(base, &t->dirs, t->steps, t->n, &j);
	if (!r && (r = os_write_atomic(jp, j.ptr, j.len, 0644, false)) < 0)
		error_errno("cannot write '%s'", jp);
	free(jp);
	free(base);
	buf_free(&j);
	return r;
}

/* Removes directories that deleting files left empty, up to (not including)
 * site-packages, bin and the env itself. */
static void prune_dirs(const struct install_env *e, const struct strvec *dels)
{
	for (size_t i = 0; i < dels->n; i++) {
		char *d = os_dirname(dels->v[i]);
		/* top-level directories of the env (bin, include, lib, share) stay;
		 * never climb out of site-packages into lib/pythonX.Y */
		while (strchr(d, '/') && strcmp(d, e->libdir) && strcmp(d, e->bindir) &&
		       !path_is_under(e->libdir, d, false)) {
			char *root;
			const char *sub = txn_env_root(e, d, &root);
			int r = os_beneath_rmdir(root, sub);
			free(root);
			if (r < 0)
				break;
			char *up = os_dirname(d);
			free(d);
			d = up;
		}
		free(d);
	}
}

/* "cannot move '<env>/<rel>' <how>", with the errno of the failed move. */
static int step_error(const struct txn *t, const struct step *s, const char *how)
{
	int e = errno;
	char *dst = path_join(t->e->v.dir, s->rel);
	errno = e;
	int r = error_errno("cannot move '%s' %s", dst, how);
	free(dst);
	return r;
}

/* One step's moves: one renameat each, through the directories mv keeps.
 * The move into place never replaces: what is there was moved aside (a
 * replace) or was not there when txn_commit looked (an add), so an entry
 * that appeared since -- another program writing into the env -- fails
 * the commit (EEXIST, undone) instead of being overwritten, then deleted
 * by the undo of an add. */
static int do_step(struct txn *t, struct step *s, struct moves *mv)
{
	struct where w;
	int r = 0;
	where_is(t->e, t->stage, s->rel, &w, mv);
	if (s->kind != STEP_ADD) {
		char *bd = os_dirname(w.ssub);
		if ((strcmp(bd, ".") && os_beneath_mkdir_p(w.oldroot, bd, 0755) < 0) ||
		    os_beneath_rename_kept(&mv->kept, w.root, w.sub, w.oldroot, w.ssub, false) < 0)
			r = step_error(t, s, "aside");
		free(bd);
	}
	if (!r && s->kind != STEP_DEL &&
	    os_beneath_rename_kept(&mv->kept, w.newroot, w.ssub, w.root, w.sub, true) < 0)
		r = step_error(t, s, "into place");
	where_free(&w);
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
	/* the message for a child killed in our memory, made beforehand:
	 * after such a kill nothing may allocate (os_run_shielded) */
	struct buf *saved = error_capture, killed = BUF_INIT;
	error_capture = &killed;
	error("the process moving files into '%s' was killed", t->e->v.dir);
	hint("the next cvenv command on this environment restores it");
	error_capture = saved;
	int code = os_run_shielded(commit_child, t, killed.ptr, killed.len);
	buf_free(&killed);
	if (code < 0) /* no process to be had: the commit runs here */
		code = commit_child(t);
	if (code == 0)
		goto out;
	if (code != 1) { /* the child kept the stages for the recovery */
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

/* Copies the staged tree src to dst (both ours: no links in them). */
static int copy_tree(const char *src, const char *dst)
{
	if (!os_is_dir(src))
		return os_copy_file(src, dst, os_is_executable(src) ? 0755 : 0644);
	struct strvec names = STRVEC_INIT;
	int r = os_mkdir(dst, 0755) < 0 || os_list_dir(src, &names) < 0 ? -1 : 0;
	for (size_t i = 0; i < names.n && !r; i++) {
		char *s = path_join(src, names.v[i]), *d = path_join(dst, names.v[i]);
		r = copy_tree(s, d);
		free(s);
		free(d);
	}
	strvec_clear(&names);
	return r;
}

/* Gives each top directory on another file system (see txn.h) its own stage
 * and moves what goes there into it. */
static int stage_per_device(struct txn *t)
{
	const char *tops[] = { t->e->libdir, t->e->bindir };
	struct os_file_id sid, rid;
	int r = 0;
	if (os_file_id(t->stage, &sid) < 0)
		return error_errno("cannot read '%s'", t->stage);
	for (size_t i = 0; i < 2 && !r; i++) {
		char *root = path_join(t->e->v.dir, tops[i]);
		if (os_file_id(root, &rid) == 0 && rid.dev != sid.dev) {
			char *fs = foreign_stage(root, t->stage);
			char *nd = path_join(fs, "new"), *od = path_join(fs, "old");
			if (os_mkdir(fs, 0700) < 0)
				r = error_errno("cannot create a stage directory '%s'", fs);
			else
				strvec_push(&t->foreign, fs);
			if (!r && (os_mkdir(nd, 0755) < 0 || os_mkdir(od, 0755) < 0))
				r = error_errno("cannot create '%s'", nd);
			free(nd);
			free(od);
			free(fs);
		}
		free(root);
	}
	for (size_t i = 0; i < t->n && !r && t->foreign.n; i++) {
		struct where w;
		where_is(t->e, t->stage, t->steps[i].rel, &w, NULL);
		if (t->steps[i].kind != STEP_DEL && w.ssub != t->steps[i].rel) {
			char *src = path_join(t->newdir, t->steps[i].rel);
			char *dst = path_join(w.newroot, w.ssub);
			char *dd = os_dirname(dst);
			if (os_mkdir_p(dd, 0755) < 0 || copy_tree(src, dst) < 0)
				r = error_errno("cannot copy '%s' to '%s'", src, dst);
			free(dd);
			free(dst);
			free(src);
		}
		where_free(&w);
	}
	return r;
}

struct del_at {
	const char *rel;
	size_t i; /* its place in dels */
};

static int cmp_del_at(const void *a, const void *b)
{
	const struct del_at *x = a, *y = b;
	int c = strcmp(x->rel, y->rel);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

static int cmp_rel(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A STEP_DEL for each path of dels, once, in dels' order, but for the paths
 * staged too (an upgrade's file that the new version has as well is
 * replaced, not removed). Both lists are sorted and walked side by side:
 * a scan of adds per del (and of dels per del, in remove.c) took 92% of the
 * instructions of a 5000-file upgrade (BENCHMARKS.md). */
static void add_del_steps(struct txn *t)
{
	size_t nd = t->dels.n, na = t->adds.n, j = 0;
	if (!nd)
		return;
	struct del_at *d = xmalloc(nd * sizeof(*d));
	const char **a = xmalloc((na ? na : 1) * sizeof(*a));
	bool *skip = xcalloc(nd, sizeof(*skip));
	for (size_t i = 0; i < nd; i++)
		d[i] = (struct del_at){ t->dels.v[i], i };
	qsort(d, nd, sizeof(*d), cmp_del_at);
	if (na)
		memcpy(a, t->adds.v, na * sizeof(*a));
	qsort(a, na, sizeof(*a), cmp_rel);
	for (size_t i = 0; i < nd; i++) {
		int c = 1;
		while (j < na && (c = strcmp(a[j], d[i].rel)) < 0)
			j++;
		/* equal paths sort by place: all but the first are repeats */
		skip[d[i].i] = !c || (i && !strcmp(d[i - 1].rel, d[i].rel));
	}
	for (size_t i = 0; i < nd; i++)
		if (!skip[i])
			add_step(t, STEP_DEL, t->dels.v[i]);
	free(skip);
	free(a);
	free(d);
}

/* Whether the env's site-packages is an empty directory (a new env's)
 * that the staged one can replace whole: one step of two renames instead
 * of one rename per top-level name installed (two per wheel). Then adds
 * that step. Only when nothing is deleted, on the stage's file system,
 * for an install of two names or more. */
static bool fill_empty_libdir(struct txn *t)
{
	struct os_file_id sid, lid;
	struct strvec names = STRVEC_INIT;
	char *abs = NULL, *staged = NULL;
	size_t beneath_lib = 0, n = strlen(t->e->libdir);
	bool r = false;
	for (size_t i = 0; i < t->adds.n && beneath_lib < 2; i++)
		if (!strncmp(t->adds.v[i], t->e->libdir, n) && t->adds.v[i][n] == '/')
			beneath_lib++;
	if (t->dels.n || beneath_lib < 2)
		goto out;
	abs = path_join(t->e->v.dir, t->e->libdir);
	staged = path_join(t->newdir, t->e->libdir);
	/* a real directory (no link on the way), on the stage's device */
	if (os_beneath_kind(t->e->v.dir, t->e->libdir) != OS_KIND_DIR || !os_is_dir(staged) ||
	    os_file_id(abs, &lid) < 0 || os_file_id(t->stage, &sid) < 0 || lid.dev != sid.dev ||
	    os_list_dir(abs, &names) < 0 || names.n)
		goto out;
	add_step(t, STEP_REPLACE, t->e->libdir);
	r = true;
out:
	strvec_clear(&names);
	free(abs);
	free(staged);
	return r;
}

/* Moves everything into place; on failure undoes it all. */
int txn_commit(struct txn *t)
{
	if (t->e->private_dir) { /* staged in place (txn_begin) */
		if (t->dels.n)
			BUG("removing '%s' from the private env '%s'", t->dels.v[0], t->e->v.dir);
		return 0;
	}
	add_del_steps(t);
	struct commit_scan sc = { t, { NULL, 0, 0, { 0 }, false }, { NULL, 0, 0, { 0 }, false },
				  STRVEC_INIT, BUF_INIT, { { NULL, 0, 0, false, STRVEC_INIT } }, 0 };
	for (size_t i = 0; i < LISTS; i++)
		strvec_init(&sc.lists[i].names);
	const char *last[2] = { NULL, NULL };
	if (fill_empty_libdir(t)) /* every add beneath it goes in with it */
		add_unit(&sc.units, t->steps[t->n - 1].rel);
	for (size_t i = 0; i < t->adds.n; i++) {
		const char *rel = t->adds.v[i];
		if (under_any(&sc.units, rel, last))
			continue;
		size_t un = new_unit(&sc, rel);
		if (un) {
			/* the unit is the step's string, borrowed by units */
			add_step_n(t, STEP_ADD, rel, un);
			last[1] = last[0];
			last[0] = add_unit(&sc.units, t->steps[t->n - 1].rel);
			continue;
		}
		int has = listed_has(&sc, rel, strlen(rel));
		if (has < 0) {
			buf_set_path(&sc.abs, t->e->v.dir, rel);
			has = os_exists(sc.abs.ptr);
		}
		add_step(t, has ? STEP_REPLACE : STEP_ADD, rel);
	}
	scan_free(&sc);
	if (stage_per_device(t) < 0)
		return -1;
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
	struct moves mv = MOVES_INIT;
	int r = 0;
	for (size_t i = 0; i < t->dirs.n && !r; i++) {
		struct where w;
		where_is(t->e, t->stage, t->dirs.v[i], &w, &mv);
		if (os_beneath_mkdir(w.root, w.sub, 0755) < 0 && errno != EEXIST)
			r = error_errno("cannot create '%s/%s'", w.root, w.sub);
		where_free(&w);
	}
	for (size_t i = 0; i < t->n && !r; i++)
		r = do_step(t, &t->steps[i], &mv);
	/* the undo resolves every path afresh */
	moves_free(&mv);
	if (!r && os_unlink(jp) < 0)
		r = error_errno("cannot remove '%s'", jp);
	if (r < 0) {
		if (undo_steps(t->e, t->stage, t->steps, t->n, &t->dirs)) {
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

/* Undoes the steps of the journal an interrupted run left, once the whole
 * journal has parsed: a journal that does not is refused before anything is
 * touched (it comes with the env, and cvenv never writes one like it). */
static int undo_journal(struct install_env *e)
{
	char *jp = journal_path(e);
	char *stage = NULL;
	struct buf text = BUF_INIT;
	struct journal j = JOURNAL_INIT;
	int r = 0, failed;
	if (os_read_file(jp, MAX_JOURNAL, &text) < 0) {
		if (errno != ENOENT)
			r = error_errno("cannot read '%s'", jp);
		goto out;
	}
	if ((r = journal_parse(text.ptr, text.len, jp, &j)) < 0) {
		hint("the journal was not written by cvenv; inspect or remove it");
		goto out;
	}
	warning("rolling back an interrupted change of '%s'", e->v.dir);
	stage = path_join(e->state, j.stage);
	failed = undo_steps(e, stage, j.steps, j.n, &j.dirs);
	if (failed)
		r = error("cannot roll back the interrupted change of '%s': %d files could "
			  "not be restored from '%s'", e->v.dir, failed, stage);
	else if (os_unlink(jp) < 0)
		r = error_errno("cannot remove '%s'", jp);
out:
	journal_free(&j);
	buf_free(&text);
	free(stage);
	free(jp);
	return r;
}

int txn_recover(struct install_env *e)
{
	struct strvec names = STRVEC_INIT;
	int r = undo_journal(e);
	if (!r && os_list_dir(e->state, &names) == 0)
		for (size_t i = 0; i < names.n; i++)
			if (starts_with(names.v[i], "stage-")) {
				char *s = path_join(e->state, names.v[i]);
				os_rm_rf(s);
				free(s);
			}
	strvec_clear(&names);
	const char *tops[] = { e->libdir, e->bindir };
	for (size_t k = 0; k < 2 && !r; k++) {
		char *root = path_join(e->v.dir, tops[k]);
		if (os_list_dir(root, &names) == 0)
			for (size_t i = 0; i < names.n; i++)
				if (starts_with(names.v[i], ".cvenv-stage-"))
					os_beneath_rm_rf(root, names.v[i]);
		strvec_clear(&names);
		free(root);
	}
	return r;
}
