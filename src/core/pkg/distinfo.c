/* Installed distributions, found the way pip finds them (see distinfo.h).
 * The rules follow pip's metadata backends: pip/_internal/metadata/. */
#include "util/common.h"

#include <ctype.h>
#include <jansson.h>
#include <strings.h>

#include "core/pkg/distinfo.h"
#include "core/std/pep440.h"
#include "core/env/venv.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

/* Metadata files are small; a cap keeps a hostile one from eating memory. */
#define META_MAX (64u << 20)
#define SMALL_MAX (1u << 20)

void direct_url_free(struct direct_url *du)
{
	free(du->url);
	free(du->subdirectory);
	free(du->hash);
	free(du->vcs);
	free(du->commit_id);
	free(du->requested_revision);
	memset(du, 0, sizeof(*du));
}

static char *json_str(json_t *obj, const char *key, bool *bad)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = true;
		return NULL;
	}
	return xstrdup(json_string_value(v));
}

/* pip's DirectUrl.from_json: a url, exactly one of vcs_info, archive_info,
 * dir_info, each with typed fields; anything else makes the file ignored. */
int direct_url_parse(const char *text, size_t len, struct direct_url *du)
{
	memset(du, 0, sizeof(*du));
	json_t *root = json_loadb(text, len, 0, NULL);
	if (!json_is_object(root)) {
		json_decref(root);
		return -1;
	}
	bool bad = false;
	du->url = json_str(root, "url", &bad);
	du->subdirectory = json_str(root, "subdirectory", &bad);
	json_t *vcs = json_object_get(root, "vcs_info");
	json_t *arc = json_object_get(root, "archive_info");
	json_t *dir = json_object_get(root, "dir_info");
	int kinds = (vcs && !json_is_null(vcs)) + (arc && !json_is_null(arc)) + (dir && !json_is_null(dir));
	if (!du->url || kinds != 1)
		bad = true;
	else if (vcs && json_is_object(vcs)) {
		du->kind = DIRECT_URL_VCS;
		du->vcs = json_str(vcs, "vcs", &bad);
		du->commit_id = json_str(vcs, "commit_id", &bad);
		du->requested_revision = json_str(vcs, "requested_revision", &bad);
		if (!du->vcs || !du->commit_id)
			bad = true;
	} else if (arc && json_is_object(arc)) {
		du->kind = DIRECT_URL_ARCHIVE;
		du->hash = json_str(arc, "hash", &bad);
		json_t *hashes = json_object_get(arc, "hashes");
		if (hashes && !json_is_object(hashes) && !json_is_null(hashes))
			bad = true;
		if (!du->hash && json_is_object(hashes)) {
			/* pip prefers sha256 when only "hashes" is given; else any. */
			const char *alg = json_object_get(hashes, "sha256") ? "sha256" : NULL;
			const char *k;
			json_t *v;
			if (!alg)
				json_object_foreach(hashes, k, v) {
					alg = k;
					break;
				}
			json_t *hv = alg ? json_object_get(hashes, alg) : NULL;
			if (json_is_string(hv))
				du->hash = xstrfmt("%s=%s", alg, json_string_value(hv));
		}
	} else if (dir && json_is_object(dir)) {
		du->kind = DIRECT_URL_DIR;
		json_t *e = json_object_get(dir, "editable");
		if (e && !json_is_boolean(e) && !json_is_null(e))
			bad = true;
		du->editable = json_is_true(e);
	} else {
		bad = true;
	}
	json_decref(root);
	if (bad) {
		direct_url_free(du);
		return -1;
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

char *file_url_to_path(const char *url)
{
	if (strncasecmp(url, "file:", 5))
		return NULL;
	const char *p = url + 5;
	if (starts_with(p, "//")) {
		p += 2;
		const char *slash = strchr(p, '/');
		size_t host = slash ? (size_t)(slash - p) : strlen(p);
		if (host && !(host == 9 && !strncasecmp(p, "localhost", 9)))
			return NULL;
		p += host;
	}
	struct buf b = BUF_INIT;
	for (; *p && *p != '?' && *p != '#'; p++) {
		int h, l;
		if (*p == '%' && (h = hexval(p[1])) >= 0 && (l = hexval(p[2])) >= 0) {
			if (!h && !l) { /* %00 would cut the path short */
				buf_free(&b);
				return NULL;
			}
			buf_addch(&b, (char)(h * 16 + l));
			p += 2;
		} else {
			buf_addch(&b, *p);
		}
	}
	return buf_detach(&b);
}

char *path_to_file_url(const char *abs_path)
{
	/* urllib.parse.quote(path): letters, digits, "_.-~" and '/' stay */
	struct buf b = BUF_INIT;
	buf_addstr(&b, "file://");
	for (const unsigned char *p = (const unsigned char *)abs_path; *p; p++) {
		if (isalnum(*p) && *p < 0x80)
			buf_addch(&b, (char)*p);
		else if (strchr("/_.-~", *p))
			buf_addch(&b, (char)*p);
		else
			buf_addf(&b, "%%%02X", *p);
	}
	return buf_detach(&b);
}

void direct_url_archive_json(struct buf *out, const char *url, const char *sha256_hex)
{
	/* json.dumps(sort_keys=True) of pip's DirectUrl: keys sorted, ", " and
	 * ": " separators, non-ASCII escaped (a quoted URL has none) */
	buf_addstr(out, "{\"archive_info\": {");
	if (sha256_hex)
		buf_addf(out, "\"hash\": \"sha256=%s\", \"hashes\": {\"sha256\": \"%s\"}",
			 sha256_hex, sha256_hex);
	buf_addstr(out, "}, \"url\": \"");
	for (const char *p = url; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addch(out, '\\');
		buf_addch(out, *p);
	}
	buf_addstr(out, "\"}");
}

static void push_unique(struct strvec *out, const char *path)
{
	if (!strvec_contains(out, path))
		strvec_push(out, path);
}

/* site.py's addpackage(): one path per line, '#' comments and blank lines
 * skipped, "import" lines run (here: skipped), the rest joined to the site
 * directory and added when it exists. */
static void add_pth_file(const char *site, const char *file, struct strvec *out)
{
	struct buf text = BUF_INIT;
	if (os_read_file(file, SMALL_MAX, &text) < 0) {
		buf_free(&text);
		return;
	}
	char *save = NULL;
	for (char *line = strtok_r(text.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || starts_with(line, "import ") || starts_with(line, "import\t"))
			continue;
		struct buf l = BUF_INIT;
		buf_addstr(&l, line);
		buf_rtrim(&l, " \t\r\f\v");
		if (l.len) {
			char *joined = l.ptr[0] == '/' ? xstrdup(l.ptr) : path_join(site, l.ptr);
			char *abs = os_abspath(joined);
			if (abs && os_exists(abs))
				push_unique(out, abs);
			free(abs);
			free(joined);
		}
		buf_free(&l);
	}
	buf_free(&text);
}

void distinfo_site_paths(const char *site, struct strvec *out)
{
	push_unique(out, site);
	struct strvec names = STRVEC_INIT;
	if (os_list_dir(site, &names) == 0)
		for (size_t i = 0; i < names.n; i++) {
			if (names.v[i][0] == '.' || !ends_with(names.v[i], ".pth"))
				continue;
			char *file = path_join(site, names.v[i]);
			add_pth_file(site, file, out);
			free(file);
		}
	strvec_clear(&names);
}

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

const struct dist *dist_set_find(const struct dist_set *set, const char *canonical)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].canonical, canonical))
			return &set->v[i];
	return NULL;
}

