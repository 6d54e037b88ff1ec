/* cvenv install: wheel files (and, with -r, pinned requirements found in
 * --find-links directories) installed natively into an env, all in one
 * transaction (core/install.c): the env ends either as before or complete. */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/pkg/install.h"
#include "core/pkg/plan.h"
#include "core/pkg/requirements.h"
#include "core/pkg/wheel.h"
#include "os/fs.h"
#include "util/buf.h"
#include "os/interrupt.h"
#include "util/error.h"
#include "util/strvec.h"

extern const struct command command_install;

static const char *opt_venv;
static struct strvec opt_requirements = STRVEC_INIT;
static struct strvec opt_find_links = STRVEC_INIT;
static bool opt_no_deps, opt_force, opt_upgrade, opt_no_cache, opt_verify_cache;
static const char *opt_cache_dir, *opt_link_mode;

static const char *const install_usage[] = {
	"cvenv install [--venv DIR] [options] WHEEL...",
	"cvenv install [--venv DIR] [options] -r FILE [--find-links DIR]",
	NULL,
};

static const struct opt install_options[] = {
	OPT_STRING_F(0, "venv", &opt_venv, "DIR",
		     "the environment to install into; default $VIRTUAL_ENV, else ./.venv",
		     OPT_DIRARG),
	OPT_LIST_F('r', "requirement", &opt_requirements, "FILE",
		   "install the pinned requirements (name==version) listed in FILE; repeatable",
		   OPT_FILEARG),
	OPT_LIST_F('f', "find-links", &opt_find_links, "DIR",
		   "look for the wheels of requirements in DIR; repeatable", OPT_DIRARG),
	OPT_BOOL(0, "no-deps", &opt_no_deps, "do not check that the dependencies are installed"),
	OPT_BOOL(0, "force-reinstall", &opt_force,
		 "reinstall even when the same version is installed"),
	OPT_BOOL('U', "upgrade", &opt_upgrade,
		 "replace an installed version by the one given (the default for wheel files)"),
	OPT_STRING_F(0, "cache-dir", &opt_cache_dir, "DIR",
		     "the cache directory (interpreter facts, unpacked wheels); default $CVENV_CACHE_DIR, else $XDG_CACHE_HOME/cvenv (~/.cache/cvenv)",
		     OPT_DIRARG),
	OPT_BOOL(0, "no-cache", &opt_no_cache, "extract wheels straight into the environment"),
	OPT_BOOL(0, "verify-cache", &opt_verify_cache,
		 "re-hash every cached file before it is used (by default a cached file's size, "
		 "mode, inode and mtime are checked against the entry's seal)"),
	OPT_STRING(0, "link-mode", &opt_link_mode, "MODE",
		   "how files get from the cache into the environment: clone (reflink), "
		   "hardlink or copy; default: clone, else hardlink, else copy"),
	OPT_END(),
};

static int cmd_install(int argc, const char **argv)
{
	int code = EXIT_FAIL;
	opt_venv = NULL;
	opt_no_deps = opt_force = opt_upgrade = opt_no_cache = opt_verify_cache = false;
	opt_cache_dir = opt_link_mode = NULL;
	strvec_clear(&opt_requirements);
	strvec_clear(&opt_find_links);
	int n = cmd_parse(&command_install, argc, argv, &code);
	if (n < 0)
		goto done;
	if (n == 0 && !opt_requirements.n) {
		usage_error("install needs a wheel file or -r FILE");
		hint("see 'cvenv install --help'");
		code = EXIT_USAGE;
		goto done;
	}
	os_defer_interrupts(); /* Ctrl-C: undo, then exit 130 */
	struct install_env e;
	char *dir = NULL;
	int opened = cmd_venv_dir(opt_venv, true, &dir) < 0 ? -1 : install_env_open_dir(dir, &e);
	free(dir);
	if (opened < 0)
		goto done;
	char *cache = cmd_cache_setup(opt_cache_dir, opt_no_cache);
	int rc = install_env_set_cache(&e, cache, opt_link_mode);
	free(cache);
	if (rc < 0) {
		install_env_close(&e);
		code = EXIT_USAGE;
		goto done;
	}
	e.verify_cache = opt_verify_cache;
	struct plan p;
	plan_init(&p, &e);
	p.upgrade = opt_upgrade;
	p.force = opt_force;
	p.no_deps = opt_no_deps;
	for (size_t i = 0; i < opt_find_links.n; i++)
		strvec_push(&p.find_links, opt_find_links.v[i]);
	int r = 0;
	for (int i = 0; i < n && !r; i++) {
		if (!ends_with(argv[i], ".whl")) {
			r = error("cannot install '%s': only wheel files (.whl) can be installed", argv[i]);
			hint("put requirements in a file and give it with -r, with --find-links DIR");
		} else {
			r = plan_add_wheel_file(&p, argv[i], true, NULL);
		}
	}
	/* every file read first: a constraint applies wherever it is written */
	size_t nfiles = opt_requirements.n;
	struct reqs *files = xcalloc(nfiles ? nfiles : 1, sizeof(*files));
	for (size_t i = 0; i < nfiles; i++)
		files[i] = (struct reqs)REQS_INIT;
	for (size_t i = 0; i < nfiles && !r; i++) {
		r = reqs_parse_file(opt_requirements.v[i], false, &files[i]);
		for (size_t k = 0; k < files[i].find_links.n; k++)
			strvec_push(&p.find_links, files[i].find_links.v[k]);
	}
	for (size_t i = 0; i < nfiles && !r; i++)
		for (size_t k = 0; k < files[i].n && !r; k++)
			if (files[i].v[k].constraint)
				r = plan_add_constraint(&p, &files[i].v[k]);
	for (size_t i = 0; i < nfiles && !r; i++)
		for (size_t k = 0; k < files[i].n && !r; k++)
			if (!files[i].v[k].constraint)
				r = plan_add_requirement(&p, &files[i].v[k]);
	if (!r)
		r = plan_check_deps(&p);
	if (!r && p.n) {
		struct wheel **ws = xcalloc(p.n, sizeof(*ws));
		struct install_opts *os = xcalloc(p.n, sizeof(*os));
		for (size_t i = 0; i < p.n; i++) {
			ws[i] = p.v[i].w;
			os[i] = p.v[i].opts;
		}
		r = install_wheels(&e, ws, p.n, os) < 0 ? -1 : 0;
		free(ws);
		free(os);
	}
	code = r < 0 ? (os_interrupted() ? EXIT_INTERRUPTED : EXIT_FAIL) : EXIT_OK;
	plan_free(&p);
	for (size_t i = 0; i < nfiles; i++)
		reqs_free(&files[i]);
	free(files);
	install_env_close(&e);
done:
	strvec_clear(&opt_requirements);
	strvec_clear(&opt_find_links);
	return code;
}

const struct command command_install = {
	.name = "install",
	.fn = cmd_install,
	.summary = "install wheels into an environment",
	.usage = install_usage,
	.description =
		"Installs wheel files into the environment natively, as pip does (launchers, "
		"RECORD, INSTALLER, REQUESTED, direct_url.json), checking every file against the "
		"wheel's RECORD hashes and the wheel's tags and Requires-Python against the "
		"interpreter. All the wheels of one command are installed in one transaction: "
		"on any error the environment is left as it was, and if cvenv is killed, as it "
		"was or completely changed (moving the files into place finishes in a process "
		"of its own). An "
		"installed version of the same project is replaced. Concurrent runs on one "
		"environment wait for each other.",
	.options = install_options,
	.flags = CMD_TAKES_VENV | CMD_LOCKS_VENV,
};
