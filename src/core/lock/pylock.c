/* pylock.toml (PEP 751): reader and writer (see pylock.h). */
#include "util/common.h"

#include <ctype.h>

#include "core/lock/pylock.h"
#include "core/lock/tomlr.h"
#include "core/lock/tomlw.h"
#include "core/std/metadata.h"
#include "core/std/pep440.h"
#include "os/fs.h"
#include "util/error.h"

/* ---- the model -------------------------------------------------------- */

void pylock_init(struct pylock *l)
{
	memset(l, 0, sizeof(*l));
	strvec_init(&l->environments);
	strvec_init(&l->extras);
	strvec_init(&l->dependency_groups);
	strvec_init(&l->default_groups);
}

static void file_init(struct pylock_file *f)
{
	memset(f, 0, sizeof(*f));
	f->size = -1;
	strvec_init(&f->hashes);
}

static void file_free(struct pylock_file *f)
{
	if (!f)
		return;
	free(f->name);
	free(f->url);
	free(f->path);
	free(f->upload_time);
	free(f->subdirectory);
	strvec_clear(&f->hashes);
}

static void package_free(struct pylock_package *p)
{
	free(p->name);
	free(p->version);
	free(p->marker);
	free(p->requires_python);
	free(p->index);
	for (size_t i = 0; i < p->nwheels; i++)
		file_free(&p->wheels[i]);
	free(p->wheels);
	file_free(p->sdist);
	free(p->sdist);
	file_free(p->archive);
	free(p->archive);
	if (p->vcs) {
		free(p->vcs->type);
		free(p->vcs->url);
		free(p->vcs->path);
		free(p->vcs->requested_revision);
		free(p->vcs->commit_id);
		free(p->vcs->subdirectory);
		free(p->vcs);
	}
	if (p->directory) {
		free(p->directory->path);
		free(p->directory->subdirectory);
		free(p->directory);
	}
	for (size_t i = 0; i < p->ndeps; i++) {
		free(p->deps[i].name);
		free(p->deps[i].version);
	}
	free(p->deps);
}

void pylock_free(struct pylock *l)
{
	free(l->lock_version);
	free(l->created_by);
	free(l->requires_python);
	strvec_clear(&l->environments);
	strvec_clear(&l->extras);
	strvec_clear(&l->dependency_groups);
	strvec_clear(&l->default_groups);
	for (size_t i = 0; i < l->n; i++)
		package_free(&l->v[i]);
	free(l->v);
	pylock_init(l);
}

struct pylock_package *pylock_add_package(struct pylock *l, const char *name, const char *version)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	struct pylock_package *p = &l->v[l->n++];
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	p->version = version ? xstrdup(version) : NULL;
	return p;
}

struct pylock_file *pylock_add_wheel(struct pylock_package *p)
{
	p->wheels = xrealloc(p->wheels, (p->nwheels + 1) * sizeof(*p->wheels));
	struct pylock_file *f = &p->wheels[p->nwheels++];
	file_init(f);
	return f;
}

const char *pylock_source_kind(const struct pylock_package *p)
{
	if (p->nwheels)
		return "wheels";
	if (p->sdist)
		return "sdist";
	if (p->archive)
		return "archive";
	if (p->vcs)
		return "vcs";
	if (p->directory)
		return "directory";
	return "no source";
}

char *pylock_file_name(const struct pylock_file *f)
{
	if (f->name)
		return xstrdup(f->name);
	const char *s = f->path ? f->path : f->url ? f->url : "";
	size_t end = strcspn(s, "?#");
	size_t start = end;
	while (start && s[start - 1] != '/')
		start--;
	return xstrndup(s + start, end - start);
}

/* ---- reading ---------------------------------------------------------- */

static bool is_hex(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("0123456789abcdef", *s))
			return false;
	return true;
}

static bool is_algo(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_-", *s))
			return false;
	return true;
}

static int read_hashes(const char *file, toml_datum_t t, const char *what, struct strvec *out)
{
	toml_datum_t h;
	if (tomlr_table(file, t, "hashes", &h) < 0)
		return -1;
	if (h.type == TOML_UNKNOWN || !h.u.tab.size)
		return tomlr_error(file, t, "%s has no 'hashes'", what);
	for (int i = 0; i < h.u.tab.size; i++) {
		const char *algo = h.u.tab.key[i];
		toml_datum_t v = h.u.tab.value[i];
		if (!is_algo(algo))
			return tomlr_error(file, v, "%s: '%s' is not a hash algorithm name", what, algo);
		if (v.type != TOML_STRING || !is_hex(v.u.s))
			return tomlr_error(file, v, "%s: the %s hash must be a string of lowercase hex digits",
					   what, algo);
		strvec_pushf(out, "%s:%s", algo, v.u.s);
	}
	strvec_sort(out);
	return 0;
}

