/* cvenv direnv: an .envrc that activates the project's env through direnv's
 * own means (https://direnv.net): PATH_add for bin/, VIRTUAL_ENV exported,
 * PYTHONHOME unset. direnv undoes each of them when the directory is left,
 * which the activation scripts' deactivate cannot do from direnv's bash. */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/env/activate.h"
#include "core/env/venv.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/relpath.h"

static bool opt_write, opt_force;

static const char *const direnv_usage[] = {
	"cvenv direnv [--venv DIR] [--write [--force]]",
	NULL,
};

static const struct opt direnv_options[] = {
	OPT_BOOL(0, "write", &opt_write,
		 "write ./.envrc (atomically) rather than print it; an existing one is refused"),
	OPT_BOOL(0, "force", &opt_force, "with --write, replace an existing ./.envrc"),
	OPT_END(),
};

extern const struct command command_direnv;

/* The .envrc text. An env inside the current directory is named relative to
 * the .envrc (direnv's expand_path resolves it from there), so the project
 * can be moved or cloned elsewhere; any other by its absolute path. */
static int render_envrc(const char *env_dir, struct buf *out)
{
	char *cwd = os_getcwd();
	if (!cwd)
		return error_errno("cannot find the current directory");
	struct activate_vars av = { .env_dir = env_dir, .bin_name = "bin", .prompt = "" };
	int rc = activate_check(&av);
	if (rc == 0) {
		buf_addstr(out, "# activates the virtual environment; written by 'cvenv direnv'\n");
		if (path_is_under(env_dir, cwd, false)) {
			buf_addstr(out, "export VIRTUAL_ENV=\"$(expand_path ");
			quote_posix_sh(out, env_dir + strlen(cwd) + (strcmp(cwd, "/") ? 1 : 0));
			buf_addstr(out, ")\"\n");
		} else {
			buf_addstr(out, "export VIRTUAL_ENV=");
			quote_posix_sh(out, env_dir);
			buf_addch(out, '\n');
		}
		buf_addstr(out, "PATH_add \"$VIRTUAL_ENV/bin\"\n"
				"unset PYTHONHOME\n");
	}
	free(cwd);
	return rc;
}

/* ./.envrc, all or nothing: a temporary beside it renamed into place, over
 * an existing one only with --force. */
static int write_envrc(const struct buf *text)
{
	int rc = -1;
	char *tmp = NULL;
	if (opt_force) {
		if (os_write_atomic(".envrc", text->ptr, text->len, OS_MODE_UMASK, false) < 0)
			error_errno("cannot write '.envrc'");
		else
			rc = 0;
		goto out;
	}
	uint32_t r;
	os_random(&r, sizeof(r));
	tmp = xstrfmt(".envrc.cvenv-%08x", (unsigned)r);
	if (os_write_new(tmp, text->ptr, text->len, OS_MODE_UMASK) < 0) {
		error_errno("cannot write '%s'", tmp);
		goto out;
	}
	if (os_rename_noreplace(tmp, ".envrc") < 0) {
		int e = errno;
		os_unlink(tmp);
		errno = e;
		error_errno("cannot write '.envrc'");
		if (e == EEXIST)
			hint("keep it, or replace it with 'cvenv direnv --write --force'");
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	return rc;
}

static int cmd_direnv(int argc, const char **argv)
{
	int code;
	opt_write = opt_force = false;
	int n = cmd_parse(&command_direnv, argc, argv, &code);
	if (n < 0)
		return code;
	if (n > 0 || (opt_force && !opt_write)) {
		usage_error(n > 0 ? "direnv takes no arguments" : "--force goes with --write");
		hint("see 'cvenv direnv --help'");
		return EXIT_USAGE;
	}
	struct venv v;
	if (cmd_venv_open(&command_direnv, &v) < 0)
		return EXIT_FAIL;
	struct buf text = BUF_INIT;
	code = EXIT_FAIL;
	if (render_envrc(v.dir, &text) < 0)
		goto out;
	if (!opt_write) {
		fwrite(text.ptr, 1, text.len, stdout);
		code = EXIT_OK;
	} else if (write_envrc(&text) == 0) {
		info(1, "wrote .envrc: run 'direnv allow' to trust it");
		code = EXIT_OK;
	}
out:
	buf_free(&text);
	venv_close(&v);
	return code;
}

const struct command command_direnv = {
	.name = "direnv",
	.fn = cmd_direnv,
	.summary = "print or write an .envrc that activates the env with direnv",
	.usage = direnv_usage,
	.description =
		"Prints an .envrc for direnv that activates the environment whenever the "
		"shell enters this directory: VIRTUAL_ENV exported, the env's bin directory "
		"added to PATH with direnv's PATH_add, PYTHONHOME unset; direnv undoes them on "
		"leaving. An env inside the current directory is named relative to the "
		".envrc, so the project can move. With --write, creates ./.envrc instead "
		"(atomically; an existing one is kept unless --force); then run 'direnv allow'.",
	.options = direnv_options,
	.flags = CMD_TAKES_VENV,
};
