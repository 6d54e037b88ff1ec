/* Unit tests for core/activate: each quote_* function against literals worked
 * out by hand, a round trip through a small decoder of each shell's quoting
 * rules (written here from the shells' manuals, not from the code under
 * test), the refusals of activate_check, and the rendering of every template
 * (Activate.ps1 against golden files written by hand, since PowerShell cannot
 * run here). */
#include "unit.h"

#include "core/env/activate.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

typedef void quote_fn(struct buf *, const char *);

struct quote_case {
	const char *in;
	const char *sh, *fish, *csh, *ps, *nu;
};

/* Expected literals, worked out by hand from each shell's quoting rules. */
static const struct quote_case quote_cases[] = {
	{ "", "''", "''", "''", "''", "''" },
	{ "plain", "'plain'", "'plain'", "'plain'", "'plain'", "'plain'" },
	{ "a b", "'a b'", "'a b'", "'a b'", "'a b'", "'a b'" },
	{ "it's", "'it'\\''s'", "'it\\'s'", "'it'\\''s'", "'it''s'", "r#'it's'#" },
	{ "a\\b", "'a\\b'", "'a\\\\b'", "'a\\b'", "'a\\b'", "'a\\b'" },
	{ "hi!", "'hi!'", "'hi!'", "'hi'\\!''", "'hi!'", "'hi!'" },
	{ "$(x)`y`", "'$(x)`y`'", "'$(x)`y`'", "'$(x)`y`'", "'$(x)`y`'", "'$(x)`y`'" },
	{ "\"q\"", "'\"q\"'", "'\"q\"'", "'\"q\"'", "'\"q\"'", "'\"q\"'" },
	{ "; touch x & y | z", "'; touch x & y | z'", "'; touch x & y | z'",
	  "'; touch x & y | z'", "'; touch x & y | z'", "'; touch x & y | z'" },
	{ "*?[]{}~#%-", "'*?[]{}~#%-'", "'*?[]{}~#%-'", "'*?[]{}~#%-'", "'*?[]{}~#%-'",
	  "'*?[]{}~#%-'" },
	{ "'", "''\\'''", "'\\''", "''\\'''", "''''", "r#'''#" },
	{ "'#", "''\\''#'", "'\\'#'", "''\\''#'", "'''#'", "r##''#'##" },
	{ "x'##y'#", "'x'\\''##y'\\''#'", "'x\\'##y\\'#'", "'x'\\''##y'\\''#'", "'x''##y''#'",
	  "r###'x'##y'#'###" },
	{ "\\'", "'\\'\\'''", "'\\\\\\''", "'\\'\\'''", "'\\'''", "r#'\\''#" },
	/* U+2019 (e2 80 99) is a single quote to PowerShell, and only to it. */
	{ "a\xe2\x80\x99" "b", "'a\xe2\x80\x99" "b'", "'a\xe2\x80\x99" "b'",
	  "'a\xe2\x80\x99" "b'", "'a\xe2\x80\x99\xe2\x80\x99" "b'", "'a\xe2\x80\x99" "b'" },
	{ "\xe2\x80\x98\xe2\x80\x9a\xe2\x80\x9b\xe2\x80\x9c", NULL, NULL, NULL,
	  "'\xe2\x80\x98\xe2\x80\x98\xe2\x80\x9a\xe2\x80\x9a\xe2\x80\x9b\xe2\x80\x9b\xe2\x80\x9c'",
	  NULL },
	{ "caf\xc3\xa9 \xf0\x9f\x90\x8d", "'caf\xc3\xa9 \xf0\x9f\x90\x8d'", NULL, NULL, NULL,
	  "'caf\xc3\xa9 \xf0\x9f\x90\x8d'" },
};

static char *quoted(quote_fn *fn, const char *s)
{
	struct buf b = BUF_INIT;
	fn(&b, s);
	return buf_detach(&b);
}

static void check_case(quote_fn *fn, const char *in, const char *want)
{
	if (!want)
		return;
	char *got = quoted(fn, in);
	if (strcmp(got, want))
		print_error("quoting [%s]: want [%s] got [%s]\n", in, want, got);
	assert_string_equal(got, want);
	free(got);
}

