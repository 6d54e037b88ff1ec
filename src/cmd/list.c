/* cvenv list: the env's packages as `pip list` shows them (columns, freeze or
 * json format), without starting Python. */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/pkg/freeze.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

static const char *venv_dir;
static const char *format = "columns";
static struct strvec excludes = STRVEC_INIT;
static bool editable_only, exclude_editable, local_only;

static const char *const list_usage[] = {
	"cvenv list [-v] [-e | --exclude-editable] [-l] [--format=FORMAT] [--venv DIR] [--exclude NAME]...",
	NULL,
};

static const struct opt list_options[] = {
	OPT_STRING_F(0, "venv", &venv_dir, "DIR",
		     "the environment (default: $VIRTUAL_ENV, else ./.venv)", OPT_DIRARG),
	OPT_STRING(0, "format", &format, "FORMAT",
		   "columns (default), freeze or json, as pip list writes them"),
	OPT_BOOL('e', "editable", &editable_only, "list only editable installs"),
	OPT_BOOL(0, "exclude-editable", &exclude_editable, "leave editable installs out"),
	OPT_BOOL('l', "local", &local_only,
		 "with include-system-site-packages, list only the env's own packages"),
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
	struct freeze_opts fo = {
		.excludes = &excludes,
		.exclude_editable = exclude_editable,
		.editable_only = editable_only,
	};
	struct buf out = BUF_INIT;
	char *dir = NULL;
	int rc = cmd_venv_dir(venv_dir, true, &dir);
	if (!rc)
		rc = freeze_env(dir, true, fmt, local_only, &fo, &out);
	free(dir);
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
		"name==version lines and --format=json pip's JSON. With -v, as `pip list -v`: "
		"each package's location and installer too. Starts no Python process.",
	.options = list_options,
	.flags = CMD_TAKES_VENV,
};
