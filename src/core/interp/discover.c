/* Interpreter discovery (see discover.h for the search order). */
#include "util/common.h"

#include "core/interp/discover.h"
#include "core/std/pep440.h"
#include "core/interp/pyrequest.h"
#include "core/env/venv.h"
#include "core/interp/interpcache.h"
#include "os/dirscan.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/relpath.h"

/* What discover_configure was given (all NULL until then: no PATH, no
 * HOME, nothing set). */
static struct discover_env denv;

void discover_configure(const struct discover_env *env)
{
	denv = *env;
}

void discovery_init(struct discovery *d)
{
	memset(d, 0, sizeof(*d));
	strvec_init(&d->looked);
	strvec_init(&d->aliases);
	strvec_init(&d->problems);
	strvec_init(&d->seen);
}

void discovery_free(struct discovery *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].path);
		free(d->v[i].via);
		free(d->v[i].full_version);
		interp_free(&d->v[i].ip);
	}
	free(d->v);
	strvec_clear(&d->looked);
	strvec_clear(&d->aliases);
	strvec_clear(&d->problems);
	strvec_clear(&d->seen);
	memset(d, 0, sizeof(*d));
}

char *discover_venv_base(const struct interp *ip)
{
	if (ip->base_executable && !path_is_under(ip->base_executable, ip->prefix, true) &&
	    os_is_executable(ip->base_executable))
		return xstrdup(ip->base_executable);
	if (ip->realpath && !path_is_under(ip->realpath, ip->prefix, true))
		return xstrdup(ip->realpath);
	char *home = venv_cfg_home(ip->prefix);
	char *found = NULL;
	if (home) {
		char *name = os_basename(ip->executable);
		char *cand = path_join(home, name);
		if (os_is_executable(cand) && !path_is_under(cand, ip->prefix, true))
			found = cand;
		else
			free(cand);
		free(name);
	}
	free(home);
	return found;
}

/* The last error message in captured output, without its prefix. */
static const char *last_error(struct buf *b)
{
	buf_rtrim(b, "\n");
	const char *m = strstr(b->ptr, "error: ");
	const char *next;
	while (m && (next = strstr(m + 1, "error: ")))
		m = next;
	return m ? m + 7 : b->ptr;
}

/* Facts of path with a venv replaced by its base (at most a few levels);
 * *base_path is set when a base replaced it. */
static int get_base(const char *path, struct interp_meanwhile *mw, struct interp *ip,
		    char **base_path)
{
	int r = interp_get(path, mw, ip);
	for (int depth = 0; r == 0 && ip->in_venv && depth < 8; depth++) {
		char *base = discover_venv_base(ip);
		interp_free(ip);
		if (!base)
			return error("'%s' is inside a venv whose base interpreter cannot be found",
				     path);
		r = interp_get(base, mw, ip);
		free(*base_path);
		*base_path = base;
	}
	return r;
}

static void push_found(struct discovery *d, struct py_found *f)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	d->v[d->n++] = *f;
}

/* What a name or directory says about the version inside, to skip
 * candidates a version request excludes without running them. */
struct hint {
	const char *version; /* "3.12" or NULL */
	const char *impl;    /* "pypy" or NULL (unknown) */
};

static bool hint_excludes(const struct pyrequest *req, const struct hint *h)
{
	if (!req)
		return false;
	if (req->implementation && h->impl && strcmp(req->implementation, h->impl))
		return true;
	if (req->kind != PYREQ_VERSION || !h->version)
		return false;
	const char *p = h->version;
	for (size_t i = 0; i < req->nparts && *p; i++) {
		char *end;
		unsigned long long n = strtoull(p, &end, 10);
		if (end == p)
			return false;
		if (n != req->version.release[i])
			return true;
		if (*end != '.')
			break;
		p = end + 1;
	}
	return false;
}

/* A path worth asking, noted in the first pass of discover_all. */
struct pending {
	char *path, *via;
	const char *source;
};

