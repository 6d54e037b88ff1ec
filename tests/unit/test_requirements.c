/* Unit tests for core/requirements: tests/data/requirements.test (jq's
 * three-line style), and -r/-c includes between real files. */
#include "unit.h"

#include "core/pkg/requirements.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

#ifndef DATA_DIR
#define DATA_DIR "tests/data"
#endif

static void unescape(const char *s, struct buf *out)
{
	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			buf_addch(out, *s);
			continue;
		}
		s++;
		if (*s == 'n')
			buf_addch(out, '\n');
		else if (*s == 'r')
			buf_addch(out, '\r');
		else if (*s == 't')
			buf_addch(out, '\t');
		else if (*s == 'x' && s[1] && s[2]) {
			char hex[3] = { s[1], s[2], 0 };
			buf_addch(out, (char)strtol(hex, NULL, 16));
			s += 2;
		} else
			buf_addch(out, *s);
	}
}

static void summarize(const struct reqs *r, struct buf *out)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct req_entry *e = &r->v[i];
		if (out->len)
			buf_addch(out, ' ');
		if (e->editable)
			buf_addf(out, "e:%s", e->path_or_url);
		else if (e->is_pep508) {
			buf_addstr(out, "req:");
			pep508_format(out, &e->req);
		} else {
			buf_addf(out, "path:%s", e->path_or_url);
			if (e->marker_text)
				buf_addf(out, ";%s", e->marker_text);
		}
		if (e->hashes.n)
			buf_addf(out, "#%zu", e->hashes.n);
		buf_addf(out, "@%d", e->line);
	}
	if (r->index_url)
		buf_addf(out, "%si=%s", out->len ? " " : "", r->index_url);
	for (size_t i = 0; i < r->extra_index_urls.n; i++)
		buf_addf(out, "%sx=%s", out->len ? " " : "", r->extra_index_urls.v[i]);
	for (size_t i = 0; i < r->find_links.n; i++)
		buf_addf(out, "%sf=%s", out->len ? " " : "", r->find_links.v[i]);
	const struct {
		bool on;
		const char *name;
	} flags[] = { { r->no_index, "no-index" }, { r->pre, "pre" },
		      { r->require_hashes, "require-hashes" } };
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if (flags[i].on)
			buf_addf(out, "%s%s", out->len ? " " : "", flags[i].name);
}

static void test_table(void **state)
{
	(void)state;
	struct buf file = BUF_INIT, captured = BUF_INIT;
	assert_int_equal(os_read_file(DATA_DIR "/requirements.test", 1 << 20, &file), 0);
	static const char *const envp[] = { "CVENV_TEST_PK=short", "CVENV_TEST_PKG=from-env", NULL };
	error_capture = &captured;
	char *save = NULL;
	const char *input = NULL;
	int cases = 0;
	for (char *line = strtok_r(file.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (!input) {
			input = line;
			continue;
		}
		struct buf text = BUF_INIT, got = BUF_INIT;
		unescape(input, &text);
		struct reqs r = REQS_INIT;
		r.envp = envp;
		buf_reset(&captured);
		int rc = reqs_parse_text(text.ptr, text.len, "/r/req.txt", false, &r);
		if (starts_with(line, "error: ")) {
			if (rc != -1 || !strstr(captured.ptr, line + 7))
				fail_msg("input %s: expected %s, got rc %d: %s", input, line, rc, captured.ptr);
		} else {
			summarize(&r, &got);
			if (rc != 0 || strcmp(got.ptr, line))
				fail_msg("input %s:\n  want %s\n   got %s\n  (%s)", input, line, got.ptr, captured.ptr);
		}
		reqs_free(&r);
		buf_free(&text);
		buf_free(&got);
		input = NULL;
		cases++;
	}
	assert_true(cases > 15);
	error_capture = NULL;
	buf_free(&captured);
	buf_free(&file);
}

static void put(const char *path, const char *text)
{
	assert_int_equal(os_write_atomic(path, text, strlen(text), 0644, false), 0);
}

static void test_includes(void **state)
{
	(void)state;
	struct buf captured = BUF_INIT;
	error_capture = &captured;
	char *tmp = os_mkdtemp_in("/tmp", "cvenv-unit-");
	char *sub = path_join(tmp, "sub");
	assert_int_equal(os_mkdir(sub, 0755), 0);
	char *top = path_join(tmp, "requirements.txt");
	char *dev = path_join(sub, "dev.txt");
	char *con = path_join(sub, "con.txt");
	char *loop = path_join(tmp, "loop.txt");
	put(top, "a==1\n-r sub/dev.txt\nz==2\n");
	put(dev, "-c con.txt\nb==1\n-f ../wheels\n");
	put(con, "c<3\n");
	char *wheels = path_join(tmp, "wheels");
	assert_int_equal(os_mkdir(wheels, 0755), 0);
	free(wheels);

	struct reqs r = REQS_INIT;
	assert_int_equal(reqs_parse_file(top, false, &r), 0);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.v[0].req.name, "a");
	assert_string_equal(r.v[1].req.name, "c");
	assert_true(r.v[1].constraint);
	assert_string_equal(r.v[1].file, con);
	assert_string_equal(r.v[2].req.name, "b");
	assert_false(r.v[2].constraint);
	assert_string_equal(r.v[3].req.name, "z");
	assert_int_equal(r.v[3].line, 3);
	assert_int_equal(r.find_links.n, 1);
	assert_true(ends_with(r.find_links.v[0], "sub/../wheels"));
	reqs_free(&r);

	put(loop, "a\n-r loop.txt\n");
	assert_int_equal(reqs_parse_file(loop, false, &r), -1);
	assert_non_null(strstr(captured.ptr, "includes itself"));
	reqs_free(&r);

	buf_reset(&captured);
	assert_int_equal(reqs_parse_file("/nonexistent/r.txt", false, &r), -1);
	assert_non_null(strstr(captured.ptr, "cannot read requirements file '/nonexistent/r.txt'"));
	reqs_free(&r);

	assert_int_equal(os_rm_rf(tmp), 0);
	free(tmp);
	free(sub);
	free(top);
	free(dev);
	free(con);
	free(loop);
	error_capture = NULL;
	buf_free(&captured);
}

