/* PEP 440 versions and specifiers: a cursor parser over a slice, the PEP's
 * ordering, and specifier matching. See pep440.h. */
#include "util/common.h"

#include <inttypes.h>

#include "core/std/pep440.h"
#include "util/buf.h"

struct cur {
	const char *s;
	size_t i, n;
};

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(int c)
{
	c = lower(c);
	return is_digit(c) || (c >= 'a' && c <= 'z');
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int peek(const struct cur *c)
{
	return c->i < c->n ? (unsigned char)c->s[c->i] : -1;
}

/* Case-insensitive keyword; advances on a match. */
static bool eat_word(struct cur *c, const char *w)
{
	/* most words are tried where none is (every version's end, issue 18):
	 * the first byte decides before the length is taken */
	if (c->i >= c->n || lower((unsigned char)c->s[c->i]) != w[0])
		return false;
	size_t k = strlen(w);
	if (c->n - c->i < k)
		return false;
	for (size_t j = 0; j < k; j++)
		if (lower((unsigned char)c->s[c->i + j]) != w[j])
			return false;
	c->i += k;
	return true;
}

static bool eat_sep(struct cur *c)
{
	int ch = peek(c);
	if (ch == '-' || ch == '_' || ch == '.') {
		c->i++;
		return true;
	}
	return false;
}

/* Digits into *out; false when there are none. A number past 2^64-1 sets
 * *out to UINT64_MAX and *big to its digits without leading zeros (*big
 * stays NULL otherwise; one already there is replaced). */
static bool eat_num(struct cur *c, uint64_t *out, char **big)
{
	if (!is_digit(peek(c)))
		return false;
	size_t start = c->i;
	uint64_t v = 0;
	bool over = false;
	while (is_digit(peek(c))) {
		unsigned d = (unsigned)(c->s[c->i++] - '0');
		if (over || v > (UINT64_MAX - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	free(*big);
	*big = NULL;
	if (over) {
		while (c->s[start] == '0')
			start++;
		*big = xstrndup(c->s + start, c->i - start);
		v = UINT64_MAX;
	}
	*out = v;
	return true;
}

/* An optional "[-_.]?digits" after a label; the PEP's grammar accepts the
 * separator even without digits ("1.0a." is 1.0a0). */
static uint64_t label_number(struct cur *c, char **big)
{
	uint64_t n = 0;
	eat_sep(c);
	eat_num(c, &n, big);
	return n;
}

/* One release number from the digits at the cursor: a number too large
 * for 64 bits is kept as its digits (see pep440.h). */
static void push_release(struct cur *c, struct pep440_version *v, size_t *cap)
{
	char *big = NULL;
	uint64_t n = 0;
	eat_num(c, &n, &big);
	if (v->nrelease == *cap) {
		*cap = *cap ? *cap * 2 : 4;
		v->release = xrealloc(v->release, *cap * sizeof(*v->release));
		if (v->release_big)
			v->release_big = xrealloc(v->release_big, *cap * sizeof(*v->release_big));
	}
	if (big && !v->release_big)
		v->release_big = xcalloc(*cap, sizeof(*v->release_big));
	if (v->release_big)
		v->release_big[v->nrelease] = big;
	v->release[v->nrelease++] = n;
}

static bool parse_pre(struct cur *c, struct pep440_version *v)
{
	static const struct { const char *w; enum pep440_pre k; } labels[] = {
		{ "alpha", PEP440_PRE_A }, { "a", PEP440_PRE_A }, { "beta", PEP440_PRE_B },
		{ "b", PEP440_PRE_B }, { "preview", PEP440_PRE_RC }, { "pre", PEP440_PRE_RC },
		{ "rc", PEP440_PRE_RC }, { "c", PEP440_PRE_RC },
	};
	size_t save = c->i;
	eat_sep(c);
	for (size_t j = 0; j < ARRAY_SIZE(labels); j++) {
		if (eat_word(c, labels[j].w)) {
			v->pre = labels[j].k;
			v->pre_n = label_number(c, &v->pre_big);
			return true;
		}
	}
	c->i = save;
	return false;
}

static bool parse_post(struct cur *c, struct pep440_version *v)
{
	size_t save = c->i;
	if (peek(c) == '-') {
		c->i++;
		if (eat_num(c, &v->post_n, &v->post_big)) {
			v->has_post = true;
			return true;
		}
		c->i = save;
	}
	eat_sep(c);
	if (eat_word(c, "post") || eat_word(c, "rev") || eat_word(c, "r")) {
		v->has_post = true;
		v->post_n = label_number(c, &v->post_big);
		return true;
	}
	c->i = save;
	return false;
}

static bool parse_dev(struct cur *c, struct pep440_version *v)
{
	size_t save = c->i;
	eat_sep(c);
	if (eat_word(c, "dev")) {
		v->has_dev = true;
		v->dev_n = label_number(c, &v->dev_big);
		return true;
	}
	c->i = save;
	return false;
}

/* "+abc.01-x" -> "abc.1.x": lower case, '.' separators, numeric segments
 * without leading zeros (they compare as integers). */
static bool parse_local(struct cur *c, struct pep440_version *v)
{
	if (peek(c) != '+')
		return true;
	c->i++;
	struct buf b = BUF_INIT;
	for (;;) {
		size_t start = c->i;
		bool numeric = true;
		while (is_alnum(peek(c))) {
			numeric = numeric && is_digit(peek(c));
			c->i++;
		}
		if (c->i == start) {
			buf_free(&b);
			return false;
		}
		size_t k = start;
		if (numeric)
			while (k + 1 < c->i && c->s[k] == '0')
				k++;
		for (; k < c->i; k++)
			buf_addch(&b, (char)lower((unsigned char)c->s[k]));
		int ch = peek(c);
		if (ch != '-' && ch != '_' && ch != '.')
			break;
		c->i++;
		buf_addch(&b, '.');
	}
	v->local = buf_detach(&b);
	return true;
}

/* The version grammar from the cursor's position; leaves the cursor after it. */
static bool parse_version_at(struct cur *c, struct pep440_version *v)
{
	size_t cap = 0;
	uint64_t n;
	char *big = NULL;
	if (lower(peek(c)) == 'v')
		c->i++;
	if (!is_digit(peek(c)))
		return false;
	size_t save = c->i;
	eat_num(c, &n, &big);
	if (peek(c) == '!') {
		c->i++;
		v->epoch = n;
		v->epoch_big = big;
		if (!is_digit(peek(c)))
			return false;
	} else {
		free(big);
		c->i = save;
	}
	push_release(c, v, &cap);
	while (peek(c) == '.' && c->i + 1 < c->n && is_digit((unsigned char)c->s[c->i + 1])) {
		c->i++;
		push_release(c, v, &cap);
	}
	parse_pre(c, v);
	parse_post(c, v);
	parse_dev(c, v);
	return parse_local(c, v);
}

/* The length of the white space character (Python's str.isspace, which
 * packaging's \s and strip() follow) that s[0..n) starts with, or 0. */
static size_t space_at(const unsigned char *s, size_t n)
{
	if (!n)
		return 0;
	if (is_space(s[0]) || (s[0] >= 0x1c && s[0] <= 0x1f))
		return 1;
	if (n >= 2 && s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0))
		return 2;
	if (n < 3)
		return 0;
	if (s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80) /* U+1680 */
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x80 &&
	    ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf))
		return 3; /* U+2000-200A, U+2028, U+2029, U+202F */
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f) /* U+205F */
		return 3;
	if (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80) /* U+3000 */
		return 3;
	return 0;
}

