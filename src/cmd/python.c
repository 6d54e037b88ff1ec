/* cvenv python list | find: the interpreters cvenv sees, and the one a
 * request picks. The search itself lives in core/discover.c. */
#include "util/common.h"

#include <jansson.h>

#include "cmd/cmd.h"
#include "core/interp/discover.h"
#include "core/interp/interp.h"
#include "core/interp/interpcache.h"
#include "core/std/pep440.h"
#include "core/interp/pyrequest.h"
#include "util/buf.h"
#include "util/error.h"

static const char *opt_format;
static bool opt_only_installed, opt_all_paths, opt_no_cache;
static const char *opt_cache_dir;

static const char *const python_usage[] = {
	"cvenv python list [--format=text|json] [--all-paths] [REQUEST]",
	"cvenv python find [--format=text|json] [REQUEST]",
	NULL,
};

static const struct opt python_options[] = {
	OPT_STRING_V(0, "format", &opt_format, "FORMAT", "output format: text (default) or json",
		     "text json"),
	OPT_BOOL(0, "only-installed", &opt_only_installed,
		 "list only interpreters installed on this machine (the default: cvenv never downloads Python)"),
	OPT_BOOL(0, "all-paths", &opt_all_paths,
		 "list: also show every other path that leads to an interpreter already listed (links, pyenv shims, venvs)"),
	OPT_STRING_F(0, "cache-dir", &opt_cache_dir, "DIR",
		     "the cache directory (interpreter facts, unpacked wheels); default $CVENV_CACHE_DIR, else $XDG_CACHE_HOME/cvenv (~/.cache/cvenv)",
		     OPT_DIRARG),
	OPT_BOOL(0, "no-cache", &opt_no_cache,
		 "neither read nor write the interpreter cache (also $CVENV_NO_CACHE=1)"),
	OPT_END(),
};

static const char *const python_subcommands[] = { "list", "find", NULL };

static json_t *found_json(const struct py_found *f)
{
	const struct interp *ip = &f->ip;
	json_t *o = json_pack("{s:s, s:s, s:{s:i, s:i, s:i}, s:s, s:s, s:s}",
			      "implementation", ip->implementation, "version", f->full_version,
			      "version_parts", "major", ip->major, "minor", ip->minor, "patch",
			      ip->micro, "path", f->path, "realpath", ip->realpath ? ip->realpath : f->path,
			      "source", f->source ? f->source : "request");
	json_object_set_new(o, "via", f->via ? json_string(f->via) : json_null());
	const char *arch = interp_fact(ip, "markers.platform_machine");
	json_object_set_new(o, "arch", arch ? json_string(arch) : json_null());
	const char *os = interp_fact(ip, "sys_platform");
	json_object_set_new(o, "os", os ? json_string(os) : json_null());
	json_t *libc = json_object_get(ip->json, "libc");
	json_object_set(o, "libc", libc ? libc : json_null());
	return o;
}

static int print_json(json_t *v)
{
	char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!s)
		return error("cannot format the JSON output");
	puts(s);
	free(s);
	return 0;
}

static int python_find(int n, const char **args, bool json, bool as_list);

static int python_list(int n, const char **args, bool json)
{
	struct pyrequest req;
	bool have_req = n > 0;
	if (have_req) {
		struct buf err = BUF_INIT;
		if (pyrequest_parse(args[0], &req, &err) < 0) {
			usage_error("invalid Python request '%s': %s", args[0], err.ptr);
			hint("%s", pyrequest_grammar());
			buf_free(&err);
			return EXIT_USAGE;
		}
		buf_free(&err);
		if (req.kind == PYREQ_PATH || req.kind == PYREQ_NAME) {
			/* a path or a command names one interpreter: list just it */
			pyrequest_free(&req);
			return python_find(n, args, json, true);
		}
	}
	struct discovery d;
	discovery_init(&d);
	discover_all(&d, have_req ? &req : NULL, opt_all_paths ? DISCOVER_ALIASES : 0);
	size_t *rows = xmalloc((d.n + 1) * sizeof(*rows));
	size_t nrows = 0;
	for (size_t i = 0; i < d.n; i++)
		if (!have_req || pyrequest_matches(&req, d.v[i].ip.implementation, d.v[i].full_version))
			rows[nrows++] = i;
	discover_order_newest(&d, rows, nrows);
	int code = EXIT_OK;
	if (json) {
		json_t *arr = json_array();
		for (size_t k = 0; k < nrows; k++)
			json_array_append_new(arr, found_json(&d.v[rows[k]]));
		if (print_json(arr) < 0)
			code = EXIT_FAIL;
		json_decref(arr);
	} else {
		for (size_t k = 0; k < nrows; k++) {
			const struct py_found *f = &d.v[rows[k]];
			printf("%-10s %-8s %s", f->full_version, f->ip.implementation, f->path);
			if (f->via)
				printf(" (via %s)", f->via);
			putchar('\n');
		}
		for (size_t k = 0; k < d.aliases.n; k++) {
			const char *tab = strchr(d.aliases.v[k], '\t');
			printf("%-10s %-8s %.*s -> %s\n", "", "", (int)(tab - d.aliases.v[k]),
			       d.aliases.v[k], tab + 1);
		}
	}
	for (size_t k = 0; k < d.problems.n; k++)
		info(1, "skipped %s", d.problems.v[k]);
	if (verbosity > 0)
		for (size_t k = 0; k < d.looked.n; k++)
			info(1, "looked in %s", d.looked.v[k]);
	free(rows);
	discovery_free(&d);
	if (have_req)
		pyrequest_free(&req);
	return code;
}

