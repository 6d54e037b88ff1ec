/* The seal of a wheel-cache entry (see cachemanifest.h). */
#include "util/common.h"

#include "core/pkg/cachemanifest.h"
#include "util/buf.h"

#define MAGIC "cvenv-cache-entry 1\n"

bool manifest_path_ok(const char *p)
{
	if (!*p || *p == '/')
		return false;
	for (const char *c = p;; c++) {
		const char *end = strchr(c, '/');
		size_t n = end ? (size_t)(end - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
				return false;
		if (!end)
			return true;
		c = end;
	}
}

void manifest_add(struct manifest *m, const struct manifest_row *row)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->rows = xrealloc(m->rows, m->cap * sizeof(*m->rows));
	}
	struct manifest_row *r = &m->rows[m->n++];
	*r = *row;
	r->path = xstrdup(row->path);
	r->hash = xstrdup(row->hash);
}

static int row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct manifest_row *)a)->path,
		      ((const struct manifest_row *)b)->path);
}

void manifest_sort(struct manifest *m)
{
	if (m->n > 1)
		qsort(m->rows, m->n, sizeof(*m->rows), row_cmp);
}

void manifest_format(const struct manifest *m, struct buf *out)
{
	buf_addstr(out, MAGIC);
	buf_addf(out, "key %s\n", m->key);
	for (size_t i = 0; i < m->n; i++) {
		const struct manifest_row *r = &m->rows[i];
		buf_addf(out, "%o %llu %llu %lld.%09lld %s %s\n", r->mode,
			 (unsigned long long)r->size, (unsigned long long)r->ino,
			 (long long)r->mtime_sec, (long long)r->mtime_nsec, r->hash, r->path);
	}
	buf_addstr(out, "end\n");
}

const struct manifest_row *manifest_find(const struct manifest *m, const char *path)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, m->rows[mid].path);
		if (!c)
			return &m->rows[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->rows[i].path);
		free(m->rows[i].hash);
	}
	free(m->rows);
	memset(m, 0, sizeof(*m));
}

/* ---- parsing: a cursor over one line at a time ---------------------- */

struct cursor {
	const char *p, *end;
};

/* An unsigned decimal (base 10) or octal (base 8) number up to max, ended by
 * the character stop. */
static bool take_num(struct cursor *c, unsigned base, uint64_t max, char stop, uint64_t *out)
{
	uint64_t v = 0;
	const char *s = c->p;
	while (c->p < c->end && *c->p >= '0' && *c->p < (char)('0' + base)) {
		unsigned d = (unsigned)(*c->p - '0');
		if (v > (max - d) / base)
			return false;
		v = v * base + d;
		c->p++;
	}
	if (c->p == s || c->p - s > 20 || c->p >= c->end || *c->p != stop)
		return false;
	c->p++;
	*out = v;
	return true;
}

/* The rest of the line (without its '\n'), which must be there. */
static bool take_line(struct cursor *c, const char **s, size_t *n)
{
	const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	if (!nl)
		return false;
	*s = c->p;
	*n = (size_t)(nl - c->p);
	c->p = nl + 1;
	return true;
}

static bool parse_row(struct cursor *c, struct manifest_row *r)
{
	uint64_t mode, ms, mns;
	const char *line, *sp;
	size_t n;
	if (!take_num(c, 8, 07777, ' ', &mode) || !take_num(c, 10, UINT64_MAX, ' ', &r->size) ||
	    !take_num(c, 10, UINT64_MAX, ' ', &r->ino) || !take_num(c, 10, INT64_MAX, '.', &ms) ||
	    !take_num(c, 10, 999999999, ' ', &mns) || !take_line(c, &line, &n) ||
	    !(sp = memchr(line, ' ', n)) || sp == line || sp + 1 == line + n ||
	    memchr(line, '\0', n))
		return false;
	r->mode = (unsigned)mode;
	r->mtime_sec = (int64_t)ms;
	r->mtime_nsec = (int64_t)mns;
	r->hash = xstrndup(line, (size_t)(sp - line));
	r->path = xstrndup(sp + 1, (size_t)(line + n - sp - 1));
	for (const char *h = r->hash; *h; h++)
		if ((unsigned char)*h <= 0x20 || *h == 0x7f)
			return false;
	return manifest_path_ok(r->path);
}

static bool parse_key(struct cursor *c, char key[65])
{
	const char *line;
	size_t n;
	if (!take_line(c, &line, &n) || n != 68 || memcmp(line, "key ", 4))
		return false;
	for (size_t i = 4; i < n; i++)
		if (!((line[i] >= '0' && line[i] <= '9') || (line[i] >= 'a' && line[i] <= 'f')))
			return false;
	memcpy(key, line + 4, 64);
	key[64] = '\0';
	return true;
}

int manifest_parse(const char *text, size_t len, struct manifest *out)
{
	struct cursor c = { text, text + len };
	struct manifest m = MANIFEST_INIT;
	size_t mn = strlen(MAGIC);
	int r = -1;
	if (len < mn || memcmp(text, MAGIC, mn))
		goto out;
	c.p += mn;
	if (!parse_key(&c, m.key))
		goto out;
	while (c.end - c.p != 4 || memcmp(c.p, "end\n", 4)) {
		struct manifest_row row = { 0 };
		bool ok = parse_row(&c, &row);
		if (ok && m.n)
			ok = strcmp(m.rows[m.n - 1].path, row.path) < 0;
		if (ok)
			manifest_add(&m, &row);
		free(row.path);
		free(row.hash);
		if (!ok)
			goto out;
	}
	r = 0;
	*out = m;
	memset(&m, 0, sizeof(m));
out:
	manifest_free(&m);
	return r;
}
