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

/* Whether n is "<stem><major>.<minor>" (in digits, no leading zero),
 * compared in place: two xstrfmt per launcher showed in a warm install's
 * profile (issue 18). */
static bool versioned(const char *n, const char *stem, int major, int minor)
{
	size_t k = strlen(stem);
	if (strncmp(n, stem, k))
		return false;
	n += k;
	for (int part = 0; part < 2; part++) {
		int want = part ? minor : major;
		char d[DEC_U64_MAX];
		if (want < 0)
			return false;
		size_t dn = dec_u64(d, (uint64_t)want);
		if (strncmp(n, d, dn))
			return false;
		n += dn;
		if (*n++ != (part ? '\0' : '.'))
			return false;
	}
	return true;
}

/* The interpreter names create puts in bin/ (layout.c's alias_names and the
 * base interpreter's own name, which pyvenv.cfg's "executable" keeps). */
static bool interpreter_name(const struct venv *v, const char *n)
{
	const char *exe = base_of(pyvenvcfg_get(&v->cfg, "executable"));
	if ((exe && !strcmp(n, exe)) || (v->python && !strcmp(n, base_of(v->python))))
		return true;
	/* the fixed names all begin "py": a launcher's name mostly does not */
	if (n[0] != 'p' || n[1] != 'y')
		return false;
	if (!strcmp(n, "python") || !strcmp(n, "python3") || !strcmp(n, "pypy") ||
	    !strcmp(n, "pypy3"))
		return true;
	return versioned(n, "python", v->major, v->minor) ||
	       versioned(n, "pypy", v->major, v->minor);
}

bool env_owned(const struct venv *v, const char *rel)
{
	static const char *const top[] = { "pyvenv.cfg", ".gitignore", "lib64", ".cvenv" };
	/* a path of bin/ (every launcher asks) is none of the top names nor
	 * beneath .cvenv: those tests skipped on its first byte (issue 18) */
	if (rel[0] != 'b') {
		for (size_t i = 0; i < ARRAY_SIZE(top); i++)
			if (!strcmp(rel, top[i]))
				return true;
		if (path_is_under(rel, ".cvenv", false))
			return true;
	}
	if (!path_is_under(rel, "bin", false) || strchr(rel + 4, '/'))
		return false;
	return interpreter_name(v, rel + 4) || activate_is_script(rel + 4);
}
