/* URLs: redaction, reference resolution (RFC 3986 section 5.2) and the
 * small pieces the index client needs. Pure string work. */
#include "util/common.h"

#include <ctype.h>

#include "core/index/url.h"
#include "core/pkg/distinfo.h"
#include "core/std/metadata.h"
#include "util/buf.h"

/* The end of the scheme (the ':'), or 0 when s has no scheme. */
static size_t scheme_len(const char *s)
{
	if (!isalpha((unsigned char)s[0]))
		return 0;
	size_t i = 1;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
		i++;
	return s[i] == ':' ? i : 0;
}

/* The authority of an absolute URL: [*start, *end) after "scheme://";
 * false when there is no "//". */
static bool authority(const char *url, size_t *start, size_t *end)
{
	size_t s = scheme_len(url);
	if (!s || url[s + 1] != '/' || url[s + 2] != '/')
		return false;
	*start = s + 3;
	*end = *start + strcspn(url + *start, "/?#");
	return true;
}

/* The '@' that ends the userinfo of url (the last one in the authority),
 * or NULL; *a gets the authority's start. */
static const char *userinfo_at(const char *url, size_t *a)
{
	size_t e;
	const char *at = NULL;
	if (authority(url, a, &e))
		for (size_t i = *a; i < e; i++)
			if (url[i] == '@')
				at = url + i;
	return at;
}

char *url_userinfo(const char *url)
{
	size_t a;
	const char *at = userinfo_at(url, &a);
	return at ? xstrndup(url + a, (size_t)(at - (url + a))) : NULL;
}

char *url_without_userinfo(const char *url)
{
	size_t a;
	const char *at = userinfo_at(url, &a);
	return at ? xstrfmt("%.*s%s", (int)a, url, at + 1) : xstrdup(url);
}

void url_add_redacted(struct buf *out, const char *url)
{
	size_t a;
	const char *at = userinfo_at(url, &a);
	const char *colon = at ? memchr(url + a, ':', (size_t)(at - (url + a))) : NULL;
	if (!colon) {
		buf_addstr(out, url);
		return;
	}
	buf_add(out, url, (size_t)(colon - url));
	buf_addstr(out, ":****");
	buf_addstr(out, at);
}

char *url_redact(const char *url)
{
	struct buf b = BUF_INIT;
	url_add_redacted(&b, url);
	return buf_detach(&b);
}

char *url_scheme(const char *url)
{
	size_t n = scheme_len(url);
	if (!n)
		return NULL;
	char *s = xstrndup(url, n);
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

bool url_is_http(const char *url)
{
	char *s = url_scheme(url);
	bool r = s && (!strcmp(s, "http") || !strcmp(s, "https"));
	free(s);
	return r;
}

char *url_host(const char *url)
{
	size_t a, e;
	if (!authority(url, &a, &e))
		return NULL;
	const char *h = url + a;
	for (size_t i = a; i < e; i++)
		if (url[i] == '@')
			h = url + i + 1;
	char *s = xstrndup(h, (size_t)(url + e - h));
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

char *url_split_fragment(const char *url, char **frag)
{
	const char *hash = strchr(url, '#');
	*frag = hash ? xstrdup(hash + 1) : NULL;
	return hash ? xstrndup(url, (size_t)(hash - url)) : xstrdup(url);
}

char *url_project_page(const char *base, const char *name)
{
	char *canon = name_canonicalize(name);
	size_t n = strlen(base);
	while (n && base[n - 1] == '/')
		n--;
	char *r = xstrfmt("%.*s/%s/", (int)n, base, canon);
	free(canon);
	return r;
}

char *url_from_path(const char *path)
{
	return path_to_file_url(path);
}

char *url_to_path(const char *url)
{
	return file_url_to_path(url);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *url_unescape(const char *s, size_t len)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			int h = i + 2 < len ? hexval((unsigned char)s[i + 1]) : -1;
			int l = h >= 0 ? hexval((unsigned char)s[i + 2]) : -1;
			if (l < 0 || (h == 0 && l == 0)) {
				buf_free(&b);
				return NULL;
			}
			c = h * 16 + l;
			i += 2;
		} else if (!c) {
			buf_free(&b);
			return NULL;
		}
		buf_addch(&b, (char)c);
	}
	return buf_detach(&b);
}

