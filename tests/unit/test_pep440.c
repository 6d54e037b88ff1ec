/* Unit tests for core/pep440: normalisation, ordering, specifier matching.
 * Cases follow the examples of PEP 440 itself (normalisation section, the
 * ordering example list, the specifier examples). */
#include "unit.h"

#include "core/std/pep440.h"
#include "util/buf.h"

static const struct {
	const char *in, *canonical; /* canonical NULL: must be rejected */
} norm_cases[] = {
	{ "1.0", "1.0" },
	{ "  1.0\n", "1.0" },
	{ "v1.0", "1.0" },
	{ "V2.0.1", "2.0.1" },
	{ "1!2.0", "1!2.0" },
	{ "0!1.0", "1.0" },
	{ "1.0a1", "1.0a1" },
	{ "1.0A1", "1.0a1" },
	{ "1.0alpha1", "1.0a1" },
	{ "1.0-alpha.1", "1.0a1" },
	{ "1.0_a_1", "1.0a1" },
	{ "1.0.a1", "1.0a1" },
	{ "1.0a", "1.0a0" },
	{ "1.0beta2", "1.0b2" },
	{ "1.0c3", "1.0rc3" },
	{ "1.0pre4", "1.0rc4" },
	{ "1.0preview5", "1.0rc5" },
	{ "1.0RC1", "1.0rc1" },
	{ "1.0-rc.1", "1.0rc1" },
	{ "1.0.post1", "1.0.post1" },
	{ "1.0post1", "1.0.post1" },
	{ "1.0-post1", "1.0.post1" },
	{ "1.0_post_1", "1.0.post1" },
	{ "1.0.post", "1.0.post0" },
	{ "1.0-1", "1.0.post1" },
	{ "1.0.rev2", "1.0.post2" },
	{ "1.0r3", "1.0.post3" },
	{ "1.0-r3", "1.0.post3" },
	{ "1.0.dev", "1.0.dev0" },
	{ "1.0dev2", "1.0.dev2" },
	{ "1.0-dev_3", "1.0.dev3" },
	{ "1.0a.post1", "1.0a0.post1" },
	{ "1.0rc1-1", "1.0rc1.post1" },
	{ "1.0a1.post2.dev3", "1.0a1.post2.dev3" },
	{ "1.0+abc", "1.0+abc" },
	{ "1.0+ABC.1-x_Y", "1.0+abc.1.x.y" },
	{ "1.0+0001.a", "1.0+1.a" },
	{ "1.0+0", "1.0+0" },
	{ "007.008", "7.8" },
	{ "1.0.0.0.0", "1.0.0.0.0" },
	{ "2012.10.3", "2012.10.3" },
	{ "18446744073709551615", "18446744073709551615" },
	/* a separator after a pre, post or dev label with no number is the
	 * label's own (packaging's pattern allows it): the number is 0 */
	{ "1.0a.", "1.0a0" },
	{ "1.0a_", "1.0a0" },
	{ "1.0.post.dev1", "1.0.post0.dev1" },
	{ "1.0.post_", "1.0.post0" },
	{ "1.0.dev.", "1.0.dev0" },
	{ "1.0-dev_", "1.0.dev0" },
	/* release numbers beyond 64 bits, as real projects publish them */
	{ "20210609131134657401", "20210609131134657401" },
	{ "18446744073709551616", "18446744073709551616" },
	{ "1.000020210609131134657401.0", "1.20210609131134657401.0" },
	{ "v1!99999999999999999999999999.1rc1", "1!99999999999999999999999999.1rc1" },
	/* epoch, pre, post and dev numbers beyond 64 bits too (expected values
	 * from packaging 23.0's str(Version(...))) */
	{ "18446744073709551616!1.0", "18446744073709551616!1.0" },
	{ "000020210609131134657401!1.0", "20210609131134657401!1.0" },
	{ "1.0A00020210609131134657401", "1.0a20210609131134657401" },
	{ "1.0-20210609131134657401", "1.0.post20210609131134657401" },
	{ "1.0.POST.20210609131134657401", "1.0.post20210609131134657401" },
	{ "1.0.post18446744073709551616", "1.0.post18446744073709551616" },
	{ "1.0-dev_20210609131134657401", "1.0.dev20210609131134657401" },
	{ "1.0+abc.00020210609131134657401", "1.0+abc.20210609131134657401" },
	{ "1.0c20210609131134657401-20210609131134657401.dev20210609131134657401",
	  "1.0rc20210609131134657401.post20210609131134657401.dev20210609131134657401" },
	/* white space as packaging trims it: Python's str.isspace */
	{ "\xc2\xa0" "1.0\xe3\x80\x80", "1.0" },
	{ "\xe2\x80\x83 1.0\xe2\x80\xa9\x1f", "1.0" },
	{ "\xc2\x85" "1.0\xe1\x9a\x80", "1.0" },
	/* rejected */
	{ "", NULL },
	{ "\xc2\xa0", NULL },
	{ "   ", NULL },
	{ "v", NULL },
	{ "1.", NULL },
	{ ".1", NULL },
	{ "1..0", NULL },
	{ "1.0-", NULL },
	{ "1.0a..", NULL },
	{ "1.0.post1-", NULL },
	{ "1.0+", NULL },
	{ "1.0+a..b", NULL },
	{ "1.0+a!", NULL },
	{ "1!", NULL },
	{ "!1.0", NULL },
	{ "1.0 a1", NULL },
	{ "1.0.*", NULL },
	{ "1.0alph", NULL },
	{ "1.0foo", NULL },
	{ "1.0.post1.post2", NULL },
	{ "1.0dev1a1", NULL },
	{ "1.0\xc2\xa1", NULL }, /* U+00A1 is not white space */
	{ "1.0\xc2", NULL },
	{ "1.0+\xc3\xa9", NULL },
	{ "cpython", NULL },
	/* around pep440_normalize's shortcut for plain releases */
	{ "0", "0" },
	{ "10.20.300", "10.20.300" },
	{ "01.2", "1.2" },
	{ "1.002", "1.2" },
	{ "1.0", "1.0" },
	{ "123456789.1", "123456789.1" },
	{ "1234567890.1", "1234567890.1" },
	{ "1.", NULL },
	{ ".1", NULL },
	{ "1..0", NULL },
	{ "", NULL },
	{ "1.0 ", "1.0" },
};