const struct dist *dist_set_lookup(const struct dist_set *set, const char *name)
{
	if (!set->n) /* a new env: no name made per question (issue 18) */
		return NULL;
	char *c = name_canonicalize(name);
	const struct dist *d = dist_set_find(set, c);
	free(c);
	return d;
}

static void set_push(struct dist_set *set, const struct dist *d)
{
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 64;
		set->v = xrealloc(set->v, set->cap * sizeof(*set->v));
	}
	set->v[set->n++] = *d;
}

static void dist_free(struct dist *d)
{
	free(d->name);
	free(d->canonical);
	free(d->version);
	free(d->raw_version);
	free(d->dir_version);
	free(d->info_dir);
	free(d->location);
	free(d->installer);
	free(d->editable_location);
	direct_url_free(&d->durl);
	metadata_free(&d->md);
}

void dist_set_free(struct dist_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		dist_free(&set->v[i]);
	free(set->v);
	set->v = NULL;
	set->n = set->cap = 0;
}

/* Reads a file of the info directory (or, for an egg-info file, the file
 * itself when name is NULL). Returns 0 when read. */
static int read_info(const char *info, const char *name, size_t max, struct buf *out)
{
	char *p = name ? path_join(info, name) : xstrdup(info);
	int rc = os_read_file(p, max, out);
	free(p);
	return rc;
}

