/* Version sets for the resolver: subsets of one project's candidate list.
 *
 * A project's universe is its candidates (sorted ascending, index 0 the
 * oldest) plus one extra element, "another version" (bit nc), standing for
 * the versions the index does not offer. A specifier becomes the set of
 * candidates it matches, plus that element only when it matches none: so
 * "b>=2" on a project offering only 1.0 is not empty, and the solver explains
 * "there is no version of b>=2" instead of only "a depends on b>=2". (Either
 * choice is sound, as that element is never chosen.) Sets are bitsets of
 * vset_words(nc) words; bits past nc are always zero.
 *
 * Terms are PubGrub's: positive "p in S" (p is chosen, at a version in S),
 * negative "not p in S" (p is not chosen, or at a version outside S). */
#ifndef CVENV_RESOLVE_VSET_H
#define CVENV_RESOLVE_VSET_H

#include "util/common.h"

static inline size_t vset_words(size_t nc)
{
	return (nc + 1 + 63) / 64;
}

static inline bool vset_has(const uint64_t *s, size_t i)
{
	return (s[i / 64] >> (i % 64)) & 1;
}

static inline void vset_put(uint64_t *s, size_t i)
{
	s[i / 64] |= (uint64_t)1 << (i % 64);
}

/* How many elements s holds ("another version" included). */
size_t vset_count(const uint64_t *s, size_t nw);
bool vset_empty(const uint64_t *s, size_t nw);
bool vset_eq(const uint64_t *a, const uint64_t *b, size_t nw);
/* a is a subset of b */
bool vset_subset(const uint64_t *a, const uint64_t *b, size_t nw);
bool vset_disjoint(const uint64_t *a, const uint64_t *b, size_t nw);
/* Whether the set holds a candidate (not only "another version"). */
bool vset_any_candidate(const uint64_t *s, size_t nc);

enum vset_rel { VSET_SATISFIED, VSET_CONTRADICTED, VSET_INCONCLUSIVE };

/* How term t (pos, s) relates to what is known of its project (apos, a):
 * satisfied when a implies t, contradicted when a excludes it. */
enum vset_rel vset_relation(bool pos, const uint64_t *s, bool apos, const uint64_t *a, size_t nw);
/* out = (apos, a) intersected with (bpos, b); returns out's sign. out may be a. */
bool vset_intersect(bool apos, const uint64_t *a, bool bpos, const uint64_t *b, uint64_t *out,
		    size_t nw);
/* out = complement of s within the universe of nc candidates. */
void vset_complement(const uint64_t *s, uint64_t *out, size_t nc);

#endif
