/* PEP 508 dependency specifiers and environment markers (see pep508.h).
 * A small cursor over the text; markers become a tree of AND/OR/CMP nodes. */
#include "util/common.h"

#include <ctype.h>
#include <strings.h>

#include "core/std/metadata.h"
#include "core/std/pep508.h"
#include "util/buf.h"

static const char *const var_names[PEP508_NVARS] = {
	"os_name", "sys_platform", "platform_machine", "platform_python_implementation",
	"platform_release", "platform_system", "platform_version", "python_version",
	"python_full_version", "implementation_name", "implementation_version", "extra",
	"extras", "dependency_groups",
};

/* Spellings from PEP 345 that packaging still accepts. */
static const struct {
	const char *name;
	enum pep508_var var;
} legacy_vars[] = {
	{ "os.name", PEP508_OS_NAME },
	{ "sys.platform", PEP508_SYS_PLATFORM },
	{ "platform.version", PEP508_PLATFORM_VERSION },
	{ "platform.machine", PEP508_PLATFORM_MACHINE },
	{ "platform.python_implementation", PEP508_PLATFORM_PYTHON_IMPLEMENTATION },
	{ "python_implementation", PEP508_PLATFORM_PYTHON_IMPLEMENTATION },
};

static const char *const op_names[] = { "<", "<=", "==", "!=", ">=", ">", "~=", "===", "in", "not in" };

const char *pep508_var_name(enum pep508_var v)
{
	return v >= 0 && v < PEP508_NVARS ? var_names[v] : "";
}

struct cur {
	const char *s, *p;
	struct buf *err;
};

static void skip_ws(struct cur *c)
{
	while (*c->p == ' ' || *c->p == '\t')
		c->p++;
}

static int fail(struct cur *c, const char *what)
{
	if (c->err)
		buf_addf(c->err, "%s at column %d", what, (int)(c->p - c->s) + 1);
	return -1;
}

static bool name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '-' || ch == '_' || ch == '.';
}

/* A PEP 508 name: letters and digits, with '.', '_', '-' inside. */
static char *read_name(struct cur *c)
{
	const char *start = c->p;
	if (!isalnum((unsigned char)*c->p))
		return NULL;
	while (name_char(*c->p))
		c->p++;
	while (c->p > start + 1 && !isalnum((unsigned char)c->p[-1]))
		c->p--;
	return xstrndup(start, (size_t)(c->p - start));
}

void pep508_marker_free(struct pep508_marker *m)
{
	if (!m)
		return;
	pep508_marker_free(m->left);
	pep508_marker_free(m->right);
	free(m->lstr);
	free(m->rstr);
	free(m);
}

static bool word_at(const char *p, const char *w)
{
	size_t n = strlen(w);
	return !strncmp(p, w, n) && !isalnum((unsigned char)p[n]) && p[n] != '_' && p[n] != '.';
}

/* A marker operand: a quoted string or a variable name. */
static int read_operand(struct cur *c, int *var, char **str)
{
	skip_ws(c);
	*var = PEP508_LITERAL;
	*str = NULL;
	if (*c->p == '"' || *c->p == '\'') {
		char q = *c->p++;
		const char *e = strchr(c->p, q);
		if (!e)
			return fail(c, "unterminated string");
		*str = xstrndup(c->p, (size_t)(e - c->p));
		c->p = e + 1;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(legacy_vars); i++)
		if (word_at(c->p, legacy_vars[i].name)) {
			*var = legacy_vars[i].var;
			c->p += strlen(legacy_vars[i].name);
			return 0;
		}
	for (int v = 0; v < PEP508_NVARS; v++)
		if (word_at(c->p, var_names[v])) {
			*var = v;
			c->p += strlen(var_names[v]);
			return 0;
		}
	return fail(c, "expected a marker variable or a quoted string");
}

