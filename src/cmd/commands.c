/* The one table of commands, and the helpers every command shares. Adding a
 * command: write src/cmd/<name>.c defining command_<name>, then list it here. */
#include "util/common.h"

#include "cmd/cmd.h"
#include "util/editdist.h"
#include "util/error.h"
#include "util/strvec.h"

extern const struct command command_create;
extern const struct command command_help;
extern const struct command command_python;
extern const struct command command_completion;
extern const struct command command_freeze;
extern const struct command command_list;
extern const struct command command_install;
extern const struct command command_lock;
extern const struct command command_uninstall;
extern const struct command command_sync;
extern const struct command command_debug_tags;
extern const struct command command_debug_index;
extern const struct command command_run;
extern const struct command command_direnv;
extern const struct command command_repair;
extern const struct command command_cache;

/* The one table of commands, in the order `cvenv --help` lists them. */
const struct command *const commands[] = {
	&command_create,
	&command_install,
	&command_lock,
	&command_uninstall,
	&command_sync,
	&command_freeze,
	&command_list,
	&command_run,
	&command_direnv,
	&command_repair,
	&command_python,
	&command_cache,
	&command_help,
	&command_completion,
	&command_debug_tags,
	&command_debug_index,
	NULL,
};

const struct command *find_command(const char *name)
{
	for (int i = 0; commands[i]; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

/* After an unknown command: the one it is likely a typo of, as git does. */
void cmd_suggest_command(const char *typed)
{
	struct strvec names = STRVEC_INIT;
	for (int k = 0; commands[k]; k++)
		if (!(commands[k]->flags & CMD_HIDDEN))
			strvec_push(&names, commands[k]->name);
	const char *near = nearest_word(typed, (const char *const *)names.v);
	if (near)
		hint("did you mean '%s'?", near);
	else
		hint("see 'cvenv --help' for the list of commands");
	strvec_clear(&names);
}

int cmd_parse(const struct command *c, int argc, const char **argv, int *exit_code)
{
	const struct opt *tables[OPT_MAX_TABLES + 1];
	cmd_option_tables(c, tables);
	cmd_env_reset();
	int n = parse_options(argc, argv, c->usage, c->description, tables);
	if (n == PARSE_HELP) {
		*exit_code = EXIT_OK;
		return -1;
	}
	if (n == PARSE_ERROR) {
		*exit_code = EXIT_USAGE;
		return -1;
	}
	return n;
}

void print_main_help(FILE *f)
{
	fputs("usage: cvenv [-v | -q] [--version] [--help] <command> [<args>]\n\n"
	      "cvenv creates Python virtual environments and manages the packages in them,\n"
	      "natively and fast: a drop-in for `python -m venv`, virtualenv and pip's\n"
	      "install/freeze workflow.\n\ncommands:\n",
	      f);
	for (int i = 0; commands[i]; i++)
		if (!(commands[i]->flags & CMD_HIDDEN))
			fprintf(f, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\nRun 'cvenv <command> --help' for a command's options, or 'man cvenv'.\n"
	      "Exit status: 0 success, 1 failure, 2 usage error, 130 interrupted.\n",
	      f);
}

