/* requirements.txt parsing, following pip's req_file.py (see requirements.h). */
#include "util/common.h"

#include <ctype.h>

#include "core/pkg/requirements.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

/* Includes deeper than this are a mistake. */
#define MAX_DEPTH 32

struct ctx {
	struct reqs *out;
	struct strvec stack; /* real paths of the files being read */
	struct strvec seen;  /* "r:REAL" / "c:REAL" of every file read this run */
	size_t lines;        /* physical lines read, in all files */
	const char *top;     /* the file the run started with */
};

static int parse_text(struct ctx *cx, const char *text, size_t len, const char *file,
		      bool constraint);

static void entry_free(struct req_entry *e)
{
	if (!e->plain) { /* else they are the arena's */
		free(e->text);
		if (e->is_pep508)
			pep508_req_free(&e->req);
	}
	free(e->path_or_url);
	free(e->marker_text);
	strvec_clear(&e->hashes);
}

void reqs_free(struct reqs *r)
{
	for (size_t i = 0; i < r->n; i++)
		entry_free(&r->v[i]);
	free(r->v);
	free(r->index_url);
	strvec_clear(&r->extra_index_urls);
	strvec_clear(&r->find_links);
	strvec_clear(&r->trusted_hosts);
	strvec_clear(&r->only_binary);
	strvec_clear(&r->no_binary);
	arena_free(&r->strings);
	memset(r, 0, sizeof(*r));
	struct reqs empty = REQS_INIT;
	*r = empty;
}

/* pip's COMMENT_RE, (^|\s+)#.*$: the offset where a comment starts, or len. */
static size_t comment_start(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '#' && (i == 0 || isspace((unsigned char)s[i - 1]))) {
			while (i > 0 && isspace((unsigned char)s[i - 1]))
				i--;
			return i;
		}
	return len;
}

static bool is_comment_line(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && isspace((unsigned char)s[i]))
		i++;
	return i < len && s[i] == '#';
}

/* The value of NAME in envp ("NAME=value" strings), or NULL. */
static const char *environ_get(const char *const *envp, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; envp && envp[i]; i++)
		if (!strncmp(envp[i], name, n) && envp[i][n] == '=')
			return envp[i] + n + 1;
	return NULL;
}

/* ${NAME} with NAME of upper-case letters, digits and '_', when set. */
static void expand_env(struct buf *line, const char *const *envp)
{
	/* most lines name no variable: left as they are, not copied a byte at
	 * a time (issue 18) */
	if (!strstr(line->ptr, "${"))
		return;
	struct buf out = BUF_INIT;
	const char *p = line->ptr;
	while (*p) {
		if (p[0] == '$' && p[1] == '{') {
			const char *q = p + 2;
			while ((*q >= 'A' && *q <= 'Z') || isdigit((unsigned char)*q) || *q == '_')
				q++;
			if (*q == '}' && q > p + 2) {
				char *name = xstrndup(p + 2, (size_t)(q - p - 2));
				const char *v = environ_get(envp, name);
				free(name);
				if (v) {
					buf_addstr(&out, v);
					p = q + 1;
					continue;
				}
			}
		}
		buf_addch(&out, *p++);
	}
	buf_set(line, out.ptr);
	buf_free(&out);
}

/* Splits a logical line into whitespace-separated tokens (pip splits on
 * spaces; tabs count too here). */
static void tokenize(const char *s, struct strvec *tok)
{
	while (*s) {
		while (*s && isspace((unsigned char)*s))
			s++;
		const char *e = s;
		while (*e && !isspace((unsigned char)*e))
			e++;
		if (e > s)
			strvec_push_take(tok, xstrndup(s, (size_t)(e - s)));
		s = e;
	}
}

/* A relative path from a file is relative to that file's directory; from
 * a file in the current directory it stays as written, so messages show the
 * path the user wrote ("./x", not "././x"). */
static char *relative_to(const char *file, const char *target)
{
	if (target[0] == '/' || strstr(target, "://") || !strcmp(file, "-"))
		return xstrdup(target);
	char *dir = os_dirname(file);
	char *p;
	if (!strcmp(dir, ".")) {
		p = xstrdup(target);
	} else {
		while (target[0] == '.' && target[1] == '/') {
			target += 2;
			target += strspn(target, "/");
		}
		p = path_join(dir, *target ? target : ".");
	}
	free(dir);
	return p;
}

