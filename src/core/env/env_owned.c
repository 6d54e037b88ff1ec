/* The env's own files (see env_owned.h). */
#include "util/common.h"

#include "core/env/activate.h"
#include "core/env/env_owned.h"
#include "core/env/venv.h"
#include "util/buf.h"
#include "util/relpath.h"

static const char *base_of(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : path;
}

/* The interpreter names create puts in bin/ (layout.c's alias_names and the
 * base interpreter's own name, which pyvenv.cfg's "executable" keeps). */
static bool interpreter_name(const struct venv *v, const char *n)
{
	const char *exe = base_of(pyvenvcfg_get(&v->cfg, "executable"));
	if (!strcmp(n, "python") || !strcmp(n, "python3") || !strcmp(n, "pypy") ||
	    !strcmp(n, "pypy3") || (exe && !strcmp(n, exe)) ||
	    (v->python && !strcmp(n, base_of(v->python))))
		return true;
	char *py = xstrfmt("python%d.%d", v->major, v->minor);
	char *pp = xstrfmt("pypy%d.%d", v->major, v->minor);
	bool r = !strcmp(n, py) || !strcmp(n, pp);
	free(py);
	free(pp);
	return r;
}

bool env_owned(const struct venv *v, const char *rel)
{
	static const char *const top[] = { "pyvenv.cfg", ".gitignore", "lib64", ".cvenv" };
	for (size_t i = 0; i < ARRAY_SIZE(top); i++)
		if (!strcmp(rel, top[i]))
			return true;
	if (path_is_under(rel, ".cvenv", false))
		return true;
	if (!path_is_under(rel, "bin", false) || strchr(rel + 4, '/'))
		return false;
	return interpreter_name(v, rel + 4) || activate_is_script(rel + 4);
}
