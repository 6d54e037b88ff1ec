/* cvenv freeze: the env's packages in requirements format, byte for byte what
 * the env's own `pip freeze` prints (pip/_internal/operations/freeze.py),
 * without starting Python. */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/pkg/freeze.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

static const char *venv_dir;
static bool all, exclude_editable, local_only;
static struct strvec excludes = STRVEC_INIT;
static struct strvec requirements = STRVEC_INIT;

static const char *const freeze_usage[] = {
	"cvenv freeze [--venv DIR] [-r FILE]... [--all] [--local] [--exclude-editable] [--exclude NAME]...",
	NULL,
};

static const struct opt freeze_options[] = {
	OPT_STRING_F(0, "venv", &venv_dir, "DIR",
		     "the environment (default: $VIRTUAL_ENV, else ./.venv)", OPT_DIRARG),
	OPT_LIST_F('r', "requirement", &requirements, "FILE",
		   "list the packages this requirements file names first, in its order, "
		   "with its comments and options (repeatable)", OPT_FILEARG),
	OPT_BOOL(0, "all", &all,
		 "do not skip pip, nor setuptools, distribute and wheel where pip skips them"),
	OPT_BOOL('l', "local", &local_only,
		 "with include-system-site-packages, list only the env's own packages"),
	OPT_BOOL(0, "exclude-editable", &exclude_editable, "leave editable installs out"),
	OPT_LIST(0, "exclude", &excludes, "NAME", "leave this package out (repeatable)"),
	OPT_END(),
};

extern const struct command command_freeze;

static int cmd_freeze(int argc, const char **argv)
{
	int code;
	if (cmd_parse(&command_freeze, argc, argv, &code) < 0)
		return code;
	struct freeze_opts fo = {
		.all = all,
		.exclude_editable = exclude_editable,
		.excludes = &excludes,
		.requirements = &requirements,
	};
	struct buf out = BUF_INIT;
	char *dir = NULL;
	int rc = cmd_venv_dir(venv_dir, true, &dir);
	if (!rc)
		rc = freeze_env(dir, false, LIST_FREEZE, local_only, &fo, &out);
	free(dir);
	fwrite(out.ptr, 1, out.len, stdout);
	buf_free(&out);
	strvec_clear(&excludes);
	strvec_clear(&requirements);
	return rc < 0 ? EXIT_FAIL : EXIT_OK;
}

const struct command command_freeze = {
	.name = "freeze",
	.fn = cmd_freeze,
	.summary = "print the env's packages in requirements format, as pip freeze",
	.usage = freeze_usage,
	.description =
		"Prints the packages installed in the environment in requirements format, "
		"byte for byte as the env's own `pip freeze` would: names as their metadata "
		"writes them, sorted case-insensitively; `name @ URL` for direct URL installs; "
		"`-e DIR` with pip's comment for editable installs. Like pip, it skips pip "
		"(and setuptools, distribute and wheel where that pip version skips them) "
		"unless --all is given. Starts no Python process.",
	.options = freeze_options,
	.flags = CMD_TAKES_VENV,
};
