/* The one place the cache directory is decided (see cmd_cache_setup in
 * cmd/cmd.h): the interpreter cache and the wheel cache are two parts of
 * one directory, chosen by the same options and environment in every
 * command. */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/interp/interpcache.h"
#include "os/fs.h"
#include "util/buf.h"

static bool env_true(const char *name)
{
	const char *v = getenv(name);
	return v && *v && strcmp(v, "0") && strcmp(v, "false") && strcmp(v, "no");
}

static char *cache_root(const char *opt_dir, bool opt_no_cache)
{
	if (opt_no_cache || (!opt_dir && env_true("CVENV_NO_CACHE")))
		return NULL;
	if (opt_dir)
		return os_abspath(opt_dir);
	const char *d = getenv("CVENV_CACHE_DIR");
	if (d && *d)
		return os_abspath(d);
	d = getenv("XDG_CACHE_HOME");
	if (d && *d == '/')
		return path_join(d, "cvenv");
	const char *home = getenv("HOME");
	if (home && *home == '/')
		return xstrfmt("%s/.cache/cvenv", home);
	return NULL;
}

char *cmd_cache_setup(const char *opt_dir, bool opt_no_cache)
{
	char *root = cache_root(opt_dir, opt_no_cache);
	interp_cache_configure(root);
	return root;
}
