/* Merging per-target locks into one (see universal.h). */
#include "util/common.h"

#include "core/lock/pylock.h"
#include "core/lock/universal.h"
#include "core/std/metadata.h"
#include "util/buf.h"

static char *dup_opt(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void copy_file(struct pylock_file *dst, const struct pylock_file *src)
{
	dst->name = dup_opt(src->name);
	dst->url = dup_opt(src->url);
	dst->path = dup_opt(src->path);
	dst->size = src->size;
	dst->upload_time = dup_opt(src->upload_time);
	dst->subdirectory = dup_opt(src->subdirectory);
	strvec_pushv(&dst->hashes, (const char *const *)src->hashes.v);
}

static bool same_entry(const struct pylock_package *a, const struct pylock_package *b)
{
	if (!a->version || !b->version || strcmp(a->version, b->version))
		return false;
	char *ca = name_canonicalize(a->name), *cb = name_canonicalize(b->name);
	bool same = !strcmp(ca, cb);
	free(ca);
	free(cb);
	return same;
}

/* The conjuncts of marker (a plain "a and b", no "or") that target does
 * not already say; NULL when it says them all. The whole marker otherwise. */
static char *beyond_target(const char *target, const char *marker)
{
	if (!marker || strstr(marker, " or ") || strchr(marker, '('))
		return marker ? xstrdup(marker) : NULL;
	struct buf rest = BUF_INIT;
	char *t = xstrfmt(" and %s and ", target);
	const char *p = marker;
	while (*p) {
		const char *end = strstr(p, " and ");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *part = xstrfmt(" and %.*s and ", (int)n, p);
		if (!strstr(t, part))
			buf_addf(&rest, "%s%.*s", rest.len ? " and " : "", (int)n, p);
		free(part);
		p += n + (end ? 5 : 0);
	}
	free(t);
	return rest.len ? buf_detach(&rest) : NULL;
}

/* One target's clause, "target and marker", each part parenthesized when
 * it has an "or", the whole when it joins others and has an "and". */
static void add_clause(struct buf *m, const char *target, const char *full_marker, bool many)
{
	struct buf c = BUF_INIT;
	char *marker = beyond_target(target, full_marker);
	buf_addf(&c, strstr(target, " or ") ? "(%s)" : "%s", target);
	if (marker)
		buf_addf(&c, strstr(marker, " or ") ? " and (%s)" : " and %s", marker);
	free(marker);
	if (m->len)
		buf_addstr(m, " or ");
	buf_addf(m, many && strstr(c.ptr, " and ") ? "(%s)" : "%s", c.ptr);
	buf_free(&c);
}

static void merge_entry(const struct pylock *in, const char *const *markers, size_t n,
			size_t t0, size_t k0, struct pylock *out)
{
	const struct pylock_package *first = &in[t0].v[k0];
	const struct pylock_package **at = xcalloc(n, sizeof(*at));
	size_t nat = 0;
	for (size_t t = t0; t < n; t++)
		for (size_t k = 0; k < in[t].n && !at[t]; k++)
			if (same_entry(first, &in[t].v[k])) {
				at[t] = &in[t].v[k];
				nat++;
			}
	struct pylock_package *p = pylock_add_package(out, first->name, first->version);
	p->requires_python = dup_opt(first->requires_python);
	p->index = dup_opt(first->index);
	/* the marker: the targets' own when all agree, else one clause per
	 * target that has this entry */
	bool agree = true;
	for (size_t t = t0; t < n && agree; t++)
		agree = at[t] && (at[t]->marker == first->marker ||
				  (at[t]->marker && first->marker &&
				   !strcmp(at[t]->marker, first->marker)));
	if (nat == n && agree) {
		p->marker = dup_opt(first->marker);
	} else {
		struct buf m = BUF_INIT;
		for (size_t t = t0; t < n; t++)
			if (at[t])
				add_clause(&m, markers[t], at[t]->marker, nat > 1);
		p->marker = buf_detach(&m);
	}
	for (size_t t = t0; t < n; t++) {
		if (!at[t])
			continue;
		for (size_t w = 0; w < at[t]->nwheels; w++) {
			bool have = false;
			for (size_t h = 0; h < p->nwheels && !have; h++)
				have = p->wheels[h].name && at[t]->wheels[w].name &&
				       !strcmp(p->wheels[h].name, at[t]->wheels[w].name);
			if (!have)
				copy_file(pylock_add_wheel(p), &at[t]->wheels[w]);
		}
		for (size_t d = 0; d < at[t]->ndeps; d++) {
			bool have = false;
			for (size_t h = 0; h < p->ndeps && !have; h++)
				have = !strcmp(p->deps[h].name, at[t]->deps[d].name);
			if (have)
				continue;
			p->deps = xrealloc(p->deps, (p->ndeps + 1) * sizeof(*p->deps));
			p->deps[p->ndeps].name = xstrdup(at[t]->deps[d].name);
			p->deps[p->ndeps++].version = NULL;
		}
	}
	free(at);
}

void pylock_merge(const struct pylock *in, const char *const *markers, size_t n,
		  struct pylock *out)
{
	pylock_init(out);
	out->lock_version = xstrdup(PYLOCK_VERSION);
	out->created_by = n ? dup_opt(in[0].created_by) : NULL;
	out->requires_python = n ? dup_opt(in[0].requires_python) : NULL;
	for (size_t t = 0; t < n; t++)
		if (!strvec_contains(&out->environments, markers[t]))
			strvec_push(&out->environments, markers[t]);
	strvec_sort(&out->environments);
	for (size_t t = 0; t < n; t++)
		for (size_t k = 0; k < in[t].n; k++) {
			/* each entry once: from the first target that has it */
			bool seen = false;
			for (size_t e = 0; e < out->n && !seen; e++)
				seen = same_entry(&out->v[e], &in[t].v[k]);
			if (!seen)
				merge_entry(in, markers, n, t, k, out);
		}
}
