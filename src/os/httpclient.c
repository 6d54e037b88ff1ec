/* os/http.h in cvenv itself: each request goes to the HTTP helper program
 * (cvenv-http, src/helper/cvenv-http.c), which runs the libcurl engine
 * (os/http.c) and answers over a socketpair (os/httpwire.h). cvenv thus
 * starts without loading libcurl and the two dozen libraries it needs; the
 * helper is started on the first request, so a run that needs no network
 * never starts it.
 *
 * Sends never block: a message the socket cannot take now waits in a queue
 * that http_run empties while it reads the answers (the helper may block
 * sending a body while cvenv is sending a request: neither waits for the
 * other). A body for a descriptor goes with it (SCM_RIGHTS): the helper
 * writes the download itself. When the helper dies or breaks the protocol,
 * every request not finished fails, saying so, and so does every later one;
 * an interrupt (os/interrupt.h) stops the helper and fails them the same way
 * ("interrupted"). */
#include "util/common.h"

#include <limits.h>
#include <poll.h>
#include <unistd.h>

#include "os/fs.h"
#include "os/http.h"
#include "os/httpengine.h"
#include "os/httpwire.h"
#include "os/interrupt.h"
#include "os/link.h"

struct outgoing {
	struct buf msg;
	int fd;
	struct outgoing *next;
};

