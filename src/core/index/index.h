/* The package index client: what files a project has on the configured
 * indexes and find-links, one wheel's METADATA, and wheel downloads, over one
 * HTTP session (os/http.h: one curl multi handle, up to 16 transfers at once)
 * with an HTTP cache under the cvenv cache directory.
 *
 * Standards: PEP 503 (simple HTML), PEP 691 (simple JSON, preferred through
 * Accept), PEP 629 (repository version: an unknown major fails, a newer
 * minor warns), PEP 592 (yanked), PEP 658/714 (core metadata files), PEP 700
 * (size, upload-time).
 *
 * Use: fill a struct index_config (cmd/ reads the options and the
 * environment; nothing here calls getenv), make a client, then ask. Every
 * question has a blocking form (index_project, index_metadata,
 * index_download) and a prefetch form that only queues the work: queued
 * work runs in parallel whenever any blocking call waits (or in
 * index_run), so a resolver queues what it will probably need next, then
 * asks for what it needs now. A prefetch never reports: its error is
 * reported by the blocking call that asks for its result.
 *
 * Errors: -1 or NULL, reported once with error() ("cvenv: error: ...")
 * naming the URL with its password redacted and the cause.
 *
 * Ownership: the client owns every struct index_project and index_file it
 * returns; they stay valid until index_client_free. Strings passed in are
 * copied. Paths and buffers returned are the caller's. */
#ifndef CVENV_INDEX_H
#define CVENV_INDEX_H

#include "util/common.h"
#include "util/strvec.h"

struct buf;

/* How several indexes combine (--index-strategy). */
enum index_strategy {
	/* The first index (in index_urls order) that has the project at all
	 * gives all of its files; later indexes are not asked for it
	 * (protection from dependency confusion, uv's default). Find-links
	 * always add their files. */
	INDEX_FIRST_INDEX = 0,
	/* Every index's files are merged (pip's behaviour). */
	INDEX_UNSAFE_BEST_MATCH,
};

struct index_config {
	/* Simple-API base URLs ("https://pypi.org/simple"), in order; may
	 * carry credentials (https://user:pass@host/...). Empty: no index
	 * (--no-index). */
	struct strvec index_urls;
	/* -f/--find-links: local directories, file:// URLs or http(s) pages
	 * whose links to wheels are all candidates of every project. */
	struct strvec find_links;
	enum index_strategy strategy;
	/* The cache root (cmd_cache_setup's), or NULL: no HTTP cache at all,
	 * downloads then go to a private temp directory removed by
	 * index_client_free. */
	const char *cache_dir;
	bool offline; /* only the cache; a missing entry is an error naming it */
	bool refresh; /* revalidate every cached page (conditional request) */
	/* TLS: CA bundle file (--cert, else PIP_CERT, else SSL_CERT_FILE) and
	 * directory (SSL_CERT_DIR); NULL: the system trust store. */
	const char *ca_file;
	const char *ca_dir;
	const char *client_cert; /* --client-cert: PEM with key and cert */
	/* The netrc file to read credentials from (NETRC, else ~/.netrc), or
	 * NULL. Credentials in a URL win over the netrc's. */
	const char *netrc_file;
	/* Proxies come from http_proxy/https_proxy/no_proxy through libcurl;
	 * nothing to set here. */
	long connect_timeout_s; /* 0: 15 s */
	long timeout_s;         /* per transfer without progress; 0: 30 s */
	int retries;            /* on 5xx, 429 and connection errors; <0: none, 0: 3 */
	int max_parallel;       /* 0: 16 */
	bool progress;          /* show a progress line on stderr (a TTY) */
	const char *tmp_dir;    /* downloads without a cache go under it; NULL: /tmp */
};

/* Zeroes cfg with empty vectors; release frees the vectors (index_urls,
 * find_links) it owns, the const char * fields are the caller's. */
void index_config_init(struct index_config *cfg);
void index_config_release(struct index_config *cfg);

