/* RECORD reading and writing, and the hashes it carries (see record.h). */
#include "util/common.h"

#include <stdatomic.h>

#include <nettle/nettle-meta.h>
#include <nettle/sha2.h>

#include "core/pkg/record.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

static void drop_keys(struct record *r);

void record_add(struct record *r, const char *path, const char *hash, const char *size)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->rows = xrealloc(r->rows, r->cap * sizeof(*r->rows));
	}
	struct record_row *row = &r->rows[r->n++];
	row->path = NULL;
	record_set(row, path, hash, size);
}

/* The three fields live in one allocation, path first (an allocation per
 * field was a third of a warm install's malloc calls, issue 18). */
void record_set(struct record_row *row, const char *path, const char *hash, const char *size)
{
	hash = hash ? hash : "";
	size = size ? size : "";
	size_t pn = strlen(path) + 1, hn = strlen(hash) + 1, sn = strlen(size) + 1;
	char *b = xmalloc(pn + hn + sn);
	memcpy(b, path, pn);
	memcpy(b + pn, hash, hn);
	memcpy(b + pn + hn, size, sn);
	free(row->path); /* after the copy: path may be row->path */
	row->path = b;
	row->hash = b + pn;
	row->size = b + pn + hn;
}

void record_free(struct record *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->rows[i].path);
	free(r->rows);
	r->rows = NULL;
	r->n = r->cap = r->next = 0;
	drop_keys(r);
}

struct record_key {
	const char *path;
	size_t row;
};

static int cmp_keys(const void *a, const void *b)
{
	const struct record_key *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	return c ? c : (x->row > y->row) - (x->row < y->row);
}

static void drop_keys(struct record *r)
{
	free(r->keys);
	r->keys = NULL;
	r->nkeys = 0;
}

static void build_keys(struct record *r)
{
	drop_keys(r);
	r->keys = xcalloc(r->n, sizeof(*r->keys));
	for (size_t i = 0; i < r->n; i++)
		r->keys[i] = (struct record_key){ r->rows[i].path, i };
	qsort(r->keys, r->n, sizeof(*r->keys), cmp_keys);
	r->nkeys = r->n;
}

static bool row_is(struct record *r, size_t i, const char *path)
{
	r->compares++;
	return i < r->n && !strcmp(r->rows[i].path, path);
}

