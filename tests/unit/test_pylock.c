/* Unit tests for core/lock/pylock: the fixtures in tests/data/pylock (in the
 * shapes PEP 751, pip lock and uv export write), stable output, and every
 * refusal with its message. */
#include "unit.h"

#include "core/lock/pylock.h"

#ifndef DATA_DIR
#define DATA_DIR "tests/data"
#endif

static void read_fixture(const char *name, struct pylock *l)
{
	char *path = xstrfmt("%s/pylock/%s", DATA_DIR, name);
	if (pylock_read_file(path, l) < 0)
		fail_msg("cannot read %s", path);
	free(path);
}

/* write, read back, write again: the same bytes */
static void assert_stable(struct pylock *l, struct buf *first)
{
	struct buf again = BUF_INIT, third = BUF_INIT;
	struct pylock back;
	assert_int_equal(pylock_write(l, first), 0);
	assert_int_equal(pylock_write(l, &again), 0);
	assert_string_equal(first->ptr, again.ptr);
	assert_int_equal(pylock_parse(first->ptr, first->len, "written", &back), 0);
	assert_int_equal(pylock_write(&back, &third), 0);
	assert_string_equal(first->ptr, third.ptr);
	pylock_free(&back);
	buf_free(&again);
	buf_free(&third);
}

static void test_pep751_shape(void **state)
{
	(void)state;
	struct pylock l;
	read_fixture("pep751-example.toml", &l);
	assert_string_equal(l.created_by, "example-locker");
	assert_string_equal(l.requires_python, "== 3.12");
	assert_int_equal(l.environments.n, 2);
	assert_int_equal(l.n, 2);
	struct buf out = BUF_INIT;
	assert_stable(&l, &out);
	/* sorted by canonical name: alpha-pkg before zeta-lib; hashes by algorithm */
	assert_string_equal(l.v[0].name, "Alpha.Pkg");
	assert_int_equal(l.v[0].nwheels, 2);
	assert_string_equal(l.v[0].wheels[0].hashes.v[0], "blake2b:"
			    "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6");
	assert_int_equal(l.v[0].ndeps, 1);
	assert_string_equal(l.v[1].wheels[0].upload_time, "2025-02-01T10:20:30.123456Z");
	assert_int_equal(l.v[1].wheels[0].size, 4321);
	assert_null(strstr(out.ptr, "attestation")); /* not modelled, not written */
	pylock_free(&l);
	buf_free(&out);
}

static void test_pip_shape(void **state)
{
	(void)state;
	struct pylock l;
	read_fixture("pip-lock.toml", &l);
	assert_int_equal(l.n, 4);
	assert_string_equal(pylock_source_kind(&l.v[0]), "wheels");
	assert_string_equal(l.v[0].wheels[0].name, "certifi_like-2025.1.31-py3-none-any.whl");
	assert_int_equal(l.v[0].wheels[0].size, -1);
	assert_string_equal(pylock_source_kind(&l.v[1]), "archive");
	assert_string_equal(pylock_source_kind(&l.v[2]), "vcs");
	assert_string_equal(l.v[2].vcs->requested_revision, "main");
	assert_string_equal(pylock_source_kind(&l.v[3]), "directory");
	assert_true(l.v[3].directory->editable);
	struct buf out = BUF_INIT;
	assert_stable(&l, &out);
	pylock_free(&l);
	buf_free(&out);
}

/* uv's shape, written back in cvenv's: compared with the expected file */
static void test_uv_shape(void **state)
{
	(void)state;
	struct pylock l;
	read_fixture("uv-export.toml", &l);
	assert_int_equal(l.n, 3);
	struct buf out = BUF_INIT, want = BUF_INIT;
	assert_stable(&l, &out);
	assert_int_equal(os_read_file(DATA_DIR "/pylock/uv-export.written.toml", 1 << 20, &want), 0);
	assert_string_equal(out.ptr, want.ptr);
	assert_string_equal(l.v[0].marker, "sys_platform == 'win32'");
	assert_non_null(l.v[1].sdist);
	assert_null(l.v[1].wheels[0].name); /* uv writes none: taken from the URL */
	char *fn = pylock_file_name(&l.v[1].wheels[0]);
	assert_string_equal(fn, "idna_like-3.10-py3-none-any.whl");
	free(fn);
	assert_string_equal(l.v[1].index, "https://pypi.example.org/simple");
	pylock_free(&l);
	buf_free(&out);
	buf_free(&want);
}