static void test_normalize(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(norm_cases); i++) {
		char *got = pep440_normalize(norm_cases[i].in);
		if (!norm_cases[i].canonical) {
			if (got)
				fail_msg("'%s' should be rejected, got '%s'", norm_cases[i].in, got);
		} else {
			if (!got)
				fail_msg("'%s' was rejected", norm_cases[i].in);
			if (strcmp(got, norm_cases[i].canonical))
				fail_msg("'%s': want '%s', got '%s'", norm_cases[i].in,
					 norm_cases[i].canonical, got);
			/* the canonical form is a fixed point */
			char *again = pep440_normalize(got);
			assert_non_null(again);
			assert_string_equal(again, got);
			free(again);
		}
		free(got);
	}
}

/* Strictly increasing, as in the PEP's summary of ordering. */
static const char *const ordered[] = {
	"1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456",
	"1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1",
	"1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456",
	"1.0.15", "1.1.dev1", "1.1a1", "1.1", "1.2", "1.10", "2.0.dev0", "2.0",
	"2.0.post1", "2.0.1", "2.1+a", "2.1+a.b", "2.1+a.1", "2.1+a.2", "2.1+1",
	"10.0", "2024.1", "18446744073709551615", "18446744073709551616",
	"18446744073709551616.1", "20210609131134657400", "20210609131134657401",
	"100000000000000000000", "1!0.1", "1!1.0", "2!0.0.dev0",
	/* numbers beyond 64 bits in every part (ordered as packaging orders
	 * them) */
	"3!3.0.dev18446744073709551615", "3!3.0.dev18446744073709551616",
	"3!3.0.dev20210609131134657401", "3!3.0a1", "3!3.0a18446744073709551616",
	"3!3.0a20210609131134657401", "3!3.0a20210609131134657401.post1", "3!3.0b1", "3!3.0",
	"3!3.0+20210609131134657401", "3!3.0+120210609131134657401",
	"3!3.0.post18446744073709551616.dev1", "3!3.0.post18446744073709551616",
	"3!3.0.post20210609131134657401", "3!3.1", "20210609131134657401!0.1",
	"202106091311346574010!0.1",
};

