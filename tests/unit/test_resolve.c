/* Unit tests for core/resolve: PubGrub over a synthetic in-memory index, in
 * the spirit of packse's scenarios. Each scenario gives the index, the
 * request and the expected resolution ("a==1.0 b[x]==2.0") or error text. */
#include "unit.h"

#include <time.h>

/* scenario tables name only the fields they need */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "core/resolve/resolve.h"
#include "core/resolve/solver.h"
#include "util/buf.h"

struct dist {
	const char *name, *version;
	const char *deps[6];
	bool yanked;
	const char *requires_python;  /* from the listing */
	const char *unavailable;
	const char *md_python;        /* only in the metadata */
	const char *url;              /* offered only for this direct URL */
};

struct index {
	const struct dist *d;
	size_t n;
	/* generated dists (many versions) */
	struct dist *gen;
	size_t ngen;
	int lists, fetches, hints, md_hints;
};

static const struct dist *dist_at(const struct index *ix, size_t i)
{
	return i < ix->n ? &ix->d[i] : &ix->gen[i - ix->n];
}

static int list_cb(void *ctx, const char *name, const char *url, struct resolve_candidates *out,
		   struct buf *err)
{
	struct index *ix = ctx;
	ix->lists++;
	if (!strcmp(name, "broken")) {
		buf_addstr(err, "HTTP 500");
		return -1;
	}
	for (size_t i = 0; i < ix->n + ix->ngen; i++) {
		const struct dist *d = dist_at(ix, i);
		if (strcmp(d->name, name))
			continue;
		if ((url == NULL) != (d->url == NULL) || (url && strcmp(url, d->url)))
			continue;
		resolve_candidates_add(out, d->version, d->yanked, d->requires_python, d->unavailable,
				       i);
	}
	return 0;
}

static int deps_cb(void *ctx, const char *name, const char *version, uintptr_t handle,
		   struct resolve_metadata *md, struct buf *err)
{
	struct index *ix = ctx;
	ix->fetches++;
	const struct dist *d = dist_at(ix, handle);
	assert_string_equal(d->name, name);
	assert_string_equal(d->version, version);
	for (size_t i = 0; i < ARRAY_SIZE(d->deps) && d->deps[i]; i++)
		strvec_push(&md->requires_dist, d->deps[i]);
	if (d->md_python)
		md->requires_python = xstrdup(d->md_python);
	return 0;
}

static void hint_cb(void *ctx, const struct resolve_hint *h, size_t n)
{
	struct index *ix = ctx;
	for (size_t i = 0; i < n; i++) {
		ix->hints++;
		ix->md_hints += h[i].version != NULL;
		if (h[i].version) /* the handle of that very version */
			assert_string_equal(dist_at(ix, h[i].handle)->version, h[i].version);
	}
}

struct opts {
	const char *constraints[4];
	struct resolve_preference prefs[4];
	bool upgrade, pre, no_deps;
	const char *upgrade_pkg;
	size_t max_steps;
	const char *python;
	const char *sources[4];
	const char *sys_platform;
};