static bool looks_like_path_or_url(const char *s)
{
	return strchr(s, '/') || s[0] == '.' || strstr(s, "://") || ends_with(s, ".whl") ||
	       ends_with(s, ".zip") || ends_with(s, ".tar.gz");
}

static struct req_entry *new_entry(struct reqs *r, const char *file, int line, bool constraint)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	struct req_entry *e = &r->v[r->n++];
	memset(e, 0, sizeof(*e));
	strvec_init(&e->hashes);
	strvec_init(&e->req.extras);
	e->file = file; /* parse_text()'s copy */
	e->line = line;
	e->constraint = constraint;
	return e;
}

/* An option's value: "--opt=value", "--opt value", "-ovalue", "-o value". */
static const char *opt_value(struct strvec *tok, size_t *i, const char *shortname,
			     const char *longname, bool *matched)
{
	const char *t = tok->v[*i];
	*matched = false;
	size_t ln = strlen(longname);
	if (!strncmp(t, longname, ln) && (t[ln] == '=' || !t[ln])) {
		*matched = true;
		if (t[ln] == '=')
			return t + ln + 1;
	} else if (shortname && !strncmp(t, shortname, 2)) {
		*matched = true;
		if (t[2])
			return t[2] == '=' ? t + 3 : t + 2;
	} else {
		return NULL;
	}
	if (*i + 1 >= tok->n)
		return NULL;
	return tok->v[++*i];
}

static bool is_flag(const char *t, const char *name)
{
	return !strcmp(t, name);
}

static int bad(const char *file, int line, const char *what, const char *subject)
{
	return error("%s:%d: %s '%s'", file, line, what, subject);
}

static int include_file(struct ctx *cx, const char *file, int line, const char *target,
			bool constraint)
{
	char *path = relative_to(file, target);
	if (strstr(path, "://")) {
		error("%s:%d: cannot read requirements from a URL '%s'", file, line, path);
		free(path);
		return -1;
	}
	char *real = os_realpath(path);
	if (!real) {
		error_errno("%s:%d: cannot open requirements file '%s'", file, line, path);
		free(path);
		return -1;
	}
	if (strvec_contains(&cx->stack, real)) {
		error("%s:%d: requirements file '%s' includes itself", file, line, path);
		free(real);
		free(path);
		return -1;
	}
	if (cx->stack.n >= MAX_DEPTH) {
		error("%s:%d: requirements file '%s' is included more than %d levels deep", file,
		      line, path, MAX_DEPTH);
		free(real);
		free(path);
		return -1;
	}
	/* a file read already (as requirements, or as constraints) adds nothing
	 * new: reading it again would only repeat its entries, and files that
	 * include the next one twice would cost 2^depth reads */
	char *key = xstrfmt("%c:%s", constraint ? 'c' : 'r', real);
	if (strvec_contains(&cx->seen, key)) {
		free(key);
		free(real);
		free(path);
		return 0;
	}
	strvec_push_take(&cx->seen, key);
	struct buf text = BUF_INIT;
	int rc = -1;
	if (os_read_file(path, REQS_FILE_MAX, &text) < 0) {
		error_errno("%s:%d: cannot read requirements file '%s'", file, line, path);
	} else {
		strvec_push(&cx->stack, real);
		rc = parse_text(cx, text.ptr, text.len, path, constraint);
		free(cx->stack.v[--cx->stack.n]);
		cx->stack.v[cx->stack.n] = NULL;
	}
	buf_free(&text);
	free(real);
	free(path);
	return rc;
}

