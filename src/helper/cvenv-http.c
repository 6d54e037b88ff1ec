/* cvenv-http: cvenv's HTTP helper. cvenv starts it on its first request
 * (os/httpclient.c) with a socket at descriptor HTTPWIRE_FD, and this
 * program runs the requests it receives there on one libcurl session (the
 * engine, os/http.c) and sends back each response (os/httpwire.h). It leaves
 * when the socket closes, and dies with cvenv. Kept apart from cvenv so
 * that only a run that asks the network pays for loading libcurl, while the
 * dependency stays visible to packaging tools (this program's NEEDED). */
#include "util/common.h"

#include <unistd.h>

#include "os/http.h"
#include "os/httpengine.h"
#include "os/httpwire.h"

#define MAX_WHY 1024

struct helper {
	int sock;
	bool gone; /* cvenv has closed its end, or cannot be written to */
	struct http_session *s;
	char *no_session; /* why the session could not start */
	char *opt[4];     /* the option strings, which the session keeps */
	struct buf msg;
};

struct job {
	struct http_request r;
	struct helper *h;
	uint32_t id;
	char *url, *accept, *if_none_match, *if_modified_since, *range;
};

static void send_msg(struct helper *h, int fd)
{
	if (!h->gone && httpwire_send(h->sock, &h->msg, fd, true) < 0)
		h->gone = true;
}

static void job_free(struct job *j)
{
	if (j->r.fd >= 0)
		close(j->r.fd);
	http_request_release(&j->r);
	free(j->url);
	free(j->accept);
	free(j->if_none_match);
	free(j->if_modified_since);
	free(j->range);
	free(j);
}

/* A string field of DONE: one too long for the message is dropped, and the
 * request fails. */
static const char *field(struct http_request *r, const char *v)
{
	if (v && strlen(v) > HTTPWIRE_MAX_URL) {
		r->failed = true;
		buf_reset(&r->why);
		buf_addstr(&r->why, "the response's headers are too long");
		return NULL;
	}
	return v;
}

static void job_done(struct http_request *r, void *arg)
{
	struct job *j = arg;
	struct helper *h = j->h;
	for (size_t off = 0; off < r->body.len && !h->gone; off += HTTPWIRE_CHUNK) {
		size_t n = r->body.len - off < HTTPWIRE_CHUNK ? r->body.len - off : HTTPWIRE_CHUNK;
		hw_start(&h->msg, HW_BODY, j->id);
		buf_add(&h->msg, r->body.ptr + off, n);
		send_msg(h, -1);
	}
	const char *v[] = { field(r, r->content_type), field(r, r->etag),
			    field(r, r->last_modified), field(r, r->cache_control),
			    field(r, r->content_range), field(r, r->effective_url) };
	if (r->why.len > MAX_WHY)
		buf_setlen(&r->why, MAX_WHY);
	hw_start(&h->msg, HW_DONE, j->id);
	hw_u64(&h->msg, r->failed);
	hw_u64(&h->msg, (uint64_t)r->status);
	hw_u64(&h->msg, (uint64_t)r->total_size);
	hw_u64(&h->msg, r->received);
	hw_u64(&h->msg, h->s ? http_bytes(h->s) : 0);
	hw_str(&h->msg, r->why.len ? r->why.ptr : NULL);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		hw_str(&h->msg, v[i]);
	send_msg(h, -1);
	job_free(j);
}