/* "path -> target" for --all-paths: a path that leads to an interpreter
 * already listed. The same path met again (a directory searched twice, say
 * PATH's /usr/bin and then /usr/bin itself) is no link to itself, and is
 * told once. */
static void note_alias(struct discovery *d, const char *path, const char *target)
{
	if (!strcmp(path, target))
		return;
	char *line = xstrfmt("%s\t%s", path, target);
	if (strvec_contains(&d->aliases, line))
		free(line);
	else
		strvec_push_take(&d->aliases, line);
}

static void add_candidate(struct discovery *d, const char *path, const char *source,
			  const char *via, const struct pyrequest *req, const struct hint *h,
			  unsigned flags)
{
	char *real = os_realpath(path);
	if (!real || !os_is_executable(real)) {
		free(real);
		return;
	}
	if (strvec_contains(&d->seen, real)) {
		if (flags & DISCOVER_ALIASES)
			note_alias(d, via ? via : path, real);
		free(real);
		return;
	}
	if (h && hint_excludes(req, h)) {
		free(real);
		return;
	}
	strvec_push_take(&d->seen, real);
	if (d->npending == d->cap_pending) {
		d->cap_pending = d->cap_pending ? 2 * d->cap_pending : 16;
		d->pending = xrealloc(d->pending, d->cap_pending * sizeof(*d->pending));
	}
	struct pending *p = &d->pending[d->npending++];
	p->path = xstrdup(path);
	p->via = via ? xstrdup(via) : NULL;
	p->source = source;
}

/* A hanging interpreter does not stop the search: it is skipped, said once
 * per run (a discovery may look twice). */
static void skip_hung(struct discovery *d, const char *path)
{
	static struct strvec warned = STRVEC_INIT;
	char *secs = interp_query_timeout_text();
	if (!strvec_contains(&warned, path)) {
		strvec_push(&warned, path);
		warning("skipping interpreter '%s': it did not answer within %s s", path, secs);
	}
	if (d)
		strvec_pushf(&d->problems, "%s: did not answer within %s s", path, secs);
	free(secs);
}

/* Second pass: the facts of a candidate (from the cache, or one query); a
 * venv stands for its base, counted once. */
static void evaluate(struct discovery *d, const struct pending *p, struct strvec *taken,
		     unsigned flags)
{
	struct py_found f;
	memset(&f, 0, sizeof(f));
	struct buf why = BUF_INIT;
	struct buf *saved = error_capture;
	error_capture = &why; /* one broken interpreter must not spoil the search */
	char *base = NULL;
	int r = get_base(p->path, d->meanwhile, &f.ip, &base);
	error_capture = saved;
	if (r == INTERP_TIMED_OUT) {
		skip_hung(d, p->via ? p->via : p->path);
		buf_free(&why);
		free(base);
		return;
	}
	if (r < 0) {
		strvec_pushf(&d->problems, "%s: %s", p->via ? p->via : p->path, last_error(&why));
		buf_free(&why);
		free(base);
		return;
	}
	buf_free(&why);
	/* Counted once, at its first place: a venv's python found first on PATH
	 * (an active env) stands for its base there. Its base is not skipped
	 * for being "seen": the venv's own link made it so, and the base may
	 * be on no other path cvenv looks at. */
	char *real = os_realpath(base ? base : p->path);
	if ((base && !real) || (real && strvec_contains(taken, real))) {
		if (flags & DISCOVER_ALIASES)
			note_alias(d, p->via ? p->via : p->path, base ? base : real);
		interp_free(&f.ip);
		free(base);
		free(real);
		return;
	}
	if (real)
		strvec_push_take(taken, real);
	if (base) {
		f.path = base;
		f.via = xstrdup(p->via ? p->via : p->path);
	} else {
		f.path = os_abspath(p->path);
		f.via = p->via ? xstrdup(p->via) : NULL;
	}
	f.source = p->source;
	f.full_version = interp_full_version(&f.ip);
	struct pep440_version v;
	if (pep440_parse_str(f.full_version, &v) == 0) {
		f.stable = !pep440_is_prerelease(&v);
		pep440_version_free(&v);
	}
	push_found(d, &f);
}

