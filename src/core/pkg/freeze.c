/* pip freeze / pip list output (see freeze.h). */
#include "util/common.h"

#include <ctype.h>
#include <strings.h>

#include "core/pkg/distinfo.h"
#include "core/pkg/freeze.h"
#include "core/std/metadata.h"
#include "core/std/pep508.h"
#include "core/pkg/vcs.h"
#include "core/env/venv.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"
#include "util/relpath.h"

static bool pip_at_least(const struct dist_env *env, int major, int minor)
{
	return env->pip_major > major || (env->pip_major == major && env->pip_minor >= minor);
}

/* pip's stdlib_pkgs, always skipped by freeze and list. */
static const char *const stdlib_pkgs[] = { "python", "wsgiref", "argparse", NULL };

static bool in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (!strcmp(*list, name))
			return true;
	return false;
}

static bool excluded(const struct strvec *excludes, const char *canonical)
{
	if (in_list(stdlib_pkgs, canonical))
		return true;
	for (size_t i = 0; excludes && i < excludes->n; i++) {
		char *c = name_canonicalize(excludes->v[i]);
		bool eq = !strcmp(c, canonical);
		free(c);
		if (eq)
			return true;
	}
	return false;
}

/* pip 23.2 stopped skipping setuptools, distribute and wheel on Python 3.12+;
 * earlier pips skip them everywhere. */
static bool dev_pkg(const struct dist_env *env, const char *canonical)
{
	if (!strcmp(canonical, "pip"))
		return true;
	static const char *const backends[] = { "setuptools", "distribute", "wheel", NULL };
	if (!in_list(backends, canonical))
		return false;
	bool py312 = env->py_major > 3 || (env->py_major == 3 && env->py_minor >= 12);
	return !(pip_at_least(env, 23, 2) && py312);
}

static void name_version(struct buf *b, const struct dist *d)
{
	if (d->version)
		buf_addf(b, "%s==%s", d->name, d->version);
	else
		buf_addf(b, "%s===%s", d->name, d->raw_version);
}

/* pip's direct_url_as_pep440_direct_reference. */
static void direct_reference(struct buf *b, const struct dist *d)
{
	const struct direct_url *du = &d->durl;
	buf_addf(b, "%s @ ", d->name);
	if (du->kind == DIRECT_URL_VCS)
		buf_addf(b, "%s+%s@%s", du->vcs, du->url, du->commit_id);
	else
		buf_addstr(b, du->url);
	const char *sep = "#";
	if (du->kind == DIRECT_URL_ARCHIVE && du->hash && *du->hash) {
		buf_addf(b, "%s%s", sep, du->hash);
		sep = "&";
	}
	if (du->subdirectory && *du->subdirectory)
		buf_addf(b, "%ssubdirectory=%s", sep, du->subdirectory);
}

/* pip's _get_editable_info: the project's VCS requirement, else its
 * directory with a comment saying why. */
static void editable_entry(struct buf *b, const struct dist *d)
{
	char *loc = os_abspath(d->editable_location);
	const char *where = loc ? loc : d->editable_location;
	struct buf display = BUF_INIT, comments = BUF_INIT, req = BUF_INIT;
	name_version(&display, d);
	if (vcs_editable_requirement(where, d->name, display.ptr, &comments, &req))
		buf_addf(b, "%s-e %s", comments.ptr, req.ptr);
	else
		buf_addf(b, "# Editable install with no version control (%s)\n-e %s", display.ptr, where);
	buf_free(&display);
	buf_free(&comments);
	buf_free(&req);
	free(loc);
}

