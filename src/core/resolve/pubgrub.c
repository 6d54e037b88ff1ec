/* PubGrub version solving (see resolve.h), after Natalie Weizenbaum's
 * description of the algorithm (pub's doc/solver.md) as pubgrub-rs and uv
 * implement it: incompatibilities, a partial solution of decisions and
 * derivations with decision levels, unit propagation, conflict resolution
 * that learns derived incompatibilities, and backjumping.
 *
 * Version sets are bitsets over each project's candidates (vset.h), so every
 * set operation is exact, whatever PEP 440 corner a specifier uses: the
 * specifier itself decides membership, candidate by candidate. */
#include "util/common.h"

#include "core/resolve/resolve.h"
#include "core/resolve/solver.h"
#include "core/std/metadata.h"
#include "core/std/pep508.h"
#include "util/buf.h"
#include "util/error.h"

#define ROOT 0

size_t resolve_max_set_bytes = (size_t)512 << 20;

uint64_t *solver_set(struct solver *s, size_t nw)
{
	s->set_bytes += nw * sizeof(uint64_t);
	if (s->nsets == s->capsets) {
		s->capsets = s->capsets ? s->capsets * 2 : 64;
		s->sets = xrealloc(s->sets, s->capsets * sizeof(*s->sets));
	}
	return s->sets[s->nsets++] = xcalloc(nw, sizeof(uint64_t));
}

static const char *keep_text(struct solver *s, char *owned)
{
	strvec_push_take(&s->texts, owned);
	return owned;
}

/* ---- candidates ---- */

void resolve_candidates_add(struct resolve_candidates *out, const char *version, bool yanked,
			    const char *requires_python, const char *unavailable, uintptr_t handle)
{
	struct cand c = { 0 };
	if (!version || pep440_parse_str(version, &c.v) < 0)
		return;
	c.text = xstrdup(version);
	c.yanked = yanked;
	c.pre = pep440_is_prerelease(&c.v);
	c.handle = handle;
	c.order = out->n;
	/* requires_python is checked by the caller, which knows the target;
	 * keep it in unavailable's slot until then. */
	c.unavailable = unavailable ? xstrdup(unavailable) : NULL;
	strvec_init(&c.requires_dist);
	if (out->n == out->cap) {
		/* most projects offer one or two versions (a cand is ~200 bytes:
		 * sixteen for each of 86 projects were 70 fresh pages) */
		out->cap = out->cap ? out->cap * 2 : 2;
		out->c = xrealloc(out->c, out->cap * sizeof(*out->c));
	}
	out->c[out->n] = c;
	/* requires-python travels in requires_dist[0] until list_pkg reads it */
	strvec_push(&out->c[out->n].requires_dist, requires_python ? requires_python : "");
	out->n++;
}

static void cand_free(struct cand *c)
{
	pep440_version_free(&c->v);
	free(c->text);
	free(c->unavailable);
	strvec_clear(&c->requires_dist);
}

static int cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	int r = pep440_cmp(&a->v, &b->v);
	if (r)
		return r;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* Whether the target interpreter satisfies a Requires-Python; an invalid
 * one is ignored, as pip ignores it. */
static bool python_ok(struct solver *s, const char *spec, char **why)
{
	if (!spec || !*spec || !s->have_python)
		return true;
	struct pep440_specset ss;
	if (pep440_specset_parse(spec, &ss, NULL) < 0)
		return true;
	bool ok = pep440_specset_contains(&ss, &s->python, PEP440_PRERELEASES_ALLOW);
	if (!ok && why) {
		struct buf b = BUF_INIT;
		buf_addstr(&b, "requires Python ");
		pep440_specset_format(&b, &ss);
		*why = buf_detach(&b);
	}
	pep440_specset_free(&ss);
	return ok;
}

/* ---- projects ---- */

static int find_pkg(struct solver *s, const char *name)
{
	for (size_t i = 0; i < s->np; i++)
		if (!strcmp(s->p[i].name, name))
			return (int)i;
	return -1;
}

static int new_pkg(struct solver *s, const char *name)
{
	if (s->np == s->capp) {
		s->capp = s->capp ? s->capp * 2 : 32;
		s->p = xrealloc(s->p, s->capp * sizeof(*s->p));
	}
	struct pkg *p = &s->p[s->np];
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	p->base = (int)s->np;
	p->pref = -1;
	p->chosen = -1;
	strvec_init(&p->sources);
	return (int)s->np++;
}

static void setup_sets(struct solver *s, int id)
{
	struct pkg *p = &s->p[id];
	p->nw = vset_words(p->nc);
	p->acc = solver_set(s, p->nw);
	p->deps_added = xcalloc(p->nc ? p->nc : 1, 1);
	p->deps = xcalloc(p->nc ? p->nc : 1, sizeof(*p->deps));
}

static bool named_in(const struct strvec *names, const char *name)
{
	for (size_t i = 0; names && i < names->n; i++) {
		char *c = name_canonicalize(names->v[i]);
		bool eq = !strcmp(c, name);
		free(c);
		if (eq)
			return true;
	}
	return false;
}

