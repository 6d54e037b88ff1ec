/* Planning and applying `cvenv sync` (see sync.h). */
#include "util/common.h"

#include "core/index/index.h"
#include "core/interp/interp.h"
#include "core/lock/pylock.h"
#include "core/lock/sync.h"
#include "core/pkg/distinfo.h"
#include "core/pkg/record.h"
#include "core/pkg/wheel.h"
#include "core/std/metadata.h"
#include "core/std/pep440.h"
#include "core/std/pep508.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

void sync_plan_free(struct sync_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].name);
		free(p->v[i].old_version);
	}
	free(p->v);
	strvec_clear(&p->remove);
	strvec_clear(&p->remove_versions);
	memset(p, 0, sizeof(*p));
	strvec_init(&p->remove);
	strvec_init(&p->remove_versions);
}

static bool versions_equal(const char *a, const char *b)
{
	struct pep440_version va, vb;
	if (!a || !b)
		return false;
	if (!strcmp(a, b))
		return true; /* what parsing both would say, at no cost */
	if (pep440_parse_str(a, &va) < 0)
		return !strcmp(a, b);
	bool eq = false;
	if (pep440_parse_str(b, &vb) == 0) {
		eq = pep440_cmp(&va, &vb) == 0;
		pep440_version_free(&vb);
	}
	pep440_version_free(&va);
	return eq;
}

static int env_python_in(struct install_env *e, const char *spec, bool *in)
{
	struct pep440_specset ss;
	struct buf err = BUF_INIT;
	struct pep440_version v;
	int r = -1;
	if (pep440_specset_parse(spec, &ss, &err) < 0) {
		error("invalid requires-python '%s' in the lock: %s", spec, err.ptr);
		buf_free(&err);
		return -1;
	}
	char *vs = xstrfmt("%d.%d.%d", e->v.major, e->v.minor, e->v.micro);
	if (pep440_parse_str(vs, &v) == 0) {
		*in = pep440_specset_contains(&ss, &v, PEP440_PRERELEASES_ALLOW);
		pep440_version_free(&v);
		r = 0;
	} else {
		r = error("cannot read the environment's Python version '%s'", vs);
	}
	free(vs);
	pep440_specset_free(&ss);
	buf_free(&err);
	return r;
}

/* Whether marker (of `what`: "'name'", "the environments") holds for e. */
static int marker_text_holds(struct install_env *e, const char *marker, const char *what,
			     bool *holds)
{
	*holds = true;
	if (!marker)
		return 0;
	struct pep508_marker *m = NULL;
	struct buf err = BUF_INIT;
	struct pep508_env env;
	int r = -1;
	if (pep508_marker_parse(marker, &m, &err) < 0) {
		error("cannot evaluate the marker '%s' of %s in the lock: %s", marker, what, err.ptr);
		goto out;
	}
	if (install_need_interp(e) < 0)
		goto out;
	memset(&env, 0, sizeof(env));
	pep508_env_from_interp(&env, &e->ip);
	if (pep508_marker_eval(m, &env, holds, &err) < 0) {
		error("cannot evaluate the marker '%s' of %s in the lock: %s", marker, what, err.ptr);
		goto out;
	}
	r = 0;
out:
	pep508_marker_free(m);
	buf_free(&err);
	return r;
}

static int marker_holds(struct install_env *e, const struct pylock_package *pk, bool *holds)
{
	char *what = xstrfmt("'%s'", pk->name);
	int r = marker_text_holds(e, pk->marker, what, holds);
	free(what);
	return r;
}

/* PEP 751: a lock with environments is for those only. */
static int check_environments(struct install_env *e, const struct pylock *l)
{
	bool any = !l->environments.n;
	for (size_t i = 0; i < l->environments.n && !any; i++)
		if (marker_text_holds(e, l->environments.v[i], "the environments", &any) < 0)
			return -1;
	if (any)
		return 0;
	error("the lock is for other environments than this one (%s %s):",
	      e->ip.implementation, e->ip.version);
	for (size_t i = 0; i < l->environments.n; i++) {
		struct buf line = BUF_INIT;
		buf_addstr(&line, "  ");
		buf_add_printable(&line, l->environments.v[i]);
		fprintf(stderr, "%s\n", line.ptr);
		buf_free(&line);
	}
	return -1;
}