struct entry {
	const struct dist *d;
	char *key;
	size_t index;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static char *lower(const char *s)
{
	char *r = xstrdup(s);
	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/* Sorted copies of the dists: by name.lower() (freeze) or canonical (list). */
static struct entry *sorted_entries(const struct dist_set *set, bool by_canonical)
{
	struct entry *e = xcalloc(set->n + 1, sizeof(*e));
	for (size_t i = 0; i < set->n; i++) {
		e[i].d = &set->v[i];
		e[i].key = by_canonical ? xstrdup(set->v[i].canonical) : lower(set->v[i].name);
		e[i].index = i;
	}
	qsort(e, set->n, sizeof(*e), cmp_entry);
	return e;
}

static void free_entries(struct entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(e[i].key);
	free(e);
}

static bool is_local(const struct dist *d, const char *prefix)
{
	if (!prefix || d->egg_link)
		return true;
	return path_is_under(d->location, prefix, true);
}

static void render(const struct dist *d, struct buf *line)
{
	if (d->editable_location)
		editable_entry(line, d);
	else if (d->durl.kind != DIRECT_URL_NONE)
		direct_reference(line, d);
	else
		name_version(line, d);
	buf_rtrim(line, " \t\n\r\f\v");
	buf_addch(line, '\n');
}

/* pip's COMMENT_RE.sub("", line).strip(). */
static char *strip_comment(const char *line)
{
	size_t n = strlen(line), i = 0;
	for (; i < n; i++)
		if (line[i] == '#' && (i == 0 || isspace((unsigned char)line[i - 1])))
			break;
	while (i > 0 && isspace((unsigned char)line[i - 1]))
		i--;
	const char *s = line;
	while (s < line + i && isspace((unsigned char)*s))
		s++;
	return xstrndup(s, (size_t)(line + i - s));
}

/* The "#egg=NAME" fragment of a URL, or NULL. */
static char *egg_fragment(const char *s)
{
	const char *e = strstr(s, "#egg=");
	if (!e)
		e = strstr(s, "&egg=");
	if (!e)
		return NULL;
	e += 5;
	size_t n = strcspn(e, "&# \t;");
	return n ? xstrndup(e, n) : NULL;
}

/* The project a requirements line names, as pip freeze -r reads it:
 * PEP 508, a wheel path or URL (its file name), #egg=; NULL when it is not
 * clear (a directory, an sdist without #egg). -1 after reporting a line pip
 * refuses too. */
static int line_name(const char *s, bool editable, char **name)
{
	*name = egg_fragment(s);
	if (*name)
		return 0;
	if (editable) {
		if (os_is_dir(s))
			return 0;
		static const char *const vcs[] = { "git+", "hg+", "svn+", "bzr+" };
		for (size_t i = 0; i < ARRAY_SIZE(vcs); i++)
			if (!strncasecmp(s, vcs[i], strlen(vcs[i])))
				return error("cannot detect the requirement name for '%s'", s),
				       hint("name it with #egg=NAME"), -1;
		return error("'%s' is not a valid editable requirement: neither a directory "
			     "nor a VCS URL (git+, hg+, svn+, bzr+)", s);
	}
	struct pep508_req r;
	struct buf err = BUF_INIT;
	if (pep508_parse(s, &r, &err) == 0) {
		*name = xstrdup(r.name);
		pep508_req_free(&r);
		buf_free(&err);
		return 0;
	}
	if (strchr(s, '/') || s[0] == '.') {
		size_t n = strcspn(s, "#; \t");
		char *target = xstrndup(s, n);
		if (ends_with(target, ".whl")) {
			const char *base = strrchr(target, '/');
			base = base ? base + 1 : target;
			*name = xstrndup(base, strcspn(base, "-"));
		}
		free(target);
		buf_free(&err);
		return 0;
	}
	error("invalid requirement '%s': %s", s, err.ptr);
	buf_free(&err);
	return -1;
}

struct file_count {
	char *name;
	struct strvec files;
};

/* Lines pip freeze -r copies through as they are, once. */
static bool passthrough(const char *line)
{
	static const char *const prefixes[] = {
		"-r", "--requirement", "-f", "--find-links", "-i", "--index-url", "--pre",
		"--trusted-host", "--process-dependency-links", "--extra-index-url", "--use-feature",
	};
	const char *s = line;
	while (isspace((unsigned char)*s))
		s++;
	if (!*s || *s == '#')
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (starts_with(line, prefixes[i]))
			return true;
	return false;
}

static struct file_count *count_for(struct file_count **v, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].name, name))
			return &(*v)[i];
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	struct file_count *c = &(*v)[(*n)++];
	c->name = xstrdup(name);
	strvec_init(&c->files);
	return c;
}