/* Asks the provider for a real project's candidates and sorts them. */
static int list_pkg(struct solver *s, int id)
{
	struct pkg *p = &s->p[id];
	if (p->listed)
		return 0;
	p->listed = true;
	struct resolve_candidates rc = { 0 };
	struct buf why = BUF_INIT;
	int ret = 0;
	if (s->prov->list_candidates(s->prov->ctx, p->name, p->url, &rc, &why) < 0) {
		buf_addf(s->err, "cannot list the versions of '%s': %s", p->name, why.ptr);
		s->status = RESOLVE_PROVIDER_ERROR;
		ret = -1;
	}
	buf_free(&why);
	if (rc.n)
		qsort(rc.c, rc.n, sizeof(*rc.c), cand_cmp);
	size_t k = 0;
	for (size_t i = 0; i < rc.n; i++) {
		if (k && !pep440_cmp(&rc.c[k - 1].v, &rc.c[i].v)) {
			cand_free(&rc.c[i]);
			continue;
		}
		struct cand *c = &rc.c[i];
		char *py = xstrdup(c->requires_dist.v[0]);
		strvec_clear(&c->requires_dist);
		char *reason = NULL;
		if (!c->unavailable && !python_ok(s, py, &reason))
			c->unavailable = reason;
		free(py);
		rc.c[k++] = *c;
	}
	p->c = rc.c;
	p->nc = k;
	setup_sets(s, id);
	for (size_t i = 0; i < s->req->npreferences && p->pref < 0; i++) {
		const struct resolve_preference *rp = &s->req->preferences[i];
		char *n = name_canonicalize(rp->name);
		struct pep440_version v;
		if (!strcmp(n, p->name) && pep440_parse_str(rp->version, &v) == 0) {
			for (size_t j = 0; j < p->nc; j++)
				if (!pep440_cmp(&p->c[j].v, &v))
					p->pref = (long)j;
			pep440_version_free(&v);
		}
		free(n);
	}
	p->upgrade = s->req->upgrade || named_in(s->req->upgrade_packages, p->name);
	return ret;
}

/* The id of project name (canonical) or of its extra, listing it first. */
static int get_pkg(struct solver *s, const char *name, const char *extra, const char *url)
{
	int base = find_pkg(s, name);
	if (base < 0) {
		base = new_pkg(s, name);
		if (url)
			s->p[base].url = xstrdup(url);
	}
	if (!s->p[base].listed && list_pkg(s, base) < 0)
		return -1;
	if (!extra)
		return base;
	char *vname = xstrfmt("%s[%s]", name, extra);
	int id = find_pkg(s, vname);
	if (id < 0) {
		id = new_pkg(s, vname);
		struct pkg *v = &s->p[id], *b = &s->p[base];
		v->base = base;
		v->extra = xstrdup(extra);
		v->listed = true;
		v->c = b->c;
		v->nc = b->nc;
		v->pref = b->pref;
		v->upgrade = b->upgrade;
		setup_sets(s, id);
		if (b->constraint) {
			v->constraint = solver_set(s, v->nw);
			memcpy(v->constraint, b->constraint, v->nw * sizeof(uint64_t));
		}
	}
	free(vname);
	return id;
}

/* ---- specifiers to sets ---- */

/* The set a requirement allows of project id, intersected with its
 * constraint; notes on the project what pip's pre-release and yanked rules
 * need to know. */