static int read_op(struct cur *c, enum pep508_op *op)
{
	skip_ws(c);
	static const struct {
		const char *text;
		enum pep508_op op;
	} ops[] = {
		{ "===", PEP508_ARBITRARY }, { "==", PEP508_EQ }, { "~=", PEP508_COMPATIBLE },
		{ "!=", PEP508_NE }, { "<=", PEP508_LE }, { ">=", PEP508_GE },
		{ "<", PEP508_LT }, { ">", PEP508_GT },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (starts_with(c->p, ops[i].text)) {
			*op = ops[i].op;
			c->p += strlen(ops[i].text);
			return 0;
		}
	if (word_at(c->p, "in")) {
		*op = PEP508_IN;
		c->p += 2;
		return 0;
	}
	if (word_at(c->p, "not")) {
		const char *save = c->p;
		c->p += 3;
		skip_ws(c);
		if (word_at(c->p, "in")) {
			*op = PEP508_NOT_IN;
			c->p += 2;
			return 0;
		}
		c->p = save;
	}
	return fail(c, "expected a marker operator");
}

static struct pep508_marker *node(enum pep508_node kind)
{
	struct pep508_marker *m = xcalloc(1, sizeof(*m));
	m->kind = kind;
	m->lvar = m->rvar = PEP508_LITERAL;
	return m;
}

static int parse_or(struct cur *c, struct pep508_marker **out, int depth);

static int parse_atom(struct cur *c, struct pep508_marker **out, int depth)
{
	skip_ws(c);
	if (*c->p == '(') {
		if (depth > 100)
			return fail(c, "markers nested too deeply");
		c->p++;
		if (parse_or(c, out, depth + 1) < 0)
			return -1;
		skip_ws(c);
		if (*c->p != ')') {
			pep508_marker_free(*out);
			*out = NULL;
			return fail(c, "expected ')'");
		}
		c->p++;
		return 0;
	}
	struct pep508_marker *m = node(PEP508_CMP);
	if (read_operand(c, &m->lvar, &m->lstr) < 0 || read_op(c, &m->op) < 0 ||
	    read_operand(c, &m->rvar, &m->rstr) < 0) {
		pep508_marker_free(m);
		return -1;
	}
	*out = m;
	return 0;
}

/* marker_or: marker_and ('or' marker_and)*; marker_and: atom ('and' atom)*.
 * `kind` says which of the two levels is being read. */
static int parse_binary(struct cur *c, struct pep508_marker **out, int depth, enum pep508_node kind)
{
	const char *word = kind == PEP508_OR ? "or" : "and";
	for (struct pep508_marker *l = NULL;;) {
		struct pep508_marker *r = NULL;
		int rc = kind == PEP508_OR ? parse_binary(c, &r, depth, PEP508_AND)
					   : parse_atom(c, &r, depth);
		if (rc < 0) {
			pep508_marker_free(l);
			*out = NULL;
			return -1;
		}
		if (l) {
			struct pep508_marker *m = node(kind);
			m->left = l;
			m->right = r;
			r = m;
		}
		l = r;
		skip_ws(c);
		if (!word_at(c->p, word)) {
			*out = l;
			return 0;
		}
		c->p += strlen(word);
	}
}

static int parse_or(struct cur *c, struct pep508_marker **out, int depth)
{
	return parse_binary(c, out, depth, PEP508_OR);
}

static int marker_at(struct cur *c, struct pep508_marker **out)
{
	*out = NULL;
	if (parse_or(c, out, 0) < 0)
		return -1;
	skip_ws(c);
	if (*c->p) {
		pep508_marker_free(*out);
		*out = NULL;
		return fail(c, "unexpected text after the marker");
	}
	return 0;
}

int pep508_marker_parse(const char *s, struct pep508_marker **out, struct buf *err)
{
	struct cur c = { s, s, err };
	return marker_at(&c, out);
}

void pep508_req_free(struct pep508_req *req)
{
	free(req->name);
	strvec_clear(&req->extras);
	free(req->spec_text);
	pep440_specset_free(&req->spec);
	free(req->url);
	pep508_marker_free(req->marker);
	memset(req, 0, sizeof(*req));
	strvec_init(&req->extras);
}

static int read_extras(struct cur *c, struct pep508_req *req)
{
	c->p++; /* '[' */
	skip_ws(c);
	if (*c->p == ']') {
		c->p++;
		return 0;
	}
	for (;;) {
		skip_ws(c);
		char *e = read_name(c);
		if (!e)
			return fail(c, "expected an extra name");
		char *n = name_canonicalize(e); /* PEP 685 */
		free(e);
		if (strvec_contains(&req->extras, n))
			free(n);
		else
			strvec_push_take(&req->extras, n);
		skip_ws(c);
		if (*c->p == ']') {
			c->p++;
			return 0;
		}
		if (*c->p != ',')
			return fail(c, "expected ',' or ']' after an extra");
		c->p++;
	}
}

static bool graphic(char ch)
{
	return (unsigned char)ch >= 0x21 && (unsigned char)ch <= 0x7e;
}

static int read_spec(struct cur *c, struct pep508_req *req)
{
	skip_ws(c);
	bool paren = *c->p == '(';
	if (paren)
		c->p++;
	const char *start = c->p;
	while (*c->p && *c->p != ';' && !(paren && *c->p == ')'))
		c->p++;
	struct buf t = BUF_INIT;
	buf_add(&t, start, (size_t)(c->p - start));
	buf_rtrim(&t, " \t");
	const char *s = t.ptr;
	while (*s == ' ' || *s == '\t')
		s++;
	req->spec_text = xstrdup(s);
	buf_free(&t);
	if (paren) {
		if (*c->p != ')')
			return fail(c, "expected ')' after the version specifier");
		c->p++;
	}
	/* packaging's tokenizer takes only spaces and tabs around a clause
	 * (Unicode white space only between its operator and version): other
	 * white space there (U+00A0, \v, \f), which pep440 would trim, is an
	 * error */
	for (const char *q = req->spec_text;; q++) {
		const char *b = q, *end = q + strcspn(q, ",");
		while (b < end && (*b == ' ' || *b == '\t'))
			b++;
		while (end > b && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > b && (!graphic(*b) || !graphic(end[-1])))
			return fail(c, "white space other than spaces and tabs around a version "
				       "specifier");
		q += strcspn(q, ",");
		if (!*q)
			break;
	}
	struct buf why = BUF_INIT;
	if (pep440_specset_parse(req->spec_text, &req->spec, &why) < 0) {
		if (c->err)
			buf_addf(c->err, "invalid version specifier %s at column %d", why.ptr,
				 (int)(start - c->s) + 1);
		buf_free(&why);
		return -1;
	}
	buf_free(&why);
	return 0;
}

int pep508_parse(const char *s, struct pep508_req *req, struct buf *err)
{
	memset(req, 0, sizeof(*req));
	strvec_init(&req->extras);
	struct cur c = { s, s, err };
	const char *nl = strpbrk(s, "\r\n");
	if (nl) {
		c.p = nl;
		return fail(&c, "a requirement cannot hold a line break");
	}
	skip_ws(&c);
	req->name = read_name(&c);
	if (!req->name)
		return fail(&c, "expected a package name");
	skip_ws(&c);
	if (*c.p == '[' && read_extras(&c, req) < 0)
		goto bad;
	skip_ws(&c);
	if (*c.p == '@') {
		c.p++;
		skip_ws(&c);
		const char *u = c.p;
		while (*c.p && *c.p != ' ' && *c.p != '\t')
			c.p++;
		if (c.p == u) {
			fail(&c, "expected a URL after '@'");
			goto bad;
		}
		req->url = xstrndup(u, (size_t)(c.p - u));
		const char *before = c.p;
		skip_ws(&c);
		if (*c.p == ';' && c.p == before) {
			fail(&c, "a URL must be followed by whitespace before ';'");
			goto bad;
		}
	} else if (*c.p && *c.p != ';') {
		if (read_spec(&c, req) < 0)
			goto bad;
	}
	skip_ws(&c);
	if (*c.p == ';') {
		c.p++;
		if (marker_at(&c, &req->marker) < 0)
			goto bad;
	} else if (*c.p) {
		fail(&c, "unexpected text after the requirement");
		goto bad;
	}
	return 0;
bad:
	pep508_req_free(req);
	return -1;
}

static const char *value_of(const struct pep508_env *env, int var, const char *lit)
{
	if (var == PEP508_LITERAL)
		return lit;
	return env->v[var] ? env->v[var] : "";
}

/* packaging's _eval_op: a version comparison when "<op><rhs>" is a valid
 * specifier and lhs a valid version; else Python's string operators. */
static int compare(const char *lhs, enum pep508_op op, const char *rhs, bool *res, struct buf *err)
{
	if (op != PEP508_IN && op != PEP508_NOT_IN) {
		char *spec = xstrfmt("%s%s", op_names[op], rhs);
		struct pep440_specset ss;
		struct pep440_version v;
		bool ok = pep440_specset_parse(spec, &ss, NULL) == 0;
		free(spec);
		if (ok && ss.n == 1) {
			bool isv = pep440_parse_str(lhs, &v) == 0;
			if (isv) {
				*res = pep440_specset_contains(&ss, &v, PEP440_PRERELEASES_ALLOW);
				pep440_version_free(&v);
				pep440_specset_free(&ss);
				return 0;
			}
		}
		if (ok)
			pep440_specset_free(&ss);
	}
	int cmp = strcmp(lhs, rhs);
	switch (op) {
	case PEP508_ARBITRARY: *res = strcasecmp(lhs, rhs) == 0; break;
	case PEP508_LT: *res = cmp < 0; break;
	case PEP508_LE: *res = cmp <= 0; break;
	case PEP508_EQ: *res = cmp == 0; break;
	case PEP508_NE: *res = cmp != 0; break;
	case PEP508_GE: *res = cmp >= 0; break;
	case PEP508_GT: *res = cmp > 0; break;
	case PEP508_IN: *res = strstr(rhs, lhs) != NULL; break;
	case PEP508_NOT_IN: *res = strstr(rhs, lhs) == NULL; break;
	default:
		if (err)
			buf_addf(err, "undefined comparison '%s %s %s'", lhs, op_names[op], rhs);
		return -1;
	}
	return 0;
}

static bool is_set_var(int var)
{
	return var == PEP508_EXTRAS || var == PEP508_DEPENDENCY_GROUPS;
}

/* "x" in extras: membership of the normalized name in the set (PEP 751);
 * any other use of a set variable is undefined. */
static int eval_set(const struct pep508_marker *m, const struct pep508_env *env, bool *result,
		    struct buf *err)
{
	if (m->lvar != PEP508_LITERAL || !is_set_var(m->rvar) ||
	    (m->op != PEP508_IN && m->op != PEP508_NOT_IN)) {
		if (err)
			buf_addf(err, "'%s' can only be tested with \"name\" in %s / not in %s",
				 var_names[is_set_var(m->rvar) ? m->rvar : m->lvar],
				 var_names[is_set_var(m->rvar) ? m->rvar : m->lvar],
				 var_names[is_set_var(m->rvar) ? m->rvar : m->lvar]);
		return -1;
	}
	char *want = name_canonicalize(m->lstr);
	bool found = false;
	const char *v = env->v[m->rvar] ? env->v[m->rvar] : "";
	while (*v && !found) {
		size_t n = strcspn(v, ",");
		char *item = xstrndup_trim(v, n);
		char *c = name_canonicalize(item);
		found = *c && !strcmp(c, want);
		free(c);
		free(item);
		v += n + (v[n] == ',');
	}
	free(want);
	*result = m->op == PEP508_IN ? found : !found;
	return 0;
}

int pep508_marker_eval(const struct pep508_marker *m, const struct pep508_env *env, bool *result,
		       struct buf *err)
{
	if (!m) {
		*result = true;
		return 0;
	}
	if (m->kind != PEP508_CMP) {
		bool l, r;
		if (pep508_marker_eval(m->left, env, &l, err) < 0)
			return -1;
		/* Both sides are evaluated, as packaging does: an undefined
		 * comparison is an error even when the other side decides. */
		if (pep508_marker_eval(m->right, env, &r, err) < 0)
			return -1;
		*result = m->kind == PEP508_AND ? (l && r) : (l || r);
		return 0;
	}
	if (is_set_var(m->lvar) || is_set_var(m->rvar))
		return eval_set(m, env, result, err);
	const char *l = value_of(env, m->lvar, m->lstr), *r = value_of(env, m->rvar, m->rstr);
	if (m->lvar == PEP508_EXTRA || m->rvar == PEP508_EXTRA) {
		char *lc = name_canonicalize(l), *rc = name_canonicalize(r);
		int rc_ = compare(lc, m->op, rc, result, err);
		free(lc);
		free(rc);
		return rc_;
	}
	return compare(l, m->op, r, result, err);
}

static void format_operand(struct buf *out, int var, const char *s)
{
	/* packaging writes double quotes; a value holding one needs single. */
	if (var == PEP508_LITERAL)
		buf_addf(out, strchr(s, '"') ? "'%s'" : "\"%s\"", s);
	else
		buf_addstr(out, var_names[var]);
}

static void format_marker(struct buf *out, const struct pep508_marker *m, enum pep508_node parent)
{
	if (m->kind == PEP508_CMP) {
		format_operand(out, m->lvar, m->lstr);
		buf_addf(out, " %s ", op_names[m->op]);
		format_operand(out, m->rvar, m->rstr);
		return;
	}
	bool paren = m->kind == PEP508_OR && parent == PEP508_AND;
	if (paren)
		buf_addch(out, '(');
	format_marker(out, m->left, m->kind);
	buf_addstr(out, m->kind == PEP508_AND ? " and " : " or ");
	/* A right operand of the same kind came from explicit parentheses. */
	bool rparen = m->right->kind == m->kind;
	if (rparen)
		buf_addch(out, '(');
	format_marker(out, m->right, m->kind);
	if (rparen)
		buf_addch(out, ')');
	if (paren)
		buf_addch(out, ')');
}

void pep508_marker_format(struct buf *out, const struct pep508_marker *m)
{
	if (m)
		format_marker(out, m, PEP508_CMP);
}

void pep508_format(struct buf *out, const struct pep508_req *req)
{
	buf_addstr(out, req->name);
	if (req->extras.n) {
		struct strvec ex = STRVEC_INIT;
		strvec_pushv(&ex, (const char *const *)req->extras.v);
		strvec_sort(&ex);
		buf_addch(out, '[');
		for (size_t i = 0; i < ex.n; i++)
			buf_addf(out, "%s%s", i ? "," : "", ex.v[i]);
		buf_addch(out, ']');
		strvec_clear(&ex);
	}
	if (req->spec.n) {
		/* packaging writes the clauses sorted as strings. */
		struct buf set = BUF_INIT;
		struct strvec parts = STRVEC_INIT;
		pep440_specset_format(&set, &req->spec);
		char *save = NULL;
		for (char *t = strtok_r(set.ptr, ",", &save); t; t = strtok_r(NULL, ",", &save))
			strvec_push(&parts, t);
		strvec_sort(&parts);
		for (size_t i = 0; i < parts.n; i++)
			buf_addf(out, "%s%s", i ? "," : "", parts.v[i]);
		strvec_clear(&parts);
		buf_free(&set);
	}
	if (req->url) {
		buf_addf(out, "@ %s", req->url);
		if (req->marker)
			buf_addch(out, ' ');
	}
	if (req->marker) {
		buf_addstr(out, "; ");
		pep508_marker_format(out, req->marker);
	}
}