/* python, python3, python3.12, pypy, pypy3, pypy3.9: the names cvenv looks
 * at in a directory. Returns the version part ("3.12", "") or NULL. */
static const char *interp_name_version(const char *name, const char **impl)
{
	const char *rest;
	if (starts_with(name, "python")) {
		rest = name + 6;
		*impl = NULL;
	} else if (starts_with(name, "pypy")) {
		rest = name + 4;
		*impl = "pypy";
	} else {
		return NULL;
	}
	const char *p = rest;
	if (!*p)
		return p;
	if (!(*p >= '0' && *p <= '9'))
		return NULL;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p ? NULL : rest;
}

static char *pyenv_root(void)
{
	const char *r = denv.pyenv_root;
	if (r && *r)
		return xstrdup(r);
	const char *home = denv.home;
	return path_join(home && *home ? home : "/", ".pyenv");
}

/* Lines of a pyenv version file: words, without comments and blanks. */
static void read_version_file(const char *file, struct strvec *out)
{
	struct buf text = BUF_INIT;
	if (os_read_file(file, 1u << 16, &text) == 0) {
		for (char *tok = text.ptr; *tok;) {
			size_t n = strcspn(tok, " \t\r\n");
			if (*tok == '#')
				n = strcspn(tok, "\n");
			else if (n)
				strvec_push_take(out, xstrndup(tok, n));
			tok += n;
			tok += strspn(tok, " \t\r\n");
		}
	}
	buf_free(&text);
}

/* The nearest .python-version from the current directory up; new string. */
static char *find_python_version_file(void)
{
	char *dir = os_getcwd();
	char *f = dir ? os_find_up(dir, ".python-version", false) : NULL;
	free(dir);
	return f;
}

/* The versions pyenv would use, as its shims decide: $PYENV_VERSION,
 * .python-version, $PYENV_ROOT/version. */
static void pyenv_selected(const char *root, struct strvec *out)
{
	const char *env = denv.pyenv_version;
	if (env && *env) {
		char *copy = xstrdup(env);
		for (char *save = NULL, *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save))
			strvec_push(out, t);
		free(copy);
		return;
	}
	char *f = find_python_version_file();
	if (f) {
		read_version_file(f, out);
		free(f);
		return;
	}
	char *g = path_join(root, "version");
	read_version_file(g, out);
	free(g);
}

/* A pyenv shim (a bash script) stands for versions/<v>/bin/<name>. */
static char *resolve_shim(const char *root, const char *name)
{
	struct strvec sel = STRVEC_INIT;
	pyenv_selected(root, &sel);
	char *found = NULL;
	for (size_t i = 0; i < sel.n && !found; i++) {
		if (!strcmp(sel.v[i], "system"))
			continue;
		char *exe = xstrfmt("%s/versions/%s/bin/%s", root, sel.v[i], name);
		if (os_is_executable(exe))
			found = exe;
		else
			free(exe);
	}
	strvec_clear(&sel);
	return found;
}

/* The pyenv root a shims directory belongs to, or NULL. */
static char *shims_root(const char *dir)
{
	char *base = os_basename(dir);
	bool shims = !strcmp(base, "shims");
	free(base);
	if (!shims)
		return NULL;
	char *root = os_dirname(dir);
	char *versions = path_join(root, "versions");
	bool ok = os_is_dir(versions);
	free(versions);
	if (!ok) {
		free(root);
		return NULL;
	}
	return root;
}

static bool is_interp_name(const char *name)
{
	const char *impl;
	return (name[0] == 'p' && name[1] == 'y') && interp_name_version(name, &impl) != NULL;
}

/* A directory already scanned (PATH often names one twice, and /bin is
 * /usr/bin on merged-/usr systems) is skipped. */
