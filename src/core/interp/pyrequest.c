/* The interpreter request grammar (see pyrequest.h). */
#include "util/common.h"

#include "core/interp/pyrequest.h"
#include "util/buf.h"
#include "util/error.h"

const char *pyrequest_grammar(void)
{
	return "an interpreter request is one of:\n"
	       "  3, 3.12, 3.12.1, 3.13rc1, 312      a Python version (312 means 3.12)\n"
	       "  '>=3.10,<3.13', '==3.12.*'          a PEP 440 specifier set\n"
	       "  cpython, cp, pypy, pp, python, any  an implementation, any version\n"
	       "  cpython3.12, cp312, pypy3, pypy@3.9, cpython@>=3.11\n"
	       "                                      an implementation and a version\n"
	       "  /usr/bin/python3, ./env, ~/x        a path to an interpreter, a venv or\n"
	       "                                      an installation directory\n"
	       "  python3.12-dbg, ...                 any other command name on PATH\n";
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static bool has_prefix_ci(const char *s, const char *p)
{
	for (; *p; s++, p++)
		if (lower((unsigned char)*s) != *p)
			return false;
	return true;
}

static const struct {
	const char *spelling, *name;
	bool command_prefix; /* names on PATH start with it (python3-dbg, pypy3.9-c) */
} impls[] = {
	/* longest first: "cpython" before "cp", "pypy" before "pp"/"python" */
	{ "cpython", "cpython", false }, { "python", NULL, true }, { "pypy", "pypy", true },
	{ "cp", "cpython", false },      { "pp", "pypy", false },
};

const char *pyrequest_impl_name(const char *s, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(impls); i++) {
		const char *sp = impls[i].spelling;
		if (strlen(sp) == len && has_prefix_ci(s, sp))
			return impls[i].name ? impls[i].name : "";
	}
	return NULL;
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_op_char(int c)
{
	return c == '<' || c == '>' || c == '=' || c == '!' || c == '~';
}

static bool is_command_name(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || is_digit(*s)))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || is_digit(*s) ||
		      strchr("._+-", *s)))
			return false;
	return true;
}

/* Requests spell versions plainly: digits and dots, then at most a pre-release
 * "a1", "b2" or "rc1" (PEP 440's other spellings would make "pypy3.9-c" a
 * version). */
static bool strict_version(const char *s)
{
	s += strspn(s, "0123456789.");
	if (*s == 'a' || *s == 'b')
		s++;
	else if (s[0] == 'r' && s[1] == 'c')
		s += 2;
	else
		return !*s;
	return is_digit((unsigned char)*s) && !s[strspn(s, "0123456789")];
}

/* "3", "3.12", "3.12.1", "3.13rc1", "312": fills version, nparts and the
 * equivalent specifier set. */
static int parse_version(const char *s, struct pyrequest *r, struct buf *err)
{
	size_t n = strlen(s);
	char *text = NULL;
	if (n >= 2 && strspn(s, "0123456789") == n)
		text = xstrfmt("%c.%s", s[0], s + 1); /* 312 -> 3.12 */
	else
		text = xstrdup(s);
	struct pep440_version *v = &r->version;
	int ok = is_digit((unsigned char)*s) && strict_version(s) && pep440_parse_str(text, v) == 0;
	if (ok && (v->epoch || v->nrelease > 3 || v->has_post || v->has_dev || v->local ||
		   (v->pre && v->nrelease < 2))) {
		pep440_version_free(v);
		ok = 0;
	}
	if (!ok) {
		buf_addf(err, "'%s' is not a Python version", s);
		free(text);
		return -1;
	}
	r->nparts = v->nrelease;
	struct buf spec = BUF_INIT;
	buf_addstr(&spec, "==");
	pep440_format(&spec, v);
	if (v->nrelease < 3 && !v->pre)
		buf_addstr(&spec, ".*");
	if (pep440_specset_parse(spec.ptr, &r->specs, NULL) < 0)
		BUG("cannot parse the generated specifier '%s'", spec.ptr);
	buf_free(&spec);
	free(text);
	r->kind = PYREQ_VERSION;
	return 0;
}

static int parse_specs(const char *s, struct pyrequest *r, struct buf *err)
{
	struct buf why = BUF_INIT;
	if (pep440_specset_parse(s, &r->specs, &why) < 0) {
		buf_addf(err, "'%s' is not a valid specifier set: %s", s, why.ptr);
		buf_free(&why);
		return -1;
	}
	buf_free(&why);
	r->kind = PYREQ_SPECS;
	return 0;
}

