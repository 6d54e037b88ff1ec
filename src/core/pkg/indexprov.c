/* The resolver's provider over the index client, the resolution and the
 * downloads (see indexprov.h). */
#include "util/common.h"

#include "core/pkg/indexprov.h"
#include "core/index/index.h"
#include "core/index/url.h"
#include "core/interp/interp.h"
#include "core/pkg/distinfo.h"
#include "core/pkg/install.h"
#include "core/pkg/wheel.h"
#include "core/resolve/resolve.h"
#include "core/std/metadata.h"
#include "core/std/pep440.h"
#include "core/std/pep508.h"
#include "core/std/tags.h"
#include "util/error.h"

/* One candidate the resolver was given; its handle is its index in prov.v. */
struct cand {
	const struct index_file *f; /* NULL: a local wheel */
	bool direct_url;            /* f is a "name @ https://..." requirement's */
	char *local_path;
	/* its METADATA: the index client's text (no copy), or own's */
	const char *metadata;
	size_t metadata_len;
	struct buf own;
};

struct prov {
	struct install_env *e;
	struct index_client *c;
	struct cand **v;
	size_t n;
	const struct ixtarget *target; /* or NULL: the env's interpreter */
	bool no_text; /* dependencies only: the METADATA text is not kept */
	bool reported; /* the client reported a failure already */
	struct strvec missing; /* projects no index or find-links has */
};

static uintptr_t add_cand(struct prov *p, const struct index_file *f, const char *local_path)
{
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	struct cand *c = xcalloc(1, sizeof(*c));
	c->f = f;
	c->local_path = local_path ? xstrdup(local_path) : NULL;
	buf_init(&c->own);
	p->v[p->n] = c;
	return p->n++;
}

/* A wheel file name's parts, or -1 for a name that is not one (quietly: an
 * index may list anything). */
static int quiet_wheel_name(const char *filename, struct wheel_name *wn)
{
	struct buf quiet = BUF_INIT;
	struct buf *saved = error_capture;
	error_capture = &quiet;
	int r = wheel_name_parse(filename, wn);
	error_capture = saved;
	buf_free(&quiet);
	return r;
}

/* The version of an sdist file name ("Foo-1.0.tar.gz"), or NULL. */
static char *sdist_version(const char *filename, const char *cname)
{
	static const char *const exts[] = { ".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar", NULL };
	size_t len = strlen(filename);
	for (size_t i = 0; exts[i]; i++) {
		if (!ends_with(filename, exts[i]))
			continue;
		size_t stem = len - strlen(exts[i]);
		/* the name is the part before a '-' whose canonical form is cname */
		for (size_t k = 1; k < stem; k++) {
			if (filename[k] != '-')
				continue;
			char *n = name_canonicalize_n(filename, k);
			bool same = !strcmp(n, cname);
			free(n);
			if (same)
				return xstrndup(filename + k + 1, stem - k - 1);
		}
	}
	return NULL;
}

/* One version of a project as the files of its listing offer it. */
struct offer {
	char *version;
	struct pep440_version v;
	const struct index_file *best; /* best-ranked compatible wheel */
	long rank;
	bool wheels, sdists;
};

static struct offer *offer_for(struct offer **offers, size_t *n, const char *version)
{
	struct pep440_version v;
	if (pep440_parse_str(version, &v) < 0)
		return NULL; /* not PEP 440: ignored, as pip ignores it */
	for (size_t i = 0; i < *n; i++) {
		if (!pep440_cmp(&(*offers)[i].v, &v)) {
			pep440_version_free(&v);
			return &(*offers)[i];
		}
	}
	*offers = xrealloc(*offers, (*n + 1) * sizeof(**offers));
	struct offer *o = &(*offers)[(*n)++];
	memset(o, 0, sizeof(*o));
	o->version = xstrdup(version);
	o->v = v;
	o->rank = -1;
	return o;
}

/* The one candidate of a direct requirement: a local wheel (a path or
 * file:// URL) or a wheel at an http(s) URL, fetched through the client. */
