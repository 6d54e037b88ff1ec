/* cvenv create: `python -m venv`, natively. Options and their meaning follow
 * venv's; the work is in core/create.c (on disk) and core/layout.c (what). */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/env/activate.h"
#include "core/env/create.h"
#include "core/env/seed.h"
#include "core/interp/discover.h"
#include "os/fs.h"
#include "os/interrupt.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

extern const struct command command_create;

static const char *opt_python;
static const char *opt_prompt;
static bool opt_system_site, opt_clear, opt_upgrade, opt_without_pip, opt_without_scm;
static int opt_copies;
static const char *opt_seed_wheels, *opt_cache_dir, *opt_link_mode;
static bool opt_no_cache, opt_relocatable;

static const char *const create_usage[] = {
	"cvenv create [options] DIR...",
	NULL,
};

static const struct opt create_options[] = {
	OPT_STRING_V('p', "python", &opt_python, "SPEC",
		     "the interpreter: a path, a command on PATH (python3.12, pypy3) or a version "
		     "(3.12) found on PATH or under $PYENV_ROOT; default python3. An interpreter "
		     "inside a venv means its base interpreter",
		     OPT_VALUES_PYTHON),
	OPT_BOOL(0, "system-site-packages", &opt_system_site,
		 "give the environment access to the interpreter's own site-packages"),
	OPT_SETINT(0, "symlinks", &opt_copies, 0,
		   "link to the interpreter rather than copying it (the default)"),
	OPT_SETINT(0, "copies", &opt_copies, 1,
		   "copy the interpreter rather than linking to it"),
	OPT_BOOL(0, "clear", &opt_clear,
		 "replace an existing environment (a non-empty directory without pyvenv.cfg is "
		 "refused)"),
	OPT_BOOL(0, "upgrade", &opt_upgrade,
		 "update an existing environment for an interpreter upgraded in place"),
	OPT_BOOL(0, "without-pip", &opt_without_pip, "do not install pip into the environment"),
	OPT_STRING_F(0, "seed-wheels", &opt_seed_wheels, "DIR",
		     "take the pip (and setuptools) wheels to install from DIR rather than the "
		     "interpreter's ensurepip or /usr/share/python-wheels", OPT_DIRARG),
	OPT_STRING_F(0, "cache-dir", &opt_cache_dir, "DIR",
		     "the cache directory (interpreter facts, unpacked wheels); default $CVENV_CACHE_DIR, else $XDG_CACHE_HOME/cvenv (~/.cache/cvenv)",
		     OPT_DIRARG),
	OPT_BOOL(0, "no-cache", &opt_no_cache, "extract the seed wheels straight into the environment"),
	OPT_STRING_V(0, "link-mode", &opt_link_mode, "MODE",
		     "how files get from the cache into the environment: clone (reflink), "
		     "hardlink or copy; default: clone, else hardlink, else copy",
		     "clone hardlink copy"),
	OPT_STRING(0, "prompt", &opt_prompt, "PROMPT",
		   "the prompt prefix shown while the environment is active ('.' means the "
		   "name of the current directory); default: the directory's name"),
	OPT_BOOL(0, "without-scm-ignore-files", &opt_without_scm,
		 "do not write a .gitignore (holding `*`) into the environment; written by default for every Python version, as venv does from 3.13 on"),
	OPT_BOOL(0, "relocatable", &opt_relocatable,
		 "make an environment that works wherever it is moved or copied: launchers run "
		 "the python beside them, activation computes the path (bash, zsh, ksh93, fish, "
		 "nushell, PowerShell; dash refuses to activate it; csh and tcsh cannot tell which "
		 "file they source and keep the path written at creation); launchers pip installs "
		 "later need 'cvenv repair' after a move"),
	OPT_END(),
};

/* "activate with: . DIR/bin/activate" for a person at a terminal, with DIR
 * as typed (quoted when the shell needs it); logs and scripts get nothing. */
static void activation_hint(const char *dir)
{
	if (verbosity < 0 || !stderr_is_terminal())
		return;
	struct buf cmd = BUF_INIT;
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	char *script = xstrfmt("%.*s/bin/activate", (int)len, dir);
	if (script[strspn(script, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				  "0123456789/._-+,@%=:")])
		quote_posix_sh(&cmd, script);
	else
		buf_addstr(&cmd, script);
	info(0, "activate with: . %s", cmd.ptr);
	free(script);
	buf_free(&cmd);
}

