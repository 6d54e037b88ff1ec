/* What the two implementations of os/http.h share, and what the HTTP helper
 * (src/helper/cvenv-http.c) needs of the libcurl engine beyond http.h.
 *
 * The engine, os/http.c, runs transfers over libcurl. In the default build
 * it is linked into the helper program only: cvenv itself is linked with
 * os/httpclient.c, which implements http.h by passing each request to the
 * helper (so cvenv's start-up never loads libcurl). LINK=static links the
 * engine into cvenv, libcurl loaded on first use (os/lazylib.c). */
#ifndef CVENV_OS_HTTPENGINE_H
#define CVENV_OS_HTTPENGINE_H

#include "os/http.h"

/* The program name of the helper. */
#define HTTP_HELPER_NAME "cvenv-http"

/* Frees and resets what a response put in r (os/httpfile.c). */
void http_response_clear(struct http_request *r);
/* Readies r for a new transfer (http_add). */
void http_request_start(struct http_request *r);

/* The engine's loop, one round at a time (for the helper, which waits for
 * its socket too): starts what may start, moves the transfers on, calls the
 * done of each that finished and, when none did, waits up to a second (less
 * when a retry is due) for a transfer, or for fd to be readable (fd < 0:
 * none). 0, or -1 when the session failed. */
int http_step(struct http_session *s, int fd);

/* The helper program cvenv starts: set from CVENV_HTTP_HELPER (cmd/),
 * NULL to look for it beside cvenv. */
void http_set_helper(const char *path);
const char *http_helper(void);

#endif
