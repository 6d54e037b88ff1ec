/* The dependency graph of a resolution, with package markers (see
 * lockgraph.h). */
#include "util/common.h"

#include "core/lock/lockgraph.h"
#include "core/pkg/indexprov.h"
#include "core/std/metadata.h"
#include "core/std/pep508.h"
#include "util/buf.h"

/* A marker in disjunctive normal form: clauses, each the sorted atoms
 * (comparisons as pep508_marker_format writes them) joined by SEP. No clause:
 * false; the empty clause: true. */
#define SEP '\x1f'
#define MAX_CLAUSES 16

static void split(const char *clause, struct strvec *atoms)
{
	while (*clause) {
		size_t n = strcspn(clause, "\x1f");
		strvec_push_take(atoms, xstrndup(clause, n));
		clause += n + (clause[n] == SEP);
	}
}

static char *join(const struct strvec *atoms, const char *sep)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < atoms->n; i++) {
		if (i)
			buf_addstr(&b, sep);
		buf_addstr(&b, atoms->v[i]);
	}
	if (!b.ptr)
		return xstrdup("");
	return buf_detach(&b);
}

/* Sorted, without duplicates. */
static void uniq(struct strvec *v)
{
	strvec_sort(v);
	size_t k = 0;
	for (size_t i = 0; i < v->n; i++) {
		if (k && !strcmp(v->v[k - 1], v->v[i])) {
			free(v->v[i]);
			continue;
		}
		v->v[k++] = v->v[i];
	}
	v->n = k;
	if (v->cap)
		v->v[k] = NULL;
}

static bool subset(const char *a, const char *b)
{
	struct strvec sa = STRVEC_INIT, sb = STRVEC_INIT;
	split(a, &sa);
	split(b, &sb);
	bool in = true;
	for (size_t i = 0; i < sa.n && in; i++)
		in = strvec_contains(&sb, sa.v[i]);
	strvec_clear(&sa);
	strvec_clear(&sb);
	return in;
}

static void make_true(struct strvec *d)
{
	strvec_clear(d);
	strvec_push(d, "");
}

/* Sorts, removes duplicates and clauses another clause absorbs; past
 * MAX_CLAUSES gives up: true. */
static void normalize(struct strvec *d)
{
	uniq(d);
	size_t k = 0;
	for (size_t i = 0; i < d->n; i++) {
		bool absorbed = false;
		for (size_t j = 0; j < d->n && !absorbed; j++)
			absorbed = j != i && d->v[j] && subset(d->v[j], d->v[i]);
		if (absorbed) {
			free(d->v[i]);
			d->v[i] = NULL; /* kept out of the later checks */
			continue;
		}
		d->v[k++] = d->v[i];
	}
	/* the NULLs left between are the freed ones: compact */
	size_t m = 0;
	for (size_t i = 0; i < k; i++)
		if (d->v[i])
			d->v[m++] = d->v[i];
	d->n = m;
	if (d->cap)
		d->v[m] = NULL;
	if (d->n > MAX_CLAUSES)
		make_true(d);
}

static char *merge(const char *a, const char *b)
{
	struct strvec atoms = STRVEC_INIT;
	split(a, &atoms);
	split(b, &atoms);
	uniq(&atoms);
	char sep[2] = { SEP, 0 };
	char *r = join(&atoms, sep);
	strvec_clear(&atoms);
	return r;
}

static void dnf_and(const struct strvec *a, const struct strvec *b, struct strvec *out)
{
	strvec_clear(out);
	if (a->n * b->n > MAX_CLAUSES * MAX_CLAUSES) {
		make_true(out);
		return;
	}
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++)
			strvec_push_take(out, merge(a->v[i], b->v[j]));
	normalize(out);
}

/* Adds src's clauses to dst; whether dst changed. */
static bool dnf_or(struct strvec *dst, const struct strvec *src)
{
	struct strvec before = STRVEC_INIT;
	strvec_pushv(&before, (const char *const *)dst->v);
	for (size_t i = 0; i < src->n; i++)
		strvec_push(dst, src->v[i]);
	normalize(dst);
	bool changed = before.n != dst->n;
	for (size_t i = 0; i < before.n && !changed; i++)
		changed = strcmp(before.v[i], dst->v[i]) != 0;
	strvec_clear(&before);
	return changed;
}

static bool uses_extra(const struct pep508_marker *m)
{
	return m->lvar == PEP508_EXTRA || m->rvar == PEP508_EXTRA;
}

/* m as a DNF for env (whose extra slot is set): extra comparisons and
 * comparisons false in env are decided, the others kept as atoms. */
static void dnf_of(const struct pep508_marker *m, const struct pep508_env *env, struct strvec *out)
{
	strvec_clear(out);
	if (!m) {
		make_true(out);
		return;
	}
	if (m->kind == PEP508_CMP) {
		bool holds = true;
		struct buf err = BUF_INIT;
		int r = pep508_marker_eval(m, env, &holds, &err);
		buf_free(&err);
		if (r == 0 && !holds)
			return; /* false */
		if (r == 0 && uses_extra(m)) {
			make_true(out);
			return;
		}
		struct buf atom = BUF_INIT;
		pep508_marker_format(&atom, m);
		/* quoted as uv writes markers: 'x' (no escapes inside TOML) */
		if (atom.ptr && !strchr(atom.ptr, '\''))
			for (char *c = atom.ptr; *c; c++)
				*c = *c == '"' ? '\'' : *c;
		strvec_push(out, atom.ptr ? atom.ptr : "");
		buf_free(&atom);
		return;
	}
	struct strvec l = STRVEC_INIT, r = STRVEC_INIT;
	dnf_of(m->left, env, &l);
	dnf_of(m->right, env, &r);
	if (m->kind == PEP508_AND) {
		dnf_and(&l, &r, out);
	} else {
		strvec_pushv(out, (const char *const *)l.v);
		dnf_or(out, &r);
	}
	strvec_clear(&l);
	strvec_clear(&r);
}

