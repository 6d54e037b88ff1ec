#include "util/common.h"

#include <jansson.h>

#include "util/embedded.h"
#include "core/interp/interp.h"
#include "core/interp/libc.h"
#include "core/std/pep508.h"
#include "core/std/pyversion.h"
#include "core/std/tags.h"
#include "os/fs.h"
#include "os/spawn.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/relpath.h"
#include "util/strvec.h"

void interp_free(struct interp *ip)
{
	free(ip->executable);
	free(ip->base_executable);
	free(ip->realpath);
	free(ip->implementation);
	free(ip->version);
	free(ip->prefix);
	free(ip->base_prefix);
	free(ip->ensurepip_dir);
	free(ip->externally_managed);
	free(ip->query_path);
	free(ip->json_text);
	if (ip->json)
		json_decref(ip->json);
	memset(ip, 0, sizeof(*ip));
}

static char *dup_field(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? xstrdup(s) : NULL;
}

const char *interp_fact(const struct interp *ip, const char *dotted)
{
	json_t *cur = ip->json;
	const char *p = dotted;
	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char *key = xstrndup(p, n);
		cur = json_object_get(cur, key);
		free(key);
		p += n;
		if (*p == '.')
			p++;
	}
	return cur ? json_string_value(cur) : NULL;
}

int interp_from_json(const char *text, size_t len, const char *what, struct interp *ip)
{
	json_error_t jerr;
	memset(ip, 0, sizeof(*ip));
	json_t *root = json_loadb(text, len, 0, &jerr);
	if (!root || !json_is_object(root)) {
		if (root)
			json_decref(root);
		return error("cannot read the interpreter facts of '%s': %s", what,
			     root ? "not a JSON object" : jerr.text);
	}
	int r = interp_from_json_obj(root, what, ip);
	json_decref(root);
	if (r == 0)
		ip->json_text = xstrndup(text, len);
	return r;
}

/* Every number of an answer (or a cache entry) that anything loops over or
 * formats is bounded (core/std/pyversion.h); the reason, or NULL. */
static const char *check_numbers(json_t *root, json_t *vi)
{
	for (size_t i = 0; i < 3; i++)
		if (!json_is_integer(json_array_get(vi, i)))
			return "version_info is not three integers";
	if (!pyver_in_range(json_integer_value(json_array_get(vi, 0)),
			    json_integer_value(json_array_get(vi, 1)),
			    json_integer_value(json_array_get(vi, 2))))
		return "version_info is out of bounds (major 2 to 3, minor 0 to 99, micro 0 to 999)";
	json_t *bits = json_object_get(root, "pointer_bits");
	if (bits && !json_is_null(bits) &&
	    (!json_is_integer(bits) || json_integer_value(bits) < 8 || json_integer_value(bits) > 128))
		return "pointer_bits is out of bounds (8 to 128)";
	json_t *libc = json_object_get(root, "libc");
	if (libc && !json_is_null(libc)) {
		int ma, mi;
		if (!json_is_array(libc) || !json_is_string(json_array_get(libc, 0)) ||
		    libcver_parse(json_string_value(json_array_get(libc, 1)), &ma, &mi) < 0)
			return "libc is not [name, \"M.N\"] with M and N from 0 to 999";
	}
	return NULL;
}

/* The venv paths create makes (relative to the env) and the interpreter's
 * own paths (absolute, or "" for unknown), proven before anything is made from them: a bad
 * path is a bad answer, and a cache entry holding one is ignored and the
 * interpreter asked again. The reason (a new string), or NULL. */