/* One requirements line: emitted as is, or replaced by the installed
 * package it names (marked done). */
static int one_line(const char *file, const char *raw, struct entry *e, size_t n, bool *keep,
		    struct strvec *emitted, struct file_count **counts, size_t *ncounts,
		    struct buf *out)
{
	if (passthrough(raw)) {
		struct buf l = BUF_INIT;
		buf_addstr(&l, raw);
		buf_rtrim(&l, " \t\r\f\v");
		if (!strvec_contains(emitted, l.ptr)) {
			strvec_push(emitted, l.ptr);
			buf_addf(out, "%s\n", l.ptr);
		}
		buf_free(&l);
		return 0;
	}
	bool editable = starts_with(raw, "-e") || starts_with(raw, "--editable");
	char *s;
	if (editable) {
		const char *v = raw + (raw[1] == 'e' ? 2 : strlen("--editable"));
		while (isspace((unsigned char)*v) || (raw[1] == '-' && *v == '='))
			v++;
		s = strip_comment(v);
	} else {
		s = strip_comment(raw);
	}
	char *name;
	if (line_name(s, editable, &name) < 0) {
		free(s);
		return -1;
	}
	if (name) {
		char *canon = name_canonicalize(name);
		struct file_count *c = count_for(counts, ncounts, name);
		size_t i = 0;
		while (i < n && !(keep[i] && !strcmp(e[i].d->canonical, canon)))
			i++;
		if (i == n) {
			if (!c->files.n)
				warning("requirement file '%s' contains '%s', but package '%s' is not installed",
					file, s, name);
			else
				strvec_push(&c->files, file);
		} else {
			render(e[i].d, out);
			keep[i] = false;
			strvec_push(&c->files, file);
		}
		free(canon);
		free(name);
	}
	free(s);
	return 0;
}

/* pip freeze -r FILE...: the files' lines in their order, each naming an
 * installed package replaced by its freeze line. */
static int requirement_files(const struct strvec *files, struct entry *e, size_t n, bool *keep,
			     struct buf *out)
{
	struct strvec emitted = STRVEC_INIT;
	struct file_count *counts = NULL;
	size_t ncounts = 0;
	int rc = 0;
	for (size_t f = 0; f < files->n && rc == 0; f++) {
		struct buf text = BUF_INIT;
		if (os_read_file(files->v[f], 16u << 20, &text) < 0) {
			rc = error_errno("cannot read requirements file '%s'", files->v[f]);
			buf_free(&text);
			break;
		}
		char *save = NULL, *p = text.ptr;
		/* Universal newlines, as Python's text mode. */
		for (char *q = p; *q; q++)
			if (*q == '\r')
				*q = q[1] == '\n' ? ' ' : '\n';
		for (char *line = p; line && *line && rc == 0; line = save) {
			char *nl = strchr(line, '\n');
			save = nl ? nl + 1 : NULL;
			if (nl)
				*nl = '\0';
			rc = one_line(files->v[f], line, e, n, keep, &emitted, &counts, &ncounts, out);
		}
		buf_free(&text);
	}
	for (size_t i = 0; i < ncounts; i++) {
		if (rc == 0 && counts[i].files.n > 1) {
			struct strvec uniq = STRVEC_INIT;
			for (size_t j = 0; j < counts[i].files.n; j++)
				if (!strvec_contains(&uniq, counts[i].files.v[j]))
					strvec_push(&uniq, counts[i].files.v[j]);
			strvec_sort(&uniq);
			struct buf list = BUF_INIT;
			for (size_t j = 0; j < uniq.n; j++)
				buf_addf(&list, "%s%s", j ? ", " : "", uniq.v[j]);
			warning("requirement '%s' included multiple times [%s]", counts[i].name, list.ptr);
			buf_free(&list);
			strvec_clear(&uniq);
		}
		free(counts[i].name);
		strvec_clear(&counts[i].files);
	}
	free(counts);
	strvec_clear(&emitted);
	if (rc == 0)
		buf_addstr(out, "## The following requirements were added by pip freeze:\n");
	return rc;
}