/* The DNF under which the requirement is active for a requirer chosen with
 * extras: the OR over no extra and each of them. */
static void req_dnf(const struct pep508_req *q, const struct pep508_env *env,
		    const struct strvec *extras, struct strvec *out)
{
	struct pep508_env e = *env;
	struct strvec one = STRVEC_INIT;
	strvec_clear(out);
	for (size_t k = 0; k <= (extras ? extras->n : 0); k++) {
		e.v[PEP508_EXTRA] = k ? extras->v[k - 1] : NULL;
		dnf_of(q->marker, &e, &one);
		dnf_or(out, &one);
	}
	strvec_clear(&one);
}

static long find(const struct ixplan *pl, const char *name)
{
	char *cn = name_canonicalize(name);
	long at = -1;
	for (size_t i = 0; i < pl->n && at < 0; i++)
		if (!strcmp(pl->v[i].name, cn))
			at = (long)i;
	free(cn);
	return at;
}

struct edge {
	size_t from, to;
	struct strvec when;
};

static char *dnf_text(const struct strvec *d)
{
	if (!d->n || !*d->v[0])
		return NULL; /* true (or unreachable: written without a marker) */
	struct strvec clauses = STRVEC_INIT;
	for (size_t i = 0; i < d->n; i++) {
		struct strvec atoms = STRVEC_INIT;
		split(d->v[i], &atoms);
		char *c = join(&atoms, " and ");
		strvec_push_take(&clauses, d->n > 1 && atoms.n > 1 ? xstrfmt("(%s)", c) : xstrdup(c));
		free(c);
		strvec_clear(&atoms);
	}
	char *r = join(&clauses, " or ");
	strvec_clear(&clauses);
	return r;
}

void lock_graph(const struct ixplan *pl, const struct strvec *reqs,
		const struct pep508_env *env, struct lock_node *out)
{
	struct strvec *mk = xcalloc(pl->n ? pl->n : 1, sizeof(*mk));
	struct edge *edges = NULL;
	size_t nedges = 0;
	struct strvec when = STRVEC_INIT, tmp = STRVEC_INIT;
	for (size_t i = 0; i < pl->n; i++) {
		strvec_init(&mk[i]);
		out[i].marker = NULL;
		strvec_init(&out[i].deps);
	}
	for (size_t r = 0; r < reqs->n; r++) {
		struct pep508_req q;
		if (pep508_parse(reqs->v[r], &q, NULL) < 0)
			continue;
		long to = find(pl, q.name);
		if (to >= 0) {
			req_dnf(&q, env, NULL, &when);
			dnf_or(&mk[to], &when);
		}
		pep508_req_free(&q);
	}
	for (size_t i = 0; i < pl->n; i++) {
		const struct ixdist *d = &pl->v[i];
		struct metadata m = METADATA_INIT;
		metadata_parse(&m, d->metadata ? d->metadata : "", d->metadata ? d->metadata_len : 0);
		size_t pos = 0;
		const char *rd;
		while ((rd = metadata_next(&m, "Requires-Dist", &pos))) {
			struct pep508_req q;
			if (pep508_parse(rd, &q, NULL) < 0)
				continue;
			long to = find(pl, q.name);
			if (to >= 0 && (size_t)to != i) {
				req_dnf(&q, env, &d->extras, &when);
				if (when.n) {
					edges = xrealloc(edges, (nedges + 1) * sizeof(*edges));
					edges[nedges] = (struct edge){ i, (size_t)to, STRVEC_INIT };
					strvec_pushv(&edges[nedges++].when, (const char *const *)when.v);
					if (!strvec_contains(&out[i].deps, pl->v[to].name))
						strvec_push(&out[i].deps, pl->v[to].name);
				}
			}
			pep508_req_free(&q);
		}
		metadata_free(&m);
		strvec_sort(&out[i].deps);
	}
	/* the markers grow to a fixpoint: each round adds what one more step
	 * along the edges brings; n + 1 rounds reach every path */
	bool changed = true;
	for (size_t round = 0; changed && round <= pl->n; round++) {
		changed = false;
		for (size_t k = 0; k < nedges; k++) {
			const struct edge *e = &edges[k];
			if (!mk[e->from].n)
				continue;
			dnf_and(&mk[e->from], &e->when, &tmp);
			changed = dnf_or(&mk[e->to], &tmp) || changed;
		}
	}
	for (size_t i = 0; i < pl->n; i++) {
		out[i].marker = dnf_text(&mk[i]);
		strvec_clear(&mk[i]);
	}
	for (size_t k = 0; k < nedges; k++)
		strvec_clear(&edges[k].when);
	free(edges);
	free(mk);
	strvec_clear(&when);
	strvec_clear(&tmp);
}

void lock_graph_free(struct lock_node *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].marker);
		strvec_clear(&v[i].deps);
	}
}
