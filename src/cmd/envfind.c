/* The env a command acts on, for every command the table flags
 * CMD_TAKES_VENV: the one --venv option they share and the one function
 * that resolves it (see cmd_env_open in cmd/cmd.h). */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/env/venv.h"
#include "core/pkg/install.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

static const char *opt_venv;

const struct opt cmd_venv_options[] = {
	OPT_STRING_F(0, "venv", &opt_venv, "DIR",
		     "the environment to act on; default $VIRTUAL_ENV, else the nearest .venv "
		     "in the current directory or a parent",
		     OPT_DIRARG),
	OPT_END(),
};

void cmd_option_tables(const struct command *c, const struct opt *tables[OPT_MAX_TABLES + 1])
{
	size_t n = 0;
	if (c->flags & CMD_TAKES_VENV)
		tables[n++] = cmd_venv_options;
	if (c->options)
		tables[n++] = c->options;
	tables[n] = NULL;
}

void cmd_env_reset(void)
{
	opt_venv = NULL;
}

int cmd_env_locate(const char *explicit_dir, const char *virtual_env, const char *cwd,
		   char **dir, struct buf *why)
{
	*dir = NULL;
	if (explicit_dir && *explicit_dir) {
		if (!os_is_dir(explicit_dir))
			return error("cannot use environment '%s': %s", explicit_dir,
				     os_exists(explicit_dir) ? "not a directory" : strerror(ENOENT));
		*dir = os_abspath(explicit_dir);
		buf_addstr(why, "--venv");
		return 0;
	}
	if (virtual_env && *virtual_env) {
		if (!os_is_dir(virtual_env)) {
			error("cannot use the active environment '%s' ($VIRTUAL_ENV): %s", virtual_env,
			      strerror(ENOENT));
			hint("run 'deactivate', or name an environment with --venv DIR");
			return -1;
		}
		*dir = os_abspath(virtual_env);
		buf_addstr(why, "$VIRTUAL_ENV");
		return 0;
	}
	*dir = cwd ? os_find_up(cwd, ".venv", true) : NULL;
	if (*dir) {
		buf_addf(why, "found from %s", cwd);
		return 0;
	}
	error("no virtual environment found: no --venv, no $VIRTUAL_ENV and no '.venv' in '%s' "
	      "or any parent", cwd ? cwd : ".");
	hint("create one with 'cvenv create .venv', or name one with --venv DIR");
	return -1;
}

int cmd_venv_dir(const char *explicit_dir, bool warn_moved, char **dir)
{
	char *cwd = os_getcwd();
	struct buf why = BUF_INIT;
	int r = cmd_env_locate(explicit_dir ? explicit_dir : opt_venv, cmd_virtual_env(), cwd, dir,
			       &why);
	if (!r)
		info(1, "using env '%s' (%s)", *dir, why.ptr);
	buf_free(&why);
	free(cwd);
	if (!r && warn_moved)
		cmd_env_moved_warn(*dir);
	return r;
}

/* Where command c's env is (cmd_venv_dir with its --venv), said under -v,
 * with the moved-env warning; NULL after reporting that there is none. */
static char *env_dir_of(const struct command *c)
{
	if (!(c->flags & CMD_TAKES_VENV))
		BUG("command '%s' acts on an env but is not flagged CMD_TAKES_VENV", c->name);
	char *dir = NULL;
	cmd_venv_dir(NULL, true, &dir);
	return dir;
}

int cmd_venv_open(const struct command *c, struct venv *v)
{
	char *dir = env_dir_of(c);
	int r = dir ? venv_open(dir, v) : -1;
	free(dir);
	return r;
}

int cmd_env_open(const struct command *c, struct install_env *e)
{
	memset(e, 0, sizeof(*e));
	e->lock_fd = -1;
	char *dir = env_dir_of(c);
	int r = dir ? install_env_open_dir(dir, (c->flags & CMD_LOCKS_VENV) != 0, e) : -1;
	free(dir);
	return r;
}