/* A wheel, sdist or archive table. */
static int read_file_table(const char *file, toml_datum_t t, const char *what, bool has_name,
			   bool has_subdir, struct pylock_file *f)
{
	if (t.type != TOML_TABLE)
		return tomlr_error(file, t, "%s must be a table", what);
	if ((has_name && tomlr_str(file, t, "name", false, &f->name) < 0) ||
	    tomlr_str(file, t, "url", false, &f->url) < 0 ||
	    tomlr_str(file, t, "path", false, &f->path) < 0 ||
	    tomlr_int(file, t, "size", &f->size) < 0 ||
	    tomlr_datetime(file, t, "upload-time", &f->upload_time) < 0 ||
	    (has_subdir && tomlr_str(file, t, "subdirectory", false, &f->subdirectory) < 0))
		return -1;
	if (!f->url && !f->path)
		return tomlr_error(file, t, "%s has neither 'url' nor 'path'", what);
	if (toml_get(t, "size").type == TOML_INT64 && f->size < 0)
		return tomlr_error(file, t, "%s has a negative 'size'", what);
	if (has_name && f->name && (!*f->name || strchr(f->name, '/')))
		return tomlr_error(file, t, "%s has an invalid file 'name'", what);
	return read_hashes(file, t, what, &f->hashes);
}