static const struct {
	const char *doc, *error;
} refusals[] = {
	{ "lock-version = \"2.0\"\ncreated-by = \"x\"\n", "lock-version '2.0' is not supported" },
	{ "lock-version = \"1\"\ncreated-by = \"x\"\n", "must be MAJOR.MINOR" },
	{ "lock-version = 1.0\ncreated-by = \"x\"\n", "'lock-version' must be a string, not a float" },
	{ "created-by = \"x\"\n", "'lock-version' is missing" },
	{ "lock-version = \"1.0\"\n", "'created-by' is missing" },
	{ "lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nversion = \"1\"\n",
	  "line 3: 'name' is missing" },
	{ "lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"-x\"\nwheels = []\n",
	  "'-x' is not a valid package name" },
	{ "lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"a\"\nversion = \"x.y\"\n",
	  "invalid version 'x.y'" },
	{ "lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"a\"\n",
	  "'a' has no source" },
	{ "lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"a\"\n"
	  "wheels = [{ url = \"a-1-py3-none-any.whl\" }]\n",
	  "a wheel of 'a' has no 'hashes'" },
	{ "lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"a\"\n"
	  "wheels = [{ name = \"a-1-py3-none-any.whl\", hashes = { sha256 = \"00\" } }]\n",
	  "has neither 'url' nor 'path'" },
	{ "lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"a\"\n"
	  "wheels = [{ path = \"a.whl\", hashes = { sha256 = \"0G\" } }]\n",
	  "the sha256 hash must be a string of lowercase hex digits" },
	{ "lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"a\"\n"
	  "wheels = [{ path = \"a.tar.gz\", hashes = { sha256 = \"00\" } }]\n",
	  "is not named *.whl" },
	/* the name is the private copy's file name under <env>/.cvenv/sync-*:
	 * a slash would take that copy out of it */
	{ "lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"a\"\n"
	  "wheels = [{ name = \"../../a-1-py3-none-any.whl\", path = \"a-1-py3-none-any.whl\", "
	  "hashes = { sha256 = \"00\" } }]\n",
	  "has an invalid file 'name'" },
	{ "lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"a\"\n"
	  "wheels = [{ path = \"a-1-py3-none-any.whl\", size = -1, hashes = { sha256 = \"00\" } }]\n",
	  "negative 'size'" },
	{ "lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"a\"\n"
	  "directory = { path = \".\" }\narchive = { path = \"a.zip\", hashes = { sha256 = \"00\" } }\n",
	  "more than one kind of source" },
	{ "lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"a\"\n"
	  "vcs = { type = \"git\", url = \"u\" }\n",
	  "'commit-id' is missing" },
	{ "lock-version = \"1.0\"\ncreated-by = \"x\"\npackages = [1]\n",
	  "'packages' must be an array of tables" },
	{ "lock-version = \"1.0\"\ncreated-by = \"x\"\nenvironments = [1]\n",
	  "'environments' must be an array of strings, not of an integer" },
	{ "lock-version = \"1.0\"\ncreated-by = \"x\"\nx = \"\xff\"\n", "cannot parse" },
	{ "lock-version = \"1.0\"\nlock-version = \"1.0\"\n", "cannot parse" },
};

static void test_refusals(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(refusals); i++) {
		struct pylock l;
		buf_reset(&unit_errors);
		int r = pylock_parse(refusals[i].doc, strlen(refusals[i].doc), "t.toml", &l);
		if (r != -1 || !strstr(unit_errors.ptr, refusals[i].error))
			fail_msg("case %zu: want '%s', got '%s'", i, refusals[i].error, unit_errors.ptr);
		assert_int_equal(l.n, 0);
	}
	/* a newer minor version is read, with a warning */
	const char *newer = "lock-version = \"1.7\"\ncreated-by = \"x\"\nfuture-key = 1\n";
	struct pylock l;
	buf_reset(&unit_errors);
	assert_int_equal(pylock_parse(newer, strlen(newer), "t.toml", &l), 0);
	assert_non_null(strstr(unit_errors.ptr, "newer than 1.0"));
	pylock_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pep751_shape),
		cmocka_unit_test(test_pip_shape),
		cmocka_unit_test(test_uv_shape),
		cmocka_unit_test_setup_teardown(test_refusals, capture_errors_setup,
						capture_errors_teardown),
	};
	return cmocka_run_group_tests_name("pylock", tests, NULL, NULL);
}
