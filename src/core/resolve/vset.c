/* Version sets and PubGrub term algebra over bitsets (see vset.h). */
#include "util/common.h"

#include "core/resolve/vset.h"

bool vset_empty(const uint64_t *s, size_t nw)
{
	for (size_t i = 0; i < nw; i++)
		if (s[i])
			return false;
	return true;
}

bool vset_eq(const uint64_t *a, const uint64_t *b, size_t nw)
{
	return !memcmp(a, b, nw * sizeof(*a));
}

bool vset_subset(const uint64_t *a, const uint64_t *b, size_t nw)
{
	for (size_t i = 0; i < nw; i++)
		if (a[i] & ~b[i])
			return false;
	return true;
}

bool vset_disjoint(const uint64_t *a, const uint64_t *b, size_t nw)
{
	for (size_t i = 0; i < nw; i++)
		if (a[i] & b[i])
			return false;
	return true;
}

bool vset_any_candidate(const uint64_t *s, size_t nc)
{
	for (size_t i = 0; i < nc / 64; i++)
		if (s[i])
			return true;
	return nc % 64 && (s[nc / 64] & (((uint64_t)1 << (nc % 64)) - 1));
}

/* A negative term "not in S" is the set "unselected, or outside S"; with
 * that reading every case is a subset or disjointness test. */
enum vset_rel vset_relation(bool pos, const uint64_t *s, bool apos, const uint64_t *a, size_t nw)
{
	if (apos && pos) {
		if (vset_subset(a, s, nw))
			return VSET_SATISFIED;
		return vset_disjoint(a, s, nw) ? VSET_CONTRADICTED : VSET_INCONCLUSIVE;
	}
	if (apos) {
		if (vset_disjoint(a, s, nw))
			return VSET_SATISFIED;
		return vset_subset(a, s, nw) ? VSET_CONTRADICTED : VSET_INCONCLUSIVE;
	}
	if (pos) /* "unselected" is allowed by a but never implies a selection */
		return vset_subset(s, a, nw) ? VSET_CONTRADICTED : VSET_INCONCLUSIVE;
	return vset_subset(s, a, nw) ? VSET_SATISFIED : VSET_INCONCLUSIVE;
}

bool vset_intersect(bool apos, const uint64_t *a, bool bpos, const uint64_t *b, uint64_t *out,
		    size_t nw)
{
	for (size_t i = 0; i < nw; i++) {
		if (apos && bpos)
			out[i] = a[i] & b[i];
		else if (apos)
			out[i] = a[i] & ~b[i];
		else if (bpos)
			out[i] = b[i] & ~a[i];
		else
			out[i] = a[i] | b[i];
	}
	return apos || bpos;
}

void vset_complement(const uint64_t *s, uint64_t *out, size_t nc)
{
	size_t nw = vset_words(nc), bits = nc + 1;
	for (size_t i = 0; i < nw; i++)
		out[i] = ~s[i];
	if (bits % 64)
		out[nw - 1] &= ((uint64_t)1 << (bits % 64)) - 1;
}

size_t vset_count(const uint64_t *s, size_t nw)
{
	size_t n = 0;
	for (size_t i = 0; i < nw; i++)
		n += (size_t)__builtin_popcountll(s[i]);
	return n;
}
