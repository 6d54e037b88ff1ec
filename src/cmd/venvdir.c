/* Moved envs, as every command that acts on an env reports them (see cmd.h). */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/env/relocate.h"
#include "core/env/venv.h"
#include "util/error.h"

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