static char *check_paths(json_t *root)
{
	static const char *const rel[] = { "purelib", "platlib", "include", "scripts" };
	static const char *const abs[] = { "executable", "base_executable", "realpath", "prefix",
					   "base_prefix", "ensurepip", "externally_managed" };
	json_t *vp = json_object_get(root, "venv_paths");
	for (size_t i = 0; i < ARRAY_SIZE(rel); i++) {
		json_t *v = json_object_get(vp, rel[i]);
		if (!v || json_is_null(v))
			continue;
		if (!json_is_string(v) ||
		    !path_rel_is_safe(json_string_value(v), json_string_length(v), NULL))
			return xstrfmt("venv_paths.%s is not a relative path inside the environment "
				       "(absolute, '..', or a NUL byte)", rel[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(abs); i++) {
		json_t *v = json_object_get(root, abs[i]);
		if (!v || json_is_null(v))
			continue;
		const char *p = json_string_value(v);
		size_t n = json_string_length(v);
		if (json_is_string(v) && n == 0)
			continue; /* unknown: Python's sys.executable may be "" */
		if (!json_is_string(v) || !path_abs_is_safe(p, n))
			return xstrfmt("%s is not an absolute path without '..' or a NUL byte", abs[i]);
	}
	return NULL;
}

int interp_from_json_obj(json_t *root, const char *what, struct interp *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (!json_is_object(root))
		return error("cannot read the interpreter facts of '%s': not a JSON object", what);
	json_incref(root);
	ip->json = root;
	json_t *vi = json_object_get(root, "version_info");
	ip->executable = dup_field(root, "executable");
	ip->base_executable = dup_field(root, "base_executable");
	ip->realpath = dup_field(root, "realpath");
	ip->implementation = dup_field(root, "implementation");
	ip->version = dup_field(root, "version");
	ip->prefix = dup_field(root, "prefix");
	ip->base_prefix = dup_field(root, "base_prefix");
	ip->ensurepip_dir = dup_field(root, "ensurepip");
	ip->externally_managed = dup_field(root, "externally_managed");
	ip->pointer_bits = (int)json_integer_value(json_object_get(root, "pointer_bits"));
	if (!ip->executable || !ip->realpath || !ip->implementation || !ip->version ||
	    !ip->prefix || !ip->base_prefix || !json_is_array(vi) || json_array_size(vi) < 3 ||
	    !json_is_object(json_object_get(root, "venv_paths"))) {
		interp_free(ip);
		return error("cannot read the interpreter facts of '%s': the answer is incomplete",
			     what);
	}
	const char *bad = check_numbers(root, vi);
	char *bad_path = bad ? NULL : check_paths(root);
	if (bad || bad_path) {
		interp_free(ip);
		error("cannot read the interpreter facts of '%s': %s", what, bad ? bad : bad_path);
		free(bad_path);
		return -1;
	}
	ip->major = (int)json_integer_value(json_array_get(vi, 0));
	ip->minor = (int)json_integer_value(json_array_get(vi, 1));
	ip->micro = (int)json_integer_value(json_array_get(vi, 2));
	ip->in_venv = strcmp(ip->prefix, ip->base_prefix) != 0;
	if (!ip->base_executable)
		ip->base_executable = xstrdup(ip->executable);
	return 0;
}

/* What the standards modules (core/std) need from an interpreter, handed
 * to them as their own structs: they depend on no interpreter. */
static bool json_truthy(json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_string(v))
		return json_string_value(v)[0] && strcmp(json_string_value(v), "0");
	return false;
}

void tag_facts_from_interp(const struct interp *ip, struct tag_facts *f)
{
	memset(f, 0, sizeof(*f));
	json_t *cv = json_object_get(ip->json, "config_vars");
	f->impl = ip->implementation;
	f->major = ip->major;
	f->minor = ip->minor;
	f->nodot = json_string_value(json_object_get(cv, "py_version_nodot"));
	f->debug = json_truthy(json_object_get(cv, "Py_DEBUG"));
	json_t *pm = json_object_get(cv, "WITH_PYMALLOC");
	f->pymalloc = !pm || json_is_null(pm) || json_truthy(pm);
	f->gil_disabled = json_truthy(json_object_get(cv, "Py_GIL_DISABLED"));
	f->ext_suffix = json_string_value(json_object_get(cv, "EXT_SUFFIX"));
	f->platform = interp_fact(ip, "platform");
	json_t *libc = json_object_get(ip->json, "libc");
	const char *fam = json_string_value(json_array_get(libc, 0));
	const char *ver = json_string_value(json_array_get(libc, 1));
	int *major = NULL, *minor = NULL;
	if (fam && !strcmp(fam, "glibc")) {
		major = &f->glibc_major;
		minor = &f->glibc_minor;
	} else if (fam && !strcmp(fam, "musl")) {
		major = &f->musl_major;
		minor = &f->musl_minor;
	}
	if (major && (!ver || sscanf(ver, "%d.%d", major, minor) != 2 || *minor < 0))
		*major = *minor = 0;
	f->is32 = ip->pointer_bits == 32;
}

void pep508_env_from_interp(struct pep508_env *env, const struct interp *ip)
{
	memset(env, 0, sizeof(*env));
	for (int v = 0; v < PEP508_NVARS; v++) {
		if (v == PEP508_EXTRA)
			continue;
		char *key = xstrfmt("markers.%s", pep508_var_name((enum pep508_var)v));
		env->v[v] = interp_fact(ip, key);
		free(key);
	}
}

unsigned interp_queries_run;

void interp_query_env(struct strvec *env)
{
	static const char *const drop[] = { "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP",
					    "PYTHONEXECUTABLE", "__PYVENV_LAUNCHER__", NULL };
	static const char *const add[] = { "PYTHONIOENCODING=utf-8", NULL };
	os_env_without(env, drop, add);
}

char *interp_full_version(const struct interp *ip)
{
	json_t *vi = json_object_get(ip->json, "version_info");
	const char *level = json_string_value(json_array_get(vi, 3));
	json_int_t serial = json_integer_value(json_array_get(vi, 4));
	const char *tag = !level || !strcmp(level, "final") ? NULL
			  : !strcmp(level, "alpha")         ? "a"
			  : !strcmp(level, "beta")          ? "b"
							    : "rc";
	if (!tag)
		return xstrdup(ip->version);
	return xstrfmt("%s%s%lld", ip->version, tag, (long long)serial);
}

/* -E -s rather than -I: Python 2.7 has no -I, and these two are what -I means
 * for the query (no PYTHON* variables, no user site). -S: the script does
 * site's work itself, without running the import lines of .pth files (they
 * cost more than the rest of the query); joined to -s so the argument list
 * keeps its shape for wrappers that look for the query. With a module
 * directory the runner script there is started (a file, not -c: 3.13 imports
 * linecache for a -c source), which imports the query beside it as a module
 * (its bytecode kept by the interpreter); else the script itself is given
 * with -c (inline) or "-" reads it from stdin. */
void interp_query_argv(const char *python, const char *qdir, const char *inline_script,
		       const char *argv[7], char **owned)
{
	size_t n = 0;
	*owned = NULL;
	argv[n++] = python;
	argv[n++] = "-E";
	argv[n++] = "-sS";
	if (qdir) {
		argv[n++] = *owned = path_join(qdir, "cvenv_query_run.py");
	} else if (inline_script) {
		argv[n++] = "-c";
		argv[n++] = inline_script;
	} else {
		argv[n++] = "-";
	}
	argv[n] = NULL;
}

/* Only Linux without glibc pays for this (one read of the executable's
 * head, and a loader run for a musl one); the glibc path returns at once. */
void interp_add_native_facts(struct interp *ip, const char *path)
{
	json_t *libc = json_object_get(ip->json, "libc");
	const char *plat = interp_fact(ip, "sys_platform");
	if ((libc && !json_is_null(libc)) || !plat || !starts_with(plat, "linux"))
		return;
	/* packaging reads sys.executable, not a wrapper that started it */
	const char *exe = ip->executable[0] ? ip->executable : path;
	int major, minor;
	if (libc_musl_version(exe, interp_query_timeout(), &major, &minor) != 0)
		return;
	char *ver = xstrfmt("%d.%d", major, minor);
	json_object_set_new(ip->json, "libc", json_pack("[ss]", "musl", ver));
	free(ver);
	free(ip->json_text); /* no longer what json holds */
	ip->json_text = NULL;
}

static unsigned query_timeout_ms = INTERP_QUERY_TIMEOUT_DEFAULT_MS;

void interp_set_query_timeout(unsigned ms)
{
	query_timeout_ms = ms;
}

unsigned interp_query_timeout(void)
{
	return query_timeout_ms;
}

char *interp_query_timeout_text(void)
{
	return xstrfmt("%g", query_timeout_ms / 1000.0);
}

int interp_report_timeout(const char *path)
{
	char *secs = interp_query_timeout_text();
	error("interpreter '%s' did not answer within %s s", path, secs);
	hint("a wrapper or a broken installation may hang; raise the deadline with "
	     "CVENV_QUERY_TIMEOUT=SECONDS or choose another interpreter");
	free(secs);
	return INTERP_TIMED_OUT;
}

/* Where the answer (one JSON object) ends: the reading stops there, so that
 * a process a wrapper left behind holding stdout cannot make cvenv wait. */
struct json_end {
	int depth;
	bool in_string, escaped, started;
};

static bool json_end_seen(const char *chunk, size_t n, void *arg)
{
	struct json_end *j = arg;
	for (size_t i = 0; i < n; i++) {
		char c = chunk[i];
		if (j->in_string) {
			if (j->escaped)
				j->escaped = false;
			else if (c == '\\')
				j->escaped = true;
			else if (c == '"')
				j->in_string = false;
		} else if (c == '"') {
			j->in_string = true;
		} else if (c == '{' || c == '[') {
			j->depth++;
			j->started = true;
		} else if (c == '}' || c == ']') {
			if (--j->depth <= 0 && j->started)
				return true;
		}
	}
	return false;
}

struct meanwhile_run {
	struct interp_meanwhile *mw;
	const char *python;
};

static void run_meanwhile(void *arg)
{
	struct meanwhile_run *m = arg;
	void (*fn)(const char *, void *) = m->mw->fn;
	m->mw->fn = NULL; /* once */
	if (fn)
		fn(m->python, m->mw->arg);
}

int interp_query(const char *path, struct interp *ip)
{
	return interp_query_in(path, NULL, NULL, ip);
}

int interp_query_in(const char *path, const char *qdir, struct interp_meanwhile *mw,
		    struct interp *ip)
{
	const struct embedded_file *script = embedded_get("interp_query.py");
	if (!script)
		BUG("interp_query.py is not embedded");
	if (!os_exists(path))
		return error("cannot use interpreter '%s': %s", path, strerror(ENOENT));
	if (!os_is_executable(path))
		return error("cannot use interpreter '%s': not an executable file", path);

	const char *argv[7];
	char *owned;
	interp_query_argv(path, qdir, NULL, argv, &owned);
	struct strvec env = STRVEC_INIT;
	interp_query_env(&env);
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct json_end end = { 0 };
	struct meanwhile_run during = { mw, path };
	struct os_run_opts o = {
		.env = (const char *const *)env.v,
		.stdin_data = qdir ? NULL : script->data,
		.stdin_len = qdir ? 0 : script->len,
		.out = &out,
		.err = &err,
		.max_output = 4u << 20,
		.meanwhile = mw && mw->fn ? run_meanwhile : NULL,
		.meanwhile_arg = &during,
		/* the answer is one JSON object, complete or unreadable: no need
		 * to wait for the interpreter to be gone */
		.no_wait_after_eof = true,
		.out_complete = json_end_seen,
		.out_complete_arg = &end,
		.timeout_ms = query_timeout_ms,
	};
	int status = 0;
	info(2, "querying the interpreter '%s'", path);
	interp_queries_run++;
	int r = os_run(argv, &o, &status);
	strvec_clear(&env);
	free(owned);
	if (r < 0 && errno == ETIMEDOUT) {
		r = interp_report_timeout(path);
	} else if (r < 0) {
		r = error_errno("cannot run interpreter '%s'", path);
	} else if ((status != 0 && status != -1) || out.len == 0 || out.ptr[0] != '{') {
		buf_rtrim(&err, "\n");
		const char *last = strrchr(err.ptr, '\n');
		r = error("'%s' does not look like a Python interpreter: %s", path,
			  err.len ? (last ? last + 1 : err.ptr) : "its answer to the query was not understood");
	} else if ((r = interp_from_json(out.ptr, out.len, path, ip)) == 0) {
		interp_add_native_facts(ip, path);
	}
	buf_free(&out);
	buf_free(&err);
	return r;
}

