/* The HTTP cache's entry format (pure: bytes in, fields out; the client
 * does the file I/O through os/fs.h).
 *
 * An entry is one file, written whole to a temp name and renamed into
 * place, so a reader sees a whole entry or none:
 *
 *   cvenv-http-cache-v1
 *   url <the URL without credentials>
 *   etag <ETag>                (optional)
 *   last-modified <date>       (optional)
 *   content-type <type>        (optional)
 *   stored <unix seconds>
 *   max-age <seconds>          (-1: revalidate on every use)
 *   status <code>              (optional: 404 or 410, a negative entry -- the
 *                              project does not exist there; empty body)
 *   body-size <n>
 *   body-sha256 <hex>
 *   <empty line>
 *   <n bytes of body>
 *
 * Entries are untrusted (another user's process may share the cache): the
 * reader bounds the header block, refuses unknown versions, control
 * characters in values and a body whose size or sha256 differs. */
#ifndef CVENV_INDEX_HTTPCACHE_H
#define CVENV_INDEX_HTTPCACHE_H

#include "util/common.h"

struct buf;

#define HTTPCACHE_MAX_HEADER 16384

struct httpcache_entry {
	char *url, *etag, *last_modified, *content_type;
	int64_t stored;
	int64_t max_age;
	long status; /* 0: a page; 404 or 410: the server said there is none */
	const char *body; /* points into the text given to httpcache_parse */
	size_t body_len;
	char body_sha256[65]; /* its sha256 (hex), checked; set by httpcache_parse */
};

/* Appends the entry for the fields of e and body (e->body ignored). -1
 * (reported) when the body cannot be hashed. */
int httpcache_format(struct buf *out, const struct httpcache_entry *e, const char *body,
		     size_t len);
/* Parses text; 0, or -1 with the reason in why. The body's hash is checked. */
int httpcache_parse(const char *text, size_t len, struct httpcache_entry *e, struct buf *why);
void httpcache_entry_release(struct httpcache_entry *e);

/* The max-age a Cache-Control value allows storing a response for: its
 * max-age (s-maxage ignored), 0 for no-cache or none given, -1 for no-store
 * (not to be stored at all). */
int64_t httpcache_max_age(const char *cache_control);

/* True when an entry stored at e->stored with e->max_age is fresh at now. */
bool httpcache_fresh(const struct httpcache_entry *e, int64_t now);

#endif
