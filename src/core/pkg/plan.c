/* Requirements and dependencies to wheels (see plan.h). */
#include "util/common.h"

#include <strings.h>

#include "core/std/pep440.h"
#include "core/std/pep508.h"
#include "core/std/metadata.h"
#include "core/pkg/distinfo.h"
#include "core/pkg/plan.h"
#include "core/pkg/record.h"
#include "core/pkg/requirements.h"
#include "core/pkg/wheel.h"
#include "core/pkg/wheelcache.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

struct candidate {
	const char *path;  /* p->strings */
	const char *cname; /* p->strings */
	struct pep440_version v; /* its release in p->strings when v_plain */
	bool v_plain;
	long rank;    /* -3: not computed yet */
	size_t order; /* place in the directory listings */
	size_t dir, base; /* its find-links directory; where its name starts in path */
	struct wheel_name wn; /* parsed once, by scan() (issue 18) */
};

void plan_init(struct plan *p, struct install_env *e)
{
	memset(p, 0, sizeof(*p));
	p->e = e;
	strvec_init(&p->find_links);
	strvec_init(&p->links_abs);
	buf_init(&p->cn);
}

void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		wheel_close(p->v[i].w); /* the struct is p->strings' */
		free((char *)p->v[i].opts.direct_url);
		strvec_clear(&p->v[i].extras);
	}
	free(p->v);
	free(p->slots);
	for (size_t i = 0; i < p->ncands; i++) {
		if (!p->cands[i].v_plain)
			pep440_version_free(&p->cands[i].v);
		wheel_name_free(&p->cands[i].wn);
	}
	free(p->cands);
	free(p->cons);
	if (p->installed) {
		dist_set_free(p->installed);
		free(p->installed);
	}
	strvec_clear(&p->find_links);
	strvec_clear(&p->links_abs);
	arena_free(&p->strings);
	buf_free(&p->cn);
	memset(p, 0, sizeof(*p));
}

/* name (canonical already) against another name. */
static bool same_name(const char *cname, const char *b)
{
	char *y = name_canonicalize_n(b, strlen(b));
	bool r = !strcmp(cname, y);
	free(y);
	return r;
}

/* The slot of canonical name cn: the item's, or the free one it would take. */
static size_t *find_slot(const struct plan *p, const char *cn)
{
	size_t mask = p->nslots - 1;
	for (size_t i = (size_t)fnv1a_str(cn) & mask;; i = (i + 1) & mask)
		if (!p->slots[i] || !strcmp(p->v[p->slots[i] - 1].cname, cn))
			return &p->slots[i];
}

/* Indexes p->v[i], the table grown to keep it at most half full. */
static void index_item(struct plan *p, size_t i)
{
	if (2 * p->n > p->nslots) {
		free(p->slots);
		p->nslots = p->nslots ? 2 * p->nslots : 64;
		p->slots = xcalloc(p->nslots, sizeof(*p->slots));
		for (size_t k = 0; k < p->n; k++)
			if (k != i)
				*find_slot(p, p->v[k].cname) = k + 1;
	}
	*find_slot(p, p->v[i].cname) = i + 1;
}

/* The plan's wheel of name: names are normalised once (when a wheel joins the
 * plan, and here once per question) and found by hash, not compared with
 * every wheel planned (issue 18). */
static struct plan_item *find_item(struct plan *p, const char *name)
{
	if (!p->n)
		return NULL;
	size_t k = *find_slot(p, name_canonicalize_buf(&p->cn, name, strlen(name)));
	return k ? &p->v[k - 1] : NULL;
}

