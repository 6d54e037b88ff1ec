/* The parts of os/http.h that do not depend on how transfers are made:
 * download files, the clock and the request's response fields (shared by
 * os/http.c, the libcurl engine, and os/httpclient.c, its client). */
#include "util/common.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "os/fs.h"
#include "os/http.h"
#include "os/httpengine.h"

void http_response_clear(struct http_request *r)
{
	buf_free(&r->body);
	buf_free(&r->why);
	free(r->content_type);
	free(r->etag);
	free(r->last_modified);
	free(r->cache_control);
	free(r->content_range);
	free(r->effective_url);
	r->content_type = r->etag = r->last_modified = r->cache_control = r->content_range = NULL;
	r->effective_url = NULL;
	r->status = 0;
	r->total_size = -1;
	r->received = 0;
	r->failed = false;
}

void http_request_release(struct http_request *r)
{
	http_response_clear(r);
	r->finished = false;
	r->attempts = 0;
}

void http_request_start(struct http_request *r)
{
	http_request_release(r);
	buf_init(&r->body);
	buf_init(&r->why);
}

int http_tmpfile(const char *dir, char **path)
{
	for (int tries = 0; tries < 100; tries++) {
		unsigned char rnd[8];
		os_random(rnd, sizeof(rnd));
		char *p = xstrfmt("%s/.tmp-%02x%02x%02x%02x%02x%02x%02x%02x", dir, rnd[0], rnd[1],
				  rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd >= 0) {
			*path = p;
			return fd;
		}
		free(p);
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

int http_tmpfile_close(int fd)
{
	return close(fd);
}

int64_t http_time_s(void)
{
	return (int64_t)time(NULL);
}

uint64_t http_monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const char *helper_path;

void http_set_helper(const char *path)
{
	helper_path = path && *path ? path : NULL;
}

const char *http_helper(void)
{
	return helper_path;
}