/* The wheel of pk with the env's most preferred tag; NULL (reported) when
 * none fits or a wheel's name is not pk's. */
static const struct pylock_file *choose_wheel(struct install_env *e,
					      const struct pylock_package *pk, const char *cname)
{
	const struct pylock_file *best = NULL;
	long best_rank = -1;
	for (size_t i = 0; i < pk->nwheels; i++) {
		char *fn = pylock_file_name(&pk->wheels[i]);
		struct wheel_name wn;
		int ok = wheel_name_parse(fn, &wn);
		long rank = -1;
		if (ok == 0) {
			char *wc = name_canonicalize(wn.name);
			if (strcmp(wc, cname))
				ok = error("the lock lists wheel '%s' for '%s', another project", fn,
					   pk->name);
			else if (pk->version && !versions_equal(wn.version, pk->version))
				ok = error("the lock lists wheel '%s' for '%s' %s, another version", fn,
					   pk->name, pk->version);
			else
				rank = install_tag_rank(e, &wn);
			free(wc);
			wheel_name_free(&wn);
		}
		free(fn);
		if (ok < 0 || rank == -2)
			return NULL;
		if (rank >= 0 && (!best || rank < best_rank)) {
			best = &pk->wheels[i];
			best_rank = rank;
		}
	}
	if (!best) {
		error("no wheel of '%s' %s in the lock is compatible with the environment", pk->name,
		      pk->version ? pk->version : "");
		hint("run 'cvenv debug-tags' for the tags this environment accepts");
	}
	return best;
}

/* Names kept sorted for binary search: the lock's packages and the env's
 * dists are matched by name once per package (linear lookups made a
 * 100-package no-op sync quadratic). Pointers only: the strings belong to
 * the caller. */
struct sorted_names {
	const char **v;
	size_t n;
};

/* Where name is (*found) or would go in s. */
static size_t names_pos(const struct sorted_names *s, const char *name, bool *found)
{
	size_t lo = 0, hi = s->n;
	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->v[mid], name);
		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool names_has(const struct sorted_names *s, const char *name)
{
	bool found;
	names_pos(s, name, &found);
	return found;
}

/* Adds name (s->v has room for it); false when it was there already. */
static bool names_add(struct sorted_names *s, const char *name)
{
	bool found;
	size_t i = names_pos(s, name, &found);
	if (found)
		return false;
	memmove(s->v + i + 1, s->v + i, (s->n - i) * sizeof(*s->v));
	s->v[i] = name;
	s->n++;
	return true;
}

static int cmp_dist_name(const void *a, const void *b)
{
	const struct dist *x = *(const struct dist *const *)a;
	const struct dist *y = *(const struct dist *const *)b;
	return strcmp(x->canonical, y->canonical);
}

static int cmp_key_dist(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct dist *const *)elem)->canonical);
}

static int plan_package(struct install_env *e, const struct dist *d,
			const struct pylock_package *pk, const char *cname, struct sync_plan *p)
{
	if (!pk->nwheels) {
		error("cannot install '%s' from the lock: it has only a%s %s source, and cvenv "
		      "installs wheels only", pk->name,
		      pk->archive || pk->sdist ? "n" : "", pylock_source_kind(pk));
		hint("lock with wheels only (pip lock --only-binary :all:, uv export --no-build), "
		     "or build a wheel and lock that");
		return -1;
	}
	if (d && pk->version && versions_equal(d->dir_version, pk->version)) {
		p->unchanged++;
		return 0;
	}
	const struct pylock_file *w = choose_wheel(e, pk, cname);
	if (!w)
		return -1;
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	p->v[p->n++] = (struct sync_action){
		.name = xstrdup(cname),
		.old_version = d ? xstrdup(d->dir_version) : NULL,
		.pkg = pk,
		.wheel = w,
	};
	return 0;
}