static uint64_t *req_set(struct solver *s, int id, const struct pep508_req *r)
{
	struct pkg *p = &s->p[id];
	uint64_t *set = solver_set(s, p->nw);
	for (size_t i = 0; i < r->spec.n; i++) {
		const struct pep440_spec *sp = &r->spec.items[i];
		if (pep440_spec_wants_prereleases(sp))
			s->p[p->base].pre_explicit = p->pre_explicit = true;
		if ((sp->op == PEP440_OP_EQ && !sp->prefix) || sp->op == PEP440_OP_ARBITRARY)
			s->p[p->base].pinned = p->pinned = true;
	}
	size_t from = 0, to = p->nc;
	const struct pep440_spec *one = r->spec.n == 1 ? &r->spec.items[0] : NULL;
	if (!r->url && one && one->op == PEP440_OP_EQ && !one->prefix) {
		/* "==V": its matches (V and V+local) sit together from the first
		 * candidate not below V */
		size_t lo = 0, hi = p->nc;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (pep440_cmp(&p->c[mid].v, &one->v) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		from = lo;
		for (to = from; to < p->nc && pep440_spec_contains(one, &p->c[to].v);)
			to++;
	}
	for (size_t i = from; i < to; i++)
		if (r->url || pep440_specset_contains(&r->spec, &p->c[i].v, PEP440_PRERELEASES_ALLOW))
			vset_put(set, i);
	if (p->constraint)
		vset_intersect(true, set, true, p->constraint, set, p->nw);
	/* "another version": only when no offered version fits, so that the
	 * explanation can say "there is no version of b>=2" */
	if (!vset_any_candidate(set, p->nc))
		vset_put(set, p->nc);
	return set;
}

/* Whether the constraint left the requirement's set as it was. */
static bool req_set_unconstrained_eq(struct solver *s, int id, const struct pep508_req *r,
				     const uint64_t *set)
{
	struct pkg *p = &s->p[id];
	uint64_t *c = p->constraint;
	p->constraint = NULL;
	uint64_t *plain = req_set(s, id, r);
	p->constraint = c;
	return vset_eq(plain, set, p->nw);
}

/* ---- incompatibilities ---- */

static void watch(struct pkg *p, int id)
{
	if (p->nincs == p->capincs) {
		p->capincs = p->capincs ? p->capincs * 2 : 8;
		p->incs = xrealloc(p->incs, p->capincs * sizeof(*p->incs));
	}
	p->incs[p->nincs++] = id;
}

static int add_incompat(struct solver *s, struct term *terms, size_t n, enum incompat_kind kind,
			int c1, int c2, char *text)
{
	if (s->ninc == s->capinc) {
		s->capinc = s->capinc ? s->capinc * 2 : 64;
		s->inc = xrealloc(s->inc, s->capinc * sizeof(*s->inc));
	}
	int id = (int)s->ninc++;
	struct incompat *ic = &s->inc[id];
	ic->terms = xmalloc((n ? n : 1) * sizeof(*terms));
	memcpy(ic->terms, terms, n * sizeof(*terms));
	ic->n = n;
	ic->kind = kind;
	ic->c1 = c1;
	ic->c2 = c2;
	ic->text = text;
	for (size_t i = 0; i < n; i++) {
		struct term *t = &ic->terms[i];
		size_t nw = s->p[t->pkg].nw;
		t->one = -1;
		if (vset_count(t->set, nw) == 1)
			for (size_t w = 0; w < nw; w++)
				if (t->set[w])
					t->one = (long)(w * 64 + (size_t)__builtin_ctzll(t->set[w]));
		watch(&s->p[t->pkg], id);
	}
	return id;
}

static struct term single(struct solver *s, int pkg, size_t cand)
{
	struct term t = { pkg, true, solver_set(s, s->p[pkg].nw), NULL, -1 };
	vset_put(t.set, cand);
	return t;
}

/* ---- partial solution ---- */

static void assign(struct solver *s, struct term t, int cause)
{
	if (s->na == s->capa) {
		s->capa = s->capa ? s->capa * 2 : 64;
		s->a = xrealloc(s->a, s->capa * sizeof(*s->a));
	}
	struct pkg *p = &s->p[t.pkg];
	struct assignment *a = &s->a[s->na++];
	/* owned by the assignment: freed when backjumping drops it */
	*a = (struct assignment){ t, s->level, cause, xmalloc(p->nw * sizeof(uint64_t)), t.pos, 0 };
	s->set_bytes += p->nw * sizeof(uint64_t);
	if (p->has_acc)
		a->snap_pos = vset_intersect(p->acc_pos, p->acc, t.pos, t.set, a->snap, p->nw);
	else
		memcpy(a->snap, t.set, p->nw * sizeof(uint64_t));
	a->snap_count = vset_count(a->snap, p->nw);
	p->has_acc = true;
	p->acc = a->snap;
	p->acc_pos = a->snap_pos;
	p->acc_count = a->snap_count;
}

static void decide(struct solver *s, int pkg, size_t cand)
{
	s->level++;
	assign(s, single(s, pkg, cand), -1);
	s->p[pkg].decided = true;
	s->p[pkg].chosen = (long)cand;
}

static void backtrack(struct solver *s, int level)
{
	while (s->na && s->a[s->na - 1].level > level) {
		struct assignment *a = &s->a[--s->na];
		s->set_bytes -= s->p[a->t.pkg].nw * sizeof(uint64_t);
		free(a->snap);
	}
	s->level = level;
	for (size_t i = 0; i < s->np; i++) {
		s->p[i].has_acc = false;
		s->p[i].decided = false;
		s->p[i].chosen = -1;
	}
	for (size_t i = 0; i < s->na; i++) {
		struct assignment *a = &s->a[i];
		struct pkg *p = &s->p[a->t.pkg];
		p->has_acc = true;
		p->acc = a->snap;
		p->acc_pos = a->snap_pos;
		p->acc_count = a->snap_count;
		if (a->cause < 0) {
			p->decided = true;
			for (size_t c = 0; c < p->nc; c++)
				if (vset_has(a->t.set, c))
					p->chosen = (long)c;
		}
	}
}

/* How term t relates to what is known (apos, a holding count members);
 * O(1) for a term of one version, the common case. */
static enum vset_rel rel_with(struct solver *s, const struct term *t, bool apos, const uint64_t *a,
			      size_t count)
{
	if (t->one < 0)
		return vset_relation(t->pos, t->set, apos, a, s->p[t->pkg].nw);
	bool has = vset_has(a, (size_t)t->one);
	if (t->pos && apos)
		return (!count || (has && count == 1)) ? VSET_SATISFIED :
		       (has ? VSET_INCONCLUSIVE : VSET_CONTRADICTED);
	if (t->pos)
		return has ? VSET_CONTRADICTED : VSET_INCONCLUSIVE;
	if (apos)
		return !has ? VSET_SATISFIED : (count == 1 ? VSET_CONTRADICTED : VSET_INCONCLUSIVE);
	return has ? VSET_SATISFIED : VSET_INCONCLUSIVE;
}

static enum vset_rel term_rel(struct solver *s, const struct term *t)
{
	struct pkg *p = &s->p[t->pkg];
	if (!p->has_acc) /* nothing known: "anything", the negative empty set */
		return (!t->pos && vset_empty(t->set, p->nw)) ? VSET_SATISFIED : VSET_INCONCLUSIVE;
	return rel_with(s, t, p->acc_pos, p->acc, p->acc_count);
}

enum irel { I_SATISFIED, I_ALMOST, I_CONTRADICTED, I_INCONCLUSIVE };

static enum irel incompat_rel(struct solver *s, int id, size_t *unsat)
{
	struct incompat *ic = &s->inc[id];
	size_t nin = 0;
	for (size_t i = 0; i < ic->n; i++) {
		enum vset_rel r = term_rel(s, &ic->terms[i]);
		if (r == VSET_CONTRADICTED)
			return I_CONTRADICTED;
		if (r == VSET_INCONCLUSIVE) {
			if (++nin > 1)
				return I_INCONCLUSIVE;
			*unsat = i;
		}
	}
	return nin ? I_ALMOST : I_SATISFIED;
}

static struct term negate(struct solver *s, const struct term *t)
{
	struct term n = { t->pkg, !t->pos, t->set, t->text, -1 };
	return n;
}

static bool terminal(struct solver *s, int id)
{
	struct incompat *ic = &s->inc[id];
	return ic->n == 0 || (ic->n == 1 && ic->terms[0].pkg == ROOT && ic->terms[0].pos);
}

/* Adds term t to a list, intersecting it with a term of the same project;
 * a term that holds always (not in nothing) is left out. */
static void merge_term(struct solver *s, struct term *list, size_t *n, const struct term *t)
{
	struct pkg *p = &s->p[t->pkg];
	for (size_t i = 0; i < *n; i++) {
		if (list[i].pkg != t->pkg)
			continue;
		uint64_t *set = solver_set(s, p->nw);
		bool pos = vset_intersect(list[i].pos, list[i].set, t->pos, t->set, set, p->nw);
		const char *text = vset_eq(set, list[i].set, p->nw) && pos == list[i].pos ? list[i].text :
				   (vset_eq(set, t->set, p->nw) && pos == t->pos ? t->text : NULL);
		list[i] = (struct term){ t->pkg, pos, set, text, -1 };
		return;
	}
	list[(*n)++] = *t;
}

static bool satisfies(struct solver *s, bool apos, const uint64_t *a, const struct term *t)
{
	return vset_relation(t->pos, t->set, apos, a, s->p[t->pkg].nw) == VSET_SATISFIED;
}

/* Conflict resolution: learn from a satisfied incompatibility until one is
 * found that backjumping turns into a derivation. Returns its id, or -1 when
 * the root cannot be chosen (the explanation is then in s->err). */
static int resolve_conflict(struct solver *s, int id)
{
	for (;;) {
		if (terminal(s, id)) {
			s->status = RESOLVE_UNSATISFIABLE;
			solver_explain(s, id, s->err);
			return -1;
		}
		struct incompat *ic = &s->inc[id];
		size_t n = ic->n;
		size_t *sat = xcalloc(n, sizeof(*sat));
		bool *done = xcalloc(n, sizeof(*done));
		size_t left = n;
		for (size_t j = 0; j < s->na && left; j++) {
			const struct assignment *as = &s->a[j];
			for (size_t i = 0; i < n; i++) {
				if (done[i] || ic->terms[i].pkg != as->t.pkg)
					continue;
				if (rel_with(s, &ic->terms[i], as->snap_pos, as->snap, as->snap_count) ==
				    VSET_SATISFIED) {
					done[i] = true;
					sat[i] = j;
					left--;
				}
			}
		}
		if (left)
			BUG("conflict on an incompatibility that is not satisfied");
		size_t ti = 0;
		for (size_t i = 1; i < n; i++)
			if (sat[i] > sat[ti])
				ti = i;
		const struct term *t = &ic->terms[ti];
		const struct assignment *sa = &s->a[sat[ti]];
		int prev = 1;
		for (size_t i = 0; i < n; i++)
			if (i != ti && s->a[sat[i]].level > prev)
				prev = s->a[sat[i]].level;
		/* the earliest assignment that, with the satisfier, satisfies t */
		size_t nw = s->p[t->pkg].nw;
		bool alone = satisfies(s, sa->t.pos, sa->t.set, t);
		if (!alone) {
			uint64_t *x = xmalloc(nw * sizeof(uint64_t));
			for (size_t j = 0; j < sat[ti]; j++) {
				const struct assignment *as = &s->a[j];
				if (as->t.pkg != t->pkg)
					continue;
				bool xpos = vset_intersect(sa->t.pos, sa->t.set, as->snap_pos, as->snap,
							   x, nw);
				if (satisfies(s, xpos, x, t)) {
					if (as->level > prev)
						prev = as->level;
					break;
				}
			}
			free(x);
		}
		free(done);
		free(sat);
		if (sa->cause < 0 || prev != sa->level) {
			backtrack(s, prev);
			return id;
		}
		/* the prior cause: both incompatibilities without t's project,
		 * and what the satisfier leaves of t */
		const struct incompat *cause = &s->inc[sa->cause];
		struct term *terms = xmalloc((ic->n + cause->n + 1) * sizeof(*terms));
		size_t nt = 0;
		for (size_t i = 0; i < ic->n; i++)
			if (ic->terms[i].pkg != t->pkg)
				merge_term(s, terms, &nt, &ic->terms[i]);
		for (size_t i = 0; i < cause->n; i++)
			if (cause->terms[i].pkg != t->pkg)
				merge_term(s, terms, &nt, &cause->terms[i]);
		if (!alone) {
			struct term d = { t->pkg, false, solver_set(s, nw), NULL, -1 };
			struct term nt_ = negate(s, t);
			/* not (satisfier minus t) */
			bool dpos = vset_intersect(sa->t.pos, sa->t.set, nt_.pos, nt_.set, d.set, nw);
			d.pos = !dpos;
			merge_term(s, terms, &nt, &d);
		}
		/* terms that always hold ("not p in nothing") say nothing */
		size_t k = 0;
		for (size_t i = 0; i < nt; i++)
			if (terms[i].pos || !vset_empty(terms[i].set, s->p[terms[i].pkg].nw))
				terms[k++] = terms[i];
		int cause_id = sa->cause;
		id = add_incompat(s, terms, k, INC_DERIVED, id, cause_id, NULL);
		free(terms);
		s->steps++;
	}
}

/* Counts one step (a decision or a conflict); true, with the message, once
 * the work is past its bound: max_steps, or version sets outgrowing
 * resolve_max_set_bytes (a hostile index with huge version lists). */
static bool over_budget(struct solver *s)
{
	if (++s->steps <= s->max_steps && s->set_bytes <= resolve_max_set_bytes)
		return false;
	s->status = RESOLVE_GAVE_UP;
	buf_addf(s->err, "resolution gave up after %zu steps (decisions and conflicts)",
		 s->steps - 1);
	if (s->set_bytes > resolve_max_set_bytes)
		buf_addf(s->err, ": its version sets outgrew %zu %s",
			 resolve_max_set_bytes >> (resolve_max_set_bytes >> 20 ? 20 : 10),
			 resolve_max_set_bytes >> 20 ? "MiB" : "KiB");
	buf_addstr(s->err, "; the requirements may be unsatisfiable, or need narrower version "
		   "ranges");
	return true;
}

/* Unit propagation from project pkg (pub's solver.md, "Unit Propagation"). */
static int propagate(struct solver *s, int pkg)
{
	int *stack = xmalloc(s->np * sizeof(*stack) + sizeof(*stack));
	size_t ns = 0, cap = s->np + 1;
	int ret = 0;
	stack[ns++] = pkg;
	while (ns) {
		struct pkg *p = &s->p[stack[--ns]];
		for (size_t k = p->nincs; k-- > 0;) {
			int id = p->incs[k];
			size_t ui = 0;
			enum irel r = incompat_rel(s, id, &ui);
			if (r == I_SATISFIED) {
				if (over_budget(s)) {
					ret = -1;
					goto out;
				}
				id = resolve_conflict(s, id);
				if (id < 0) {
					ret = -1;
					goto out;
				}
				if (incompat_rel(s, id, &ui) != I_ALMOST)
					BUG("a learned incompatibility does not propagate");
				struct term t = negate(s, &s->inc[id].terms[ui]);
				assign(s, t, id);
				ns = 0;
				stack[ns++] = t.pkg;
				break;
			}
			if (r == I_ALMOST) {
				struct term t = negate(s, &s->inc[id].terms[ui]);
				assign(s, t, id);
				bool in = false;
				for (size_t i = 0; i < ns; i++)
					in = in || stack[i] == t.pkg;
				if (!in) {
					if (ns == cap) {
						cap *= 2;
						stack = xrealloc(stack, cap * sizeof(*stack));
					}
					stack[ns++] = t.pkg;
				}
			}
		}
		/* s->np may have grown: keep room */
		if (cap < s->np + 1) {
			cap = s->np + 1;
			stack = xrealloc(stack, cap * sizeof(*stack));
		}
	}
out:
	free(stack);
	return ret;
}

/* ---- choosing ---- */

static bool usable(const struct pkg *p, size_t i)
{
	const struct cand *c = &p->c[i];
	return !c->unavailable && (!c->yanked || p->pinned);
}

/* pip's choice: the preferred version if allowed, else the highest final
 * version in the set, else (no final one fits) the highest pre-release;
 * pre-releases first when --pre or a specifier named one. */
static long pick_version(struct solver *s, int id)
{
	struct pkg *p = &s->p[id];
	const struct pkg *b = &s->p[p->base];
	bool pre = s->req->allow_prereleases || p->pre_explicit || b->pre_explicit;
	bool pinned = p->pinned || b->pinned;
	long best_pre = -1;
	if (p->pref >= 0 && !p->upgrade && vset_has(p->acc, (size_t)p->pref) &&
	    !p->c[p->pref].unavailable && (!p->c[p->pref].yanked || pinned))
		return p->pref;
	for (size_t i = p->nc; i-- > 0;) {
		const struct cand *c = &p->c[i];
		if (!vset_has(p->acc, i) || c->unavailable || (c->yanked && !pinned))
			continue;
		if (!c->pre || pre)
			return (long)i;
		if (best_pre < 0)
			best_pre = (long)i;
	}
	return best_pre;
}

static size_t count_usable(const struct pkg *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nc; i++)
		n += vset_has(p->acc, i) && usable(p, i);
	return n;
}

