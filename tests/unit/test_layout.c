/* Unit tests for core/layout: for each interpreter kind, the plan must list
 * what that version's own venv makes (cross-checked against real venvs by
 * tests/integration/t1000-create-conformance.sh). */
#include "unit.h"

#include "core/env/layout.h"
#include "core/env/pyvenvcfg.h"
#include "util/buf.h"
#include "util/error.h"

/* One line per item: "d path", "l path -> target", "c path <- src", "f path". */
static void render(const struct layout *l, struct buf *out)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct layout_item *it = &l->v[i];
		switch (it->kind) {
		case LAYOUT_DIR: buf_addf(out, "d %s\n", it->path); break;
		case LAYOUT_SYMLINK: buf_addf(out, "l %s -> %s%s\n", it->path, it->arg, it->only_if_missing ? " ?" : ""); break;
		case LAYOUT_COPY: buf_addf(out, "c %s <- %s%s\n", it->path, it->arg, it->only_if_missing ? " ?" : ""); break;
		case LAYOUT_FILE: buf_addf(out, "f %s\n", it->path); break;
		}
	}
}

static const struct layout_facts cp36 = {
	"cpython", 3, 6, 15, "/py/3.6/bin/python3", "/py/3.6/bin/python3.6", 64, "posix", "linux",
	"lib/python3.6/site-packages", "include", "bin",
};
static const struct layout_facts cp312 = {
	"cpython", 3, 12, 1, "/py/3.12/bin/python3", "/py/3.12/bin/python3.12", 64, "posix", "linux",
	"lib/python3.12/site-packages", "include/python3.12", "bin",
};
static const struct layout_facts cp313 = {
	"cpython", 3, 13, 0, "/py/3.13/bin/python3", "/py/3.13/bin/python3.13", 64, "posix", "linux",
	"lib/python3.13/site-packages", "include/python3.13", "bin",
};
static const struct layout_facts deb311 = {
	"cpython", 3, 11, 2, "/usr/bin/python3.11", "/usr/bin/python3.11", 64, "posix", "linux",
	"lib/python3.11/site-packages", "include/python3.11", "bin",
};
static const struct layout_facts pypy39 = {
	"pypy", 3, 9, 16, "/usr/bin/pypy3", "/usr/bin/pypy3.9", 64, "posix", "linux",
	"lib/pypy3.9/site-packages", "include", "bin",
};
static const struct layout_facts cp38_32 = {
	"cpython", 3, 8, 18, "/py/3.8/bin/python3.8", "/py/3.8/bin/python3.8", 32, "posix", "linux",
	"lib/python3.8/site-packages", "include", "bin",
};
static const struct layout_facts cp310_mac = {
	"cpython", 3, 10, 13, "/py/3.10/bin/python3", "/py/3.10/bin/python3.10", 64, "posix", "darwin",
	"lib/python3.10/site-packages", "include", "bin",
};

static const struct {
	const struct layout_facts *f;
	bool copies, scm;
	const char *plan;
	const char *cfg;
} cases[] = {
	{ &cp36, false, true,
	  "f .gitignore\n"
	  "d include\nd lib/python3.6/site-packages\nl lib64 -> lib ?\nd bin\nf pyvenv.cfg\n"
	  "l bin/python3 -> /py/3.6/bin/python3\nl bin/python -> python3 ?\n",
	  "home = /py/3.6/bin\ninclude-system-site-packages = false\nversion = 3.6.15\n" },
	{ &cp312, false, true,
	  "f .gitignore\n"
	  "d include/python3.12\nd lib/python3.12/site-packages\nl lib64 -> lib ?\nd bin\nf pyvenv.cfg\n"
	  "l bin/python3 -> /py/3.12/bin/python3\nl bin/python -> python3 ?\nl bin/python3.12 -> python3 ?\n",
	  "home = /py/3.12/bin\ninclude-system-site-packages = false\nversion = 3.12.1\n"
	  "executable = /py/3.12/bin/python3.12\n"
	  "command = /c/cvenv create --python /py/3.12/bin/python3 --without-pip /e/env\n" },
	{ &cp313, false, true,
	  "f .gitignore\nd include/python3.13\nd lib/python3.13/site-packages\nl lib64 -> lib ?\nd bin\n"
	  "f pyvenv.cfg\nl bin/python3 -> /py/3.13/bin/python3\nl bin/python -> python3 ?\n"
	  "l bin/python3.13 -> python3 ?\n",
	  NULL },
	{ &cp313, false, false,
	  "d include/python3.13\nd lib/python3.13/site-packages\nl lib64 -> lib ?\nd bin\n"
	  "f pyvenv.cfg\nl bin/python3 -> /py/3.13/bin/python3\nl bin/python -> python3 ?\n"
	  "l bin/python3.13 -> python3 ?\n",
	  "home = /py/3.13/bin\ninclude-system-site-packages = false\nversion = 3.13.0\n"
	  "executable = /py/3.13/bin/python3.13\n"
	  "command = /c/cvenv create --python /py/3.13/bin/python3 --without-pip "
	  "--without-scm-ignore-files /e/env\n" },
	{ &deb311, false, true,
	  "f .gitignore\n"
	  "d include/python3.11\nd lib/python3.11/site-packages\nl lib64 -> lib ?\nd bin\nf pyvenv.cfg\n"
	  "l bin/python3.11 -> /usr/bin/python3.11\nl bin/python -> python3.11 ?\n"
	  "l bin/python3 -> python3.11 ?\n",
	  NULL },
	{ &pypy39, false, true,
	  "f .gitignore\n"
	  "d include\nd lib/pypy3.9/site-packages\nl lib64 -> lib ?\nd bin\nf pyvenv.cfg\n"
	  "l bin/pypy3 -> /usr/bin/pypy3\nl bin/python -> pypy3 ?\nl bin/python3 -> pypy3 ?\n"
	  "l bin/python3.9 -> pypy3 ?\nl bin/pypy -> pypy3 ?\n",
	  "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.9.16\n" },
	{ &cp38_32, true, true,
	  "f .gitignore\n"
	  "d include\nd lib/python3.8/site-packages\nd bin\nf pyvenv.cfg\n"
	  "c bin/python3.8 <- /py/3.8/bin/python3.8\nc bin/python <- /py/3.8/bin/python3.8 ?\n"
	  "c bin/python3 <- /py/3.8/bin/python3.8 ?\n",
	  NULL },
	{ &cp310_mac, false, true,
	  "f .gitignore\n"
	  "d include\nd lib/python3.10/site-packages\nd bin\nf pyvenv.cfg\n"
	  "l bin/python3 -> /py/3.10/bin/python3\nl bin/python -> python3 ?\nl bin/python3.10 -> python3 ?\n",
	  NULL },
};