static int cmp_str(const char *a, const char *b)
{
	struct pep440_version va, vb;
	if (pep440_parse_str(a, &va) < 0)
		fail_msg("cannot parse '%s'", a);
	if (pep440_parse_str(b, &vb) < 0)
		fail_msg("cannot parse '%s'", b);
	int r = pep440_cmp(&va, &vb);
	pep440_version_free(&va);
	pep440_version_free(&vb);
	return r;
}

static void test_ordering(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ordered); i++)
		for (size_t j = 0; j < ARRAY_SIZE(ordered); j++) {
			int r = cmp_str(ordered[i], ordered[j]);
			int want = i < j ? -1 : i > j;
			if (r != want)
				fail_msg("cmp('%s', '%s') = %d, want %d", ordered[i], ordered[j], r, want);
		}
}

static void test_equal_spellings(void **state)
{
	(void)state;
	static const char *const same[][2] = {
		{ "1.0", "1.0.0" }, { "1", "1.0.0.0" }, { "1.0a", "1.0a0" }, { "1.0-1", "1.0.post1" },
		{ "0!1.0", "1.0" }, { "1.0+01", "1.0+1" }, { "1.0+a.b", "1.0+A-B" }, { "v1.2", "1.2.0" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(same); i++)
		if (cmp_str(same[i][0], same[i][1]) != 0)
			fail_msg("'%s' and '%s' should be equal", same[i][0], same[i][1]);
}

static const struct {
	const char *spec, *version;
	bool match; /* with the default pre-release rule */
} match_cases[] = {
	/* == and zero padding */
	{ "==1.0", "1.0", true },
	{ "==1.0", "1.0.0", true },
	{ "==1.0.0", "1", true },
	{ "==1.0", "1.0+local", true },
	{ "==1.0+local", "1.0+local", true },
	{ "==1.0+local", "1.0", false },
	{ "==1.0+local", "1.0+other", false },
	{ "==1.0", "1.0.post1", false },
	{ "==1.0", "1.0.1", false },
	/* prefix matching */
	{ "==1.1.*", "1.1", true },
	{ "==1.1.*", "1.1.0", true },
	{ "==1.1.*", "1.1.5", true },
	{ "==1.1.*", "1.1.post1", true },
	{ "==1.1.*", "1.10", false },
	{ "==1.1.*", "1.2", false },
	{ "==1.1.*", "1", false },
	{ "==1.0.*", "1", true },
	{ "==1.1.*", "1.1a1", false }, /* pre-releases are excluded by default */
	{ "==1.1.*,>=1.1a1", "1.1a1", true },
	{ "==1.*", "1!1.0", false },
	{ "==3.12.*", "3.12.1", true },
	{ "==3.12.*", "3.13.0", false },
	{ "!=3.12.*", "3.13.0", true },
	{ "!=3.12.*", "3.12.9", false },
	{ "==20210609131134657401", "20210609131134657401.0", true },
	{ "==20210609131134657401", "20210609131134657402", false },
	{ ">=20210609131134657400", "20210609131134657401", true },
	{ "<20210609131134657400", "9.0", true },
	{ "==1.20210609131134657401.*", "1.20210609131134657401.5", true },
	{ "==1.20210609131134657401.*", "1.20210609131134657402", false },
	{ "~=20210609131134657401.1", "20210609131134657401.7", true },
	{ "~=20210609131134657401.1", "20210609131134657402.0", false },
	{ ">=1.0\xc2\xa0,\xe2\x80\x83<2", "1.5", true },
	/* numbers beyond 64 bits in every part (expected values from packaging
	 * 23.0's SpecifierSet(spec).contains(version)) */
	{ "==20210609131134657401.*", "20210609131134657401.1", true },
	{ "==20210609131134657401.*", "202106091311346574011.1", false },
	{ "==1!20210609131134657401.*", "1!20210609131134657401", true },
	{ "==20210609131134657401!1.*", "20210609131134657401!1.5", true },
	{ "==20210609131134657401!1.*", "202106091311346574011!1.5", false },
	{ "==20210609131134657401!1.*", "1.5", false },
	{ "~=20210609131134657401!1.2", "20210609131134657401!1.9", true },
	{ "~=20210609131134657401!1.2", "1.9", false },
	{ ">=1.0.post20210609131134657401", "1.0.post202106091311346574011", true },
	{ ">=1.0.post20210609131134657401", "1.0.post20210609131134657401", true },
	{ ">1.0.post20210609131134657401", "1.0.post202106091311346574011", true },
	{ "<1.0.post20210609131134657401", "1.0.post18446744073709551615", true },
	{ "==1.0a20210609131134657401", "1.0a20210609131134657401", true },
	{ "==1.0a20210609131134657401", "1.0a202106091311346574011", false },
	{ ">=1.0a20210609131134657401", "1.0", true },
	{ "<1.0.dev202106091311346574010", "1.0.dev20210609131134657401", false },
	{ "===20210609131134657401", "20210609131134657401", true },
	{ "===20210609131134657401", "20210609131134657401.0", false },
	{ "==20210609131134657401!1.0", "20210609131134657401!1", true },
	{ ">1.0", "1.0.post20210609131134657401", false },
	{ ">1.0", "1.0+20210609131134657401", false },
	{ "==1.0+20210609131134657401", "1.0+00020210609131134657401", true },
	{ "!=1.0.post20210609131134657401", "1.0.post20210609131134657401", false },
	{ "<=1.0.dev20210609131134657401", "1.0.dev20210609131134657401", true },
	/* != */
	{ "!=1.0", "1.1", true },
	{ "!=1.0", "1.0.0", false },
	{ "!=1.0", "1.0+loc", false },
	/* ~= */
	{ "~=2.2", "2.2", true },
	{ "~=2.2", "2.3", true },
	{ "~=2.2", "2.9.1", true },
	{ "~=2.2", "3.0", false },
	{ "~=2.2", "2.1", false },
	{ "~=2.2.0", "2.2.5", true },
	{ "~=2.2.0", "2.3", false },
	{ "~=1.4.5a4", "1.4.5a4", true },
	{ "~=1.4.5a4", "1.4.5", true },
	{ "~=1.4.5a4", "1.4.6", true },
	{ "~=1.4.5a4", "1.5", false },
	{ "~=2.2.post3", "2.2.post3", true },
	{ "~=2.2.post3", "2.2", false },
	{ "~=2.2.post3", "2.3", true },
	{ "~=1!2.2", "1!2.5", true },
	{ "~=1!2.2", "2.5", false },
	/* ordered comparisons, local ignored */
	{ ">=1.0", "1.0", true },
	{ ">=1.0", "1.0+local", true },
	{ ">=1.0", "0.9", false },
	{ "<=1.0", "1.0+local", true },
	{ "<=1.0", "1.0.post1", false },
	{ ">=3.10", "3.9.18", false },
	{ ">=3.10", "3.10.0", true },
	{ ">=3.10,<3.13", "3.12.1", true },
	{ ">=3.10,<3.13", "3.13.0", false },
	{ " >= 3.10 , < 3.13 ", "3.11.7", true },
	/* < and pre-releases of the same version */
	{ "<3.13", "3.13.0rc1", false },
	{ "<3.13", "3.13.0a1", false },
	{ "<3.13rc1", "3.13.0a1", false }, /* "<" does not opt in to pre-releases */
	{ "<3.13rc1,>=3.13a1", "3.13.0a1", true },
	{ "<1.0", "0.9", true },
	{ "<1.0", "1.0", false },
	{ "<1.0", "1.0+loc", false },
	/* > and post-releases / local versions of the same version */
	{ ">1.7", "1.7.post2", false },
	{ ">1.7", "1.7+local", false },
	{ ">1.7", "1.7.1", true },
	{ ">1.7.post2", "1.7.post3", true },
	{ ">1.7.post2", "1.7.1", true },
	{ ">1.7", "1.7", false },
	/* pre-releases: excluded unless a clause names one */
	{ ">=1.0", "2.0a1", false },
	{ ">=1.0a1", "2.0a1", true },
	{ ">=1.0.dev1", "1.0.dev2", true },
	{ "", "1.0", true },
	{ "", "1.0a1", false },
	{ "!=1.0a1", "1.0a2", false },
	/* === */
	{ "===1.0", "1.0", true },
	{ "===1.0", "1.0.0", false },
	{ "===1.0", "1.0+x", false },
	{ "===foobar", "1.0", false },
	{ "===1.0A1", "1.0a1", true },
	/* epochs */
	{ ">=2.0", "1!1.0", true },
	{ "<2.0", "1!1.0", false },
	{ "==1!1.0", "1!1.0", true },
};

static void test_contains(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(match_cases); i++) {
		struct pep440_specset ss;
		struct pep440_version v;
		struct buf err = BUF_INIT;
		if (pep440_specset_parse(match_cases[i].spec, &ss, &err) < 0)
			fail_msg("cannot parse '%s': %s", match_cases[i].spec, err.ptr);
		if (pep440_parse_str(match_cases[i].version, &v) < 0)
			fail_msg("cannot parse '%s'", match_cases[i].version);
		bool got = pep440_specset_contains(&ss, &v, PEP440_PRERELEASES_DEFAULT);
		if (got != match_cases[i].match)
			fail_msg("'%s' contains '%s': got %d, want %d", match_cases[i].spec,
				 match_cases[i].version, got, match_cases[i].match);
		pep440_specset_free(&ss);
		pep440_version_free(&v);
		buf_free(&err);
	}
}

