/* pip freeze / pip list output (see freeze.h). */
#include "util/common.h"

#include <ctype.h>

#include "core/distinfo.h"
#include "core/freeze.h"
#include "core/metadata.h"
#include "core/vcs.h"
#include "core/venv.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/strvec.h"

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
	size_t n = strlen(prefix);
	return !strncmp(d->location, prefix, n) && (d->location[n] == '/' || !d->location[n]);
}

void freeze_format(const struct dist_set *set, const struct dist_env *env,
		   const struct freeze_opts *fo, struct buf *out)
{
	struct entry *e = sorted_entries(set, false);
	for (size_t i = 0; i < set->n; i++) {
		const struct dist *d = e[i].d;
		bool editable = d->editable_location != NULL;
		if ((editable && fo->exclude_editable) || !is_local(d, fo->local_prefix))
			continue;
		if (excluded(fo->excludes, d->canonical) || (!fo->all && dev_pkg(env, d->canonical)))
			continue;
		struct buf line = BUF_INIT;
		if (editable)
			editable_entry(&line, d);
		else if (d->durl.kind != DIRECT_URL_NONE)
			direct_reference(&line, d);
		else
			name_version(&line, d);
		buf_rtrim(&line, " \t\n\r\f\v");
		buf_add(out, line.ptr, line.len);
		buf_addch(out, '\n');
		buf_free(&line);
	}
	free_entries(e, set->n);
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

static void put_cell(struct buf *out, const char *s, size_t width, bool last)
{
	buf_addstr(out, s);
	if (!last)
		for (size_t w = text_width(s); w < width; w++)
			buf_addch(out, ' ');
}

static void list_columns(struct entry *e, size_t n, const struct dist_env *env, struct buf *out)
{
	bool editables = false;
	for (size_t i = 0; i < n; i++)
		editables |= e[i].d->editable_location != NULL;
	size_t ncol = editables ? 3 : 2;
	size_t width[3] = { strlen("Package"), strlen("Version"), strlen("Editable project location") };
	for (size_t i = 0; i < n; i++) {
		const char *cells[3] = { e[i].d->name, list_version(e[i].d, env, true),
					 e[i].d->editable_location ? e[i].d->editable_location : "" };
		for (size_t c = 0; c < ncol; c++)
			if (text_width(cells[c]) > width[c])
				width[c] = text_width(cells[c]);
	}
	struct buf row = BUF_INIT;
	const char *head[3] = { "Package", "Version", "Editable project location" };
	for (size_t r = 0; r <= n + 1; r++) {
		buf_reset(&row);
		for (size_t c = 0; c < ncol; c++) {
			if (c)
				buf_addch(&row, ' ');
			if (r == 1) {
				for (size_t k = 0; k < width[c]; k++)
					buf_addch(&row, '-');
				continue;
			}
			const struct dist *d = r ? e[r - 2].d : NULL;
			const char *cell = !d ? head[c]
				: c == 0 ? d->name
				: c == 1 ? list_version(d, env, true)
				: (d->editable_location ? d->editable_location : "");
			put_cell(&row, cell, width[c], false);
		}
		buf_rtrim(&row, " \t\n\r\f\v");
		buf_add(out, row.ptr, row.len);
		buf_addch(out, '\n');
	}
	buf_free(&row);
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
		 const struct strvec *excludes, struct buf *out)
{
	struct entry *all = sorted_entries(set, true);
	struct entry *e = xcalloc(set->n + 1, sizeof(*e));
	size_t n = 0;
	for (size_t i = 0; i < set->n; i++)
		if (!excluded(excludes, all[i].d->canonical))
			e[n++] = all[i];
	if (fmt == LIST_COLUMNS && n) {
		list_columns(e, n, env, out);
	} else if (fmt == LIST_FREEZE) {
		for (size_t i = 0; i < n; i++)
			buf_addf(out, "%s==%s\n", e[i].d->name, list_version(e[i].d, env, false));
	} else if (fmt == LIST_JSON) {
		buf_addch(out, '[');
		for (size_t i = 0; i < n; i++) {
			const struct dist *d = e[i].d;
			buf_addstr(out, i ? ", {\"name\": " : "{\"name\": ");
			py_json_str(out, d->name);
			buf_addstr(out, ", \"version\": ");
			py_json_str(out, list_version(d, env, false));
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

int freeze_env(const char *venv_dir, bool list, enum list_format fmt, bool local,
	       struct freeze_opts *fo, struct buf *out)
{
	struct venv v;
	if (venv_find_and_open(venv_dir, &v) < 0)
		return -1;
	struct dist_set set = DIST_SET_INIT;
	struct dist_env env;
	distinfo_scan_venv(&v, &set, &env);
	fo->local_prefix = local ? v.dir : NULL;
	if (list)
		list_format(&set, &env, fmt, fo->excludes, out);
	else
		freeze_format(&set, &env, fo, out);
	fo->local_prefix = NULL;
	dist_set_free(&set);
	venv_close(&v);
	return 0;
}