/* The same for the character that ends s[0..n). */
static size_t space_before(const unsigned char *s, size_t n)
{
	for (size_t k = 1; k <= 3 && k <= n; k++)
		if (space_at(s + n - k, k) == k)
			return k;
	return 0;
}

static void trim(const char **s, size_t *len)
{
	size_t k;
	while ((k = space_at((const unsigned char *)*s, *len)))
		(*s) += k, (*len) -= k;
	while ((k = space_before((const unsigned char *)*s, *len)))
		(*len) -= k;
}

size_t pep440_plain_parts(const char *s, size_t len)
{
	size_t parts = 1, digits = 0;
	if (!len || len > PEP440_MAX_LEN)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (!digits)
				return 0;
			parts++;
			digits = 0;
		} else if (!is_digit((unsigned char)s[i]) || ++digits > 19) {
			return 0;
		}
	}
	return digits ? parts : 0;
}

void pep440_plain_release(const char *s, size_t len, uint64_t *release)
{
	uint64_t x = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			*release++ = x;
			x = 0;
		} else {
			x = x * 10 + (uint64_t)(s[i] - '0');
		}
	}
	*release = x;
}

/* A version of release numbers only, as most are, into *v as the grammar
 * makes it (leading zeros dropped by the value). False (nothing made) for
 * anything else, which the grammar then reads: a wheel's version is parsed
 * per wheel of every find-links directory (issue 18). */