static void test_plans(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct layout_opts o = { .env_dir = "/e/env", .copies = cases[i].copies,
					 .scm_ignore = cases[i].scm, .cvenv_exe = "/c/cvenv" };
		struct layout l = LAYOUT_INIT;
		assert_int_equal(layout_plan(cases[i].f, &o, &l), 0);
		struct buf got = BUF_INIT;
		render(&l, &got);
		if (strcmp(got.ptr, cases[i].plan))
			fail_msg("case %zu: plan\n%s\nwant\n%s", i, got.ptr, cases[i].plan);
		if (cases[i].cfg) {
			const char *cfg = NULL;
			for (size_t j = 0; j < l.n; j++)
				if (!strcmp(l.v[j].path, "pyvenv.cfg"))
					cfg = l.v[j].arg;
			assert_non_null(cfg);
			if (strcmp(cfg, cases[i].cfg))
				fail_msg("case %zu: pyvenv.cfg\n%s\nwant\n%s", i, cfg, cases[i].cfg);
		}
		buf_free(&got);
		layout_free(&l);
	}
}

/* Keys and order by version, and the flags "command" records. */
static void test_cfg_options(void **state)
{
	(void)state;
	struct layout_opts o = { .env_dir = "/e/my env", .copies = true, .system_site_packages = true,
				 .with_pip = true, .clear = true, .scm_ignore = true,
				 .prompt = "it's", .orig_prompt = "it's", .cvenv_exe = "/c/cvenv" };
	struct pyvenvcfg cfg = PYVENVCFG_INIT;
	struct buf out = BUF_INIT;
	layout_pyvenvcfg(&cp312, &o, &cfg);
	pyvenvcfg_format(&cfg, &out);
	assert_string_equal(out.ptr,
		"home = /py/3.12/bin\ninclude-system-site-packages = true\nversion = 3.12.1\n"
		"prompt = \"it's\"\nexecutable = /py/3.12/bin/python3.12\n"
		"command = /c/cvenv create --python /py/3.12/bin/python3 --copies "
		"--system-site-packages --clear --prompt=\"it's\" /e/my env\n");
	pyvenvcfg_free(&cfg);
	buf_reset(&out);
	/* 3.7 writes no prompt, 3.8 does */
	struct layout_facts f37 = cp36;
	f37.minor = 7;
	layout_pyvenvcfg(&f37, &o, &cfg);
	assert_null(pyvenvcfg_get(&cfg, "prompt"));
	assert_null(pyvenvcfg_get(&cfg, "command"));
	pyvenvcfg_free(&cfg);
	layout_pyvenvcfg(&cp38_32, &o, &cfg);
	assert_string_equal(pyvenvcfg_get(&cfg, "prompt"), "\"it's\"");
	assert_null(pyvenvcfg_get(&cfg, "executable"));
	pyvenvcfg_free(&cfg);
	buf_free(&out);
}

static void test_refusals(void **state)
{
	(void)state;
	struct buf captured = BUF_INIT;
	error_capture = &captured;
	struct layout_facts py27 = cp36;
	py27.major = 2;
	py27.minor = 7;
	assert_false(layout_supported(&py27));
	struct layout_opts o = { .env_dir = "/e" };
	struct layout l = LAYOUT_INIT;
	assert_int_equal(layout_plan(&py27, &o, &l), -1);
	struct layout_facts nopaths = cp312;
	nopaths.purelib = NULL;
	assert_int_equal(layout_plan(&nopaths, &o, &l), -1);
	struct layout_facts relexe = cp312;
	relexe.base_executable = "python3";
	assert_int_equal(layout_plan(&relexe, &o, &l), -1);
	layout_free(&l);
	error_capture = NULL;
	buf_free(&captured);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plans),
		cmocka_unit_test(test_cfg_options),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
