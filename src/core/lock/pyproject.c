/* pyproject.toml requirements (see pyproject.h). */
#include "util/common.h"

#include "core/lock/pyproject.h"
#include "core/lock/tomlr.h"
#include "core/std/metadata.h"
#include "core/std/pep508.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

static void group_free(struct pyproject_group *g)
{
	free(g->name);
	strvec_clear(&g->reqs);
	strvec_clear(&g->includes);
	strvec_clear(&g->order);
}

void pyproject_free(struct pyproject *p)
{
	free(p->name);
	free(p->version);
	free(p->requires_python);
	strvec_clear(&p->dependencies);
	for (size_t i = 0; i < p->nextras; i++)
		group_free(&p->extras[i]);
	free(p->extras);
	for (size_t i = 0; i < p->ngroups; i++)
		group_free(&p->groups[i]);
	free(p->groups);
	memset(p, 0, sizeof(*p));
	strvec_init(&p->dependencies);
}

static struct pyproject_group *find_group(struct pyproject_group *v, size_t n, const char *name)
{
	char *c = name_canonicalize(name);
	struct pyproject_group *r = NULL;
	for (size_t i = 0; i < n && !r; i++) {
		char *ci = name_canonicalize(v[i].name);
		if (!strcmp(ci, c))
			r = &v[i];
		free(ci);
	}
	free(c);
	return r;
}

/* A table of name -> array (extras: strings; groups: strings or
 * { include-group = "name" }). */
static int read_groups(const char *file, toml_datum_t t, const char *what, bool includes,
		       struct pyproject_group **v, size_t *n)
{
	for (int i = 0; t.type == TOML_TABLE && i < t.u.tab.size; i++) {
		const char *name = t.u.tab.key[i];
		toml_datum_t a = t.u.tab.value[i];
		if (!name_is_valid(name))
			return tomlr_error(file, a, "'%s' is not a valid %s name", name, what);
		if (find_group(*v, *n, name))
			return tomlr_error(file, a, "the %s '%s' is defined twice (names are compared normalized)",
					   what, name);
		if (a.type != TOML_ARRAY)
			return tomlr_error(file, a, "the %s '%s' must be an array", what, name);
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		struct pyproject_group *g = &(*v)[(*n)++];
		memset(g, 0, sizeof(*g));
		strvec_init(&g->reqs);
		strvec_init(&g->includes);
		strvec_init(&g->order);
		g->name = xstrdup(name);
		for (int k = 0; k < a.u.arr.size; k++) {
			toml_datum_t e = a.u.arr.elem[k];
			if (e.type == TOML_STRING) {
				strvec_push(&g->reqs, e.u.s);
				strvec_push(&g->order, "r");
				continue;
			}
			toml_datum_t inc = e.type == TOML_TABLE ? toml_get(e, "include-group")
								: (toml_datum_t){ .type = TOML_UNKNOWN };
			if (!includes || inc.type != TOML_STRING || e.u.tab.size != 1)
				return tomlr_error(file, e,
						   includes ? "an entry of the %s '%s' must be a requirement string or { include-group = \"NAME\" }"
							    : "an entry of the %s '%s' must be a requirement string",
						   what, name);
			strvec_push(&g->includes, inc.u.s);
			strvec_push(&g->order, "i");
		}
	}
	return 0;
}

int pyproject_parse(const char *text, size_t len, const char *file, struct pyproject *p)
{
	memset(p, 0, sizeof(*p));
	strvec_init(&p->dependencies);
	toml_result_t res;
	if (tomlr_parse(text, len, file, &res) < 0)
		return -1;
	toml_datum_t proj, opt, groups;
	int r = -1;
	if (tomlr_table(file, res.toptab, "project", &proj) < 0 ||
	    tomlr_str(file, proj, "name", false, &p->name) < 0 ||
	    tomlr_str(file, proj, "version", false, &p->version) < 0 ||
	    tomlr_str(file, proj, "requires-python", false, &p->requires_python) < 0 ||
	    tomlr_strs(file, proj, "dependencies", &p->dependencies) < 0 ||
	    tomlr_table(file, proj, "optional-dependencies", &opt) < 0 ||
	    read_groups(file, opt, "extra", false, &p->extras, &p->nextras) < 0 ||
	    tomlr_table(file, res.toptab, "dependency-groups", &groups) < 0 ||
	    read_groups(file, groups, "dependency group", true, &p->groups, &p->ngroups) < 0)
		goto out;
	r = 0;
out:
	toml_free(res);
	if (r < 0)
		pyproject_free(p);
	return r;
}