/* OPTIONS, the first message: -1 when it is not one. */
static int read_options(struct helper *h, struct buf *why)
{
	int fd;
	if (httpwire_recv(h->sock, &h->msg, &fd, true) <= 0 || fd >= 0)
		return -1;
	struct hw_in in;
	uint32_t type, id;
	hw_open(&in, &h->msg, &type, &id);
	struct http_options o = { 0 };
	o.connect_timeout_s = (long)hw_get_u64(&in);
	o.stall_timeout_s = (long)hw_get_u64(&in);
	o.retries = (int)(int64_t)hw_get_u64(&in);
	o.max_parallel = (int)(int64_t)hw_get_u64(&in);
	for (size_t i = 0; i < ARRAY_SIZE(h->opt); i++)
		h->opt[i] = hw_get_str(&in);
	o.ca_file = h->opt[0];
	o.ca_dir = h->opt[1];
	o.client_cert = h->opt[2];
	o.netrc_file = h->opt[3];
	if (type != HW_OPTIONS || !hw_end(&in) || o.max_parallel < 0 || o.max_parallel > 1024 ||
	    o.connect_timeout_s < 0 || o.stall_timeout_s < 0)
		return -1;
	h->s = http_session_new(&o, why);
	if (!h->s)
		h->no_session = xstrdup(why->ptr);
	return 0;
}

/* A REQUEST: -1 when it is malformed. */
static int add_request(struct helper *h, int fd)
{
	struct hw_in in;
	uint32_t type, id;
	hw_open(&in, &h->msg, &type, &id);
	struct job *j = xcalloc(1, sizeof(*j));
	j->h = h;
	j->id = id;
	j->r.fd = fd;
	j->r.max_body = (size_t)hw_get_u64(&in);
	bool has_fd = hw_get_u64(&in) != 0;
	j->url = hw_get_str(&in);
	j->accept = hw_get_str(&in);
	j->if_none_match = hw_get_str(&in);
	j->if_modified_since = hw_get_str(&in);
	j->range = hw_get_str(&in);
	if (type != HW_REQUEST || !hw_end(&in) || has_fd != (fd >= 0) || !j->url ||
	    strlen(j->url) > HTTPWIRE_MAX_URL) {
		job_free(j);
		return -1;
	}
	j->r.url = j->url;
	j->r.accept = j->accept;
	j->r.if_none_match = j->if_none_match;
	j->r.if_modified_since = j->if_modified_since;
	j->r.range = j->range;
	j->r.done = job_done;
	j->r.arg = j;
	if (!h->s) {
		buf_init(&j->r.body);
		buf_init(&j->r.why);
		j->r.failed = true;
		j->r.total_size = -1;
		buf_addstr(&j->r.why, h->no_session);
		job_done(&j->r, j);
		return 0;
	}
	http_add(h->s, &j->r);
	return 0;
}

int main(void)
{
	struct helper h = { .sock = HTTPWIRE_FD };
	struct buf why = BUF_INIT;
	if (httpwire_helper_setup() < 0) {
		fprintf(stderr, "%s: not started by cvenv (no socket at descriptor %d)\n",
			HTTP_HELPER_NAME, HTTPWIRE_FD);
		return 2;
	}
	int code = 0;
	if (read_options(&h, &why) < 0) {
		fprintf(stderr, "%s: malformed options from cvenv\n", HTTP_HELPER_NAME);
		code = 2;
		goto out;
	}
	while (!h.gone) {
		if (h.s && http_step(h.s, h.sock) < 0) {
			fprintf(stderr, "%s: the HTTP session failed\n", HTTP_HELPER_NAME);
			code = 3;
			goto out;
		}
		for (;;) {
			int fd;
			int rc = httpwire_recv(h.sock, &h.msg, &fd, !h.s);
			if (rc == 0 || (rc < 0 && errno != EAGAIN)) {
				if (rc < 0) {
					fprintf(stderr, "%s: malformed message from cvenv\n", HTTP_HELPER_NAME);
					code = 2;
				}
				h.gone = true;
				break;
			}
			if (rc < 0)
				break;
			if (add_request(&h, fd) < 0) {
				fprintf(stderr, "%s: malformed request from cvenv\n", HTTP_HELPER_NAME);
				code = 2;
				h.gone = true;
				break;
			}
		}
	}
out:
	http_session_free(h.s);
	free(h.no_session);
	for (size_t i = 0; i < ARRAY_SIZE(h.opt); i++)
		free(h.opt[i]);
	buf_free(&h.msg);
	buf_free(&why);
	return code;
}
