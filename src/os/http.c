/* HTTP over one libcurl multi handle (see http.h). */
#include "util/common.h"

#include <ctype.h>
#include <fcntl.h>
#include <curl/curl.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "os/http.h"
#include "os/httpengine.h"
#include "os/fs.h"

#define DEFAULT_MAX_BODY (64u << 20)
#define MAX_HEADER_VALUE 4096
#define MAX_RETRY_AFTER_S 60
#define MAX_BACKOFF_MS 8000

struct http_session {
	CURLM *multi;
	struct http_options o;
	struct http_request *waiting; /* queued, not started (FIFO) */
	struct http_request *waiting_tail;
	struct http_request *delayed; /* waiting for a retry's due time */
	size_t running;
	uint64_t bytes;
	struct http_request **active; /* the running ones, max_parallel slots */
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static bool curl_ready;

struct http_session *http_session_new(const struct http_options *o, struct buf *why)
{
	if (!curl_ready) {
		CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
		if (rc != CURLE_OK) {
			buf_addf(why, "cannot start libcurl: %s", curl_easy_strerror(rc));
			return NULL;
		}
		curl_ready = true;
	}
	CURLM *m = curl_multi_init();
	if (!m) {
		buf_addstr(why, "cannot start libcurl: out of memory");
		return NULL;
	}
	struct http_session *s = xcalloc(1, sizeof(*s));
	s->multi = m;
	s->o = *o;
	if (!s->o.connect_timeout_s)
		s->o.connect_timeout_s = 15;
	if (!s->o.stall_timeout_s)
		s->o.stall_timeout_s = 30;
	if (!s->o.retries)
		s->o.retries = 3;
	if (!s->o.max_parallel)
		s->o.max_parallel = 16;
	s->active = xcalloc((size_t)s->o.max_parallel, sizeof(*s->active));
	curl_multi_setopt(m, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)s->o.max_parallel);
	return s;
}

static void finish(struct http_session *s, struct http_request *r)
{
	r->finished = true;
	if (r->done)
		r->done(r, r->arg);
}

void http_session_free(struct http_session *s)
{
	if (!s)
		return;
	/* unfinished transfers are abandoned: their requests are the callers' */
	for (int i = 0; i < s->o.max_parallel; i++) {
		struct http_request *r = s->active[i];
		if (!r)
			continue;
		curl_multi_remove_handle(s->multi, r->easy);
		curl_easy_cleanup(r->easy);
		curl_slist_free_all(r->headers);
		r->easy = r->headers = NULL;
	}
	curl_multi_cleanup(s->multi);
	free(s->active);
	free(s);
}

static void waiting_push(struct http_session *s, struct http_request *r)
{
	r->next = NULL;
	if (s->waiting_tail)
		s->waiting_tail->next = r;
	else
		s->waiting = r;
	s->waiting_tail = r;
}

void http_add(struct http_session *s, struct http_request *r)
{
	http_request_start(r);
	waiting_push(s, r);
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct http_request *r = arg;
	size_t len = size * n;
	r->stall_from_ms = now_ms();
	size_t max = r->max_body ? r->max_body : DEFAULT_MAX_BODY;
	if (r->received + len > max) {
		buf_reset(&r->why);
		buf_addf(&r->why, "the response is larger than %zu bytes", max);
		return 0; /* aborts the transfer */
	}
	r->received += len;
	if (r->fd >= 0) {
		if (os_write_full(r->fd, data, len) < 0) {
			buf_reset(&r->why);
			buf_addf(&r->why, "cannot write the download: %s", strerror(errno));
			return 0;
		}
	} else {
		buf_add(&r->body, data, len);
	}
	return len;
}

/* A header value, trimmed, bounded; NULL when too long. */
static char *header_value(const char *v, size_t n)
{
	while (n && isspace((unsigned char)*v)) {
		v++;
		n--;
	}
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	return n <= MAX_HEADER_VALUE ? xstrndup(v, n) : NULL;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct http_request *r = arg;
	size_t len = size * n;
	r->stall_from_ms = now_ms();
	if (len >= 5 && !memcmp(data, "HTTP/", 5)) {
		/* a new response (after a redirect or a 100): forget the last */
		free(r->etag);
		free(r->last_modified);
		free(r->cache_control);
		free(r->content_range);
		r->etag = r->last_modified = r->cache_control = r->content_range = NULL;
		return len;
	}
	const char *colon = memchr(data, ':', len);
	if (!colon)
		return len;
	size_t nl = (size_t)(colon - data);
	const char *v = colon + 1;
	size_t vl = len - nl - 1;
	static const struct {
		const char *name;
		size_t off;
	} keep[] = {
		{ "etag", offsetof(struct http_request, etag) },
		{ "last-modified", offsetof(struct http_request, last_modified) },
		{ "cache-control", offsetof(struct http_request, cache_control) },
		{ "content-range", offsetof(struct http_request, content_range) },
	};
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
		if (strlen(keep[i].name) == nl && !strncasecmp(data, keep[i].name, nl)) {
			char **field = (char **)((char *)r + keep[i].off);
			free(*field);
			*field = header_value(v, vl);
		}
	return len;
}