static int add_opened(struct plan *p, struct wheel *w, bool requested, const char *direct_url,
		      const struct strvec *extras)
{
	/* its name made canonical once: looked up, then kept */
	name_canonicalize_buf(&p->cn, w->meta_name, strlen(w->meta_name));
	size_t k = p->n ? *find_slot(p, p->cn.ptr) : 0;
	struct plan_item *dup = k ? &p->v[k - 1] : NULL;
	if (dup) {
		int r = error("'%s' and '%s' are both wheels of '%s'", dup->w->path, w->path,
			      w->meta_name);
		wheel_close(w);
		return r;
	}
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 32;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	struct plan_item *it = &p->v[p->n++];
	memset(it, 0, sizeof(*it));
	it->w = w;
	it->cname = arena_strndup(&p->strings, p->cn.ptr, p->cn.len);
	index_item(p, p->n - 1);
	it->opts.force_reinstall = p->force;
	it->opts.requested = requested;
	it->opts.direct_url = direct_url ? xstrdup(direct_url) : NULL;
	strvec_init(&it->extras);
	if (extras)
		for (size_t i = 0; i < extras->n; i++)
			strvec_push(&it->extras, extras->v[i]);
	return 0;
}

/* wn: the file name already parsed (a wheelhouse candidate's), or NULL;
 * moved into the wheel when its cache entry is used. given_abs: path made
 * absolute, or NULL. */
static int open_and_add(struct plan *p, const char *path, const char *given_abs,
			struct wheel_name *wn, bool requested, bool direct,
			const struct strvec *extras)
{
	/* in the plan's arena, as long as the plan (not one allocation each) */
	struct wheel *w = arena_alloc(&p->strings, sizeof(*w));
	memset(w, 0, sizeof(*w));
	if (wheelcache_open_wheel_named(p->e, path, given_abs, wn, w) < 0)
		return -1;
	char *url = NULL;
	if (direct) {
		char *abs = os_abspath(path);
		url = path_to_file_url(abs);
		free(abs);
	}
	int r = add_opened(p, w, requested, url, extras);
	free(url);
	return r;
}

int plan_add_wheel_file(struct plan *p, const char *path, bool direct, const struct strvec *extras)
{
	return open_and_add(p, path, NULL, NULL, true, direct, extras);
}

/* dir/name (dn bytes of dir) in a, as path_join() makes it; *base: where
 * name starts in it. */
static const char *join_at(struct arena *a, const char *dir, size_t dn, const char *name,
			   size_t *base)
{
	size_t nn = strlen(name);
	while (dn > 1 && dir[dn - 1] == '/')
		dn--;
	if (dn == 1 && dir[0] == '/')
		dn = 0;
	char *r = arena_alloc(a, dn + nn + 2);
	memcpy(r, dir, dn);
	r[dn] = '/';
	memcpy(r + dn + 1, name, nn + 1);
	*base = dn + 1;
	return r;
}

/* By canonical name, then in listing order (which decides between equals). */
static int cmp_cands(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	int c = strcmp(x->cname, y->cname);
	return c ? c : x->order < y->order ? -1 : x->order > y->order;
}

/* Lists the wheels of the find-links directories once, sorted by name:
 * best_candidate() looks at one name's wheels only. */