/* Why a set holds no usable version, for the explanation: the first few
 * candidates it holds and why each cannot be used. */
static char *no_version_reason(struct solver *s, int id)
{
	struct pkg *p = &s->p[id];
	struct buf b = BUF_INIT;
	size_t shown = 0;
	for (size_t i = p->nc; i-- > 0 && shown < 3;) {
		if (!vset_has(p->acc, i))
			continue;
		const struct cand *c = &p->c[i];
		const char *why = c->unavailable ? c->unavailable : c->yanked ? "was yanked" : NULL;
		if (!why)
			continue;
		buf_addf(&b, "%s%s==%s %s", shown++ ? ", " : "", s->p[p->base].name, c->text, why);
	}
	return b.len ? buf_detach(&b) : (buf_free(&b), NULL);
}

static int env_eval(struct solver *s, const struct pep508_marker *m, const char *extra, bool *res,
		    struct buf *why)
{
	struct pep508_env env = { 0 };
	if (s->req->env)
		env = *s->req->env;
	env.v[PEP508_EXTRA] = extra;
	return pep508_marker_eval(m, &env, res, why);
}

/* "name[x,y]>=2" as the requirement reads (its extras normalized). */
static void format_req(struct solver *s, const struct pep508_req *r, const char *name,
		       struct buf *out)
{
	buf_addstr(out, name);
	for (size_t i = 0; i < r->extras.n; i++)
		buf_addf(out, "%s%s", i ? "," : "[", r->extras.v[i]);
	if (r->extras.n)
		buf_addch(out, ']');
	if (r->url)
		buf_addf(out, " @ %s", r->url);
	else
		pep440_specset_format(out, &r->spec);
}