/* Resolves and returns "a==1.0 b[x]==2.0" or the error text (owned). */
static char *run_ix(struct index *ix, const char *const *reqs, const struct opts *o,
		    enum resolve_status *st, struct resolve_result *keep)
{
	struct resolve_provider prov = { ix, list_cb, deps_cb, hint_cb };
	struct strvec rv = STRVEC_INIT, cv = STRVEC_INIT, up = STRVEC_INIT;
	for (size_t i = 0; reqs[i]; i++)
		strvec_push(&rv, reqs[i]);
	struct opts none = { 0 };
	if (!o)
		o = &none;
	for (size_t i = 0; i < ARRAY_SIZE(o->constraints) && o->constraints[i]; i++)
		strvec_push(&cv, o->constraints[i]);
	if (o->upgrade_pkg)
		strvec_push(&up, o->upgrade_pkg);
	struct strvec src = STRVEC_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(o->sources) && o->sources[i]; i++)
		strvec_push(&src, o->sources[i]);
	size_t np = 0;
	while (np < ARRAY_SIZE(o->prefs) && o->prefs[np].name)
		np++;
	struct pep508_env env = { 0 };
	env.v[PEP508_PYTHON_VERSION] = "3.11";
	env.v[PEP508_PYTHON_FULL_VERSION] = o->python ? o->python : "3.11.4";
	env.v[PEP508_SYS_PLATFORM] = o->sys_platform ? o->sys_platform : "linux";
	struct resolve_request req = {
		.requirements = &rv, .requirement_sources = src.n ? &src : NULL, .constraints = &cv, .preferences = o->prefs,
		.npreferences = np, .upgrade = o->upgrade, .upgrade_packages = &up, .env = &env,
		.allow_prereleases = o->pre, .no_deps = o->no_deps, .max_steps = o->max_steps,
		.provider = &prov,
	};
	struct resolve_result res;
	struct buf out = BUF_INIT, err = BUF_INIT;
	enum resolve_status s = resolve(&req, &res, &err);
	if (st)
		*st = s;
	if (s == RESOLVE_OK) {
		for (size_t i = 0; i < res.n; i++) {
			const struct resolve_dist *d = &res.dists[i];
			buf_addf(&out, "%s%s", i ? " " : "", d->name);
			for (size_t k = 0; k < d->extras.n; k++)
				buf_addf(&out, "%s%s", k ? "," : "[", d->extras.v[k]);
			buf_addf(&out, "%s==%s", d->extras.n ? "]" : "", d->version);
		}
		if (keep)
			*keep = res;
		else
			resolve_result_free(&res);
	} else {
		buf_addstr(&out, err.ptr);
	}
	buf_free(&err);
	strvec_clear(&rv);
	strvec_clear(&cv);
	strvec_clear(&up);
	strvec_clear(&src);
	return buf_detach(&out);
}

#define RUN(dists, reqs, o) run_dists(dists, ARRAY_SIZE(dists), reqs, o)

static char *run_dists(const struct dist *d, size_t n, const char *const *reqs,
		       const struct opts *o)
{
	struct index ix = { d, n, NULL, 0, 0, 0, 0, 0 };
	return run_ix(&ix, reqs, o, NULL, NULL);
}

static void expect(char *got, const char *want)
{
	if (strcmp(got, want))
		print_error("got:\n%s\nwant:\n%s\n", got, want);
	assert_string_equal(got, want);
	free(got);
}

static void test_simple(void **state)
{
	static const struct dist d[] = {
		{ "a", "1.0", { "B>=1" } },
		{ "a", "2.0", { "b>=2" } },
		{ "b", "1.0" }, { "b", "2.0" }, { "b", "2.1", { "c; sys_platform == 'win32'" } },
	};
	expect(RUN(d, ((const char *[]){ "A", NULL }), NULL), "a==2.0 b==2.1");
	expect(RUN(d, ((const char *[]){ "a<2", "b<2", NULL }), NULL), "a==1.0 b==1.0");
}

/* The examples of pub's solver.md, which exercise each part of the
 * algorithm. */
static void test_backtracking(void **state)
{
	static const struct dist avoid[] = {
		{ "foo", "1.0.0" }, { "foo", "1.1.0", { "bar>=2,<3" } },
		{ "bar", "1.0.0" }, { "bar", "1.1.0" }, { "bar", "2.0.0" },
	};
	expect(RUN(avoid, ((const char *[]){ "foo>=1,<2", "bar>=1,<2", NULL }), NULL),
	       "bar==1.1.0 foo==1.0.0");
	static const struct dist conflict[] = {
		{ "foo", "1.0.0" }, { "foo", "2.0.0", { "bar>=1,<2" } },
		{ "bar", "1.0.0", { "foo>=1,<2" } },
	};
	expect(RUN(conflict, ((const char *[]){ "foo>=1", NULL }), NULL), "foo==1.0.0");
	static const struct dist partial[] = {
		{ "foo", "1.0.0" }, { "foo", "1.1.0", { "left>=1,<2", "right>=1,<2" } },
		{ "left", "1.0.0", { "shared>=1" } }, { "right", "1.0.0", { "shared<2" } },
		{ "shared", "2.0.0" }, { "shared", "1.0.0", { "target>=1,<2" } },
		{ "target", "2.0.0" }, { "target", "1.0.0" },
	};
	expect(RUN(partial, ((const char *[]){ "foo>=1,<2", "target>=2,<3", NULL }), NULL),
	       "foo==1.0.0 target==2.0.0");
}