struct http_session {
	struct http_options o;
	int sock;  /* -1: the helper is not started */
	long pid;
	bool dead; /* the helper could not start, died or broke the protocol */
	struct buf dead_why;
	struct http_request **slots; /* by request id; NULL: free */
	size_t nslots;
	size_t outstanding;          /* requests the helper has not answered */
	struct http_request *failed; /* failed here, finished by http_run */
	struct outgoing *out, *out_tail;
	struct buf in;
	uint64_t bytes;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct http_session *http_session_new(const struct http_options *o, struct buf *why)
{
	struct http_session *s = xcalloc(1, sizeof(*s));
	s->o = *o;
	s->o.ca_file = dup_or_null(o->ca_file);
	s->o.ca_dir = dup_or_null(o->ca_dir);
	s->o.client_cert = dup_or_null(o->client_cert);
	s->o.netrc_file = dup_or_null(o->netrc_file);
	s->sock = -1;
	buf_init(&s->dead_why);
	buf_init(&s->in);
	return s;
}

static void free_outgoing(struct http_session *s)
{
	while (s->out) {
		struct outgoing *g = s->out;
		s->out = g->next;
		buf_free(&g->msg);
		free(g);
	}
	s->out_tail = NULL;
}

void http_session_free(struct http_session *s)
{
	if (!s)
		return;
	if (s->sock >= 0) {
		close(s->sock);
		struct buf ignored = BUF_INIT;
		/* an idle helper leaves at its socket's end; a busy one is stopped */
		httpwire_reap(s->pid, s->outstanding > 0, &ignored);
		buf_free(&ignored);
	}
	free_outgoing(s);
	free(s->slots);
	buf_free(&s->dead_why);
	buf_free(&s->in);
	free((char *)s->o.ca_file);
	free((char *)s->o.ca_dir);
	free((char *)s->o.client_cert);
	free((char *)s->o.netrc_file);
	free(s);
}

/* The helper beside cvenv: <bindir>/../libexec/cvenv/ when installed, the
 * same directory in a build tree. */
static char *find_helper(void)
{
	if (http_helper())
		return xstrdup(http_helper());
	return os_libexec_find(HTTP_HELPER_NAME, X_OK);
}

static void fail_later(struct http_session *s, struct http_request *r, const char *why)
{
	r->failed = true;
	buf_reset(&r->why);
	buf_addstr(&r->why, why);
	r->next = s->failed;
	s->failed = r;
}

static void queue(struct http_session *s, struct buf *msg, int fd)
{
	struct outgoing *g = xcalloc(1, sizeof(*g));
	g->msg = *msg;
	buf_init(msg);
	g->fd = fd;
	if (s->out_tail)
		s->out_tail->next = g;
	else
		s->out = g;
	s->out_tail = g;
}

/* Sends what the socket takes now; -1 when the helper is gone. */
static int flush(struct http_session *s)
{
	while (s->out) {
		struct outgoing *g = s->out;
		if (httpwire_send(s->sock, &g->msg, g->fd, false) < 0)
			return errno == EAGAIN ? 0 : -1;
		s->out = g->next;
		if (!s->out)
			s->out_tail = NULL;
		buf_free(&g->msg);
		free(g);
	}
	return 0;
}

/* The helper is unusable or no longer wanted: it is reaped (killed first
 * when kill_first), and every request it has fails, the reason "the HTTP
 * helper <what> (it <how it ended>)", or just what when it was stopped on
 * purpose (stopped). */
static void helper_end(struct http_session *s, const char *what, bool kill_first, bool stopped)
{
	buf_reset(&s->dead_why);
	if (!stopped)
		buf_addf(&s->dead_why, "the HTTP helper %s", what);
	else
		buf_addstr(&s->dead_why, what);
	if (s->sock >= 0) {
		close(s->sock);
		s->sock = -1;
		struct buf how = BUF_INIT;
		httpwire_reap(s->pid, kill_first, &how);
		if (!stopped)
			buf_addf(&s->dead_why, " (it %s)", how.ptr);
		buf_free(&how);
	}
	s->dead = true;
	free_outgoing(s);
	for (size_t i = 0; i < s->nslots; i++) {
		struct http_request *r = s->slots[i];
		if (!r)
			continue;
		s->slots[i] = NULL;
		fail_later(s, r, s->dead_why.ptr);
	}
	s->outstanding = 0;
}

static void helper_lost(struct http_session *s, const char *what, bool kill_first)
{
	helper_end(s, what, kill_first, false);
}

static int start_helper(struct http_session *s)
{
	char *path = find_helper();
	if (httpwire_spawn(path, os_child_environ(), &s->sock, &s->pid) < 0) {
		buf_addf(&s->dead_why, "cannot start the HTTP helper '%s': %s", path, strerror(errno));
		s->dead = true;
		free(path);
		return -1;
	}
	free(path);
	struct buf m = BUF_INIT;
	hw_start(&m, HW_OPTIONS, 0);
	hw_u64(&m, (uint64_t)s->o.connect_timeout_s);
	hw_u64(&m, (uint64_t)s->o.stall_timeout_s);
	hw_u64(&m, (uint64_t)(int64_t)s->o.retries);
	hw_u64(&m, (uint64_t)(int64_t)s->o.max_parallel);
	hw_str(&m, s->o.ca_file);
	hw_str(&m, s->o.ca_dir);
	hw_str(&m, s->o.client_cert);
	hw_str(&m, s->o.netrc_file);
	queue(s, &m, -1);
	return 0;
}

static uint32_t new_slot(struct http_session *s, struct http_request *r)
{
	size_t i = 0;
	while (i < s->nslots && s->slots[i])
		i++;
	if (i == s->nslots) {
		size_t n = s->nslots ? 2 * s->nslots : 16;
		s->slots = xrealloc(s->slots, n * sizeof(*s->slots));
		memset(s->slots + s->nslots, 0, (n - s->nslots) * sizeof(*s->slots));
		s->nslots = n;
	}
	s->slots[i] = r;
	s->outstanding++;
	return (uint32_t)i;
}

void http_add(struct http_session *s, struct http_request *r)
{
	http_request_start(r);
	if (strlen(r->url) > HTTPWIRE_MAX_URL) {
		fail_later(s, r, "the URL is too long");
		return;
	}
	if (!s->dead && s->sock < 0)
		start_helper(s);
	if (s->dead) {
		fail_later(s, r, s->dead_why.ptr);
		return;
	}
	uint32_t id = new_slot(s, r);
	struct buf m = BUF_INIT;
	hw_start(&m, HW_REQUEST, id);
	hw_u64(&m, r->max_body);
	hw_u64(&m, r->fd >= 0);
	hw_str(&m, r->url);
	hw_str(&m, r->accept);
	hw_str(&m, r->if_none_match);
	hw_str(&m, r->if_modified_since);
	hw_str(&m, r->range);
	if (m.len > HTTPWIRE_MAX) {
		s->slots[id] = NULL;
		s->outstanding--;
		buf_free(&m);
		fail_later(s, r, "the request's headers are too long");
		return;
	}
	queue(s, &m, r->fd);
	if (flush(s) < 0)
		helper_lost(s, "is gone", false);
}

static void set_str(char **field, char *v)
{
	free(*field);
	*field = v;
}

/* One message from the helper; -1 when it breaks the protocol. */
static int dispatch(struct http_session *s, const struct buf *m)
{
	struct hw_in in;
	uint32_t type, id;
	hw_open(&in, m, &type, &id);
	if (in.bad || id >= s->nslots || !s->slots[id])
		return -1;
	struct http_request *r = s->slots[id];
	if (type == HW_BODY) {
		size_t max = r->max_body ? r->max_body : 64u << 20;
		if (r->fd >= 0 || in.left > max - r->body.len)
			return -1;
		buf_add(&r->body, in.p, in.left);
		return 0;
	}
	if (type != HW_DONE)
		return -1;
	bool failed = hw_get_u64(&in) != 0;
	long status = (long)hw_get_u64(&in);
	int64_t total = (int64_t)hw_get_u64(&in);
	uint64_t received = hw_get_u64(&in);
	uint64_t bytes = hw_get_u64(&in);
	char *why = hw_get_str(&in);
	char *fields[6];
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		fields[i] = hw_get_str(&in);
	if (!hw_end(&in) || status < 0 || status > 999) {
		free(why);
		for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
			free(fields[i]);
		return -1;
	}
	r->failed = failed;
	r->status = status;
	r->total_size = total;
	r->received = received;
	s->bytes = bytes;
	buf_reset(&r->why);
	if (why)
		buf_addstr(&r->why, why);
	free(why);
	set_str(&r->content_type, fields[0]);
	set_str(&r->etag, fields[1]);
	set_str(&r->last_modified, fields[2]);
	set_str(&r->cache_control, fields[3]);
	set_str(&r->content_range, fields[4]);
	set_str(&r->effective_url, fields[5]);
	s->slots[id] = NULL;
	s->outstanding--;
	r->finished = true;
	if (r->done)
		r->done(r, r->arg);
	return 0;
}

/* Finishes the requests that failed here (their done called from http_run
 * only, as the engine does). */
static void finish_failed(struct http_session *s)
{
	while (s->failed) {
		struct http_request *r = s->failed;
		s->failed = r->next;
		r->finished = true;
		if (r->done)
			r->done(r, r->arg);
	}
}

/* Reads what the helper has sent, until nothing is left. */
static void receive(struct http_session *s)
{
	for (;;) {
		int fd;
		int rc = httpwire_recv(s->sock, &s->in, &fd, false);
		if (rc < 0 && errno == EAGAIN)
			return;
		if (rc == 0) {
			helper_lost(s, "died", false);
			return;
		}
		if (rc < 0 || fd >= 0 || dispatch(s, &s->in) < 0) {
			if (fd >= 0)
				close(fd);
			helper_lost(s, "sent a malformed message", true);
			return;
		}
		if (s->sock < 0) /* a done callback's http_add found it gone */
			return;
	}
}

int http_run(struct http_session *s, struct http_request *until)
{
	for (;;) {
		finish_failed(s);
		bool all_done = !s->outstanding && !s->failed;
		if (until ? until->finished : all_done)
			return 0;
		if (all_done) {
			buf_addstr(&until->why, "the request was never queued");
			until->failed = true;
			return -1;
		}
		if (!s->outstanding)
			continue;
		if (os_interrupted()) {
			/* Ctrl-C once the command defers it: the transfers stop now
			 * (the command then undoes its step and exits with 130) */
			helper_end(s, "interrupted", true, true);
			continue;
		}
		if (flush(s) < 0) {
			helper_lost(s, "is gone", false);
			continue;
		}
		struct pollfd p = { .fd = s->sock, .events = POLLIN | (s->out ? POLLOUT : 0) };
		if (poll(&p, 1, -1) < 0) {
			if (errno != EINTR)
				helper_lost(s, "cannot be waited for", true);
			continue; /* EINTR: the interrupt is seen above */
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR))
			receive(s);
	}
}

uint64_t http_bytes(const struct http_session *s)
{
	return s->bytes;
}