static int read_wheels(const char *file, toml_datum_t pt, struct pylock_package *p)
{
	toml_datum_t a;
	if (tomlr_array(file, pt, "wheels", &a) < 0)
		return -1;
	for (int i = 0; a.type == TOML_ARRAY && i < a.u.arr.size; i++) {
		struct pylock_file *f = pylock_add_wheel(p);
		char *what = xstrfmt("a wheel of '%s'", p->name);
		int r = read_file_table(file, a.u.arr.elem[i], what, true, false, f);
		free(what);
		if (r < 0)
			return -1;
		char *fn = pylock_file_name(f);
		r = ends_with(fn, ".whl") ? 0
					  : tomlr_error(file, a.u.arr.elem[i],
							"a wheel of '%s' is not named *.whl: '%s'",
							p->name, fn);
		free(fn);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int read_single(const char *file, toml_datum_t pt, const char *key, bool has_name,
		       bool has_subdir, struct pylock_package *p, struct pylock_file **out)
{
	toml_datum_t t;
	if (tomlr_table(file, pt, key, &t) < 0)
		return -1;
	if (t.type == TOML_UNKNOWN)
		return 0;
	*out = xmalloc(sizeof(**out));
	file_init(*out);
	char *what = xstrfmt("the %s of '%s'", key, p->name);
	int r = read_file_table(file, t, what, has_name, has_subdir, *out);
	free(what);
	return r;
}

static int read_vcs(const char *file, toml_datum_t pt, struct pylock_package *p)
{
	toml_datum_t t;
	if (tomlr_table(file, pt, "vcs", &t) < 0)
		return -1;
	if (t.type == TOML_UNKNOWN)
		return 0;
	struct pylock_vcs *v = p->vcs = xcalloc(1, sizeof(*p->vcs));
	if (tomlr_str(file, t, "type", true, &v->type) < 0 ||
	    tomlr_str(file, t, "url", false, &v->url) < 0 ||
	    tomlr_str(file, t, "path", false, &v->path) < 0 ||
	    tomlr_str(file, t, "requested-revision", false, &v->requested_revision) < 0 ||
	    tomlr_str(file, t, "commit-id", true, &v->commit_id) < 0 ||
	    tomlr_str(file, t, "subdirectory", false, &v->subdirectory) < 0)
		return -1;
	if (!v->url && !v->path)
		return tomlr_error(file, t, "the vcs of '%s' has neither 'url' nor 'path'", p->name);
	return 0;
}

static int read_directory(const char *file, toml_datum_t pt, struct pylock_package *p)
{
	toml_datum_t t;
	if (tomlr_table(file, pt, "directory", &t) < 0)
		return -1;
	if (t.type == TOML_UNKNOWN)
		return 0;
	struct pylock_directory *d = p->directory = xcalloc(1, sizeof(*p->directory));
	if (tomlr_str(file, t, "path", true, &d->path) < 0 ||
	    tomlr_bool(file, t, "editable", &d->editable) < 0 ||
	    tomlr_str(file, t, "subdirectory", false, &d->subdirectory) < 0)
		return -1;
	return 0;
}

static int read_deps(const char *file, toml_datum_t pt, struct pylock_package *p)
{
	toml_datum_t a;
	if (tomlr_array(file, pt, "dependencies", &a) < 0)
		return -1;
	for (int i = 0; a.type == TOML_ARRAY && i < a.u.arr.size; i++) {
		toml_datum_t d = a.u.arr.elem[i];
		if (d.type != TOML_TABLE)
			return tomlr_error(file, d, "the dependencies of '%s' must be tables", p->name);
		p->deps = xrealloc(p->deps, (p->ndeps + 1) * sizeof(*p->deps));
		struct pylock_dep *dep = &p->deps[p->ndeps++];
		memset(dep, 0, sizeof(*dep));
		if (tomlr_str(file, d, "name", false, &dep->name) < 0 ||
		    tomlr_str(file, d, "version", false, &dep->version) < 0)
			return -1;
		if (!dep->name)
			return tomlr_error(file, d, "a dependency of '%s' has no 'name'", p->name);
	}
	return 0;
}

static int read_package(const char *file, toml_datum_t t, struct pylock *l)
{
	if (t.type != TOML_TABLE)
		return tomlr_error(file, t, "'packages' must be an array of tables");
	char *name = NULL;
	if (tomlr_str(file, t, "name", true, &name) < 0)
		return -1;
	struct pylock_package *p = pylock_add_package(l, name, NULL);
	free(name);
	if (!name_is_valid(p->name))
		return tomlr_error(file, t, "'%s' is not a valid package name", p->name);
	if (tomlr_str(file, t, "version", false, &p->version) < 0 ||
	    tomlr_str(file, t, "marker", false, &p->marker) < 0 ||
	    tomlr_str(file, t, "requires-python", false, &p->requires_python) < 0 ||
	    tomlr_str(file, t, "index", false, &p->index) < 0)
		return -1;
	if (p->version) {
		struct pep440_version v;
		if (pep440_parse_str(p->version, &v) < 0)
			return tomlr_error(file, t, "'%s' has an invalid version '%s'", p->name,
					   p->version);
		pep440_version_free(&v);
	}
	if (read_wheels(file, t, p) < 0 ||
	    read_single(file, t, "sdist", true, false, p, &p->sdist) < 0 ||
	    read_single(file, t, "archive", false, true, p, &p->archive) < 0 ||
	    read_vcs(file, t, p) < 0 || read_directory(file, t, p) < 0 || read_deps(file, t, p) < 0)
		return -1;
	int kinds = (p->nwheels || p->sdist) + !!p->archive + !!p->vcs + !!p->directory;
	if (kinds > 1)
		return tomlr_error(file, t,
				   "'%s' has more than one kind of source (vcs, directory, archive, "
				   "sdist/wheels are exclusive)", p->name);
	if (!kinds)
		return tomlr_error(file, t, "'%s' has no source (wheels, sdist, archive, vcs or directory)",
				   p->name);
	return 0;
}

/* lock-version "MAJOR.MINOR": major 1 only; a newer minor with a warning. */
static int check_version(const char *file, toml_datum_t top, const char *v)
{
	char *end = NULL;
	errno = 0;
	unsigned long major = strtoul(v, &end, 10);
	if (!isdigit((unsigned char)*v) || *end != '.' || !isdigit((unsigned char)end[1]))
		return tomlr_error(file, toml_get(top, "lock-version"),
				   "'lock-version' must be MAJOR.MINOR, not '%s'", v);
	if (major != 1 || errno)
		return tomlr_error(file, toml_get(top, "lock-version"),
				   "lock-version '%s' is not supported (cvenv reads version %s)", v,
				   PYLOCK_VERSION);
	unsigned long minor = strtoul(end + 1, &end, 10);
	if (*end)
		return tomlr_error(file, toml_get(top, "lock-version"),
				   "'lock-version' must be MAJOR.MINOR, not '%s'", v);
	if (minor > 0)
		warning("'%s' has lock-version %s, newer than %s: reading what cvenv knows", file, v,
			PYLOCK_VERSION);
	return 0;
}

int pylock_parse(const char *text, size_t len, const char *file, struct pylock *l)
{
	toml_result_t res;
	pylock_init(l);
	if (tomlr_parse(text, len, file, &res) < 0)
		return -1;
	toml_datum_t top = res.toptab, pk;
	int r = -1;
	if (tomlr_str(file, top, "lock-version", true, &l->lock_version) < 0 ||
	    check_version(file, top, l->lock_version) < 0 ||
	    tomlr_str(file, top, "created-by", true, &l->created_by) < 0 ||
	    tomlr_str(file, top, "requires-python", false, &l->requires_python) < 0 ||
	    tomlr_strs(file, top, "environments", &l->environments) < 0 ||
	    tomlr_strs(file, top, "extras", &l->extras) < 0 ||
	    tomlr_strs(file, top, "dependency-groups", &l->dependency_groups) < 0 ||
	    tomlr_strs(file, top, "default-groups", &l->default_groups) < 0 ||
	    tomlr_array(file, top, "packages", &pk) < 0)
		goto out;
	for (int i = 0; pk.type == TOML_ARRAY && i < pk.u.arr.size; i++)
		if (read_package(file, pk.u.arr.elem[i], l) < 0)
			goto out;
	r = 0;
out:
	toml_free(res);
	if (r < 0)
		pylock_free(l);
	return r;
}

int pylock_read_file(const char *path, struct pylock *l)
{
	struct buf b = BUF_INIT;
	pylock_init(l);
	if (os_read_file(path, TOMLR_MAX_SIZE, &b) < 0) {
		int e = errno;
		buf_free(&b);
		return error("cannot read '%s': %s", path, strerror(e));
	}
	int r = pylock_parse(b.ptr, b.len, path, l);
	buf_free(&b);
	return r;
}

/* ---- sorting ---------------------------------------------------------- */

static int cmp_version_str(const char *a, const char *b)
{
	if (!a || !b)
		return !a - !b;
	struct pep440_version va, vb;
	int r;
	if (pep440_parse_str(a, &va) < 0)
		return strcmp(a, b);
	if (pep440_parse_str(b, &vb) < 0) {
		pep440_version_free(&va);
		return strcmp(a, b);
	}
	r = pep440_cmp(&va, &vb);
	pep440_version_free(&va);
	pep440_version_free(&vb);
	return r ? r : strcmp(a, b);
}

static int cmp_opt_str(const char *a, const char *b)
{
	if (!a || !b)
		return !b - !a;
	return strcmp(a, b);
}

static int cmp_package(const void *x, const void *y)
{
	const struct pylock_package *a = x, *b = y;
	char *ca = name_canonicalize(a->name), *cb = name_canonicalize(b->name);
	int r = strcmp(ca, cb);
	free(ca);
	free(cb);
	if (!r)
		r = cmp_version_str(a->version, b->version);
	if (!r)
		r = cmp_opt_str(a->marker, b->marker);
	if (!r)
		r = strcmp(a->name, b->name);
	return r;
}

static int cmp_file(const void *x, const void *y)
{
	const struct pylock_file *a = x, *b = y;
	char *na = pylock_file_name(a), *nb = pylock_file_name(b);
	int r = strcmp(na, nb);
	free(na);
	free(nb);
	if (!r)
		r = cmp_opt_str(a->url, b->url);
	if (!r)
		r = cmp_opt_str(a->path, b->path);
	return r;
}

static int cmp_dep(const void *x, const void *y)
{
	const struct pylock_dep *a = x, *b = y;
	int r = strcmp(a->name, b->name);
	return r ? r : cmp_opt_str(a->version, b->version);
}

void pylock_sort(struct pylock *l)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp_package);
	for (size_t i = 0; i < l->n; i++) {
		struct pylock_package *p = &l->v[i];
		if (p->nwheels)
			qsort(p->wheels, p->nwheels, sizeof(*p->wheels), cmp_file);
		for (size_t k = 0; k < p->nwheels; k++)
			strvec_sort(&p->wheels[k].hashes);
		if (p->ndeps)
			qsort(p->deps, p->ndeps, sizeof(*p->deps), cmp_dep);
	}
}

