/* cvenv: entry point. Global options, dispatch through the commands[] table
 * (src/cmd/commands.c), and the mapping of a command's result to the exit code. */
#include "util/common.h"

#include <jansson.h>
#include <signal.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

#ifndef CVENV_VERSION
#define CVENV_VERSION "0.0.0-dev"
#endif

/* A failed write to stdout (a full disk under `cvenv freeze > file`, a closed
 * pipe) must not pass for success. */
static int check_stdout(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			return code;
		error_errno("cannot write to standard output");
		return code ? code : EXIT_FAIL;
	}
	return code;
}

int main(int argc, char **argv_)
{
	const char **argv = (const char **)argv_;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
			printf("cvenv %s\n", CVENV_VERSION);
			return check_stdout(EXIT_OK);
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			print_main_help(stdout);
			return check_stdout(EXIT_OK);
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			verbosity++;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			verbosity--;
		} else {
			usage_error("unknown option '%s'", a);
			hint("see 'cvenv --help'");
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		print_main_help(stderr);
		return EXIT_USAGE;
	}
	const struct command *c = find_command(argv[i]);
	if (!c) {
		usage_error("unknown command '%s'", argv[i]);
		cmd_suggest_command(argv[i]);
		return EXIT_USAGE;
	}
	if (cmd_config_from_env() < 0)
		return EXIT_USAGE;
	/* jansson's hash seed (against colliding keys in JSON from the network)
	 * from one getrandom(2) rather than its own open/read/close of
	 * /dev/urandom at the first object */
	uint32_t seed;
	os_random(&seed, sizeof(seed));
	json_object_seed(seed ? seed : 1);
	free(cmd_cache_setup(NULL, false));
	return check_stdout(c->fn(argc - i, argv + i));
}