static int list_direct(struct prov *p, const char *name, const char *url,
		       struct resolve_candidates *out, struct buf *err)
{
	const char *path = starts_with(url, "file://") ? url + 7 : url;
	const struct index_file *f = NULL;
	char *shown = url_redact(url);
	int r = -1;
	if (url_is_http(url)) {
		struct buf why = BUF_INIT;
		if (!(f = index_direct_file(p->c, url, &why)))
			buf_addf(err, "'%s @ %s': %s", name, shown, why.ptr);
		buf_free(&why);
		if (!f)
			goto out;
		path = f->filename;
	} else if (strstr(url, "://") && !starts_with(url, "file://")) {
		buf_addf(err, "'%s @ %s': only http, https and file URLs of wheels can be direct "
			 "requirements", name, shown);
		goto out;
	}
	struct wheel_name wn;
	if (quiet_wheel_name(path, &wn) < 0) {
		buf_addf(err, "'%s': not a wheel file name", shown);
		goto out;
	}
	char *cn = name_canonicalize_n(wn.name, strlen(wn.name));
	if (strcmp(cn, name)) {
		buf_addf(err, "'%s' is a wheel of '%s', not of '%s'", shown, wn.name, name);
	} else {
		uintptr_t h = add_cand(p, f, f ? NULL : path);
		p->v[h]->direct_url = f != NULL;
		resolve_candidates_add(out, wn.version, false, NULL, NULL, h);
		r = 0;
	}
	free(cn);
	wheel_name_free(&wn);
out:
	free(shown);
	return r;
}

static int list_candidates(void *ctx, const char *name, const char *url,
			   struct resolve_candidates *out, struct buf *err)
{
	struct prov *p = ctx;
	if (url)
		return list_direct(p, name, url, out, err);
	const struct index_project *pr = index_project(p->c, name);
	if (!pr) {
		p->reported = true;
		buf_addf(err, "cannot list the files of '%s'", name);
		return -1; /* the client reported why */
	}
	if (!pr->found)
		strvec_push(&p->missing, name);
	struct offer *offers = NULL;
	size_t n = 0;
	int r = 0;
	for (size_t i = 0; i < pr->nfiles && !r; i++) {
		const struct index_file *f = &pr->files[i];
		struct wheel_name wn;
		if (ends_with(f->filename, ".whl")) {
			if (quiet_wheel_name(f->filename, &wn) < 0)
				continue;
			char *cn = name_canonicalize_n(wn.name, strlen(wn.name));
			struct offer *o = strcmp(cn, name) ? NULL : offer_for(&offers, &n, wn.version);
			free(cn);
			if (o) {
				o->wheels = true;
				long rank = p->target ? tags_wheel_rank(p->target->tags, &wn)
							  : install_tag_rank(p->e, &wn);
				if (rank == -2)
					r = -1;
				else if (rank >= 0 && (o->rank < 0 || rank < o->rank)) {
					o->rank = rank;
					o->best = f;
				}
			}
			wheel_name_free(&wn);
		} else {
			char *v = sdist_version(f->filename, name);
			struct offer *o = v ? offer_for(&offers, &n, v) : NULL;
			if (o)
				o->sdists = true;
			free(v);
		}
	}
	if (r < 0)
		buf_addf(err, "cannot query the interpreter for '%s'", name);
	for (size_t i = 0; i < n; i++) {
		struct offer *o = &offers[i];
		if (!r && o->best) {
			resolve_candidates_add(out, o->version, o->best->yanked, o->best->requires_python,
					       NULL, add_cand(p, o->best, NULL));
		} else if (!r) {
			resolve_candidates_add(out, o->version, false, NULL,
					       o->wheels ? p->target ? "has no wheel compatible with the target"
								     : "has no wheel compatible with this interpreter"
							 : "has only a source distribution (cvenv installs wheels only)",
					       0);
		}
		free(o->version);
		pep440_version_free(&o->v);
	}
	free(offers);
	return r;
}

static int get_dependencies(void *ctx, const char *name, const char *version, uintptr_t handle,
			    struct resolve_metadata *md, struct buf *err)
{
	struct prov *p = ctx;
	struct cand *c = p->v[handle];
	if (c->local_path) {
		struct wheel w;
		if (wheel_open(c->local_path, &w) < 0) {
			buf_addf(err, "cannot open '%s'", c->local_path);
			return -1;
		}
		for (size_t i = 0; i < w.requires_dist.n; i++)
			strvec_push(&md->requires_dist, w.requires_dist.v[i]);
		if (w.requires_python)
			md->requires_python = xstrdup(w.requires_python);
		buf_reset(&c->own);
		buf_add(&c->own, w.metadata->ptr, w.metadata->len);
		c->metadata = c->own.ptr;
		c->metadata_len = c->own.len;
		wheel_close(&w);
		return 0;
	}
	/* only what resolving needs (no description copied, no classifiers),
	 * and the text kept only when the plan's dists want it */
	const struct strvec *rd;
	const char *rp;
	if (index_metadata_deps(p->c, c->f, !p->no_text, &rd, &rp) < 0 ||
	    (!p->no_text && !c->metadata &&
	     index_metadata_ref(p->c, c->f, &c->metadata, &c->metadata_len) < 0)) {
		p->reported = true;
		buf_addf(err, "cannot read the metadata of %s %s", name, version);
		return -1;
	}
	for (size_t i = 0; i < rd->n; i++)
		strvec_push(&md->requires_dist, rd->v[i]);
	if (rp && !c->f->requires_python)
		md->requires_python = xstrdup(rp);
	return 0;
}