/* The name and version parts of an info directory's name, as pip's
 * parse_name_and_version_from_info_directory: "<name>-<version>.dist-info",
 * "<name>[-<version>[-pyX.Y]].egg-info". */
static void split_info_name(const char *base, bool egg, char **name, char **version)
{
	const char *dot = strrchr(base, '.');
	size_t stem = (size_t)(dot - base);
	const char *dash = memchr(base, '-', stem);
	*name = xstrndup(base, dash ? (size_t)(dash - base) : stem);
	*version = NULL;
	if (dash) {
		const char *v = dash + 1, *vend = base + stem;
		if (egg) {
			const char *d2 = memchr(v, '-', (size_t)(vend - v));
			if (d2)
				vend = d2;
		}
		*version = xstrndup(v, (size_t)(vend - v));
	}
}

static char *first_line(const char *text)
{
	const char *p = text;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		struct buf l = BUF_INIT;
		buf_add(&l, p, n);
		buf_rtrim(&l, " \t\r\f\v");
		const char *s = l.ptr;
		while (*s && isspace((unsigned char)*s))
			s++;
		if (*s) {
			char *r = xstrdup(s);
			buf_free(&l);
			return r;
		}
		buf_free(&l);
		if (!e)
			break;
		p = e + 1;
	}
	return xstrdup("");
}

static bool read_one(const char *location, const char *entry,
		     struct dist_set *set)
{
	bool egg = ends_with_ci(entry, ".egg-info");
	char *info = path_join(location, entry);
	bool is_dir = os_is_dir(info);
	struct buf text = BUF_INIT;
	if (is_dir) {
		if (read_info(info, egg ? "PKG-INFO" : "METADATA", META_MAX, &text) < 0) {
			buf_reset(&text);
			if (read_info(info, egg ? "METADATA" : "PKG-INFO", META_MAX, &text) < 0)
				buf_reset(&text);
		}
	} else if (!egg || read_info(info, NULL, META_MAX, &text) < 0) {
		buf_free(&text);
		free(info);
		return false;
	}

	struct dist d;
	memset(&d, 0, sizeof(d));
	metadata_parse(&d.md, text.ptr, text.len);
	buf_free(&text);
	char *dname, *dver;
	split_info_name(entry, egg, &dname, &dver);
	const char *mdname = metadata_get(&d.md, "Name");
	/* pip names the dist from its directory; an empty name part falls back
	 * to METADATA's Name. */
	d.canonical = name_canonicalize(*dname ? dname : (mdname ? mdname : ""));
	if (!name_is_valid(d.canonical) || dist_set_find(set, d.canonical)) {
		free(dname);
		free(dver);
		free(info);
		dist_free(&d);
		return false;
	}
	d.name = xstrdup(mdname ? mdname : d.canonical);
	const char *mver = metadata_get(&d.md, "Version");
	d.raw_version = xstrdup(mver ? mver : "");
	d.dir_version = dver;
	d.version = pep440_normalize(dver && !egg ? dver : d.raw_version);
	free(dname);
	d.info_dir = info;
	d.location = xstrdup(location);
	d.egg_info = egg;

	if (is_dir) {
		struct buf b = BUF_INIT;
		if (read_info(info, "direct_url.json", SMALL_MAX, &b) == 0 &&
		    direct_url_parse(b.ptr, b.len, &d.durl) == 0 &&
		    d.durl.kind == DIRECT_URL_DIR && d.durl.editable)
			d.editable_location = file_url_to_path(d.durl.url);
		buf_reset(&b);
		d.installer = read_info(info, "INSTALLER", SMALL_MAX, &b) == 0 ? first_line(b.ptr) : xstrdup("");
		buf_free(&b);
		char *req = path_join(info, "REQUESTED");
		d.requested = os_exists(req);
		free(req);
	} else {
		d.installer = xstrdup("");
	}
	set_push(set, &d);
	return true;
}

