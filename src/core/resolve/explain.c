/* Explaining why no solution exists, in words, from the derivation graph of
 * the root incompatibility (pub's solver.md, "Error Reporting"): each derived
 * incompatibility becomes one sentence, "Because X and Y, Z."; one that is
 * used twice gets a line number to refer back to. */
#include "util/common.h"

#include "core/resolve/solver.h"
#include "util/buf.h"

struct lines {
	struct strvec text;
	int *num;         /* per line: its number, or 0 */
	int *line_of;     /* per incompatibility: the number of its line, or 0 */
	int *refs;        /* per incompatibility: how often it is a cause */
	int next;
};

/* The run [i, j] of candidates, as a specifier. */
static void format_run(const struct pkg *p, size_t i, size_t j, struct buf *out)
{
	if (i == j) {
		buf_addf(out, "==%s", p->c[i].text);
		return;
	}
	if (i > 0)
		buf_addf(out, ">=%s", p->c[i].text);
	if (j + 1 < p->nc)
		buf_addf(out, "%s<%s", i > 0 ? "," : "", p->c[j + 1].text);
}

void solver_format_set(struct solver *s, int pkg, const uint64_t *set, const char *text,
		       struct buf *out)
{
	const struct pkg *p = &s->p[pkg];
	if (text) {
		buf_addstr(out, text);
		return;
	}
	buf_addstr(out, p->name);
	size_t missing = 0, miss = 0;
	for (size_t i = 0; i < p->nc; i++)
		if (!vset_has(set, i))
			missing++, miss = i;
	if (!missing && p->nc > 1)
		return; /* any version */
	if (missing == 1 && p->nc > 2 && miss > 0 && miss + 1 < p->nc) {
		buf_addf(out, "!=%s", p->c[miss].text);
		return;
	}
	if (missing == p->nc)
		return; /* only versions not offered: the name says it */
	bool first = true;
	for (size_t i = 0; i < p->nc;) {
		if (!vset_has(set, i)) {
			i++;
			continue;
		}
		size_t j = i;
		while (j + 1 < p->nc && vset_has(set, j + 1))
			j++;
		if (!first)
			buf_addstr(out, " | ");
		first = false;
		format_run(p, i, j, out);
		i = j + 1;
	}
}

static void format_term(struct solver *s, const struct term *t, struct buf *out)
{
	solver_format_set(s, t->pkg, t->set, t->text, out);
}

/* "a, b and c" */
static void join_terms(struct solver *s, const struct term *const *t, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addstr(out, i + 1 == n ? " and " : ", ");
		format_term(s, t[i], out);
	}
}

static bool is_root_dependency(struct solver *s, int id)
{
	const struct incompat *ic = &s->inc[id];
	return ic->kind == INC_DEPENDENCY && ic->n == 2 && ic->terms[0].pkg == 0;
}

static void incompat_text(struct solver *s, int id, struct buf *out)
{
	const struct incompat *ic = &s->inc[id];
	switch (ic->kind) {
	case INC_ROOT:
		buf_addstr(out, "you require a solution");
		return;
	case INC_DEPENDENCY:
		if (ic->n == 2) {
			if (ic->terms[0].pkg == 0)
				buf_addstr(out, "you require ");
			else {
				format_term(s, &ic->terms[0], out);
				buf_addstr(out, " depends on ");
			}
			format_term(s, &ic->terms[1], out);
			return;
		}
		break;
	case INC_NO_VERSIONS:
		buf_addf(out, "there is no %sversion of ", ic->text ? "usable " : "");
		format_term(s, &ic->terms[0], out);
		if (ic->text)
			buf_addf(out, " (%s)", ic->text);
		return;
	case INC_UNAVAILABLE:
		format_term(s, &ic->terms[0], out);
		buf_addf(out, " %s", ic->text);
		return;
	case INC_DERIVED:
		break;
	}
	const struct term **pos = xcalloc(ic->n + 1, sizeof(*pos));
	const struct term **neg = xcalloc(ic->n + 1, sizeof(*neg));
	size_t np = 0, nn = 0;
	bool root = false;
	for (size_t i = 0; i < ic->n; i++) {
		if (ic->terms[i].pkg == 0)
			root = root || ic->terms[i].pos;
		else if (ic->terms[i].pos)
			pos[np++] = &ic->terms[i];
		else
			neg[nn++] = &ic->terms[i];
	}
	if (!np && !nn) {
		buf_addstr(out, "we can conclude that your requirements are unsatisfiable");
	} else if (!np) {
		buf_addstr(out, root ? "you require " : "");
		join_terms(s, neg, nn, out);
		buf_addstr(out, root ? "" : (nn > 1 ? " are required" : " is required"));
	} else if (!nn) {
		join_terms(s, pos, np, out);
		buf_addstr(out, np > 1 ? " are incompatible" : " cannot be used");
	} else {
		join_terms(s, pos, np, out);
		buf_addstr(out, np > 1 ? " together depend on " : " depends on ");
		join_terms(s, neg, nn, out);
	}
	free(pos);
	free(neg);
}

/* Two external incompatibilities as one clause; two root requirements read
 * "you require a and b". */
