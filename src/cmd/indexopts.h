/* The index options shared by the commands that resolve against package
 * indexes (install, lock): one definition of -i, --extra-index-url,
 * --no-index, -f, --index-strategy, --pre, --offline, --refresh, --cert,
 * --client-cert, --timeout and --connect-timeout, and of how they and the environment and requirements
 * files make an index client's configuration. (cmd/indexopts.c) */
#ifndef CVENV_CMD_INDEXOPTS_H
#define CVENV_CMD_INDEXOPTS_H

#include "util/common.h"
#include "util/strvec.h"

struct index_config;
struct reqs;

struct index_opts {
	const char *index_url, *index_strategy, *cert, *client_cert;
	struct strvec extra_index_urls, find_links;
	bool no_index, pre, offline, refresh;
	const char *timeout, *connect_timeout; /* seconds, checked by index_opts_check */
};

/* The option table entries (inside a struct opt[] initializer). */
#define INDEX_OPTS_TABLE(o)                                                                   \
	OPT_STRING('i', "index-url", &(o).index_url, "URL",                                    \
		   "the package index (PEP 503/691 simple API); default $PIP_INDEX_URL, else " \
		   "$UV_INDEX_URL, else https://pypi.org/simple"),                               \
	OPT_LIST(0, "extra-index-url", &(o).extra_index_urls, "URL",                           \
		 "another index, asked after --index-url; repeatable; default "               \
		 "$PIP_EXTRA_INDEX_URL"),                                                      \
	OPT_BOOL(0, "no-index", &(o).no_index, "ask no index: only --find-links"),              \
	OPT_LIST_F('f', "find-links", &(o).find_links, "DIR|URL",                              \
		   "look for wheels in DIR or on the HTML page at URL; repeatable; default "   \
		   "$PIP_FIND_LINKS",                                                          \
		   OPT_DIRARG),                                                                \
	OPT_STRING(0, "index-strategy", &(o).index_strategy, "S",                              \
		   "first-index (default: the first index that has a project gives all its "   \
		   "versions) or unsafe-best-match (merge every index's versions, as pip does)"), \
	OPT_BOOL(0, "pre", &(o).pre, "allow pre-release and development versions"),             \
	OPT_BOOL(0, "offline", &(o).offline,                                                   \
		 "use only the cache: no network (an uncached page is an error naming it)"),   \
	OPT_BOOL(0, "refresh", &(o).refresh, "revalidate every cached index page"),             \
	OPT_STRING_F(0, "cert", &(o).cert, "FILE",                                             \
		     "CA bundle for TLS; default $PIP_CERT, else $SSL_CERT_FILE, else the system's", \
		     OPT_FILEARG),                                                             \
	OPT_STRING_F(0, "client-cert", &(o).client_cert, "FILE",                               \
		     "TLS client certificate (PEM with its key)", OPT_FILEARG),                  \
	OPT_STRING(0, "timeout", &(o).timeout, "SEC",                                           \
		   "fail a transfer that receives nothing for SEC seconds, and a connection "   \
		   "not made in SEC seconds; default $CVENV_HTTP_TIMEOUT, else "                \
		   "$UV_HTTP_TIMEOUT, else $PIP_DEFAULT_TIMEOUT, else 30 (connection: 15)"),   \
	OPT_STRING(0, "connect-timeout", &(o).connect_timeout, "SEC",                           \
		   "fail a connection (TCP and TLS) not made in SEC seconds; default "          \
		   "$UV_HTTP_CONNECT_TIMEOUT, else the --timeout given, else 15")

void index_opts_reset(struct index_opts *o);
/* Usage error (reported, -1) for an unknown --index-strategy. */
int index_opts_check(const struct index_opts *o);
/* Whether an index is asked for explicitly (options, environment, files). */
bool index_opts_wanted(const struct index_opts *o, const struct reqs *files, size_t nfiles);
/* The index configuration: options first, else the environment; a -i in a
 * requirements file replaces the index, its other index options add to
 * them (as pip reads them). cfg is initialized here. */
void index_opts_config(const struct index_opts *o, struct index_config *cfg,
		       const struct reqs *files, size_t nfiles, const char *cache);

#endif