/* Adds the incompatibility "from (at cand) depends on r" (and on r's
 * extras); ids of the projects named are appended to dl. */
static int add_dependency(struct solver *s, int from, size_t cand, const struct pep508_req *r,
			  struct deplist *dl)
{
	char *name = name_canonicalize(r->name);
	int ret = 0;
	size_t nx = r->extras.n;
	for (size_t x = 0; x <= nx; x++) {
		char *extra = x < nx ? name_canonicalize(r->extras.v[x]) : NULL;
		int to = get_pkg(s, name, extra, r->url);
		free(extra);
		if (to < 0) {
			ret = -1;
			break;
		}
		struct pkg *tp = &s->p[to];
		tp->deps_seen = true;
		uint64_t *set = req_set(s, to, r);
		struct buf text = BUF_INIT;
		format_req(s, r, name, &text);
		if (tp->constraint_text && !req_set_unconstrained_eq(s, to, r, set))
			buf_addf(&text, " (constrained to %s)", tp->constraint_text);
		struct term terms[2];
		size_t nt = 0;
		struct term ft = single(s, from, cand);
		terms[nt++] = ft;
		struct term dt = { to, false, set, keep_text(s, buf_detach(&text)), -1 };
		merge_term(s, terms, &nt, &dt);
		/* a dependency of a project on itself at its own version holds */
		if (!(nt == 1 && terms[0].pos && vset_empty(terms[0].set, s->p[from].nw)))
			add_incompat(s, terms, nt, INC_DEPENDENCY, -1, -1, NULL);
		dl->ids = xrealloc(dl->ids, (dl->n + 1) * sizeof(*dl->ids));
		dl->ids[dl->n++] = to;
	}
	free(name);
	return ret;
}

