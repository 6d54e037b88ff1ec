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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_includes),
		cmocka_unit_test(test_include_explosion),
	};
	return cmocka_run_group_tests_name("requirements", tests, NULL, NULL);
}
