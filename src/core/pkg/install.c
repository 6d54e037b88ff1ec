/* Installing and uninstalling in an env, transactionally (see install.h):
 * opening the env, the installed distributions, compatibility, and the
 * orchestration. The pieces live beside it: txn.c (the transaction and its
 * journal), stage.c (staging a wheel's members), wheelcache.c (the cache of
 * unpacked wheels), remove.c (what removing a distribution takes away). */
#include "util/common.h"

#include "core/std/metadata.h"
#include "core/env/envlock.h"
#include "core/pkg/cachemanifest.h"
#include "core/pkg/distinfo.h"
#include "core/pkg/install.h"
#include "core/pkg/record.h"
#include "core/pkg/stage.h"
#include "core/pkg/remove.h"
#include "core/pkg/txn.h"
#include "core/pkg/wheel.h"
#include "core/pkg/wheelcache.h"
#include "core/std/pep440.h"
#include "core/std/tags.h"
#include "os/fs.h"
#include "os/interrupt.h"
#include "os/link.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/relpath.h"

/* ---- the env ---------------------------------------------------------- */

static char *rel_to(const char *root, const char *abs)
{
	if (path_is_under(abs, root, false))
		return xstrdup(abs + strlen(root) + 1);
	return xstrdup(abs);
}

int install_env_open_dir(const char *dir, bool lock, struct install_env *e)
{
	memset(e, 0, sizeof(*e));
	e->lock_fd = -1;
	strvec_init(&e->tags);
	if (venv_open(dir, &e->v) < 0)
		return -1;
	e->libdir = rel_to(e->v.dir, e->v.purelib);
	e->bindir = xstrdup("bin");
	e->state = path_join(e->v.dir, ".cvenv");
	if (!lock)
		return 0;
	e->lock_fd = env_lock(e->v.dir);
	if (e->lock_fd < 0 || txn_recover(e) < 0) {
		install_env_close(e);
		return -1;
	}
	return 0;
}

/* A change needs the lock that install_env_open_dir took (a private
 * env, which no other process sees, none). */
static void need_lock(const struct install_env *e)
{
	if (e->lock_fd < 0 && !e->private_dir)
		BUG("changing env '%s' without its lock", e->v.dir);
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
	record_head_hash_free(e->launcher_head);
	wheelcache_check_stop(e);
	memset(e, 0, sizeof(*e));
	e->lock_fd = -1;
}

int install_env_set_cache(struct install_env *e, const char *cache_root, const char *link_mode)
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
	e->cache_dir = cache_root ? xstrdup(cache_root) : NULL;
	return 0;
}

/* ---- installed distributions ----------------------------------------- */