static void test_prerelease_policy(void **state)
{
	(void)state;
	struct pep440_specset ss;
	struct pep440_version v;
	assert_int_equal(pep440_specset_parse(">=3.10", &ss, NULL), 0);
	assert_int_equal(pep440_parse_str("3.14.0a1", &v), 0);
	assert_false(pep440_specset_contains(&ss, &v, PEP440_PRERELEASES_DEFAULT));
	assert_true(pep440_specset_contains(&ss, &v, PEP440_PRERELEASES_ALLOW));
	pep440_specset_free(&ss);
	assert_int_equal(pep440_specset_parse(">=3.14a1", &ss, NULL), 0);
	assert_true(pep440_specset_contains(&ss, &v, PEP440_PRERELEASES_DEFAULT));
	assert_false(pep440_specset_contains(&ss, &v, PEP440_PRERELEASES_DENY));
	pep440_specset_free(&ss);
	pep440_version_free(&v);
}

static const struct {
	const char *spec, *canonical; /* NULL: rejected */
} spec_cases[] = {
	{ ">=3.10,<3.13", ">=3.10,<3.13" },
	{ "  ~= 2.2 ,!=2.5.*", "~=2.2,!=2.5.*" },
	{ "==1.0+Local-1", "==1.0+local.1" },
	{ "===arbitrary-thing", "===arbitrary-thing" },
	{ ">v1.0a", ">1.0a0" },
	{ "", "" },
	{ "1.0", NULL },
	{ ">=", NULL },
	{ ">=1.0,", NULL },
	{ ",>=1.0", NULL },
	{ ">=1.0,,<2", NULL },
	{ "=>1.0", NULL },
	{ "=1.0", NULL },
	{ "~=1", NULL },
	{ "~=1.0.*", NULL },
	{ ">=1.0.*", NULL },
	{ "<1.0+local", NULL },
	{ "~=1.0+local", NULL },
	{ "==1.0.dev1.*", NULL },
	{ "==1.0a1.*", NULL }, /* packaging's grammar: no pre or post release with .* */
	{ "!=1.0rc1.*", NULL },
	{ "==1.0.post1.*", NULL },
	{ "==1.0+x.*", NULL },
	{ "==1.*.0", NULL },
	{ ">=3.10;", NULL },
	{ "=== a b", NULL },
	{ "== 1.0 2.0", NULL },
	{ "==cpython", NULL },
};

