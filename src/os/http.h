/* HTTP(S) transfers over libcurl: one multi handle per session, so that
 * transfers share connections (HTTP/2 multiplexing, keep-alive) and run in
 * parallel, at most max_parallel at once.
 *
 * Each transfer follows redirects (http and https only: a page can never
 * send cvenv to file:// or another scheme), accepts gzip/deflate/br/zstd,
 * gives up on a stalled connection, and is retried with exponential backoff
 * on connection errors, 5xx and 429 (a Retry-After of up to 60 s is
 * honoured). Credentials in the URL or from the netrc file are sent on the
 * first request (basic auth) and never to another host a redirect names.
 * Proxies come from http_proxy, https_proxy and no_proxy (libcurl reads
 * them). Bodies are bounded: a response larger than max_body fails.
 *
 * Like all of os/, this prints nothing: a failed request has failed set and
 * its reason in why, which names no URL (the caller names the redacted
 * URL). */
#ifndef CVENV_OS_HTTP_H
#define CVENV_OS_HTTP_H

#include "util/buf.h"
#include "util/common.h"

struct http_options {
	const char *ca_file, *ca_dir, *client_cert, *netrc_file;
	long connect_timeout_s; /* 0: 15 */
	long stall_timeout_s;   /* no byte for this long fails; 0: 30 */
	int retries;            /* <0: none, 0: 3 */
	int max_parallel;       /* 0: 16 */
};

struct http_request {
	/* set by the caller before http_add */
	const char *url;
	const char *accept;            /* Accept header, or NULL */
	const char *if_none_match;     /* conditional request, or NULL */
	const char *if_modified_since;
	const char *range;             /* "100-199" or "-8192" (suffix), or NULL */
	size_t max_body;               /* 0: 64 MiB */
	int fd;                        /* >= 0: the body goes there (from offset 0, truncated
					* on a retry), else into body */
	void (*done)(struct http_request *r, void *arg); /* may be NULL */
	void *arg;

	/* set by the session */
	bool finished;
	bool failed;       /* no usable response: see why */
	long status;       /* HTTP status of the last response (0 when none) */
	struct buf body;
	struct buf why;
	char *content_type, *etag, *last_modified, *cache_control, *content_range;
	char *effective_url; /* after redirects (relative links resolve against it) */
	int64_t total_size; /* from Content-Range ".../N", -1: unknown */
	uint64_t received;

	/* private */
	void *easy;
	void *headers;
	int attempts;
	uint64_t due_ms;
	uint64_t stall_from_ms; /* the last byte (0: not connected yet) */
	long stall_s;
	bool stalled;
	struct http_request *next;
};

struct http_session;

/* NULL with the reason in why when libcurl cannot start. */
struct http_session *http_session_new(const struct http_options *o, struct buf *why);
void http_session_free(struct http_session *s);

/* Queues r (which must stay valid until it has finished). */
void http_add(struct http_session *s, struct http_request *r);
/* Runs transfers until r has finished, or until every queued one has when
 * r is NULL. Calls each finished request's done (once). Returns 0, or -1
 * when the session itself failed (reason in why of r, or of every
 * unfinished request). */
int http_run(struct http_session *s, struct http_request *r);
/* Frees what the session put in r (body, headers, why); r can be reused. */
void http_request_release(struct http_request *r);

/* Creates a new file for a download in dir, opened for writing (mode
 * 0644, O_EXCL, close-on-exec); *path gets its name. -1 with errno. */
int http_tmpfile(const char *dir, char **path);
/* Closes a file of http_tmpfile; -1 with errno when the data did not reach it. */
int http_tmpfile_close(int fd);

/* The clock, for cache ages (seconds since the epoch) and for pacing a
 * progress display (a monotonic count of milliseconds). */
int64_t http_time_s(void);
uint64_t http_monotonic_ms(void);

/* Bytes received so far by all transfers. */
uint64_t http_bytes(const struct http_session *s);

#endif