static int scan(struct plan *p)
{
	if (p->scanned)
		return 0;
	p->scanned = true;
	struct buf quiet = BUF_INIT;
	for (size_t d = 0; d < p->find_links.n; d++) {
		const char *dir = p->find_links.v[d];
		if (starts_with(dir, "file://"))
			dir += 7;
		/* made absolute once here, not once per wheel (a getcwd each) */
		char *abs = os_abspath(dir);
		strvec_push_take(&p->links_abs, abs ? abs : xstrdup(""));
		size_t dn = strlen(dir);
		struct strvec names = STRVEC_INIT;
		if (os_list_dir(dir, &names) < 0) {
			strvec_clear(&names);
			buf_free(&quiet);
			return error_errno("cannot read find-links directory '%s'", dir);
		}
		for (size_t i = 0; i < names.n; i++) {
			if (!ends_with(names.v[i], ".whl"))
				continue;
			struct wheel_name wn;
			struct buf *saved = error_capture;
			error_capture = &quiet; /* a stray badly named file is not an error */
			int bad = wheel_name_parse(names.v[i], &wn);
			error_capture = saved;
			if (bad < 0)
				continue;
			struct pep440_version v;
			size_t vn = strlen(wn.version), parts = pep440_plain_parts(wn.version, vn);
			if (parts) { /* as most are: its numbers in the arena */
				memset(&v, 0, sizeof(v));
				v.release = arena_alloc(&p->strings, parts * sizeof(*v.release));
				v.nrelease = parts;
				pep440_plain_release(wn.version, vn, v.release);
			}
			if (parts || pep440_parse(wn.version, vn, &v) == 0) {
				if (p->ncands == p->capcands) {
					/* room for the directory's names at once */
					p->capcands = p->capcands ? 2 * p->capcands
								  : names.n > 64 ? names.n : 64;
					p->cands = xrealloc(p->cands,
							    p->capcands * sizeof(*p->cands));
				}
				struct candidate *c = &p->cands[p->ncands++];
				c->path = join_at(&p->strings, dir, dn, names.v[i], &c->base);
				c->dir = d;
				name_canonicalize_buf(&p->cn, wn.name, strlen(wn.name));
				c->cname = arena_strndup(&p->strings, p->cn.ptr, p->cn.len);
				c->v = v;
				c->v_plain = parts > 0;
				c->rank = -3;
				c->order = p->ncands - 1;
				c->wn = wn;
			} else {
				wheel_name_free(&wn);
			}
		}
		strvec_clear(&names);
	}
	buf_free(&quiet);
	/* a directory listed in name order is mostly in canonical name order
	 * already: checked in one pass before a sort (issue 18) */
	size_t k = 1;
	while (k < p->ncands && cmp_cands(&p->cands[k - 1], &p->cands[k]) < 0)
		k++;
	if (k < p->ncands)
		qsort(p->cands, p->ncands, sizeof(*p->cands), cmp_cands);
	return 0;
}

/* The first constraint on name that version v breaks, or NULL. */
static const struct req_entry *broken_constraint(const struct plan *p, const char *name,
						 const struct pep440_version *v)
{
	char *cn = p->ncons ? name_canonicalize_n(name, strlen(name)) : NULL;
	const struct req_entry *broken = NULL;
	for (size_t i = 0; i < p->ncons && !broken; i++)
		if (same_name(cn, p->cons[i]->req.name) &&
		    !pep440_specset_contains(&p->cons[i]->req.spec, v, PEP440_PRERELEASES_ALLOW))
			broken = p->cons[i];
	free(cn);
	return broken;
}

/* The best wheel in the wheelhouses for name and spec (and the constraints):
 * the highest version, then the best tag. NULL when there is none. */
static struct candidate *best_candidate(struct plan *p, const char *name,
					const struct pep440_specset *spec, bool constrained)
{
	const char *cn = name_canonicalize_buf(&p->cn, name, strlen(name));
	struct candidate *best = NULL;
	struct buf quiet = BUF_INIT;
	size_t lo = 0, hi = p->ncands;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(p->cands[mid].cname, cn) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < p->ncands && !strcmp(p->cands[i].cname, cn); i++) {
		struct candidate *c = &p->cands[i];
		if (!pep440_specset_contains(spec, &c->v, PEP440_PRERELEASES_DEFAULT) ||
		    (constrained && broken_constraint(p, name, &c->v)))
			continue;
		if (c->rank == -3) {
			struct buf *saved = error_capture;
			error_capture = &quiet;
			c->rank = install_tag_rank(p->e, &c->wn);
			error_capture = saved;
		}
		if (c->rank < 0)
			continue;
		int cmp = best ? pep440_cmp(&c->v, &best->v) : 1;
		if (cmp > 0 || (cmp == 0 && c->rank < best->rank))
			best = c;
	}
	buf_free(&quiet);
	return best;
}