static void test_spec_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(spec_cases); i++) {
		struct pep440_specset ss;
		struct buf err = BUF_INIT, out = BUF_INIT;
		int r = pep440_specset_parse(spec_cases[i].spec, &ss, &err);
		if (!spec_cases[i].canonical) {
			if (r == 0)
				fail_msg("'%s' should be rejected", spec_cases[i].spec);
			assert_true(err.len > 0);
		} else {
			if (r < 0)
				fail_msg("'%s' rejected: %s", spec_cases[i].spec, err.ptr);
			pep440_specset_format(&out, &ss);
			if (strcmp(out.ptr, spec_cases[i].canonical))
				fail_msg("'%s': want '%s', got '%s'", spec_cases[i].spec,
					 spec_cases[i].canonical, out.ptr);
			pep440_specset_free(&ss);
		}
		buf_free(&err);
		buf_free(&out);
	}
}

static void test_copy(void **state)
{
	(void)state;
	struct pep440_version a, b;
	assert_int_equal(pep440_parse_str("1!2.3.4rc5.post6.dev7+x.8", &a), 0);
	pep440_version_copy(&b, &a);
	pep440_version_free(&a);
	struct buf out = BUF_INIT;
	pep440_format(&out, &b);
	assert_string_equal(out.ptr, "1!2.3.4rc5.post6.dev7+x.8");
	assert_true(pep440_is_prerelease(&b));
	buf_free(&out);
	pep440_version_free(&b);
	/* numbers past 64 bits are the copy's own */
	const char *big = "20210609131134657401!20210609131134657401.1a20210609131134657401"
			  ".post20210609131134657401.dev20210609131134657401+20210609131134657401";
	assert_int_equal(pep440_parse_str(big, &a), 0);
	pep440_version_copy(&b, &a);
	pep440_version_free(&a);
	pep440_format(&out, &b);
	assert_string_equal(out.ptr, big);
	buf_free(&out);
	pep440_version_free(&b);
}