static void test_conflict_text(void **state)
{
	static const struct dist d[] = {
		{ "a", "1.0", { "b>=2" } }, { "c", "1.0", { "b<2" } },
		{ "b", "1.0" }, { "b", "2.0" },
	};
	expect(RUN(d, ((const char *[]){ "a==1.0", "c==1.0", NULL }), NULL),
	       "Because a==1.0 depends on b>=2 and c==1.0 depends on b<2, a==1.0 and c==1.0 are "
	       "incompatible.\n"
	       "And because you require a==1.0 and c==1.0, we can conclude that your requirements "
	       "are unsatisfiable.");
	static const struct dist nov[] = { { "a", "1.0" }, { "x", "1.0", { "a>=2" } } };
	expect(RUN(nov, ((const char *[]){ "a>=2", NULL }), NULL),
	       "Because there is no version of a>=2 and you require a>=2, we can conclude that "
	       "your requirements are unsatisfiable.");
	expect(RUN(nov, ((const char *[]){ "x", NULL }), NULL),
	       "Because x==1.0 depends on a>=2 and there is no version of a>=2, x==1.0 cannot be "
	       "used.\nAnd because you require x, we can conclude that your requirements are "
	       "unsatisfiable.");
	expect(RUN(nov, ((const char *[]){ "nothere", NULL }), NULL),
	       "Because there is no version of nothere and you require nothere, we can conclude "
	       "that your requirements are unsatisfiable.");
}

/* pub's solver.md, "Complex Failure": two derivations, one referred back to
 * by its line number. */
static void test_complex_failure_text(void **state)
{
	static const struct dist d[] = {
		{ "foo", "1.0.0", { "a>=1,<2", "b>=1,<2" } },
		{ "foo", "1.1.0", { "x>=1,<2", "y>=1,<2" } },
		{ "a", "1.0.0", { "b>=2,<3" } }, { "b", "1.0.0" }, { "b", "2.0.0" },
		{ "x", "1.0.0", { "y>=2,<3" } }, { "y", "1.0.0" }, { "y", "2.0.0" },
	};
	expect(RUN(d, ((const char *[]){ "foo>=1,<2", NULL }), NULL),
	       "Because a==1.0.0 depends on b>=2,<3 and foo==1.0.0 depends on a>=1,<2, foo==1.0.0 "
	       "depends on b>=2,<3.\n"
	       "And because foo==1.0.0 depends on b>=1,<2, foo==1.0.0 cannot be used. (1)\n"
	       "\n"
	       "Because x==1.0.0 depends on y>=2,<3 and foo==1.1.0 depends on x>=1,<2, foo==1.1.0 "
	       "depends on y>=2,<3.\n"
	       "And because foo==1.1.0 depends on y>=1,<2, foo==1.1.0 cannot be used.\n"
	       "And because foo==1.0.0 cannot be used (1), foo cannot be used.\n"
	       "And because you require foo>=1,<2, we can conclude that your requirements are "
	       "unsatisfiable.");
}

static void test_extras(void **state)
{
	static const struct dist d[] = {
		{ "a", "1.0", { "b; extra == 'socks_x'", "c" } },
		{ "a", "2.0", { "b>=9; extra == 'socks-x'", "c" } },
		{ "b", "1.0" }, { "c", "1.0", { "a[Socks.X]<2; python_version >= '3'" } },
	};
	expect(RUN(d, ((const char *[]){ "a", NULL }), NULL), "a[socks-x]==1.0 b==1.0 c==1.0");
	expect(RUN(d, ((const char *[]){ "a[socks_x]", NULL }), NULL),
	       "a[socks-x]==1.0 b==1.0 c==1.0");
	static const struct dist only[] = { { "a", "1.0", { "b; extra == 'x'" } }, { "b", "1.0" } };
	expect(RUN(only, ((const char *[]){ "a", NULL }), NULL), "a==1.0");
	expect(RUN(only, ((const char *[]){ "a[x]", NULL }), NULL), "a[x]==1.0 b==1.0");
}

static void test_markers(void **state)
{
	static const struct dist d[] = {
		{ "a", "1.0", { "w; sys_platform == 'win32'", "l; sys_platform == 'linux'" } },
		{ "w", "1.0" }, { "l", "1.0" },
	};
	expect(RUN(d, ((const char *[]){ "a", "w; python_version < '3'", NULL }), NULL),
	       "a==1.0 l==1.0");
	struct opts o = { .sys_platform = "win32" };
	expect(RUN(d, ((const char *[]){ "a", NULL }), &o), "a==1.0 w==1.0");
}

