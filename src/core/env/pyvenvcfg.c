/* pyvenv.cfg reading and writing; see pyvenvcfg.h for the rules. */
#include "util/common.h"

#include <ctype.h>
#include <strings.h>

#include "core/env/pyvenvcfg.h"
#include "util/buf.h"

/* Python's str.strip() white space, within ASCII. */
static bool is_py_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
	       c == '\x1c' || c == '\x1d' || c == '\x1e' || c == '\x1f';
}

static char *strip_dup(const char *s, size_t n, bool lower)
{
	while (n && is_py_space(*s))
		s++, n--;
	while (n && is_py_space(s[n - 1]))
		n--;
	char *r = xstrndup(s, n);
	if (lower)
		for (char *p = r; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return r;
}

void pyvenvcfg_add(struct pyvenvcfg *cfg, const char *key, const char *value)
{
	if (cfg->n == cfg->cap) {
		cfg->cap = cfg->cap ? 2 * cfg->cap : 8;
		cfg->v = xrealloc(cfg->v, cfg->cap * sizeof(*cfg->v));
	}
	cfg->v[cfg->n].key = xstrdup(key);
	cfg->v[cfg->n].value = xstrdup(value);
	cfg->n++;
}

static void add_line(struct pyvenvcfg *cfg, const char *line, size_t n)
{
	const char *eq = memchr(line, '=', n);
	if (!eq)
		return;
	if (cfg->n == cfg->cap) {
		cfg->cap = cfg->cap ? 2 * cfg->cap : 8;
		cfg->v = xrealloc(cfg->v, cfg->cap * sizeof(*cfg->v));
	}
	cfg->v[cfg->n].key = strip_dup(line, (size_t)(eq - line), true);
	cfg->v[cfg->n].value = strip_dup(eq + 1, n - (size_t)(eq - line) - 1, false);
	cfg->n++;
}

void pyvenvcfg_parse(struct pyvenvcfg *cfg, const char *text, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n' && text[i] != '\r')
			continue;
		add_line(cfg, text + start, i - start);
		if (i + 1 < len && text[i] == '\r' && text[i + 1] == '\n')
			i++;
		start = i + 1;
	}
}

static struct pyvenvcfg_entry *find(const struct pyvenvcfg *cfg, const char *key)
{
	/* the first bytes told apart before the whole keys are compared: a
	 * launcher's staging asks for "executable" (issue 18); two bytes that
	 * compare equal ignoring case are equal with their 0x20 bit set */
	unsigned char k0 = (unsigned char)key[0] | 0x20;
	for (size_t i = 0; i < cfg->n; i++)
		if (((unsigned char)cfg->v[i].key[0] | 0x20) == k0 && !strcasecmp(cfg->v[i].key, key))
			return &cfg->v[i];
	return NULL;
}

const char *pyvenvcfg_get(const struct pyvenvcfg *cfg, const char *key)
{
	struct pyvenvcfg_entry *e = find(cfg, key);
	return e ? e->value : NULL;
}

void pyvenvcfg_set(struct pyvenvcfg *cfg, const char *key, const char *value)
{
	struct pyvenvcfg_entry *e = find(cfg, key);
	if (!e) {
		pyvenvcfg_add(cfg, key, value);
		return;
	}
	free(e->value);
	e->value = xstrdup(value);
}

void pyvenvcfg_format(const struct pyvenvcfg *cfg, struct buf *out)
{
	for (size_t i = 0; i < cfg->n; i++)
		buf_addf(out, "%s = %s\n", cfg->v[i].key, cfg->v[i].value);
}

void pyvenvcfg_free(struct pyvenvcfg *cfg)
{
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->v[i].key);
		free(cfg->v[i].value);
	}
	free(cfg->v);
	cfg->v = NULL;
	cfg->n = cfg->cap = 0;
}

bool pyvenvcfg_is_true(const char *value)
{
	return value && !strcasecmp(value, "true");
}

void py_repr_str(struct buf *out, const char *s)
{
	char q = (strchr(s, '\'') && !strchr(s, '"')) ? '"' : '\'';
	buf_addch(out, q);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == (unsigned char)q || *p == '\\') {
			buf_addch(out, '\\');
			buf_addch(out, (char)*p);
		} else if (*p == '\t') {
			buf_addstr(out, "\\t");
		} else if (*p == '\n') {
			buf_addstr(out, "\\n");
		} else if (*p == '\r') {
			buf_addstr(out, "\\r");
		} else if (*p < 0x20 || *p == 0x7f) {
			buf_addf(out, "\\x%02x", *p);
		} else {
			buf_addch(out, (char)*p);
		}
	}
	buf_addch(out, q);
}
