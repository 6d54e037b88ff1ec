/* libFuzzer target for core/resolve: the bytes choose a small index (four
 * projects, up to four versions each among spellings with pre, post, local
 * and 20-digit releases, yanked or not, each with up to two dependencies from
 * a table of specifiers) and the root requirements. The resolver never
 * crashes, finishes within its step bound, and a solution it returns
 * satisfies every root requirement and every dependency of what it chose. */
#include "util/common.h"

#include "core/resolve/resolve.h"
#include "core/std/metadata.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const versions[] = {
	"1.0", "1.0+local", "1.0.post1", "2.0a1", "2.0", "2.0.0", "3.0.dev1",
	"20210609131134657401", "1!0.5", "0.9",
};
static const char *const specs[] = {
	"", ">=2", "<2", "==1.0", "!=2.0", "~=1.0", "==2.*", ">=2.0a1", "===2.0",
	"==20210609131134657401", ">1.0", "<=1.0", "[x]", "[x]>=1", "; extra == 'x'",
	"; python_version < '3'",
};

#define NP 4
#define NV 4

struct scen {
	const char *ver[NP][NV];
	bool yanked[NP][NV];
	char dep[NP][NV][2][64];
	int ndep[NP][NV];
	int nver[NP];
	char root[2][64];
	int nroot;
};

struct cursor {
	const uint8_t *d;
	size_t n, i;
};

static unsigned next(struct cursor *c)
{
	return c->i < c->n ? c->d[c->i++] : 0;
}

static int list_cb(void *ctx, const char *name, const char *url, struct resolve_candidates *out,
		   struct buf *err)
{
	const struct scen *s = ctx;
	if (name[0] != 'p' || name[1] < '0' || name[1] >= '0' + NP || name[2])
		return 0;
	int k = name[1] - '0';
	for (int v = 0; v < s->nver[k]; v++)
		resolve_candidates_add(out, s->ver[k][v], s->yanked[k][v], NULL, NULL,
				       (uintptr_t)(k * NV + v));
	return 0;
}

static int deps_cb(void *ctx, const char *name, const char *version, uintptr_t handle,
		   struct resolve_metadata *md, struct buf *err)
{
	const struct scen *s = ctx;
	int k = (int)handle / NV, v = (int)handle % NV;
	for (int j = 0; j < s->ndep[k][v]; j++)
		strvec_push(&md->requires_dist, s->dep[k][v][j]);
	return 0;
}

/* Whether the requirement holds for the chosen versions (markers aside:
 * a requirement with one is not checked). */
static bool holds(const char *req, const struct resolve_result *res)
{
	if (strchr(req, ';'))
		return true;
	const char *spec = req + 2 + (req[2] == '[' ? 3 : 0);
	for (size_t i = 0; i < res->n; i++) {
		if (strncmp(res->dists[i].name, req, 2))
			continue;
		struct pep440_specset ss;
		struct pep440_version v;
		if (pep440_specset_parse(spec, &ss, NULL) < 0 ||
		    pep440_parse_str(res->dists[i].version, &v) < 0)
			abort();
		bool ok = pep440_specset_contains(&ss, &v, PEP440_PRERELEASES_ALLOW);
		pep440_specset_free(&ss);
		pep440_version_free(&v);
		return ok;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size, 0 };
	struct scen s;
	memset(&s, 0, sizeof(s));
	for (int k = 0; k < NP; k++) {
		s.nver[k] = (int)(next(&c) % (NV + 1));
		for (int v = 0; v < s.nver[k]; v++) {
			unsigned b = next(&c);
			s.ver[k][v] = versions[b % ARRAY_SIZE(versions)];
			s.yanked[k][v] = b & 0x80;
			s.ndep[k][v] = (int)(next(&c) % 3);
			for (int j = 0; j < s.ndep[k][v]; j++) {
				unsigned t = next(&c);
				snprintf(s.dep[k][v][j], sizeof(s.dep[k][v][j]), "p%u%s", t % NP,
					 specs[(t / NP) % ARRAY_SIZE(specs)]);
			}
		}
	}
	s.nroot = 1 + (int)(next(&c) % 2);
	struct strvec reqs = STRVEC_INIT;
	for (int r = 0; r < s.nroot; r++) {
		unsigned t = next(&c);
		snprintf(s.root[r], sizeof(s.root[r]), "p%u%s", t % NP,
			 specs[(t / NP) % ARRAY_SIZE(specs)]);
		strvec_push(&reqs, s.root[r]);
	}
	struct pep508_env env = { 0 };
	env.v[PEP508_PYTHON_VERSION] = "3.12";
	env.v[PEP508_PYTHON_FULL_VERSION] = "3.12.1";
	struct resolve_provider prov = { &s, list_cb, deps_cb, NULL };
	struct resolve_request req = { .requirements = &reqs, .env = &env, .provider = &prov,
				       .max_steps = 10000, .allow_prereleases = size && (data[0] & 1) };
	struct resolve_result res;
	struct buf err = BUF_INIT;
	enum resolve_status st = resolve(&req, &res, &err);
	if (st == RESOLVE_OK) {
		for (int r = 0; r < s.nroot; r++)
			if (!holds(s.root[r], &res))
				abort();
		for (size_t i = 0; i < res.n; i++) {
			int k = (int)res.dists[i].handle / NV, v = (int)res.dists[i].handle % NV;
			for (int j = 0; j < s.ndep[k][v]; j++)
				if (!holds(s.dep[k][v][j], &res))
					abort();
		}
		resolve_result_free(&res);
	} else if (st != RESOLVE_UNSATISFIABLE || !err.len) {
		abort();
	}
	buf_free(&err);
	strvec_clear(&reqs);
	return 0;
}
