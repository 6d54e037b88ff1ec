/* Unit tests for core/distinfo (direct_url.json, file URLs, a scan of a
 * hand-made site-packages) and core/freeze (pip's output rules). */
#include "unit.h"

#include "core/pkg/distinfo.h"
#include "core/pkg/freeze.h"
#include "os/fs.h"
#include "util/buf.h"

static void test_direct_url(void **state)
{
	(void)state;
	struct {
		const char *json;
		int rc;
		enum direct_url_kind kind;
		const char *hash;
		bool editable;
	} cases[] = {
		{ "{\"url\": \"file:///w/x.whl\", \"archive_info\": {\"hash\": \"sha256=ab\"}}", 0, DIRECT_URL_ARCHIVE, "sha256=ab", false },
		{ "{\"url\": \"file:///w/x.whl\", \"archive_info\": {\"hashes\": {\"md5\": \"1\", \"sha256\": \"2\"}}}", 0, DIRECT_URL_ARCHIVE, "sha256=2", false },
		{ "{\"url\": \"file:///p\", \"dir_info\": {\"editable\": true}}", 0, DIRECT_URL_DIR, NULL, true },
		{ "{\"url\": \"file:///p\", \"dir_info\": {}}", 0, DIRECT_URL_DIR, NULL, false },
		{ "{\"url\": \"https://g/r\", \"vcs_info\": {\"vcs\": \"git\", \"commit_id\": \"abc\"}}", 0, DIRECT_URL_VCS, NULL, false },
		{ "{\"url\": \"file:///p\", \"dir_info\": {}, \"archive_info\": {}}", -1, DIRECT_URL_NONE, NULL, false },
		{ "{\"dir_info\": {}}", -1, DIRECT_URL_NONE, NULL, false },
		{ "{\"url\": 3, \"dir_info\": {}}", -1, DIRECT_URL_NONE, NULL, false },
		{ "{\"url\": \"x\", \"dir_info\": {\"editable\": \"yes\"}}", -1, DIRECT_URL_NONE, NULL, false },
		{ "{\"url\": \"x\", \"vcs_info\": {\"vcs\": \"git\"}}", -1, DIRECT_URL_NONE, NULL, false },
		{ "[1]", -1, DIRECT_URL_NONE, NULL, false },
		{ "{", -1, DIRECT_URL_NONE, NULL, false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct direct_url du;
		int rc = direct_url_parse(cases[i].json, strlen(cases[i].json), &du);
		assert_int_equal(rc, cases[i].rc);
		assert_int_equal(du.kind, cases[i].kind);
		if (cases[i].hash)
			assert_string_equal(du.hash, cases[i].hash);
		assert_int_equal(du.editable, cases[i].editable);
		direct_url_free(&du);
	}
}

static void test_file_url(void **state)
{
	(void)state;
	struct {
		const char *url, *path;
	} cases[] = {
		{ "file:///tmp/a%20b", "/tmp/a b" },
		{ "file://localhost/x", "/x" },
		{ "FILE:///x#frag", "/x" },
		{ "file://host/x", NULL },
		{ "https://x/y", NULL },
		{ "file:///bad%zz", "/bad%zz" },
		{ "file:///a%2Bb%40c.whl#sha256=00", "/a+b@c.whl" },
		{ "file:///x%00.whl", NULL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *p = file_url_to_path(cases[i].url);
		if (cases[i].path)
			assert_string_equal(p, cases[i].path);
		else
			assert_null(p);
		free(p);
	}
}

/* 10.13: the URL and the JSON, byte for byte as pip 24 writes them. */
static void test_file_url_out(void **state)
{
	(void)state;
	char *u = path_to_file_url("/usr/share/python-wheels/pluggy-1.0.0+repack-py3-none-any.whl");
	assert_string_equal(u, "file:///usr/share/python-wheels/pluggy-1.0.0%2Brepack-py3-none-any.whl");
	char *back = file_url_to_path(u);
	assert_string_equal(back, "/usr/share/python-wheels/pluggy-1.0.0+repack-py3-none-any.whl");
	free(back);
	free(u);
	u = path_to_file_url("/a b/c~d_e.f-g/h!$&'()*,;=:@%\"\xc3\xa9");
	assert_string_equal(u, "file:///a%20b/c~d_e.f-g/h%21%24%26%27%28%29%2A%2C%3B%3D%3A%40%25%22%C3%A9");
	struct buf j = BUF_INIT;
	direct_url_archive_json(&j, u, "ab01");
	assert_string_equal(j.ptr, "{\"archive_info\": {\"hash\": \"sha256=ab01\", \"hashes\": "
				   "{\"sha256\": \"ab01\"}}, \"url\": \"file:///a%20b/c~d_e.f-g/h%21%24"
				   "%26%27%28%29%2A%2C%3B%3D%3A%40%25%22%C3%A9\"}");
	buf_reset(&j);
	direct_url_archive_json(&j, "file:///x", NULL);
	assert_string_equal(j.ptr, "{\"archive_info\": {}, \"url\": \"file:///x\"}");
	buf_free(&j);
	free(u);
}

static void put(const char *dir, const char *name, const char *text)
{
	char *p = xstrfmt("%s/%s", dir, name);
	char *d = os_dirname(p);
	assert_int_equal(os_mkdir_p(d, 0755), 0);
	assert_int_equal(os_write_atomic(p, text, strlen(text), 0644, false), 0);
	free(d);
	free(p);
}

/* A site-packages made by hand: first one wins, invalid names are skipped,
 * egg-info files and dirs, a .pth that adds a directory, an .egg-link. */
static void test_scan_and_format(void **state)
{
	(void)state;
	char *tmp = os_mkdtemp_in("/tmp", "cvenv-unit-");
	assert_non_null(tmp);
	char *site = path_join(tmp, "site");
	put(site, "b_pkg-1.0.dist-info/METADATA", "Name: B.Pkg\nVersion: 1.0\n");
	put(site, "b_pkg-1.0.dist-info/INSTALLER", "\n  pip \n");
	put(site, "b_pkg-1.0.dist-info/REQUESTED", "");
	put(site, "a-2.0-py3.9.egg-info/PKG-INFO", "Name: A\nVersion: 2.0.0-rc1\n");
	put(site, "skew-2.0.dist-info/METADATA", "Name: skew\nVersion: 2.0.0\n");
	put(site, "old.egg-info", "Name: Old\nVersion: weird version\n");
	put(site, "~broken-1.0.dist-info/METADATA", "Name: ~broken\nVersion: 1\n");
	put(site, "d-1.dist-info/METADATA", "Name: D\nVersion: 1\n");
	put(site, "d-1.dist-info/direct_url.json",
	    "{\"url\": \"file:///w/d-1-py3-none-any.whl\", \"archive_info\": {\"hash\": \"sha256=ff\"}}");
	put(site, "e-0.1.dist-info/METADATA", "Name: E\nVersion: 0.1\n");
	put(site, "e-0.1.dist-info/direct_url.json",
	    "{\"url\": \"file:///src/e%20x\", \"dir_info\": {\"editable\": true}}");
	put(site, "pip-23.2.1.dist-info/METADATA", "Name: pip\nVersion: 23.2.1\n");
	put(site, "setuptools-1.dist-info/METADATA", "Name: setuptools\nVersion: 1\n");
	put(site, "x.pth", "# comment\nimport os\n../extra\n\nmissing-dir\n");
	put(tmp, "extra/b_pkg-9.0.dist-info/METADATA", "Name: B.Pkg\nVersion: 9.0\n");
	put(tmp, "extra/c-3.dist-info/METADATA", "Name: C\nVersion: 3\n");
	put(site, "Dev.egg-link", "../devproj\n.\n");
	put(tmp, "devproj/Dev.egg-info/PKG-INFO", "Name: Dev\nVersion: 0.5\n");

	struct strvec paths = STRVEC_INIT;
	distinfo_site_paths(site, &paths);
	assert_int_equal(paths.n, 2);
	struct dist_set set = DIST_SET_INIT;
	assert_int_equal(distinfo_scan(&paths, &set), 0);
	distinfo_set_versions(&set, DIST_BACKEND_PKG_RESOURCES, false);
	const struct dist *b = dist_set_find(&set, "b-pkg");
	assert_non_null(b);
	assert_string_equal(b->version, "1.0");
	assert_string_equal(b->installer, "pip");
	assert_true(b->requested);
	assert_null(dist_set_find(&set, "~broken"));
	assert_string_equal(dist_set_find(&set, "a")->version, "2.0.0rc1");
	assert_string_equal(dist_set_find(&set, "skew")->version, "2.0");
	distinfo_set_versions(&set, DIST_BACKEND_IMPORTLIB, false);
	assert_string_equal(dist_set_find(&set, "skew")->version, "2.0.0");
	distinfo_set_versions(&set, DIST_BACKEND_IMPORTLIB, true);
	assert_string_equal(dist_set_find(&set, "a")->version, "2.0.0rc1");
	assert_null(dist_set_find(&set, "old")->version);
	assert_non_null(dist_set_find(&set, "dev")->editable_location);

	struct dist_env env = { DIST_BACKEND_IMPORTLIB, 23, 2, 3, 12 };
	struct freeze_opts fo = { .all = false };
	struct buf out = BUF_INIT;
	freeze_format(&set, &env, &fo, &out);
	char *want = xstrfmt("A==2.0.0rc1\nB.Pkg==1.0\nC==3\nD @ file:///w/d-1-py3-none-any.whl#sha256=ff\n"
			     "# Editable install with no version control (Dev==0.5)\n-e %s/devproj\n"
			     "# Editable install with no version control (E==0.1)\n-e /src/e x\n"
			     "Old===weird version\nsetuptools==1\nskew==2.0\n", tmp);
	assert_string_equal(out.ptr, want);
	free(want);

	/* Before Python 3.12 pip skips setuptools too; --exclude-editable. */
	env.py_minor = 11;
	fo.exclude_editable = true;
	buf_reset(&out);
	freeze_format(&set, &env, &fo, &out);
	assert_null(strstr(out.ptr, "setuptools"));
	assert_null(strstr(out.ptr, "-e "));

	buf_reset(&out);
	fo.exclude_editable = false;
	list_format(&set, &env, LIST_JSON, &fo, false, &out);
	assert_true(starts_with(out.ptr, "[{\"name\": \"A\", \"version\": \"2.0.0rc1\"}, {\"name\": \"B.Pkg\""));
	buf_reset(&out);
	list_format(&set, &env, LIST_COLUMNS, &fo, false, &out);
	assert_true(starts_with(out.ptr, "Package    Version       Editable project location\n"
					 "---------- ------------- "));
	buf_free(&out);
	dist_set_free(&set);
	strvec_clear(&paths);
	free(site);
	assert_int_equal(os_rm_rf(tmp), 0);
	free(tmp);
}

/* install's view: .dist-info names only, no file read (a METADATA that
 * says otherwise is not consulted), first per canonical name. */
static void test_list_site(void **state)
{
	(void)state;
	char *tmp = os_mkdtemp_in("/tmp", "cvenv-unit-");
	assert_non_null(tmp);
	char *site = path_join(tmp, "site");
	put(site, "Foo_Bar-1.0.dist-info/METADATA", "Name: other\nVersion: 9\n");
	put(site, "foo.bar-2.0.dist-info/RECORD", "");
	put(site, "baz-01.0rc1.dist-info/RECORD", "");
	put(site, "noversion.dist-info/RECORD", "");
	put(site, "~bad-1.dist-info/RECORD", "");
	put(site, "egg-1.0.egg-info/PKG-INFO", "Name: egg\nVersion: 1.0\n");
	struct dist_set set = DIST_SET_INIT;
	assert_int_equal(distinfo_list_site(site, &set), 0);
	assert_int_equal(set.n, 2);
	const struct dist *f = dist_set_lookup(&set, "FOO.bar");
	assert_non_null(f);
	assert_string_equal(f->canonical, "foo-bar");
	assert_string_equal(f->dir_version, "1.0");
	char *info = path_join(site, "Foo_Bar-1.0.dist-info");
	assert_string_equal(f->info_dir, info);
	free(info);
	const struct dist *b = dist_set_find(&set, "baz");
	assert_string_equal(b->dir_version, "01.0rc1");
	assert_string_equal(b->version, "1.0rc1");
	assert_null(dist_set_lookup(&set, "egg"));
	dist_set_free(&set);
	char *missing = path_join(tmp, "missing");
	assert_int_equal(distinfo_list_site(missing, &set), -1);
	assert_int_equal(errno, ENOENT);
	free(missing);
	os_rm_rf(tmp);
	free(site);
	free(tmp);
}

static void test_json_str(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	py_json_str(&b, "a\"\\\n\x01\x7f\xc3\xa9\xf0\x9f\x98\x80\xff");
	assert_string_equal(b.ptr, "\"a\\\"\\\\\\n\\u0001\x7f\\u00e9\\ud83d\\ude00\\u00ff\"");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direct_url),
		cmocka_unit_test(test_file_url),
		cmocka_unit_test(test_file_url_out),
		cmocka_unit_test(test_scan_and_format),
		cmocka_unit_test(test_list_site),
		cmocka_unit_test(test_json_str),
	};
	return cmocka_run_group_tests_name("distinfo", tests, NULL, NULL);
}