static bool parse_plain(const char *s, size_t len, struct pep440_version *v)
{
	size_t parts = pep440_plain_parts(s, len);
	if (!parts)
		return false;
	v->release = xmalloc(parts * sizeof(*v->release));
	v->nrelease = parts;
	pep440_plain_release(s, len, v->release);
	return true;
}

int pep440_parse(const char *s, size_t len, struct pep440_version *v)
{
	memset(v, 0, sizeof(*v));
	if (parse_plain(s, len, v))
		return 0;
	trim(&s, &len);
	struct cur c = { s, 0, len };
	if (len > PEP440_MAX_LEN || !parse_version_at(&c, v) || c.i != c.n) {
		pep440_version_free(v);
		return -1;
	}
	return 0;
}

int pep440_parse_str(const char *s, struct pep440_version *v)
{
	return pep440_parse(s, strlen(s), v);
}

void pep440_version_free(struct pep440_version *v)
{
	for (size_t i = 0; v->release_big && i < v->nrelease; i++)
		free(v->release_big[i]);
	free(v->release_big);
	free(v->release);
	free(v->local);
	free(v->epoch_big);
	free(v->pre_big);
	free(v->post_big);
	free(v->dev_big);
	memset(v, 0, sizeof(*v));
}

void pep440_version_copy(struct pep440_version *dst, const struct pep440_version *src)
{
	*dst = *src;
	dst->release = xmalloc(src->nrelease * sizeof(*src->release));
	memcpy(dst->release, src->release, src->nrelease * sizeof(*src->release));
	dst->local = src->local ? xstrdup(src->local) : NULL;
	dst->epoch_big = src->epoch_big ? xstrdup(src->epoch_big) : NULL;
	dst->pre_big = src->pre_big ? xstrdup(src->pre_big) : NULL;
	dst->post_big = src->post_big ? xstrdup(src->post_big) : NULL;
	dst->dev_big = src->dev_big ? xstrdup(src->dev_big) : NULL;
	if (src->release_big) {
		dst->release_big = xcalloc(src->nrelease, sizeof(*dst->release_big));
		for (size_t i = 0; i < src->nrelease; i++)
			if (src->release_big[i])
				dst->release_big[i] = xstrdup(src->release_big[i]);
	}
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static const char *big_at(const struct pep440_version *v, size_t i)
{
	return v->release_big && i < v->nrelease ? v->release_big[i] : NULL;
}

/* Two numbers, each a 64-bit value or (big not NULL) its digits past
 * 2^64-1: a number kept as digits is larger than any 64-bit one, two of them
 * compare by length (no leading zeros), then digit by digit. */
static int cmp_num(uint64_t a, const char *x, uint64_t b, const char *y)
{
	if (x && y) {
		size_t lx = strlen(x), ly = strlen(y);
		if (lx != ly)
			return lx < ly ? -1 : 1;
		int r = memcmp(x, y, lx);
		return r < 0 ? -1 : r > 0;
	}
	if (x || y)
		return x ? 1 : -1;
	return cmp_u64(a, b);
}

/* Release number i of a and of b (0 past the end), compared as numbers. */
static int cmp_component(const struct pep440_version *a, size_t i, const struct pep440_version *b,
			 size_t j)
{
	return cmp_num(i < a->nrelease ? a->release[i] : 0, big_at(a, i),
		       j < b->nrelease ? b->release[j] : 0, big_at(b, j));
}

static int cmp_epoch(const struct pep440_version *a, const struct pep440_version *b)
{
	return cmp_num(a->epoch, a->epoch_big, b->epoch, b->epoch_big);
}

static int cmp_release(const struct pep440_version *a, const struct pep440_version *b)
{
	size_t n = a->nrelease > b->nrelease ? a->nrelease : b->nrelease;
	for (size_t i = 0; i < n; i++) {
		int r = cmp_component(a, i, b, i);
		if (r)
			return r;
	}
	return 0;
}

/* Where the pre-release part sorts: a dev release of a final version comes
 * before its alphas; a version without pre-release after all of them. */
static int pre_rank(const struct pep440_version *v)
{
	if (v->pre != PEP440_PRE_NONE)
		return (int)v->pre;
	return (!v->has_post && v->has_dev) ? 0 : 4;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit((unsigned char)s[i]))
			return false;
	return n > 0;
}