static void hint_names(struct solver *s, const struct strvec *names)
{
	if (!s->prov->prefetch || !names->n)
		return;
	struct resolve_hint *h = xcalloc(names->n, sizeof(*h));
	for (size_t i = 0; i < names->n; i++)
		h[i].name = names->v[i];
	s->prov->prefetch(s->prov->ctx, h, names->n);
	free(h);
}

/* Hints the metadata of the version each newly listed project will most
 * likely get: its preferred one, else its highest usable final one. */
static void hint_best(struct solver *s, const struct strvec *names)
{
	if (!s->prov->prefetch || !names->n)
		return;
	struct resolve_hint *h = xcalloc(names->n, sizeof(*h));
	size_t n = 0;
	for (size_t i = 0; i < names->n; i++) {
		int id = find_pkg(s, names->v[i]);
		if (id < 0)
			continue;
		const struct pkg *p = &s->p[id];
		long best = p->pref >= 0 && !p->upgrade && usable(p, (size_t)p->pref) ? p->pref : -1;
		for (size_t c = p->nc; c-- > 0 && best < 0;)
			if (usable(p, c) && !p->c[c].pre)
				best = (long)c;
		if (best >= 0)
			h[n++] = (struct resolve_hint){ p->name, p->c[best].text, p->c[best].handle };
	}
	if (n)
		s->prov->prefetch(s->prov->ctx, h, n);
	free(h);
}

/* Requirements of the root, or of a candidate: parsed, marker-filtered. */
static int add_requirements(struct solver *s, int id, size_t cand, const struct strvec *lines,
			    const char *extra, bool is_root)
{
	struct deplist *dl = &s->p[id].deps[cand];
	struct pep508_req *reqs = xcalloc(lines->n + 1, sizeof(*reqs));
	bool *keep = xcalloc(lines->n + 1, sizeof(*keep));
	struct strvec fresh = STRVEC_INIT;
	struct buf why = BUF_INIT;
	int ret = 0;
	for (size_t i = 0; i < lines->n; i++) {
		buf_reset(&why);
		if (pep508_parse(lines->v[i], &reqs[i], &why) < 0) {
			if (is_root)
				buf_addf(s->err, "invalid requirement '%s': %s", lines->v[i], why.ptr);
			else
				buf_addf(s->err, "%s==%s has an invalid requirement '%s': %s",
					 s->p[s->p[id].base].name, s->p[id].c[cand].text, lines->v[i],
					 why.ptr);
			s->status = RESOLVE_BAD_INPUT;
			ret = -1;
			goto out;
		}
		bool on, base_on = false;
		if (env_eval(s, reqs[i].marker, extra, &on, &why) < 0 ||
		    (extra && env_eval(s, reqs[i].marker, NULL, &base_on, &why) < 0)) {
			buf_addf(s->err, "cannot evaluate the marker of '%s': %s", lines->v[i], why.ptr);
			s->status = RESOLVE_BAD_INPUT;
			ret = -1;
			goto out;
		}
		/* an extra adds what its marker turns on; the base brings the rest */
		keep[i] = on && !base_on;
		char *n = name_canonicalize(reqs[i].name);
		if (keep[i] && find_pkg(s, n) < 0 && !strvec_contains(&fresh, n))
			strvec_push(&fresh, n);
		free(n);
	}
	hint_names(s, &fresh);
	if (extra) { /* "a[x]" at a version needs "a" at the same version */
		struct term terms[2] = { single(s, id, cand), single(s, s->p[id].base, cand) };
		terms[1].pos = false;
		add_incompat(s, terms, 2, INC_DEPENDENCY, -1, -1, NULL);
		dl->ids = xrealloc(dl->ids, (dl->n + 1) * sizeof(*dl->ids));
		dl->ids[dl->n++] = s->p[id].base;
	}
	for (size_t i = 0; i < lines->n; i++) {
		if (!keep[i])
			continue;
		if (is_root) {
			char *n = name_canonicalize(reqs[i].name);
			int b = find_pkg(s, n);
			if (b < 0 && (b = new_pkg(s, n)) >= 0 && reqs[i].url)
				s->p[b].url = xstrdup(reqs[i].url);
			const struct strvec *src = s->req->requirement_sources;
			strvec_push(&s->p[b].sources, src && i < src->n ? src->v[i] : "-r");
			free(n);
		}
		if (add_dependency(s, id, cand, &reqs[i], dl) < 0) {
			ret = -1;
			goto out;
		}
	}
	hint_best(s, &fresh);
out:
	for (size_t i = 0; i < lines->n; i++)
		pep508_req_free(&reqs[i]);
	free(reqs);
	free(keep);
	strvec_clear(&fresh);
	buf_free(&why);
	return ret;
}