static int marker_holds(struct plan *p, const struct pep508_marker *m, const struct strvec *extras,
			bool *holds);

/* True if an installed distribution (not being replaced) satisfies spec.
 * site-packages is listed at the first question, not at each (a directory
 * read per requirement, issue 18). */
static bool installed_satisfies(struct plan *p, const char *name, const struct pep440_specset *spec)
{
	if (!p->installed) {
		p->installed = xmalloc(sizeof(*p->installed));
		*p->installed = (struct dist_set)DIST_SET_INIT;
		if (install_list(p->e, p->installed) < 0)
			dist_set_free(p->installed); /* as empty: nothing satisfies */
	}
	const struct dist *d = dist_set_lookup(p->installed, name);
	struct pep440_version v;
	bool ok = false;
	if (d && pep440_parse_str(d->dir_version, &v) == 0) {
		ok = pep440_specset_contains(spec, &v, PEP440_PRERELEASES_ALLOW) &&
		     !broken_constraint(p, name, &v);
		pep440_version_free(&v);
	}
	return ok;
}

/* The file's digest in hex for one --hash algorithm, computed at most once
 * per algorithm (a requirement may list many hashes of one kind). "" when
 * the algorithm is not one cvenv accepts: it then matches nothing. */
static int hash_hex(const char *path, const char *algo, struct strvec *algos,
		    struct strvec *hexes, const char **hex)
{
	for (size_t i = 0; i < algos->n; i++)
		if (!strcmp(algos->v[i], algo)) {
			*hex = hexes->v[i];
			return 0;
		}
	struct record_hash *h = record_hash_new(algo);
	struct buf b = BUF_INIT;
	int r = 0;
	if (h && record_hash_file(h, path) < 0)
		r = error_errno("cannot read '%s'", path);
	if (h && record_hash_finish_hex(h, &b) < 0)
		r = -1;
	strvec_push(algos, algo);
	strvec_push_take(hexes, buf_detach(&b));
	*hex = hexes->v[hexes->n - 1];
	return r;
}

/* --hash=sha256:HEX options: the wheel file must match one of them. */
static int check_hashes(const char *path, const struct strvec *hashes, const char *where)
{
	struct strvec algos = STRVEC_INIT, hexes = STRVEC_INIT;
	int r = hashes->n ? 1 : 0;
	for (size_t i = 0; i < hashes->n && r > 0; i++) {
		const char *colon = strchr(hashes->v[i], ':'), *hex;
		if (!colon)
			continue;
		char *algo = xstrndup(hashes->v[i], (size_t)(colon - hashes->v[i]));
		if (hash_hex(path, algo, &algos, &hexes, &hex) < 0)
			r = -1;
		else if (*hex && !strcasecmp(hex, colon + 1))
			r = 0;
		free(algo);
	}
	if (r > 0)
		r = error("'%s' does not match any --hash given for it (%s)", path, where);
	strvec_clear(&algos);
	strvec_clear(&hexes);
	return r;
}

/* "file:line" of r for messages, appended to out (not printed: issue 18). */
static const char *where_of(const struct req_entry *r, struct buf *out)
{
	buf_addstr(out, r->file);
	buf_addch(out, ':');
	if (r->line < 0)
		buf_addch(out, '-');
	buf_add_u64(out, r->line < 0 ? -(uint64_t)r->line : (uint64_t)r->line);
	return out->ptr;
}

/* The best wheel of the wheelhouses for req into the plan; wb takes the
 * "file:line" of from when a message or a --hash check needs it. */