static void test_quote_tables(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(quote_cases); i++) {
		const struct quote_case *c = &quote_cases[i];
		check_case(quote_posix_sh, c->in, c->sh);
		check_case(quote_fish, c->in, c->fish);
		check_case(quote_csh, c->in, c->csh);
		check_case(quote_powershell, c->in, c->ps);
		check_case(quote_nu, c->in, c->nu);
	}
}

/* Decoders of one quoted word, after each shell's manual. They return NULL
 * when the word is not a complete, well-formed literal (something left
 * unquoted that the shell would interpret). */

/* POSIX sh: '...' (no escapes inside) and \c outside quotes. */
static char *decode_sh(const char *q)
{
	struct buf b = BUF_INIT;
	while (*q) {
		if (*q == '\'') {
			const char *end = strchr(q + 1, '\'');
			if (!end)
				goto bad;
			buf_add(&b, q + 1, (size_t)(end - q - 1));
			q = end + 1;
		} else if (*q == '\\' && q[1]) {
			buf_addch(&b, q[1]);
			q += 2;
		} else {
			goto bad;
		}
	}
	return buf_detach(&b);
bad:
	buf_free(&b);
	return NULL;
}

/* csh: as sh, but a '!' inside '...' would be history-expanded: refuse it. */
static char *decode_csh(const char *q)
{
	for (const char *p = q, *open = NULL; *p; p++) {
		if (*p == '\'')
			open = open ? NULL : p;
		else if (*p == '!' && (open || p == q || p[-1] != '\\'))
			return NULL;
	}
	return decode_sh(q);
}

/* fish: one '...' in which \\ and \' are escapes. */
static char *decode_fish(const char *q)
{
	struct buf b = BUF_INIT;
	if (*q++ != '\'')
		goto bad;
	for (; *q && *q != '\''; q++) {
		if (*q == '\\' && (q[1] == '\\' || q[1] == '\''))
			q++;
		buf_addch(&b, *q);
	}
	if (*q != '\'' || q[1])
		goto bad;
	return buf_detach(&b);
bad:
	buf_free(&b);
	return NULL;
}

static size_t ps_quote(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] == '\'')
		return 1;
	if (u[0] == 0xe2 && u[1] == 0x80 && u[2] >= 0x98 && u[2] <= 0x9b)
		return 3;
	return 0;
}

/* PowerShell: one '...' (any of the four single quotes open and close it) in
 * which two quotes in a row stand for the second. */
static char *decode_ps(const char *q)
{
	struct buf b = BUF_INIT;
	size_t n = ps_quote(q);
	if (!n)
		goto bad;
	q += n;
	for (;;) {
		if (!*q)
			goto bad;
		if ((n = ps_quote(q))) {
			size_t m = ps_quote(q + n);
			if (!m) {
				q += n;
				break;
			}
			buf_add(&b, q + n, m);
			q += n + m;
		} else {
			buf_addch(&b, *q++);
		}
	}
	if (*q)
		goto bad;
	return buf_detach(&b);
bad:
	buf_free(&b);
	return NULL;
}

/* nushell: '...' without escapes, or r#'...'# ending at ' and as many #. */
static char *decode_nu(const char *q)
{
	if (*q == '\'') {
		const char *end = strchr(q + 1, '\'');
		if (!end || end[1])
			return NULL;
		return xstrndup(q + 1, (size_t)(end - q - 1));
	}
	if (*q++ != 'r')
		return NULL;
	size_t n = strspn(q, "#");
	if (!n || q[n] != '\'')
		return NULL;
	const char *body = q + n + 1;
	for (const char *p = body; (p = strchr(p, '\'')); p++) {
		if (strspn(p + 1, "#") >= n) {
			if (p[1 + n])
				return NULL; /* ended early: the rest would be code */
			return xstrndup(body, (size_t)(p - body));
		}
	}
	return NULL;
}