static void test_prereleases(void **state)
{
	static const struct dist d[] = {
		{ "a", "1.0" }, { "a", "2.0b1" }, { "p", "1.0a1" }, { "p", "1.0a2" },
		{ "q", "1.0", { "a>=2.0b1" } },
	};
	expect(RUN(d, ((const char *[]){ "a", NULL }), NULL), "a==1.0");
	struct opts o = { .pre = true };
	expect(RUN(d, ((const char *[]){ "a", NULL }), &o), "a==2.0b1");
	expect(RUN(d, ((const char *[]){ "a>=2.0b1", NULL }), NULL), "a==2.0b1");
	expect(RUN(d, ((const char *[]){ "a>=1.5", NULL }), NULL), "a==2.0b1"); /* no final fits */
	expect(RUN(d, ((const char *[]){ "p", NULL }), NULL), "p==1.0a2");      /* only pre-releases */
	expect(RUN(d, ((const char *[]){ "q", NULL }), NULL), "a==2.0b1 q==1.0");
}

static void test_yanked(void **state)
{
	static const struct dist d[] = {
		{ "a", "1.0" }, { "a", "2.0", .yanked = true }, { "y", "1.0", .yanked = true },
	};
	expect(RUN(d, ((const char *[]){ "a", NULL }), NULL), "a==1.0");
	expect(RUN(d, ((const char *[]){ "a==2.0", NULL }), NULL), "a==2.0");
	expect(RUN(d, ((const char *[]){ "a===2.0", NULL }), NULL), "a==2.0");
	expect(RUN(d, ((const char *[]){ "a>=2", NULL }), NULL),
	       "Because there is no usable version of a>=2 (a==2.0 was yanked) and you require "
	       "a>=2, we can conclude that your requirements are unsatisfiable.");
}

static void test_requires_python(void **state)
{
	static const struct dist d[] = {
		{ "a", "1.0" }, { "a", "2.0", .requires_python = ">=3.12" },
		{ "a", "3.0", .requires_python = "not a spec" },
		{ "m", "1.0" }, { "m", "2.0", .md_python = ">=3.12" },
		{ "u", "1.0", .unavailable = "has no wheels compatible with this interpreter" },
	};
	expect(RUN(d, ((const char *[]){ "a<3", NULL }), NULL), "a==1.0");
	expect(RUN(d, ((const char *[]){ "a", NULL }), NULL), "a==3.0"); /* invalid: ignored */
	struct opts o = { .python = "3.12.1" };
	expect(RUN(d, ((const char *[]){ "a<3", NULL }), &o), "a==2.0");
	expect(RUN(d, ((const char *[]){ "m", NULL }), NULL), "m==1.0");
	expect(RUN(d, ((const char *[]){ "a==2.0", NULL }), NULL),
	       "Because there is no usable version of a==2.0 (a==2.0 requires Python >=3.12) and "
	       "you require a==2.0, we can conclude that your requirements are unsatisfiable.");
	expect(RUN(d, ((const char *[]){ "m>=2", NULL }), NULL),
	       "Because m==2.0 requires Python >=3.12 and you require m>=2, we can conclude that "
	       "your requirements are unsatisfiable.");
	expect(RUN(d, ((const char *[]){ "m[x]", NULL }), NULL), "m[x]==1.0");
	expect(RUN(d, ((const char *[]){ "m[x]>=2", NULL }), NULL),
	       "Because m==2.0 requires Python >=3.12 and you require m[x]>=2, we can conclude "
	       "that your requirements are unsatisfiable.");
	expect(RUN(d, ((const char *[]){ "u", NULL }), NULL),
	       "Because there is no usable version of u (u==1.0 has no wheels compatible with "
	       "this interpreter) and you require u, we can conclude that your requirements are "
	       "unsatisfiable.");
}

static void test_local_versions(void **state)
{
	static const struct dist d[] = {
		{ "a", "1.0" }, { "a", "1.0+cpu" }, { "a", "1.1" }, { "b", "1.0", { "a==1.0" } },
	};
	expect(RUN(d, ((const char *[]){ "a==1.0+cpu", NULL }), NULL), "a==1.0+cpu");
	expect(RUN(d, ((const char *[]){ "a==1.0", NULL }), NULL), "a==1.0+cpu");
	expect(RUN(d, ((const char *[]){ "a<=1.0", NULL }), NULL), "a==1.0+cpu");
	expect(RUN(d, ((const char *[]){ "a!=1.0", NULL }), NULL), "a==1.1");
	expect(RUN(d, ((const char *[]){ "a<1.1,!=1.0+cpu", NULL }), NULL), "a==1.0");
}