/* A bound on what hostile input can make the parser hold: PEP440_MAX_LEN
 * bytes of version, white space around it not counted. */
static void test_length_bound(void **state)
{
	(void)state;
	struct buf s = BUF_INIT;
	buf_addstr(&s, "  10");
	while (s.len - 2 < PEP440_MAX_LEN)
		buf_addstr(&s, ".0");
	assert_int_equal(s.len - 2, PEP440_MAX_LEN);
	buf_addstr(&s, "\n ");
	struct pep440_version v;
	assert_int_equal(pep440_parse(s.ptr, s.len, &v), 0); /* exactly the bound */
	pep440_version_free(&v);
	buf_setlen(&s, s.len - 2);
	buf_addstr(&s, "0");
	assert_int_equal(pep440_parse(s.ptr, s.len, &v), -1);
	buf_reset(&s);
	for (size_t i = 0; i <= PEP440_MAX_LEN; i++)
		buf_addch(&s, '9');
	assert_int_equal(pep440_parse(s.ptr, s.len, &v), -1);
	assert_int_equal(pep440_parse(s.ptr, PEP440_MAX_LEN, &v), 0);
	pep440_version_free(&v);
	buf_free(&s);
}

/* Release-only versions take a short path (issue 18): each makes exactly
 * what the grammar makes of the same text with white space around it
 * (which the short path leaves to the grammar), and every near miss is
 * still the grammar's to accept or refuse. */
