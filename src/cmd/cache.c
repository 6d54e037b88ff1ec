/* cvenv cache dir | clean | prune: where the cache is, emptying it, and
 * removing what nobody can use any more (core/pkg/cacheclean.h). */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/pkg/cacheclean.h"
#include "util/buf.h"
#include "util/error.h"

extern const struct command command_cache;

static const char *opt_cache_dir;

static const char *const cache_subcommands[] = { "dir", "clean", "prune", NULL };

static const char *const cache_usage[] = {
	"cvenv cache dir [--cache-dir DIR]",
	"cvenv cache clean [--cache-dir DIR]",
	"cvenv cache prune [--cache-dir DIR]",
	NULL,
};

static const struct opt cache_options[] = {
	OPT_STRING_F(0, "cache-dir", &opt_cache_dir, "DIR",
		     "the cache directory; default $CVENV_CACHE_DIR, else $XDG_CACHE_HOME/cvenv "
		     "(~/.cache/cvenv)", OPT_DIRARG),
	OPT_END(),
};

static void report(const char *what, const char *root, const struct cache_freed *f)
{
	struct buf size = BUF_INIT;
	cache_human_size(&size, f->bytes);
	if (verbosity > 0)
		buf_addf(&size, " (%llu bytes)", (unsigned long long)f->bytes);
	info(0, "%s '%s': %zu entr%s, %s freed", what, root, f->entries,
	     f->entries == 1 ? "y" : "ies", size.ptr);
	buf_free(&size);
}

static int cmd_cache(int argc, const char **argv)
{
	const char *sub = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
	opt_cache_dir = NULL;
	int code;
	int n = cmd_parse(&command_cache, sub ? argc - 1 : argc, sub ? argv + 1 : argv, &code);
	if (n < 0)
		return code;
	if (!sub || (strcmp(sub, "dir") && strcmp(sub, "clean") && strcmp(sub, "prune"))) {
		usage_error(sub ? "unknown cache command '%s'" : "'cvenv cache' needs a command%s",
			    sub ? sub : "");
		hint("the cache commands are 'dir', 'clean' and 'prune'; see 'cvenv cache --help'");
		return EXIT_USAGE;
	}
	if (n > 1) {
		usage_error("'cvenv cache %s' takes no arguments", sub);
		return EXIT_USAGE;
	}
	char *root = cmd_cache_setup(opt_cache_dir, false);
	if (!root) {
		error("no cache directory: $HOME is not set and no --cache-dir was given");
		return EXIT_FAIL;
	}
	code = EXIT_OK;
	if (!strcmp(sub, "dir")) {
		struct buf shown = BUF_INIT;
		buf_add_printable(&shown, root);
		printf("%s\n", shown.ptr);
		if (verbosity > 0) {
			struct buf size = BUF_INIT;
			uint64_t b = cache_tree_size(root);
			cache_human_size(&size, b);
			info(1, "%s (%llu bytes)", size.ptr, (unsigned long long)b);
			buf_free(&size);
		}
		buf_free(&shown);
	} else {
		struct cache_freed f;
		bool clean = !strcmp(sub, "clean");
		int r = clean ? cache_clean(root, &f) : cache_prune(root, &f);
		report(clean ? "cleaned" : "pruned", root, &f);
		code = r < 0 ? EXIT_FAIL : EXIT_OK;
	}
	free(root);
	return code;
}

const struct command command_cache = {
	.name = "cache",
	.fn = cmd_cache,
	.summary = "show, empty or prune the cache directory",
	.usage = cache_usage,
	.description =
		"dir prints the cache directory (with -v, its size). clean empties it: the "
		"interpreter facts, the unpacked wheels and the wheel index. prune removes only "
		"what nothing can use any more: the facts of interpreters that no longer exist "
		"and the unpacked wheels that no environment links to. Both print what they "
		"freed (exact byte counts with -v), never follow a symbolic link out of the "
		"cache, and leave files that are not cvenv's alone. An install running at the "
		"same time is safe: a wheel being unpacked is left alone, and the wheels are "
		"changed under the cache's lock.",
	.options = cache_options,
	.flags = CMD_SUBCOMMANDS,
	.subcommands = cache_subcommands,
};