static void test_preferences(void **state)
{
	static const struct dist d[] = {
		{ "a", "1.0", { "b" } }, { "a", "2.0", { "b" } }, { "b", "1.0" }, { "b", "2.0" },
	};
	struct opts o = { .prefs = { { "A", "1.0" }, { "b", "1.0" } } };
	expect(RUN(d, ((const char *[]){ "a", NULL }), &o), "a==1.0 b==1.0");
	o.upgrade_pkg = "B";
	expect(RUN(d, ((const char *[]){ "a", NULL }), &o), "a==1.0 b==2.0");
	o.upgrade = true;
	expect(RUN(d, ((const char *[]){ "a", NULL }), &o), "a==2.0 b==2.0");
	struct opts p = { .prefs = { { "a", "1.0" } } }; /* a preference outside the range */
	expect(RUN(d, ((const char *[]){ "a>1", NULL }), &p), "a==2.0 b==2.0");
}

static void test_constraints(void **state)
{
	static const struct dist d[] = {
		{ "a", "1.0", { "b" } }, { "a", "2.0", { "b" } }, { "b", "1.0" }, { "b", "2.0" },
		{ "c", "1.0" },
	};
	struct opts o = { .constraints = { "b<2", "c==1.0" } };
	expect(RUN(d, ((const char *[]){ "a", NULL }), &o), "a==2.0 b==1.0"); /* c not added */
	struct opts bad = { .constraints = { "b>5" } };
	expect(RUN(d, ((const char *[]){ "a", NULL }), &bad),
	       "Because a==1.0 depends on b (constrained to b>5) and a==2.0 depends on b "
	       "(constrained to b>5), a depends on b (constrained to b>5).\n"
	       "And because there is no version of b (constrained to b>5) and you require a, we can "
	       "conclude that your requirements are unsatisfiable.");
}

static void test_direct_url(void **state)
{
	static const struct dist d[] = {
		{ "a", "1.0" }, { "a", "0.5", .url = "file:///w/a-0.5-py3-none-any.whl" },
		{ "x", "1.0", { "a>=1" } },
	};
	expect(RUN(d, ((const char *[]){ "a @ file:///w/a-0.5-py3-none-any.whl", NULL }), NULL),
	       "a==0.5");
	expect(RUN(d, ((const char *[]){ "a @ file:///w/a-0.5-py3-none-any.whl", "x", NULL }), NULL),
	       "Because x==1.0 depends on a>=1 and you require a @ file:///w/a-0.5-py3-none-any.whl, "
	       "x==1.0 cannot be used.\n"
	       "And because you require x, we can conclude that your requirements are "
	       "unsatisfiable.");
}

static void test_via(void **state)
{
	static const struct dist d[] = {
		{ "a", "1.0", { "c" } }, { "b", "1.0", { "c[x]" } }, { "c", "1.0", { "d; extra == 'x'" } },
		{ "d", "1.0" },
	};
	struct index ix = { d, ARRAY_SIZE(d), NULL, 0, 0, 0, 0, 0 };
	struct resolve_result res;
	enum resolve_status st;
	free(run_ix(&ix, (const char *[]){ "a", "B", NULL }, NULL, &st, &res));
	assert_int_equal(st, RESOLVE_OK);
	assert_int_equal(res.n, 4);
	assert_string_equal(res.dists[2].name, "c");
	assert_int_equal(res.dists[2].via.n, 2);
	assert_string_equal(res.dists[2].via.v[0], "a");
	assert_string_equal(res.dists[2].via.v[1], "b");
	assert_false(res.dists[2].direct);
	assert_string_equal(res.dists[3].via.v[0], "c");
	/* every project was hinted before it was listed, and a version of it */
	assert_int_equal(ix.hints, 4 + 4);
	assert_int_equal(ix.md_hints, 4);
	assert_int_equal(ix.lists, 4);
	assert_true(res.dists[0].direct);
	assert_string_equal(res.dists[0].via.v[0], "-r");
	assert_int_equal(res.dists[3].handle, 3);
	resolve_result_free(&res);
	/* sources of root requirements, as pip-compile names them */
	struct opts o = { .sources = { "-r requirements.in", "-c x.txt" } };
	free(run_ix(&ix, (const char *[]){ "a", "c", NULL }, &o, &st, &res));
	assert_int_equal(st, RESOLVE_OK);
	assert_string_equal(res.dists[0].via.v[0], "-r requirements.in");
	assert_int_equal(res.dists[1].via.n, 2); /* c: via a, and -c x.txt */
	assert_string_equal(res.dists[1].via.v[0], "a");
	assert_string_equal(res.dists[1].via.v[1], "-c x.txt");
	assert_true(res.dists[1].direct);
	resolve_result_free(&res);
}