/* The stall timeout, to the second: libcurl's low-speed check averages
 * over several seconds, so a body that stops mid-way would take five more
 * to notice. The clock starts once the connection is made (the connect
 * timeout covers that) and restarts with every byte. */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct http_request *r = arg;
	uint64_t now = now_ms();
	if (!r->stall_from_ms) {
		curl_off_t begun = 0;
		curl_easy_getinfo(r->easy, CURLINFO_PRETRANSFER_TIME_T, &begun);
		if (begun)
			r->stall_from_ms = now;
		return 0;
	}
	if (now - r->stall_from_ms < (uint64_t)r->stall_s * 1000u)
		return 0;
	buf_reset(&r->why);
	buf_addf(&r->why, "nothing received for %ld s (the timeout)", r->stall_s);
	r->stalled = true;
	return 1; /* aborts the transfer */
}

static int start(struct http_session *s, struct http_request *r)
{
	CURL *e = r->easy ? r->easy : curl_easy_init();
	if (!e)
		return -1;
	curl_easy_reset(e);
	r->easy = e;
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)r);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(e, CURLOPT_UNRESTRICTED_AUTH, 0L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, s->o.connect_timeout_s);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, s->o.stall_timeout_s);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "cvenv/" CVENV_VERSION);
	curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, (void *)r);
	r->stall_s = s->o.stall_timeout_s;
	r->stall_from_ms = 0;
	r->stalled = false;
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, (void *)r);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	curl_off_t max = (curl_off_t)(r->max_body ? r->max_body : DEFAULT_MAX_BODY);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, max);
	if (s->o.netrc_file) {
		curl_easy_setopt(e, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
		curl_easy_setopt(e, CURLOPT_NETRC_FILE, s->o.netrc_file);
	}
	if (s->o.ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, s->o.ca_file);
	if (s->o.ca_dir)
		curl_easy_setopt(e, CURLOPT_CAPATH, s->o.ca_dir);
	if (s->o.client_cert) {
		curl_easy_setopt(e, CURLOPT_SSLCERT, s->o.client_cert);
		curl_easy_setopt(e, CURLOPT_SSLKEY, s->o.client_cert);
	}
	if (r->range)
		curl_easy_setopt(e, CURLOPT_RANGE, r->range);
	struct curl_slist *extra = NULL;
	char *lines[3] = { 0 };
	size_t nl = 0;
	if (r->accept)
		lines[nl++] = xstrfmt("Accept: %s", r->accept);
	if (r->if_none_match)
		lines[nl++] = xstrfmt("If-None-Match: %s", r->if_none_match);
	if (r->if_modified_since)
		lines[nl++] = xstrfmt("If-Modified-Since: %s", r->if_modified_since);
	for (size_t i = 0; i < nl; i++) {
		extra = curl_slist_append(extra, lines[i]);
		free(lines[i]);
	}
	r->headers = extra;
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, extra);
	if (r->fd >= 0 && (lseek(r->fd, 0, SEEK_SET) < 0 || ftruncate(r->fd, 0) < 0))
		return -1;
	r->attempts++;
	if (curl_multi_add_handle(s->multi, e) != CURLM_OK)
		return -1;
	for (int i = 0; i < s->o.max_parallel; i++)
		if (!s->active[i]) {
			s->active[i] = r;
			break;
		}
	s->running++;
	return 0;
}

/* Starts what is waiting, up to the bound. */
static void start_waiting(struct http_session *s)
{
	uint64_t now = now_ms();
	/* due retries go first */
	for (struct http_request **pp = &s->delayed; *pp;) {
		struct http_request *r = *pp;
		if (r->due_ms <= now && s->running < (size_t)s->o.max_parallel) {
			*pp = r->next;
			if (start(s, r) < 0) {
				r->failed = true;
				buf_addstr(&r->why, "cannot start the transfer");
				finish(s, r);
			}
		} else {
			pp = &r->next;
		}
	}
	while (s->waiting && s->running < (size_t)s->o.max_parallel) {
		struct http_request *r = s->waiting;
		s->waiting = r->next;
		if (!s->waiting)
			s->waiting_tail = NULL;
		if (start(s, r) < 0) {
			r->failed = true;
			buf_addstr(&r->why, "cannot start the transfer");
			finish(s, r);
		}
	}
}