int distinfo_list_site(const char *site, struct dist_set *set)
{
	struct strvec names = STRVEC_INIT;
	if (os_list_dir(site, &names) < 0) {
		int e = errno;
		strvec_clear(&names);
		errno = e;
		return -1;
	}
	for (size_t i = 0; i < names.n; i++) {
		const char *n = names.v[i];
		if (!ends_with_ci(n, ".dist-info"))
			continue;
		struct dist d;
		memset(&d, 0, sizeof(d));
		char *dname;
		split_info_name(n, false, &dname, &d.dir_version);
		d.canonical = name_canonicalize(dname);
		free(dname);
		if (!d.dir_version || !name_is_valid(d.canonical) || dist_set_find(set, d.canonical)) {
			dist_free(&d);
			continue;
		}
		d.name = xstrdup(d.canonical);
		d.version = pep440_normalize(d.dir_version);
		d.raw_version = xstrdup("");
		d.info_dir = path_join(site, n);
		d.location = xstrdup(site);
		d.installer = xstrdup("");
		set_push(set, &d);
	}
	strvec_clear(&names);
	return 0;
}

static void scan_location(const char *location, struct dist_set *set,
			  bool linked)
{
	struct strvec names = STRVEC_INIT;
	if (os_list_dir(location, &names) < 0)
		return;
	for (size_t i = 0; i < names.n; i++) {
		const char *n = names.v[i];
		if (ends_with_ci(n, ".dist-info") || ends_with_ci(n, ".egg-info")) {
			if (read_one(location, n, set) && linked)
				set->v[set->n - 1].egg_link = true;
		}
	}
	if (!linked)
		for (size_t i = 0; i < names.n; i++) {
			if (!ends_with(names.v[i], ".egg-link"))
				continue;
			struct buf b = BUF_INIT;
			char *p = path_join(location, names.v[i]);
			if (os_read_file(p, SMALL_MAX, &b) == 0) {
				char *target = first_line(b.ptr);
				if (*target) {
					char *t = target[0] == '/' ? xstrdup(target) : path_join(location, target);
					scan_location(t, set, true);
					free(t);
				}
				free(target);
			}
			buf_free(&b);
			free(p);
		}
	strvec_clear(&names);
}

/* pip's egg_link_path_from_sys_path: a "<name>.egg-link" on the path marks a
 * `setup.py develop` install, whose project is where its egg-info lives. */
static bool has_egg_link(const struct strvec *paths, const char *raw_name)
{
	char *safe = name_safe(raw_name);
	const char *names[] = { safe, raw_name };
	bool found = false;
	for (size_t i = 0; i < paths->n && !found; i++)
		for (size_t j = 0; j < 2 && !found; j++) {
			char *file = xstrfmt("%s/%s.egg-link", paths->v[i], names[j]);
			found = os_is_file(file);
			free(file);
		}
	free(safe);
	return found;
}

int distinfo_scan(const struct strvec *paths, struct dist_set *set)
{
	size_t first = set->n;
	for (size_t i = 0; i < paths->n; i++)
		scan_location(paths->v[i], set, false);
	for (size_t i = first; i < set->n; i++) {
		struct dist *d = &set->v[i];
		if (d->durl.kind == DIRECT_URL_NONE && has_egg_link(paths, d->name))
			d->editable_location = xstrdup(d->location);
	}
	return 0;
}

void distinfo_set_versions(struct dist_set *set, enum dist_backend backend, bool dir_versions)
{
	for (size_t i = 0; i < set->n; i++) {
		struct dist *d = &set->v[i];
		/* pkg_resources takes an egg-info's version from its metadata
		 * when there is one (EggInfoDistribution._reload_version). */
		bool dirv = d->dir_version &&
			    (d->egg_info ? backend == DIST_BACKEND_PKG_RESOURCES && !*d->raw_version
					 : backend == DIST_BACKEND_PKG_RESOURCES || dir_versions);
		free(d->version);
		d->version = pep440_normalize(dirv ? d->dir_version : d->raw_version);
	}
}

/* The base interpreter's site directories, as site.getsitepackages() lists
 * them for the prefix that holds pyvenv.cfg's home: Debian's dist-packages
 * trio for /usr, lib/<python>X.Y/site-packages elsewhere. */
