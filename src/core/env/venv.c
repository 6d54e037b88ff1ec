/* Finding and opening an existing env (see venv.h). */
#include "util/common.h"

#include "core/env/venv.h"
#include "core/std/pyversion.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

bool venv_is_env(const char *dir)
{
	char *cfg = path_join(dir, "pyvenv.cfg");
	bool r = os_is_file(cfg);
	free(cfg);
	return r;
}

char *venv_cfg_home(const char *prefix)
{
	char *cfg_path = path_join(prefix, "pyvenv.cfg");
	struct buf text = BUF_INIT;
	char *home = NULL;
	if (os_read_file(cfg_path, PYVENVCFG_MAX, &text) == 0) {
		struct pyvenvcfg cfg = PYVENVCFG_INIT;
		pyvenvcfg_parse(&cfg, text.ptr, text.len);
		const char *h = pyvenvcfg_get(&cfg, "home");
		home = h ? xstrdup(h) : NULL;
		pyvenvcfg_free(&cfg);
	}
	buf_free(&text);
	free(cfg_path);
	return home;
}

/* lib/<python|pypy>X.Y/site-packages: by the version when known, else the
 * only such directory under lib/. */
static char *find_purelib(struct venv *v)
{
	static const char *const impls[] = { "python", "pypy" };
	if (v->major) {
		for (size_t i = 0; i < ARRAY_SIZE(impls); i++) {
			char *p = xstrfmt("%s/lib/%s%d.%d/site-packages", v->dir, impls[i], v->major,
					  v->minor);
			if (os_is_dir(p)) {
				v->pypy = (i == 1);
				return p;
			}
			free(p);
		}
		return NULL;
	}
	char *lib = path_join(v->dir, "lib");
	struct strvec names = STRVEC_INIT;
	char *found = NULL;
	if (os_list_dir(lib, &names) == 0) {
		for (size_t i = 0; i < names.n && !found; i++) {
			const char *n = names.v[i];
			if (!starts_with(n, "python") && !starts_with(n, "pypy"))
				continue;
			bool pypy = starts_with(n, "pypy");
			int ma, mi, mc;
			char *p = xstrfmt("%s/%s/site-packages", lib, n);
			int pr = pyver_parse(n + (pypy ? 4 : 6), &ma, &mi, &mc);
			if (pr >= 0 && os_is_dir(p)) { /* an absurd version is no env's */
				found = p;
				v->pypy = pypy;
				if (pr == 0) {
					v->major = ma;
					v->minor = mi;
					v->micro = mc;
				}
			} else {
				free(p);
			}
		}
	}
	strvec_clear(&names);
	free(lib);
	return found;
}

static char *find_python(const struct venv *v)
{
	char *names[3] = { xstrdup("python"), xstrdup("python3"),
			   xstrfmt("python%d.%d", v->major, v->minor) };
	char *found = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *p = path_join(v->bin_dir, names[i]);
		if (!found && os_is_executable(p))
			found = p;
		else
			free(p);
		free(names[i]);
	}
	return found;
}

/* "version" (venv's "3.11.2") or "version_info" (virtualenv's
 * "3.11.2.final.0"); bounded (core/std/pyversion.h): a version out of
 * bounds is refused, text that is no version is ignored as before. */
static int read_version(struct venv *v)
{
	const char *key = "version";
	const char *ver = pyvenvcfg_get(&v->cfg, key);
	if (!ver) {
		key = "version_info";
		ver = pyvenvcfg_get(&v->cfg, key);
	}
	if (!ver || pyver_parse(ver, &v->major, &v->minor, &v->micro) >= 0)
		return 0;
	struct buf shown = BUF_INIT;
	py_repr_str(&shown, ver);
	error("invalid Python version in '%s': the key '%s' is %s (major %d to %d, minor 0 to %d, "
	      "micro 0 to %d)", v->cfg_path, key, shown.ptr, PYVER_MAJOR_MIN, PYVER_MAJOR_MAX,
	      PYVER_MINOR_MAX, PYVER_MICRO_MAX);
	hint("recreate the environment with 'cvenv create --clear %s'", v->dir);
	buf_free(&shown);
	return -1;
}

int venv_open(const char *dir, struct venv *v)
{
	memset(v, 0, sizeof(*v));
	v->dir = os_abspath(dir);
	v->cfg_path = path_join(v->dir, "pyvenv.cfg");
	struct buf text = BUF_INIT;
	if (os_read_file(v->cfg_path, PYVENVCFG_MAX, &text) < 0) {
		int e = errno;
		if (e == ENOENT)
			error("'%s' is not a virtual environment: it has no pyvenv.cfg", v->dir);
		else
			error_errno("cannot read '%s'", v->cfg_path);
		buf_free(&text);
		venv_close(v);
		return -1;
	}
	pyvenvcfg_parse(&v->cfg, text.ptr, text.len);
	buf_free(&text);
	const char *home = pyvenvcfg_get(&v->cfg, "home");
	v->home = home ? xstrdup(home) : NULL;
	if (read_version(v) < 0) {
		venv_close(v);
		return -1;
	}
	v->system_site_packages =
		pyvenvcfg_is_true(pyvenvcfg_get(&v->cfg, "include-system-site-packages"));
	v->bin_dir = path_join(v->dir, "bin");
	v->purelib = find_purelib(v);
	if (!v->purelib) {
		error("environment '%s' has no site-packages directory under lib/", v->dir);
		hint("recreate it with 'cvenv create --clear %s'", v->dir);
		venv_close(v);
		return -1;
	}
	v->python = find_python(v);
	if (!v->python) {
		error("environment '%s' has no python in '%s'", v->dir, v->bin_dir);
		hint("recreate it with 'cvenv create --clear %s'", v->dir);
		venv_close(v);
		return -1;
	}
	v->relocatable = pyvenvcfg_is_true(pyvenvcfg_get(&v->cfg, "relocatable"));
	return 0;
}

const char *venv_script_python(const struct venv *v)
{
	const char *slash = strrchr(v->python, '/');
	return v->relocatable && slash ? slash + 1 : v->python;
}

void venv_close(struct venv *v)
{
	free(v->dir);
	free(v->cfg_path);
	pyvenvcfg_free(&v->cfg);
	free(v->bin_dir);
	free(v->python);
	free(v->purelib);
	free(v->home);
	memset(v, 0, sizeof(*v));
}