static void test_provider_errors(void **state)
{
	static const struct dist d[] = { { "a", "1.0", { "broken" } }, { "z", "1.0", { "a[" } } };
	enum resolve_status st;
	struct index ix = { d, ARRAY_SIZE(d), NULL, 0, 0, 0, 0, 0 };
	expect(run_ix(&ix, (const char *[]){ "a", NULL }, NULL, &st, NULL),
	       "cannot list the versions of 'broken': HTTP 500");
	assert_int_equal(st, RESOLVE_PROVIDER_ERROR);
	expect(run_ix(&ix, (const char *[]){ "a b", NULL }, NULL, &st, NULL),
	       "invalid requirement 'a b': invalid version specifier 'b': no comparison operator "
	       "(one of ~= == != <= >= < > ===) at column 3");
	assert_int_equal(st, RESOLVE_BAD_INPUT);
	char *z = run_ix(&ix, (const char *[]){ "z", NULL }, NULL, &st, NULL);
	assert_int_equal(st, RESOLVE_BAD_INPUT);
	assert_true(starts_with(z, "z==1.0 has an invalid requirement 'a['"));
	free(z);
}

/* Many versions: a has N versions, a==i needs b==i, b==i needs c==i, and c
 * only has 1: every a but the oldest fails, deep in the graph. */
static struct index many(size_t n)
{
	struct index ix = { NULL, 0, xcalloc(3 * n, sizeof(struct dist)), 3 * n, 0, 0, 0, 0 };
	for (size_t i = 1; i <= n; i++) {
		struct dist *a = &ix.gen[i - 1], *b = &ix.gen[n + i - 1], *c = &ix.gen[2 * n + i - 1];
		a->name = "a", b->name = "b", c->name = i == 1 ? "c" : "unused";
		a->version = b->version = c->version = xstrfmt("%zu.0", i);
		a->deps[0] = xstrfmt("b==%zu.0", i);
		b->deps[0] = xstrfmt("c==%zu.0", i);
	}
	return ix;
}

static void many_free(struct index *ix, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)ix->gen[i].version);
		free((char *)ix->gen[i].deps[0]);
		free((char *)ix->gen[n + i].deps[0]);
	}
	free(ix->gen);
}

static void test_many_versions(void **state)
{
	size_t n = 1000;
	struct index ix = many(n);
	/* CPU time, not wall time: the machine may be busy */
	clock_t t0 = clock();
	enum resolve_status st;
	expect(run_ix(&ix, (const char *[]){ "a", NULL }, NULL, &st, NULL), "a==1.0 b==1.0 c==1.0");
	double ms = (double)(clock() - t0) * 1e3 / CLOCKS_PER_SEC;
	print_message("1000-version backtracking: %.1f ms of CPU, %d metadata fetches\n", ms,
		      ix.fetches);
	assert_true(ms < 2000);
	assert_int_equal(ix.lists, 3); /* a, b, c: each listed once */
	many_free(&ix, n);
}

/* A wide graph, like a real project's: 100 projects of 50 versions each,
 * every version depending on the next two projects with ranges. */
