/* `cvenv __render-activate`: a hidden, test-only command that (re)writes the
 * activation scripts of an existing env. The integration tests use it to put
 * cvenv's scripts into envs made by `python -m venv`, so the scripts can be
 * tested in real shells independently of `cvenv create`. */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/activate.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

static const char *prompt_opt;
static const char *const render_usage[] = {
	"cvenv __render-activate [--prompt NAME] DIR",
	NULL,
};
static const struct opt render_options[] = {
	OPT_STRING(0, "prompt", &prompt_opt, "NAME", "the prompt name (default: DIR's base name)"),
	OPT_END(),
};

static int cmd_render_activate(int argc, const char **argv)
{
	extern const struct command command_render_activate;
	int code;
	prompt_opt = NULL;
	int n = cmd_parse(&command_render_activate, argc, argv, &code);
	if (n < 0)
		return code;
	if (n != 1) {
		usage_error("expected one DIR");
		return EXIT_USAGE;
	}
	char *env = os_abspath(argv[0]);
	char *base = os_basename(env);
	char *bin = path_join(env, "bin");
	struct activate_vars v = {
		.env_dir = env,
		.bin_name = "bin",
		.prompt = prompt_opt ? prompt_opt : base,
	};
	int ret = activate_write_scripts(bin, &v);
	free(bin);
	free(base);
	free(env);
	return ret < 0 ? EXIT_FAIL : EXIT_OK;
}

const struct command command_render_activate = {
	.name = "__render-activate",
	.fn = cmd_render_activate,
	.summary = "write the activation scripts of an env (for tests)",
	.usage = render_usage,
	.description = "Writes bin/activate and its siblings for the env DIR. For tests only.",
	.options = render_options,
	.flags = CMD_HIDDEN,
};