static bool dir_seen(struct discovery *d, const char *dir)
{
	struct os_file_id id;
	if (os_file_id(dir, &id) < 0)
		return true;
	char *key = xstrfmt("dir:%llu:%llu", (unsigned long long)id.dev,
			    (unsigned long long)id.ino);
	bool seen = strvec_contains(&d->seen, key);
	if (seen)
		free(key);
	else
		strvec_push_take(&d->seen, key);
	return seen;
}

static void scan_dir(struct discovery *d, const char *dir, const char *source,
		     const struct pyrequest *req, unsigned flags)
{
	struct strvec names = STRVEC_INIT;
	if (dir_seen(d, dir) || os_scan_dir(dir, is_interp_name, &names) < 0) {
		strvec_clear(&names);
		return;
	}
	strvec_sort(&names);
	char *root = shims_root(dir);
	for (size_t i = 0; i < names.n; i++) {
		struct hint h = { NULL, NULL };
		h.version = interp_name_version(names.v[i], &h.impl);
		if (h.version && !*h.version)
			h.version = NULL;
		char *p = path_join(dir, names.v[i]);
		if (root) {
			char *target = resolve_shim(root, names.v[i]);
			if (target)
				add_candidate(d, target, "pyenv", p, req, &h, flags);
			free(target);
		} else {
			add_candidate(d, p, source, NULL, req, &h, flags);
		}
		free(p);
	}
	free(root);
	strvec_clear(&names);
}

/* An installation directory: <dir>/bin/python3, python, pypy3. */
static char *install_dir_python(const char *dir)
{
	static const char *const names[] = { "bin/python3", "bin/python", "bin/pypy3", "bin/pypy",
					     "python3", "python" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *p = path_join(dir, names[i]);
		if (os_is_file(p) && os_is_executable(p))
			return p;
		free(p);
	}
	return NULL;
}

/* versions/3.12.1 or uv's cpython-3.12.1-linux-x86_64-gnu: the version
 * the name tells, into a new string (or NULL). */
static char *dir_version_hint(const char *name, const char **impl)
{
	*impl = NULL;
	const char *dash = strchr(name, '-');
	if (dash && (starts_with(name, "cpython-") || starts_with(name, "pypy-"))) {
		*impl = starts_with(name, "pypy") ? "pypy" : "cpython";
		name = dash + 1;
	}
	size_t n = strspn(name, "0123456789.");
	return n && name[0] != '.' ? xstrndup(name, n) : NULL;
}

static void scan_installs(struct discovery *d, const char *dir, const char *source,
			  const struct pyrequest *req, unsigned flags)
{
	struct strvec names = STRVEC_INIT;
	if (os_list_dir(dir, &names) < 0)
		return;
	for (size_t i = 0; i < names.n; i++) {
		char *sub = path_join(dir, names.v[i]);
		char *exe = os_is_dir(sub) ? install_dir_python(sub) : NULL;
		if (exe) {
			struct hint h = { NULL, NULL };
			char *hv = dir_version_hint(names.v[i], &h.impl);
			h.version = hv;
			add_candidate(d, exe, source, NULL, req, &h, flags);
			free(hv);
		}
		free(exe);
		free(sub);
	}
	strvec_clear(&names);
}

static char *uv_python_dir(void)
{
	const char *e = denv.uv_python_install_dir;
	if (e && *e)
		return xstrdup(e);
	e = denv.xdg_data_home;
	if (e && *e == '/')
		return xstrfmt("%s/uv/python", e);
	const char *home = denv.home;
	return xstrfmt("%s/.local/share/uv/python", home && *home ? home : "");
}

