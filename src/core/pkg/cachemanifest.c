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
	if (!m->block) { /* else the rows and what they point to are in it */
		for (size_t i = 0; i < m->n; i++)
			free(m->rows[i].path);
		free(m->rows);
	}
	if (!m->info_in_block)
		manifest_info_free(m->info);
	free(m->block);
	memset(m, 0, sizeof(*m));
}

/* ---- parsing: a cursor over one line at a time ---------------------- */

struct cursor {
	char *p, *end; /* over the seal's text (the manifest's): rows are cut in place */
	char *nl;      /* the '\n' that ends the line at p; NULL: none */
};

/* To the next line (each line's end is looked for once). */
static void next_line(struct cursor *c)
{
	c->p = c->nl + 1;
	c->nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
}

/* Eight bytes at p as a little-endian word: the first byte the lowest. */
static inline uint64_t load8(const char *p)
{
	uint64_t x;
	memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x;
}

/* How many of x's bytes, from the first, are decimal digits (0 to 8). Per
 * byte, with no carry between bytes: the high nibble is 3, and the low one
 * plus 6 stays below 16; then the first byte where either fails. */
static inline unsigned digit_run(uint64_t x)
{
	const uint64_t hi = 0xF0F0F0F0F0F0F0F0ull, lo = 0x0F0F0F0F0F0F0F0Full;
	const uint64_t low7 = 0x7F7F7F7F7F7F7F7Full;
	uint64_t bad = ((x & hi) ^ 0x3030303030303030ull) | (((x & lo) + 0x0606060606060606ull) & hi);
	uint64_t first = (((bad & low7) + low7) | bad) & ~low7;
	return first ? (unsigned)__builtin_ctzll(first) >> 3 : 8;
}

/* The value of x's first k digits (1 <= k <= digit_run(x)): moved to the
 * top of the word (the bytes below become leading zeros), then combined
 * in pairs, fours and eights. A borrow from a byte past the digits only
 * reaches bytes the shift drops. */
static inline uint64_t digits_value(uint64_t x, unsigned k)
{
	x = (x - 0x3030303030303030ull) << (8 * (8 - k));
	x = (x * 10 + (x >> 8)) & 0x00FF00FF00FF00FFull;
	x = (x * 100 + (x >> 16)) & 0x0000FFFF0000FFFFull;
	return (x * 10000 + (x >> 32)) & 0xFFFFFFFFull;
}

/* An unsigned decimal (base 10) or octal (base 8) number of at most 20
 * digits, up to max, ended by the character stop. Inlined into parse_row
 * (five numbers a row of every seal of a warm install, issue 18: the call
 * cost more than the digits); a decimal of up to 15 digits is read eight
 * digits at a time, anything else a digit at a time, its overflow checked
 * past 19 digits (which fit in 64 bits in either base). */
static inline __attribute__((always_inline)) bool take_num(struct cursor *c, unsigned base,
							   uint64_t max, char stop, uint64_t *out)
{
	static const uint64_t pow10[8] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000 };
	char *p = c->p, *s = p;
	const char *end = c->end, *fast;
	uint64_t v = 0;
	unsigned d;
	if (base == 10 && end - p >= 16) {
		uint64_t x = load8(p);
		unsigned k = digit_run(x);
		if (!k)
			return false;
		v = digits_value(x, k);
		p += k;
		if (k == 8) {
			x = load8(p);
			if ((k = digit_run(x)) == 8)
				goto digits; /* 16 or more */
			if (k)
				v = v * pow10[k] + digits_value(x, k);
			p += k;
		}
		goto done;
	}
digits:
	p = s;
	v = 0;
	fast = end - p > 19 ? p + 19 : end;
	while (p < fast && (d = (unsigned)((unsigned char)*p - '0')) < base) {
		v = v * base + d;
		p++;
	}
	while (p == fast && p < end && p - s <= 20 &&
	       (d = (unsigned)((unsigned char)*p - '0')) < base) {
		if (v > (max - d) / base)
			return false;
		v = v * base + d;
		fast = ++p;
	}
	if (p == s || p - s > 20)
		return false;