/* One file of a project, as an index lists it. */
struct index_file {
	char *filename;      /* as given ("Flask-3.0.0-py3-none-any.whl") */
	char *url;           /* absolute, fragment removed; may hold credentials:
			      * print it only through url_redact (index/url.h) */
	const char *origin;  /* the index URL or find-links entry it came from
			      * (not owned, lives as long as the client) */
	/* Hashes given by the index, "algo:hex" (lower-case hex, pip's
	 * --hash spelling), strongest known first; empty when none. Every
	 * download is checked against all of them cvenv hashes with. */
	struct strvec hashes;
	char *requires_python; /* NULL: none given */
	bool yanked;
	char *yanked_reason;   /* NULL when not yanked or no reason given */
	/* PEP 658/714: a <url>.metadata file exists; its hashes (may be
	 * empty: "true" given instead of hashes). */
	bool has_core_metadata;
	struct strvec core_metadata_hashes;
	int64_t size;          /* bytes, -1: not given */
	char *upload_time;     /* ISO 8601 as given, NULL: not given */
};

struct index_project {
	char *name;            /* canonical (PEP 503) */
	bool found;            /* some index or find-links had it */
	struct index_file *files;
	size_t nfiles;
	/* The index it came from (INDEX_FIRST_INDEX), NULL otherwise. */
	const char *index_url;
};

struct index_client;

/* A client for cfg (copied). NULL (reported) when libcurl cannot start or
 * the cache directory cannot be made. */
struct index_client *index_client_new(const struct index_config *cfg);
void index_client_free(struct index_client *c);

/* The files of a project (any spelling of its name), from every index per
 * the strategy and every find-links. A project no index has is returned
 * with found false and no files (not an error). NULL (reported) when a page
 * cannot be fetched or parsed, or with offline and no cached page. */
const struct index_project *index_project(struct index_client *c, const char *name);
void index_prefetch_project(struct index_client *c, const char *name);

/* The METADATA text of one wheel, appended to out: the PEP 658 .metadata
 * file when the index offers one (hash-checked), else read from the wheel
 * with HTTP range requests (its zip central directory, then the member),
 * else from the whole wheel downloaded (and kept, as index_download would).
 * Cached per file hash. -1 (reported) on failure or hash mismatch. */
int index_metadata(struct index_client *c, const struct index_file *f, struct buf *out);
/* The same without a copy: *text (*len bytes, NUL-terminated) stays the
 * client's, unchanged until index_client_free. */
int index_metadata_ref(struct index_client *c, const struct index_file *f, const char **text,
		       size_t *len);
/* What a resolver needs of the same METADATA: its Requires-Dist values and
 * Requires-Python (NULL when absent), the client's until index_client_free.
 * Unless keep_text, the text itself is then dropped (a resolution of 86
 * projects keeps a megabyte less; a later index_metadata reads it again).
 * -1 (reported) on failure. */
int index_metadata_deps(struct index_client *c, const struct index_file *f, bool keep_text,
			const struct strvec **requires_dist, const char **requires_python);
void index_prefetch_metadata(struct index_client *c, const struct index_file *f);

/* The wheel, downloaded and verified against every hash the index gave,
 * stored content-addressed in the cache (<cache>/wheel-files-v1/<sha256>/
 * <filename>: the sha256 is wheelcache's key) or taken from there (hashed
 * again only when its check stamp no longer matches the file); a
 * file:// URL gives the local file itself after the hash check. When this
 * client gave f's METADATA from a .metadata file or range requests, the
 * wheel's own Requires-Dist must be the same (else an error). *path gets
 * the file's path (the caller's to free); sha256_hex, when not NULL, gets
 * its sha256 in lower-case hex appended. -1 (reported) on failure. */
int index_download(struct index_client *c, const struct index_file *f, char **path,
		   struct buf *sha256_hex);
void index_prefetch_download(struct index_client *c, const struct index_file *f);

/* The wheel a direct URL names ("name @ https://host/p/name-1.0-py3-none-
 * any.whl#sha256=HEX" in a requirement): http and https only, its file name
 * the URL's last path segment, the fragment's hash checked on download as
 * an index's hashes are; with or without one, the download is stored
 * content-addressed like any other, and index_metadata and index_download
 * take the file. The same URL gives the same file (owned by the client).
 * NULL with the reason in why (not reported) when the URL is not one. */
const struct index_file *index_direct_file(struct index_client *c, const char *url,
					   struct buf *why);

/* Runs every queued prefetch to completion (errors kept for the blocking
 * calls). Returns 0, or -1 (reported) when the session itself failed. */
int index_run(struct index_client *c);

/* Counters for a progress display and --report. */
struct index_stats {
	size_t requests, cache_hits, revalidated;
	size_t wheels_hashed; /* wheels read whole to check their hashes */
	uint64_t bytes_downloaded;
};
void index_stats(const struct index_client *c, struct index_stats *out);

#endif
