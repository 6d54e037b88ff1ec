/* The TOML writer (see tomlw.h). */
#include "util/common.h"

#include <ctype.h>

#include "core/lock/tomlw.h"
#include "util/error.h"

void tomlw_init(struct tomlw *w, struct buf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

static void fail(struct tomlw *w, const char *why)
{
	if (!w->bad)
		w->bad = why;
}

int tomlw_finish(struct tomlw *w)
{
	if (w->depth || w->after_key)
		fail(w, "an array, inline table or key was left open");
	if (w->bad)
		return error("cannot write TOML: %s", w->bad);
	return 0;
}

bool tomlw_quote(struct buf *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = *p < 0x80 ? 1 : utf8_len(p);
		if (!n)
			return false;
		p += n;
	}
	buf_addch(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': buf_addstr(out, "\\\""); break;
		case '\\': buf_addstr(out, "\\\\"); break;
		case '\b': buf_addstr(out, "\\b"); break;
		case '\t': buf_addstr(out, "\\t"); break;
		case '\n': buf_addstr(out, "\\n"); break;
		case '\f': buf_addstr(out, "\\f"); break;
		case '\r': buf_addstr(out, "\\r"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				buf_addf(out, "\\u%04X", *p);
			else
				buf_addch(out, (char)*p);
		}
	}
	buf_addch(out, '"');
	return true;
}

static bool bare_key(const char *k)
{
	if (!*k)
		return false;
	for (; *k; k++)
		if (!isalnum((unsigned char)*k) && *k != '_' && *k != '-')
			return false;
	return true;
}

static void put_key(struct tomlw *w, const char *k)
{
	if (bare_key(k))
		buf_addstr(w->out, k);
	else if (!tomlw_quote(w->out, k))
		fail(w, "a key is not valid UTF-8");
}

static void header(struct tomlw *w, const char *open, const char *close,
		   const char *const *keys, size_t n)
{
	if (w->depth || w->after_key || !n)
		fail(w, "a table header inside a value");
	if (w->out->len)
		buf_addch(w->out, '\n');
	buf_addstr(w->out, open);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addch(w->out, '.');
		put_key(w, keys[i]);
	}
	buf_addstr(w->out, close);
	buf_addch(w->out, '\n');
}

void tomlw_table(struct tomlw *w, const char *const *keys, size_t n)
{
	header(w, "[", "]", keys, n);
}

void tomlw_array_table(struct tomlw *w, const char *const *keys, size_t n)
{
	header(w, "[[", "]]", keys, n);
}

void tomlw_comment(struct tomlw *w, const char *text)
{
	if (w->depth || w->after_key)
		fail(w, "a comment inside a value");
	if (!text || !*text) {
		buf_addch(w->out, '\n');
		return;
	}
	buf_addstr(w->out, "# ");
	for (const char *p = text; *p; p++)
		buf_addch(w->out, *p == '\n' || *p == '\r' ? ' ' : *p);
	buf_addch(w->out, '\n');
}

void tomlw_key(struct tomlw *w, const char *key)
{
	if (w->after_key || (w->depth && w->kind[w->depth - 1] != 't')) {
		fail(w, "a key where a value is due");
		return;
	}
	if (w->depth && w->count[w->depth - 1]++)
		buf_addstr(w->out, ", ");
	put_key(w, key);
	buf_addstr(w->out, " = ");
	w->after_key = true;
}

/* Before a value: the separator inside an array, or the key it belongs to. */
static void before_value(struct tomlw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->depth || w->kind[w->depth - 1] == 't') {
		fail(w, "a value without a key");
		return;
	}
	char k = w->kind[w->depth - 1];
	if (k == 'm')
		buf_addstr(w->out, "\n    ");
	else if (w->count[w->depth - 1])
		buf_addstr(w->out, ", ");
	w->count[w->depth - 1]++;
}

/* After a value: the comma of a multi-line array, the end of a top-level line. */
static void after_value(struct tomlw *w)
{
	if (!w->depth)
		buf_addch(w->out, '\n');
	else if (w->kind[w->depth - 1] == 'm')
		buf_addch(w->out, ',');
}