/* RFC 3986 5.2.4: remove_dot_segments, on path[0..len), appended to out. */
static void remove_dots(struct buf *out, const char *path, size_t len)
{
	size_t base = out->len;
	size_t i = 0;
	while (i < len) {
		const char *p = path + i;
		size_t rest = len - i;
		if (rest >= 3 && !memcmp(p, "../", 3)) {
			i += 3;
		} else if (rest >= 2 && !memcmp(p, "./", 2)) {
			i += 2;
		} else if ((rest >= 3 && !memcmp(p, "/./", 3)) || (rest == 2 && !memcmp(p, "/.", 2))) {
			i += 2;
			if (rest == 2) {
				buf_addch(out, '/');
				break;
			}
		} else if ((rest >= 4 && !memcmp(p, "/../", 4)) || (rest == 3 && !memcmp(p, "/..", 3))) {
			/* drop the last segment of out */
			size_t k = out->len;
			while (k > base && out->ptr[k - 1] != '/')
				k--;
			if (k > base)
				k--;
			buf_setlen(out, k);
			i += 3;
			if (rest == 3) {
				buf_addch(out, '/');
				break;
			}
		} else if ((rest == 1 && p[0] == '.') || (rest == 2 && !memcmp(p, "..", 2))) {
			break;
		} else {
			size_t j = 1;
			while (j < rest && p[j] != '/')
				j++;
			buf_add(out, p, j);
			i += j;
		}
	}
}

/* A reference is usable when it has no whitespace or control characters
 * (HTML parsers strip the surrounding white space before we get here). */
static bool ref_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return false;
	return true;
}

char *url_join(const char *base, const char *ref)
{
	size_t bs = scheme_len(base);
	if (!bs || !ref_ok(ref) || !ref_ok(base))
		return NULL;
	if (scheme_len(ref))
		return xstrdup(ref);
	struct buf out = BUF_INIT;
	size_t ba, be;
	bool has_auth = authority(base, &ba, &be);
	if (ref[0] == '/' && ref[1] == '/') {
		buf_add(&out, base, bs + 1);
		buf_addstr(&out, ref);
		return buf_detach(&out);
	}
	/* the base's path, query: [be, pend), [pend, qend) */
	size_t pstart = has_auth ? be : bs + 1;
	size_t pend = pstart + strcspn(base + pstart, "?#");
	size_t qend = pend + (base[pend] == '?' ? strcspn(base + pend, "#") : 0);
	buf_add(&out, base, pstart);
	if (!ref[0] || ref[0] == '#') {
		buf_add(&out, base + pstart, qend - pstart);
		buf_addstr(&out, ref);
		return buf_detach(&out);
	}
	size_t rpath = strcspn(ref, "?#");
	if (ref[0] == '?') {
		buf_add(&out, base + pstart, pend - pstart);
		buf_addstr(&out, ref);
		return buf_detach(&out);
	}
	struct buf merged = BUF_INIT;
	if (ref[0] == '/') {
		buf_add(&merged, ref, rpath);
	} else {
		if (has_auth && pend == pstart) {
			buf_addch(&merged, '/');
		} else {
			size_t k = pend;
			while (k > pstart && base[k - 1] != '/')
				k--;
			buf_add(&merged, base + pstart, k - pstart);
		}
		buf_add(&merged, ref, rpath);
	}
	remove_dots(&out, merged.ptr, merged.len);
	buf_free(&merged);
	buf_addstr(&out, ref + rpath);
	return buf_detach(&out);
}