/* Adds the dependencies of (id, cand) once. Returns 1 when the candidate
 * turned out unusable (an incompatibility now says why), 0, or -1. */
static int fetch_deps(struct solver *s, int id, size_t cand)
{
	struct pkg *p = &s->p[id];
	if (p->deps_added[cand])
		return 0;
	p->deps_added[cand] = 1;
	if (id == ROOT) {
		struct strvec none = STRVEC_INIT;
		return add_requirements(s, id, cand, s->req->requirements ? s->req->requirements : &none,
					NULL, true);
	}
	struct pkg *b = &s->p[p->base];
	struct cand *c = &b->c[cand];
	if (!c->md_done && !s->req->no_deps) {
		struct resolve_metadata md = { STRVEC_INIT, NULL };
		struct buf why = BUF_INIT;
		int r = s->prov->get_dependencies(s->prov->ctx, b->name, c->text, c->handle, &md, &why);
		if (r < 0) {
			buf_addf(s->err, "cannot read the dependencies of %s==%s: %s", b->name, c->text,
				 why.ptr);
			s->status = RESOLVE_PROVIDER_ERROR;
		}
		buf_free(&why);
		c->md_done = true;
		c->requires_dist = md.requires_dist;
		char *reason = NULL;
		if (r == 0 && !python_ok(s, md.requires_python, &reason))
			c->unavailable = reason;
		free(md.requires_python);
		if (r < 0)
			return -1;
	}
	if (c->unavailable) {
		struct term t = single(s, id, cand);
		add_incompat(s, &t, 1, INC_UNAVAILABLE, -1, -1, xstrdup(c->unavailable));
		return 1;
	}
	if (s->req->no_deps && !p->extra)
		return 0;
	return add_requirements(s, id, cand, &c->requires_dist, p->extra, false);
}

/* Picks the next project to decide: the undecided one with a positive
 * derivation and the fewest usable versions left (pubgrub-rs's default). */
static int next_pkg(struct solver *s)
{
	int best = -1;
	size_t bestn = SIZE_MAX;
	for (size_t i = 0; i < s->np; i++) {
		struct pkg *p = &s->p[i];
		if (!p->has_acc || !p->acc_pos || p->decided)
			continue;
		size_t n = i == ROOT ? 0 : count_usable(p);
		if (n < bestn) {
			bestn = n;
			best = (int)i;
		}
	}
	return best;
}

static int solve(struct solver *s)
{
	/* the root (made first, id 0): one candidate, required */
	int root = ROOT;
	struct term rt = single(s, root, 0);
	rt.pos = false;
	add_incompat(s, &rt, 1, INC_ROOT, -1, -1, NULL);
	int next = root;
	for (;;) {
		if (propagate(s, next) < 0)
			return -1;
		next = next_pkg(s);
		if (next < 0)
			return 0;
		if (over_budget(s))
			return -1;
		long v = next == root ? 0 : pick_version(s, next);
		if (v < 0) {
			struct pkg *p = &s->p[next];
			struct term t = { next, true, solver_set(s, p->nw), NULL, -1 };
			memcpy(t.set, p->acc, p->nw * sizeof(uint64_t));
			for (size_t i = s->na; i-- > 0 && !t.text;)
				if (s->a[i].t.pkg == next && s->a[i].t.pos &&
				    vset_eq(s->a[i].t.set, t.set, p->nw))
					t.text = s->a[i].t.text;
			add_incompat(s, &t, 1, INC_NO_VERSIONS, -1, -1, no_version_reason(s, next));
			continue;
		}
		size_t first = s->ninc;
		int r = fetch_deps(s, next, (size_t)v);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		/* decide unless a new dependency already conflicts */
		bool conflict = false;
		for (size_t i = first; i < s->ninc && !conflict; i++) {
			const struct incompat *ic = &s->inc[i];
			bool others = true;
			for (size_t k = 0; k < ic->n && others; k++)
				if (ic->terms[k].pkg != next)
					others = term_rel(s, &ic->terms[k]) == VSET_SATISFIED;
			conflict = others;
		}
		if (!conflict)
			decide(s, next, (size_t)v);
	}
}

/* ---- the result ---- */

static int dist_cmp(const void *x, const void *y)
{
	return strcmp(((const struct resolve_dist *)x)->name, ((const struct resolve_dist *)y)->name);
}