int freeze_format(const struct dist_set *set, const struct dist_env *env,
		  const struct freeze_opts *fo, struct buf *out)
{
	struct entry *e = sorted_entries(set, false);
	bool *keep = xcalloc(set->n + 1, sizeof(*keep));
	for (size_t i = 0; i < set->n; i++) {
		const struct dist *d = e[i].d;
		keep[i] = !(d->editable_location && fo->exclude_editable) && is_local(d, fo->local_prefix);
	}
	int rc = 0;
	if (fo->requirements && fo->requirements->n)
		rc = requirement_files(fo->requirements, e, set->n, keep, out);
	for (size_t i = 0; i < set->n && rc == 0; i++) {
		const struct dist *d = e[i].d;
		if (!keep[i] || excluded(fo->excludes, d->canonical) ||
		    (!fo->all && dev_pkg(env, d->canonical)))
			continue;
		render(d, out);
	}
	free(keep);
	free_entries(e, set->n);
	return rc;
}

/* Width in characters of UTF-8 text, as Python's len(). */
static size_t text_width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* The version pip list shows: METADATA's text from pip 24.1 on, before that
 * str(version) (normalised, or the text of a legacy version). */
static const char *list_version(const struct dist *d, const struct dist_env *env, bool column)
{
	if (column && pip_at_least(env, 24, 1))
		return d->raw_version;
	return d->version ? d->version : d->raw_version;
}

/* pip's tabulate(): columns padded to their widest cell (in characters),
 * joined by one space, trailing blanks removed; a dashed rule under the
 * header. rows[r * ncol + c]. */
static void tabulate(struct buf *out, const char *const *rows, size_t nrows, size_t ncol)
{
	size_t *width = xcalloc(ncol, sizeof(*width));
	for (size_t r = 0; r < nrows; r++)
		for (size_t c = 0; c < ncol; c++)
			if (text_width(rows[r * ncol + c]) > width[c])
				width[c] = text_width(rows[r * ncol + c]);
	struct buf line = BUF_INIT;
	for (size_t r = 0; r < nrows; r++) {
		for (int rule = 0; rule <= (r == 0); rule++) {
			buf_reset(&line);
			for (size_t c = 0; c < ncol; c++) {
				const char *cell = rows[r * ncol + c];
				size_t w = rule ? 0 : text_width(cell);
				if (c)
					buf_addch(&line, ' ');
				if (rule)
					while (w++ < width[c])
						buf_addch(&line, '-');
				else
					for (buf_addstr(&line, cell); w < width[c]; w++)
						buf_addch(&line, ' ');
			}
			buf_rtrim(&line, " \t\n\r\f\v");
			buf_add(out, line.ptr, line.len);
			buf_addch(out, '\n');
		}
	}
	buf_free(&line);
	free(width);
}

/* pip list's columns: Package, Version, then Editable project location when
 * there are editables, then Location and Installer with -v. */
static void list_columns(struct entry *e, size_t n, const struct dist_env *env, bool verbose,
			 struct buf *out)
{
	bool editables = false;
	for (size_t i = 0; i < n; i++)
		editables |= e[i].d->editable_location != NULL;
	size_t ncol = 2 + editables + 2 * verbose;
	const char **rows = xcalloc((n + 1) * ncol, sizeof(*rows));
	size_t k = 0;
	rows[k++] = "Package";
	rows[k++] = "Version";
	if (editables)
		rows[k++] = "Editable project location";
	if (verbose) {
		rows[k++] = "Location";
		rows[k++] = "Installer";
	}
	for (size_t i = 0; i < n; i++) {
		const struct dist *d = e[i].d;
		rows[k++] = d->name;
		rows[k++] = list_version(d, env, true);
		if (editables)
			rows[k++] = d->editable_location ? d->editable_location : "";
		if (verbose) {
			rows[k++] = d->location;
			rows[k++] = d->installer;
		}
	}
	tabulate(out, rows, n + 1, ncol);
	free(rows);
}