/* The options of a line that has no requirement: global ones, -r, -c, -e. */
static int option_line(struct ctx *cx, struct strvec *tok, const char *file, int line,
		       bool constraint)
{
	struct reqs *r = cx->out;
	for (size_t i = 0; i < tok->n; i++) {
		const char *t = tok->v[i], *v;
		bool m;
#define VALUE(s, l)                                                            \
	((v = opt_value(tok, &i, (s), (l), &m)), m)
		if (VALUE("-r", "--requirement") || VALUE("-c", "--constraint")) {
			if (!v)
				return bad(file, line, "missing file name after", t);
			bool c = starts_with(t, "-c") || starts_with(t, "--constraint");
			if (include_file(cx, file, line, v, c) < 0)
				return -1;
		} else if (VALUE("-e", "--editable")) {
			if (!v)
				return bad(file, line, "missing path or URL after", t);
			struct req_entry *e = new_entry(r, file, line, constraint);
			e->editable = true;
			e->text = xstrdup(v);
			e->path_or_url = strstr(v, "://") ? xstrdup(v) : relative_to(file, v);
		} else if (VALUE("-i", "--index-url")) {
			if (!v)
				return bad(file, line, "missing URL after", t);
			free(r->index_url);
			r->index_url = xstrdup(v);
		} else if (VALUE(NULL, "--extra-index-url")) {
			if (!v)
				return bad(file, line, "missing URL after", t);
			strvec_push(&r->extra_index_urls, v);
		} else if (VALUE("-f", "--find-links")) {
			if (!v)
				return bad(file, line, "missing path or URL after", t);
			/* pip: relative to the file when it exists there. */
			char *rel = relative_to(file, v);
			strvec_push_take(&r->find_links, os_exists(rel) ? rel : (free(rel), xstrdup(v)));
		} else if (VALUE(NULL, "--trusted-host")) {
			/* cvenv never turns TLS checks off: say so rather than
			 * ignore it (a CA bundle is given with --cert) */
			if (!v)
				return bad(file, line, "missing host after", t);
			return bad(file, line, "cvenv does not skip TLS verification (give the "
				   "server's CA with --cert instead):", t);
		} else if (VALUE(NULL, "--only-binary")) {
			if (!v)
				return bad(file, line, "missing value after", t);
			strvec_push(&r->only_binary, v);
		} else if (VALUE(NULL, "--no-binary")) {
			if (!v)
				return bad(file, line, "missing value after", t);
			/* only wheels are installed: nothing but :none: can hold */
			if (strcmp(v, ":none:"))
				return bad(file, line, "cvenv installs wheels only and cannot honour", t);
			strvec_push(&r->no_binary, v);
		} else if (VALUE(NULL, "--use-feature")) {
			if (!v)
				return bad(file, line, "missing value after", t);
		} else if (is_flag(t, "--no-index")) {
			r->no_index = true;
		} else if (is_flag(t, "--pre")) {
			r->pre = true;
		} else if (is_flag(t, "--require-hashes")) {
			r->require_hashes = true;
		} else if (is_flag(t, "--prefer-binary")) {
			r->prefer_binary = true;
		} else {
			return bad(file, line, "unknown option", t);
		}
#undef VALUE
	}
	return 0;
}

/* A requirement and its per-requirement options (--hash=ALG:HEX, repeatable). */
static int requirement_line(struct ctx *cx, const char *args, struct strvec *opts, const char *file,
			    int line, bool constraint)
{
	struct req_entry *e = new_entry(cx->out, file, line, constraint);
	e->text = xstrdup(args);
	for (size_t i = 0; i < opts->n; i++) {
		bool m;
		const char *v = opt_value(opts, &i, NULL, "--hash", &m);
		if (!m) {
			if (starts_with(opts->v[i], "--global-option") ||
			    starts_with(opts->v[i], "--config-settings")) {
				opt_value(opts, &i, NULL, starts_with(opts->v[i], "--global-option")
							       ? "--global-option" : "--config-settings", &m);
				continue;
			}
			return bad(file, line, "unknown option", opts->v[i]);
		}
		const char *colon = v ? strchr(v, ':') : NULL;
		if (!colon || colon == v || !colon[1])
			return bad(file, line, "expected --hash=ALGORITHM:HEX, not", v ? v : "--hash");
		/* pip's rule (STRONG_HASHES): md5, sha1 and sha224 are refused */
		if (!starts_with(v, "sha256:") && !starts_with(v, "sha384:") &&
		    !starts_with(v, "sha512:"))
			return bad(file, line, "the allowed --hash algorithms are sha256, sha384 and "
				   "sha512, not", v);
		for (const char *h = colon + 1; *h; h++)
			if (!isxdigit((unsigned char)*h))
				return bad(file, line, "the hash is not hexadecimal in", v);
		strvec_push(&e->hashes, v);
	}
	struct buf err = BUF_INIT;
	if (pep508_parse(args, &e->req, &err) == 0) {
		e->is_pep508 = true;
	} else if (looks_like_path_or_url(args)) {
		/* pip splits a marker off a path or URL at "; " (or " ;"). */
		const char *semi = strstr(args, "; ");
		if (!semi)
			semi = strstr(args, " ;");
		size_t n = semi ? (size_t)(semi - args) : strlen(args);
		char *target = xstrndup_trim(args, n);
		e->path_or_url = strstr(target, "://") ? xstrdup(target) : relative_to(file, target);
		free(target);
		if (semi) {
			struct pep508_marker *m;
			const char *mt = semi + 2;
			buf_reset(&err);
			if (pep508_marker_parse(mt, &m, &err) < 0) {
				error("%s:%d: invalid marker in '%s': %s", file, line, args, err.ptr);
				buf_free(&err);
				return -1;
			}
			pep508_marker_free(m);
			e->marker_text = xstrndup_trim(mt, strlen(mt));
		}
	} else {
		error("%s:%d: invalid requirement '%s': %s", file, line, args, err.ptr);
		buf_free(&err);
		return -1;
	}
	buf_free(&err);
	return 0;
}