/* as_list: print the pick as `python list` prints a row (a JSON array). */
static int python_find(int n, const char **args, bool json, bool as_list)
{
	if (n > 1) {
		usage_error("'cvenv python find' takes one request, not %d", n);
		return EXIT_USAGE;
	}
	struct buf why = BUF_INIT;
	struct interp ip;
	int r = discover_resolve(n ? args[0] : NULL, NULL, &ip, verbosity > 0 ? &why : NULL);
	info_lines(1, why.ptr);
	buf_free(&why);
	if (r < 0)
		return r == -2 ? EXIT_USAGE : EXIT_FAIL;
	int code = EXIT_OK;
	const char *path = ip.query_path ? ip.query_path : ip.executable;
	struct py_found f = { .path = (char *)path, .source = "request",
			      .full_version = interp_full_version(&ip), .ip = ip };
	if (json) {
		json_t *o = found_json(&f);
		if (as_list)
			o = json_pack("[o]", o);
		if (print_json(o) < 0)
			code = EXIT_FAIL;
		json_decref(o);
	} else if (as_list) {
		printf("%-10s %-8s %s\n", f.full_version, ip.implementation, path);
	} else {
		puts(path);
	}
	free(f.full_version);
	info(1, "%s", ip.from_cache ? "facts from the cache: no interpreter was run"
				   : "facts from running the interpreter (now cached)");
	interp_free(&ip);
	return code;
}

static int cmd_python(int argc, const char **argv)
{
	extern const struct command command_python;
	const char *sub = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
	if (sub && strcmp(sub, "list") && strcmp(sub, "find")) {
		usage_error("unknown python command '%s'", sub);
		hint("the python commands are 'list' and 'find'; see 'cvenv python --help'");
		return EXIT_USAGE;
	}
	int code;
	int n = cmd_parse(&command_python, sub ? argc - 1 : argc, sub ? argv + 1 : argv, &code);
	if (n < 0)
		return code;
	const char **args = sub ? argv + 1 : argv;
	if (!sub) {
		usage_error("'cvenv python' needs a command: list or find");
		hint("see 'cvenv python --help'");
		return EXIT_USAGE;
	}
	bool json = false;
	if (opt_format && !strcmp(opt_format, "json"))
		json = true;
	else if (opt_format && strcmp(opt_format, "text")) {
		usage_error("unknown format '%s' (text or json)", opt_format);
		return EXIT_USAGE;
	}
	if (opt_all_paths && strcmp(sub, "list")) {
		usage_error("--all-paths is an option of 'cvenv python list'");
		return EXIT_USAGE;
	}
	if (opt_cache_dir || opt_no_cache)
		free(cmd_cache_setup(opt_cache_dir, opt_no_cache));
	if (!strcmp(sub, "list")) {
		if (n > 1) {
			usage_error("'cvenv python list' takes at most one request");
			return EXIT_USAGE;
		}
		return python_list(n, args, json);
	}
	return python_find(n, args, json, false);
}

const struct command command_python = {
	.name = "python",
	.fn = cmd_python,
	.summary = "list the Python interpreters cvenv finds, or find the one a request picks",
	.usage = python_usage,
	.description =
		"list shows every interpreter found (version, implementation, path), newest first; "
		"find prints the one a REQUEST picks, and with -v why. A REQUEST is a version (3, "
		"3.12, 3.12.1, 312), a PEP 440 specifier set ('>=3.10,<3.13'), an implementation "
		"(cpython, cp, pypy, pp) alone or with a version (cpython3.12, cpython@3.12, "
		"pypy@3.9, cp312), a path to an interpreter, venv or installation directory, or a "
		"command name on PATH. Without a REQUEST, find uses $CVENV_PYTHON, else the nearest "
		".python-version (pyenv's format), else python3 on PATH. Search order: PATH (pyenv "
		"shims resolved to the version pyenv selects), $PYENV_ROOT/versions (default "
		"~/.pyenv), uv's installs (~/.local/share/uv/python), /usr/local/bin, /usr/bin; an "
		"interpreter inside a venv stands for its base. Among matches the newest stable "
		"release wins, unless the request names X.Y.Z: then the first match in search "
		"order. Each interpreter is run once and its facts cached in "
		"$XDG_CACHE_HOME/cvenv (keyed by path, invalidated when the file changes), so "
		"later runs start no Python.",
	.options = python_options,
	.flags = CMD_SUBCOMMANDS,
	.subcommands = python_subcommands,
};
