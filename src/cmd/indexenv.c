/* The environment an index client reads (cmd/ reads it; core/index never
 * calls getenv): the CA bundle and directory, the netrc file, timeouts and
 * retries. */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/index/index.h"
#include "util/buf.h"
#include "util/error.h"

static const char *env_set(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

void cmd_index_config_env(struct index_config *cfg, const char *opt_cert, const char *opt_client_cert)
{
	/* pip's order: --cert, then PIP_CERT; libcurl's own variables next */
	cfg->ca_file = opt_cert ? opt_cert : env_set("PIP_CERT");
	if (!cfg->ca_file)
		cfg->ca_file = env_set("SSL_CERT_FILE");
	cfg->ca_dir = env_set("SSL_CERT_DIR");
	cfg->client_cert = opt_client_cert ? opt_client_cert : env_set("PIP_CLIENT_CERT");
	cfg->tmp_dir = env_set("TMPDIR");
	/* the stall timeout: cvenv's own name, then uv's, then pip's (whose
	 * --timeout bounds the connection too, as pip's socket timeout does) */
	static const char *const stall[] = { "CVENV_HTTP_TIMEOUT", "UV_HTTP_TIMEOUT",
					     "PIP_DEFAULT_TIMEOUT", "PIP_TIMEOUT" };
	for (size_t i = 0; i < ARRAY_SIZE(stall) && !cfg->timeout_s; i++) {
		const char *v = env_set(stall[i]);
		if (v && cmd_seconds(v, &cfg->timeout_s) < 0)
			warning("ignoring %s='%s': not a number of seconds", stall[i], v);
		if (cfg->timeout_s && i >= 2)
			cfg->connect_timeout_s = cfg->timeout_s;
	}
	const char *v = env_set("UV_HTTP_CONNECT_TIMEOUT");
	if (v && cmd_seconds(v, &cfg->connect_timeout_s) < 0)
		warning("ignoring UV_HTTP_CONNECT_TIMEOUT='%s': not a number of seconds", v);
	/* retries on 5xx, 429 and connection errors (0: none) */
	static const char *const retries[] = { "CVENV_HTTP_RETRIES", "UV_HTTP_RETRIES" };
	for (size_t i = 0; i < ARRAY_SIZE(retries); i++) {
		v = env_set(retries[i]);
		if (v) {
			cfg->retries = atoi(v) > 0 ? atoi(v) : -1;
			break;
		}
	}
}

int cmd_seconds(const char *text, long *out)
{
	char *end;
	errno = 0;
	double d = strtod(text, &end);
	if (end == text || *end || errno || !(d > 0) || d > 86400.0)
		return -1;
	long s = (long)d;
	*out = (double)s < d ? s + 1 : s;
	return 0;
}

char *cmd_netrc_path(void)
{
	const char *n = env_set("NETRC");
	if (n)
		return xstrdup(n);
	const char *home = env_set("HOME");
	return home ? path_join(home, ".netrc") : NULL;
}
