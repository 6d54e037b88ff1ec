/* The seal of a wheel-cache entry (see cachemanifest.h). */
#include "util/common.h"

#include "core/pkg/cachemanifest.h"
#include "util/buf.h"

#define MAGIC "cvenv-cache-entry 2\n"
#define MAGIC_1 "cvenv-cache-entry 1\n" /* before issue 18: no wheel block */

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

/* Appends row, taking its path and hash (the parser's own copies). */
static void manifest_take(struct manifest *m, const struct manifest_row *row)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->rows = xrealloc(m->rows, m->cap * sizeof(*m->rows));
	}
	m->rows[m->n++] = *row;
}

/* Sets r's path and hash to copies of n and h bytes, in one allocation (a
 * seal is parsed per wheel of every warm install, issue 18). */
static void set_strings(struct manifest_row *r, const char *p, size_t pn, const char *h, size_t hn)
{
	char *b = xmalloc(pn + hn + 2);
	memcpy(b, p, pn);
	b[pn] = '\0';
	memcpy(b + pn + 1, h, hn);
	b[pn + 1 + hn] = '\0';
	r->path = b;
	r->hash = b + pn + 1;
}

void manifest_add(struct manifest *m, const struct manifest_row *row)
{
	struct manifest_row r = *row;
	set_strings(&r, row->path, strlen(row->path), row->hash, strlen(row->hash));
	manifest_take(m, &r);
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

struct manifest_info *manifest_info_new(void)
{
	struct manifest_info *info = xcalloc(1, sizeof(*info));
	strvec_init(&info->requires_dist);
	return info;
}

void manifest_info_free(struct manifest_info *info)
{
	if (!info)
		return;
	free(info->dist_info);
	free(info->name);
	free(info->version);
	free(info->requires_python);
	strvec_clear(&info->requires_dist);
	entry_points_free(&info->eps);
	free(info);
}

/* The bytes a <text> escapes (see cachemanifest.h). */
static bool escaped(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || c == '%';
}

static void add_text(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (escaped(*p)) {
			buf_addch(out, '%');
			buf_addch(out, hex[*p >> 4]);
			buf_addch(out, hex[*p & 15]);
		} else {
			buf_addch(out, (char)*p);
		}
}

static void add_field(struct buf *out, const char *key, const char *value)
{
	buf_addstr(out, key);
	buf_addch(out, ' ');
	add_text(out, value);
	buf_addch(out, '\n');
}

static void format_info(const struct manifest_info *in, struct buf *out)
{
	add_field(out, "dist-info", in->dist_info);
	add_field(out, "name", in->name);
	add_field(out, "version", in->version);
	if (in->requires_python)
		add_field(out, "requires-python", in->requires_python);
	for (size_t i = 0; i < in->requires_dist.n; i++)
		add_field(out, "requires-dist", in->requires_dist.v[i]);
	buf_addf(out, "wheel-version %d %d\nroot-is-purelib %d\n", in->wheel_version[0],
		 in->wheel_version[1], in->root_is_purelib ? 1 : 0);
	for (size_t i = 0; i < in->eps.n; i++) {
		const struct entry_point *ep = &in->eps.v[i];
		buf_addstr(out, ep->gui ? "entry-point gui " : "entry-point console ");
		add_text(out, ep->name);
		buf_addch(out, ' ');
		add_text(out, ep->module);
		buf_addch(out, ' ');
		add_text(out, ep->attr);
		buf_addch(out, '\n');
	}
}

void manifest_format(const struct manifest *m, struct buf *out)
{
	buf_addstr(out, MAGIC);
	buf_addf(out, "key %s\n", m->key);
	if (m->info)
		format_info(m->info, out);
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
	if (m->block) {
		free(m->block); /* rows[] and the text they point into */
	} else {
		for (size_t i = 0; i < m->n; i++)
			free(m->rows[i].path);
		free(m->rows);
	}
	manifest_info_free(m->info);
	memset(m, 0, sizeof(*m));
}

/* ---- parsing: a cursor over one line at a time ---------------------- */

struct cursor {
	char *p, *end; /* over the seal's own copy: rows are cut in place */
};

/* The value of eight decimal digits at p, or -1 when any byte is not one
 * (the bytes read as a little-endian word: the first is the lowest). */
static int64_t eight_digits(const char *p)
{
	uint64_t x;
	memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	/* every byte 0x30..0x39: high nibble 3, and adding 6 keeps it 3 */
	if ((x & 0xF0F0F0F0F0F0F0F0ull) != 0x3030303030303030ull ||
	    ((x + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) != 0x3030303030303030ull)
		return -1;
	x -= 0x3030303030303030ull;
	x = (x * 10 + (x >> 8)) & 0x00FF00FF00FF00FFull;        /* pairs */
	x = (x * 100 + (x >> 16)) & 0x0000FFFF0000FFFFull;      /* fours */
	return (int64_t)((x * 10000 + (x >> 32)) & 0xFFFFFFFFull); /* eight */
}

/* An unsigned decimal (base 10) or octal (base 8) number up to max, ended by
 * the character stop. */
static bool take_num(struct cursor *c, unsigned base, uint64_t max, char stop, uint64_t *out)
{
	char *p = c->p, *end = c->end;
	const char *s = p;
	uint64_t v = 0;
	/* 19 digits of either base fit in 64 bits: checked only past them
	 * (five numbers a row, every seal of a warm install: issue 18) */
	const char *fast = end - p > 19 ? p + 19 : end;
	/* decimal digits eight at a time while they are digits (inode, time) */
	for (int64_t d8; base == 10 && fast - p >= 8 && (d8 = eight_digits(p)) >= 0; p += 8)
		v = v * 100000000 + (uint64_t)d8;
	for (unsigned d; p < fast && (d = (unsigned)((unsigned char)*p - '0')) < base; p++)
		v = v * base + d;
	if (v > max)
		return false;
	/* more digits only when the fast part ended on one */
	while (p == fast && p < end && *p >= '0' && *p < (char)('0' + base)) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (max - d) / base)
			return false;
		v = v * base + d;
		fast = ++p;
	}
	if (p == s || p - s > 20 || p >= end || *p != stop)
		return false;
	c->p = p + 1;
	*out = v;
	return true;
}