static void prefetch(void *ctx, const struct resolve_hint *hints, size_t n)
{
	struct prov *p = ctx;
	for (size_t i = 0; i < n; i++) {
		if (!hints[i].version)
			index_prefetch_project(p->c, hints[i].name);
		else if (hints[i].handle < p->n && p->v[hints[i].handle]->f)
			index_prefetch_metadata(p->c, p->v[hints[i].handle]->f);
	}
}

/* Prints the resolver's explanation, one escaped line at a time, after the
 * error line. */
static void print_explanation(const char *text)
{
	struct buf line = BUF_INIT;
	while (*text) {
		size_t n = strcspn(text, "\n");
		char *l = xstrndup(text, n);
		buf_reset(&line);
		buf_addstr(&line, "  ");
		buf_add_printable(&line, l);
		free(l);
		fprintf(stderr, "%s\n", line.ptr);
		text += n;
		if (*text)
			text++;
	}
	buf_free(&line);
}

static void copy_dist(struct ixdist *d, const struct resolve_dist *rd, struct cand *c,
		      const struct dist_set *inst, bool force)
{
	memset(d, 0, sizeof(*d));
	d->name = xstrdup(rd->name);
	d->version = xstrdup(rd->version);
	d->f = c->f;
	d->local_path = c->local_path ? xstrdup(c->local_path) : NULL;
	strvec_init(&d->extras);
	for (size_t k = 0; k < rd->extras.n; k++)
		strvec_push(&d->extras, rd->extras.v[k]);
	strvec_init(&d->via);
	for (size_t k = 0; k < rd->via.n; k++)
		strvec_push(&d->via, rd->via.v[k]);
	d->direct = c->local_path != NULL || c->direct_url;
	d->requested = rd->direct;
	/* never copied (a big set's METADATA is about a megabyte: every copy
	 * is page faults): the client's text, or the local wheel's moved (a
	 * candidate is one dist's at most) */
	d->metadata_own = c->own;
	buf_init(&c->own);
	d->metadata = c->metadata; /* the heap text moved with the buf */
	d->metadata_len = c->metadata_len;
	const struct dist *id = dist_set_lookup(inst, rd->name);
	if (id) {
		d->installed = xstrdup(id->dir_version);
		struct pep440_version a, b;
		if (!pep440_parse_str(id->dir_version, &a)) {
			if (!pep440_parse_str(rd->version, &b)) {
				d->skip = !force && !d->direct && !pep440_cmp(&a, &b);
				pep440_version_free(&b);
			}
			pep440_version_free(&a);
		}
	}
}

/* The pages of the projects the requirements name, asked for before the
 * interpreter's facts: a first run starts Python for those, and the HTTP
 * helper starts and fetches meanwhile. A requirement that does not parse
 * is left to the resolver to report. */
static void prefetch_named(struct index_client *c, const struct strvec *reqs)
{
	for (size_t i = 0; reqs && i < reqs->n; i++) {
		struct pep508_req r;
		if (pep508_parse(reqs->v[i], &r, NULL) < 0)
			continue;
		if (!r.url)
			index_prefetch_project(c, r.name);
		pep508_req_free(&r);
	}
}

