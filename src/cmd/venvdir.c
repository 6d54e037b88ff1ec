/* The one place commands resolve the env they act on (see cmd.h). */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/env/relocate.h"
#include "core/env/venv.h"
#include "util/error.h"

int cmd_venv_dir(const char *opt_venv, bool warn_moved, char **dir)
{
	if (venv_locate(opt_venv, dir) < 0)
		return -1;
	if (warn_moved)
		cmd_env_moved_warn(*dir);
	return 0;
}

void cmd_env_moved_warn(const char *dir)
{
	if (!venv_is_env(dir))
		return;
	char *was = env_moved(dir);
	if (!was)
		return;
	warning("environment '%s' was moved: it was made at '%s', and its launchers and "
		"activation scripts still point there", dir, was);
	hint("run 'cvenv repair %s' to make it work where it is", dir);
	free(was);
}
