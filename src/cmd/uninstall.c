/* cvenv uninstall: removes installed distributions (whoever installed them:
 * cvenv or pip) by their RECORD, in one transaction. */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/pkg/install.h"
#include "os/interrupt.h"
#include "util/error.h"

extern const struct command command_uninstall;

static const char *opt_venv;
static bool opt_yes;

static const char *const uninstall_usage[] = {
	"cvenv uninstall [--venv DIR] [-y] NAME...",
	NULL,
};

static const struct opt uninstall_options[] = {
	OPT_STRING_F(0, "venv", &opt_venv, "DIR",
		     "the environment to remove from; default $VIRTUAL_ENV, else ./.venv",
		     OPT_DIRARG),
	OPT_BOOL('y', "yes", &opt_yes, "do not ask for confirmation (cvenv never asks; for pip compatibility)"),
	OPT_END(),
};

static int cmd_uninstall(int argc, const char **argv)
{
	int code = EXIT_FAIL;
	opt_venv = NULL;
	opt_yes = false;
	int n = cmd_parse(&command_uninstall, argc, argv, &code);
	if (n < 0)
		return code;
	if (n == 0) {
		usage_error("uninstall needs at least one NAME");
		hint("see 'cvenv uninstall --help'");
		return EXIT_USAGE;
	}
	os_defer_interrupts(); /* Ctrl-C: undo, then exit 130 */
	struct install_env e;
	char *dir = NULL;
	int opened = cmd_venv_dir(opt_venv, true, &dir) < 0 ? -1 : install_env_open_dir(dir, &e);
	free(dir);
	if (opened < 0)
		return EXIT_FAIL;
	code = install_uninstall(&e, argv, (size_t)n) < 0 ? EXIT_FAIL : EXIT_OK;
	install_env_close(&e);
	return code == EXIT_FAIL && os_interrupted() ? EXIT_INTERRUPTED : code;
}

const struct command command_uninstall = {
	.name = "uninstall",
	.fn = cmd_uninstall,
	.summary = "remove installed packages from an environment",
	.usage = uninstall_usage,
	.description =
		"Removes each named distribution: exactly the files its RECORD lists inside the "
		"environment, their bytecode and launchers, and the directories left empty "
		"(never site-packages or bin themselves). Works on what pip installed too. A name "
		"that is not installed is skipped with a warning, as pip does.",
	.options = uninstall_options,
	.flags = CMD_TAKES_VENV | CMD_LOCKS_VENV,
};