/* $HOME, as pyrequest_set_home gave it. */
static const char *home_dir;

void pyrequest_set_home(const char *home)
{
	home_dir = home;
}

static char *expand_home(const char *s)
{
	const char *home = home_dir;
	if (s[0] == '~' && (s[1] == '/' || !s[1]) && home && *home)
		return xstrfmt("%s%s", home, s + 1);
	return xstrdup(s);
}

static bool is_path(const char *s)
{
	return strchr(s, '/') || s[0] == '.' || (s[0] == '~' && !s[1]);
}

/* An implementation name, then nothing, a version or specifiers, with an
 * optional '@' or '-' between. 1: parsed; 0: not an implementation request;
 * -1: malformed (err set). */
static int parse_impl(const char *s, struct pyrequest *r, struct buf *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(impls); i++) {
		const char *sp = impls[i].spelling;
		if (!has_prefix_ci(s, sp))
			continue;
		const char *rest = s + strlen(sp);
		if (*rest && !is_digit((unsigned char)*rest) && *rest != '@' && *rest != '-' &&
		    !is_op_char((unsigned char)*rest))
			continue; /* "pythonw", "ppc": not this spelling */
		bool sep = *rest == '@' || *rest == '-';
		rest += sep;
		r->implementation = impls[i].name ? xstrdup(impls[i].name) : NULL;
		if (!*rest && !sep) {
			r->kind = PYREQ_ANY;
			return 1;
		}
		struct buf why = BUF_INIT;
		int rc = is_op_char((unsigned char)*rest) ? parse_specs(rest, r, &why)
							 : parse_version(rest, r, &why);
		if (rc == 0) {
			buf_free(&why);
			return 1;
		}
		free(r->implementation);
		r->implementation = NULL;
		if (impls[i].command_prefix && is_command_name(s)) {
			buf_free(&why);
			return 0; /* python3-dbg, pypy3.9-c: a command */
		}
		if (!*rest)
			buf_addf(err, "'%s' names no version after '%c'", s, rest[-1]);
		else
			buf_add(err, why.ptr, why.len);
		buf_free(&why);
		return -1;
	}
	return 0;
}

int pyrequest_parse(const char *text, struct pyrequest *r, struct buf *err)
{
	memset(r, 0, sizeof(*r));
	r->text = xstrdup(text);
	int rc = 0;
	if (is_path(text)) {
		r->kind = PYREQ_PATH;
		r->path = expand_home(text);
		return 0;
	}
	size_t len = strlen(text);
	while (len && strchr(" \t\n", text[len - 1]))
		len--;
	while (len && strchr(" \t\n", *text))
		text++, len--;
	char *s = xstrndup(text, len);
	if (!*s) {
		buf_addstr(err, "the interpreter request is empty");
		rc = -1;
	} else if (!strcmp(s, "any") || !strcmp(s, "default")) {
		r->kind = PYREQ_ANY;
	} else if (is_op_char((unsigned char)*s)) {
		rc = parse_specs(s, r, err);
	} else if (is_digit((unsigned char)*s)) {
		rc = parse_version(s, r, err);
	} else if ((rc = parse_impl(s, r, err)) != 0) {
		rc = rc < 0 ? -1 : 0;
	} else if (is_command_name(s)) {
		r->kind = PYREQ_NAME;
		r->path = xstrdup(s);
	} else {
		buf_addf(err, "'%s' is not a version, specifier set, implementation, path or command name",
			 s);
		rc = -1;
	}
	free(s);
	if (rc < 0)
		pyrequest_free(r);
	return rc;
}

void pyrequest_free(struct pyrequest *r)
{
	free(r->text);
	free(r->implementation);
	free(r->path);
	pep440_version_free(&r->version);
	pep440_specset_free(&r->specs);
	memset(r, 0, sizeof(*r));
}

bool pyrequest_matches(const struct pyrequest *r, const char *implementation,
		       const char *version)
{
	if (r->implementation && (!implementation || strcmp(r->implementation, implementation)))
		return false;
	if (r->kind != PYREQ_VERSION && r->kind != PYREQ_SPECS)
		return true;
	struct pep440_version v;
	if (!version || pep440_parse_str(version, &v) < 0)
		return false;
	/* Pre-release interpreters may match; discovery ranks them below stable
	 * releases instead of hiding them. */
	bool ok = pep440_specset_contains(&r->specs, &v, PEP440_PRERELEASES_ALLOW);
	pep440_version_free(&v);
	return ok;
}

bool pyrequest_names_patch(const struct pyrequest *r)
{
	return r->kind == PYREQ_VERSION && r->nparts == 3;
}
