/* Installing from package indexes: the resolver's provider over the index
 * client (candidates from the index pages, filtered by the interpreter's
 * tags; dependencies from each wheel's METADATA; prefetch hints passed on to
 * the client's parallel fetches), the resolution itself, and the downloads
 * that follow it. cmd/install.c then installs the downloaded wheels through
 * the ordinary plan/stage/txn path.
 *
 * Candidates: per version, the wheel whose best tag ranks best for the env's
 * interpreter; a version with wheels but none compatible, or with only
 * source distributions, is given to the resolver as unavailable with that
 * reason (sdists are not built: the error names them). Requires-Python and
 * yanked come from the index listing; the resolver applies pip's rules.
 *
 * Ownership: a struct ixplan owns its dists and strings; ixplan_free()
 * releases them. The client must outlive the plan (index_file pointers). */
#ifndef CVENV_INDEXPROV_H
#define CVENV_INDEXPROV_H

#include "util/common.h"
#include "util/buf.h"
#include "util/strvec.h"

struct install_env;
struct index_client;
struct index_file;
struct resolve_preference;
struct pep508_env;
struct ixtarget;

struct ixdist {
	char *name;                  /* PEP 503 normalized */
	char *version;
	const struct index_file *f;  /* where it comes from, or NULL: local */
	char *local_path;            /* a local wheel (direct requirement) */
	struct strvec extras;
	bool direct, requested;      /* direct: a local wheel, or f a direct URL's */
	char *installed;             /* the installed version, or NULL */
	bool skip;                   /* that version is installed already */
	/* its METADATA as the resolver read it: the index client's text (valid
	 * while the client lives; a plan is freed before it) or metadata_own */
	const char *metadata;
	size_t metadata_len;
	struct buf metadata_own;     /* a local wheel's METADATA */
	char *path;                  /* the wheel on disk, after ixplan_download */
	char *sha256;                /* its sha256 (hex), after ixplan_download */
	struct strvec via;           /* who pulled it in (resolve_dist.via) */
};

struct ixplan {
	struct ixdist *v;
	size_t n;
	size_t steps;
};

struct ixrequest {
	const struct strvec *requirements;  /* PEP 508 strings */
	const struct strvec *constraints;
	const struct strvec *upgrade_packages;
	bool upgrade, pre, no_deps, force;
	/* cvenv lock: these preferences (an existing lock's pins) instead of the
	 * installed versions, which are then not looked at; and where each
	 * requirement came from ("-r requirements.in"), for the via lists. */
	bool use_preferences;
	const struct resolve_preference *preferences;
	size_t npreferences;
	const struct strvec *requirement_sources;
	/* cvenv lock --python-version/--python-platform: resolve for this target
	 * (its marker values, its Python version for requires-python, its tags
	 * for the wheels) instead of the env's interpreter; NULL: the env's. */
	const struct ixtarget *target;
	/* the plan's dists need no METADATA text (no --report): the resolver
	 * keeps only their dependencies and ixdist.metadata stays NULL */
	bool no_metadata_text;
};

struct ixtarget {
	const struct pep508_env *env;
	const char *python_version;  /* "3.8.0" */
	const struct strvec *tags;   /* supported tags, best first */
};

/* Resolves rq for env e with the client c. Installed distributions are
 * preferred (kept) unless upgrading. Reports and returns -1 when there is no
 * solution (the resolver's explanation), a page or a metadata file cannot be
 * had, or a requirement is invalid. */
int ixplan_resolve(struct install_env *e, struct index_client *c, const struct ixrequest *rq,
		   struct ixplan *out);
/* Every file the index lists for that version of the project name (PEP 503
 * normalized): wheels of every tag and sdists, in the listing's order, as
 * pip-compile hashes them; *out is a new array of pointers into the
 * client's listing (free the array only). -1 (reported) when the listing
 * cannot be had. */
int ixplan_version_files(struct index_client *c, const char *name, const char *version,
			 const struct index_file ***out, size_t *n);
/* Downloads (in parallel) every dist not skipped and checks its hashes. */
int ixplan_download(struct index_client *c, struct ixplan *pl);
void ixplan_free(struct ixplan *pl);

#endif
