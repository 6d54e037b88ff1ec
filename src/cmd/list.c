/* cvenv list: the env's packages as `pip list` shows them (columns, freeze or
 * json format), without starting Python. */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/freeze.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

static const char *venv_dir;
static const char *format = "columns";
static struct strvec excludes = STRVEC_INIT;

static const char *const list_usage[] = {
	"cvenv list [--venv DIR] [--format=columns|freeze|json] [--exclude NAME]...",
	NULL,
};

static const struct opt list_options[] = {
	OPT_STRING_F(0, "venv", &venv_dir, "DIR",
		     "the environment (default: $VIRTUAL_ENV, else ./.venv)", OPT_DIRARG),
	OPT_STRING(0, "format", &format, "FORMAT",
		   "columns (default), freeze or json, as pip list writes them"),
	OPT_LIST(0, "exclude", &excludes, "NAME", "leave this package out (repeatable)"),
	OPT_END(),
};

extern const struct command command_list;

static int cmd_list(int argc, const char **argv)
{
	int code;
	if (cmd_parse(&command_list, argc, argv, &code) < 0)
		return code;
	enum list_format fmt;
	if (!strcmp(format, "columns"))
		fmt = LIST_COLUMNS;
	else if (!strcmp(format, "freeze"))
		fmt = LIST_FREEZE;
	else if (!strcmp(format, "json"))
		fmt = LIST_JSON;
	else {
		usage_error("invalid format '%s'", format);
		hint("choose columns, freeze or json");
		strvec_clear(&excludes);
		return EXIT_USAGE;
	}
	struct freeze_opts fo = { .excludes = &excludes };
	struct buf out = BUF_INIT;
	int rc = freeze_env(venv_dir, true, fmt, false, &fo, &out);
	fwrite(out.ptr, 1, out.len, stdout);
	buf_free(&out);
	strvec_clear(&excludes);
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}

const struct command command_list = {
	.name = "list",
	.fn = cmd_list,
	.summary = "list the env's packages, as pip list",
	.usage = list_usage,
	.description =
		"Lists the packages installed in the environment as the env's own `pip list` "
		"does: a table of name and version (and editable project location when there "
		"are editable installs), sorted by canonical name; --format=freeze writes "
		"name==version lines and --format=json pip's JSON. Starts no Python process.",
	.options = list_options,
	.flags = CMD_TAKES_VENV,
};
