/* Index page parsers: PEP 503 HTML, PEP 691 JSON, find-links pages.
 *
 * The HTML reader is a small cursor over the text, not an HTML5 parser: it
 * knows comments, tags with quoted or bare attributes, and character
 * references, which is all a simple page is made of (pip and uv read the
 * same subset). Everything it keeps is bounded (page.h). */
#include "util/common.h"

#include <ctype.h>
#include <jansson.h>

#include "core/index/page.h"
#include "core/index/url.h"
#include "core/std/metadata.h"
#include "util/buf.h"

/* The digests an index may give, strongest first; weaker ones (md5, sha1)
 * are ignored as pip ignores them for verification. */
static const struct {
	const char *name;
	size_t hexlen;
} hash_algos[] = {
	{ "sha512", 128 },
	{ "sha384", 96 },
	{ "sha256", 64 },
	{ "sha224", 56 },
};

static int hash_rank(const char *algo, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(hash_algos); i++)
		if (strlen(hash_algos[i].name) == n && !strncmp(algo, hash_algos[i].name, n))
			return (int)i;
	return -1;
}

/* Adds "algo:hex" to hashes, keeping strongest first and one per algorithm;
 * false when the digest is malformed (wrong length, not hex). Unknown
 * algorithms are skipped (true). */
static bool add_hash(struct strvec *hashes, const char *algo, size_t alen, const char *hex,
		     size_t hlen)
{
	int r = hash_rank(algo, alen);
	if (r < 0)
		return true;
	if (hlen != hash_algos[r].hexlen)
		return false;
	for (size_t i = 0; i < hlen; i++)
		if (!isxdigit((unsigned char)hex[i]))
			return false;
	char *entry = xstrfmt("%s:%.*s", hash_algos[r].name, (int)hlen, hex);
	for (char *p = entry + strlen(hash_algos[r].name) + 1; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	size_t at = 0;
	for (; at < hashes->n; at++) {
		const char *c = hashes->v[at];
		int cr = hash_rank(c, strcspn(c, ":"));
		if (cr == r) {
			free(entry);
			return true;
		}
		if (cr > r)
			break;
	}
	strvec_push_take(hashes, entry);
	/* move the new last element to its place */
	for (size_t i = hashes->n - 1; i > at; i--) {
		char *t = hashes->v[i];
		hashes->v[i] = hashes->v[i - 1];
		hashes->v[i - 1] = t;
	}
	return true;
}

/* "algo=hex" (an URL fragment or data-core-metadata value). */
static bool add_hash_pair(struct strvec *hashes, const char *s)
{
	const char *eq = strchr(s, '=');
	if (!eq)
		return false;
	return add_hash(hashes, s, (size_t)(eq - s), eq + 1, strlen(eq + 1));
}

void index_file_release(struct index_file *f)
{
	free(f->filename);
	free(f->url);
	strvec_clear(&f->hashes);
	free(f->requires_python);
	free(f->yanked_reason);
	strvec_clear(&f->core_metadata_hashes);
	free(f->upload_time);
	memset(f, 0, sizeof(*f));
}

void index_project_release(struct index_project *p)
{
	for (size_t i = 0; i < p->nfiles; i++)
		index_file_release(&p->files[i]);
	free(p->files);
	free(p->name);
	memset(p, 0, sizeof(*p));
}

static struct index_file *new_file(struct index_project *p, const char *origin)
{
	/* grow by doubling: capacity is the next power of two above nfiles */
	size_t n = p->nfiles;
	if ((n & (n - 1)) == 0) {
		size_t cap = n ? n * 2 : 1;
		p->files = xrealloc(p->files, cap * sizeof(*p->files));
	}
	struct index_file *f = &p->files[p->nfiles++];
	memset(f, 0, sizeof(*f));
	strvec_init(&f->hashes);
	strvec_init(&f->core_metadata_hashes);
	f->size = -1;
	f->origin = origin;
	return f;
}

static void drop_last_file(struct index_project *p)
{
	index_file_release(&p->files[--p->nfiles]);
}

/* The file name of an absolute URL without fragment: its last path
 * segment, percent-decoded; NULL when empty or when it holds a '/'. */
static char *url_filename(const char *url)
{
	size_t end = strcspn(url, "?#");
	size_t start = end;
	while (start && url[start - 1] != '/')
		start--;
	if (start == end)
		return NULL;
	char *name = url_unescape(url + start, end - start);
	if (name && (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))) {
		free(name);
		return NULL;
	}
	return name;
}