static void test_wide(void **state)
{
	size_t np = 100, nv = 50;
	struct index ix = { NULL, 0, xcalloc(np * nv, sizeof(struct dist)), np * nv, 0, 0, 0, 0 };
	for (size_t k = 0; k < np; k++)
		for (size_t v = 0; v < nv; v++) {
			struct dist *d = &ix.gen[k * nv + v];
			d->name = xstrfmt("p%zu", k);
			d->version = xstrfmt("%zu.0", v + 1);
			if (k + 1 < np)
				d->deps[0] = xstrfmt("p%zu>=%zu.0", k + 1, v / 2 + 1);
			if (k + 2 < np)
				d->deps[1] = xstrfmt("p%zu<%zu.0", k + 2, v + 2);
		}
	clock_t t0 = clock();
	enum resolve_status st;
	struct resolve_result res;
	free(run_ix(&ix, (const char *[]){ "p0", NULL }, NULL, &st, &res));
	double ms = (double)(clock() - t0) * 1e3 / CLOCKS_PER_SEC;
	assert_int_equal(st, RESOLVE_OK);
	assert_int_equal(res.n, np);
	print_message("100 projects x 50 versions: %.1f ms of CPU, %zu steps, %d fetches\n", ms,
		      res.steps, ix.fetches);
	resolve_result_free(&res);
	for (size_t i = 0; i < np * nv; i++) {
		free((char *)ix.gen[i].name);
		free((char *)ix.gen[i].version);
		free((char *)ix.gen[i].deps[0]);
		free((char *)ix.gen[i].deps[1]);
	}
	free(ix.gen);
}

static void test_bound(void **state)
{
	size_t n = 200;
	struct index ix = many(n);
	enum resolve_status st;
	struct opts o = { .max_steps = 50 };
	expect(run_ix(&ix, (const char *[]){ "a", NULL }, &o, &st, NULL),
	       "resolution gave up after 50 steps (decisions and conflicts); the requirements may "
	       "be unsatisfiable, or need narrower version ranges");
	assert_int_equal(st, RESOLVE_GAVE_UP);
	/* the memory bound: version sets of a huge index */
	size_t saved = resolve_max_set_bytes;
	resolve_max_set_bytes = 8 << 10;
	expect(run_ix(&ix, (const char *[]){ "a", NULL }, NULL, &st, NULL),
	       "resolution gave up after 121 steps (decisions and conflicts): its version sets "
	       "outgrew 8 KiB; the requirements may be unsatisfiable, or need narrower version "
	       "ranges");
	assert_int_equal(st, RESOLVE_GAVE_UP);
	resolve_max_set_bytes = saved;
	many_free(&ix, n);
}

static void test_no_deps(void **state)
{
	static const struct dist d[] = { { "a", "1.0", { "b" } }, { "b", "1.0" } };
	struct opts o = { .no_deps = true };
	expect(RUN(d, ((const char *[]){ "a", NULL }), &o), "a==1.0");
}

/* Random small indexes, each checked against an exhaustive search: the
 * resolver finds a solution exactly when one exists, and what it returns
 * satisfies every requirement. */
static uint32_t rnd(uint32_t *st)
{
	*st = *st * 1103515245u + 12345u;
	return (*st >> 16) & 0x7fff;
}

#define RP 4 /* projects */
#define RV 3 /* versions each */

static bool spec_ok(const char *spec, int ver)
{
	struct pep440_specset ss;
	struct pep440_version v;
	char text[8] = { (char)('1' + ver), '.', '0', 0 };
	assert_int_equal(pep440_specset_parse(spec, &ss, NULL), 0);
	assert_int_equal(pep440_parse_str(text, &v), 0);
	bool r = pep440_specset_contains(&ss, &v, PEP440_PRERELEASES_ALLOW);
	pep440_version_free(&v);
	pep440_specset_free(&ss);
	return r;
}

struct rscen {
	struct dist d[RP * RV];
	size_t n;
	bool offered[RP][RV];
	char deps[RP][RV][2][16];
	int ndeps[RP][RV];
	char roots[2][16];
	int nroots;
};

/* Whether "pK<spec>" holds when project K is at version pick[K] (-1: absent). */
static bool req_ok(const char *req, const int *pick)
{
	int k = req[1] - '0';
	return pick[k] >= 0 && spec_ok(req + 2, pick[k]);
}

static bool exhaustive(const struct rscen *sc)
{
	int pick[RP];
	for (int code = 0; code < 256; code++) { /* (RV + 1)^RP */
		int c = code;
		bool ok = true;
		for (int k = 0; k < RP; k++, c /= 4) {
			pick[k] = c % 4 - 1;
			if (pick[k] >= 0 && !sc->offered[k][pick[k]])
				ok = false;
		}
		for (int r = 0; ok && r < sc->nroots; r++)
			ok = req_ok(sc->roots[r], pick);
		for (int k = 0; ok && k < RP; k++)
			for (int j = 0; pick[k] >= 0 && ok && j < sc->ndeps[k][pick[k]]; j++)
				ok = req_ok(sc->deps[k][pick[k]][j], pick);
		if (ok)
			return true;
	}
	return false;
}