/* ---- writing ---------------------------------------------------------- */

static void kv_opt(struct tomlw *w, const char *key, const char *v)
{
	if (v)
		tomlw_kv_str(w, key, v);
}

static void kv_strs(struct tomlw *w, const char *key, const struct strvec *v)
{
	if (v->n)
		tomlw_kv_strs(w, key, (const char *const *)v->v, v->n, 0);
}

static void write_hashes(struct tomlw *w, const struct strvec *hashes)
{
	tomlw_key(w, "hashes");
	tomlw_inline_begin(w);
	for (size_t i = 0; i < hashes->n; i++) {
		const char *colon = strchr(hashes->v[i], ':');
		char *algo = xstrndup(hashes->v[i], colon ? (size_t)(colon - hashes->v[i]) : 0);
		tomlw_kv_str(w, algo, colon ? colon + 1 : "");
		free(algo);
	}
	tomlw_inline_end(w);
}

/* The keys of a file, in the PEP's order, inside an open inline table. */
static void write_file_keys(struct tomlw *w, const struct pylock_file *f)
{
	kv_opt(w, "name", f->name);
	if (f->upload_time) {
		tomlw_key(w, "upload-time");
		tomlw_datetime(w, f->upload_time);
	}
	kv_opt(w, "url", f->url);
	kv_opt(w, "path", f->path);
	if (f->size >= 0)
		tomlw_kv_int(w, "size", f->size);
	kv_opt(w, "subdirectory", f->subdirectory);
	write_hashes(w, &f->hashes);
}