static int add_found(struct plan *p, const struct pep508_req *req, bool requested,
		     const struct strvec *hashes, const struct req_entry *from, struct buf *wb)
{
	if (scan(p) < 0)
		return -1;
	struct candidate *c = best_candidate(p, req->name, &req->spec, true);
	const struct candidate *unc = c || !p->ncons ? NULL
						     : best_candidate(p, req->name, &req->spec, false);
	const char *where = NULL;
	if (from && (unc || !c || hashes->n))
		where = where_of(from, wb);
	if (unc) {
		const struct req_entry *con = broken_constraint(p, req->name, &unc->v);
		char *in = where ? xstrfmt(" (%s)", where) : xstrdup("");
		error("no wheel for '%s%s'%s satisfies the constraint '%s' (%s:%d)", req->name,
		      req->spec_text ? req->spec_text : "", in, con->text, con->file, con->line);
		free(in);
		return -1;
	}
	if (!c) {
		char *in = where ? xstrfmt(" (%s)", where) : xstrdup("");
		error("no compatible wheel for '%s%s' in the find-links directories%s", req->name,
		      req->spec_text ? req->spec_text : "", in);
		free(in);
		hint(p->find_links.n ? "add a directory with that wheel with --find-links"
				     : "give the directory of the wheels with --find-links DIR");
		return -1;
	}
	if (hashes->n && check_hashes(c->path, hashes, where ? where : req->name) < 0)
		return -1;
	/* its rank is known by now: its parsed name is not needed again */
	const char *dir = p->links_abs.v[c->dir];
	char *abs = *dir ? path_join(dir, c->path + c->base) : NULL;
	int r = open_and_add(p, c->path, abs, &c->wn, requested, false, &req->extras);
	free(abs);
	return r;
}

/* from: the requirements file's entry, or NULL for a dependency; its
 * "file:line" is made only for a message or a --hash check. */
static int add_from_wheelhouse(struct plan *p, const struct pep508_req *req, bool requested,
			       const struct strvec *hashes, const struct req_entry *from)
{
	struct buf wb = BUF_INIT;
	int r = add_found(p, req, requested, hashes, from, &wb);
	buf_free(&wb);
	return r;
}

int plan_add_constraint(struct plan *p, const struct req_entry *r)
{
	if (!r->is_pep508 || r->req.url) {
		warning("%s:%d: ignoring the constraint '%s': only a name with version "
			"specifiers constrains", r->file, r->line, r->text);
		return 0;
	}
	bool holds = true;
	if (marker_holds(p, r->req.marker, NULL, &holds) < 0)
		return -1;
	if (holds) {
		p->cons = xrealloc(p->cons, (p->ncons + 1) * sizeof(*p->cons));
		p->cons[p->ncons++] = r;
	}
	return 0;
}

/* Every wheel of the plan within the constraints. */
static int check_constraints(const struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct wheel *w = p->v[i].w;
		struct pep440_version v;
		if (!p->ncons || pep440_parse_str(w->meta_version, &v) < 0)
			continue;
		const struct req_entry *c = broken_constraint(p, w->meta_name, &v);
		pep440_version_free(&v);
		if (c)
			return error("'%s %s' does not satisfy the constraint '%s' (%s:%d)",
				     w->meta_name, w->meta_version, c->text, c->file, c->line);
	}
	return 0;
}

/* The hash a URL's fragment gives ("#sha256=HEX", as pip freeze writes it),
 * as a --hash value ("sha256:HEX") in out; false when it has none. */
static bool fragment_hash(const char *url, struct buf *out)
{
	const char *frag = strchr(url, '#');
	if (!frag)
		return false;
	for (const char *p = frag + 1; *p;) {
		size_t n = strcspn(p, "&");
		const char *eq = memchr(p, '=', n);
		static const char *const algos[] = { "sha224", "sha256", "sha384", "sha512" };
		for (size_t i = 0; eq && i < ARRAY_SIZE(algos); i++)
			if ((size_t)(eq - p) == strlen(algos[i]) && !strncmp(p, algos[i], (size_t)(eq - p))) {
				buf_addf(out, "%s:%.*s", algos[i], (int)(n - (size_t)(eq - p) - 1), eq + 1);
				return true;
			}
		p += n + (p[n] == '&');
	}
	return false;
}