void discover_all(struct discovery *d, const struct pyrequest *req, unsigned flags)
{
	const char *path = denv.path;
	if (path && *path) {
		strvec_pushf(&d->looked, "PATH (%s)", path);
		char *copy = xstrdup(path);
		for (char *save = NULL, *t = strtok_r(copy, ":", &save); t;
		     t = strtok_r(NULL, ":", &save))
			if (*t == '/')
				scan_dir(d, t, "PATH", req, flags);
		free(copy);
	}
	char *root = pyenv_root();
	char *versions = path_join(root, "versions");
	strvec_push(&d->looked, versions);
	scan_installs(d, versions, "pyenv", req, flags);
	free(versions);
	free(root);
	char *uv = uv_python_dir();
	strvec_push(&d->looked, uv);
	scan_installs(d, uv, "uv", req, flags);
	free(uv);
	static const char *const system_dirs[] = { "/usr/local/bin", "/usr/bin" };
	for (size_t i = 0; i < ARRAY_SIZE(system_dirs); i++) {
		strvec_push(&d->looked, system_dirs[i]);
		scan_dir(d, system_dirs[i], "system", req, flags);
	}

	/* Interpreters not in the cache yet are asked all at once. */
	struct strvec paths = STRVEC_INIT;
	for (size_t i = 0; i < d->npending; i++)
		strvec_push(&paths, d->pending[i].path);
	if (paths.n > 1)
		interp_prefetch((const char *const *)paths.v, paths.n);
	strvec_clear(&paths);
	struct strvec taken = STRVEC_INIT;
	for (size_t i = 0; i < d->npending; i++) {
		evaluate(d, &d->pending[i], &taken, flags);
		free(d->pending[i].path);
		free(d->pending[i].via);
	}
	strvec_clear(&taken);
	free(d->pending);
	d->pending = NULL;
	d->npending = d->cap_pending = 0;
}

static int cmp_found_version(const struct py_found *a, const struct py_found *b)
{
	struct pep440_version va, vb;
	int ra = pep440_parse_str(a->full_version, &va);
	int rb = pep440_parse_str(b->full_version, &vb);
	int r = (ra < 0 || rb < 0) ? (ra < 0) - (rb < 0) : pep440_cmp(&va, &vb);
	if (ra == 0)
		pep440_version_free(&va);
	if (rb == 0)
		pep440_version_free(&vb);
	return r;
}

long discover_pick(const struct discovery *d, const struct pyrequest *req)
{
	long best = -1;
	bool first_wins = pyrequest_names_patch(req);
	for (size_t i = 0; i < d->n; i++) {
		const struct py_found *f = &d->v[i];
		if (!pyrequest_matches(req, f->ip.implementation, f->full_version))
			continue;
		if (first_wins)
			return (long)i;
		if (best < 0)
			best = (long)i;
		else if (f->stable != d->v[best].stable ? f->stable
							: cmp_found_version(f, &d->v[best]) > 0)
			best = (long)i;
	}
	return best;
}

void discover_default_requests(struct strvec *out, char **origin)
{
	*origin = NULL;
	const char *e = denv.cvenv_python;
	if (e && *e) {
		*origin = xstrdup("$CVENV_PYTHON");
		strvec_push(out, e);
		return;
	}
	char *f = find_python_version_file();
	if (!f)
		return;
	read_version_file(f, out);
	if (out->n)
		*origin = f;
	else
		free(f);
}

/* A path request: an executable, a venv or an installation directory. */
static int resolve_path(const char *path, struct interp_meanwhile *mw, struct interp *ip,
			struct buf *why)
{
	bool dir = os_is_dir(path);
	char *exe = dir ? install_dir_python(path) : NULL;
	if (dir && !exe)
		return error("no Python interpreter in the directory '%s'", path);
	const char *p = exe ? exe : path;
	if (!os_exists(p)) {
		free(exe);
		return error("cannot use interpreter '%s': %s", path, strerror(ENOENT));
	}
	char *base = NULL;
	int r = get_base(p, mw, ip, &base);
	if (r == 0 && why)
		buf_addf(why, "'%s' is a path: using %s%s%s\n", path, base ? base : p,
			 base ? ", the base of the venv of " : "", base ? p : "");
	free(base);
	free(exe);
	return r;
}

/* A command on PATH, as the shell would find it -- except that a pyenv shim
 * is resolved to the interpreter pyenv selects, and one that selects nothing
 * installed ("system") lets the search go on down PATH. */