static void plan_removals(const struct dist_set *have, const struct sorted_names *wanted,
			  const struct sync_opts *o, struct sync_plan *p)
{
	for (size_t i = 0; i < have->n && !o->inexact; i++) {
		const char *n = have->v[i].canonical;
		bool keep = names_has(wanted, n);
		for (size_t k = 0; o->keep && k < o->keep->n && !keep; k++) {
			char *c = name_canonicalize(o->keep->v[k]);
			keep = !strcmp(c, n);
			free(c);
		}
		if (!keep && !strvec_contains(&p->remove, n)) {
			strvec_push(&p->remove, n);
			strvec_push(&p->remove_versions, have->v[i].dir_version);
		}
	}
}

int sync_plan_removals(struct install_env *e, const struct strvec *wanted,
		       const struct sync_opts *o, struct sync_plan *p)
{
	struct dist_set have = DIST_SET_INIT;
	if (install_list(e, &have) < 0)
		return -1;
	struct sorted_names names = { xmalloc((wanted->n + 1) * sizeof(char *)), 0 };
	for (size_t i = 0; i < wanted->n; i++)
		names_add(&names, wanted->v[i]);
	plan_removals(&have, &names, o, p);
	free(names.v);
	dist_set_free(&have);
	return 0;
}

int sync_plan_lock(struct install_env *e, const struct pylock *l, const struct sync_opts *o,
		   struct sync_plan *p)
{
	struct dist_set have = DIST_SET_INIT;
	struct strvec wanted = STRVEC_INIT; /* owns the names */
	struct sorted_names names = { xmalloc((l->n + 1) * sizeof(char *)), 0 };
	const struct dist **by_name = NULL;
	int r = -1;
	bool in = true;
	if (install_list(e, &have) < 0)
		goto out;
	by_name = xmalloc((have.n + 1) * sizeof(*by_name));
	for (size_t i = 0; i < have.n; i++)
		by_name[i] = &have.v[i];
	qsort(by_name, have.n, sizeof(*by_name), cmp_dist_name);
	if (l->requires_python && e->v.major) {
		if (env_python_in(e, l->requires_python, &in) < 0)
			goto out;
		if (!in) {
			error("the lock requires Python '%s', but the environment has Python %d.%d.%d",
			      l->requires_python, e->v.major, e->v.minor, e->v.micro);
			goto out;
		}
	}
	if (check_environments(e, l) < 0)
		goto out;
	for (size_t i = 0; i < l->n; i++) {
		const struct pylock_package *pk = &l->v[i];
		bool holds;
		if (marker_holds(e, pk, &holds) < 0)
			goto out;
		if (!holds)
			continue;
		char *cname = name_canonicalize(pk->name);
		if (!names_add(&names, cname)) {
			error("the lock lists '%s' twice for this environment", pk->name);
			free(cname);
			goto out;
		}
		strvec_push_take(&wanted, cname);
		const struct dist *const *d =
			bsearch(cname, by_name, have.n, sizeof(*by_name), cmp_key_dist);
		if (plan_package(e, d ? *d : NULL, pk, cname, p) < 0)
			goto out;
	}
	plan_removals(&have, &names, o, p);
	r = 0;
out:
	free(by_name);
	free(names.v);
	strvec_clear(&wanted);
	dist_set_free(&have);
	return r;
}

static void print_line(FILE *f, const char *verb, const char *name, const char *a, const char *b)
{
	struct buf line = BUF_INIT;
	buf_addf(&line, "%s ", verb);
	buf_add_printable(&line, name);
	buf_addch(&line, ' ');
	buf_add_printable(&line, a ? a : "");
	if (b) {
		buf_addstr(&line, " -> ");
		buf_add_printable(&line, b);
	}
	buf_addch(&line, '\n');
	fputs(line.ptr, f);
	buf_free(&line);
}

