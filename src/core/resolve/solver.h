/* Internals shared by the resolver's files (pubgrub.c, explain.c): the
 * projects, incompatibilities and partial solution of one resolution. */
#ifndef CVENV_RESOLVE_SOLVER_H
#define CVENV_RESOLVE_SOLVER_H

#include "util/common.h"
#include "core/resolve/resolve.h"
#include "core/resolve/vset.h"
#include "core/std/pep440.h"

struct cand {
	struct pep440_version v;
	char *text;         /* as the provider spelled it */
	char *unavailable;  /* why it can never be chosen, or NULL */
	uintptr_t handle;
	bool yanked, pre;
	size_t order;       /* insertion order, for stable dedup */
	/* metadata, fetched once per candidate of a real project */
	bool md_done;
	struct strvec requires_dist;
};

struct resolve_candidates {
	struct cand *c;
	size_t n, cap;
};

struct deplist {
	int *ids;
	size_t n;
};

struct pkg {
	char *name;          /* "a", "a[x]"; "" for the root */
	int base;            /* the real project of an extra, else itself */
	char *extra;         /* for "a[x]": "x" */
	char *url;
	bool listed;
	struct cand *c;      /* shared with base for an extra */
	size_t nc, nw;
	bool pre_explicit, pinned, upgrade;
	long pref;           /* preferred candidate, or -1 */
	uint64_t *constraint; /* or NULL */
	char *constraint_text; /* "b<2" */
	bool deps_seen;       /* a dependency names it */
	uint8_t *deps_added;  /* per candidate */
	struct deplist *deps; /* per candidate: the projects it depends on */
	int *incs;            /* incompatibilities naming it */
	size_t nincs, capincs;
	/* partial solution */
	bool has_acc, acc_pos, decided;
	uint64_t *acc;        /* the last assignment's snapshot */
	size_t acc_count;
	long chosen;
	/* root requirement sources naming it */
	struct strvec sources;
};

struct term {
	int pkg;
	bool pos;
	uint64_t *set;
	const char *text; /* the specifier it came from, or NULL */
	long one;         /* in an incompatibility: the only member, or -1 */
};

enum incompat_kind {
	INC_ROOT,        /* the root must be chosen */
	INC_DEPENDENCY,  /* terms[0] depends on not terms[1] */
	INC_NO_VERSIONS, /* no usable version in terms[0] */
	INC_UNAVAILABLE, /* terms[0] (one version) cannot be used: text says why */
	INC_DERIVED,
};

struct incompat {
	struct term *terms;
	size_t n;
	enum incompat_kind kind;
	int c1, c2;
	char *text; /* INC_UNAVAILABLE, INC_NO_VERSIONS: the reason */
};

struct assignment {
	struct term t;
	int level;
	int cause;  /* -1: a decision */
	/* what is known of t.pkg once this is applied (the intersection of
	 * its assignments so far), kept so that backjumping and conflict
	 * analysis never recompute it */
	uint64_t *snap;
	bool snap_pos;
	size_t snap_count;
};

struct solver {
	const struct resolve_request *req;
	const struct resolve_provider *prov;
	struct pep440_version python;
	bool have_python;
	struct pkg *p;
	size_t np, capp;
	struct incompat *inc;
	size_t ninc, capinc;
	struct assignment *a;
	size_t na, capa;
	int level;
	size_t steps, max_steps;
	size_t set_bytes;     /* allocated for version sets so far */
	struct strvec texts;  /* owned strings the terms point at */
	uint64_t **sets;      /* every set allocated */
	size_t nsets, capsets;
	struct buf *err;
	enum resolve_status status;
};

/* The memory bound on version sets (512 MiB; tests lower it). */
extern size_t resolve_max_set_bytes;

uint64_t *solver_set(struct solver *s, size_t nw);
/* Writes the explanation of the root incompatibility id into out. */
void solver_explain(struct solver *s, int id, struct buf *out);
/* "a==1.0", "a>=1.0,<2.0", "a" for a term's set as it reads positively. */
void solver_format_set(struct solver *s, int pkg, const uint64_t *set, const char *text,
		       struct buf *out);

#endif