/* A wheel named by path or URL (a requirement line, or "name @ URL" as
 * freeze writes it): a local file, its hashes (--hash, and the URL's
 * #sha256= fragment) checked. */
static int add_direct(struct plan *p, const char *target, const struct strvec *hashes,
		      const struct strvec *extras, const char *where)
{
	char *path = strstr(target, "://") ? file_url_to_path(target) : xstrdup(target);
	int ret = 0;
	if (!path || !ends_with(path, ".whl")) {
		ret = error("%s: cannot install '%s': only local wheel files can be installed",
			    where, target);
		if (!path && strstr(target, "://") && strncasecmp(target, "file:", 5))
			hint("download the wheel and name the file (or a file:// URL), or put it in "
			     "a --find-links directory and require it by name");
		else
			hint("a wheel file ends in .whl; file:// URLs must name this host");
		free(path);
		return ret;
	}
	struct strvec all = STRVEC_INIT;
	for (size_t i = 0; i < hashes->n; i++)
		strvec_push(&all, hashes->v[i]);
	struct buf frag = BUF_INIT;
	if (fragment_hash(target, &frag))
		strvec_push(&all, frag.ptr);
	if (!(ret = check_hashes(path, &all, where)))
		ret = open_and_add(p, path, NULL, NULL, true, true, extras);
	buf_free(&frag);
	strvec_clear(&all);
	free(path);
	return ret;
}

static int add_given(struct plan *p, const struct req_entry *r, const char *where);

int plan_add_requirement(struct plan *p, const struct req_entry *r)
{
	/* "file:line" for messages, made when one is said */
	struct buf wb = BUF_INIT;
	int ret = 0;
	if (r->constraint)
		goto out;
	if (!r->is_pep508 || r->editable || r->req.url) {
		ret = add_given(p, r, where_of(r, &wb));
		goto out;
	}
	bool holds = true;
	if ((ret = marker_holds(p, r->req.marker, NULL, &holds)) < 0 || !holds)
		goto out;
	if (!p->upgrade && !p->force && installed_satisfies(p, r->req.name, &r->req.spec))
		goto out; /* already satisfied, as pip says */
	ret = add_from_wheelhouse(p, &r->req, true, &r->hashes, r);
out:
	buf_free(&wb);
	return ret;
}

/* An editable requirement (refused), a wheel path or URL line, or a
 * "name @ URL" requirement. */
static int add_given(struct plan *p, const struct req_entry *r, const char *where)
{
	int ret = 0;
	if (r->editable) {
		ret = error("%s: editable requirements (-e) cannot be installed by cvenv", where);
		hint("building a project needs its build backend: make a wheel of it "
		     "(pip wheel --no-deps -w DIR PATH) and install that, or use pip install -e");
		return ret;
	}
	if (!r->is_pep508)
		return add_direct(p, r->path_or_url, &r->hashes, NULL, where);
	bool holds = true;
	if ((ret = marker_holds(p, r->req.marker, NULL, &holds)) < 0 || !holds)
		return ret;
	return add_direct(p, r->req.url, &r->hashes, &r->req.extras, where);
}

static bool marker_needs_interp(const struct pep508_marker *m)
{
	if (!m)
		return false;
	if (m->kind != PEP508_CMP)
		return marker_needs_interp(m->left) || marker_needs_interp(m->right);
	return (m->lvar != PEP508_LITERAL && m->lvar != PEP508_EXTRA) ||
	       (m->rvar != PEP508_LITERAL && m->rvar != PEP508_EXTRA);
}