void sync_plan_print(const struct sync_plan *p, FILE *f)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct sync_action *a = &p->v[i];
		if (a->old_version)
			print_line(f, "change", a->name, a->old_version, a->pkg->version);
		else
			print_line(f, "install", a->name, a->pkg->version, NULL);
	}
	for (size_t i = 0; i < p->remove.n; i++)
		print_line(f, "remove", p->remove.v[i], p->remove_versions.v[i], NULL);
	if (!p->n && !p->remove.n)
		fputs("nothing to do: the environment matches\n", f);
}

/* ---- applying ----------------------------------------------------------- */

static const char *const digest_algos[] = { "sha224", "sha256", "sha384", "sha512" };

/* The size and every hash the lock gives, on the private copy at path. */
static int verify_file(const char *path, const struct pylock_file *f, const char *what)
{
	struct os_file_id id;
	if (os_file_id(path, &id) < 0)
		return error("cannot read '%s': %s", path, strerror(errno));
	if (f->size >= 0 && id.size != (uint64_t)f->size) {
		error("%s is %llu bytes, but the lock says %lld: refusing it", what,
		      (unsigned long long)id.size, f->size);
		hint("the file is not the one locked; cvenv never installs another in its place");
		return -1;
	}
	int checked = 0;
	for (size_t i = 0; i < f->hashes.n; i++) {
		const char *colon = strchr(f->hashes.v[i], ':');
		size_t alen = (size_t)(colon - f->hashes.v[i]);
		const char *algo = NULL;
		for (size_t k = 0; k < ARRAY_SIZE(digest_algos); k++)
			if (strlen(digest_algos[k]) == alen &&
			    !strncmp(digest_algos[k], f->hashes.v[i], alen))
				algo = digest_algos[k];
		if (!algo)
			continue;
		struct buf hex = BUF_INIT;
		int r = record_file_digest(path, algo, &hex);
		if (!r && strcmp(hex.ptr, colon + 1)) {
			error("%s does not match the lock: its %s is %s, the lock says %s", what, algo,
			      hex.ptr, colon + 1);
			hint("the file is not the one locked; cvenv never installs another in its place");
			r = -1;
		}
		buf_free(&hex);
		if (r < 0)
			return -1;
		checked++;
	}
	if (!checked)
		return error("%s has no hash cvenv can check (sha224, sha256, sha384 or sha512) in the lock",
			     what);
	return 0;
}

/* Downloads go through one index client, made on first need. The client
 * keys its jobs by the index_file's address, so each file it is given lives
 * (with its strings) until the client is freed. */
struct fetcher {
	const struct index_config *cfg;
	struct index_client *client;
	struct index_file **files;
	size_t nfiles;
};

static void fetcher_free(struct fetcher *fx)
{
	if (fx->client)
		index_client_free(fx->client);
	for (size_t i = 0; i < fx->nfiles; i++) {
		free(fx->files[i]->filename);
		free(fx->files[i]->url);
		strvec_clear(&fx->files[i]->hashes);
		free(fx->files[i]);
	}
	free(fx->files);
}

/* An http(s) wheel downloaded (checked against the lock's hashes by the
 * index client, which knows no other file for it): its local path, new. */
static char *download(struct fetcher *fx, const struct pylock_file *f, const char *fn,
		      const char *what)
{
	if (!fx->cfg) {
		error("%s: downloading '%s' is not supported here", what, f->url);
		return NULL;
	}
	if (!fx->client && !(fx->client = index_client_new(fx->cfg)))
		return NULL;
	struct index_file *ifile = xcalloc(1, sizeof(*ifile));
	ifile->filename = xstrdup(fn);
	ifile->url = xstrdup(f->url);
	strvec_init(&ifile->hashes);
	strvec_init(&ifile->core_metadata_hashes);
	for (size_t i = 0; i < f->hashes.n; i++)
		strvec_push(&ifile->hashes, f->hashes.v[i]);
	ifile->size = f->size;
	fx->files = xrealloc(fx->files, (fx->nfiles + 1) * sizeof(*fx->files));
	fx->files[fx->nfiles++] = ifile;
	char *path = NULL;
	if (index_download(fx->client, ifile, &path, NULL) < 0)
		return NULL;
	return path;
}