static int resolve_name(const char *name, struct interp_meanwhile *mw, struct interp *ip,
			struct buf *why)
{
	const char *path = denv.path;
	char *copy = xstrdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
	int r = 1;
	for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir && r == 1;
	     dir = strtok_r(NULL, ":", &save)) {
		char *cand = path_join(*dir ? dir : ".", name);
		char *found = NULL;
		char *root = os_is_file(cand) && os_is_executable(cand) ? shims_root(dir) : NULL;
		if (root) {
			found = resolve_shim(root, name);
			if (found && why)
				buf_addf(why, "'%s' is a pyenv shim for %s\n", cand, found);
		} else if (os_is_file(cand) && os_is_executable(cand)) {
			found = xstrdup(cand);
		}
		if (found) {
			/* one that hangs is skipped, as `python list` skips it */
			struct buf err = BUF_INIT;
			struct buf *saved = error_capture;
			error_capture = &err;
			r = resolve_path(found, mw, ip, why);
			error_capture = saved;
			if (r == INTERP_TIMED_OUT) {
				skip_hung(NULL, found);
				interp_free(ip);
				r = 1;
			} else if (saved) {
				buf_add(saved, err.ptr, err.len);
			} else {
				fputs(err.ptr, stderr);
			}
			buf_free(&err);
		}
		free(found);
		free(root);
		free(cand);
	}
	free(copy);
	if (r == 1)
		return error("no command '%s' on PATH", name);
	return r;
}

static const struct discovery *order_d;

static int cmp_newest(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct py_found *x = &order_d->v[i], *y = &order_d->v[j];
	int r = -cmp_found_version(x, y);
	if (!r)
		r = strcmp(x->ip.implementation, y->ip.implementation);
	return r ? r : (i < j ? -1 : 1);
}

void discover_order_newest(const struct discovery *d, size_t *rows, size_t n)
{
	order_d = d;
	qsort(rows, n, sizeof(*rows), cmp_newest);
	order_d = NULL;
}

/* What else there is, newest first, leaving out what no env can be made
 * with (before 3.3: no venv, no pyvenv.cfg). */
static void report_none(const char *text, const struct discovery *d)
{
	error("no Python interpreter matches '%s'", text);
	size_t *rows = xmalloc((d->n + 1) * sizeof(*rows));
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].ip.major > 3 || (d->v[i].ip.major == 3 && d->v[i].ip.minor >= 3))
			rows[n++] = i;
	discover_order_newest(d, rows, n);
	if (!n)
		hint("no interpreter that can make an env was found at all");
	for (size_t k = 0; k < n; k++)
		hint("found %s %s at %s", d->v[rows[k]].ip.implementation,
		     d->v[rows[k]].full_version, d->v[rows[k]].path);
	free(rows);
	for (size_t i = 0; i < d->looked.n; i++)
		hint("looked in %s", d->looked.v[i]);
	for (size_t i = 0; i < d->problems.n; i++)
		hint("skipped %s", d->problems.v[i]);
}

static int resolve_request(const struct pyrequest *req, struct interp_meanwhile *mw,
			   struct interp *ip, struct buf *why)
{
	if (req->kind == PYREQ_PATH)
		return resolve_path(req->path, mw, ip, why);
	if (req->kind == PYREQ_NAME)
		return resolve_name(req->path, mw, ip, why);
	struct discovery d;
	discovery_init(&d);
	d.meanwhile = mw;
	discover_all(&d, req, 0);
	long i = discover_pick(&d, req);
	int r = 0;
	if (i < 0) {
		/* list everything, not only what the request let through */
		struct discovery all;
		discovery_init(&all);
		discover_all(&all, NULL, 0);
		report_none(req->text, &all);
		discovery_free(&all);
		r = -1;
	} else {
		struct py_found *f = &d.v[i];
		if (why) {
			for (size_t k = 0; k < d.n; k++)
				buf_addf(why, "%s %s %s (%s%s%s): %s\n", k == (size_t)i ? "*" : " ",
					 d.v[k].ip.implementation, d.v[k].full_version, d.v[k].source,
					 d.v[k].via ? " via " : "", d.v[k].via ? d.v[k].via : "",
					 pyrequest_matches(req, d.v[k].ip.implementation,
							   d.v[k].full_version)
						 ? d.v[k].path
						 : "does not match");
			buf_addf(why, "picked %s: %s\n", f->path,
				 pyrequest_names_patch(req) ? "the first match of an exact version"
							    : "the newest stable match");
		}
		*ip = f->ip;
		memset(&f->ip, 0, sizeof(f->ip));
	}
	discovery_free(&d);
	return r;
}