int install_list(const struct install_env *e, struct dist_set *out)
{
	if (distinfo_list_site(e->v.purelib, out) < 0)
		return error_errno("cannot read '%s'", e->v.purelib);
	return 0;
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

/* tags_wheel_rank(pure, wn), the last answer kept for a wheel of one tag:
 * most wheels of an install share theirs ("py3-none-any"), each ranked by
 * the plan and again before staging (a tag built and compared with every
 * pure tag each time, issue 18). pure must not change while kept (the
 * caller clears memo when it does). */
static struct buf memo = BUF_INIT; /* "python-abi-platform" ranked last */
static long memo_rank;

static long pure_rank(const struct strvec *pure, const struct wheel_name *wn)
{
	if (wn->pythons.n != 1 || wn->abis.n != 1 || wn->platforms.n != 1)
		return tags_wheel_rank(pure, wn);
	const char *p = wn->pythons.v[0], *a = wn->abis.v[0], *pl = wn->platforms.v[0];
	size_t pn = strlen(p), an = strlen(a), pln = strlen(pl);
	const char *m = memo.ptr;
	if (memo.len == pn + an + pln + 2 && !memcmp(m, p, pn) && m[pn] == '-' &&
	    !memcmp(m + pn + 1, a, an) && m[pn + 1 + an] == '-' && !memcmp(m + pn + an + 2, pl, pln))
		return memo_rank;
	memo_rank = tags_wheel_rank(pure, wn);
	buf_reset(&memo);
	buf_add(&memo, p, pn);
	buf_addch(&memo, '-');
	buf_add(&memo, a, an);
	buf_addch(&memo, '-');
	buf_add(&memo, pl, pln);
	return memo_rank;
}

long install_tag_rank(struct install_env *e, const struct wheel_name *wn)
{
	/* the pure tags of the last env asked about, made once: a rank per
	 * wheel and per candidate of the wheelhouses (issue 18) */
	static struct strvec pure = STRVEC_INIT;
	static int made_for[3] = { -1, -1, -1 };
	int key[3] = { e->v.major, e->v.minor, e->v.pypy };
	if (memcmp(key, made_for, sizeof(key))) {
		strvec_clear(&pure);
		pure_tags(e, &pure);
		buf_reset(&memo);
		memcpy(made_for, key, sizeof(key));
	}
	long rank = pure_rank(&pure, wn);
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

/* The wheels an install will stage (not one whose version is installed
 * already, as stage_wheel() decides) are unpacked into the cache first, two
 * at a time when the cache lacks them (wheelcache_fill_ahead). */
static void fill_ahead(struct install_env *e, struct wheel *const *ws, size_t n,
		       const struct install_opts *opts, const struct dist_set *have)
{
	bool *want = xcalloc(n + 1, sizeof(*want));
	for (size_t i = 0; i < n; i++) {
		const struct dist *old = ws[i]->meta_name ? dist_set_lookup(have, ws[i]->meta_name)
							  : NULL;
		want[i] = !old || opts[i].force_reinstall;
		if (!want[i] && ws[i]->meta_version) {
			char *a = pep440_normalize(old->dir_version);
			char *b = pep440_normalize(ws[i]->meta_version);
			want[i] = a && b ? strcmp(a, b) != 0 : strcmp(old->dir_version,
								     ws[i]->meta_version) != 0;
			free(a);
			free(b);
		}
	}
	wheelcache_fill_ahead(e, ws, want, n);
	wheelcache_check_ahead(e, ws, want, n);
	free(want);
}

/* The link batch sized once from the seals of the wheels opened from the
 * cache, and the members of those opened from their zip (a cold install:
 * they are linked from the entries filled ahead; grown by doubling, the
 * batch's copies were a tenth of a cold install's page faults): each row is
 * added as its member's name and its env-relative destination,
 * <libdir>/<path> (or a shorter one), each with its NUL (os/linkbatch.h: the
 * batch keeps no whole paths). An estimate from above. */
static void reserve_links(const struct install_env *e, struct txn *t, struct wheel *const *ws,
			  size_t n)
{
	size_t rows = 0, bytes = 0, fixed = strlen(e->libdir) + 3;
	for (size_t i = 0; i < n; i++) {
		const struct manifest *m = ws[i]->seal;
		const struct strvec *zm = &ws[i]->members;
		for (size_t k = 0; m && k < m->n; k++)
			bytes += fixed + 2 * strlen(m->rows[k].path);
		for (size_t k = 0; !m && e->cache_dir && k < zm->n; k++)
			bytes += fixed + 2 * strlen(zm->v[k]);
		rows += m ? m->n : e->cache_dir ? zm->n : 0;
		/* INSTALLER and REQUESTED, linked from the stage's copies */
		if (e->cache_dir && ws[i]->dist_info) {
			rows += 2;
			bytes += 2 * (fixed + sizeof("REQUESTED") * 2 + strlen(ws[i]->dist_info));
		}
	}
	if (rows)
		os_linkbatch_reserve(&t->links, rows, bytes);
	/* two bases per wheel: its entry's files directory and the stage's
	 * own (so that the thread making links ahead never sees them move) */
	if (n && e->cache_dir)
		os_linkbatch_reserve_bases(&t->links, 2 * n + 1,
					   n * (strlen(e->cache_dir) + sizeof("/wheels-v2//files") + 64) +
						   strlen(t->newdir) + 1 +
						   (t->stage ? strlen(t->stage) + 1 : 0));
}

int install_apply(struct install_env *e, struct wheel *const *ws, size_t n,
		  const struct install_opts *opts, const char *const *removes, size_t nremoves)
{
	struct dist_set have = DIST_SET_INIT;
	struct txn t = { 0 };
	struct strvec gone = STRVEC_INIT; /* "name version" of each removal planned */
	size_t done = 0;
	int r = 0;
	need_lock(e);
	for (size_t i = 0; i < n && !r; i++)
		r = install_check_compatible(e, ws[i]);
	if (!r)
		r = install_list(e, &have);
	if (!r && e->cache_dir)
		fill_ahead(e, ws, n, opts, &have);
	if (!r)
		r = txn_begin(e, &t);
	if (!r)
		reserve_links(e, &t, ws, n);
	for (size_t i = 0; i < n && !r; i++) {
		int s = stage_wheel(e, &t, &have, ws[i], &opts[i]);
		if (s < 0)
			r = -1;
		else if (s == INSTALL_DONE)
			done++;
	}
	if (!r)
		r = stage_links(&t);
	for (size_t i = 0; i < nremoves && !r; i++) {
		const struct dist *d = dist_set_lookup(&have, removes[i]);
		if (!d || strvec_contains(&gone, d->canonical))
			continue;
		r = remove_plan(e, d, &t);
		strvec_push(&gone, d->canonical);
		strvec_push(&gone, d->dir_version);
	}
	/* an interrupt before the commit leaves the env as it was */
	if (!r && os_interrupted())
		r = error("interrupted: nothing was changed");
	if (!r && (done || gone.n))
		r = txn_commit(&t);
	for (size_t i = 0; i < n && !r; i++)
		info(1, "installed %s %s", ws[i]->meta_name, ws[i]->meta_version);
	for (size_t i = 0; i + 1 < gone.n && !r; i += 2)
		info(1, "uninstalled %s %s", gone.v[i], gone.v[i + 1]);
	strvec_clear(&gone);
	txn_free(&t);
	dist_set_free(&have);
	return r < 0 ? -1 : (int)done;
}

int install_wheels(struct install_env *e, struct wheel *const *ws, size_t n,
		   const struct install_opts *opts)
{
	return install_apply(e, ws, n, opts, NULL, 0);
}

int install_uninstall(struct install_env *e, const char *const *names, size_t n)
{
	struct dist_set have = DIST_SET_INIT;
	struct txn t = { 0 };
	struct strvec done = STRVEC_INIT; /* "name version" of each planned */
	need_lock(e);
	int r = install_list(e, &have);
	if (!r)
		r = txn_begin(e, &t);
	for (size_t i = 0; i < n && !r; i++) {
		const struct dist *d = dist_set_lookup(&have, names[i]);
		if (!d) {
			warning("skipping '%s': it is not installed", names[i]);
			continue;
		}
		if (strvec_contains(&done, d->canonical))
			continue; /* named twice */
		r = remove_plan(e, d, &t);
		strvec_push(&done, d->canonical);
		strvec_push(&done, d->dir_version);
	}
	if (!r && done.n && os_interrupted())
		r = error("interrupted: nothing was uninstalled");
	if (!r && done.n)
		r = txn_commit(&t);
	for (size_t i = 0; i + 1 < done.n && !r; i += 2)
		info(1, "uninstalled %s %s", done.v[i], done.v[i + 1]);
	if (!r)
		r = (int)(done.n / 2);
	strvec_clear(&done);
	txn_free(&t);
	dist_set_free(&have);
	return r < 0 ? -1 : r;
}