int pyproject_read_file(const char *path, struct pyproject *p)
{
	struct buf b = BUF_INIT;
	memset(p, 0, sizeof(*p));
	strvec_init(&p->dependencies);
	if (os_read_file(path, TOMLR_MAX_SIZE, &b) < 0) {
		int e = errno;
		buf_free(&b);
		return error("cannot read '%s': %s", path, strerror(e));
	}
	int r = pyproject_parse(b.ptr, b.len, path, p);
	buf_free(&b);
	return r;
}

static int add_req(const char *file, const char *where, const char *req, struct strvec *out)
{
	struct pep508_req pr;
	struct buf err = BUF_INIT;
	int r = 0;
	if (pep508_parse(req, &pr, &err) < 0)
		r = error("'%s': invalid requirement '%s' in %s: %s", file, req, where, err.ptr);
	else
		pep508_req_free(&pr);
	buf_free(&err);
	if (!r && !strvec_contains(out, req))
		strvec_push(out, req);
	return r;
}

static int add_list(const char *file, const char *where, const struct strvec *reqs,
		    struct strvec *out)
{
	for (size_t i = 0; i < reqs->n; i++)
		if (add_req(file, where, reqs->v[i], out) < 0)
			return -1;
	return 0;
}

/* Expands a group depth first; stack holds the names being expanded. */
static int add_group(const struct pyproject *p, const char *file, const char *name,
		     struct strvec *stack, struct strvec *out)
{
	struct pyproject_group *g = find_group(p->groups, p->ngroups, name);
	if (!g)
		return error("'%s' has no dependency group '%s'", file, name);
	char *c = name_canonicalize(g->name);
	if (strvec_contains(stack, c)) {
		struct buf chain = BUF_INIT;
		for (size_t i = 0; i < stack->n; i++)
			buf_addf(&chain, "%s -> ", stack->v[i]);
		error("'%s': the dependency group '%s' includes itself (%s%s)", file, g->name,
		      chain.ptr, c);
		buf_free(&chain);
		free(c);
		return -1;
	}
	strvec_push_take(stack, c);
	char *where = xstrfmt("dependency group '%s'", g->name);
	int r = 0;
	size_t ri = 0, ii = 0;
	for (size_t k = 0; k < g->order.n && !r; k++) {
		if (g->order.v[k][0] == 'r')
			r = add_req(file, where, g->reqs.v[ri++], out);
		else
			r = add_group(p, file, g->includes.v[ii++], stack, out);
	}
	free(where);
	free(stack->v[--stack->n]);
	stack->v[stack->n] = NULL;
	return r;
}

int pyproject_requirements(const struct pyproject *p, const char *file,
			   const struct pyproject_select *sel, struct strvec *out)
{
	if (!sel->no_project && add_list(file, "[project] dependencies", &p->dependencies, out) < 0)
		return -1;
	for (size_t i = 0; sel->all_extras && i < p->nextras; i++) {
		char *where = xstrfmt("extra '%s'", p->extras[i].name);
		int r = add_list(file, where, &p->extras[i].reqs, out);
		free(where);
		if (r < 0)
			return -1;
	}
	for (size_t i = 0; !sel->all_extras && sel->extras && i < sel->extras->n; i++) {
		struct pyproject_group *g = find_group(p->extras, p->nextras, sel->extras->v[i]);
		if (!g)
			return error("'%s' has no extra '%s' in [project.optional-dependencies]", file,
				     sel->extras->v[i]);
		char *where = xstrfmt("extra '%s'", g->name);
		int r = add_list(file, where, &g->reqs, out);
		free(where);
		if (r < 0)
			return -1;
	}
	struct strvec stack = STRVEC_INIT;
	int r = 0;
	for (size_t i = 0; sel->all_groups && i < p->ngroups && !r; i++)
		r = add_group(p, file, p->groups[i].name, &stack, out);
	for (size_t i = 0; !sel->all_groups && sel->groups && i < sel->groups->n && !r; i++)
		r = add_group(p, file, sel->groups->v[i], &stack, out);
	strvec_clear(&stack);
	return r;
}
