/* The environment variables cvenv follows, read once here and passed to
 * the core modules (core reads no environment of its own; see cmd.h). */
#include "util/common.h"

#include <math.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/interp/discover.h"
#include "core/interp/interp.h"
#include "core/interp/pyrequest.h"
#include "core/pkg/distinfo.h"
#include "os/httpengine.h"
#include "os/linkbatch.h"
#include "util/error.h"

extern char **environ;

/* CVENV_QUERY_TIMEOUT: seconds (a decimal number, 0 for none) an
 * interpreter query or musl loader run may take before it is killed. An
 * hour at most: beyond that it is a typo, not a slow interpreter. */
static int query_timeout(void)
{
	const char *v = getenv("CVENV_QUERY_TIMEOUT");
	if (!v || !*v)
		return 0;
	char *end;
	errno = 0;
	double secs = strtod(v, &end);
	if (errno || *end || end == v || !isfinite(secs) || secs < 0 || secs > 3600) {
		usage_error("invalid CVENV_QUERY_TIMEOUT '%s': not a number of seconds from 0 to 3600",
			    v);
		hint("0 means no deadline; the default is %u", INTERP_QUERY_TIMEOUT_DEFAULT_MS / 1000);
		return -1;
	}
	unsigned ms = (unsigned)(secs * 1000 + 0.5);
	interp_set_query_timeout(secs > 0 && ms == 0 ? 1 : ms);
	return 0;
}

/* CVENV_LINK_THREADS (1-8: the threads that make an install's links; 1 the
 * plain loop) and CVENV_IO_URING (0 or 1: whether hard links go through
 * io_uring): the link batch's way, forced (os/linkbatch.h; tests, and the
 * experiment of bench/linkpar.sh). Unset or empty: the default. */
static int link_batch_config(void)
{
	const char *t = getenv("CVENV_LINK_THREADS"), *u = getenv("CVENV_IO_URING");
	int threads = 0, uring = -1;
	if (t && *t) {
		if (t[0] < '1' || t[0] > '8' || t[1]) {
			usage_error("invalid CVENV_LINK_THREADS '%s': not a number from 1 to 8", t);
			return -1;
		}
		threads = t[0] - '0';
	}
	if (u && *u) {
		if ((u[0] != '0' && u[0] != '1') || u[1]) {
			usage_error("invalid CVENV_IO_URING '%s': not 0 or 1", u);
			return -1;
		}
		uring = u[0] - '0';
	}
	os_linkbatch_configure(threads, uring);
	return 0;
}

static const char *virtual_env;
static struct site_env site;

const char *cmd_virtual_env(void)
{
	return virtual_env;
}

const struct site_env *cmd_site_env(void)
{
	return &site;
}

const char *const *cmd_environ(void)
{
	return (const char *const *)environ;
}

int cmd_config_from_env(void)
{
	const char *home = getenv("HOME");
	virtual_env = getenv("VIRTUAL_ENV");
	discover_configure(&(struct discover_env){
		.path = getenv("PATH"),
		.home = home,
		.pyenv_root = getenv("PYENV_ROOT"),
		.pyenv_version = getenv("PYENV_VERSION"),
		.uv_python_install_dir = getenv("UV_PYTHON_INSTALL_DIR"),
		.xdg_data_home = getenv("XDG_DATA_HOME"),
		.cvenv_python = getenv("CVENV_PYTHON"),
	});
	pyrequest_set_home(home);
	/* CVENV_HTTP_HELPER: the HTTP helper program to start instead of the
	 * cvenv-http found beside cvenv (tests; see os/httpclient.c) */
	http_set_helper(getenv("CVENV_HTTP_HELPER"));
	site = (struct site_env){
		.home = home,
		.python_user_base = getenv("PYTHONUSERBASE"),
		.pip_use_importlib_metadata = getenv("_PIP_USE_IMPORTLIB_METADATA"),
	};
	return query_timeout() < 0 || link_batch_config() < 0 ? -1 : 0;
}