done:
	if (v > max || p >= end || *p != stop)
		return false;
	c->p = p + 1;
	*out = v;
	return true;
}

/* Whether none of n bytes is a control byte (below 0x20) or DEL: eight
 * bytes a step (a byte loop over every hash and path was most of a seal's
 * parse, issue 18). The word tests are exact for "some byte is": (x - lim)
 * & ~x & 0x80 per byte finds a byte below lim (lim <= 0x80), the same on
 * x ^ DEL with lim 1 finds a DEL. */
static bool clean(const char *s, size_t n)
{
	const unsigned lim = 0x20;
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
static bool parse_row(struct cursor *c, struct manifest_row *r, size_t *span)
{
	uint64_t mode, ms, mns;
	if (!take_num(c, 8, 07777, ' ', &mode) || !take_num(c, 10, UINT64_MAX, ' ', &r->size) ||
	    !take_num(c, 10, UINT64_MAX, ' ', &r->ino) || !take_num(c, 10, INT64_MAX, '.', &ms) ||
	    !take_num(c, 10, 999999999, ' ', &mns))
		return false;
	char *h = c->p, *nl = c->nl;
	char *sp = nl ? memchr(h, ' ', (size_t)(nl - h)) : NULL;
	/* the hash and the path, in one pass: no control byte or DEL (the
	 * hash, up to the line's first space, holds none and is not empty) */
	if (!sp || sp == h || !clean(h, (size_t)(nl - h)))
		return false;
	/* the path: no empty, "." or ".." part */
	char *path = sp + 1;
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
	*span = (size_t)(nl - h) + 1;
	next_line(c);
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

/* Decodes n bytes of a <text> at s to *w, with a NUL, and moves *w past it:
 * the start, or NULL unless it is spelled exactly as add_text() spells
 * some value (no NUL, no raw escaped byte, upper-case hex), and not empty
 * unless may_be_empty. In place: *w is behind s in the seal's own text
 * (see parse_info()), and a decoded byte is never written past the bytes
 * read so far (no allocation per value: issue 18). */
static char *take_text(const char *s, size_t n, bool may_be_empty, char **w)
{
	char *r = *w, *o = r;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int hi = i + 2 < n ? unhex(s[i + 1]) : -1, lo = hi >= 0 ? unhex(s[i + 2]) : -1;
			c = (unsigned char)(hi * 16 + lo);
			if (hi < 0 || lo < 0 || !c || !escaped(c))
				return NULL;
			i += 2;
		} else if (escaped(c)) {
			return NULL;
		}
		*o++ = (char)c;
	}
	if (o == r && !may_be_empty)
		return NULL;
	*o = '\0';
	*w = o + 1;
	return r;
}

/* The line at c is "<key> <something>": where that starts, else NULL. */
static inline __attribute__((always_inline)) const char *keyed(const struct cursor *c,
								   const char *key, size_t kn)
{
	return c->nl && (size_t)(c->nl - c->p) > kn && !memcmp(c->p, key, kn) && c->p[kn] == ' '
		       ? c->p + kn + 1
		       : NULL;
}

#define KEYED(c, key) keyed((c), key, sizeof(key) - 1)

/* A line "<key> <text>", its value decoded to *w: 1 with *out set, 0 for
 * another line (the cursor then stays), -1 for a bad value (the seal is
 * refused: its text behind the cursor may have been written over). */