static void test_random_against_exhaustive(void **state)
{
	static const char *const specs[] = { "", ">=2.0", "<2.0", "==1.0", "!=2.0", ">=3.0",
					     "==2.0", "<3.0" };
	static const char *const names[RP] = { "p0", "p1", "p2", "p3" };
	static const char *const vers[RV] = { "1.0", "2.0", "3.0" };
	uint32_t st = 42;
	int sat = 0;
	for (int round = 0; round < 3000; round++) {
		struct rscen sc;
		memset(&sc, 0, sizeof(sc));
		for (int k = 0; k < RP; k++)
			for (int v = 0; v < RV; v++) {
				if (rnd(&st) % 4 == 0)
					continue;
				sc.offered[k][v] = true;
				struct dist *d = &sc.d[sc.n++];
				d->name = names[k];
				d->version = vers[v];
				sc.ndeps[k][v] = (int)(rnd(&st) % 3);
				for (int j = 0; j < sc.ndeps[k][v]; j++) {
					int to = (int)(rnd(&st) % RP);
					if (to == k)
						to = (to + 1) % RP;
					snprintf(sc.deps[k][v][j], 16, "p%d%s", to,
						 specs[rnd(&st) % ARRAY_SIZE(specs)]);
					d->deps[j] = sc.deps[k][v][j];
				}
			}
		sc.nroots = 1 + (int)(rnd(&st) % 2);
		const char *roots[3] = { NULL, NULL, NULL };
		for (int r = 0; r < sc.nroots; r++) {
			snprintf(sc.roots[r], 16, "p%d%s", (int)(rnd(&st) % RP),
				 specs[rnd(&st) % ARRAY_SIZE(specs)]);
			roots[r] = sc.roots[r];
		}
		struct index ix = { sc.d, sc.n, NULL, 0, 0, 0, 0, 0 };
		struct resolve_result res;
		enum resolve_status rs;
		char *got = run_ix(&ix, roots, NULL, &rs, &res);
		bool want = exhaustive(&sc);
		if ((rs == RESOLVE_OK) != want)
			fail_msg("round %d: resolver says %s, exhaustive search %s", round, got,
				 want ? "finds a solution" : "finds none");
		if (rs == RESOLVE_OK) {
			sat++;
			int pick[RP] = { -1, -1, -1, -1 };
			for (size_t i = 0; i < res.n; i++)
				pick[res.dists[i].name[1] - '0'] = res.dists[i].version[0] - '1';
			for (int r = 0; r < sc.nroots; r++)
				assert_true(req_ok(sc.roots[r], pick));
			for (int k = 0; k < RP; k++)
				for (int j = 0; pick[k] >= 0 && j < sc.ndeps[k][pick[k]]; j++)
					if (!req_ok(sc.deps[k][pick[k]][j], pick))
						fail_msg("round %d: %s breaks %s", round, got,
							 sc.deps[k][pick[k]][j]);
			resolve_result_free(&res);
		} else {
			assert_int_equal(rs, RESOLVE_UNSATISFIABLE);
			assert_true(starts_with(got, "Because "));
		}
		free(got);
	}
	print_message("random scenarios: %d of 3000 satisfiable\n", sat);
	assert_true(sat > 300 && sat < 2700);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_backtracking),
		cmocka_unit_test(test_conflict_text),
		cmocka_unit_test(test_complex_failure_text),
		cmocka_unit_test(test_extras),
		cmocka_unit_test(test_markers),
		cmocka_unit_test(test_prereleases),
		cmocka_unit_test(test_yanked),
		cmocka_unit_test(test_requires_python),
		cmocka_unit_test(test_local_versions),
		cmocka_unit_test(test_preferences),
		cmocka_unit_test(test_constraints),
		cmocka_unit_test(test_direct_url),
		cmocka_unit_test(test_via),
		cmocka_unit_test(test_provider_errors),
		cmocka_unit_test(test_many_versions),
		cmocka_unit_test(test_wide),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_no_deps),
		cmocka_unit_test(test_random_against_exhaustive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
