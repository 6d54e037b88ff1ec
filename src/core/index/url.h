/* URLs of indexes, pages and files (pure: no I/O).
 *
 * Every URL cvenv prints goes through url_redact: a password in the
 * userinfo is shown as "****" (the user name is kept, as pip does), so a
 * message, a --report or a log never holds a credential.
 *
 * Ownership: returned strings are new, the caller's to free. */
#ifndef CVENV_INDEX_URL_H
#define CVENV_INDEX_URL_H

#include "util/common.h"

struct buf;

/* url with the password of its userinfo replaced by "****"; a URL without
 * one comes back unchanged (copied). Never fails. */
char *url_redact(const char *url);
/* Appends url_redact(url) to out. */
void url_add_redacted(struct buf *out, const char *url);

/* RFC 3986 reference resolution of ref against the absolute base (a page
 * URL): "../../files/x.whl", "/x.whl", "//host/x.whl", "x.whl#sha256=..",
 * "https://other/x.whl". NULL when base is not an absolute URL or ref is
 * not a usable reference (control characters, spaces, no scheme ...). */
char *url_join(const char *base, const char *ref);

/* The scheme in lower case ("https"), or NULL when url has none. */
char *url_scheme(const char *url);
/* True for http and https. */
bool url_is_http(const char *url);
/* The host (with port) part, lower-cased, userinfo dropped; NULL if none. */
char *url_host(const char *url);

/* The userinfo of url ("user:pass", without the '@'), or NULL when none. */
char *url_userinfo(const char *url);
/* url without its userinfo (cache keys and entries hold no credentials). */
char *url_without_userinfo(const char *url);

/* Splits "url#frag" into the URL without fragment (returned) and the
 * fragment (*frag, NULL when none). */
char *url_split_fragment(const char *url, char **frag);

/* The project page URL of name on the index at base ("<base>/<canonical>/",
 * one slash between). */
char *url_project_page(const char *base, const char *name);

/* A file:// URL for a local absolute path (percent-encoding what must be)
 * and back (NULL when url is not a file:// URL of this host). */
char *url_from_path(const char *path);
char *url_to_path(const char *url);

/* Percent-decoding (a file name in a URL path); NULL on a malformed
 * escape or a decoded NUL. */
char *url_unescape(const char *s, size_t len);

#endif