/* Local segments: numbers compare as integers (they carry no leading zeros
 * once normalised) and sort after alphanumeric segments. */
static int cmp_local(const char *a, const char *b)
{
	if (!a || !b)
		return !a && !b ? 0 : (a ? 1 : -1);
	while (*a && *b) {
		size_t la = strcspn(a, "."), lb = strcspn(b, ".");
		bool na = all_digits(a, la), nb = all_digits(b, lb);
		int r;
		if (na && nb)
			r = la != lb ? (la < lb ? -1 : 1) : memcmp(a, b, la);
		else if (na != nb)
			r = na ? 1 : -1;
		else {
			r = memcmp(a, b, la < lb ? la : lb);
			if (!r)
				r = la < lb ? -1 : la > lb;
		}
		if (r)
			return r < 0 ? -1 : 1;
		a += la + (a[la] == '.');
		b += lb + (b[lb] == '.');
	}
	return *a ? 1 : (*b ? -1 : 0);
}

int pep440_cmp(const struct pep440_version *a, const struct pep440_version *b)
{
	int r;
	if ((r = cmp_epoch(a, b)) || (r = cmp_release(a, b)))
		return r;
	int pa = pre_rank(a), pb = pre_rank(b);
	if (pa != pb)
		return pa < pb ? -1 : 1;
	if (a->pre != PEP440_PRE_NONE && (r = cmp_num(a->pre_n, a->pre_big, b->pre_n, b->pre_big)))
		return r;
	if (a->has_post != b->has_post)
		return a->has_post ? 1 : -1;
	if ((r = cmp_num(a->post_n, a->post_big, b->post_n, b->post_big)))
		return r;
	if (a->has_dev != b->has_dev)
		return a->has_dev ? -1 : 1;
	if ((r = cmp_num(a->dev_n, a->dev_big, b->dev_n, b->dev_big)))
		return r;
	return cmp_local(a->local, b->local);
}

static void add_num(struct buf *out, const char *before, uint64_t n, const char *big)
{
	if (big)
		buf_addf(out, "%s%s", before, big);
	else
		buf_addf(out, "%s%" PRIu64, before, n);
}

void pep440_format(struct buf *out, const struct pep440_version *v)
{
	static const char *const pre[] = { "", "a", "b", "rc" };
	if (v->epoch) {
		add_num(out, "", v->epoch, v->epoch_big);
		buf_addch(out, '!');
	}
	for (size_t i = 0; i < v->nrelease; i++)
		add_num(out, i ? "." : "", v->release[i], big_at(v, i));
	if (v->pre)
		add_num(out, pre[v->pre], v->pre_n, v->pre_big);
	if (v->has_post)
		add_num(out, ".post", v->post_n, v->post_big);
	if (v->has_dev)
		add_num(out, ".dev", v->dev_n, v->dev_big);
	if (v->local)
		buf_addf(out, "+%s", v->local);
}

/* Whether s is a release-only version already in normal form ("1.10.0":
 * numbers of at most 9 digits without leading zeros, joined by dots), which
 * normalizes to itself: most installed versions are, and listing an env
 * normalizes every one of them (a parse and a format each showed in the
 * no-op sync's profile). */
static bool is_plain_release(const char *s)
{
	for (;;) {
		size_t n = strspn(s, "0123456789");
		if (!n || n > 9 || (n > 1 && *s == '0'))
			return false;
		s += n;
		if (!*s)
			return true;
		if (*s++ != '.')
			return false;
	}
}

char *pep440_normalize(const char *s)
{
	struct pep440_version v;
	if (is_plain_release(s))
		return xstrdup(s);
	if (pep440_parse_str(s, &v) < 0)
		return NULL;
	struct buf b = BUF_INIT;
	pep440_format(&b, &v);
	pep440_version_free(&v);
	return buf_detach(&b);
}

/* ---- specifiers ---- */

static const struct {
	const char *text;
	enum pep440_op op;
} ops[] = {
	/* longest first, so "===" is not read as "==" */
	{ "===", PEP440_OP_ARBITRARY }, { "~=", PEP440_OP_COMPATIBLE }, { "==", PEP440_OP_EQ },
	{ "!=", PEP440_OP_NE }, { "<=", PEP440_OP_LE }, { ">=", PEP440_OP_GE },
	{ "<", PEP440_OP_LT }, { ">", PEP440_OP_GT },
};