int ixplan_resolve(struct install_env *e, struct index_client *c, const struct ixrequest *rq,
		   struct ixplan *out)
{
	memset(out, 0, sizeof(*out));
	int ret = -1;
	struct prov p = { e, c, NULL, 0, rq->target, rq->no_metadata_text, false, STRVEC_INIT };
	struct dist_set inst = DIST_SET_INIT;
	struct resolve_preference *prefs = NULL;
	struct resolve_result res = { NULL, 0, 0 };
	struct buf err = BUF_INIT;
	if (!e->have_interp)
		prefetch_named(c, rq->requirements);
	if (install_need_interp(e) < 0)
		goto out;
	struct pep508_env env;
	memset(&env, 0, sizeof(env));
	pep508_env_from_interp(&env, &e->ip);
	if (!rq->use_preferences && install_list(e, &inst) < 0)
		goto out;
	prefs = xcalloc(inst.n ? inst.n : 1, sizeof(*prefs));
	for (size_t i = 0; i < inst.n; i++) {
		prefs[i].name = inst.v[i].name;
		prefs[i].version = inst.v[i].version;
	}
	struct resolve_provider prov = { &p, list_candidates, get_dependencies, prefetch };
	struct resolve_request req;
	memset(&req, 0, sizeof(req));
	req.requirements = rq->requirements;
	req.constraints = rq->constraints;
	req.preferences = rq->use_preferences ? rq->preferences : prefs;
	req.npreferences = rq->use_preferences ? rq->npreferences : inst.n;
	req.requirement_sources = rq->requirement_sources;
	req.upgrade = rq->upgrade;
	req.upgrade_packages = rq->upgrade_packages;
	req.env = rq->target ? rq->target->env : &env;
	req.python_version = rq->target ? rq->target->python_version : e->ip.version;
	req.allow_prereleases = rq->pre;
	req.no_deps = rq->no_deps;
	req.provider = &prov;
	switch (resolve(&req, &res, &err)) {
	case RESOLVE_OK:
		break;
	case RESOLVE_UNSATISFIABLE:
		error("the requirements cannot be installed together:");
		print_explanation(err.ptr ? err.ptr : "");
		/* names are canonical (PEP 503): nothing to escape */
		for (size_t i = 0; i < p.missing.n; i++)
			hint("no index has a project named '%s'", p.missing.v[i]);
		goto out;
	case RESOLVE_PROVIDER_ERROR:
		/* the client reported the cause already: one message per failure */
		if (!p.reported)
			error("%s", err.ptr ? err.ptr : "resolution failed");
		goto out;
	default:
		error("%s", err.ptr ? err.ptr : "resolution failed");
		goto out;
	}
	out->v = xcalloc(res.n ? res.n : 1, sizeof(*out->v));
	for (size_t i = 0; i < res.n; i++)
		copy_dist(&out->v[out->n++], &res.dists[i], p.v[res.dists[i].handle], &inst, rq->force);
	out->steps = res.steps;
	ret = 0;
out:
	resolve_result_free(&res);
	buf_free(&err);
	free(prefs);
	dist_set_free(&inst);
	for (size_t i = 0; i < p.n; i++) {
		buf_free(&p.v[i]->own);
		free(p.v[i]->local_path);
		free(p.v[i]);
	}
	free(p.v);
	strvec_clear(&p.missing);
	return ret;
}

/* The version a listed file is of (wheel or sdist name), or NULL. */
static char *file_version(const struct index_file *f, const char *cname)
{
	if (!ends_with(f->filename, ".whl"))
		return sdist_version(f->filename, cname);
	struct wheel_name wn;
	if (quiet_wheel_name(f->filename, &wn) < 0)
		return NULL;
	char *wc = name_canonicalize_n(wn.name, strlen(wn.name));
	char *v = strcmp(wc, cname) ? NULL : xstrdup(wn.version);
	free(wc);
	wheel_name_free(&wn);
	return v;
}

int ixplan_version_files(struct index_client *c, const char *name, const char *version,
			 const struct index_file ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct pep440_version want;
	if (pep440_parse_str(version, &want) < 0)
		return error("'%s' has an invalid version '%s'", name, version);
	const struct index_project *pr = index_project(c, name);
	if (!pr) {
		pep440_version_free(&want);
		return -1;
	}
	for (size_t i = 0; i < pr->nfiles; i++) {
		char *v = file_version(&pr->files[i], name);
		struct pep440_version have;
		if (v && !pep440_parse_str(v, &have)) {
			if (!pep440_cmp(&have, &want)) {
				*out = xrealloc(*out, (*n + 1) * sizeof(**out));
				(*out)[(*n)++] = &pr->files[i];
			}
			pep440_version_free(&have);
		}
		free(v);
	}
	pep440_version_free(&want);
	return 0;
}

int ixplan_download(struct index_client *c, struct ixplan *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		if (!pl->v[i].skip && pl->v[i].f)
			index_prefetch_download(c, pl->v[i].f);
	for (size_t i = 0; i < pl->n; i++) {
		struct ixdist *d = &pl->v[i];
		if (d->skip)
			continue;
		if (!d->f) {
			d->path = xstrdup(d->local_path);
			continue;
		}
		struct buf sha = BUF_INIT;
		if (index_download(c, d->f, &d->path, &sha) < 0) {
			buf_free(&sha);
			return -1;
		}
		d->sha256 = buf_detach(&sha);
	}
	return 0;
}

void ixplan_free(struct ixplan *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		struct ixdist *d = &pl->v[i];
		free(d->name);
		free(d->version);
		free(d->local_path);
		strvec_clear(&d->extras);
		strvec_clear(&d->via);
		free(d->installed);
		buf_free(&d->metadata_own);
		free(d->path);
		free(d->sha256);
	}
	free(pl->v);
	memset(pl, 0, sizeof(*pl));
}