/* One logical line, comments already removed. */
static int logical_line(struct ctx *cx, const char *s, const char *file, int line, bool constraint)
{
	struct strvec tok = STRVEC_INIT, opts = STRVEC_INIT;
	tokenize(s, &tok);
	size_t i = 0;
	struct buf args = BUF_INIT;
	for (; i < tok.n && tok.v[i][0] != '-'; i++) {
		if (args.len)
			buf_addch(&args, ' ');
		buf_addstr(&args, tok.v[i]);
	}
	for (; i < tok.n; i++)
		strvec_push(&opts, tok.v[i]);
	int rc = args.len ? requirement_line(cx, args.ptr, &opts, file, line, constraint)
			  : option_line(cx, &opts, file, line, constraint);
	buf_free(&args);
	strvec_clear(&tok);
	strvec_clear(&opts);
	return rc;
}

static bool ascii_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The length of the name of a plain "name==version" line s[0..n) (see
 * requirements.h), or 0 for any other line. Each byte such a line may hold
 * is one the general parser reads the same way in every locale: no white
 * space, '#', '\\', '$', '-' first, ';', '[', '@' or byte above 0x7f. */
static size_t plain_pin(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (ascii_alnum(s[i]) || s[i] == '.' || s[i] == '_' || s[i] == '-'))
		i++;
	size_t name = i;
	/* pep508's name ends on a letter or digit: "a-==1" is not "a" */
	if (!name || !ascii_alnum(s[0]) || !ascii_alnum(s[name - 1]) || n - name < 3 ||
	    s[name] != '=' || s[name + 1] != '=')
		return 0;
	/* "1", "1.0", "2024.10.3": a digit after "==" and after every dot */
	for (i = name + 2; i < n; i++) {
		if (s[i] == '.' && i + 1 < n && s[i - 1] != '=' && s[i - 1] != '.')
			continue;
		if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return name;
}

/* The version of a plain line (digits between single dots, as plain_pin()
 * checked) into *out, as pep440_parse() makes it: its release numbers (in
 * a), all else zero. False (nothing made) for a number of more than 19
 * digits or a version longer than PEP 440 allows: pep440_parse() then
 * decides. */
static bool plain_version(const char *v, size_t n, struct arena *a, struct pep440_version *out)
{
	size_t parts = pep440_plain_parts(v, n);
	if (!parts)
		return false;
	memset(out, 0, sizeof(*out));
	out->release = arena_alloc(a, parts * sizeof(*out->release));
	out->nrelease = parts;
	pep440_plain_release(v, n, out->release);
	return true;
}

/* The version of a plain line plain_version() leaves (a number past 64
 * bits, or too long) as pep440_parse() makes it, moved into a: false
 * (nothing made) when that parser refuses it (the general parser then reads
 * the line, and reports). Digits and dots make only release numbers. */
static bool big_version(const char *v, size_t n, struct arena *a, struct pep440_version *out)
{
	struct pep440_version p;
	if (pep440_parse(v, n, &p) < 0)
		return false;
	bool only_release = !p.local && !p.epoch_big && !p.pre_big && !p.post_big && !p.dev_big;
	if (only_release) {
		*out = p;
		out->release = arena_alloc(a, p.nrelease * sizeof(*p.release));
		memcpy(out->release, p.release, p.nrelease * sizeof(*p.release));
		if (p.release_big) {
			out->release_big = arena_alloc(a, p.nrelease * sizeof(*p.release_big));
			for (size_t i = 0; i < p.nrelease; i++)
				out->release_big[i] = p.release_big[i]
							      ? arena_strdup(a, p.release_big[i])
							      : NULL;
		}
	}
	pep440_version_free(&p);
	return only_release;
}

/* Reads a plain "name==version" line (see requirements.h) into a new entry
 * holding what requirement_line() would make of it, its parts in the reqs'
 * arena (e->plain): false (nothing done) for any other line, or a version
 * plain_version() leaves to the general parser (which reads and reports
 * it). */