static const char *op_text(enum pep440_op op)
{
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (ops[i].op == op)
			return ops[i].text;
	return "?";
}

static void spec_free(struct pep440_spec *sp)
{
	pep440_version_free(&sp->v);
	free(sp->text);
}

/* One clause (already trimmed); the reason for a failure goes to err. */
static int parse_clause(const char *s, size_t len, struct pep440_spec *sp, struct buf *err)
{
	memset(sp, 0, sizeof(*sp));
	size_t k = 0;
	for (size_t i = 0; i < ARRAY_SIZE(ops) && !k; i++) {
		size_t l = strlen(ops[i].text);
		if (len >= l && !memcmp(s, ops[i].text, l)) {
			sp->op = ops[i].op;
			k = l;
		}
	}
	const char *what = NULL;
	if (!k) {
		what = "no comparison operator (one of ~= == != <= >= < > ===)";
		goto fail;
	}
	s += k, len -= k;
	trim(&s, &len);
	if (!len) {
		what = "no version after the operator";
		goto fail;
	}
	sp->text = xstrndup(s, len);
	if (sp->op == PEP440_OP_ARBITRARY) {
		for (size_t i = 0; i < len; i++)
			if (is_space((unsigned char)s[i]) || s[i] == ';' || s[i] == ')') {
				what = "=== takes a single word";
				goto fail;
			}
		return 0;
	}
	if (len >= 2 && s[len - 2] == '.' && s[len - 1] == '*') {
		if (sp->op != PEP440_OP_EQ && sp->op != PEP440_OP_NE) {
			what = "a '.*' suffix is only allowed with == and !=";
			goto fail;
		}
		sp->prefix = true;
		len -= 2;
	}
	if (pep440_parse(s, len, &sp->v) < 0) {
		what = "not a valid PEP 440 version";
		goto fail;
	}
	if (sp->prefix && (sp->v.pre || sp->v.has_post || sp->v.has_dev || sp->v.local)) {
		what = "a prefix match cannot name a pre, post, dev or local release";
		goto fail;
	}
	if (sp->v.local && sp->op != PEP440_OP_EQ && sp->op != PEP440_OP_NE) {
		what = "a local version is only allowed with == and !=";
		goto fail;
	}
	if (sp->op == PEP440_OP_COMPATIBLE && sp->v.nrelease < 2) {
		what = "~= needs at least two release numbers, as in ~=3.10";
		goto fail;
	}
	return 0;
fail:
	if (err)
		buf_addstr(err, what);
	spec_free(sp);
	return -1;
}

