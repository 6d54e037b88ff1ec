/* cvenv debug-tags (hidden): prints the compatibility tags cvenv accepts for
 * an interpreter, best first, one per line -- the same list as pip's
 * `packaging.tags.sys_tags()`, which the tests compare it with. */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/interp/discover.h"
#include "core/std/tags.h"
#include "util/error.h"
#include "util/strvec.h"

extern const struct command command_debug_tags;

static const char *opt_python;

static const char *const debug_tags_usage[] = {
	"cvenv debug-tags [-p PYTHON]",
	NULL,
};

static const struct opt debug_tags_options[] = {
	OPT_STRING_V('p', "python", &opt_python, "SPEC", "the interpreter; default python3",
		     OPT_VALUES_PYTHON),
	OPT_END(),
};

static int cmd_debug_tags(int argc, const char **argv)
{
	int code = EXIT_FAIL;
	opt_python = NULL;
	if (cmd_parse(&command_debug_tags, argc, argv, &code) < 0)
		return code;
	struct interp ip;
	if (interp_resolve(opt_python ? opt_python : "python3", NULL, &ip) < 0)
		return EXIT_FAIL;
	struct tag_facts f;
	struct strvec tags = STRVEC_INIT;
	tag_facts_from_interp(&ip, &f);
	tags_supported(&f, &tags);
	for (size_t i = 0; i < tags.n; i++)
		puts(tags.v[i]);
	strvec_clear(&tags);
	interp_free(&ip);
	return EXIT_OK;
}

const struct command command_debug_tags = {
	.name = "debug-tags",
	.fn = cmd_debug_tags,
	.summary = "print the wheel tags an interpreter supports",
	.usage = debug_tags_usage,
	.description = "Prints the compatibility tags of the interpreter, most preferred first.",
	.options = debug_tags_options,
	.flags = CMD_HIDDEN,
};
