/* The environment variables that tune core modules, read once here (core
 * reads no environment of its own for them; see cmd.h). */
#include "util/common.h"

#include <math.h>

#include "cmd/cmd.h"
#include "core/interp/interp.h"
#include "util/error.h"

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

static const char *virtual_env;

const char *cmd_virtual_env(void)
{
	return virtual_env;
}

int cmd_config_from_env(void)
{
	virtual_env = getenv("VIRTUAL_ENV");
	return query_timeout();
}
