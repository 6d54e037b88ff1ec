/* The dependency resolver: PubGrub (as pubgrub-rs and uv implement it) over
 * PEP 440 versions and PEP 508 requirements.
 *
 * A pure module: it does no I/O. Everything it knows about projects comes
 * through a struct resolve_provider, asked lazily (a project's versions when
 * the resolver first needs them, one candidate's dependencies when it first
 * tries that candidate), with prefetch hints so a provider can fetch in
 * parallel what will probably be asked next.
 *
 * What it implements, as pip and uv behave:
 * - markers evaluated for the target environment given in the request;
 * - extras, names normalized per PEP 685; "a[x]" becomes a virtual package
 *   that depends on "a" at the same version, plus a's requirements whose
 *   marker holds with extra == "x";
 * - constraints (-c files): they restrict versions, never add a project;
 * - preferences (installed or locked versions) kept unless upgrade is set or
 *   the project is named in upgrade_packages;
 * - pre-releases as pip decides: allowed for a project when allow_prereleases
 *   is set, when a specifier on it names a pre-release, or when no final
 *   version satisfies what is required of it;
 * - yanked candidates (PEP 592) used only when a requirement pins them with
 *   == or ===;
 * - requires-python checked against the target interpreter's version;
 * - direct URL and local-file requirements ("name @ url"): the provider is
 *   asked with the URL and reports the one candidate it names.
 *
 * When no solution exists the error text explains why in words ("Because
 * a==1.0 depends on b>=2 and c==1.0 depends on b<2, a==1.0 and c==1.0 are
 * incompatible. And because you require a==1.0 and c==1.0, we can conclude
 * that your requirements are unsatisfiable."). The work is bounded: past
 * max_steps decisions and conflicts, or once its version sets outgrow
 * 512 MiB (a hostile index listing huge numbers of versions), it stops with
 * "resolution gave up after N steps ...".
 *
 * Ownership: the resolver never takes ownership of the request or of what
 * the provider hands it (it copies); a struct resolve_result owns everything
 * in it and resolve_result_free() releases it. Names given to the provider
 * are borrowed for the duration of the call. */
#ifndef CVENV_RESOLVE_H
#define CVENV_RESOLVE_H

#include "util/common.h"
#include "core/std/pep508.h"
#include "util/strvec.h"

struct buf;

/* Where the provider writes the candidates of one project (opaque). */
struct resolve_candidates;

/* Adds one candidate (copies the strings):
 *   version          its version as published; text that is not a PEP 440
 *                    version is ignored, as pip ignores it;
 *   yanked           PEP 592 yanked;
 *   requires_python  its Requires-Python specifier set, or NULL/"" when the
 *                    index gives none (an invalid one is treated as absent);
 *   unavailable      NULL when the candidate can be installed, else a short
 *                    reason it cannot ("has no wheels compatible with this
 *                    interpreter"): it is never chosen and the reason is used
 *                    in explanations;
 *   handle           the provider's own reference (an index into its tables
 *                    or a pointer); handed back in get_dependencies and in
 *                    the result.
 * Several candidates with the same version (one per index file) may be added;
 * the first added wins, so add them in the provider's order of preference. */
void resolve_candidates_add(struct resolve_candidates *out, const char *version, bool yanked,
			    const char *requires_python, const char *unavailable, uintptr_t handle);

/* What get_dependencies reports for one candidate. The resolver hands it
 * empty (requires_dist cleared, requires_python NULL) and frees it after. */
struct resolve_metadata {
	/* Its Requires-Dist lines as written in METADATA, markers (extra == "x"
	 * ones included) and all: the resolver evaluates them. Lines that are not
	 * valid PEP 508 make the resolution fail, naming the candidate. */
	struct strvec requires_dist;
	/* Its Requires-Python (malloc'd) if the metadata has one and the listing
	 * did not, else NULL. */
	char *requires_python;
};

/* One prefetch hint: version NULL asks for the project's listing (what
 * list_candidates will need); otherwise for that candidate's metadata. */
struct resolve_hint {
	const char *name;
	const char *version;
	uintptr_t handle;
};