/* The first key not below path. */
static size_t lower_bound(struct record *r, const char *path)
{
	size_t lo = 0, hi = r->nkeys;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		r->compares++;
		if (strcmp(r->keys[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct record_row *record_find(struct record *r, const char *path)
{
	size_t i = r->next;
	if (i && row_is(r, i - 1, path))
		return &r->rows[i - 1];
	if (row_is(r, i, path)) {
		r->next = i + 1;
		return &r->rows[i];
	}
	if (!r->n)
		return NULL;
	if (r->nkeys != r->n || !r->keys)
		build_keys(r);
	size_t k = lower_bound(r, path);
	if (k == r->nkeys || (r->compares++, strcmp(r->keys[k].path, path)))
		return NULL;
	r->next = r->keys[k].row + 1;
	return &r->rows[r->keys[k].row];
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

/* The rows an install writes come mostly sorted already (a cache entry's
 * members in path order, then a few generated files): the sorted head is
 * kept, only the tail sorted and merged into it from the back (a full sort
 * of pip's 500 rows showed in a seeded create, issue 18). */
void record_sort(struct record *r)
{
	drop_keys(r);
	size_t k = 1;
	while (k < r->n && cmp_rows(&r->rows[k - 1], &r->rows[k]) <= 0)
		k++;
	if (k >= r->n)
		return;
	size_t t = r->n - k, i = k, o = r->n;
	struct record_row *tail = xmalloc(t * sizeof(*tail));
	memcpy(tail, r->rows + k, t * sizeof(*tail));
	qsort(tail, t, sizeof(*tail), cmp_rows);
	while (t > 0)
		r->rows[--o] = i > 0 && cmp_rows(&r->rows[i - 1], &tail[t - 1]) > 0 ? r->rows[--i]
										: tail[--t];
	free(tail);
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
	/* one pass finds both the length and whether to quote (strpbrk and
	 * then buf_addstr's strlen showed in a warm install's profile) */
	size_t n = strcspn(s, ",\"\r\n");
	if (!s[n]) {
		buf_add(out, s, n);
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

/* The common row, nothing to quote (path and hash pn and hn bytes): one
 * grow and the copies, not a buf_add per field and separator (a warm
 * install writes one per file); the size is size (sn bytes) or, with
 * size NULL, num in decimal, or nothing when !sized. */
static inline __attribute__((always_inline)) void
plain_row(struct buf *out, const char *path, size_t pn, const char *hash, size_t hn,
	  const char *size, size_t sn, uint64_t num, bool sized)
{
	buf_grow(out, pn + hn + (size ? sn : DEC_U64_MAX) + 4);
	char *o = out->ptr + out->len;
	memcpy(o, path, pn);
	o += pn;
	*o++ = ',';
	memcpy(o, hash, hn);
	o += hn;
	*o++ = ',';
	if (size) {
		memcpy(o, size, sn);
		o += sn;
	} else if (sized) {
		o += dec_u64(o, num);
	}
	*o++ = '\r';
	*o++ = '\n';
	*o = '\0';
	out->len = (size_t)(o - out->ptr);
}

void record_format_row(struct buf *out, const char *path, const char *hash, const char *size)
{
	size_t pn = strcspn(path, ",\"\r\n"), hn = strcspn(hash, ",\"\r\n");
	size_t sn = strcspn(size, ",\"\r\n");
	if (!path[pn] && !hash[hn] && !size[sn]) {
		plain_row(out, path, pn, hash, hn, size, sn, 0, true);
		return;
	}
	format_field(out, path);
	buf_addch(out, ',');
	format_field(out, hash);
	buf_addch(out, ',');
	format_field(out, size);
	buf_add(out, "\r\n", 2);
}

void record_format_row_sized(struct buf *out, const char *path, const char *hash, uint64_t size,
			     bool sized)
{
	size_t pn = strcspn(path, ",\"\r\n"), hn = strcspn(hash, ",\"\r\n");
	if (!path[pn] && !hash[hn]) {
		plain_row(out, path, pn, hash, hn, NULL, 0, size, sized);
		return;
	}
	char sz[DEC_U64_MAX + 1];
	sz[sized ? dec_u64(sz, size) : 0] = '\0';
	record_format_row(out, path, hash, sz);
}

void record_format(const struct record *r, struct buf *out)
{
	for (size_t i = 0; i < r->n; i++)
		record_format_row(out, r->rows[i].path, r->rows[i].hash, r->rows[i].size);
}

/* The digests come from GNU Nettle (README, "Dependencies", says why not
 * libcrypto: its start-up). Its hash functions cannot fail, take no
 * configuration and allocate nothing: a context is a plain struct, kept in
 * the record_hash. One finished hash is kept for reuse, so that hashing a
 * wheel's members costs no allocation per member (issue 18). cvenv is
 * single-threaded. */
#define MAX_DIGEST SHA512_DIGEST_SIZE

static const struct {
	const char *name;
	const struct nettle_hash *hash;
} algos[] = {
	{ "sha224", &nettle_sha224 },
	{ "sha256", &nettle_sha256 },
	{ "sha384", &nettle_sha384 },
	{ "sha512", &nettle_sha512 },
};
/* taken and put back atomically: wheelcache_fill_ahead hashes on two threads */
static struct record_hash *_Atomic spare;

struct record_hash {
	const struct nettle_hash *hash;
	const char *algo; /* one of algos' names */
	union {
		struct sha256_ctx sha256; /* and sha224 */
		struct sha512_ctx sha512; /* and sha384 */
	} ctx;
};

struct record_hash *record_hash_new(const char *algo)
{
	size_t i = 0;
	while (i < ARRAY_SIZE(algos) && strcmp(algo, algos[i].name))
		i++;
	if (i == ARRAY_SIZE(algos))
		return NULL;
	struct record_hash *h = atomic_exchange(&spare, NULL);
	if (!h)
		h = xmalloc(sizeof(*h));
	h->hash = algos[i].hash;
	h->algo = algos[i].name;
	h->hash->init(&h->ctx);
	return h;
}

int record_hash_update(struct record_hash *h, const void *data, size_t len)
{
	if (len)
		h->hash->update(&h->ctx, len, data);
	return 0;
}

static void update_cb(const void *data, size_t len, void *h)
{
	record_hash_update(h, data, len);
}

int record_hash_file(struct record_hash *h, const char *path)
{
	return os_read_each(path, update_cb, h);
}

/* Finishes h into md (*n bytes) and keeps it for the next hash. */
static void finish_raw(struct record_hash *h, unsigned char *md, unsigned int *n)
{
	*n = h->hash->digest_size;
	h->hash->digest(&h->ctx, *n, md);
	struct record_hash *none = NULL;
	if (!atomic_compare_exchange_strong(&spare, &none, h))
		free(h);
}

int record_hash_finish_hex(struct record_hash *h, struct buf *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[MAX_DIGEST];
	unsigned int n;
	finish_raw(h, md, &n);
	for (unsigned int i = 0; i < n; i++) {
		buf_addch(out, hex[md[i] >> 4]);
		buf_addch(out, hex[md[i] & 15]);
	}
	return 0;
}

/* urlsafe base64 without padding, as pip writes RECORD hashes; built in a
 * local array and added once (a buf_addch per character showed in the warm
 * install's profile). */
static void add_b64url(struct buf *out, const unsigned char *d, size_t n)
{
	static const char al[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char txt[(MAX_DIGEST + 2) / 3 * 4];
	size_t i = 0, k = 0;
	if (n > MAX_DIGEST)
		n = MAX_DIGEST; /* digests only: never longer */
	for (; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8 | d[i + 2];
		txt[k++] = al[v >> 18 & 63];
		txt[k++] = al[v >> 12 & 63];
		txt[k++] = al[v >> 6 & 63];
		txt[k++] = al[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)d[i] << 16;
		txt[k++] = al[v >> 18 & 63];
		txt[k++] = al[v >> 12 & 63];
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)d[i] << 16 | (uint32_t)d[i + 1] << 8;
		txt[k++] = al[v >> 18 & 63];
		txt[k++] = al[v >> 12 & 63];
		txt[k++] = al[v >> 6 & 63];
	}
	buf_add(out, txt, k);
}

int record_hash_finish(struct record_hash *h, struct buf *out)
{
	unsigned char md[MAX_DIGEST];
	unsigned int n;
	const char *algo = h->algo;
	finish_raw(h, md, &n);
	buf_addstr(out, algo);
	buf_addch(out, '=');
	add_b64url(out, md, n);
	return 0;
}

/* SHA-256 of generated bytes (scripts, INSTALLER, direct_url.json): a
 * context on the stack, nothing allocated. */
int record_hash_data(const void *data, size_t len, struct buf *out)
{
	unsigned char md[SHA256_DIGEST_SIZE];
	struct sha256_ctx c;
	sha256_init(&c);
	sha256_update(&c, len, data);
	sha256_digest(&c, sizeof(md), md);
	buf_addstr(out, "sha256=");
	add_b64url(out, md, sizeof(md));
	return 0;
}

struct record_head_hash {
	struct sha256_ctx ctx; /* after the head's whole blocks */
	size_t len;            /* their length: a multiple of the block */
	char head[];           /* those bytes */
};

struct record_head_hash *record_head_hash_new(const void *head, size_t len)
{
	len -= len % SHA256_BLOCK_SIZE;
	struct record_head_hash *hh = xmalloc(sizeof(*hh) + len + 1);
	sha256_init(&hh->ctx);
	sha256_update(&hh->ctx, len, head);
	hh->len = len;
	memcpy(hh->head, head, len);
	return hh;
}

void record_head_hash_free(struct record_head_hash *hh)
{
	free(hh);
}

int record_hash_data_head(const struct record_head_hash *hh, const void *data, size_t len,
			  struct buf *out)
{
	if (!hh || !hh->len || len < hh->len || memcmp(data, hh->head, hh->len))
		return record_hash_data(data, len, out);
	unsigned char md[SHA256_DIGEST_SIZE];
	struct sha256_ctx c = hh->ctx;
	sha256_update(&c, len - hh->len, (const uint8_t *)data + hh->len);
	sha256_digest(&c, sizeof(md), md);
	buf_addstr(out, "sha256=");
	add_b64url(out, md, sizeof(md));
	return 0;
}

int record_file_digest(const char *path, const char *algo, struct buf *hex)
{
	struct record_hash *h = record_hash_new(algo);
	if (!h)
		return error("unknown hash algorithm '%s'", algo);
	if (record_hash_file(h, path) < 0) {
		int r = error_errno("cannot read '%s'", path);
		struct buf scratch = BUF_INIT;
		record_hash_finish_hex(h, &scratch); /* recycles h */
		buf_free(&scratch);
		return r;
	}
	return record_hash_finish_hex(h, hex);
}