static bool retryable(CURLcode rc, long status)
{
	switch (rc) {
	case CURLE_OK:
		return status == 429 || (status >= 500 && status <= 599);
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

/* Which timeout ended a transfer: the connection (TCP, then TLS for https)
 * was never made, or it was and then nothing came. */
static void timeout_why(CURL *e, const struct http_options *o, struct http_request *r)
{
	/* a reused connection has no connect time: its transfer had begun */
	curl_off_t begun = 0;
	long headers = 0;
	curl_easy_getinfo(e, CURLINFO_PRETRANSFER_TIME_T, &begun);
	curl_easy_getinfo(e, CURLINFO_HEADER_SIZE, &headers);
	if (!begun && !headers && !r->received)
		buf_addf(&r->why, "no connection within %ld s (the connect timeout)",
			 o->connect_timeout_s);
	else
		buf_addf(&r->why, "nothing received for %ld s (the timeout)", o->stall_timeout_s);
}

static void done_transfer(struct http_session *s, CURL *e, CURLcode rc)
{
	struct http_request *r = NULL;
	char *priv = NULL;
	curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv);
	r = (struct http_request *)(void *)priv;
	curl_multi_remove_handle(s->multi, e);
	for (int i = 0; i < s->o.max_parallel; i++)
		if (s->active[i] == r)
			s->active[i] = NULL;
	s->running--;
	curl_slist_free_all(r->headers);
	r->headers = NULL;
	long status = 0;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	r->status = status;
	s->bytes += r->received;
	if ((retryable(rc, status) || r->stalled) && r->attempts <= s->o.retries) {
		curl_off_t after = 0;
		curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &after);
		uint64_t wait = 250u << (r->attempts < 6 ? r->attempts : 6);
		if (wait > MAX_BACKOFF_MS)
			wait = MAX_BACKOFF_MS;
		if (after > 0)
			wait = (uint64_t)(after > MAX_RETRY_AFTER_S ? MAX_RETRY_AFTER_S : after) * 1000u;
		buf_reset(&r->body);
		buf_reset(&r->why);
		r->received = 0;
		r->due_ms = now_ms() + wait;
		r->next = s->delayed;
		s->delayed = r;
		return;
	}
	const char *ct = NULL, *eff = NULL;
	curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &eff);
	free(r->effective_url);
	r->effective_url = eff ? xstrdup(eff) : NULL;
	curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct);
	free(r->content_type);
	r->content_type = ct ? header_value(ct, strlen(ct)) : NULL;
	if (r->content_range) {
		const char *slash = strrchr(r->content_range, '/');
		if (slash && isdigit((unsigned char)slash[1]))
			r->total_size = strtoll(slash + 1, NULL, 10);
	}
	if (rc != CURLE_OK) {
		r->failed = true;
		if (!r->why.len && rc == CURLE_OPERATION_TIMEDOUT)
			timeout_why(e, &s->o, r);
		if (!r->why.len)
			buf_addstr(&r->why, curl_easy_strerror(rc));
		if (r->attempts > 1)
			buf_addf(&r->why, " (after %d attempts)", r->attempts);
	} else if (status >= 400 || (status >= 300 && status != 304) || status < 200) {
		/* 304 and 2xx are the caller's to interpret; the rest fail */
		r->failed = true;
		buf_addf(&r->why, "HTTP status %ld", status);
		if (r->attempts > 1)
			buf_addf(&r->why, " (after %d attempts)", r->attempts);
	}
	curl_easy_cleanup(e);
	r->easy = NULL;
	finish(s, r);
}

static bool idle(const struct http_session *s)
{
	return !s->running && !s->waiting && !s->delayed;
}

int http_step(struct http_session *s, int fd)
{
	start_waiting(s);
	int still = 0;
	if (curl_multi_perform(s->multi, &still) != CURLM_OK)
		return -1;
	bool finished = false;
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(s->multi, &left)))
		if (msg->msg == CURLMSG_DONE) {
			done_transfer(s, msg->easy_handle, msg->data.result);
			finished = true;
		}
	if (finished)
		return 0;
	int timeout = 1000;
	if (s->delayed) {
		uint64_t now = now_ms(), due = UINT64_MAX;
		for (struct http_request *r = s->delayed; r; r = r->next)
			due = r->due_ms < due ? r->due_ms : due;
		timeout = due <= now ? 0 : (int)(due - now < 1000 ? due - now : 1000);
	}
	if (s->running || fd >= 0) {
		struct curl_waitfd w = { .fd = fd, .events = CURL_WAIT_POLLIN };
		if (curl_multi_poll(s->multi, &w, fd >= 0 ? 1 : 0, timeout, NULL) != CURLM_OK)
			return -1;
	} else if (timeout > 0) {
		struct timespec ts = { timeout / 1000, (long)(timeout % 1000) * 1000000L };
		nanosleep(&ts, NULL);
	}
	return 0;
}

int http_run(struct http_session *s, struct http_request *until)
{
	for (;;) {
		start_waiting(s);
		if (until ? until->finished : idle(s))
			return 0;
		if (idle(s)) {
			buf_addstr(&until->why, "the request was never queued");
			until->failed = true;
			return -1;
		}
		if (http_step(s, -1) < 0)
			break;
	}
	if (until && !until->finished) {
		until->failed = true;
		buf_addstr(&until->why, "the HTTP session failed");
	}
	return -1;
}

uint64_t http_bytes(const struct http_session *s)
{
	return s->bytes;
}