/* A pyenv version name ("3.12.1", "pypy3.9-7.3.11") from .python-version
 * names a directory under $PYENV_ROOT/versions; "system" means PATH. */
static char *pyenv_version_dir(const char *name)
{
	if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return NULL;
	char *root = pyenv_root();
	char *dir = xstrfmt("%s/versions/%s", root, name);
	free(root);
	if (os_is_dir(dir))
		return dir;
	free(dir);
	return NULL;
}

static int resolve_one(const char *request, const char *origin, struct interp_meanwhile *mw,
		       struct interp *ip, struct buf *why)
{
	if (why)
		buf_addf(why, "request '%s'%s%s\n", request, origin ? " from " : "",
			 origin ? origin : "");
	char *vdir = origin && strcmp(origin, "$CVENV_PYTHON") ? pyenv_version_dir(request) : NULL;
	if (vdir) {
		int r = resolve_path(vdir, mw, ip, why);
		free(vdir);
		return r;
	}
	if (origin && !strcmp(request, "system"))
		return resolve_name("python3", mw, ip, why);
	struct pyrequest req;
	struct buf err = BUF_INIT;
	int r;
	if (pyrequest_parse(request, &req, &err) < 0) {
		usage_error("invalid Python request '%s'%s%s: %s", request, origin ? " in " : "",
			    origin ? origin : "", err.ptr);
		hint("%s", pyrequest_grammar());
		r = -2;
	} else {
		r = resolve_request(&req, mw, ip, why);
		pyrequest_free(&req);
	}
	buf_free(&err);
	return r;
}

int discover_resolve(const char *request, struct interp_meanwhile *mw, struct interp *ip,
		     struct buf *why)
{
	memset(ip, 0, sizeof(*ip));
	if (request)
		return resolve_one(request, NULL, mw, ip, why);
	struct strvec reqs = STRVEC_INIT;
	char *origin = NULL;
	discover_default_requests(&reqs, &origin);
	int r;
	if (!reqs.n) {
		/* no request anywhere: what `python3 -m venv` would use */
		if (why)
			buf_addstr(why, "no request: using python3 from PATH\n");
		r = resolve_name("python3", mw, ip, why);
	} else {
		/* pyenv's format allows several versions: the first that resolves */
		r = -1;
		for (size_t i = 0; i < reqs.n && r == -1; i++) {
			struct buf quiet = BUF_INIT;
			struct buf *saved = error_capture;
			bool last = i + 1 == reqs.n;
			if (!last)
				error_capture = &quiet;
			r = resolve_one(reqs.v[i], origin, mw, ip, why);
			error_capture = saved;
			buf_free(&quiet);
		}
		/* the user typed no -p: say where the request came from (a
		 * malformed one's error names it already) */
		if (r != 0 && r != -2)
			hint("the request '%s' came from %s; -p overrides it", reqs.v[reqs.n - 1],
			     origin);
	}
	strvec_clear(&reqs);
	free(origin);
	return r;
}

int interp_resolve(const char *request, struct interp_meanwhile *mw, struct interp *ip)
{
	struct buf why = BUF_INIT;
	int r = discover_resolve(request, mw, ip, verbosity > 0 ? &why : NULL);
	info_lines(1, why.ptr);
	buf_free(&why);
	return r;
}