static int cmd_create(int argc, const char **argv)
{
	int code = EXIT_FAIL;
	opt_python = NULL;
	opt_prompt = NULL;
	opt_system_site = opt_clear = opt_upgrade = opt_without_pip = opt_without_scm = false;
	opt_copies = 0;
	opt_seed_wheels = opt_cache_dir = opt_link_mode = NULL;
	opt_no_cache = opt_relocatable = false;
	int n = cmd_parse(&command_create, argc, argv, &code);
	if (n < 0)
		return code;
	if (n == 0) {
		usage_error("create needs at least one DIR");
		hint("see 'cvenv create --help'");
		return EXIT_USAGE;
	}
	/* "" is no directory: os_abspath("") is the current one, which a
	 * --clear would empty */
	for (int i = 0; i < n; i++)
		if (!argv[i][0]) {
			usage_error("an empty DIR names no directory");
			hint("use '.' for the current directory");
			return EXIT_USAGE;
		}
	if (opt_clear && opt_upgrade) {
		usage_error("--clear and --upgrade cannot be used together");
		return EXIT_USAGE;
	}
	char *prompt = NULL;
	if (opt_prompt && !strcmp(opt_prompt, ".")) {
		char *cwd = os_getcwd();
		if (!cwd) {
			error_errno("cannot find the current directory");
			return EXIT_FAIL;
		}
		prompt = os_basename(cwd);
		free(cwd);
	} else if (opt_prompt) {
		prompt = xstrdup(opt_prompt);
	}
	char *self = os_readlink("/proc/self/exe");
	char *cache = cmd_cache_setup(opt_cache_dir, opt_no_cache);
	struct create_opts o = {
		.copies = opt_copies == 1,
		.system_site_packages = opt_system_site,
		.clear = opt_clear,
		.upgrade = opt_upgrade,
		.with_pip = !opt_without_pip,
		.scm_ignore = !opt_without_scm,
		.relocatable = opt_relocatable,
		.prompt = prompt,
		.orig_prompt = opt_prompt,
		.cvenv_exe = self ? self : "cvenv",
		.seed_wheels = opt_seed_wheels,
		.cache_dir = cache,
		.no_cache = !cache,
		.link_mode = opt_link_mode,
	};
	/* named in errors about the env's Python, as the resolution's own do */
	struct strvec default_reqs = STRVEC_INIT;
	char *origin = NULL;
	if (!opt_python)
		discover_default_requests(&default_reqs, &origin);
	o.request_origin = origin;
	struct interp ip;
	memset(&ip, 0, sizeof(ip));
	code = EXIT_FAIL;
	/* the first env is built while an uncached interpreter answers */
	struct create_head *head = create_head_new(&o, argv[0]);
	struct interp_meanwhile meanwhile = { create_head_start, head };
	/* no -p: $CVENV_PYTHON, .python-version, then python3 on PATH */
	int rr = interp_resolve(opt_python, &meanwhile, &ip);
	if (rr == -2)
		code = EXIT_USAGE;
	if (rr == 0 && os_interrupted()) {
		error("interrupted: '%s' was not created", argv[0]);
		code = EXIT_INTERRUPTED;
	} else if (rr == 0 && create_check_interp(&ip, &o) == 0) {
		code = EXIT_OK;
		o.seed_ahead = create_seed_ahead(&ip, &o);
		os_defer_interrupts();
		for (int i = 0; i < n && code == EXIT_OK; i++)
			if (create_env(&ip, &o, argv[i], i == 0 ? head : NULL) < 0)
				code = os_interrupted() ? EXIT_INTERRUPTED : EXIT_FAIL;
		if (code == EXIT_OK)
			activation_hint(argv[n - 1]);
	} else if (rr == -1 && os_interrupted()) {
		code = EXIT_INTERRUPTED;
	}
	seed_ahead_free(o.seed_ahead);
	create_head_free(head);
	strvec_clear(&default_reqs);
	free(origin);
	interp_free(&ip);
	free(self);
	free(cache);
	free(prompt);
	return code;
}

const struct command command_create = {
	.name = "create",
	.fn = cmd_create,
	.summary = "create a virtual environment (like python -m venv)",
	.usage = create_usage,
	.description =
		"Creates a virtual environment in each DIR, as the interpreter's own "
		"`python -m venv` would: the same files, links and pyvenv.cfg, and pip "
		"unless --without-pip. A new environment is built beside DIR and renamed "
		"into place, so a failure leaves nothing behind; an existing one is "
		"updated in place and keeps files it does not know; one made for another "
		"Python (another X.Y, or PyPy for CPython) is refused rather than mixed: "
		"recreate it with --clear ('cvenv freeze' first, to install its packages again). "
		"Without -p, the interpreter is $CVENV_PYTHON, else the nearest .python-version, "
		"else python3; errors about such a request name where it came from.",
	.options = create_options,
	.flags = 0,
};
