/* musl detection (see libc.h). The banner is parsed as packaging parses it:
 * the text split into lines, each stripped of blanks, blank lines dropped;
 * then "musl" must begin the first line and "Version N.N" the second. */
#include "util/common.h"

#include "core/interp/elf.h"
#include "core/interp/libc.h"
#include "os/readhead.h"
#include "os/spawn.h"
#include "util/buf.h"
#include "util/error.h"

/* Python's str.splitlines() breaks and str.strip() blanks, ASCII part. */
static bool is_break(char c)
{
	return c == '\n' || c == '\r' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || is_break(c) || c == 0x1f;
}

/* The next non-blank line at or after *pos, stripped: start and length. */
static bool next_line(const char *t, size_t len, size_t *pos, const char **s, size_t *n)
{
	while (*pos < len) {
		size_t b = *pos, e = b;
		while (e < len && !is_break(t[e]))
			e++;
		*pos = e < len ? e + 1 : e;
		while (b < e && is_blank(t[b]))
			b++;
		while (e > b && is_blank(t[e - 1]))
			e--;
		if (e > b) {
			*s = t + b;
			*n = e - b;
			return true;
		}
	}
	return false;
}

/* A decimal number of one to three digits at *p (advanced past it): a
 * longer one is no musl version (and would make a million tags). */
static bool number(const char **p, const char *end, int *v)
{
	int digits = 0;
	*v = 0;
	while (*p < end && **p >= '0' && **p <= '9' && digits < 3) {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	return digits > 0 && !(*p < end && **p >= '0' && **p <= '9');
}

int libc_parse_musl_banner(const char *text, size_t len, int *major, int *minor)
{
	size_t pos = 0, n1, n2;
	const char *l1, *l2;
	if (!next_line(text, len, &pos, &l1, &n1) || !next_line(text, len, &pos, &l2, &n2))
		return -1;
	if (n1 < 4 || memcmp(l1, "musl", 4) || n2 < 8 || memcmp(l2, "Version ", 8))
		return -1;
	const char *p = l2 + 8, *end = l2 + n2;
	int a, b;
	if (!number(&p, end, &a) || p == end || *p++ != '.' || !number(&p, end, &b))
		return -1;
	*major = a;
	*minor = b;
	return 0;
}

int libc_musl_version(const char *exe, unsigned timeout_ms, int *major, int *minor)
{
	struct buf head = BUF_INIT;
	if (os_read_head(exe, ELF_HEAD_MAX, &head) < 0) {
		info_errno(2, "cannot read '%s' to look for musl", exe);
		buf_free(&head);
		return 1;
	}
	char *ld = elf_interpreter((const unsigned char *)head.ptr, head.len);
	buf_free(&head);
	if (!ld || !strstr(ld, "musl")) {
		info(2, "'%s' is not linked against musl (ELF interpreter %s)", exe,
		     ld ? ld : "none");
		free(ld);
		return 1;
	}
	/* the loader run bare prints its banner and exits non-zero */
	const char *argv[] = { ld, NULL };
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct os_run_opts o = { .out = &out, .err = &err, .max_output = 4096,
				 .timeout_ms = timeout_ms };
	int status = 0, r = 1;
	info(2, "running the musl loader '%s' of '%s'", ld, exe);
	int ran = os_run(argv, &o, &status);
	if (ran < 0 && errno == ETIMEDOUT)
		warning("the musl loader '%s' of '%s' did not answer within %g s: no musllinux "
			"wheel will be accepted for it", ld, exe, timeout_ms / 1000.0);
	else if (ran < 0)
		info_errno(2, "cannot run the musl loader '%s'", ld);
	else if (libc_parse_musl_banner(err.ptr, err.len, major, minor) == 0)
		r = 0;
	else
		info(2, "the musl loader '%s' did not state its version", ld);
	buf_free(&out);
	buf_free(&err);
	free(ld);
	return r;
}
