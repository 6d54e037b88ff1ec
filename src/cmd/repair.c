/* cvenv repair: makes a moved or renamed env work where it is now, and one
 * whose base interpreter moved or was upgraded work with it (see
 * core/env/relocate.h). */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/env/create.h"
#include "core/env/pyvenvcfg.h"
#include "core/env/relocate.h"
#include "core/interp/discover.h"
#include "core/pkg/install.h"
#include "os/fs.h"
#include "os/interrupt.h"
#include "util/buf.h"
#include "util/error.h"

extern const struct command command_repair;

static const char *opt_python;

static const char *const repair_usage[] = {
	"cvenv repair [-p SPEC] [DIR]",
	NULL,
};

static const struct opt repair_options[] = {
	OPT_STRING('p', "python", &opt_python, "SPEC",
		   "relink the environment to this interpreter (a path, command or version, as "
		   "for create); default: relink only when the base interpreter is gone, to the "
		   "same X.Y found as create finds it"),
	OPT_END(),
};

/* The env's X.Y from pyvenv.cfg ("version" or virtualenv's "version_info"). */
static char *cfg_minor(const char *dir)
{
	char *path = path_join(dir, "pyvenv.cfg");
	struct buf text = BUF_INIT;
	struct pyvenvcfg cfg = PYVENVCFG_INIT;
	char *spec = NULL;
	if (os_read_file(path, PYVENVCFG_MAX, &text) == 0) {
		pyvenvcfg_parse(&cfg, text.ptr, text.len);
		const char *v = pyvenvcfg_get(&cfg, "version");
		if (!v)
			v = pyvenvcfg_get(&cfg, "version_info");
		int ma, mi;
		if (v && sscanf(v, "%d.%d", &ma, &mi) == 2)
			spec = xstrfmt("%d.%d", ma, mi);
	}
	pyvenvcfg_free(&cfg);
	buf_free(&text);
	free(path);
	return spec;
}

/* bin/python a link to an interpreter that is gone. */
static bool interp_gone(const char *dir)
{
	char *py = xstrfmt("%s/bin/python", dir);
	bool gone = os_is_symlink(py) && !os_is_executable(py);
	free(py);
	return gone;
}

/* What `create --upgrade` does: the interpreter links and pyvenv.cfg made
 * again for the interpreter found now. */
static int relink(const char *dir)
{
	char *spec = opt_python ? xstrdup(opt_python) : cfg_minor(dir);
	char *prompt = NULL;
	char *rec = env_recorded_dir(dir, &prompt);
	char *self = os_readlink("/proc/self/exe");
	char *gitignore = path_join(dir, ".gitignore");
	struct interp ip;
	memset(&ip, 0, sizeof(ip));
	struct create_opts o = {
		.upgrade = true,
		.scm_ignore = os_exists(gitignore),
		.prompt = prompt,
		.orig_prompt = prompt,
		.cvenv_exe = self ? self : "cvenv",
		.no_cache = true,
	};
	int r = -1;
	if (!spec) {
		error("cannot tell which Python '%s' was made for: pyvenv.cfg names no version", dir);
		hint("name the interpreter with 'cvenv repair -p PYTHON %s'", dir);
		goto out;
	}
	if (interp_resolve(spec, NULL, &ip) != 0 || create_check_interp(&ip, &o) < 0)
		goto out;
	if (create_env(&ip, &o, dir, NULL) < 0)
		goto out;
	info(0, "relinked '%s' to '%s'", dir, ip.base_executable ? ip.base_executable : ip.executable);
	r = 0;
out:
	interp_free(&ip);
	free(gitignore);
	free(self);
	free(rec);
	free(prompt);
	free(spec);
	return r;
}

static int cmd_repair(int argc, const char **argv)
{
	int code = EXIT_FAIL;
	opt_python = NULL;
	int n = cmd_parse(&command_repair, argc, argv, &code);
	if (n < 0)
		return code;
	if (n > 1) {
		usage_error("repair takes one DIR");
		return EXIT_USAGE;
	}
	char *dir = NULL;
	if (cmd_venv_dir(n ? argv[0] : NULL, false, &dir) < 0)
		return EXIT_FAIL;
	os_defer_interrupts();
	bool relinked = false;
	if (opt_python || interp_gone(dir)) {
		if (relink(dir) < 0)
			goto out;
		relinked = true;
	}
	struct install_env e;
	if (install_env_open_dir(dir, true, &e) < 0)
		goto out;
	struct repair_stats st;
	int r = env_repair(&e, &st);
	install_env_close(&e);
	if (r < 0)
		goto out;
	code = EXIT_OK;
	struct buf shown = BUF_INIT;
	buf_add_printable(&shown, dir);
	if (!relinked && !st.launchers && !st.records && !st.scripts && !st.cfg)
		info(0, "'%s' needs no repair: nothing changed", shown.ptr);
	else
		info(0, "repaired '%s': %zu launcher(s), %zu RECORD file(s), %zu activation "
		     "script(s)%s%s", shown.ptr, st.launchers, st.records, st.scripts,
		     st.cfg ? ", pyvenv.cfg" : "", relinked ? ", interpreter relinked" : "");
	if (st.links)
		warning("%zu launcher(s) in '%s/bin' are symbolic links: left alone", st.links,
			shown.ptr);
	buf_free(&shown);
out:
	free(dir);
	return code == EXIT_FAIL && os_interrupted() ? EXIT_INTERRUPTED : code;
}

const struct command command_repair = {
	.name = "repair",
	.fn = cmd_repair,
	.summary = "make a moved or renamed environment work where it is",
	.usage = repair_usage,
	.description =
		"Makes the environment at DIR (default: as for install) work where it is now, "
		"after it was moved or renamed: the launchers that cvenv and pip installed get "
		"the shebang of this environment's python and their RECORD rows the new hash "
		"and size, the activation scripts and pyvenv.cfg name the new location. When "
		"the base interpreter is gone (moved or upgraded), or with -p, the environment "
		"is relinked to the interpreter found now, as create's upgrade does. Each file "
		"is replaced atomically under the environment's lock; nothing outside the "
		"environment is written and no link is written through. A second run changes "
		"nothing and says so.",
	.options = repair_options,
	.flags = CMD_TAKES_VENV | CMD_LOCKS_VENV,
};
