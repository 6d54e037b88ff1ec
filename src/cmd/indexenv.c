/* The environment an index client reads (cmd/ reads it; core/index never
 * calls getenv): the CA bundle and directory, and the netrc file. */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/index/index.h"
#include "util/buf.h"

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
}

char *cmd_netrc_path(void)
{
	const char *n = env_set("NETRC");
	if (n)
		return xstrdup(n);
	const char *home = env_set("HOME");
	return home ? path_join(home, ".netrc") : NULL;
}
