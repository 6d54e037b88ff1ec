#include "util/common.h"

#include <jansson.h>

#include "core/embedded.h"
#include "core/interp.h"
#include "core/pyvenvcfg.h"
#include "os/fs.h"
#include "os/spawn.h"
#include "util/buf.h"
#include "util/error.h"
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
	ip->major = (int)json_integer_value(json_array_get(vi, 0));
	ip->minor = (int)json_integer_value(json_array_get(vi, 1));
	ip->micro = (int)json_integer_value(json_array_get(vi, 2));
	ip->in_venv = strcmp(ip->prefix, ip->base_prefix) != 0;
	if (!ip->base_executable)
		ip->base_executable = xstrdup(ip->executable);
	return 0;
}

int interp_query(const char *path, struct interp *ip)
{
	const struct embedded_file *script = embedded_get("interp_query.py");
	if (!script)
		BUG("interp_query.py is not embedded");
	if (!os_exists(path))
		return error("cannot use interpreter '%s': %s", path, strerror(ENOENT));
	if (!os_is_executable(path))
		return error("cannot use interpreter '%s': not an executable file", path);

	/* -E -s rather than -I: Python 2.7 has no -I, and these two are what -I
	 * means for the query (no PYTHON* variables, no user site). "-" reads the
	 * script from stdin, so nothing is written to disk. */
	const char *argv[] = { path, "-E", "-s", "-", NULL };
	static const char *const drop[] = { "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP",
					    "PYTHONEXECUTABLE", "__PYVENV_LAUNCHER__", NULL };
	static const char *const add[] = { "PYTHONIOENCODING=utf-8", NULL };
	struct strvec env = STRVEC_INIT;
	os_env_without(&env, drop, add);
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct os_run_opts o = {
		.env = (const char *const *)env.v,
		.stdin_data = script->data,
		.stdin_len = script->len,
		.out = &out,
		.err = &err,
		.max_output = 4u << 20,
	};
	int status = 0;
	int r = os_run(argv, &o, &status);
	strvec_clear(&env);
	if (r < 0) {
		r = error("cannot run interpreter '%s': %s", path, strerror(errno));
	} else if (status != 0 || out.len == 0 || out.ptr[0] != '{') {
		buf_rtrim(&err, "\n");
		const char *last = strrchr(err.ptr, '\n');
		r = error("'%s' does not look like a Python interpreter: %s", path,
			  err.len ? (last ? last + 1 : err.ptr) : "its answer to the query was not understood");
	} else {
		r = interp_from_json(out.ptr, out.len, path, ip);
	}
	buf_free(&out);
	buf_free(&err);
	return r;
}

/* A first, simple resolver (a path, a command on PATH, or a bare X.Y version
 * looked up as pythonX.Y on PATH and under $PYENV_ROOT/versions). The
 * discovery module replaces it with the full request grammar and search order. */
static bool looks_like_version(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!(*p == '.' || (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

static char *find_pyenv_version(const char *v)
{
	const char *root = getenv("PYENV_ROOT");
	char *def = NULL;
	if (!root || !*root) {
		const char *home = getenv("HOME");
		def = path_join(home ? home : "/", ".pyenv");
		root = def;
	}
	char *versions = path_join(root, "versions");
	struct strvec names = STRVEC_INIT;
	char *found = NULL;
	if (os_list_dir(versions, &names) == 0) {
		/* newest last in lexical order is wrong for 3.9 vs 3.10, so compare */
		int best[3] = { -1, -1, -1 };
		for (size_t i = 0; i < names.n; i++) {
			const char *n = names.v[i];
			size_t lv = strlen(v);
			if (strncmp(n, v, lv) || (n[lv] && n[lv] != '.'))
				continue;
			int a = -1, b = -1, c = -1;
			if (sscanf(n, "%d.%d.%d", &a, &b, &c) < 2)
				continue;
			if (a > best[0] || (a == best[0] && (b > best[1] || (b == best[1] && c > best[2])))) {
				char *dir = path_join(versions, n);
				char *exe = xstrfmt("%s/bin/python%d", dir, a);
				free(dir);
				if (os_is_executable(exe)) {
					free(found);
					found = exe;
					best[0] = a, best[1] = b, best[2] = c;
				} else {
					free(exe);
				}
			}
		}
	}
	strvec_clear(&names);
	free(versions);
	free(def);
	return found;
}

static bool is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/* The interpreter a venv's python stands for. sys._base_executable names it
 * on 3.11+; before that (and on PyPy) it is the venv's own python, so take
 * the link's real path, or else pyvenv.cfg's home with the same name. NULL
 * when nothing outside the venv is found. */
static char *venv_base_interpreter(const struct interp *ip)
{
	if (!is_under(ip->base_executable, ip->prefix))
		return xstrdup(ip->base_executable);
	if (ip->realpath && !is_under(ip->realpath, ip->prefix))
		return xstrdup(ip->realpath);
	char *cfg_path = path_join(ip->prefix, "pyvenv.cfg");
	struct buf text = BUF_INIT;
	char *found = NULL;
	if (os_read_file(cfg_path, PYVENVCFG_MAX, &text) == 0) {
		struct pyvenvcfg cfg = PYVENVCFG_INIT;
		pyvenvcfg_parse(&cfg, text.ptr, text.len);
		const char *home = pyvenvcfg_get(&cfg, "home");
		if (home) {
			char *name = os_basename(ip->executable);
			char *cand = path_join(home, name);
			if (os_is_executable(cand) && !is_under(cand, ip->prefix))
				found = cand;
			else
				free(cand);
			free(name);
		}
		pyvenvcfg_free(&cfg);
	}
	buf_free(&text);
	free(cfg_path);
	return found;
}

int interp_resolve(const char *request, struct interp *ip)
{
	char *path = NULL;
	if (strchr(request, '/')) {
		path = xstrdup(request);
		if (os_is_dir(path)) {
			char *exe = path_join(path, "bin/python");
			free(path);
			path = exe;
		}
	} else if (looks_like_version(request)) {
		char *name = xstrfmt("python%s", request);
		path = os_which(name);
		free(name);
		if (!path)
			path = find_pyenv_version(request);
	} else {
		path = os_which(request);
	}
	if (!path)
		return error("no interpreter found for '%s'", request);
	int r = interp_query(path, ip);
	free(path);
	if (r < 0)
		return r;
	/* Never base a new env on another env: use its base interpreter. A venv
	 * chain is at most a few deep; the bound guards against a loop. */
	for (int depth = 0; r == 0 && ip->in_venv && depth < 8; depth++) {
		char *base = venv_base_interpreter(ip);
		if (!base)
			break;
		interp_free(ip);
		r = interp_query(base, ip);
		free(base);
	}
	return r;
}