static void write_single(struct tomlw *w, const char *key, const struct pylock_file *f)
{
	if (!f)
		return;
	tomlw_key(w, key);
	tomlw_inline_begin(w);
	write_file_keys(w, f);
	tomlw_inline_end(w);
}

static void write_package(struct tomlw *w, const struct pylock_package *p)
{
	static const char *const packages[] = { "packages" };
	tomlw_array_table(w, packages, 1);
	tomlw_kv_str(w, "name", p->name);
	kv_opt(w, "version", p->version);
	kv_opt(w, "marker", p->marker);
	kv_opt(w, "requires-python", p->requires_python);
	kv_opt(w, "index", p->index);
	if (p->ndeps) {
		tomlw_key(w, "dependencies");
		tomlw_array_begin(w, true);
		for (size_t i = 0; i < p->ndeps; i++) {
			tomlw_inline_begin(w);
			tomlw_kv_str(w, "name", p->deps[i].name);
			kv_opt(w, "version", p->deps[i].version);
			tomlw_inline_end(w);
		}
		tomlw_array_end(w);
	}
	if (p->vcs) {
		tomlw_key(w, "vcs");
		tomlw_inline_begin(w);
		tomlw_kv_str(w, "type", p->vcs->type);
		kv_opt(w, "url", p->vcs->url);
		kv_opt(w, "path", p->vcs->path);
		kv_opt(w, "requested-revision", p->vcs->requested_revision);
		tomlw_kv_str(w, "commit-id", p->vcs->commit_id);
		kv_opt(w, "subdirectory", p->vcs->subdirectory);
		tomlw_inline_end(w);
	}
	if (p->directory) {
		tomlw_key(w, "directory");
		tomlw_inline_begin(w);
		tomlw_kv_str(w, "path", p->directory->path);
		if (p->directory->editable) {
			tomlw_key(w, "editable");
			tomlw_bool(w, true);
		}
		kv_opt(w, "subdirectory", p->directory->subdirectory);
		tomlw_inline_end(w);
	}
	write_single(w, "archive", p->archive);
	write_single(w, "sdist", p->sdist);
	if (p->nwheels) {
		tomlw_key(w, "wheels");
		tomlw_array_begin(w, true);
		for (size_t i = 0; i < p->nwheels; i++) {
			tomlw_inline_begin(w);
			write_file_keys(w, &p->wheels[i]);
			tomlw_inline_end(w);
		}
		tomlw_array_end(w);
	}
}

int pylock_write(struct pylock *l, struct buf *out)
{
	struct tomlw w;
	pylock_sort(l);
	tomlw_init(&w, out);
	tomlw_kv_str(&w, "lock-version", l->lock_version ? l->lock_version : PYLOCK_VERSION);
	kv_strs(&w, "environments", &l->environments);
	kv_opt(&w, "requires-python", l->requires_python);
	kv_strs(&w, "extras", &l->extras);
	kv_strs(&w, "dependency-groups", &l->dependency_groups);
	kv_strs(&w, "default-groups", &l->default_groups);
	tomlw_kv_str(&w, "created-by", l->created_by ? l->created_by : "cvenv");
	for (size_t i = 0; i < l->n; i++)
		write_package(&w, &l->v[i]);
	return tomlw_finish(&w);
}