static void collect(struct solver *s, struct resolve_result *res)
{
	res->dists = xcalloc(s->np, sizeof(*res->dists));
	for (size_t i = 1; i < s->np; i++) {
		struct pkg *p = &s->p[i];
		if (p->base != (int)i || !p->decided)
			continue;
		struct resolve_dist *d = &res->dists[res->n++];
		const struct cand *c = &p->c[p->chosen];
		d->name = xstrdup(p->name);
		d->version = xstrdup(c->text);
		d->handle = c->handle;
		d->url = p->url ? xstrdup(p->url) : NULL;
		strvec_init(&d->extras);
		strvec_init(&d->via);
		d->direct = p->sources.n > 0;
		for (size_t j = 1; j < s->np; j++)
			if (s->p[j].base == (int)i && j != i && s->p[j].decided)
				strvec_push(&d->extras, s->p[j].extra);
		strvec_sort(&d->extras);
		struct strvec parents = STRVEC_INIT;
		for (size_t j = 1; j < s->np; j++) {
			struct pkg *q = &s->p[j];
			if (!q->decided || q->base == (int)i)
				continue;
			const struct deplist *dl = &q->deps[q->chosen];
			for (size_t k = 0; k < dl->n; k++)
				if (s->p[dl->ids[k]].base == (int)i &&
				    !strvec_contains(&parents, s->p[q->base].name))
					strvec_push(&parents, s->p[q->base].name);
		}
		strvec_sort(&parents);
		for (size_t k = 0; k < parents.n; k++)
			strvec_push(&d->via, parents.v[k]);
		for (size_t k = 0; k < p->sources.n; k++)
			if (!strvec_contains(&d->via, p->sources.v[k]))
				strvec_push(&d->via, p->sources.v[k]);
		strvec_clear(&parents);
	}
	qsort(res->dists, res->n, sizeof(*res->dists), dist_cmp);
	res->steps = s->steps;
}

static void solver_free(struct solver *s)
{
	for (size_t i = 0; i < s->np; i++) {
		struct pkg *p = &s->p[i];
		if (p->base == (int)i) {
			for (size_t j = 0; j < p->nc && i != ROOT; j++)
				cand_free(&p->c[j]);
			free(p->c);
		}
		for (size_t j = 0; j < (p->nc ? p->nc : 1); j++)
			free(p->deps ? p->deps[j].ids : NULL);
		free(p->deps);
		free(p->deps_added);
		free(p->name);
		free(p->extra);
		free(p->url);
		free(p->constraint_text);
		free(p->incs);
		strvec_clear(&p->sources);
	}
	free(s->p);
	for (size_t i = 0; i < s->ninc; i++) {
		free(s->inc[i].terms);
		free(s->inc[i].text);
	}
	free(s->inc);
	for (size_t i = 0; i < s->na; i++)
		free(s->a[i].snap);
	free(s->a);
	for (size_t i = 0; i < s->nsets; i++)
		free(s->sets[i]);
	free(s->sets);
	strvec_clear(&s->texts);
	if (s->have_python)
		pep440_version_free(&s->python);
}

/* Constraints: each narrows its project's sets from the start. */
static int add_constraints(struct solver *s)
{
	const struct strvec *cs = s->req->constraints;
	struct buf why = BUF_INIT;
	int ret = 0;
	for (size_t i = 0; cs && i < cs->n; i++) {
		struct pep508_req r;
		buf_reset(&why);
		if (pep508_parse(cs->v[i], &r, &why) < 0) {
			buf_addf(s->err, "invalid constraint '%s': %s", cs->v[i], why.ptr);
			s->status = RESOLVE_BAD_INPUT;
			ret = -1;
			break;
		}
		bool on = true;
		if (env_eval(s, r.marker, NULL, &on, &why) < 0)
			on = false;
		if (on) {
			char *n = name_canonicalize(r.name);
			int id = get_pkg(s, n, NULL, r.url);
			free(n);
			if (id < 0) {
				pep508_req_free(&r);
				ret = -1;
				break;
			}
			uint64_t *set = req_set(s, id, &r);
			struct pkg *p = &s->p[id];
			if (p->constraint)
				vset_intersect(true, p->constraint, true, set, p->constraint, p->nw);
			else
				p->constraint = set;
			struct buf t = BUF_INIT;
			if (p->constraint_text)
				buf_addf(&t, "%s, ", p->constraint_text);
			format_req(s, &r, p->name, &t);
			free(p->constraint_text);
			p->constraint_text = buf_detach(&t);
		}
		pep508_req_free(&r);
	}
	buf_free(&why);
	return ret;
}

enum resolve_status resolve(const struct resolve_request *req, struct resolve_result *res,
			    struct buf *err)
{
	struct solver s = { 0 };
	memset(res, 0, sizeof(*res));
	s.req = req;
	s.prov = req->provider;
	s.err = err;
	s.max_steps = req->max_steps ? req->max_steps : RESOLVE_DEFAULT_MAX_STEPS;
	strvec_init(&s.texts);
	const char *py = req->python_version;
	if (!py && req->env)
		py = req->env->v[PEP508_PYTHON_FULL_VERSION];
	s.have_python = py && pep440_parse_str(py, &s.python) == 0;
	new_pkg(&s, "");
	s.p[ROOT].listed = true;
	s.p[ROOT].nc = 1;
	setup_sets(&s, ROOT);
	if (add_constraints(&s) == 0 && solve(&s) == 0) {
		s.status = RESOLVE_OK;
		collect(&s, res);
	}
	enum resolve_status st = s.status;
	solver_free(&s);
	return st;
}

void resolve_result_free(struct resolve_result *res)
{
	for (size_t i = 0; i < res->n; i++) {
		struct resolve_dist *d = &res->dists[i];
		free(d->name);
		free(d->version);
		free(d->url);
		strvec_clear(&d->extras);
		strvec_clear(&d->via);
	}
	free(res->dists);
	memset(res, 0, sizeof(*res));
}