/* The rest of the line (without its '\n'), which must be there. */
static bool take_line(struct cursor *c, const char **s, size_t *n)
{
	char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	if (!nl)
		return false;
	*s = c->p;
	*n = (size_t)(nl - c->p);
	c->p = nl + 1;
	return true;
}

/* Whether none of n bytes is below lim (0x20 or 0x21) or DEL: eight bytes a
 * step (a byte loop over every hash and path was most of a seal's parse,
 * issue 18). The word tests are exact for "some byte is": (x - lim) & ~x
 * & 0x80 per byte finds a byte below lim (lim <= 0x80), the same on x ^ DEL
 * with lim 1 finds a DEL. */
static bool clean(const char *s, size_t n, unsigned lim)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t x, y;
		memcpy(&x, s + i, 8);
		y = x ^ (0x7f * ones);
		if (((x - lim * ones) & ~x & high) | ((y - ones) & ~y & high))
			return false;
	}
	for (; i < n; i++)
		if ((unsigned char)s[i] < lim || s[i] == 0x7f)
			return false;
	return true;
}

/* "<mode> <size> <inode> <sec>.<nsec> <hash> <path>\n": hash and path are
 * checked as manifest_path_ok() says and cut in place (NUL-terminated in
 * the seal's copy), never copied. */