/* A marker holds if it is true with no extra or with any of the extras. */
static int marker_holds(struct plan *p, const struct pep508_marker *m, const struct strvec *extras,
			bool *holds)
{
	*holds = true;
	if (!m)
		return 0;
	struct pep508_env env;
	memset(&env, 0, sizeof(env));
	if (marker_needs_interp(m)) {
		if (install_need_interp(p->e) < 0)
			return -1;
		pep508_env_from_interp(&env, &p->e->ip);
	}
	struct buf err = BUF_INIT;
	size_t n = extras ? extras->n : 0;
	*holds = false;
	for (size_t i = 0; i <= n && !*holds; i++) {
		env.v[PEP508_EXTRA] = i < n ? extras->v[i] : NULL;
		bool r = false;
		if (pep508_marker_eval(m, &env, &r, &err) < 0) {
			warning("cannot evaluate a marker: %s", err.ptr);
			r = false;
		}
		*holds = r;
	}
	buf_free(&err);
	return 0;
}

/* Whether name is satisfied after the plan: by a wheel of the plan, or by
 * what is installed. */
static int dep_satisfied(struct plan *p, const struct pep508_req *req, bool *ok)
{
	struct plan_item *it = find_item(p, req->name);
	if (it) {
		struct pep440_version v;
		*ok = false;
		if (pep440_parse_str(it->w->meta_version, &v) == 0) {
			*ok = pep440_specset_contains(&req->spec, &v, PEP440_PRERELEASES_ALLOW);
			pep440_version_free(&v);
		}
		return 0;
	}
	*ok = installed_satisfies(p, req->name, &req->spec);
	return 0;
}

int plan_check_deps(struct plan *p)
{
	if (p->no_deps)
		return check_constraints(p);
	/* the plan grows while it is walked: dependencies of dependencies */
	for (size_t i = 0; i < p->n; i++) {
		struct wheel *w = p->v[i].w;
		for (size_t k = 0; k < w->requires_dist.n; k++) {
			struct pep508_req req;
			struct buf err = BUF_INIT;
			if (pep508_parse(w->requires_dist.v[k], &req, &err) < 0) {
				warning("ignoring the invalid requirement '%s' of '%s': %s",
					w->requires_dist.v[k], w->path, err.ptr);
				buf_free(&err);
				continue;
			}
			buf_free(&err);
			bool holds = true, ok = true;
			int r = marker_holds(p, req.marker, &p->v[i].extras, &holds);
			if (!r && holds)
				r = dep_satisfied(p, &req, &ok);
			if (!r && holds && !ok) {
				struct plan_item *clash = find_item(p, req.name);
				if (clash) {
					r = error("'%s %s' requires '%s', but the wheel given is '%s %s'",
						  w->meta_name, w->meta_version, w->requires_dist.v[k],
						  clash->w->meta_name, clash->w->meta_version);
				} else if (!p->find_links.n) {
					r = error("'%s %s' requires '%s', which is not installed",
						  w->meta_name, w->meta_version, w->requires_dist.v[k]);
					hint("install it too, give --find-links DIR, or use --no-deps");
				} else {
					r = add_from_wheelhouse(p, &req, false, &(struct strvec)STRVEC_INIT,
								NULL);
					if (r < 0)
						error("'%s %s' requires '%s'", w->meta_name,
						      w->meta_version, w->requires_dist.v[k]);
				}
				/* p->v may have moved */
				w = p->v[i].w;
			}
			pep508_req_free(&req);
			if (r < 0)
				return -1;
		}
	}
	return check_constraints(p);
}

int plan_add_files(struct plan *p, const struct reqs *files, size_t nfiles)
{
	int r = 0;
	for (size_t i = 0; i < nfiles; i++)
		for (size_t k = 0; k < files[i].find_links.n; k++)
			strvec_push(&p->find_links, files[i].find_links.v[k]);
	for (size_t i = 0; i < nfiles && !r; i++)
		for (size_t k = 0; k < files[i].n && !r; k++)
			if (files[i].v[k].constraint)
				r = plan_add_constraint(p, &files[i].v[k]);
	for (size_t i = 0; i < nfiles && !r; i++)
		for (size_t k = 0; k < files[i].n && !r; k++)
			if (!files[i].v[k].constraint)
				r = plan_add_requirement(p, &files[i].v[k]);
	return r;
}