/* 22 files each including the next twice: 2^22 reads unless each file is
 * read once; the entries of a file included again are not repeated. */
static void test_include_explosion(void **state)
{
	(void)state;
	struct buf captured = BUF_INIT;
	error_capture = &captured;
	char *tmp = unit_scratch_dir("cvenv-unit-");
	for (int i = 0; i < 22; i++) {
		char *f = xstrfmt("%s/r%d.txt", tmp, i);
		char *text = i < 21 ? xstrfmt("p%d==1\n-r r%d.txt\n-r ./r%d.txt\n", i, i + 1, i + 1)
				    : xstrdup("last==1\n");
		put(f, text);
		free(text);
		free(f);
	}
	char *top = xstrfmt("%s/r0.txt", tmp);
	struct reqs r = REQS_INIT;
	assert_int_equal(reqs_parse_file(top, false, &r), 0);
	assert_int_equal(r.n, 22);
	assert_string_equal(r.v[21].req.name, "last");
	reqs_free(&r);

	/* the same file as constraints is read again, as constraints */
	char *both = xstrfmt("%s/both.txt", tmp);
	put(both, "-r r21.txt\n-c r21.txt\n-r r21.txt\n");
	assert_int_equal(reqs_parse_file(both, false, &r), 0);
	assert_int_equal(r.n, 2);
	assert_false(r.v[0].constraint);
	assert_true(r.v[1].constraint);
	reqs_free(&r);

	/* a loop is still an error */
	char *loop = xstrfmt("%s/r21.txt", tmp);
	put(loop, "-r r20.txt\n");
	assert_int_equal(reqs_parse_file(top, false, &r), -1);
	assert_non_null(strstr(captured.ptr, "includes itself"));
	reqs_free(&r);

	/* the total of lines read is bounded */
	buf_reset(&captured);
	size_t n = REQS_LINES_MAX / 2 + 1;
	struct buf big = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_addstr(&big, "#\n");
	char *b1 = xstrfmt("%s/b1.txt", tmp), *b2 = xstrfmt("%s/b2.txt", tmp);
	assert_int_equal(os_write_atomic(b2, big.ptr, big.len, 0644, false), 0);
	buf_addstr(&big, "-r b2.txt\n");
	assert_int_equal(os_write_atomic(b1, big.ptr, big.len, 0644, false), 0);
	assert_int_equal(reqs_parse_file(b1, false, &r), -1);
	assert_non_null(strstr(captured.ptr, "lines of requirements in all"));
	reqs_free(&r);
	buf_free(&big);

	assert_int_equal(os_rm_rf(tmp), 0);
	free(b1);
	free(b2);
	free(loop);
	free(both);
	free(top);
	free(tmp);
	error_capture = NULL;
	buf_free(&captured);
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_strvec(const struct strvec *a, const struct strvec *b)
{
	bool ok = a->n == b->n;
	for (size_t i = 0; ok && i < a->n; i++)
		ok = !strcmp(a->v[i], b->v[i]);
	return ok;
}

/* Field by field, the big numbers' digits included. */
static bool same_version(const struct pep440_version *a, const struct pep440_version *b)
{
	bool ok = a->epoch == b->epoch && a->nrelease == b->nrelease && a->pre == b->pre &&
		  a->pre_n == b->pre_n && a->has_post == b->has_post && a->has_dev == b->has_dev &&
		  a->post_n == b->post_n && a->dev_n == b->dev_n && same_str(a->local, b->local) &&
		  same_str(a->epoch_big, b->epoch_big) && same_str(a->pre_big, b->pre_big) &&
		  same_str(a->post_big, b->post_big) && same_str(a->dev_big, b->dev_big) &&
		  !a->release_big == !b->release_big;
	for (size_t i = 0; ok && i < a->nrelease; i++)
		ok = a->release[i] == b->release[i] &&
		     (!a->release_big || same_str(a->release_big[i], b->release_big[i]));
	return ok;
}

static bool same_req(const struct pep508_req *a, const struct pep508_req *b)
{
	bool ok = same_str(a->name, b->name) && same_strvec(&a->extras, &b->extras) &&
		  same_str(a->spec_text, b->spec_text) && same_str(a->url, b->url) &&
		  a->spec.n == b->spec.n && !a->marker == !b->marker;
	for (size_t i = 0; ok && i < a->spec.n; i++) {
		const struct pep440_spec *x = &a->spec.items[i], *y = &b->spec.items[i];
		ok = x->op == y->op && x->prefix == y->prefix && same_str(x->text, y->text) &&
		     (x->op == PEP440_OP_ARBITRARY || same_version(&x->v, &y->v));
	}
	if (ok && a->marker) {
		struct buf ma = BUF_INIT, mb = BUF_INIT;
		pep508_marker_format(&ma, a->marker);
		pep508_marker_format(&mb, b->marker);
		ok = !strcmp(ma.ptr, mb.ptr);
		buf_free(&ma);
		buf_free(&mb);
	}
	return ok;
}

static bool same_entry(const struct req_entry *a, const struct req_entry *b)
{
	return same_str(a->text, b->text) && a->editable == b->editable &&
	       a->constraint == b->constraint && a->is_pep508 == b->is_pep508 &&
	       (!a->is_pep508 || same_req(&a->req, &b->req)) &&
	       same_str(a->path_or_url, b->path_or_url) && same_str(a->marker_text, b->marker_text) &&
	       same_strvec(&a->hashes, &b->hashes) && same_str(a->file, b->file) &&
	       a->line == b->line;
}

/* text read with the plain-line path and without it: the same entries, the
 * same global options, the same result and message; fast (unless -1) is
 * the number of lines the plain-line path must have taken. */
static void compare_paths(const char *text, size_t len, long fast)
{
	static const char *const envp[] = { "CVENV_TEST_PKG=from-env", NULL };
	struct buf captured = BUF_INIT, ea = BUF_INIT, eb = BUF_INIT, ga = BUF_INIT, gb = BUF_INIT;
	struct reqs a = REQS_INIT, b = REQS_INIT;
	a.envp = b.envp = envp;
	b.full_parse = true;
	error_capture = &captured;
	int ra = reqs_parse_text(text, len, "/r/req.txt", false, &a);
	buf_addstr(&ea, captured.ptr);
	buf_reset(&captured);
	int rb = reqs_parse_text(text, len, "/r/req.txt", false, &b);
	buf_addstr(&eb, captured.ptr);
	error_capture = NULL;
	summarize(&a, &ga);
	summarize(&b, &gb);
	bool ok = ra == rb && !strcmp(ea.ptr, eb.ptr) && !strcmp(ga.ptr, gb.ptr) && a.n == b.n &&
		  b.fast_lines == 0 && (fast < 0 || a.fast_lines == (size_t)fast);
	for (size_t i = 0; ok && i < a.n; i++)
		ok = same_entry(&a.v[i], &b.v[i]);
	if (!ok)
		fail_msg("%.*s: fast path %d (%zu lines) '%s' %s, full parser %d '%s' %s", (int)len,
			 text, ra, a.fast_lines, ea.ptr, ga.ptr, rb, eb.ptr, gb.ptr);
	reqs_free(&a);
	reqs_free(&b);
	buf_free(&captured);
	buf_free(&ea);
	buf_free(&eb);
	buf_free(&ga);
	buf_free(&gb);
}

static void compare_str(const char *text, long fast)
{
	compare_paths(text, strlen(text), fast);
}

/* The plain "name==version" path (issue 18) gives exactly what the general
 * parser gives, and leaves every other line to it. */
static void test_plain_lines(void **state)
{
	(void)state;
	static const char *const names[] = { "a", "Z", "a1", "a.b", "a-b", "a_b", "Ab.C-d_E9",
					     "zope.interface", "x--y", "pkg000" };
	static const char *const versions[] = { "0", "1", "1.0", "10.20.30", "0001.000",
						"9999999999999999999", "18446744073709551615", "18446744073709551616",
						"99999999999999999999999999.1", "1.2.3.4.5.6.7.8" };
	/* appended to a plain line, each makes it something else */
	static const char *const after[] = { " ", "\t", "#", " # c", "\\", ".", ".*", "a", "a1",
					     "+local", ".post1", "rc1", ",<2", ";", "; os_name == 'nt'",
					     " --hash=sha256:ab", "\v", "\f", "\xc2\xa0", "\xe2\x80\x83" };
	/* put before a plain line */
	static const char *const before[] = { " ", "\t", "-", "_", ".", "#", "\xef\xbb\xbf" };
	struct buf t = BUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		for (size_t j = 0; j < ARRAY_SIZE(versions); j++) {
			buf_reset(&t);
			buf_addf(&t, "%s==%s", names[i], versions[j]);
			compare_str(t.ptr, 1);
			buf_addstr(&t, "\r\n");
			compare_str(t.ptr, 1);
			for (size_t k = 0; k < ARRAY_SIZE(after); k++) {
				buf_reset(&t);
				buf_addf(&t, "%s==%s%s\n", names[i], versions[j], after[k]);
				compare_str(t.ptr, 0);
			}
			for (size_t k = 0; k < ARRAY_SIZE(before); k++) {
				buf_reset(&t);
				buf_addf(&t, "%s%s==%s\n", before[k], names[i], versions[j]);
				/* a byte order mark is dropped first: the line is plain */
				compare_str(t.ptr, k == ARRAY_SIZE(before) - 1);
			}
		}
	/* near misses, each left to the general parser */
	static const char *const other[] = {
		"a-==1", "a.==1", "-a==1", "_a==1", "a===1.0", "a==1.", "a==.1", "a==1..0",
		"a==v1", "a==", "==1", "a=1", "a!=1", "a>=1", "a<1", "a~=1.0", "a ==1", "a== 1",
		"a[x]==1", "a[]==1", "a==1,!=1.5", "a@http://x/a.whl", "a==1;", "${CVENV_TEST_PKG}==1",
		"$a==1", "a==1\\", "\xc3\xa9==1", "a\xc3\xa9==1", "a==\xd9\xa1", ("a==1\xef\xbc\x8e" "0"),
		"a/b==1", "./a==1.whl", "a==1.whl", "-r a==1", "--pre", "-e a==1", "a==+1",
		"A==1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0",
	};
	for (size_t i = 0; i < ARRAY_SIZE(other); i++) {
		buf_reset(&t);
		buf_addf(&t, "%s\n", other[i]);
		/* the long one is plain */
		compare_str(t.ptr, i == ARRAY_SIZE(other) - 1);
	}
	/* a NUL in the line: the general parser's error */
	compare_paths("a==1\0\n", 6, 0);
	compare_paths("a==1.0\0", 7, 0);
	/* a version longer than PEP 440 allows: refused by the general parser */
	buf_reset(&t);
	buf_addstr(&t, "a==1");
	for (int i = 0; i < 600; i++)
		buf_addstr(&t, ".0");
	compare_str(t.ptr, 0);
	/* a plain line continuing another, or continued, is part of a logical line */
	compare_str("a \\\nb==1\n", 0);
	compare_str("a==1 \\\n--hash=sha256:ab\n", 0);
	compare_str("b==1\\\n.0\n", 0);
	compare_str("a==1\nb==2 \\\n\nc==3\n", 2);
	compare_str("# c\na==1\n\n  \nb==2", 2);
	/* a file pip freeze could write: every line plain, numbered as written */
	buf_reset(&t);
	for (int i = 0; i < 100; i++)
		buf_addf(&t, "pkg%03d==1.%d\n", i, i);
	compare_str(t.ptr, 100);
	buf_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_includes),
		cmocka_unit_test(test_include_explosion),
		cmocka_unit_test(test_plain_lines),
	};
	return cmocka_run_group_tests_name("requirements", tests, NULL, NULL);
}
