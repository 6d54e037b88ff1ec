/* cvenv run: runs a command inside an env without activating a shell. The
 * env's bin directory goes first on PATH, VIRTUAL_ENV is set and PYTHONHOME
 * unset (what the activation scripts do), then cvenv execs the command: no
 * shell in between, and the command's exit status and signals are the run's
 * own because it takes cvenv's place. */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/env/venv.h"
#include "os/exec.h"
#include "util/buf.h"
#include "util/error.h"


static const char *const run_usage[] = {
	"cvenv run [--venv DIR] [--] COMMAND [ARGS...]",
	NULL,
};

extern const struct command command_run;

/* Where cvenv's own options end: at the first word that is no option, or
 * just after "--". Everything from there on is the command's, untouched, so
 * `cvenv run python -c ...` passes -c to python. */
static int options_end(int argc, const char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--"))
			return i + 1;
		if (a[0] != '-' || !a[1])
			return i;
		const struct opt *tables[OPT_MAX_TABLES + 1];
		cmd_option_tables(&command_run, tables);
		for (size_t t = 0; tables[t]; t++)
			for (const struct opt *o = tables[t]; o->kind != OPT_KIND_END; o++)
				if (o->kind == OPT_KIND_STRING && a[1] == '-' &&
				    !strcmp(a + 2, o->long_name))
					i++; /* --venv DIR: DIR is the option's */
	}
	return argc;
}

static int cmd_run(int argc, const char **argv)
{
	int code;
	int end = options_end(argc, argv);
	int n = cmd_parse(&command_run, end, argv, &code);
	if (n < 0)
		return code;
	if (end >= argc) {
		usage_error("run needs a COMMAND");
		hint("see 'cvenv run --help'");
		return EXIT_USAGE;
	}
	const char *const *cmd = argv + end;
	struct venv v;
	if (cmd_venv_open(&command_run, &v) < 0)
		return EXIT_FAIL;
	if (strchr(v.bin_dir, ':')) {
		error("cannot put '%s' on PATH: a ':' would split it in two", v.bin_dir);
		venv_close(&v);
		return EXIT_FAIL;
	}
	const char *path = getenv("PATH");
	char *new_path = path && *path ? xstrfmt("%s:%s", v.bin_dir, path) : xstrdup(v.bin_dir);
	code = EXIT_FAIL;
	if (os_setenv("PATH", new_path) < 0 || os_setenv("VIRTUAL_ENV", v.dir) < 0 ||
	    os_setenv("PYTHONHOME", NULL) < 0) {
		error_errno("cannot set up the environment of '%s'", cmd[0]);
		goto out;
	}
	info(1, "running '%s' in '%s'", cmd[0], v.dir);
	os_exec(cmd);
	/* as shells say: 127 not found, 126 found but not runnable */
	code = errno == ENOENT ? 127 : 126;
	error_errno("cannot run '%s'", cmd[0]);
	if (errno == ENOENT && !strchr(cmd[0], '/'))
		hint("'%s' is neither in '%s' nor anywhere on PATH", cmd[0], v.bin_dir);
out:
	free(new_path);
	venv_close(&v);
	return code;
}

const struct command command_run = {
	.name = "run",
	.fn = cmd_run,
	.summary = "run a command inside the env, without activating it",
	.usage = run_usage,
	.description =
		"Runs COMMAND with ARGS as the activated environment would: its bin "
		"directory first on PATH (so `cvenv run python script.py` and `cvenv run "
		"pytest` find the env's own), VIRTUAL_ENV set to it and PYTHONHOME unset. "
		"COMMAND is looked up on that PATH and executed directly, without a shell, "
		"in cvenv's place: its exit status and the signal that ends it are the "
		"run's. cvenv's options end at COMMAND (or at --); all that follows is "
		"passed on as it is. Exits 127 when COMMAND is not found, 126 when it "
		"cannot be executed.",
	.flags = CMD_TAKES_VENV,
};
