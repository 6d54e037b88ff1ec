/* What one `cvenv install` will install: wheel files named on the command
 * line, requirements from -r files resolved against --find-links wheelhouses
 * (the newest version the specifier and the interpreter's tags allow, --hash
 * checked), and -- unless --no-deps -- every Requires-Dist of those wheels
 * whose marker holds, satisfied by what is installed, by another wheel of the
 * plan, or else by a wheel found in the wheelhouses; a dependency found
 * nowhere is an error naming it. Constraints (-c files) narrow the versions
 * chosen from the wheelhouses, and every wheel of the plan must satisfy them.
 * This is a greedy, pip-like first pass, not a backtracking resolver.
 *
 * Ownership: a plan owns its wheels and strings; plan_free() releases them. */
#ifndef CVENV_PLAN_H
#define CVENV_PLAN_H

#include "util/common.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/strvec.h"
#include "core/pkg/install.h"

struct wheel;
struct req_entry;

struct plan_item {
	struct wheel *w;
	struct install_opts opts;
	struct strvec extras; /* extras asked for, for Requires-Dist markers */
	const char *cname;    /* w's METADATA name, PEP 503 normalised (p->strings) */
};

struct candidate;

struct plan {
	struct install_env *e;
	struct plan_item *v;
	size_t n, cap;
	size_t *slots; /* index + 1 in v by canonical name's hash, 0 when free */
	size_t nslots; /* a power of two, at least twice n */
	struct strvec find_links;
	bool upgrade, force, no_deps;
	const struct req_entry **cons; /* constraints (not owned) */
	size_t ncons;
	struct strvec links_abs; /* find_links made absolute ("" if not), by scan() */
	struct candidate *cands; /* wheels in the find-links directories */
	size_t ncands, capcands;
	bool scanned;
	/* the env's distributions, listed once per plan (the env is locked:
	 * the plan does not change it), NULL until first asked */
	struct dist_set *installed;
	/* the candidates' paths and names, the items' names and their struct
	 * wheels (freed with the plan, not one by one: issue 18) */
	struct arena strings;
	struct buf cn; /* a name asked about, canonical (reused) */
};

void plan_init(struct plan *p, struct install_env *e);
void plan_free(struct plan *p);

/* Adds a wheel file (direct: it gets a direct_url.json). */
int plan_add_wheel_file(struct plan *p, const char *path, bool direct,
			const struct strvec *extras);
/* Records a constraint (an entry of a -c file) whose marker holds; the entry
 * must outlive the plan. Add every constraint before any requirement. */
int plan_add_constraint(struct plan *p, const struct req_entry *r);
/* Adds one entry of a requirements file (constraints are left to
 * plan_add_constraint). Returns 0 also when the entry is
 * skipped (marker false, already satisfied). */
int plan_add_requirement(struct plan *p, const struct req_entry *r);

struct reqs;
/* Parsed requirements files into p: every file's --find-links first, then
 * the constraints of all files (a constraint applies wherever it is
 * written), then their requirements, each through the functions above. */
int plan_add_files(struct plan *p, const struct reqs *files, size_t nfiles);
/* Checks (and completes from the wheelhouses) the dependencies, then that
 * every wheel satisfies the constraints. */
int plan_check_deps(struct plan *p);

#endif