static bool plain_line(struct ctx *cx, const char *s, size_t n, const char *file, int line,
		       bool constraint)
{
	struct arena *a = &cx->out->strings;
	size_t name = cx->out->full_parse ? 0 : plain_pin(s, n);
	struct pep440_spec sp = { PEP440_OP_EQ, false, { 0 }, NULL };
	const char *v = s + name + 2;
	if (!name || (!plain_version(v, n - name - 2, a, &sp.v) && !big_version(v, n - name - 2, a, &sp.v)))
		return false;
	struct req_entry *e = new_entry(cx->out, file, line, constraint);
	/* the text once: the name, the specifier and its version are parts
	 * of it ("name==1.0" is "name" "==1.0" "1.0") */
	char *t = arena_alloc(a, 2 * n + 2);
	memcpy(t, s, n);
	t[n] = '\0';
	memcpy(t + n + 1, s, name);
	t[n + 1 + name] = '\0';
	e->text = t;
	e->plain = true;
	e->is_pep508 = true;
	e->req.name = t + n + 1;
	e->req.spec_text = t + name;
	sp.text = t + name + 2;
	e->req.spec.items = arena_alloc(a, sizeof(sp));
	e->req.spec.items[0] = sp;
	e->req.spec.n = 1;
	cx->out->fast_lines++;
	return true;
}

static int parse_text(struct ctx *cx, const char *text, size_t len, const char *file_arg,
		      bool constraint)
{
	/* the file's name once, for every entry of it (not a copy each) */
	const char *file = arena_strdup(&cx->out->strings, file_arg);
	/* A UTF-8 byte order mark is dropped, as pip's auto_decode does. */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		text += 3, len -= 3;
	const char *p = text, *end = text + len;
	struct buf logical = BUF_INIT;
	int lineno = 0, first = 0, rc = 0;
	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *next = nl ? nl + 1 : end;
		if (n && p[n - 1] == '\r')
			n--;
		lineno++;
		if (++cx->lines > REQS_LINES_MAX) {
			rc = error("%s:%d: more than %u lines of requirements in all, reading '%s' "
				   "and what it includes", file, lineno, REQS_LINES_MAX, cx->top);
			break;
		}
		/* the lines are C strings from here on: a NUL would end one early
		 * and hide what follows it (a --hash) */
		if (memchr(p, '\0', n)) {
			rc = error("%s:%d: the line contains a NUL byte", file, lineno);
			break;
		}
		if (!logical.len && plain_line(cx, p, n, file, lineno, constraint)) {
			p = next;
			continue;
		}
		bool comment = is_comment_line(p, n);
		bool cont = n && p[n - 1] == '\\' && !comment;
		if (!logical.len)
			first = lineno;
		if (cont) {
			buf_add(&logical, p, n - 1);
			p = next;
			if (p < end)
				continue;
		} else {
			if (comment && logical.len)
				buf_addch(&logical, ' ');
			buf_add(&logical, p, n);
		}
		size_t c = comment_start(logical.ptr, logical.len);
		buf_setlen(&logical, c);
		expand_env(&logical, cx->out->envp);
		char *s = xstrndup_trim(logical.ptr, logical.len);
		if (*s)
			rc = logical_line(cx, s, file, first, constraint);
		free(s);
		buf_reset(&logical);
		p = next;
	}
	buf_free(&logical);
	return rc;
}

int reqs_parse_text(const char *text, size_t len, const char *file, bool constraint,
		    struct reqs *out)
{
	struct ctx cx = { out, STRVEC_INIT, STRVEC_INIT, 0, file };
	char *real = os_realpath(file);
	if (real) {
		strvec_pushf(&cx.seen, "%c:%s", constraint ? 'c' : 'r', real);
		strvec_push_take(&cx.stack, real);
	}
	int rc = parse_text(&cx, text, len, file, constraint);
	strvec_clear(&cx.stack);
	strvec_clear(&cx.seen);
	return rc;
}

int reqs_parse_file(const char *path, bool constraint, struct reqs *out)
{
	struct buf text = BUF_INIT;
	if (os_read_file(path, REQS_FILE_MAX, &text) < 0) {
		int e = errno;
		buf_free(&text);
		errno = e;
		return error_errno("cannot read requirements file '%s'", path);
	}
	int rc = reqs_parse_text(text.ptr, text.len, path, constraint, out);
	buf_free(&text);
	return rc;
}
