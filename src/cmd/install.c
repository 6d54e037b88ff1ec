/* cvenv install: wheel files (and, with -r, pinned requirements found in
 * --find-links directories) installed natively into an env, all in one
 * transaction (core/install.c): the env ends either as before or complete. */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/install.h"
#include "core/wheel.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

extern const struct command command_install;

static const char *opt_venv;
static struct strvec opt_requirements = STRVEC_INIT;
static struct strvec opt_find_links = STRVEC_INIT;
static bool opt_no_deps, opt_force, opt_upgrade;

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
	OPT_END(),
};

struct job {
	struct wheel **ws;
	struct install_opts *opts;
	size_t n;
};

static void job_free(struct job *j)
{
	for (size_t i = 0; i < j->n; i++) {
		wheel_close(j->ws[i]);
		free(j->ws[i]);
		free((char *)j->opts[i].direct_url);
	}
	free(j->ws);
	free(j->opts);
}

static int job_add(struct job *j, const char *path, bool direct)
{
	struct wheel *w = xcalloc(1, sizeof(*w));
	if (wheel_open(path, w) < 0) {
		free(w);
		return -1;
	}
	for (size_t i = 0; i < j->n; i++) {
		char *a = canonical_name(w->meta_name, strlen(w->meta_name));
		char *b = canonical_name(j->ws[i]->meta_name, strlen(j->ws[i]->meta_name));
		int same = !strcmp(a, b);
		free(a);
		free(b);
		if (same) {
			error("'%s' and '%s' are both wheels of '%s'", j->ws[i]->path, path,
			      w->meta_name);
			wheel_close(w);
			free(w);
			return -1;
		}
	}
	j->ws = xrealloc(j->ws, (j->n + 1) * sizeof(*j->ws));
	j->opts = xrealloc(j->opts, (j->n + 1) * sizeof(*j->opts));
	struct install_opts *o = &j->opts[j->n];
	memset(o, 0, sizeof(*o));
	o->force_reinstall = opt_force;
	o->requested = true;
	if (direct) {
		char *abs = os_abspath(path);
		o->direct_url = install_file_url(abs);
		free(abs);
	}
	j->ws[j->n++] = w;
	return 0;
}

static int cmd_install(int argc, const char **argv)
{
	int code = EXIT_FAIL;
	opt_venv = NULL;
	opt_no_deps = opt_force = opt_upgrade = false;
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
	struct install_env e;
	if (install_env_open(opt_venv, &e) < 0)
		goto done;
	struct job j = { NULL, NULL, 0 };
	int r = 0;
	for (int i = 0; i < n && !r; i++) {
		if (!ends_with(argv[i], ".whl")) {
			r = error("cannot install '%s': only wheel files (.whl) can be installed", argv[i]);
			hint("pinned requirements go in a file given with -r, with --find-links");
		} else {
			r = job_add(&j, argv[i], true);
		}
	}
	if (!r && opt_requirements.n)
		r = error("-r is not supported yet");
	if (!r)
		r = install_wheels(&e, j.ws, j.n, j.opts) < 0 ? -1 : 0;
	code = r < 0 ? EXIT_FAIL : EXIT_OK;
	job_free(&j);
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
		"on any error, or if cvenv is killed, the environment is left as it was. An "
		"installed version of the same project is replaced. Concurrent runs on one "
		"environment wait for each other.",
	.options = install_options,
	.flags = CMD_TAKES_VENV | CMD_LOCKS_VENV,
};
