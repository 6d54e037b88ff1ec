/* Unit tests for core/lock/pyproject: dependencies, extras, dependency
 * groups with includes (PEP 735), and the refusals. */
#include "unit.h"

#include "core/lock/pyproject.h"

static const char doc[] =
	"[project]\n"
	"name = \"demo\"\n"
	"requires-python = \">=3.9\"\n"
	"dependencies = [\"requests>=2\", \"attrs; python_version >= '3.8'\"]\n"
	"[project.optional-dependencies]\n"
	"Socks = [\"PySocks!=1.5.7\"]\n"
	"cli = [\"click\", \"requests>=2\"]\n"
	"[dependency-groups]\n"
	"test = [\"pytest\", { include-group = \"Lint_Tools\" }, \"coverage\"]\n"
	"lint-tools = [\"ruff\"]\n"
	"all = [{ include-group = \"test\" }, { include-group = \"lint-tools\" }]\n"
	"[tool.other]\n"
	"x = 1\n";

static char *joined(const struct strvec *v)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < v->n; i++)
		buf_addf(&b, "%s%s", i ? " | " : "", v->v[i]);
	return buf_detach(&b);
}

static void check(const struct pyproject_select *sel, const char *want)
{
	struct pyproject p;
	struct strvec out = STRVEC_INIT;
	assert_int_equal(pyproject_parse(doc, strlen(doc), "pyproject.toml", &p), 0);
	assert_int_equal(pyproject_requirements(&p, "pyproject.toml", sel, &out), 0);
	char *got = joined(&out);
	assert_string_equal(got, want);
	free(got);
	strvec_clear(&out);
	pyproject_free(&p);
}

static void test_select(void **state)
{
	(void)state;
	struct strvec extras = STRVEC_INIT, groups = STRVEC_INIT;
	struct pyproject p;
	assert_int_equal(pyproject_parse(doc, strlen(doc), "pyproject.toml", &p), 0);
	assert_string_equal(p.name, "demo");
	assert_string_equal(p.requires_python, ">=3.9");
	pyproject_free(&p);
	check(&(struct pyproject_select){ 0 }, "requests>=2 | attrs; python_version >= '3.8'");
	strvec_push(&extras, "socks"); /* normalized: Socks */
	check(&(struct pyproject_select){ .extras = &extras },
	      "requests>=2 | attrs; python_version >= '3.8' | PySocks!=1.5.7");
	check(&(struct pyproject_select){ .all_extras = true },
	      "requests>=2 | attrs; python_version >= '3.8' | PySocks!=1.5.7 | click");
	strvec_push(&groups, "test");
	check(&(struct pyproject_select){ .no_project = true, .groups = &groups },
	      "pytest | ruff | coverage");
	check(&(struct pyproject_select){ .no_project = true, .all_groups = true },
	      "pytest | ruff | coverage");
	strvec_clear(&extras);
	strvec_clear(&groups);
}

static const struct {
	const char *doc, *extra, *group, *error;
} refusals[] = {
	{ "[project]\ndependencies = \"x\"\n", NULL, NULL, "'dependencies' must be an array of strings, not a string" },
	{ "[project]\ndependencies = [\"x >>> 1\"]\n", NULL, NULL, "invalid requirement 'x >>> 1' in [project] dependencies" },
	{ "[project]\nname = \"a\"\n", "nope", NULL, "has no extra 'nope'" },
	{ "[dependency-groups]\na = []\n", NULL, "b", "has no dependency group 'b'" },
	{ "[dependency-groups]\na = [{ include-group = \"b\" }]\nb = [{ include-group = \"A\" }]\n", NULL, "a",
	  "the dependency group 'a' includes itself (a -> b -> a)" },
	{ "[dependency-groups]\na = [{ include-group = \"b\", x = 1 }]\n", NULL, "a",
	  "must be a requirement string or { include-group = \"NAME\" }" },
	{ "[dependency-groups]\nFoo = []\nfoo = []\n", NULL, NULL, "the dependency group 'foo' is defined twice" },
	{ "[project.optional-dependencies]\nx = [{ include-group = \"y\" }]\n", NULL, NULL,
	  "an entry of the extra 'x' must be a requirement string" },
	{ "[project]\nname = [\n", NULL, NULL, "cannot parse 'pyproject.toml'" },
};

static void test_refusals(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(refusals); i++) {
		struct pyproject p;
		struct strvec out = STRVEC_INIT, extras = STRVEC_INIT, groups = STRVEC_INIT;
		if (refusals[i].extra)
			strvec_push(&extras, refusals[i].extra);
		if (refusals[i].group)
			strvec_push(&groups, refusals[i].group);
		buf_reset(&unit_errors);
		int r = pyproject_parse(refusals[i].doc, strlen(refusals[i].doc), "pyproject.toml", &p);
		if (!r) {
			r = pyproject_requirements(&p, "pyproject.toml",
						   &(struct pyproject_select){ .extras = &extras, .groups = &groups },
						   &out);
			pyproject_free(&p);
		}
		if (r != -1 || !strstr(unit_errors.ptr, refusals[i].error))
			fail_msg("case %zu: want '%s', got '%s'", i, refusals[i].error, unit_errors.ptr);
		strvec_clear(&out);
		strvec_clear(&extras);
		strvec_clear(&groups);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_select),
		cmocka_unit_test_setup_teardown(test_refusals, capture_errors_setup,
						capture_errors_teardown),
	};
	return cmocka_run_group_tests_name("pyproject", tests, NULL, NULL);
}
