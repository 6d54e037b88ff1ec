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
	CMD_TAKES_VENV = 2,   /* acts on an existing env: takes --venv; cmd_env_open finds it */
	CMD_LOCKS_VENV = 4,   /* changes the env: cmd_env_open takes its lock */
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
/* After an unknown command: hints the command it is likely a typo of, as git
 * does, or the pointer to the list. (main and `cvenv help NAME`) */
void cmd_suggest_command(const char *typed);
/* The top-level help: synopsis and the list of commands. */
void print_main_help(FILE *f);

/* The cache directory of this run, decided here only and handed to the
 * interpreter cache (interp_cache_configure): --cache-dir DIR, else
 * $CVENV_CACHE_DIR, else $XDG_CACHE_HOME/cvenv, else ~/.cache/cvenv; none
 * with --no-cache or $CVENV_NO_CACHE (set, not empty, not 0/false/no).
 * main() calls it for every command; commands with --cache-dir/--no-cache
 * call it again with theirs and pass the result to the wheel cache. Returns
 * a new absolute path, or NULL for no cache. (cmd/cachedir.c) */
char *cmd_cache_setup(const char *opt_dir, bool opt_no_cache);

/* The env a command acts on: cmd_env_locate() with explicit_dir, else --venv,
 * else $VIRTUAL_ENV and the cwd,
 * then, with warn_moved, cmd_env_moved_warn(). Returns -1 after reporting.
 * (cmd/venvdir.c) */
int cmd_venv_dir(const char *explicit_dir, bool warn_moved, char **dir);
/* Warns, with the fix, when the env at dir is not where it was made
 * (core/env/relocate.h's env_moved). */
void cmd_env_moved_warn(const char *dir);

/* Parses a command's options with its tables (cmd_option_tables); maps
 * --help and usage errors. Returns the number of positional arguments, or -1
 * with *exit_code set. */
int cmd_parse(const struct command *c, int argc, const char **argv, int *exit_code);

/* The option tables of command c, NULL-terminated: the shared ones its
 * flags call for (cmd_venv_options with CMD_TAKES_VENV), then its own. Parsing,
 * --help, the man page and the completions all read them from here. */
void cmd_option_tables(const struct command *c, const struct opt *tables[OPT_MAX_TABLES + 1]);

/* --venv DIR, the one definition every CMD_TAKES_VENV command shares.
 * (cmd/envfind.c) */
extern const struct opt cmd_venv_options[];
/* Forgets a --venv parsed before (cmd_parse calls it). */
void cmd_env_reset(void);

struct buf;
struct install_env;
/* Where the env is: explicit_dir (--venv) when given, else virtual_env
 * ($VIRTUAL_ENV) when set, else the nearest directory named .venv in cwd or
 * a parent (as uv finds it). *dir receives a new absolute path and why, for
 * -v, how it was found ("--venv", "$VIRTUAL_ENV", "found from CWD").
 * Returns -1 after reporting that there is none (with a hint). */
int cmd_env_locate(const char *explicit_dir, const char *virtual_env, const char *cwd,
		   char **dir, struct buf *why);
/* The env command c (CMD_TAKES_VENV) acts on, located as cmd_env_locate
 * says from its --venv, said under -v, and opened: under the env lock when
 * the command is flagged CMD_LOCKS_VENV, for reading only otherwise. */
int cmd_env_open(const struct command *c, struct install_env *e);
struct venv;
/* The env command c (CMD_TAKES_VENV) names, located and said as
 * cmd_env_open does, opened read-only without its lock (venv_open). */
int cmd_venv_open(const struct command *c, struct venv *v);

/* Reads the environment variables that configure core modules, once, before
 * a command runs, and hands them to the modules. Returns -1 after reporting
 * a malformed value (a usage error). (cmd/envconfig.c) */
int cmd_config_from_env(void);
/* $VIRTUAL_ENV as cmd_config_from_env read it (NULL when unset). */
const char *cmd_virtual_env(void);
/* The variables that change what an env's Python and pip see (freeze, list). */
struct site_env;
const struct site_env *cmd_site_env(void);
/* The process environment, for ${NAME} in requirement files (struct reqs). */
const char *const *cmd_environ(void);

/* Fills the environment's part of an index client's configuration: the CA
 * bundle (opt_cert, else PIP_CERT, else SSL_CERT_FILE), SSL_CERT_DIR, the
 * client certificate (opt_client_cert, else PIP_CLIENT_CERT), TMPDIR, the
 * stall timeout (CVENV_HTTP_TIMEOUT, else UV_HTTP_TIMEOUT, else
 * PIP_DEFAULT_TIMEOUT or PIP_TIMEOUT, which set the connect timeout too),
 * the connect timeout (UV_HTTP_CONNECT_TIMEOUT) and the retries
 * (CVENV_HTTP_RETRIES, else UV_HTTP_RETRIES). The strings point into the
 * environment or the options. (cmd/indexenv.c) */
struct index_config;
void cmd_index_config_env(struct index_config *cfg, const char *opt_cert,
			  const char *opt_client_cert);
/* A positive number of seconds (decimals rounded up, at most a day) in
 * *out; -1 when text is not one. */
int cmd_seconds(const char *text, long *out);
/* The netrc file: $NETRC, else ~/.netrc (a new string), or NULL. */
char *cmd_netrc_path(void);

#endif