/* Where the lock says the wheel is, as a local path (new), or NULL reported. */
static char *wheel_source(struct fetcher *fx, const struct pylock_file *f, const char *fn,
			  const char *lock_dir, const char *what)
{
	if (f->path)
		return f->path[0] == '/' ? xstrdup(f->path) : path_join(lock_dir, f->path);
	if (starts_with(f->url, "file:")) {
		char *p = file_url_to_path(f->url);
		if (!p)
			error("%s: cannot use the URL '%s' (file:// URLs must name this host)", what,
			      f->url);
		return p;
	}
	if (starts_with(f->url, "https://") || starts_with(f->url, "http://"))
		return download(fx, f, fn, what);
	error("%s: cannot fetch '%s' (a path, a file:// or an http(s) URL is needed)", what,
	      f->url);
	return NULL;
}

static int fetch_one(struct fetcher *fx, const struct sync_action *a, const char *lock_dir,
		     const char *tmp, struct wheel *w)
{
	char *fn = pylock_file_name(a->wheel);
	char *what = xstrfmt("wheel '%s'", fn);
	char *src = wheel_source(fx, a->wheel, fn, lock_dir, what);
	char *dst = path_join(tmp, fn);
	int r = -1;
	if (!src)
		goto out;
	if (os_copy_file(src, dst, 0644) < 0) {
		error("cannot copy '%s': %s", src, strerror(errno));
		goto out;
	}
	if (verify_file(dst, a->wheel, what) < 0 || wheel_open(dst, w) < 0)
		goto out;
	char *mc = name_canonicalize(w->meta_name);
	if (strcmp(mc, a->name) || (a->pkg->version && !versions_equal(w->meta_version, a->pkg->version))) {
		error("%s holds %s %s, but the lock says %s %s", what, w->meta_name, w->meta_version,
		      a->pkg->name, a->pkg->version ? a->pkg->version : "");
		wheel_close(w);
	} else {
		r = 0;
	}
	free(mc);
out:
	free(fn);
	free(what);
	free(src);
	free(dst);
	return r;
}

int sync_apply(struct install_env *e, const struct sync_plan *p, const char *lock_path,
	       const struct index_config *icfg, struct wheel *const *extra, size_t nextra)
{
	struct fetcher fx = { icfg, NULL, NULL, 0 };
	size_t total = p->n + nextra, opened = 0;
	struct wheel *ws = xcalloc(p->n ? p->n : 1, sizeof(*ws));
	struct wheel **wp = xcalloc(total ? total : 1, sizeof(*wp));
	struct install_opts *opts = xcalloc(total ? total : 1, sizeof(*opts));
	char *lock_dir = lock_path ? os_dirname(lock_path) : xstrdup(".");
	char *tmp = NULL;
	int r = -1;
	if (p->n) {
		if (os_mkdir_p(e->state, 0755) < 0 || !(tmp = os_mkdtemp_in(e->state, "sync-"))) {
			error("cannot make a directory in '%s': %s", e->state, strerror(errno));
			goto out;
		}
	}
	for (; opened < p->n; opened++) {
		if (fetch_one(&fx, &p->v[opened], lock_dir, tmp, &ws[opened]) < 0)
			goto out;
		wp[opened] = &ws[opened];
	}
	for (size_t i = 0; i < nextra; i++)
		wp[p->n + i] = extra[i];
	for (size_t i = 0; i < total; i++)
		opts[i].requested = true;
	r = install_apply(e, wp, total, opts, (const char *const *)p->remove.v, p->remove.n) < 0
		    ? -1
		    : 0;
out:
	for (size_t i = 0; i < opened; i++)
		wheel_close(&ws[i]);
	if (tmp)
		os_rm_rf(tmp);
	fetcher_free(&fx);
	free(tmp);
	free(lock_dir);
	free(ws);
	free(wp);
	free(opts);
	return r;
}