struct resolve_provider {
	void *ctx;
	/* Lists the candidates of project `name` (PEP 503 normalized, never an
	 * extra) with resolve_candidates_add, in any order. url is NULL, or the
	 * URL of a direct requirement ("name @ url", local files as file:// URLs)
	 * when the request has one for this name: then add exactly the one
	 * candidate the URL names (its version from its file name or metadata).
	 * A project no index knows: return 0 having added nothing (the resolver
	 * explains "there is no version of x"). Returns -1 on failure with the
	 * reason in err (network, parse...): the resolution stops with it. Called
	 * at most once per (name, url). */
	int (*list_candidates)(void *ctx, const char *name, const char *url,
			       struct resolve_candidates *out, struct buf *err);
	/* Fills md for one candidate given back by list_candidates (name,
	 * version as the provider added it, handle). Returns 0, or -1 with the
	 * reason in err. Called at most once per candidate, and only for
	 * candidates the resolver tries. */
	int (*get_dependencies)(void *ctx, const char *name, const char *version, uintptr_t handle,
				struct resolve_metadata *md, struct buf *err);
	/* Optional (may be NULL): a hint that these will likely be asked soon;
	 * the provider may start fetching them in the background and return at
	 * once. Only an optimisation: it must not change any answer. */
	void (*prefetch)(void *ctx, const struct resolve_hint *hints, size_t n);
};

/* A preferred version: installed, or from a lock file. */
struct resolve_preference {
	const char *name;    /* any spelling; normalized by the resolver */
	const char *version;
};

struct resolve_request {
	/* Root requirements, PEP 508 strings ("flask>=3", "requests[socks]",
	 * "x @ file:///w/x-1.0-py3-none-any.whl", "y; python_version<'3.9'");
	 * a requirement whose marker is false in env is left out. */
	const struct strvec *requirements;
	/* Optional, parallel to requirements: where each came from, as
	 * pip-compile names it ("-r requirements.in"); used in the via lists. */
	const struct strvec *requirement_sources;
	/* Optional constraints (PEP 508, no extras): they only restrict. */
	const struct strvec *constraints;
	const struct resolve_preference *preferences;
	size_t npreferences;
	bool upgrade;                           /* ignore every preference */
	const struct strvec *upgrade_packages;  /* or ignore these (any spelling) */
	/* The target environment for markers; its extra slot is ignored. */
	const struct pep508_env *env;
	/* The target interpreter's version ("3.11.4") for requires-python; NULL
	 * takes env's python_full_version. */
	const char *python_version;
	bool allow_prereleases;                 /* --pre */
	bool no_deps;                           /* --no-deps: roots only */
	/* Bound on decisions + conflicts; 0 takes RESOLVE_DEFAULT_MAX_STEPS. */
	size_t max_steps;
	const struct resolve_provider *provider;
};

#define RESOLVE_DEFAULT_MAX_STEPS 100000

/* One chosen distribution. */
struct resolve_dist {
	char *name;           /* PEP 503 normalized */
	char *version;        /* as the provider spelled it */
	uintptr_t handle;     /* the provider's handle of the chosen candidate */
	char *url;            /* the direct URL it came from, or NULL */
	struct strvec extras; /* extras chosen (PEP 685 normalized, sorted) */
	bool direct;          /* named by a root requirement */
	/* Who pulled it in, sorted: the normalized names of chosen projects that
	 * depend on it, then the sources of root requirements naming it (or
	 * "-r" when no sources were given). For pip-compile's "# via". */
	struct strvec via;
};

struct resolve_result {
	struct resolve_dist *dists; /* sorted by name */
	size_t n;
	size_t steps;               /* decisions + conflicts used */
};

enum resolve_status {
	RESOLVE_OK = 0,
	RESOLVE_UNSATISFIABLE,  /* err holds the explanation */
	RESOLVE_GAVE_UP,        /* "resolution gave up after N steps" */
	RESOLVE_PROVIDER_ERROR, /* err holds the provider's reason */
	RESOLVE_BAD_INPUT,      /* an invalid requirement, constraint, ...; err says which */
};

/* Resolves req. On RESOLVE_OK fills *res (cleared first). Otherwise *res is
 * empty and err holds the whole message, several lines for an explanation,
 * without a "cvenv: error:" prefix and without trailing newline; names and
 * versions in it come from outside: print it through the escaping helper. */
enum resolve_status resolve(const struct resolve_request *req, struct resolve_result *res,
			    struct buf *err);
void resolve_result_free(struct resolve_result *res);

#endif
