/* The dependency graph of a resolution, for pylock.toml: each package's
 * direct dependencies among the chosen ones, and the marker under which it
 * is needed ("python_version < '3.10'" when only a requirement with that
 * marker pulls it in), as uv writes package markers.
 *
 * A package's marker is the OR, over every path from a root requirement to
 * it, of the AND of the markers along the path. Markers are kept as
 * disjunctions of conjunctions of comparisons: `extra` comparisons are
 * decided by the extras chosen for the requiring package, comparisons false
 * in the target environment drop their conjunction (the lock is for that
 * target), and a package reachable without any condition gets no marker.
 * Past a bound on the size of a marker the package is written without one
 * (it is then always installed: sound, as the target needs it).
 *
 * Ownership: a lock_node owns its strings; lock_graph_free releases them. */
#ifndef CVENV_LOCK_GRAPH_H
#define CVENV_LOCK_GRAPH_H

#include "util/common.h"
#include "util/strvec.h"

struct ixplan;
struct pep508_env;

struct lock_node {
	char *marker;       /* NULL: always needed */
	struct strvec deps; /* canonical names of its direct dependencies, sorted */
};

/* Fills out[0..pl->n) for the resolution pl of the root requirements reqs
 * (PEP 508 strings) in env. Requirements or metadata lines that do not
 * parse are skipped (the resolver has refused them already). */
void lock_graph(const struct ixplan *pl, const struct strvec *reqs,
		const struct pep508_env *env, struct lock_node *out);
void lock_graph_free(struct lock_node *v, size_t n);

#endif