static void same_as_grammar(const char *text)
{
	struct pep440_version a, b;
	char *spaced = xstrfmt(" %s\t", text);
	int ra = pep440_parse_str(text, &a), rb = pep440_parse_str(spaced, &b);
	if (ra != rb)
		fail_msg("'%s': %d, '%s': %d", text, ra, spaced, rb);
	if (ra == 0) {
		bool same = a.nrelease == b.nrelease && a.epoch == b.epoch && a.pre == b.pre &&
			    a.has_post == b.has_post && a.has_dev == b.has_dev &&
			    !a.local == !b.local && !a.release_big == !b.release_big &&
			    pep440_cmp(&a, &b) == 0;
		for (size_t i = 0; same && i < a.nrelease; i++)
			same = a.release[i] == b.release[i] &&
			       (!a.release_big || !a.release_big[i] == !b.release_big[i]);
		struct buf fa = BUF_INIT, fb = BUF_INIT;
		pep440_format(&fa, &a);
		pep440_format(&fb, &b);
		if (!same || strcmp(fa.ptr, fb.ptr))
			fail_msg("'%s' (%s) parses unlike '%s' (%s)", text, fa.ptr, spaced, fb.ptr);
		buf_free(&fa);
		buf_free(&fb);
		pep440_version_free(&a);
		pep440_version_free(&b);
	}
	free(spaced);
}

static void test_plain_path(void **state)
{
	(void)state;
	static const char *const cases[] = {
		"0", "1", "1.0", "01.002", "0000", "10.20.30.40.50.60", "2024.10.3",
		"9999999999999999999", "18446744073709551615", "18446744073709551616",
		"99999999999999999999999999.1", "1.99999999999999999999",
		"1.", ".1", "1..0", "1.0.", "", ".", "1.0a1", "1.0.post1", "1.0+x", "1!1.0",
		"v1.0", "1.0-1", "1,0", "1.0\xef\xbc\x8e", "1.0 .1", "-1",
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		same_as_grammar(cases[i]);
	/* the parts a caller fills itself (an arena's array) */
	assert_int_equal(pep440_plain_parts("2024.10.03", 10), 3);
	uint64_t rel[3];
	pep440_plain_release("2024.10.03", 10, rel);
	assert_true(rel[0] == 2024 && rel[1] == 10 && rel[2] == 3);
	assert_int_equal(pep440_plain_parts("1.0", 2), 0); /* "1." */
	assert_int_equal(pep440_plain_parts(" 1", 2), 0);
	assert_int_equal(pep440_plain_parts("1.0a1", 5), 0);
	assert_int_equal(pep440_plain_parts("12345678901234567890", 20), 0);
	struct buf t = BUF_INIT;
	for (int i = 0; i < 600; i++)
		buf_addstr(&t, i ? ".1" : "1"); /* 1199 bytes: past PEP440_MAX_LEN */
	same_as_grammar(t.ptr);
	struct pep440_version v;
	assert_int_equal(pep440_parse_str(t.ptr, &v), -1);
	buf_setlen(&t, PEP440_MAX_LEN - (PEP440_MAX_LEN % 2 == 0));
	same_as_grammar(t.ptr);
	assert_int_equal(pep440_parse_str(t.ptr, &v), 0);
	assert_int_equal(v.nrelease, (PEP440_MAX_LEN + 1) / 2);
	pep440_version_free(&v);
	buf_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_ordering),
		cmocka_unit_test(test_equal_spellings),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_prerelease_policy),
		cmocka_unit_test(test_spec_parse),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_length_bound),
		cmocka_unit_test(test_plain_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
