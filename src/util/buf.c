#include "util/buf.h"

#include <ctype.h>

char buf_empty_[1];

static NORETURN void out_of_memory(size_t n)
{
	fprintf(stderr, "cvenv: fatal: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrndup_trim(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrfmt(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b);
}

bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

/* The parts path_join() joins: a's length without its trailing slashes
 * ("/" kept), and *b moved past its leading ones. */
static inline size_t join_parts(const char *a, const char **b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	while (**b == '/')
		(*b)++;
	return la;
}

void buf_set_path(struct buf *out, const char *a, const char *b)
{
	size_t la = join_parts(a, &b);
	size_t lb = strlen(b);
	if (lb && la == 1 && a[0] == '/')
		la = 0;
	buf_set_join(out, a, la, b, lb);
}

void buf_set_join(struct buf *out, const char *a, size_t la, const char *b, size_t lb)
{
	/* copied, not printed: installs join a path per member (issue 18) */
	buf_reset(out);
	buf_grow(out, la + lb + 1);
	memcpy(out->ptr, a, la);
	if (lb) {
		out->ptr[la++] = '/';
		memcpy(out->ptr + la, b, lb);
	}
	out->len = la + lb;
	out->ptr[out->len] = '\0';
}

char *path_join(const char *a, const char *b)
{
	size_t la = join_parts(a, &b);
	size_t lb = strlen(b);
	if (!lb)
		return xstrndup(a, la);
	if (la == 1 && a[0] == '/')
		la = 0;
	char *r = xmalloc(la + lb + 2);
	memcpy(r, a, la);
	r[la] = '/';
	memcpy(r + la + 1, b, lb + 1);
	return r;
}

void buf_init(struct buf *b)
{
	b->ptr = buf_empty_;
	b->len = b->cap = 0;
}

void buf_free(struct buf *b)
{
	if (b->cap)
		free(b->ptr);
	buf_init(b);
}

char *buf_detach(struct buf *b)
{
	char *p = b->cap ? b->ptr : xstrdup("");
	buf_init(b);
	return p;
}

void buf_reset(struct buf *b)
{
	buf_setlen(b, 0);
}

void buf_grow(struct buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t want = b->len + extra + 1;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap * 2;
	if (b->cap) {
		b->ptr = xrealloc(b->ptr, cap);
	} else {
		b->ptr = xmalloc(cap);
		b->ptr[0] = '\0';
	}
	b->cap = cap;
}

void buf_setlen(struct buf *b, size_t len)
{
	if (!b->cap) {
		if (len == 0)
			return;
		buf_grow(b, len);
	}
	b->len = len;
	b->ptr[len] = '\0';
}

void buf_add(struct buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	buf_grow(b, len);
	memmove(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addch(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

/* The length is found first (from the highest bit set, log10(2) being about
 * 1233/4096, then one comparison), so that the digits are written in place
 * from the end, two at a time from a table: a division by 100 per pair, not
 * one by 10 per digit, and no copy. */
size_t dec_u64(char out[DEC_U64_MAX], uint64_t v)
{
	static const char pairs[] = "0001020304050607080910111213141516171819"
				    "2021222324252627282930313233343536373839"
				    "4041424344454647484950515253545556575859"
				    "6061626364656667686970717273747576777879"
				    "8081828384858687888990919293949596979899";
	static const uint64_t pow10[DEC_U64_MAX] = {
		1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
		10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
		100000000000ull, 1000000000000ull, 10000000000000ull,
		100000000000000ull, 1000000000000000ull, 10000000000000000ull,
		100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull
	};
	/* v | 1 has v's digits (only a 9...9 ends a length, and it is odd) and
	 * a bit set */
	uint64_t odd = v | 1;
	size_t n = (size_t)(64 - __builtin_clzll(odd)) * 1233 >> 12;
	n += odd >= pow10[n];
	char *o = out + n;
	while (v >= 100) {
		o -= 2;
		memcpy(o, pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10)
		memcpy(o - 2, pairs + 2 * v, 2);
	else
		o[-1] = (char)('0' + v);
	return n;
}

void buf_add_u64(struct buf *b, uint64_t v)
{
	buf_grow(b, DEC_U64_MAX);
	b->len += dec_u64(b->ptr + b->len, v);
	b->ptr[b->len] = '\0';
}

void buf_set(struct buf *b, const char *s)
{
	buf_reset(b);
	buf_addstr(b, s);
}

/* Formats into the free room first and again only when that was too short:
 * one vsnprintf for most strings, not one to measure and one to write (half
 * the printf cost of a warm install, issue 18). */
void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	buf_grow(b, 64);
	size_t room = b->cap - b->len;
	va_copy(cp, ap);
	int n = vsnprintf(b->ptr + b->len, room, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->ptr[b->len] = '\0';
		fprintf(stderr, "cvenv: BUG: bad format '%s'\n", fmt);
		abort();
	}
	if ((size_t)n >= room) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void buf_rtrim(struct buf *b, const char *chars)
{
	while (b->len && strchr(chars, b->ptr[b->len - 1]))
		buf_setlen(b, b->len - 1);
}

bool buf_endswith(const struct buf *b, const char *suffix)
{
	size_t n = strlen(suffix);
	return b->len >= n && memcmp(b->ptr + b->len - n, suffix, n) == 0;
}

size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	size_t n;
	unsigned min;
	unsigned cp;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2, min = 0x80, cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, min = 0x800, cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, min = 0x10000, cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* U+202A..U+202E (embeddings, overrides) and U+2066..U+2069 (isolates):
 * they reorder what follows them on the line. */
static bool is_bidi_control(const unsigned char *u, size_t n)
{
	return n == 3 && u[0] == 0xe2 &&
	       ((u[1] == 0x80 && u[2] >= 0xaa && u[2] <= 0xae) ||
		(u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9));
}

void buf_add_printable(struct buf *out, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	while (*u) {
		size_t n = utf8_len(u);
		if (n == 1 && *u == '\n') {
			buf_addstr(out, "\\n");
		} else if (n == 1 && *u == '\t') {
			buf_addstr(out, "\\t");
		} else if (n == 0 || *u < 0x20 || *u == 0x7f) {
			buf_addf(out, "\\x%02x", *u);
			n = 1;
		} else if (n == 2 && u[0] == 0xc2 && u[1] < 0xa0) { /* C1: U+0080..U+009F */
			buf_addf(out, "\\xc2\\x%02x", u[1]);
		} else if (is_bidi_control(u, n)) {
			buf_addf(out, "\\u%04x", ((u[0] & 0x0fu) << 12) | ((u[1] & 0x3fu) << 6) |
						  (u[2] & 0x3fu));
		} else {
			buf_add(out, u, n);
		}
		u += n;
	}
}