static const char *const nasty[] = {
	"",
	"plain",
	"with space",
	"it's",
	"''''",
	"\"double\"",
	"$HOME ${HOME} $(touch pwned) `touch pwned`",
	"; touch pwned & | && || > < >> 2>&1",
	"!! !$ !-1 !x \\!",
	"\\ \\\\ \\' \\\"",
	"* ? [a-z] {a,b} ~ ~root # %1 %%",
	"-leading-dash",
	"'#'##'###",
	"end with quote'",
	"end with hash'#",
	"\xe2\x80\x98smart\xe2\x80\x99 \xe2\x80\x9a\xe2\x80\x9b",
	"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x8d",
	"(paren) )( $'x' r#'y'#",
};

static void round_trip(quote_fn *fn, char *(*decode)(const char *), const char *shell)
{
	for (size_t i = 0; i < ARRAY_SIZE(nasty); i++) {
		char *q = quoted(fn, nasty[i]);
		char *back = decode(q);
		if (!back || strcmp(back, nasty[i]))
			print_error("%s: [%s] quoted as [%s] reads back as [%s]\n", shell, nasty[i], q,
				    back ? back : "(malformed)");
		assert_non_null(back);
		assert_string_equal(back, nasty[i]);
		free(back);
		free(q);
	}
}

static void test_round_trips(void **state)
{
	(void)state;
	round_trip(quote_posix_sh, decode_sh, "sh");
	round_trip(quote_fish, decode_fish, "fish");
	round_trip(quote_csh, decode_csh, "csh");
	round_trip(quote_powershell, decode_ps, "powershell");
	round_trip(quote_nu, decode_nu, "nu");
}

/* The decoders themselves must be able to fail, or the round trip proves
 * nothing: naive quoting is caught. */
static void test_decoders_reject_bad_quoting(void **state)
{
	(void)state;
	assert_null(decode_sh("'it's'"));
	assert_null(decode_sh("a b"));
	assert_null(decode_csh("'hi!'"));
	assert_null(decode_fish("'a'b'"));
	assert_null(decode_ps("'it's'"));
	assert_null(decode_ps("'it\xe2\x80\x99s'"));
	assert_null(decode_nu("'it's'"));
	assert_null(decode_nu("r#'a'#b'#"));
}

static struct buf captured = BUF_INIT;

static int setup(void **state)
{
	(void)state;
	buf_reset(&captured);
	error_capture = &captured;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	buf_free(&captured);
	error_capture = NULL;
	return 0;
}

static void expect_refused(const char *env, const char *prompt, const char *msg)
{
	struct activate_vars v = { .env_dir = env, .bin_name = "bin", .prompt = prompt };
	buf_reset(&captured);
	assert_int_equal(activate_check(&v), -1);
	if (!strstr(captured.ptr, msg))
		print_error("want [%s] in [%s]\n", msg, captured.ptr);
	assert_non_null(strstr(captured.ptr, msg));
	/* Rendering refuses the same values. */
	struct buf out = BUF_INIT;
	assert_int_equal(activate_render("activate", &v, &out), -1);
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

static void test_check_refusals(void **state)
{
	(void)state;
	expect_refused("/tmp/a:b", "p",
		       "environment path '/tmp/a:b' contains ':', which would split PATH in two");
	expect_refused("/tmp/a\nb", "p",
		       "environment path '/tmp/a\\nb' contains a newline, which no shell can carry");
	expect_refused("/tmp/a\x1b[31m", "p", "contains the control character 0x1b");
	expect_refused("/tmp/a\x7f", "p", "contains the control character 0x7f");
	expect_refused("/tmp/\xff", "p",
		       "environment path '/tmp/\\xff' contains the byte 0xff, which is not valid UTF-8");
	expect_refused("/tmp/\xc0\xaf", "p", "contains the byte 0xc0"); /* overlong '/' */
	expect_refused("/tmp/\xed\xa0\x80", "p", "contains the byte 0xed"); /* surrogate */
	expect_refused("relative", "p", "environment path 'relative' is not absolute");
	expect_refused("/tmp/x", "a\tb", "prompt 'a\\tb' contains the control character 0x09");
	expect_refused("/tmp/x", "two\nlines", "prompt 'two\\nlines' contains a newline");

	struct activate_vars v = { "/tmp/x", "b in", "p", false };
	assert_int_equal(activate_check(&v), -1);
	assert_non_null(strstr(captured.ptr, "scripts directory name 'b in' is not a plain name"));
}

static void test_check_accepts(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(nasty); i++) {
		char *env = xstrfmt("/tmp/%s", nasty[i]);
		struct activate_vars v = { env, "bin", nasty[i], false };
		assert_int_equal(activate_check(&v), 0);
		free(env);
	}
	/* ':' is fine in a prompt, only PATH minds it. */
	struct activate_vars v = { "/tmp/x", "bin", "a:b", false };
	assert_int_equal(activate_check(&v), 0);
	assert_int_equal(captured.len, 0);
}

