/* The command table's entry type. Each src/cmd/<name>.c defines one
 * `const struct command command_<name>` and main.c lists them all in commands[].
 * The usage, description and option table are the single source for --help,
 * the man page (docs/cvenv.1) and shell completions. */
#ifndef CVENV_CMD_H
#define CVENV_CMD_H

#include "util/common.h"
#include "util/parseopt.h"

enum {
	CMD_HIDDEN = 1,       /* not listed in help, man or completions */
	CMD_TAKES_VENV = 2,   /* acts on an existing env: --venv, $VIRTUAL_ENV, ./.venv */
	CMD_LOCKS_VENV = 4,   /* changes the env: holds its lock while running */
	CMD_SUBCOMMANDS = 8,  /* argv[1] names a sub-command (e.g. "python list") */
};

struct command {
	const char *name;
	/* argv[0] is the command name; returns an exit code (util/error.h). */
	int (*fn)(int argc, const char **argv);
	const char *summary;          /* one line, for `cvenv --help` */
	const char *const *usage;     /* NULL-terminated synopsis lines */
	const char *description;      /* a paragraph for --help and the man page */
	const struct opt *options;    /* the command's own options */
	unsigned flags;
	const char *const *subcommands; /* with CMD_SUBCOMMANDS: names, NULL-terminated */
};

extern const struct command *const commands[];
const struct command *find_command(const char *name);
/* The top-level help: synopsis and the list of commands. */
void print_main_help(FILE *f);

/* Parses a command's options with its own table; maps --help and usage errors.
 * Returns the number of positional arguments, or -1 with *exit_code set. */
/* The cache directory of this run, decided here only and handed to the
 * interpreter cache (interp_cache_configure): --cache-dir DIR, else
 * $CVENV_CACHE_DIR, else $XDG_CACHE_HOME/cvenv, else ~/.cache/cvenv; none
 * with --no-cache or $CVENV_NO_CACHE (set, not empty, not 0/false/no).
 * main() calls it for every command; commands with --cache-dir/--no-cache
 * call it again with theirs and pass the result to the wheel cache. Returns
 * a new absolute path, or NULL for no cache. (cmd/cachedir.c) */
char *cmd_cache_setup(const char *opt_dir, bool opt_no_cache);

/* The env a command acts on: venv_locate() (--venv, $VIRTUAL_ENV, ./.venv),
 * then, with warn_moved, cmd_env_moved_warn(). Returns -1 after reporting.
 * (cmd/venvdir.c) */
int cmd_venv_dir(const char *opt_venv, bool warn_moved, char **dir);
/* Warns, with the fix, when the env at dir is not where it was made
 * (core/env/relocate.h's env_moved). */
void cmd_env_moved_warn(const char *dir);

int cmd_parse(const struct command *c, int argc, const char **argv, int *exit_code);

/* Reads the environment variables that configure core modules (today
 * CVENV_QUERY_TIMEOUT), once, before a command runs. Returns -1 after
 * reporting a malformed value (a usage error). (cmd/envconfig.c) */
int cmd_config_from_env(void);

#endif
