/* HTTP cache entries (see httpcache.h). */
#include "util/common.h"

#include <ctype.h>
#include <strings.h>

#include "core/index/httpcache.h"
#include "core/pkg/record.h"
#include "util/buf.h"

#define MAGIC "cvenv-http-cache-v1\n"

static int sha256_hex(const char *data, size_t len, struct buf *hex)
{
	struct record_hash *h = record_hash_new("sha256");
	if (!h)
		return -1;
	record_hash_update(h, data, len);
	return record_hash_finish_hex(h, hex);
}

/* A value is printable ASCII without newlines (header values are). */
static bool value_ok(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v >= 0x7f)
			return false;
	return true;
}

static void add_field(struct buf *out, const char *key, const char *v)
{
	if (v && value_ok(v))
		buf_addf(out, "%s %s\n", key, v);
}

int httpcache_format(struct buf *out, const struct httpcache_entry *e, const char *body,
		     size_t len)
{
	struct buf hex = BUF_INIT;
	if (sha256_hex(body, len, &hex) < 0)
		return -1;
	buf_addstr(out, MAGIC);
	add_field(out, "url", e->url);
	add_field(out, "etag", e->etag);
	add_field(out, "last-modified", e->last_modified);
	add_field(out, "content-type", e->content_type);
	if (e->status)
		buf_addf(out, "status %ld\n", e->status);
	buf_addf(out, "stored %lld\nmax-age %lld\nbody-size %zu\nbody-sha256 %s\n\n",
		 (long long)e->stored, (long long)e->max_age, len, hex.ptr);
	buf_add(out, body, len);
	buf_free(&hex);
	return 0;
}

void httpcache_entry_release(struct httpcache_entry *e)
{
	free(e->url);
	free(e->etag);
	free(e->last_modified);
	free(e->content_type);
	memset(e, 0, sizeof(*e));
}

static bool parse_int(const char *s, int64_t *out)
{
	char *end;
	if (!*s || (!isdigit((unsigned char)*s) && *s != '-'))
		return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end || errno)
		return false;
	*out = v;
	return true;
}

int httpcache_parse(const char *text, size_t len, struct httpcache_entry *e, struct buf *why)
{
	memset(e, 0, sizeof(*e));
	e->max_age = -1;
	int ret = -1;
	struct buf hex = BUF_INIT;
	char *want_hash = NULL;
	int64_t size = -1;
	bool have_stored = false;
	size_t ml = strlen(MAGIC);
	if (len < ml || memcmp(text, MAGIC, ml)) {
		buf_addstr(why, "not a cvenv HTTP cache entry of this version");
		goto out;
	}
	size_t pos = ml;
	for (;;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		if (!nl || (size_t)(nl - text) > HTTPCACHE_MAX_HEADER) {
			buf_addstr(why, "the entry's header is unterminated or too long");
			goto out;
		}
		size_t ll = (size_t)(nl - (text + pos));
		if (!ll) {
			pos++;
			break;
		}
		char *line = xstrndup(text + pos, ll);
		pos += ll + 1;
		char *sp = strchr(line, ' ');
		if (!sp || strlen(line) != ll || !value_ok(line)) {
			free(line);
			buf_addstr(why, "a malformed header line");
			goto out;
		}
		*sp = '\0';
		const char *v = sp + 1;
		char **field = !strcmp(line, "url")		 ? &e->url
			       : !strcmp(line, "etag")		 ? &e->etag
			       : !strcmp(line, "last-modified") ? &e->last_modified
			       : !strcmp(line, "content-type")  ? &e->content_type
			       : !strcmp(line, "body-sha256")   ? &want_hash
								 : NULL;
		bool ok = true;
		if (field) {
			free(*field);
			*field = xstrdup(v);
		} else if (!strcmp(line, "stored")) {
			ok = parse_int(v, &e->stored);
			have_stored = ok;
		} else if (!strcmp(line, "max-age")) {
			ok = parse_int(v, &e->max_age);
		} else if (!strcmp(line, "status")) {
			int64_t st = 0;
			ok = parse_int(v, &st) && (st == 404 || st == 410);
			e->status = (long)st;
		} else if (!strcmp(line, "body-size")) {
			ok = parse_int(v, &size) && size >= 0;
		}
		free(line);
		if (!ok) {
			buf_addstr(why, "a malformed number");
			goto out;
		}
	}
	if (!e->url || !have_stored || size < 0 || !want_hash) {
		buf_addstr(why, "a field is missing");
		goto out;
	}
	if ((uint64_t)size != len - pos) {
		buf_addstr(why, "the body's size differs from the recorded one");
		goto out;
	}
	if (sha256_hex(text + pos, len - pos, &hex) < 0 || strcmp(hex.ptr, want_hash)) {
		buf_addstr(why, "the body's sha256 differs from the recorded one");
		goto out;
	}
	e->body = text + pos;
	e->body_len = len - pos;
	snprintf(e->body_sha256, sizeof(e->body_sha256), "%s", hex.ptr);
	ret = 0;
out:
	if (ret < 0)
		httpcache_entry_release(e);
	free(want_hash);
	buf_free(&hex);
	return ret;
}

int64_t httpcache_max_age(const char *cc)
{
	int64_t age = 0;
	if (!cc)
		return 0;
	const char *p = cc;
	while (*p) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		size_t n = strcspn(p, ",");
		if (n == 8 && !strncasecmp(p, "no-store", 8))
			return -1;
		if (n == 8 && !strncasecmp(p, "no-cache", 8))
			return 0;
		if (n > 8 && !strncasecmp(p, "max-age=", 8)) {
			int64_t v = 0;
			size_t i = 8;
			while (i < n && isdigit((unsigned char)p[i]) && v < 100000000)
				v = v * 10 + (p[i++] - '0');
			if (i > 8)
				age = v;
		}
		p += n;
	}
	return age;
}

bool httpcache_fresh(const struct httpcache_entry *e, int64_t now)
{
	return e->max_age > 0 && now >= e->stored && now - e->stored < e->max_age;
}