static const char *const templates[] = {
	"activate", "activate.fish", "activate.csh", "Activate.ps1", "activate.nu",
};

/* Every template renders with no placeholder left, and carries each value
 * exactly once as its quoted literal. */
static void test_render_all_templates(void **state)
{
	(void)state;
	struct activate_vars v = { "/srv/my env", "bin", "my env", false };
	for (size_t i = 0; i < ARRAY_SIZE(templates); i++) {
		struct buf out = BUF_INIT;
		assert_int_equal(activate_render(templates[i], &v, &out), 0);
		assert_null(strstr(out.ptr, "__CVENV_"));
		assert_null(strstr(out.ptr, "__VENV_"));
		const char *first = strstr(out.ptr, "'/srv/my env'");
		assert_non_null(first);
		assert_null(strstr(first + 1, "'/srv/my env'"));
		buf_free(&out);
	}
}

/* A golden file written by hand: tests/data/golden/<name>. */
static char *golden_path(const char *name)
{
	const char *file = __FILE__; /* tests/unit/test_activate.c */
	const char *slash = strrchr(file, '/');
	char *unit_dir = xstrndup(file, slash ? (size_t)(slash - file) : 0);
	char *p = xstrfmt("%s%s../data/golden/%s", unit_dir, *unit_dir ? "/" : "", name);
	free(unit_dir);
	return p;
}

static void expect_golden(const char *script, const struct activate_vars *v, const char *golden)
{
	struct buf out = BUF_INIT, want = BUF_INIT;
	char *path = golden_path(golden);
	assert_int_equal(activate_render(script, v, &out), 0);
	if (os_read_file(path, 1 << 20, &want) < 0)
		fail_msg("cannot read golden file '%s': %s", path, strerror(errno));
	if (strcmp(out.ptr, want.ptr))
		print_error("rendering differs from %s:\n%s\n", path, out.ptr);
	assert_string_equal(out.ptr, want.ptr);
	free(path);
	buf_free(&out);
	buf_free(&want);
}

static void test_powershell_golden(void **state)
{
	(void)state;
	struct activate_vars plain = { "/home/ana/proj/.venv", "bin", "proj", false };
	expect_golden("Activate.ps1", &plain, "Activate.ps1.plain");
	struct activate_vars nasty_ps = {
		"/tmp/it's $(Remove-Item x) `whoami` \xe2\x80\x99; & | @{}", "bin",
		"it's \xe2\x80\x98q\xe2\x80\x99 $env:HOME", false,
	};
	expect_golden("Activate.ps1", &nasty_ps, "Activate.ps1.quotes");
	struct activate_vars uni = { "/d/caf\xc3\xa9 #1 [x] *?", "bin", "caf\xc3\xa9 \xf0\x9f\x90\x8d", false };
	expect_golden("Activate.ps1", &uni, "Activate.ps1.unicode");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_tables),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_decoders_reject_bad_quoting),
		cmocka_unit_test_setup_teardown(test_check_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_accepts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_render_all_templates, setup, teardown),
		cmocka_unit_test(test_powershell_golden),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
