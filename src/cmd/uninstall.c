/* cvenv uninstall: removes installed distributions (whoever installed them:
 * cvenv or pip) by their RECORD, in one transaction. */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/pkg/install.h"
#include "core/pkg/requirements.h"
#include "os/interrupt.h"
#include "util/error.h"
#include "util/strvec.h"

extern const struct command command_uninstall;

static bool opt_yes;
static struct strvec opt_requirements = STRVEC_INIT;

static const char *const uninstall_usage[] = {
	"cvenv uninstall [--venv DIR] [-y] NAME...",
	"cvenv uninstall [--venv DIR] [-y] -r FILE...",
	NULL,
};

static const struct opt uninstall_options[] = {
	OPT_LIST_F('r', "requirement", &opt_requirements, "FILE",
		   "uninstall every distribution FILE names (a requirements file); repeatable",
		   OPT_FILEARG),
	OPT_BOOL('y', "yes", &opt_yes, "do not ask for confirmation (cvenv never asks; for pip compatibility)"),
	OPT_END(),
};

/* The names of the requirements in the -r files, as pip uninstall -r takes
 * them (constraints, paths and URLs are not names: left out). */
static int names_from_files(struct strvec *names)
{
	for (size_t i = 0; i < opt_requirements.n; i++) {
		struct reqs r = REQS_INIT;
		r.envp = cmd_environ();
		if (reqs_parse_file(opt_requirements.v[i], false, &r) < 0) {
			reqs_free(&r);
			return -1;
		}
		for (size_t k = 0; k < r.n; k++)
			if (!r.v[k].constraint && r.v[k].is_pep508 && r.v[k].req.name)
				strvec_push(names, r.v[k].req.name);
		reqs_free(&r);
	}
	return 0;
}

static int cmd_uninstall(int argc, const char **argv)
{
	int code = EXIT_FAIL;
	struct strvec names = STRVEC_INIT;
	struct install_env e;
	opt_yes = false;
	strvec_clear(&opt_requirements);
	int n = cmd_parse(&command_uninstall, argc, argv, &code);
	if (n < 0)
		goto out;
	if (n == 0 && !opt_requirements.n) {
		usage_error("uninstall needs at least one NAME or -r FILE");
		hint("see 'cvenv uninstall --help'");
		code = EXIT_USAGE;
		goto out;
	}
	for (int i = 0; i < n; i++)
		strvec_push(&names, argv[i]);
	if (names_from_files(&names) < 0)
		goto out;
	os_defer_interrupts(); /* Ctrl-C: undo, then exit 130 */
	if (cmd_env_open(&command_uninstall, &e) < 0)
		goto out;
	code = install_uninstall(&e, (const char *const *)names.v, names.n) < 0 ? EXIT_FAIL : EXIT_OK;
	install_env_close(&e);
	if (code == EXIT_FAIL && os_interrupted())
		code = EXIT_INTERRUPTED;
out:
	strvec_clear(&names);
	strvec_clear(&opt_requirements);
	return code;
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