/* Sets f's url and hashes from an absolute URL with an optional fragment.
 * false when the URL cannot be used. */
static bool set_url(struct index_file *f, const char *abs)
{
	char *frag;
	f->url = url_split_fragment(abs, &frag);
	bool ok = true;
	if (frag) {
		/* "#sha256=..." possibly followed by "&egg=..." */
		char *amp = strchr(frag, '&');
		if (amp)
			*amp = '\0';
		if (strchr(frag, '='))
			ok = add_hash_pair(&f->hashes, frag);
		free(frag);
	}
	if (ok && !f->filename)
		f->filename = url_filename(f->url);
	return ok && f->filename;
}

int page_file_from_url(const char *url, const char *origin, struct index_project *p)
{
	struct index_file *f = new_file(p, origin);
	if (!set_url(f, url)) {
		drop_last_file(p);
		return -1;
	}
	return 0;
}

/* Core-metadata availability from a data- attribute or JSON string:
 * "true", or "algo=hex" (hash kept). */
static void set_core_metadata(struct index_file *f, const char *v)
{
	if (!strcmp(v, "true")) {
		f->has_core_metadata = true;
		return;
	}
	struct strvec h = STRVEC_INIT;
	if (strchr(v, '=') && add_hash_pair(&h, v)) {
		f->has_core_metadata = true;
		for (size_t i = 0; i < h.n; i++)
			strvec_push(&f->core_metadata_hashes, h.v[i]);
	}
	strvec_clear(&h);
}

/* ---- versions ---- */

static bool parse_version(const char *s, struct page_version *v)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long ma = strtoul(s, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]) || errno || ma > 100000)
		return false;
	unsigned long mi = strtoul(end + 1, &end, 10);
	if (*end || errno || mi > 100000)
		return false;
	v->major = (unsigned)ma;
	v->minor = (unsigned)mi;
	return true;
}

/* The newest API version cvenv knows (PEP 700 is 1.1). */
#define API_MINOR_KNOWN 1

int page_check_version(const struct page_version *v, struct buf *why)
{
	if (v->major != 1) {
		buf_addf(why, "unsupported repository version %u.%u (cvenv knows 1.x)", v->major,
			 v->minor);
		return -1;
	}
	return v->minor > API_MINOR_KNOWN ? 1 : 0;
}

/* ---- content types ---- */

int page_format_of(const char *content_type, const char *text, size_t len,
		   enum page_format *fmt)
{
	if (!content_type) {
		size_t i = 0;
		while (i < len && isspace((unsigned char)text[i]))
			i++;
		*fmt = i < len && text[i] == '{' ? PAGE_JSON : PAGE_HTML;
		return 0;
	}
	size_t n = strcspn(content_type, ";");
	while (n && isspace((unsigned char)content_type[n - 1]))
		n--;
	const char *ct = content_type;
	while (n && isspace((unsigned char)*ct)) {
		ct++;
		n--;
	}
	static const struct {
		const char *type;
		enum page_format fmt;
	} known[] = {
		{ "application/vnd.pypi.simple.v1+json", PAGE_JSON },
		{ "application/vnd.pypi.simple.v1+html", PAGE_HTML },
		{ "text/html", PAGE_HTML },
	};
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (strlen(known[i].type) == n && !strncasecmp(ct, known[i].type, n)) {
			*fmt = known[i].fmt;
			return 0;
		}
	return -1;
}

/* ---- HTML ---- */

struct attr {
	char *name; /* lower case */
	char *value; /* unescaped; "" for a bare attribute */
};

struct tag {
	char name[8]; /* lower case, truncated: only a, base, meta matter */
	bool closing;
	struct attr attrs[16];
	size_t nattrs;
};