void tomlw_str(struct tomlw *w, const char *s)
{
	before_value(w);
	if (!tomlw_quote(w->out, s)) {
		fail(w, "a string is not valid UTF-8");
		buf_addstr(w->out, "\"\"");
	}
	after_value(w);
}

void tomlw_int(struct tomlw *w, long long v)
{
	before_value(w);
	buf_addf(w->out, "%lld", v);
	after_value(w);
}

void tomlw_bool(struct tomlw *w, bool v)
{
	before_value(w);
	buf_addstr(w->out, v ? "true" : "false");
	after_value(w);
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

bool tomlw_datetime_valid(const char *s)
{
	/* YYYY-MM-DD[T ]HH:MM:SS */
	if (strlen(s) < 19 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || (s[10] != 'T' && s[10] != ' ') || !digits(s + 11, 2) ||
	    s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
		return false;
	const char *p = s + 19;
	if (*p == '.') {
		size_t n = strspn(p + 1, "0123456789");
		if (!n)
			return false;
		p += 1 + n;
	}
	if (*p == 'Z' || *p == 'z')
		return !p[1];
	if (*p == '+' || *p == '-')
		return strlen(p) == 6 && digits(p + 1, 2) && p[3] == ':' && digits(p + 4, 2);
	return !*p;
}

void tomlw_datetime(struct tomlw *w, const char *s)
{
	before_value(w);
	if (tomlw_datetime_valid(s)) {
		buf_addstr(w->out, s);
	} else {
		fail(w, "a date-time is not in RFC 3339 form");
		buf_addstr(w->out, "1970-01-01T00:00:00Z");
	}
	after_value(w);
}

static void open_container(struct tomlw *w, char kind, const char *text)
{
	before_value(w);
	if (w->depth == TOMLW_MAX_DEPTH) {
		fail(w, "values nested too deeply");
		return;
	}
	buf_addstr(w->out, text);
	w->kind[w->depth] = kind;
	w->count[w->depth] = 0;
	w->depth++;
}

static void close_container(struct tomlw *w, const char *kinds)
{
	if (!w->depth || !strchr(kinds, w->kind[w->depth - 1]) || w->after_key) {
		fail(w, "unbalanced arrays or inline tables");
		return;
	}
	w->depth--;
	char k = w->kind[w->depth];
	size_t n = w->count[w->depth];
	if (k == 'm')
		buf_addstr(w->out, n ? "\n]" : "]");
	else if (k == 'a')
		buf_addch(w->out, ']');
	else
		buf_addstr(w->out, n ? " }" : "}");
	after_value(w);
}

void tomlw_array_begin(struct tomlw *w, bool multiline)
{
	open_container(w, multiline ? 'm' : 'a', "[");
}

void tomlw_array_end(struct tomlw *w)
{
	close_container(w, "am");
}

void tomlw_inline_begin(struct tomlw *w)
{
	open_container(w, 't', "{");
	if (w->depth && w->kind[w->depth - 1] == 't')
		buf_addch(w->out, ' ');
}

void tomlw_inline_end(struct tomlw *w)
{
	/* "{ " was written: an empty table becomes "{}" */
	if (w->depth && w->kind[w->depth - 1] == 't' && !w->count[w->depth - 1])
		buf_setlen(w->out, w->out->len - 1);
	close_container(w, "t");
}

void tomlw_kv_str(struct tomlw *w, const char *key, const char *s)
{
	tomlw_key(w, key);
	tomlw_str(w, s);
}

void tomlw_kv_int(struct tomlw *w, const char *key, long long v)
{
	tomlw_key(w, key);
	tomlw_int(w, v);
}

void tomlw_kv_strs(struct tomlw *w, const char *key, const char *const *v, size_t n, size_t fold)
{
	tomlw_key(w, key);
	tomlw_array_begin(w, fold && n > fold);
	for (size_t i = 0; i < n; i++)
		tomlw_str(w, v[i]);
	tomlw_array_end(w);
}