static bool parse_row(struct cursor *c, struct manifest_row *r)
{
	uint64_t mode, ms, mns;
	if (!take_num(c, 8, 07777, ' ', &mode) || !take_num(c, 10, UINT64_MAX, ' ', &r->size) ||
	    !take_num(c, 10, UINT64_MAX, ' ', &r->ino) || !take_num(c, 10, INT64_MAX, '.', &ms) ||
	    !take_num(c, 10, 999999999, ' ', &mns))
		return false;
	char *h = c->p, *end = c->end;
	char *nl = memchr(h, '\n', (size_t)(end - h));
	char *sp = nl ? memchr(h, ' ', (size_t)(nl - h)) : NULL;
	/* the hash: not empty, no control byte, space or DEL */
	if (!sp || sp == h || !clean(h, (size_t)(sp - h), 0x21))
		return false;
	/* the path: no control byte or DEL, no empty, "." or ".." part */
	char *path = sp + 1;
	if (!clean(path, (size_t)(nl - path), 0x20))
		return false;
	for (char *comp = path;;) {
		char *slash = memchr(comp, '/', (size_t)(nl - comp));
		char *ce = slash ? slash : nl;
		size_t n = (size_t)(ce - comp);
		if (n == 0 || (comp[0] == '.' && (n == 1 || (n == 2 && comp[1] == '.'))))
			return false;
		if (!slash)
			break;
		comp = slash + 1;
	}
	*sp = '\0';
	*nl = '\0';
	c->p = nl + 1;
	r->mode = (unsigned)mode;
	r->mtime_sec = (int64_t)ms;
	r->mtime_nsec = (int64_t)mns;
	r->hash = h;
	r->path = path;
	return true;
}

static int unhex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes n bytes of a <text>; NULL unless it is spelled exactly as
 * add_text() spells some value (no NUL, no raw escaped byte, upper-case
 * hex), and not empty unless may_be_empty. */
static char *take_text(const char *s, size_t n, bool may_be_empty)
{
	/* never longer than its text: decoded into one allocation, not a
	 * buf_addch per byte (issue 18) */
	char *r = xmalloc(n + 1), *o = r;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int hi = i + 2 < n ? unhex(s[i + 1]) : -1, lo = hi >= 0 ? unhex(s[i + 2]) : -1;
			c = (unsigned char)(hi * 16 + lo);
			if (hi < 0 || lo < 0 || !c || !escaped(c))
				goto bad;
			i += 2;
		} else if (escaped(c)) {
			goto bad;
		}
		*o++ = (char)c;
	}
	*o = '\0';
	if (o == r && !may_be_empty)
		goto bad;
	return r;
bad:
	free(r);
	return NULL;
}

/* A line "<key> <text>": *out receives the value (false: another line,
 * or a bad value; the cursor then stays). */
static bool take_field(struct cursor *c, const char *key, char **out)
{
	struct cursor at = *c;
	const char *line;
	size_t n, kn = strlen(key);
	if (!take_line(&at, &line, &n) || n <= kn || memcmp(line, key, kn) || line[kn] != ' ' ||
	    !(*out = take_text(line + kn + 1, n - kn - 1, false)))
		return false;
	*c = at;
	return true;
}

static bool take_small(const char **p, const char *end, char stop, int *out)
{
	int v = 0;
	const char *s = *p;
	while (*p < end && **p >= '0' && **p <= '9' && *p - s < 6)
		v = v * 10 + (*(*p)++ - '0');
	if (*p == s || *p >= end || **p != stop)
		return false;
	(*p)++;
	*out = v;
	return true;
}

