/* Core metadata parsing and project-name rules (see metadata.h). */
#include "util/common.h"

#include <ctype.h>
#include <strings.h>

#include "core/std/metadata.h"
#include "util/buf.h"

void metadata_free(struct metadata *md)
{
	for (size_t i = 0; i < md->n; i++) {
		free(md->fields[i].name);
		free(md->fields[i].value);
	}
	free(md->fields);
	free(md->body);
	md->fields = NULL;
	md->n = md->cap = 0;
	md->body = NULL;
}

/* Length of the line at p (without its end), and of its end: "\n", "\r\n" or
 * "\r", the line ends Python's email parser knows. */
static size_t line_len(const char *p, const char *end, size_t *eol)
{
	const char *q = p;
	while (q < end && *q != '\n' && *q != '\r')
		q++;
	*eol = 0;
	if (q < end)
		*eol = (*q == '\r' && q + 1 < end && q[1] == '\n') ? 2 : 1;
	return (size_t)(q - p);
}

/* A header line per the email feedparser: printable ASCII but ':' and space
 * up to a ':'. The name may be empty in Python, but such a field is useless. */
static size_t header_name_len(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == ':')
			return i;
		if (c < 041 || c > 0176)
			return SIZE_MAX;
	}
	return SIZE_MAX;
}

static void add_field(struct metadata *md, const char *name, size_t nlen, struct buf *value)
{
	if (md->n == md->cap) {
		md->cap = md->cap ? md->cap * 2 : 16;
		md->fields = xrealloc(md->fields, md->cap * sizeof(*md->fields));
	}
	buf_rtrim(value, "\r\n");
	md->fields[md->n].name = xstrndup(name, nlen);
	md->fields[md->n].value = buf_detach(value);
	md->n++;
}

/* True when the field name[0..nlen) is one of names (NULL: every field). */
static bool field_wanted(const char *name, size_t nlen, const char *const *names)
{
	if (!names)
		return true;
	for (; *names; names++)
		if (strlen(*names) == nlen && !strncasecmp(*names, name, nlen))
			return true;
	return false;
}

/* The headers of text into md (only those named in names, unless NULL);
 * returns where the body starts. */
static const char *parse_headers(struct metadata *md, const char *text, size_t len,
				 const char *const *names)
{
	metadata_free(md);
	const char *p = text, *end = text + len;
	const char *name = NULL;
	size_t nlen = 0;
	struct buf value = BUF_INIT;

	while (p < end) {
		size_t eol, n = line_len(p, end, &eol);
		if (name && n > 0 && (*p == ' ' || *p == '\t')) {
			buf_addch(&value, '\n');
			buf_add(&value, p, n);
			p += n + eol;
			continue;
		}
		if (name) {
			if (field_wanted(name, nlen, names))
				add_field(md, name, nlen, &value);
			name = NULL;
		}
		if (n == 0) { /* the blank line that ends the headers */
			p += eol;
			break;
		}
		size_t hn = header_name_len(p, n);
		if (hn == SIZE_MAX || hn == 0)
			break; /* not a header: the body starts here */
		name = p;
		nlen = hn;
		const char *v = p + hn + 1, *vend = p + n;
		while (v < vend && (*v == ' ' || *v == '\t'))
			v++;
		buf_reset(&value);
		buf_add(&value, v, (size_t)(vend - v));
		p += n + eol;
	}
	if (name && field_wanted(name, nlen, names))
		add_field(md, name, nlen, &value);
	buf_free(&value);
	return p;
}

void metadata_parse(struct metadata *md, const char *text, size_t len)
{
	const char *body = parse_headers(md, text, len, NULL);
	md->body = xstrndup(body, (size_t)(text + len - body));
}

void metadata_parse_fields(struct metadata *md, const char *text, size_t len,
			   const char *const *names)
{
	(void)parse_headers(md, text, len, names);
}

static bool name_eq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

const char *metadata_next(const struct metadata *md, const char *name, size_t *pos)
{
	for (; *pos < md->n; (*pos)++)
		if (name_eq(md->fields[*pos].name, name))
			return md->fields[(*pos)++].value;
	return NULL;
}

const char *metadata_get(const struct metadata *md, const char *name)
{
	size_t pos = 0;
	return metadata_next(md, name, &pos);
}

const char *metadata_description(const struct metadata *md)
{
	const char *d = metadata_get(md, "Description");
	return d ? d : (md->body ? md->body : "");
}

static bool is_sep(char c)
{
	return c == '-' || c == '_' || c == '.';
}

/* The canonical name of name[0..len) at r (len + 1 bytes: never longer
 * than name, written in place, not a buf_addch per character; a warm
 * install canonicalises a name several times per wheel, issue 18): its
 * length. */
static size_t canonicalize_at(char *r, const char *name, size_t len)
{
	char *o = r;
	for (const char *p = name, *end = name + len; p < end;) {
		if (is_sep(*p)) {
			while (p < end && is_sep(*p))
				p++;
			*o++ = '-';
		} else {
			*o++ = (char)tolower((unsigned char)*p++);
		}
	}
	*o = '\0';
	return (size_t)(o - r);
}

char *name_canonicalize_n(const char *name, size_t len)
{
	char *r = xmalloc(len + 1);
	canonicalize_at(r, name, len);
	return r;
}

const char *name_canonicalize_buf(struct buf *out, const char *name, size_t len)
{
	buf_reset(out);
	buf_grow(out, len + 1);
	buf_setlen(out, canonicalize_at(out->ptr, name, len));
	return out->ptr;
}

/* The next byte of a name's canonical spelling at *p (before end), or -1. */
static int canon_next(const char **p, const char *end)
{
	if (*p >= end)
		return -1;
	if (!is_sep(**p))
		return tolower((unsigned char)*(*p)++);
	while (*p < end && is_sep(**p))
		(*p)++;
	return '-';
}

bool name_same_n(const char *a, size_t an, const char *b, size_t bn)
{
	const char *ae = a + an, *be = b + bn;
	for (;;) {
		int x = canon_next(&a, ae), y = canon_next(&b, be);
		if (x != y)
			return false;
		if (x < 0)
			return true;
	}
}

char *name_canonicalize(const char *name)
{
	return name_canonicalize_n(name, strlen(name));
}

bool name_is_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || !isalnum((unsigned char)name[0]) || !isalnum((unsigned char)name[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !is_sep(name[i]))
			return false;
	return true;
}

char *name_distinfo_escape(const char *name)
{
	char *s = name_canonicalize(name);
	for (char *p = s; *p; p++)
		if (*p == '-')
			*p = '_';
	return s;
}

char *name_safe(const char *name)
{
	struct buf b = BUF_INIT;
	for (const char *p = name; *p;) {
		if (isalnum((unsigned char)*p) || *p == '.') {
			buf_addch(&b, *p++);
		} else {
			while (*p && !isalnum((unsigned char)*p) && *p != '.')
				p++;
			buf_addch(&b, '-');
		}
	}
	return buf_detach(&b);
}
