/* cvenv debug-index (hidden): asks the package indexes about projects and
 * prints what the index client sees -- each file with its hashes, yanked
 * state, Requires-Python and metadata availability -- and, on request, one
 * file's METADATA or its downloaded path. The tests drive the index client
 * and its HTTP cache through it. */
#include "util/common.h"

#include <unistd.h>

#include "cmd/cmd.h"
#include "core/index/index.h"
#include "core/index/url.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

extern const struct command command_debug_index;

static struct strvec opt_index = STRVEC_INIT, opt_find_links = STRVEC_INIT;
static const char *opt_cache_dir, *opt_cert, *opt_client_cert, *opt_metadata, *opt_download,
	*opt_strategy;
static bool opt_no_cache, opt_offline, opt_refresh, opt_no_index;

static const char *const debug_index_usage[] = {
	"cvenv debug-index [-i URL]... [-f DIR|URL]... [--offline] [--refresh] NAME...",
	NULL,
};

static const struct opt debug_index_options[] = {
	OPT_LIST('i', "index-url", &opt_index, "URL", "an index (repeat for more)"),
	OPT_LIST('f', "find-links", &opt_find_links, "DIR|URL", "a find-links directory or page"),
	OPT_BOOL(0, "no-index", &opt_no_index, "ask no index"),
	OPT_STRING(0, "index-strategy", &opt_strategy, "S", "first-index or unsafe-best-match"),
	OPT_STRING(0, "cache-dir", &opt_cache_dir, "DIR", "the cache directory"),
	OPT_BOOL(0, "no-cache", &opt_no_cache, "use no cache"),
	OPT_BOOL(0, "offline", &opt_offline, "only the cache"),
	OPT_BOOL(0, "refresh", &opt_refresh, "revalidate cached pages"),
	OPT_STRING(0, "cert", &opt_cert, "FILE", "CA bundle"),
	OPT_STRING(0, "client-cert", &opt_client_cert, "FILE", "client certificate and key"),
	OPT_STRING(0, "metadata", &opt_metadata, "FILE", "print the METADATA of this file"),
	OPT_STRING(0, "download", &opt_download, "FILE", "download this file, print its path"),
	OPT_END(),
};

/* One line per file; every field comes from the index, so the line goes
 * through buf_add_printable (no terminal control from a hostile page). */
static void print_file(const struct index_file *f)
{
	struct buf line = BUF_INIT, raw = BUF_INIT;
	char *url = url_redact(f->url);
	buf_addf(&raw, "%s %s", f->filename, url);
	for (size_t i = 0; i < f->hashes.n; i++)
		buf_addf(&raw, " %s", f->hashes.v[i]);
	if (f->requires_python)
		buf_addf(&raw, " requires-python=%s", f->requires_python);
	if (f->yanked)
		buf_addf(&raw, " yanked=%s", f->yanked_reason ? f->yanked_reason : "");
	if (f->has_core_metadata)
		buf_addstr(&raw, " core-metadata");
	if (f->size >= 0)
		buf_addf(&raw, " size=%lld", (long long)f->size);
	buf_add_printable(&line, raw.ptr);
	puts(line.ptr);
	buf_free(&line);
	buf_free(&raw);
	free(url);
}

static int cmd_debug_index(int argc, const char **argv)
{
	int code = EXIT_FAIL;
	int n = cmd_parse(&command_debug_index, argc, argv, &code);
	if (n < 0)
		return code;
	struct index_config cfg;
	index_config_init(&cfg);
	if (!opt_no_index)
		strvec_pushv(&cfg.index_urls, (const char *const *)(opt_index.n ? opt_index.v
										 : (char *[]){ "https://pypi.org/simple", NULL }));
	strvec_pushv(&cfg.find_links, (const char *const *)opt_find_links.v);
	if (opt_strategy && !strcmp(opt_strategy, "unsafe-best-match"))
		cfg.strategy = INDEX_UNSAFE_BEST_MATCH;
	else if (opt_strategy && strcmp(opt_strategy, "first-index")) {
		index_config_release(&cfg);
		usage_error("unknown index strategy '%s'", opt_strategy);
		return EXIT_USAGE;
	}
	char *cache = cmd_cache_setup(opt_cache_dir, opt_no_cache);
	char *netrc = cmd_netrc_path();
	cfg.cache_dir = cache;
	cfg.offline = opt_offline;
	cfg.refresh = opt_refresh;
	cfg.netrc_file = netrc;
	cmd_index_config_env(&cfg, opt_cert, opt_client_cert);
	cfg.progress = verbosity >= 0 && isatty(STDERR_FILENO);
	struct index_client *c = index_client_new(&cfg);
	index_config_release(&cfg);
	code = EXIT_FAIL;
	if (!c)
		goto out;
	for (int i = 0; i < n; i++)
		index_prefetch_project(c, argv[i]);
	for (int i = 0; i < n; i++) {
		const struct index_project *p = index_project(c, argv[i]);
		if (!p)
			goto out;
		printf("project %s%s\n", p->name, p->found ? "" : " not-found");
		for (size_t k = 0; k < p->nfiles; k++) {
			const struct index_file *f = &p->files[k];
			print_file(f);
			if (opt_metadata && !strcmp(opt_metadata, f->filename)) {
				struct buf md = BUF_INIT;
				int r = index_metadata(c, f, &md);
				/* line by line, each made printable */
				for (char *ln = md.ptr; r == 0 && ln < md.ptr + md.len;) {
					char *nl = memchr(ln, '\n', (size_t)(md.ptr + md.len - ln));
					char *one = xstrndup(ln, nl ? (size_t)(nl - ln) : strlen(ln));
					struct buf out = BUF_INIT;
					buf_add_printable(&out, one);
					puts(out.ptr);
					buf_free(&out);
					free(one);
					ln = nl ? nl + 1 : md.ptr + md.len;
				}
				buf_free(&md);
				if (r < 0)
					goto out;
			}
			if (opt_download && !strcmp(opt_download, f->filename)) {
				char *path = NULL;
				struct buf hex = BUF_INIT;
				int r = index_download(c, f, &path, &hex);
				if (r == 0)
					printf("downloaded %s sha256:%s\n", path, hex.ptr);
				free(path);
				buf_free(&hex);
				if (r < 0)
					goto out;
			}
		}
	}
	struct index_stats st;
	index_stats(c, &st);
	info(1, "%zu requests, %zu cache hits, %zu revalidated, %zu wheels hashed, %llu bytes",
	     st.requests, st.cache_hits, st.revalidated, st.wheels_hashed,
	     (unsigned long long)st.bytes_downloaded);
	code = EXIT_OK;
out:
	index_client_free(c);
	free(cache);
	free(netrc);
	strvec_clear(&opt_index);
	strvec_clear(&opt_find_links);
	return code;
}

const struct command command_debug_index = {
	.name = "debug-index",
	.fn = cmd_debug_index,
	.summary = "print what the package indexes offer for projects",
	.usage = debug_index_usage,
	.description = "Lists each project's files as the index client sees them; --metadata "
		       "and --download fetch one file's METADATA or the file itself.",
	.options = debug_index_options,
	.flags = CMD_HIDDEN,
};