/* "entry-point <kind> <name> <module> <attr>" */
static bool take_entry_point(struct cursor *c, struct entry_points *eps)
{
	struct cursor at = *c;
	const char *line, *f[4];
	size_t n, fn[4];
	if (!take_line(&at, &line, &n) || n < 12 || memcmp(line, "entry-point ", 12))
		return false;
	const char *p = line + 12, *end = line + n;
	for (int i = 0; i < 4; i++) {
		const char *sp = i < 3 ? memchr(p, ' ', (size_t)(end - p)) : end;
		if (!sp)
			return false;
		f[i] = p;
		fn[i] = (size_t)(sp - p);
		p = sp + (i < 3);
	}
	bool gui = fn[0] == 3 && !memcmp(f[0], "gui", 3);
	if (!gui && (fn[0] != 7 || memcmp(f[0], "console", 7)))
		return false;
	struct entry_point ep = { take_text(f[1], fn[1], false), take_text(f[2], fn[2], false),
				  take_text(f[3], fn[3], true), gui };
	if (!ep.name || !ep.module || !ep.attr) {
		free(ep.name);
		free(ep.module);
		free(ep.attr);
		return false;
	}
	eps->v = xrealloc(eps->v, (eps->n + 1) * sizeof(*eps->v));
	eps->v[eps->n++] = ep;
	*c = at;
	return true;
}

/* The wheel block, when the seal has one (it starts with "dist-info "). */
static bool parse_info(struct cursor *c, struct manifest_info **out)
{
	if (c->end - c->p < 10 || memcmp(c->p, "dist-info ", 10))
		return true;
	struct manifest_info *in = manifest_info_new();
	const char *line;
	size_t n;
	char *v = NULL;
	bool ok = take_field(c, "dist-info", &in->dist_info) && take_field(c, "name", &in->name) &&
		  take_field(c, "version", &in->version);
	if (ok && !take_field(c, "requires-python", &in->requires_python))
		in->requires_python = NULL;
	while (ok && take_field(c, "requires-dist", &v))
		strvec_push_take(&in->requires_dist, v);
	ok = ok && take_line(c, &line, &n) && n > 14 && !memcmp(line, "wheel-version ", 14);
	if (ok) {
		/* line[n] is the line's '\n' (take_line found it): the second stop */
		const char *p = line + 14, *end = line + n + 1;
		ok = take_small(&p, end, ' ', &in->wheel_version[0]) &&
		     take_small(&p, end, '\n', &in->wheel_version[1]) && p == end;
	}
	ok = ok && take_line(c, &line, &n) && n == 17 && !memcmp(line, "root-is-purelib ", 16) &&
	     (line[16] == '0' || line[16] == '1');
	if (ok)
		in->root_is_purelib = line[16] == '1';
	while (ok && take_entry_point(c, &in->eps))
		;
	if (!ok) {
		manifest_info_free(in);
		return false;
	}
	*out = in;
	return true;
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
	struct manifest m = MANIFEST_INIT;
	size_t mn = strlen(MAGIC), lines = 0;
	int r = -1;
	bool v1 = len >= mn && !memcmp(text, MAGIC_1, mn);
	if (len < mn || (memcmp(text, MAGIC, mn) && !v1))
		goto out;
	/* one allocation per seal: a row per line at most, then the text */
	for (const char *nl = text; (nl = memchr(nl, '\n', (size_t)(text + len - nl))); nl++)
		lines++;
	m.cap = lines;
	m.block = xmalloc(lines * sizeof(*m.rows) + len + 1);
	m.rows = m.block;
	char *copy = (char *)m.block + lines * sizeof(*m.rows);
	memcpy(copy, text, len);
	copy[len] = '\0';
	struct cursor c = { copy + mn, copy + len };
	if (!parse_key(&c, m.key) || (!v1 && !parse_info(&c, &m.info)))
		goto out;
	while (c.end - c.p != 4 || memcmp(c.p, "end\n", 4)) {
		struct manifest_row *row = &m.rows[m.n];
		if (m.n == m.cap || !parse_row(&c, row) ||
		    (m.n && strcmp(m.rows[m.n - 1].path, row->path) >= 0))
			goto out;
		m.n++;
	}
	r = 0;
	*out = m;
	memset(&m, 0, sizeof(m));
out:
	manifest_free(&m);
	return r;
}
