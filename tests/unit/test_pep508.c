/* Unit tests for core/pep508: parsing requirements (and rejecting bad ones
 * with a column), and evaluating markers the way packaging does. */
#include "unit.h"

#include "core/interp/interp.h"
#include "core/std/pep508.h"
#include "util/buf.h"

#ifndef DATA_DIR
#define DATA_DIR "tests/data"
#endif

static void test_parse(void **state)
{
	(void)state;
	struct {
		const char *in, *out; /* out NULL: must fail */
	} cases[] = {
		{ "requests", "requests" },
		{ "  Foo_Bar.baz  ", "Foo_Bar.baz" },
		{ "a[security,tests]>=2.8.1,==2.8.*; python_version < \"2.7\"",
		  "a[security,tests]==2.8.*,>=2.8.1; python_version < \"2.7\"" },
		{ "a [ z , b ] ( >= 1.0 )", "a[b,z]>=1.0" },
		{ "name@http://foo.com", "name@ http://foo.com" },
		{ "name @ file:///w/x.whl ; os_name=='posix'", "name@ file:///w/x.whl ; os_name == \"posix\"" },
		{ "a; (os_name == 'a' or os_name == 'b') and python_version >= '3'",
		  "a; (os_name == \"a\" or os_name == \"b\") and python_version >= \"3\"" },
		{ "a; os.name == 'posix' and 'linux' in sys.platform",
		  "a; os_name == \"posix\" and \"linux\" in sys_platform" },
		{ "a; extra not in 'x'", "a; extra not in \"x\"" },
		{ "a==1.0", "a==1.0" },
		{ "", NULL },
		{ "-a", NULL },
		{ "a b", NULL },
		{ "a[", NULL },
		{ "a[b", NULL },
		{ "a>=", NULL },
		{ "a==1.0 junk", NULL },
		{ "a @ http://x;os_name=='a'", "a@ http://x;os_name=='a'" }, /* all URL, as packaging */
		{ "a; os_name", NULL },
		{ "a; os_name == 'x", NULL },
		{ "a; (os_name == 'x'", NULL },
		{ "a; os_name == 'x' and", NULL },
		{ "a; bogus == 'x'", NULL },
		{ "a; os_name =! 'x'", NULL },
		{ "a @", NULL },
		/* extras normalized (PEP 685), once each */
		{ "a[Security_Extra, security.extra,B]", "a[b,security-extra]" },
		/* a line break anywhere is refused, as packaging refuses it */
		{ "a==1.0\r", NULL },
		{ "a\r==1.0", NULL },
		{ "a; os_name == 'x\ry'", NULL },
		{ "a @ http://x/a.whl\r", NULL },
		{ "a\n", NULL },
		/* white space as packaging 23.0's Requirement takes it: spaces and
		 * tabs around the parts, Unicode white space only between an
		 * operator and its version; U+00A0, \v and \f elsewhere refused */
		{ "\xc2\xa0" "a>=1", NULL },
		{ "a>=1\xc2\xa0", NULL },
		{ "a\xc2\xa0>=1", NULL },
		{ "a>=1\v", NULL },
		{ "a>=1\f", NULL },
		{ "a; python_version > '3'\xc2\xa0", NULL },
		{ "\ta>=1\t", "a>=1" },
		{ "a >=\xc2\xa0" "1.0", "a>=1.0" },
		{ "a>=1 ,\xc2\xa0<2", NULL },
		{ "a==1.0a1.*", NULL },
		/* PEP 751 set markers */
		{ "a; 'x' in extras", "a; \"x\" in extras" },
		{ "a; 'dev' not in dependency_groups", "a; \"dev\" not in dependency_groups" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pep508_req r;
		struct buf err = BUF_INIT, out = BUF_INIT;
		int rc = pep508_parse(cases[i].in, &r, &err);
		if (!cases[i].out) {
			if (rc != -1)
				fail_msg("'%s' parsed", cases[i].in);
			assert_non_null(strstr(err.ptr, "column"));
		} else {
			if (rc != 0)
				fail_msg("'%s': %s", cases[i].in, err.ptr);
			pep508_format(&out, &r);
			assert_string_equal(out.ptr, cases[i].out);
			pep508_req_free(&r);
		}
		buf_free(&err);
		buf_free(&out);
	}
}

static void test_eval(void **state)
{
	(void)state;
	struct pep508_env env = { { "posix", "linux", "x86_64", "CPython", "6.1.0", "Linux", "#1 SMP",
				    "3.12", "3.12.1", "cpython", "3.12.1", NULL } };
	struct {
		const char *marker, *extra;
		int want; /* 1 true, 0 false, -1 error */
	} cases[] = {
		{ "python_version >= '3.8'", NULL, 1 },
		{ "python_version < '3.10'", NULL, 0 },     /* as versions, not strings */
		{ "python_version == '3.12.*'", NULL, 1 },
		{ "python_full_version ~= '3.12.0'", NULL, 1 },
		{ "'3.12' == python_version", NULL, 1 },
		{ "'linux' in sys_platform", NULL, 1 },
		{ "'lin' not in sys_platform", NULL, 0 },
		{ "os_name == 'nt' or sys_platform == 'linux'", NULL, 1 },
		{ "os_name == 'nt' or sys_platform == 'linux' and python_version < '3'", NULL, 0 },
		{ "(os_name == 'nt' or sys_platform == 'linux') and python_version > '3'", NULL, 1 },
		{ "platform_machine < 'y'", NULL, 1 },       /* strings compare as strings */
		{ "platform_machine ~= 'x'", NULL, -1 },     /* undefined */
		{ "extra == 'z'", NULL, 0 },
		{ "extra == 'Foo.Bar'", "foo-bar", 1 },
		{ "extra == 'test'", "test", 1 },
		{ "implementation_name === 'cpython'", NULL, 1 },
		{ "python_version > '3.12'", NULL, 0 },
		{ "python_full_version >= '3.12.1rc1'", NULL, 1 },
		/* PEP 751: membership of a normalized name, never a substring */
		{ "'Socks_X' in extras", NULL, 1 },
		{ "'socks' in extras", NULL, 0 },
		{ "'tests' in extras", NULL, 1 },
		{ "'tests' not in extras", NULL, 0 },
		{ "'dev' in dependency_groups", NULL, 0 },
		{ "'lint' in dependency_groups", NULL, 1 },
		{ "extras == 'tests'", NULL, -1 },
		{ "dependency_groups in 'x'", NULL, -1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pep508_marker *m;
		struct buf err = BUF_INIT;
		if (pep508_marker_parse(cases[i].marker, &m, &err) < 0)
			fail_msg("'%s': %s", cases[i].marker, err.ptr);
		env.v[PEP508_EXTRA] = cases[i].extra;
		env.v[PEP508_EXTRAS] = "socks-x, tests";
		env.v[PEP508_DEPENDENCY_GROUPS] = "lint,dev-tools";
		bool res = false;
		int rc = pep508_marker_eval(m, &env, &res, &err);
		if (cases[i].want < 0)
			assert_int_equal(rc, -1);
		else if (rc != 0 || res != (cases[i].want == 1))
			fail_msg("'%s': rc %d result %d", cases[i].marker, rc, res);
		pep508_marker_free(m);
		buf_free(&err);
	}
	bool res = false;
	assert_int_equal(pep508_marker_eval(NULL, &env, &res, NULL), 0);
	assert_true(res);
}

/* Marker values come from an interpreter's facts ("markers.*"). */
static void test_env_from_interp(void **state)
{
	(void)state;
	FILE *f = fopen(DATA_DIR "/interp-3.12.json", "r");
	assert_non_null(f);
	struct buf text = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&text, chunk, n);
	fclose(f);
	struct interp ip;
	memset(&ip, 0, sizeof(ip));
	assert_int_equal(interp_from_json(text.ptr, text.len, "test", &ip), 0);
	struct pep508_env env;
	pep508_env_from_interp(&env, &ip);
	assert_string_equal(env.v[PEP508_PYTHON_VERSION], "3.12");
	assert_string_equal(env.v[PEP508_SYS_PLATFORM], "linux");
	assert_null(env.v[PEP508_EXTRA]);
	assert_null(env.v[PEP508_EXTRAS]);
	struct pep508_marker *m;
	assert_int_equal(pep508_marker_parse("python_version >= '3.8' and platform_system == 'Linux'", &m, NULL), 0);
	bool res = false;
	assert_int_equal(pep508_marker_eval(m, &env, &res, NULL), 0);
	assert_true(res);
	pep508_marker_free(m);
	interp_free(&ip);
	buf_free(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_eval),
		cmocka_unit_test(test_env_from_interp),
	};
	return cmocka_run_group_tests_name("pep508", tests, NULL, NULL);
}