static void externals_text(struct solver *s, int a, int b, struct buf *out)
{
	if (is_root_dependency(s, a) && is_root_dependency(s, b)) {
		struct buf x = BUF_INIT, y = BUF_INIT;
		format_term(s, &s->inc[a].terms[1], &x);
		format_term(s, &s->inc[b].terms[1], &y);
		bool swap = strcmp(x.ptr, y.ptr) > 0;
		buf_addf(out, "you require %s and %s", swap ? y.ptr : x.ptr, swap ? x.ptr : y.ptr);
		buf_free(&x);
		buf_free(&y);
		return;
	}
	incompat_text(s, a, out);
	buf_addstr(out, " and ");
	incompat_text(s, b, out);
}

static bool derived(struct solver *s, int id)
{
	return s->inc[id].kind == INC_DERIVED;
}

static void write_line(struct solver *s, struct lines *L, int id, struct buf *b)
{
	strvec_push(&L->text, b->ptr);
	L->num = xrealloc(L->num, L->text.n * sizeof(*L->num));
	L->num[L->text.n - 1] = 0;
	if (L->refs[id] > 1) {
		L->num[L->text.n - 1] = ++L->next;
		L->line_of[id] = L->next;
	}
}

static void ref_text(struct solver *s, struct lines *L, int id, struct buf *b)
{
	incompat_text(s, id, b);
	if (L->line_of[id])
		buf_addf(b, " (%d)", L->line_of[id]);
}

static void explain(struct solver *s, struct lines *L, int id)
{
	const struct incompat *ic = &s->inc[id];
	int c1 = ic->c1, c2 = ic->c2;
	struct buf b = BUF_INIT;
	if (derived(s, c1) && derived(s, c2)) {
		int l1 = L->line_of[c1], l2 = L->line_of[c2];
		if (l1 && l2) {
			buf_addstr(&b, "Because ");
			ref_text(s, L, c1, &b);
			buf_addstr(&b, " and ");
			ref_text(s, L, c2, &b);
		} else if (l1 || l2) {
			int with = l1 ? c1 : c2, without = l1 ? c2 : c1;
			explain(s, L, without);
			buf_addstr(&b, "And because ");
			ref_text(s, L, with, &b);
		} else {
			explain(s, L, c1);
			if (!L->line_of[c1] && L->text.n) {
				L->num[L->text.n - 1] = ++L->next;
				L->line_of[c1] = L->next;
			}
			explain(s, L, c2);
			buf_addstr(&b, "And because ");
			ref_text(s, L, c1, &b);
		}
	} else if (derived(s, c1) || derived(s, c2)) {
		int d = derived(s, c1) ? c1 : c2, e = derived(s, c1) ? c2 : c1;
		const struct incompat *di = &s->inc[d];
		if (L->line_of[d]) {
			buf_addstr(&b, "Because ");
			incompat_text(s, e, &b);
			buf_addstr(&b, " and ");
			ref_text(s, L, d, &b);
		} else if (L->refs[d] <= 1 && (derived(s, di->c1) != derived(s, di->c2)) &&
			   !L->line_of[derived(s, di->c1) ? di->c1 : di->c2]) {
			/* collapse: the derived cause's own external joins this line */
			int dd = derived(s, di->c1) ? di->c1 : di->c2;
			int de = derived(s, di->c1) ? di->c2 : di->c1;
			explain(s, L, dd);
			buf_addstr(&b, "And because ");
			externals_text(s, de, e, &b);
		} else {
			explain(s, L, d);
			buf_addstr(&b, "And because ");
			incompat_text(s, e, &b);
		}
	} else {
		buf_addstr(&b, "Because ");
		externals_text(s, c1, c2, &b);
	}
	buf_addstr(&b, ", ");
	incompat_text(s, id, &b);
	buf_addch(&b, '.');
	write_line(s, L, id, &b);
	buf_free(&b);
}

static void count_refs(struct solver *s, struct lines *L, int id)
{
	const struct incompat *ic = &s->inc[id];
	if (ic->kind != INC_DERIVED)
		return;
	int c[2] = { ic->c1, ic->c2 };
	for (int i = 0; i < 2; i++)
		if (L->refs[c[i]]++ == 0)
			count_refs(s, L, c[i]);
}

void solver_explain(struct solver *s, int id, struct buf *out)
{
	if (!derived(s, id)) {
		incompat_text(s, id, out);
		return;
	}
	struct lines L = { STRVEC_INIT, NULL, NULL, NULL, 0 };
	L.line_of = xcalloc(s->ninc, sizeof(int));
	L.refs = xcalloc(s->ninc, sizeof(int));
	L.refs[id] = 1;
	count_refs(s, &L, id);
	explain(s, &L, id);
	for (size_t i = 0; i < L.text.n; i++) {
		if (i) /* a new chain of reasons starts a paragraph */
			buf_addstr(out, starts_with(L.text.v[i], "Because ") ? "\n\n" : "\n");
		buf_addstr(out, L.text.v[i]);
		if (L.num[i])
			buf_addf(out, " (%d)", L.num[i]);
	}
	strvec_clear(&L.text);
	free(L.num);
	free(L.line_of);
	free(L.refs);
}