static void base_site_paths(const struct venv *v, struct strvec *paths)
{
	if (!v->home)
		return;
	char *prefix = os_dirname(v->home);
	const char *impl = v->pypy ? "pypy" : "python";
	struct strvec sites = STRVEC_INIT;
	if (!strcmp(prefix, "/usr")) {
		strvec_pushf(&sites, "/usr/local/lib/%s%d.%d/dist-packages", impl, v->major, v->minor);
		strvec_pushf(&sites, "/usr/lib/python%d/dist-packages", v->major);
		strvec_pushf(&sites, "/usr/lib/%s%d.%d/dist-packages", impl, v->major, v->minor);
	} else {
		strvec_pushf(&sites, "%s/lib/%s%d.%d/site-packages", prefix, impl, v->major, v->minor);
	}
	for (size_t i = 0; i < sites.n; i++)
		if (os_is_dir(sites.v[i]))
			distinfo_site_paths(sites.v[i], paths);
	strvec_clear(&sites);
	free(prefix);
}

static void user_site_paths(const struct venv *v, const struct site_env *se,
			    struct strvec *paths)
{
	const char *home = se->home;
	const char *base = se->python_user_base;
	char *site = base && *base
		? xstrfmt("%s/lib/python%d.%d/site-packages", base, v->major, v->minor)
		: (home ? xstrfmt("%s/.local/lib/python%d.%d/site-packages", home, v->major, v->minor) : NULL);
	if (site && os_is_dir(site))
		distinfo_site_paths(site, paths);
	free(site);
}

/* The base interpreter's standard library directories, which come first on
 * sys.path and may hold distributions too (PyPy ships cffi and greenlet
 * there; Python 2.7 wsgiref). */
static void stdlib_paths(const struct venv *v, struct strvec *paths)
{
	if (!v->home)
		return;
	char *prefix = os_dirname(v->home);
	struct strvec dirs = STRVEC_INIT;
	if (v->pypy) {
		strvec_pushf(&dirs, "%s/lib/pypy%d.%d", prefix, v->major, v->minor);
	} else {
		strvec_pushf(&dirs, "%s/lib/python%d%d.zip", prefix, v->major, v->minor);
		strvec_pushf(&dirs, "%s/lib/python%d.%d", prefix, v->major, v->minor);
		strvec_pushf(&dirs, "%s/lib/python%d.%d/lib-dynload", prefix, v->major, v->minor);
	}
	for (size_t i = 0; i < dirs.n; i++)
		if (os_is_dir(dirs.v[i]) && !strvec_contains(paths, dirs.v[i]))
			strvec_push(paths, dirs.v[i]);
	strvec_clear(&dirs);
	free(prefix);
}

int distinfo_scan_venv(const struct venv *v, const struct site_env *se, struct dist_set *set,
		       struct dist_env *env)
{
	struct strvec paths = STRVEC_INIT;
	stdlib_paths(v, &paths);
	distinfo_site_paths(v->purelib, &paths);
	if (v->system_site_packages) {
		user_site_paths(v, se, &paths);
		base_site_paths(v, &paths);
	}
	int rc = distinfo_scan(&paths, set);
	strvec_clear(&paths);

	memset(env, 0, sizeof(*env));
	env->py_major = v->major;
	env->py_minor = v->minor;
	const struct dist *pip = dist_set_find(set, "pip");
	struct pep440_version pv;
	if (pip && pip->version && pep440_parse_str(pip->version, &pv) == 0) {
		env->pip_major = (int)pv.release[0];
		env->pip_minor = pv.nrelease > 1 ? (int)pv.release[1] : 0;
		pep440_version_free(&pv);
	} else {
		/* No pip in the env (--without-pip): answer as the pip that
		 * Python 3.13 bundles would. */
		env->pip_major = 24;
		env->pip_minor = 2;
	}
	/* pip uses importlib.metadata from Python 3.11 on (pip 22.3 and later;
	 * _PIP_USE_IMPORTLIB_METADATA overrides, as in pip). */
	bool importlib = (v->major > 3 || (v->major == 3 && v->minor >= 11)) &&
			 (env->pip_major > 22 || (env->pip_major == 22 && env->pip_minor >= 3));
	const char *force = se->pip_use_importlib_metadata;
	if (force && *force)
		importlib = strchr("yYtT1", force[0]) || !strcasecmp(force, "on");
	env->backend = importlib ? DIST_BACKEND_IMPORTLIB : DIST_BACKEND_PKG_RESOURCES;
	/* pip 24.2 (pypa/pip#12656) reads a dist-info's version from its name. */
	bool pip242 = env->pip_major > 24 || (env->pip_major == 24 && env->pip_minor >= 2);
	distinfo_set_versions(set, env->backend, pip242);
	return rc;
}
