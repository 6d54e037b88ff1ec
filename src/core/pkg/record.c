/* RECORD reading and writing, and the hashes it carries (see record.h). */
#include "util/common.h"

#include <openssl/evp.h>

#include "core/pkg/record.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

void record_add(struct record *r, const char *path, const char *hash, const char *size)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->rows = xrealloc(r->rows, r->cap * sizeof(*r->rows));
	}
	struct record_row *row = &r->rows[r->n++];
	row->path = xstrdup(path);
	row->hash = xstrdup(hash ? hash : "");
	row->size = xstrdup(size ? size : "");
}

void record_free(struct record *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->rows[i].path);
		free(r->rows[i].hash);
		free(r->rows[i].size);
	}
	free(r->rows);
	r->rows = NULL;
	r->n = r->cap = 0;
}

const struct record_row *record_find(struct record *r, const char *path)
{
	for (size_t k = 0, i = r->next < r->n ? r->next : 0; k < r->n; k++) {
		if (!strcmp(r->rows[i].path, path)) {
			r->next = i + 1;
			return &r->rows[i];
		}
		if (++i == r->n)
			i = 0;
	}
	return NULL;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct record_row *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (!c)
		c = strcmp(x->hash, y->hash);
	if (!c)
		c = strcmp(x->size, y->size);
	return c;
}

void record_sort(struct record *r)
{
	if (r->n > 1)
		qsort(r->rows, r->n, sizeof(*r->rows), cmp_rows);
}

/* One CSV field, as the csv module reads it (quotechar '"', doublequote). The
 * cursor stops on the delimiter or line end after the field. */
static int read_field(const char **pp, const char *end, struct buf *field)
{
	const char *p = *pp;
	buf_reset(field);
	if (p < end && *p == '"') {
		p++;
		for (;;) {
			if (p >= end)
				return -1; /* unterminated quote */
			if (*p == '"') {
				if (p + 1 < end && p[1] == '"') {
					buf_addch(field, '"');
					p += 2;
					continue;
				}
				p++;
				break;
			}
			buf_addch(field, *p++);
		}
		/* like csv, text after the closing quote joins the field */
		while (p < end && *p != ',' && *p != '\n' && *p != '\r')
			buf_addch(field, *p++);
	} else {
		while (p < end && *p != ',' && *p != '\n' && *p != '\r')
			buf_addch(field, *p++);
	}
	*pp = p;
	return 0;
}

int record_parse(const char *text, size_t len, const char *what, struct record *out)
{
	const char *p = text, *end = text + len;
	struct buf field = BUF_INIT;
	char *fields[3];
	int line = 0, ret = 0;

	while (p < end) {
		line++;
		if (*p == '\n' || *p == '\r') { /* blank line */
			p += (*p == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
			continue;
		}
		int nf = 0;
		for (;;) {
			if (read_field(&p, end, &field) < 0 || strlen(field.ptr) != field.len) {
				for (int i = 0; i < nf; i++)
					free(fields[i]);
				ret = error("invalid RECORD in '%s': bad quoting or NUL on line %d", what, line);
				goto out;
			}
			if (nf == 3) {
				for (int i = 0; i < nf; i++)
					free(fields[i]);
				ret = error("invalid RECORD in '%s': more than 3 fields on line %d", what, line);
				goto out;
			}
			fields[nf++] = buf_detach(&field);
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			break;
		}
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
		if (!fields[0][0]) {
			for (int i = 0; i < nf; i++)
				free(fields[i]);
			ret = error("invalid RECORD in '%s': empty path on line %d", what, line);
			goto out;
		}
		record_add(out, fields[0], nf > 1 ? fields[1] : "", nf > 2 ? fields[2] : "");
		for (int i = 0; i < nf; i++)
			free(fields[i]);
	}
out:
	buf_free(&field);
	return ret;
}

static void format_field(struct buf *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		buf_addstr(out, s);
		return;
	}
	buf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_addch(out, '"');
		buf_addch(out, *s);
	}
	buf_addch(out, '"');
}