void py_json_str(struct buf *out, const char *s)
{
	buf_addch(out, '"');
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		if (c == '"' || c == '\\') {
			buf_addch(out, '\\');
			buf_addch(out, (char)c);
		} else if (c == '\n') {
			buf_addstr(out, "\\n");
		} else if (c == '\r') {
			buf_addstr(out, "\\r");
		} else if (c == '\t') {
			buf_addstr(out, "\\t");
		} else if (c == '\b') {
			buf_addstr(out, "\\b");
		} else if (c == '\f') {
			buf_addstr(out, "\\f");
		} else if (c < 0x20 || c == 0x7f) {
			buf_addf(out, c == 0x7f ? "%c" : "\\u%04x", c);
		} else if (c < 0x80) {
			buf_addch(out, (char)c);
		} else {
			/* Decode one UTF-8 sequence; a bad byte stands for itself. */
			unsigned cp = c, more = 0;
			if ((c & 0xE0) == 0xC0)
				cp = c & 0x1F, more = 1;
			else if ((c & 0xF0) == 0xE0)
				cp = c & 0x0F, more = 2;
			else if ((c & 0xF8) == 0xF0)
				cp = c & 0x07, more = 3;
			unsigned k = 0;
			for (; k < more && (p[k + 1] & 0xC0) == 0x80; k++)
				cp = (cp << 6) | (p[k + 1] & 0x3F);
			if (k < more)
				cp = c, k = 0;
			p += k;
			if (cp >= 0x10000) {
				cp -= 0x10000;
				buf_addf(out, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
			} else {
				buf_addf(out, "\\u%04x", cp);
			}
		}
		p++;
	}
	buf_addch(out, '"');
}

void list_format(const struct dist_set *set, const struct dist_env *env, enum list_format fmt,
		 const struct freeze_opts *fo, bool verbose, struct buf *out)
{
	struct entry *all = sorted_entries(set, true);
	struct entry *e = xcalloc(set->n + 1, sizeof(*e));
	size_t n = 0;
	for (size_t i = 0; i < set->n; i++) {
		const struct dist *d = all[i].d;
		bool editable = d->editable_location != NULL;
		if (excluded(fo->excludes, d->canonical) || !is_local(d, fo->local_prefix) ||
		    (editable && fo->exclude_editable) || (!editable && fo->editable_only))
			continue;
		e[n++] = all[i];
	}
	if (fmt == LIST_COLUMNS && n) {
		list_columns(e, n, env, verbose, out);
	} else if (fmt == LIST_FREEZE) {
		for (size_t i = 0; i < n; i++) {
			buf_addf(out, "%s==%s", e[i].d->name, list_version(e[i].d, env, false));
			buf_addf(out, verbose ? " (%s)\n" : "\n", e[i].d->location);
		}
	} else if (fmt == LIST_JSON) {
		buf_addch(out, '[');
		for (size_t i = 0; i < n; i++) {
			const struct dist *d = e[i].d;
			buf_addstr(out, i ? ", {\"name\": " : "{\"name\": ");
			py_json_str(out, d->name);
			buf_addstr(out, ", \"version\": ");
			py_json_str(out, list_version(d, env, false));
			if (verbose) {
				buf_addstr(out, ", \"location\": ");
				py_json_str(out, d->location);
				buf_addstr(out, ", \"installer\": ");
				py_json_str(out, d->installer);
			}
			if (d->editable_location) {
				buf_addstr(out, ", \"editable_project_location\": ");
				py_json_str(out, d->editable_location);
			}
			buf_addch(out, '}');
		}
		buf_addstr(out, "]\n");
	}
	free(e);
	free_entries(all, set->n);
}

int freeze_env(const struct venv *v, bool list, enum list_format fmt, bool local,
	       struct freeze_opts *fo, struct buf *out)
{
	struct dist_set set = DIST_SET_INIT;
	struct dist_env env;
	static const struct site_env none;
	distinfo_scan_venv(v, fo->site ? fo->site : &none, &set, &env);
	fo->local_prefix = local ? v->dir : NULL;
	int rc = 0;
	if (list)
		list_format(&set, &env, fmt, fo, verbosity > 0, out);
	else
		rc = freeze_format(&set, &env, fo, out);
	fo->local_prefix = NULL;
	dist_set_free(&set);
	return rc;
}