int pep440_specset_parse(const char *s, struct pep440_specset *ss, struct buf *err)
{
	memset(ss, 0, sizeof(*ss));
	size_t len = strlen(s);
	trim(&s, &len);
	if (!len)
		return 0;
	const char *end = s + len;
	size_t cap = 0;
	for (const char *p = s;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		const char *q = p;
		size_t l = (size_t)(stop - p);
		trim(&q, &l);
		if (ss->n == cap) {
			cap = cap ? cap * 2 : 4;
			ss->items = xrealloc(ss->items, cap * sizeof(*ss->items));
		}
		struct buf why = BUF_INIT;
		if (!l || parse_clause(q, l, &ss->items[ss->n], &why) < 0) {
			if (err)
				buf_addf(err, "'%.*s': %s", (int)l, q, l ? why.ptr : "empty clause");
			buf_free(&why);
			pep440_specset_free(ss);
			return -1;
		}
		buf_free(&why);
		ss->n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

void pep440_specset_free(struct pep440_specset *ss)
{
	for (size_t i = 0; i < ss->n; i++)
		spec_free(&ss->items[i]);
	free(ss->items);
	memset(ss, 0, sizeof(*ss));
}

/* The version without its local part (a view: shares the release array). */
static struct pep440_version public_of(const struct pep440_version *v)
{
	struct pep440_version p = *v;
	p.local = NULL;
	return p;
}

static bool same_base(const struct pep440_version *a, const struct pep440_version *b)
{
	return cmp_epoch(a, b) == 0 && cmp_release(a, b) == 0;
}

/* "==1.2.*": the candidate's release, padded with zeros, starts with the
 * spec's (a prefix never names a pre, post, dev or local release). */
static bool prefix_match(const struct pep440_version *sp, const struct pep440_version *v)
{
	if (cmp_epoch(sp, v))
		return false;
	for (size_t i = 0; i < sp->nrelease; i++)
		if (cmp_component(sp, i, v, i))
			return false;
	return true;
}

static bool compatible(const struct pep440_version *sp, const struct pep440_version *v)
{
	struct pep440_version pub = public_of(v);
	if (pep440_cmp(&pub, sp) < 0)
		return false;
	struct pep440_version prefix = { .epoch = sp->epoch, .epoch_big = sp->epoch_big,
					 .release = sp->release, .nrelease = sp->nrelease - 1,
					 .release_big = sp->release_big };
	return prefix_match(&prefix, v);
}

static bool equal(const struct pep440_spec *sp, const struct pep440_version *v)
{
	if (sp->prefix)
		return prefix_match(&sp->v, v);
	if (sp->v.local)
		return pep440_cmp(v, &sp->v) == 0;
	struct pep440_version pub = public_of(v);
	return pep440_cmp(&pub, &sp->v) == 0;
}

bool pep440_spec_contains(const struct pep440_spec *sp, const struct pep440_version *v)
{
	struct pep440_version pub = public_of(v);
	switch (sp->op) {
	case PEP440_OP_COMPATIBLE:
		return compatible(&sp->v, v);
	case PEP440_OP_EQ:
		return equal(sp, v);
	case PEP440_OP_NE:
		return !equal(sp, v);
	case PEP440_OP_LE:
		return pep440_cmp(&pub, &sp->v) <= 0;
	case PEP440_OP_GE:
		return pep440_cmp(&pub, &sp->v) >= 0;
	case PEP440_OP_LT:
		/* <3.13 must not admit 3.13.0rc1 unless the spec is a pre-release */
		if (pep440_cmp(v, &sp->v) >= 0)
			return false;
		return pep440_is_prerelease(&sp->v) || !pep440_is_prerelease(v) ||
		       !same_base(v, &sp->v);
	case PEP440_OP_GT:
		/* >1.7 must not admit 1.7.post1 or 1.7+local */
		if (pep440_cmp(v, &sp->v) <= 0)
			return false;
		if (!sp->v.has_post && v->has_post && same_base(v, &sp->v))
			return false;
		return !(v->local && same_base(v, &sp->v));
	case PEP440_OP_ARBITRARY: {
		struct buf b = BUF_INIT;
		pep440_format(&b, v);
		bool r = strlen(sp->text) == b.len;
		for (size_t i = 0; r && i < b.len; i++)
			r = lower((unsigned char)sp->text[i]) == lower((unsigned char)b.ptr[i]);
		buf_free(&b);
		return r;
	}
	}
	return false;
}

bool pep440_spec_wants_prereleases(const struct pep440_spec *sp)
{
	switch (sp->op) {
	case PEP440_OP_EQ:
	case PEP440_OP_GE:
	case PEP440_OP_LE:
	case PEP440_OP_COMPATIBLE:
		return pep440_is_prerelease(&sp->v);
	case PEP440_OP_ARBITRARY: {
		struct pep440_version v;
		if (pep440_parse_str(sp->text, &v) < 0)
			return false;
		bool r = pep440_is_prerelease(&v);
		pep440_version_free(&v);
		return r;
	}
	default:
		return false;
	}
}

bool pep440_specset_contains(const struct pep440_specset *ss, const struct pep440_version *v,
			     enum pep440_prereleases pre)
{
	if (pep440_is_prerelease(v)) {
		bool allow = pre == PEP440_PRERELEASES_ALLOW;
		for (size_t i = 0; pre == PEP440_PRERELEASES_DEFAULT && i < ss->n && !allow; i++)
			allow = pep440_spec_wants_prereleases(&ss->items[i]);
		if (!allow)
			return false;
	}
	for (size_t i = 0; i < ss->n; i++)
		if (!pep440_spec_contains(&ss->items[i], v))
			return false;
	return true;
}

void pep440_specset_format(struct buf *out, const struct pep440_specset *ss)
{
	for (size_t i = 0; i < ss->n; i++) {
		const struct pep440_spec *sp = &ss->items[i];
		buf_addf(out, "%s%s", i ? "," : "", op_text(sp->op));
		if (sp->op == PEP440_OP_ARBITRARY) {
			buf_addstr(out, sp->text);
			continue;
		}
		pep440_format(out, &sp->v);
		if (sp->prefix)
			buf_addstr(out, ".*");
	}
}