void record_format(const struct record *r, struct buf *out)
{
	for (size_t i = 0; i < r->n; i++) {
		format_field(out, r->rows[i].path);
		buf_addch(out, ',');
		format_field(out, r->rows[i].hash);
		buf_addch(out, ',');
		format_field(out, r->rows[i].size);
		buf_addstr(out, "\r\n");
	}
}

struct record_hash {
	EVP_MD_CTX *ctx;
	char *algo;
	bool failed; /* an update failed: finishing reports it */
};

struct record_hash *record_hash_new(const char *algo)
{
	static const char *const ok[] = { "sha224", "sha256", "sha384", "sha512" };
	bool acceptable = false;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
		if (!strcmp(algo, ok[i]))
			acceptable = true;
	if (!acceptable)
		return NULL;
	const EVP_MD *md = EVP_get_digestbyname(algo);
	EVP_MD_CTX *ctx = md ? EVP_MD_CTX_new() : NULL;
	if (!ctx || EVP_DigestInit_ex(ctx, md, NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		error("cannot start a %s hash (libcrypto)", algo);
		return NULL;
	}
	struct record_hash *h = xcalloc(1, sizeof(*h));
	h->ctx = ctx;
	h->algo = xstrdup(algo);
	return h;
}

int record_hash_update(struct record_hash *h, const void *data, size_t len)
{
	if (!h->failed && len && EVP_DigestUpdate(h->ctx, data, len) != 1)
		h->failed = true;
	return h->failed ? -1 : 0;
}

/* urlsafe base64 without padding, as pip writes RECORD hashes. */
static void add_b64url(struct buf *out, const unsigned char *d, size_t n)
{
	static const char al[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i = 0;
	for (; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 | d[i + 2];
		buf_addch(out, al[v >> 18 & 63]);
		buf_addch(out, al[v >> 12 & 63]);
		buf_addch(out, al[v >> 6 & 63]);
		buf_addch(out, al[v & 63]);
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)d[i] << 16;
		buf_addch(out, al[v >> 18 & 63]);
		buf_addch(out, al[v >> 12 & 63]);
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8;
		buf_addch(out, al[v >> 18 & 63]);
		buf_addch(out, al[v >> 12 & 63]);
		buf_addch(out, al[v >> 6 & 63]);
	}
}

int record_hash_finish(struct record_hash *h, struct buf *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int r = 0;
	if (h->failed || EVP_DigestFinal_ex(h->ctx, md, &n) != 1) {
		r = error("cannot hash with %s (libcrypto)", h->algo);
	} else {
		buf_addstr(out, h->algo);
		buf_addch(out, '=');
		add_b64url(out, md, n);
	}
	EVP_MD_CTX_free(h->ctx);
	free(h->algo);
	free(h);
	return r;
}

int record_hash_data(const void *data, size_t len, struct buf *out)
{
	struct record_hash *h = record_hash_new("sha256");
	if (!h)
		return -1;
	record_hash_update(h, data, len);
	return record_hash_finish(h, out);
}

int record_file_digest(const char *path, const char *algo, struct buf *hex)
{
	const EVP_MD *md = EVP_get_digestbyname(algo);
	struct buf data = BUF_INIT;
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int r = 0;
	if (!md) {
		r = error("unknown hash algorithm '%s'", algo);
	} else if (os_read_file(path, (size_t)1 << 32, &data) < 0) {
		r = error("cannot read '%s': %s", path, strerror(errno));
	} else if (EVP_Digest(data.ptr, data.len, d, &n, md, NULL) != 1) {
		r = error("cannot hash '%s'", path);
	} else {
		for (unsigned int i = 0; i < n; i++)
			buf_addf(hex, "%02x", d[i]);
	}
	buf_free(&data);
	return r;
}