static void tag_clear(struct tag *t)
{
	for (size_t i = 0; i < t->nattrs; i++) {
		free(t->attrs[i].name);
		free(t->attrs[i].value);
	}
	t->nattrs = 0;
}

static const char *tag_get(const struct tag *t, const char *name)
{
	for (size_t i = 0; i < t->nattrs; i++)
		if (!strcmp(t->attrs[i].name, name))
			return t->attrs[i].value;
	return NULL;
}

/* Appends code point cp as UTF-8 (invalid ones as U+FFFD, as HTML does). */
static void add_utf8(struct buf *b, unsigned long cp)
{
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		buf_addch(b, (char)cp);
	} else if (cp < 0x800) {
		buf_addch(b, (char)(0xc0 | (cp >> 6)));
		buf_addch(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addch(b, (char)(0xe0 | (cp >> 12)));
		buf_addch(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addch(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		buf_addch(b, (char)(0xf0 | (cp >> 18)));
		buf_addch(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
		buf_addch(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addch(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* HTML character references in s[0..n) (the named ones a page uses: amp,
 * lt, gt, quot, apos, and numeric ones), appended to out; anything else is
 * kept as written. */
static void html_unescape(struct buf *out, const char *s, size_t n)
{
	static const struct {
		const char *name;
		char c;
	} named[] = { { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' } };
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '&') {
			buf_addch(out, s[i]);
			continue;
		}
		size_t j = i + 1;
		if (j < n && s[j] == '#') {
			bool hex = j + 1 < n && (s[j + 1] == 'x' || s[j + 1] == 'X');
			size_t k = j + 1 + hex;
			unsigned long cp = 0;
			size_t digits = 0;
			while (k < n && (hex ? isxdigit((unsigned char)s[k]) : isdigit((unsigned char)s[k]))) {
				if (cp <= 0x10ffff)
					cp = cp * (hex ? 16 : 10) +
					     (unsigned long)(isdigit((unsigned char)s[k])
								     ? s[k] - '0'
								     : tolower((unsigned char)s[k]) - 'a' + 10);
				k++;
				digits++;
			}
			if (digits) {
				add_utf8(out, cp);
				i = k < n && s[k] == ';' ? k : k - 1;
				continue;
			}
		} else {
			bool done = false;
			for (size_t m = 0; m < ARRAY_SIZE(named) && !done; m++) {
				size_t l = strlen(named[m].name);
				if (j + l < n && !memcmp(s + j, named[m].name, l) && s[j + l] == ';') {
					buf_addch(out, named[m].c);
					i = j + l;
					done = true;
				}
			}
			if (done)
				continue;
		}
		buf_addch(out, '&');
	}
}

static bool html_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Reads the tag starting at text[*pos] == '<'. Comments, doctype and
 * processing instructions leave t->name empty. Returns false at the end of
 * the text (an unterminated tag). */
static bool read_tag(const char *text, size_t len, size_t *pos, struct tag *t)
{
	size_t i = *pos + 1;
	t->name[0] = '\0';
	t->closing = false;
	t->nattrs = 0;
	if (i + 2 < len && !memcmp(text + i, "!--", 3)) {
		size_t k = i + 3;
		while (k + 2 < len && memcmp(text + k, "-->", 3))
			k++;
		if (k + 2 >= len)
			return false;
		*pos = k + 3;
		return true;
	}
	if (i < len && (text[i] == '!' || text[i] == '?')) {
		const char *gt = memchr(text + i, '>', len - i);
		if (!gt)
			return false;
		*pos = (size_t)(gt - text) + 1;
		return true;
	}
	if (i < len && text[i] == '/') {
		t->closing = true;
		i++;
	}
	size_t nl = 0;
	while (i < len && isalnum((unsigned char)text[i])) {
		if (nl + 1 < sizeof(t->name))
			t->name[nl++] = (char)tolower((unsigned char)text[i]);
		i++;
	}
	t->name[nl] = '\0';
	for (;;) {
		while (i < len && (html_space(text[i]) || text[i] == '/'))
			i++;
		if (i >= len)
			return false;
		if (text[i] == '>') {
			*pos = i + 1;
			return true;
		}
		size_t ns = i;
		while (i < len && !html_space(text[i]) && text[i] != '>' && text[i] != '=' &&
		       (text[i] != '/' || i == ns))
			i++;
		size_t ne = i;
		while (i < len && html_space(text[i]))
			i++;
		const char *vs = "";
		size_t vl = 0;
		if (i < len && text[i] == '=') {
			i++;
			while (i < len && html_space(text[i]))
				i++;
			if (i < len && (text[i] == '"' || text[i] == '\'')) {
				const char *q = memchr(text + i + 1, text[i], len - i - 1);
				if (!q)
					return false;
				vs = text + i + 1;
				vl = (size_t)(q - vs);
				i = (size_t)(q - text) + 1;
			} else {
				vs = text + i;
				while (i < len && !html_space(text[i]) && text[i] != '>')
					i++;
				vl = (size_t)(text + i - vs);
			}
		}
		if (t->nattrs < ARRAY_SIZE(t->attrs) && ne > ns && ne - ns < 64 &&
		    vl <= PAGE_MAX_FIELD) {
			struct attr *a = &t->attrs[t->nattrs++];
			a->name = xstrndup(text + ns, ne - ns);
			for (char *p = a->name; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			struct buf v = BUF_INIT;
			html_unescape(&v, vs, vl);
			a->value = buf_detach(&v);
		}
	}
}

/* One anchor of a simple page as a file of p. */
static void add_anchor(struct index_project *p, const char *base, const char *origin,
		       const struct tag *t)
{
	const char *href = tag_get(t, "href");
	if (!href || p->nfiles >= PAGE_MAX_FILES)
		return;
	/* HTML strips leading and trailing white space from URLs */
	char *trimmed = xstrndup_trim(href, strlen(href));
	char *abs = url_join(base, trimmed);
	free(trimmed);
	if (!abs)
		return;
	struct index_file *f = new_file(p, origin);
	if (!set_url(f, abs)) {
		drop_last_file(p);
		free(abs);
		return;
	}
	free(abs);
	const char *rp = tag_get(t, "data-requires-python");
	if (rp && *rp)
		f->requires_python = xstrdup(rp);
	const char *y = tag_get(t, "data-yanked");
	if (y) {
		f->yanked = true;
		if (*y)
			f->yanked_reason = xstrdup(y);
	}
	const char *cm = tag_get(t, "data-core-metadata");
	if (!cm)
		cm = tag_get(t, "data-dist-info-metadata");
	if (cm)
		set_core_metadata(f, cm);
}

typedef bool (*anchor_filter)(const char *filename, const void *arg);

static int parse_html(const char *page_url, const char *origin, const char *text, size_t len,
		      struct index_project *p, struct page_version *v, anchor_filter keep,
		      const void *keep_arg)
{
	char *base = xstrdup(page_url);
	if (v) {
		v->major = 1;
		v->minor = 0;
	}
	struct tag t = { .nattrs = 0 };
	size_t pos = 0;
	while (pos < len) {
		const char *lt = memchr(text + pos, '<', len - pos);
		if (!lt)
			break;
		pos = (size_t)(lt - text);
		if (!read_tag(text, len, &pos, &t))
			break;
		if (t.closing) {
			tag_clear(&t);
			continue;
		}
		if (!strcmp(t.name, "a")) {
			size_t before = p->nfiles;
			add_anchor(p, base, origin, &t);
			if (p->nfiles > before && keep && !keep(p->files[before].filename, keep_arg))
				drop_last_file(p);
		} else if (!strcmp(t.name, "base")) {
			const char *h = tag_get(&t, "href");
			char *nb = h ? url_join(base, h) : NULL;
			if (nb) {
				free(base);
				base = nb;
			}
		} else if (!strcmp(t.name, "meta") && v) {
			const char *name = tag_get(&t, "name");
			const char *content = tag_get(&t, "content");
			struct page_version pv;
			if (name && content && !strcmp(name, "pypi:repository-version") &&
			    parse_version(content, &pv))
				*v = pv;
		}
		tag_clear(&t);
	}
	tag_clear(&t);
	free(base);
	p->found = true;
	return 0;
}

int page_parse_html(const char *page_url, const char *origin, const char *text, size_t len,
		    struct index_project *p, struct page_version *v, struct buf *why)
{
	struct page_version local;
	return parse_html(page_url, origin, text, len, p, v ? v : &local, NULL, NULL);
}

bool page_file_of_project(const char *filename, const char *name)
{
	static const char *const exts[] = { ".whl", ".tar.gz", ".zip" };
	bool dist = false;
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
		dist = dist || ends_with(filename, exts[i]);
	if (!dist)
		return false;
	if (!name)
		return true;
	char *want = name_canonicalize(name);
	bool r;
	if (ends_with(filename, ".whl")) {
		char *have = name_canonicalize_n(filename, strcspn(filename, "-"));
		r = !strcmp(have, want);
		free(have);
	} else {
		/* an sdist: "<name>-<version>.tar.gz", the name may hold '-' */
		char *canon = name_canonicalize(filename);
		size_t n = strlen(want);
		r = !strncmp(canon, want, n) && canon[n] == '-' &&
		    isdigit((unsigned char)canon[n + 1]);
		free(canon);
	}
	free(want);
	return r;
}

static bool keep_link(const char *filename, const void *arg)
{
	return page_file_of_project(filename, arg);
}

int page_parse_links(const char *page_url, const char *origin, const char *name,
		     const char *text, size_t len, struct index_project *p, struct buf *why)
{
	return parse_html(page_url, origin, text, len, p, NULL, keep_link, name);
}

/* ---- JSON ---- */

static const char *json_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) && json_string_length(v) <= PAGE_MAX_FIELD ? json_string_value(v)
									    : NULL;
}

static void json_hashes(json_t *h, struct strvec *out)
{
	const char *k;
	json_t *v;
	if (!json_is_object(h))
		return;
	json_object_foreach (h, k, v)
		if (json_is_string(v))
			(void)add_hash(out, k, strlen(k), json_string_value(v), json_string_length(v));
}

static void json_core_metadata(struct index_file *f, json_t *o)
{
	json_t *cm = json_object_get(o, "core-metadata");
	if (!cm)
		cm = json_object_get(o, "dist-info-metadata");
	if (json_is_true(cm)) {
		f->has_core_metadata = true;
	} else if (json_is_object(cm)) {
		f->has_core_metadata = true;
		json_hashes(cm, &f->core_metadata_hashes);
	}
}

static int json_file(struct index_project *p, const char *page_url, const char *origin,
		     json_t *o, struct buf *why)
{
	const char *fn = json_str(o, "filename");
	const char *u = json_str(o, "url");
	if (!json_is_object(o) || !fn || !u) {
		buf_addstr(why, "a file without 'filename' or 'url'");
		return -1;
	}
	if (!*fn || strchr(fn, '/'))
		return 0; /* not a usable file name: skipped */
	char *abs = url_join(page_url, u);
	if (!abs)
		return 0;
	struct index_file *f = new_file(p, origin);
	f->filename = xstrdup(fn);
	if (!set_url(f, abs)) {
		drop_last_file(p);
		free(abs);
		return 0;
	}
	free(abs);
	json_hashes(json_object_get(o, "hashes"), &f->hashes);
	const char *rp = json_str(o, "requires-python");
	if (rp && *rp)
		f->requires_python = xstrdup(rp);
	json_t *y = json_object_get(o, "yanked");
	if (json_is_true(y)) {
		f->yanked = true;
	} else if (json_is_string(y)) {
		f->yanked = true;
		if (json_string_length(y) && json_string_length(y) <= PAGE_MAX_FIELD)
			f->yanked_reason = xstrdup(json_string_value(y));
	}
	json_core_metadata(f, o);
	json_t *size = json_object_get(o, "size");
	if (json_is_integer(size) && json_integer_value(size) >= 0)
		f->size = json_integer_value(size);
	const char *ut = json_str(o, "upload-time");
	if (ut)
		f->upload_time = xstrdup(ut);
	return 0;
}

int page_parse_json(const char *page_url, const char *origin, const char *text, size_t len,
		    struct index_project *p, struct page_version *v, struct buf *why)
{
	int ret = -1;
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	struct page_version local;
	if (!v)
		v = &local;
	if (!root) {
		buf_addf(why, "invalid JSON at line %d: %s", jerr.line, jerr.text);
		goto out;
	}
	json_t *meta = json_object_get(root, "meta");
	const char *api = json_is_object(meta) ? json_str(meta, "api-version") : NULL;
	if (!json_is_object(root) || !api || !parse_version(api, v)) {
		buf_addstr(why, "not a PEP 691 project page (no meta.api-version)");
		goto out;
	}
	if (v->major != 1) {
		ret = 0; /* the caller's page_check_version refuses it */
		goto out;
	}
	json_t *files = json_object_get(root, "files");
	if (!json_is_array(files)) {
		buf_addstr(why, "not a PEP 691 project page (no 'files' list)");
		goto out;
	}
	size_t i;
	json_t *o;
	json_array_foreach (files, i, o) {
		if (p->nfiles >= PAGE_MAX_FILES)
			break;
		if (json_file(p, page_url, origin, o, why) < 0)
			goto out;
	}
	p->found = true;
	ret = 0;
out:
	json_decref(root);
	return ret;
}

/* ---- the compact form (see page.h) ---- */

#define COMPACT_MAGIC "cvenv-page-files-v1\n"

static void compact_field(struct buf *out, const char *key, const char *v)
{
	buf_addf(out, "%s %zu:", key, strlen(v));
	buf_addstr(out, v);
	buf_addch(out, '\n');
}

void page_compact_write(const struct index_project *p, const struct page_version *v,
			const struct page_source *src, struct buf *out)
{
	buf_addstr(out, COMPACT_MAGIC);
	compact_field(out, "source", src->sha256);
	compact_field(out, "base", src->base);
	compact_field(out, "type", src->content_type ? src->content_type : "");
	buf_addf(out, "version %u.%u\n", v->major, v->minor);
	for (size_t i = 0; i < p->nfiles; i++) {
		const struct index_file *f = &p->files[i];
		compact_field(out, "file", f->filename);
		compact_field(out, "url", f->url);
		for (size_t k = 0; k < f->hashes.n; k++)
			compact_field(out, "hash", f->hashes.v[k]);
		if (f->requires_python)
			compact_field(out, "requires-python", f->requires_python);
		if (f->yanked)
			compact_field(out, "yanked", f->yanked_reason ? f->yanked_reason : "");
		if (f->has_core_metadata)
			compact_field(out, "core-metadata", "");
		for (size_t k = 0; k < f->core_metadata_hashes.n; k++)
			compact_field(out, "core-metadata-hash", f->core_metadata_hashes.v[k]);
		if (f->size >= 0)
			buf_addf(out, "size %lld\n", (long long)f->size);
		if (f->upload_time)
			compact_field(out, "upload-time", f->upload_time);
	}
	buf_addf(out, "end %zu\n", p->nfiles);
}

/* One "key <len>:<value>\n" (or "key <value>\n" for version and size) at
 * *pos: key and value (NUL-free, at most PAGE_MAX_FIELD bytes) into the
 * given buffers; false when malformed. */
static bool compact_next(const char *text, size_t len, size_t *pos, struct buf *key,
			 struct buf *val)
{
	size_t i = *pos;
	size_t k = i;
	while (k < len && ((text[k] >= 'a' && text[k] <= 'z') || text[k] == '-'))
		k++;
	if (k == i || k >= len || text[k] != ' ')
		return false;
	buf_reset(key);
	buf_add(key, text + i, k - i);
	i = k + 1;
	buf_reset(val);
	if (!strcmp(key->ptr, "version") || !strcmp(key->ptr, "size") || !strcmp(key->ptr, "end")) {
		const char *nl = memchr(text + i, '\n', len - i);
		if (!nl || (size_t)(nl - (text + i)) > 32)
			return false;
		buf_add(val, text + i, (size_t)(nl - (text + i)));
		*pos = (size_t)(nl - text) + 1;
		return true;
	}
	size_t n = 0, digits = 0;
	while (i < len && isdigit((unsigned char)text[i]) && digits < 6) {
		n = n * 10 + (size_t)(text[i++] - '0');
		digits++;
	}
	if (!digits || n > PAGE_MAX_FIELD || i >= len || text[i] != ':' || len - i - 1 < n + 1 ||
	    text[i + 1 + n] != '\n' || memchr(text + i + 1, '\0', n))
		return false;
	buf_add(val, text + i + 1, n);
	*pos = i + 1 + n + 1;
	return true;
}

/* "algo:hex" through add_hash (its checks and spelling), as the parsers;
 * only algorithms the parsers keep (they wrote it). */
static bool compact_hash(struct strvec *hashes, const char *v)
{
	const char *colon = strchr(v, ':');
	return colon && hash_rank(v, (size_t)(colon - v)) >= 0 &&
	       add_hash(hashes, v, (size_t)(colon - v), colon + 1, strlen(colon + 1));
}

int page_compact_read(const char *text, size_t len, const struct page_source *src,
		      const char *origin, struct index_project *p, struct page_version *v)
{
	struct buf key = BUF_INIT, val = BUF_INIT;
	size_t ml = strlen(COMPACT_MAGIC), pos = ml;
	int ret = -1;
	struct index_file *f = NULL;
	if (len < ml || memcmp(text, COMPACT_MAGIC, ml))
		goto out;
	/* what it was made from must be what the caller has now */
	static const char *const heads[] = { "source", "base", "type", "version" };
	const char *want[] = { src->sha256, src->base, src->content_type ? src->content_type : "",
			       NULL };
	for (size_t i = 0; i < ARRAY_SIZE(heads); i++) {
		if (!compact_next(text, len, &pos, &key, &val) || strcmp(key.ptr, heads[i]))
			goto out;
		if (want[i] ? strcmp(val.ptr, want[i]) != 0 : !parse_version(val.ptr, v))
			goto out;
	}
	for (;;) {
		if (!compact_next(text, len, &pos, &key, &val))
			goto out;
		const char *k = key.ptr, *s = val.ptr;
		bool ok = true;
		if (!strcmp(k, "end")) {
			/* the last record: the count of files, then nothing */
			char *end;
			errno = 0;
			unsigned long long n = strtoull(s, &end, 10);
			if (!isdigit((unsigned char)*s) || *end || errno || n != p->nfiles || pos != len)
				goto out;
			break;
		} else if (!strcmp(k, "file")) {
			if (p->nfiles >= PAGE_MAX_FILES || !*s || strchr(s, '/'))
				goto out;
			f = new_file(p, origin);
			f->filename = xstrdup(s);
			/* its url must come next: set_url's checks, as parsed */
			if (!compact_next(text, len, &pos, &key, &val) || strcmp(key.ptr, "url") ||
			    !strstr(val.ptr, "://") || strchr(val.ptr, '#') || !set_url(f, val.ptr))
				goto out;
		} else if (!f) {
			goto out;
		} else if (!strcmp(k, "hash")) {
			ok = compact_hash(&f->hashes, s);
		} else if (!strcmp(k, "core-metadata-hash")) {
			ok = f->has_core_metadata && compact_hash(&f->core_metadata_hashes, s);
		} else if (!strcmp(k, "requires-python") && !f->requires_python && *s) {
			f->requires_python = xstrdup(s);
		} else if (!strcmp(k, "yanked") && !f->yanked) {
			f->yanked = true;
			f->yanked_reason = *s ? xstrdup(s) : NULL;
		} else if (!strcmp(k, "core-metadata") && !*s && !f->has_core_metadata) {
			f->has_core_metadata = true;
		} else if (!strcmp(k, "size") && f->size < 0) {
			char *end;
			errno = 0;
			long long sz = strtoll(s, &end, 10);
			ok = isdigit((unsigned char)*s) && !*end && !errno;
			f->size = sz;
		} else if (!strcmp(k, "upload-time") && !f->upload_time) {
			f->upload_time = xstrdup(s);
		} else {
			ok = false;
		}
		if (!ok)
			goto out;
	}
	p->found = true;
	ret = 0;
out:
	if (ret < 0) {
		while (p->nfiles)
			drop_last_file(p);
	}
	buf_free(&key);
	buf_free(&val);
	return ret;
}