#define take_field(c, key, w, out) take_field_n((c), key, sizeof(key) - 1, (w), (out))
static inline __attribute__((always_inline)) int take_field_n(struct cursor *c, const char *key,
							       size_t kn, char **w, char **out)
{
	const char *v = keyed(c, key, kn);
	if (!v)
		return 0;
	if (!(*out = take_text(v, (size_t)(c->nl - v), false, w)))
		return -1;
	next_line(c);
	return 1;
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

/* The wheel block's lists while it is parsed: pointers into the seal's
 * text, moved into the manifest's block by compact(); on the stack up to
 * what most wheels have. */
struct info_lists {
	char **rd;
	size_t nrd, caprd;
	struct entry_point *ep;
	size_t nep, capep;
	char *rd_local[16];
	struct entry_point ep_local[8];
};

static void lists_free(struct info_lists *l)
{
	if (l->rd != l->rd_local)
		free(l->rd);
	if (l->ep != l->ep_local)
		free(l->ep);
}

/* Room for one more item in *v (n used of *cap, on the stack while it is
 * local, which most wheel blocks' lists fit in): the heap past that. */
static void *list_room(void *v, size_t n, size_t *cap, size_t size, const void *local)
{
	if (n < *cap)
		return v;
	void *nv = xmalloc(2 * *cap * size);
	memcpy(nv, v, n * size);
	if (v != local)
		free(v);
	*cap *= 2;
	return nv;
}

/* "entry-point <kind> <name> <module> <attr>": 1 taken, 0 another line,
 * -1 a bad one (no other line starts so: the seal is refused). */
static int take_entry_point(struct cursor *c, struct info_lists *l, char **w)
{
	const char *f[4], *p = KEYED(c, "entry-point"), *end = c->nl;
	size_t fn[4];
	if (!p)
		return 0;
	for (int i = 0; i < 4; i++) {
		const char *sp = i < 3 ? memchr(p, ' ', (size_t)(end - p)) : end;
		if (!sp)
			return -1;
		f[i] = p;
		fn[i] = (size_t)(sp - p);
		p = sp + (i < 3);
	}
	bool gui = fn[0] == 3 && !memcmp(f[0], "gui", 3);
	if (!gui && (fn[0] != 7 || memcmp(f[0], "console", 7)))
		return -1;
	/* the fields decoded in order: each written behind the next */
	struct entry_point ep = { NULL, NULL, NULL, gui };
	if (!(ep.name = take_text(f[1], fn[1], false, w)) ||
	    !(ep.module = take_text(f[2], fn[2], false, w)) ||
	    !(ep.attr = take_text(f[3], fn[3], true, w)))
		return -1;
	l->ep = list_room(l->ep, l->nep, &l->capep, sizeof(*l->ep), l->ep_local);
	l->ep[l->nep++] = ep;
	next_line(c);
	return 1;
}

/* The wheel block, when the seal has one (it starts with "dist-info "),
 * into *in and l, its values decoded to *w. The writes stay behind the
 * cursor: *w starts at the text's start, at least the magic and the key
 * line (89 bytes) behind the first value, and each value takes at most its
 * text and a NUL, its key and space (or the line's '\n') left behind. A
 * bad value refuses the seal at once (a line is never read again after a
 * value of it was decoded over the text). */
static bool parse_info(struct cursor *c, struct manifest_info *in, struct info_lists *l,
		       bool *has, char **w)
{
	*has = false;
	if (c->end - c->p < 10 || memcmp(c->p, "dist-info ", 10))
		return true;
	*has = true;
	const char *line;
	char *v = NULL;
	int r;
	if (take_field(c, "dist-info", w, &in->dist_info) < 1 ||
	    take_field(c, "name", w, &in->name) < 1 || take_field(c, "version", w, &in->version) < 1 ||
	    (r = take_field(c, "requires-python", w, &in->requires_python)) < 0)
		return false;
	if (!r)
		in->requires_python = NULL;
	while ((r = take_field(c, "requires-dist", w, &v)) == 1) {
		l->rd = list_room(l->rd, l->nrd, &l->caprd, sizeof(*l->rd), l->rd_local);
		l->rd[l->nrd++] = v;
	}
	const char *p = r < 0 ? NULL : KEYED(c, "wheel-version");
	/* c->nl is the line's '\n': the second stop */
	if (!p || !take_small(&p, c->nl + 1, ' ', &in->wheel_version[0]) ||
	    !take_small(&p, c->nl + 1, '\n', &in->wheel_version[1]) || p != c->nl + 1)
		return false;
	next_line(c);
	if (!(line = KEYED(c, "root-is-purelib")) || c->nl != line + 1 ||
	    (line[0] != '0' && line[0] != '1'))
		return false;
	in->root_is_purelib = line[0] == '1';
	next_line(c);
	while ((r = take_entry_point(c, l, w)) == 1)
		;
	return r == 0;
}

/* The bytes of x (all below 0x80) from lo to hi: their high bits. */
static uint64_t in_range(uint64_t x, unsigned lo, unsigned hi)
{
	const uint64_t ones = 0x0101010101010101ull;
	return (x + (0x80 - lo) * ones) & ~(x + (0x7f - hi) * ones) & 0x8080808080808080ull;
}

bool manifest_is_key(const char *k, size_t n)
{
	if (n != 64)
		return false;
	/* eight bytes a step: a key is checked per wheel of every warm
	 * install, in the index and in the seal (issue 18) */
	for (size_t i = 0; i < n; i += 8) {
		uint64_t x;
		memcpy(&x, k + i, 8);
		if ((x & 0x8080808080808080ull) ||
		    (in_range(x, '0', '9') | in_range(x, 'a', 'f')) != 0x8080808080808080ull)
			return false;
	}
	return true;
}

static bool parse_key(struct cursor *c, char key[65])
{
	const char *line = KEYED(c, "key");
	if (!line || !manifest_is_key(line, (size_t)(c->nl - line)))
		return false;
	memcpy(key, line, 64);
	key[64] = '\0';
	next_line(c);
	return true;
}

/* A parsed seal's rows while it is parsed: on the stack up to a size most
 * wheels fit in, then on the heap; compact() puts them in the seal's block
 * (no line count before the rows, no rows array of their own: issue 18). */
#define ROWS_ON_STACK 32
struct rows_tmp {
	struct manifest_row *v;
	size_t n, cap;
	struct manifest_row local[ROWS_ON_STACK];
};

static void rows_push(struct rows_tmp *t, const struct manifest_row *row)
{
	if (t->n == t->cap) {
		struct manifest_row *v = xmalloc(2 * t->cap * sizeof(*v));
		memcpy(v, t->v, t->n * sizeof(*v));
		if (t->v != t->local)
			free(t->v);
		t->v = v;
		t->cap *= 2;
	}
	t->v[t->n++] = *row;
}

/* Keeps of a parsed seal's text only what its rows and wheel block point
 * to: the block's values were decoded to the text's start, up to mid, then
 * each row's "hash\0path\0" moved there as it was parsed, up to end. One
 * allocation of their size takes the rows' part (from its start), the
 * values, then the rows array and the wheel block's struct and lists, and
 * the read text is freed (the next seal's read takes the same block
 * again). The header, the keys and the numbers were half of the text,
 * kept per wheel of a warm install until its end (a page fault per 4 KiB
 * of heap); one allocation for the rows and the wheel block, not one per
 * value, list and array (issue 18). */
static void compact(struct manifest *m, const char *mid, const char *end,
		    const struct rows_tmp *rt, const struct manifest_info *in,
		    const struct info_lists *l)
{
	char *old = m->block;
	size_t vals = (size_t)(mid - old), rows = (size_t)(end - mid);
	size_t at = (rows + vals + 1 + 7) & ~(size_t)7; /* the structs, aligned */
	size_t size = at + rt->n * sizeof(*rt->v);
	size_t info_at = size;
	if (in)
		size += sizeof(*in) + l->nep * sizeof(*l->ep) + (l->nrd + 1) * sizeof(char *);
	char *p = xmalloc(size);
	memcpy(p, mid, rows);
	memcpy(p + rows, old, vals);
	p[rows + vals] = '\0';
	struct manifest_row *r = (struct manifest_row *)(void *)(p + at);
	for (size_t i = 0; i < rt->n; i++) {
		r[i] = rt->v[i];
		r[i].hash = p + (r[i].hash - mid);
		r[i].path = p + (r[i].path - mid);
	}
	m->rows = rt->n ? r : NULL;
	m->n = m->cap = rt->n;
	if (in) {
#define MOVED(s) ((s) ? p + rows + ((s) - old) : NULL)
		struct manifest_info *ni = (struct manifest_info *)(void *)(p + info_at);
		struct entry_point *ep = (struct entry_point *)(ni + 1);
		char **rd = (char **)(ep + l->nep);
		*ni = *in;
		ni->dist_info = MOVED(in->dist_info);
		ni->name = MOVED(in->name);
		ni->version = MOVED(in->version);
		ni->requires_python = MOVED(in->requires_python);
		for (size_t i = 0; i < l->nrd; i++)
			rd[i] = MOVED(l->rd[i]);
		rd[l->nrd] = NULL;
		/* read only: cap 0, the strings the block's (never strvec_clear) */
		ni->requires_dist = (struct strvec){ rd, l->nrd, 0 };
		for (size_t i = 0; i < l->nep; i++)
			ep[i] = (struct entry_point){ MOVED(l->ep[i].name), MOVED(l->ep[i].module),
						      MOVED(l->ep[i].attr), l->ep[i].gui };
		ni->eps = (struct entry_points){ ep, l->nep };
		m->info = ni;
		m->info_in_block = true;
#undef MOVED
	}
	free(old);
	m->block = p;
}

int manifest_parse_buf(struct buf *text, struct manifest *out)
{
	struct manifest m = MANIFEST_INIT;
	struct manifest_info in = { 0 };
	struct info_lists l;
	l.rd = l.rd_local;
	l.ep = l.ep_local;
	l.nrd = l.nep = 0;
	l.caprd = ARRAY_SIZE(l.rd_local);
	l.capep = ARRAY_SIZE(l.ep_local);
	struct rows_tmp rt;
	bool has_info = false;
	size_t mn = strlen(MAGIC), len = text->len;
	int r = -1;
	rt.v = rt.local;
	rt.n = 0;
	rt.cap = ROWS_ON_STACK;
	/* the read text itself, no copy: values are decoded and rows cut in it */
	char *t = m.block = buf_detach(text), *w = t;
	bool v1 = len >= mn && !memcmp(t, MAGIC_1, mn);
	if (len < mn || (memcmp(t, MAGIC, mn) && !v1))
		goto out;
	struct cursor c = { t + mn, t + len, memchr(t + mn, '\n', len - mn) };
	if (!parse_key(&c, m.key) || (!v1 && !parse_info(&c, &in, &l, &has_info, &w)))
		goto out;
	char *mid = w; /* the wheel block's values end, the rows' start */
	/* each row's hash and path moved behind the cursor, to w */
	while (c.end - c.p != 4 || memcmp(c.p, "end\n", 4)) {
		struct manifest_row row;
		size_t span;
		if (!parse_row(&c, &row, &span) ||
		    (rt.n && strcmp(rt.v[rt.n - 1].path, row.path) >= 0))
			goto out;
		memmove(w, row.hash, span);
		row.path = w + (row.path - row.hash);
		row.hash = w;
		w += span;
		rows_push(&rt, &row);
	}
	compact(&m, mid, w, &rt, has_info ? &in : NULL, &l);
	r = 0;
	*out = m;
	memset(&m, 0, sizeof(m));
out:
	if (rt.v != rt.local)
		free(rt.v);
	lists_free(&l);
	manifest_free(&m);
	return r;
}

int manifest_parse(const char *text, size_t len, struct manifest *out)
{
	struct buf copy = BUF_INIT;
	buf_add(&copy, text, len);
	return manifest_parse_buf(&copy, out);
}
