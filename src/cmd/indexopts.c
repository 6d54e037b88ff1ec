/* The index options shared by install and lock (see indexopts.h). */
#include "util/common.h"

#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/indexopts.h"
#include "util/buf.h"
#include "core/index/index.h"
#include "core/pkg/requirements.h"
#include "util/error.h"

void index_opts_reset(struct index_opts *o)
{
	o->index_url = o->index_strategy = o->cert = o->client_cert = NULL;
	o->timeout = o->connect_timeout = NULL;
	o->no_index = o->pre = o->offline = o->refresh = false;
	strvec_clear(&o->extra_index_urls);
	strvec_clear(&o->find_links);
}

int index_opts_check(const struct index_opts *o)
{
	if (o->index_strategy && strcmp(o->index_strategy, "first-index") &&
	    strcmp(o->index_strategy, "unsafe-best-match")) {
		usage_error("--index-strategy '%s': use first-index or unsafe-best-match",
			    o->index_strategy);
		return -1;
	}
	long s;
	if (o->timeout && cmd_seconds(o->timeout, &s) < 0) {
		usage_error("--timeout '%s': give a positive number of seconds", o->timeout);
		return -1;
	}
	if (o->connect_timeout && cmd_seconds(o->connect_timeout, &s) < 0) {
		usage_error("--connect-timeout '%s': give a positive number of seconds",
			    o->connect_timeout);
		return -1;
	}
	return 0;
}

static const char *env_value(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

/* Appends the whitespace-separated words of an environment variable. */
static void push_env_words(struct strvec *out, const char *name)
{
	const char *v = env_value(name);
	while (v && *v) {
		size_t skip = strspn(v, " \t\n");
		v += skip;
		size_t len = strcspn(v, " \t\n");
		if (len)
			strvec_push_take(out, xstrndup(v, len));
		v += len;
	}
}

bool index_opts_wanted(const struct index_opts *o, const struct reqs *files, size_t nfiles)
{
	if (o->index_url || o->extra_index_urls.n || o->offline || o->refresh || o->pre ||
	    env_value("PIP_INDEX_URL") || env_value("PIP_EXTRA_INDEX_URL") ||
	    env_value("UV_INDEX_URL"))
		return true;
	for (size_t i = 0; i < nfiles; i++)
		if (files[i].index_url || files[i].extra_index_urls.n || files[i].pre)
			return true;
	return false;
}

void index_opts_config(const struct index_opts *o, struct index_config *cfg,
		       const struct reqs *files, size_t nfiles, const char *cache)
{
	index_config_init(cfg);
	const char *base = o->index_url;
	if (!base)
		base = env_value("PIP_INDEX_URL");
	if (!base)
		base = env_value("UV_INDEX_URL");
	bool no_index = o->no_index;
	for (size_t i = 0; i < nfiles; i++) {
		if (files[i].index_url)
			base = files[i].index_url;
		no_index = no_index || files[i].no_index;
	}
	if (!no_index) {
		strvec_push(&cfg->index_urls, base ? base : "https://pypi.org/simple");
		if (o->extra_index_urls.n)
			for (size_t i = 0; i < o->extra_index_urls.n; i++)
				strvec_push(&cfg->index_urls, o->extra_index_urls.v[i]);
		else
			push_env_words(&cfg->index_urls, "PIP_EXTRA_INDEX_URL");
		for (size_t i = 0; i < nfiles; i++)
			for (size_t k = 0; k < files[i].extra_index_urls.n; k++)
				strvec_push(&cfg->index_urls, files[i].extra_index_urls.v[k]);
	}
	if (o->find_links.n)
		for (size_t i = 0; i < o->find_links.n; i++)
			strvec_push(&cfg->find_links, o->find_links.v[i]);
	else
		push_env_words(&cfg->find_links, "PIP_FIND_LINKS");
	for (size_t i = 0; i < nfiles; i++)
		for (size_t k = 0; k < files[i].find_links.n; k++)
			strvec_push(&cfg->find_links, files[i].find_links.v[k]);
	cfg->strategy = o->index_strategy && !strcmp(o->index_strategy, "unsafe-best-match")
				? INDEX_UNSAFE_BEST_MATCH : INDEX_FIRST_INDEX;
	cfg->cache_dir = cache;
	cfg->offline = o->offline;
	cfg->refresh = o->refresh;
	cmd_index_config_env(cfg, o->cert, o->client_cert);
	/* --timeout bounds the connection too (pip's socket timeout), unless
	 * --connect-timeout or UV_HTTP_CONNECT_TIMEOUT says otherwise */
	if (o->timeout && cmd_seconds(o->timeout, &cfg->timeout_s) == 0 &&
	    !getenv("UV_HTTP_CONNECT_TIMEOUT"))
		cfg->connect_timeout_s = cfg->timeout_s;
	if (o->connect_timeout)
		(void)cmd_seconds(o->connect_timeout, &cfg->connect_timeout_s);
	cfg->progress = verbosity >= 0 && isatty(STDERR_FILENO);
}
