/* libFuzzer target for core/pep440: any bytes as a version and as a
 * specifier set; parsing never crashes, the canonical form of a version is a
 * fixed point that compares equal, a copy is equal, comparison with
 * reference versions (numbers past 64 bits among them) is antisymmetric, a
 * version matches ==, <= and >= its own canonical form, and matching never
 * crashes. */
#include "util/common.h"

#include "core/std/pep440.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const refs[] = {
	"0", "1.0", "1.0a1", "1.0.post1.dev2", "1!1.0", "1.0+abc.5",
	"18446744073709551615", "18446744073709551616", "20210609131134657401!1",
	"1.0a20210609131134657401", "1.0.post20210609131134657401",
	"1.0.dev20210609131134657401", "1.0+20210609131134657401",
};

static void check_own_specs(const struct pep440_version *v, const char *canon)
{
	static const char *const ops[] = { "==", "===", "<=", ">=" };
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		if (v->local && ops[i][0] != '=')
			continue; /* a local version only goes with == */
		struct buf t = BUF_INIT;
		buf_addf(&t, "%s%s", ops[i], canon);
		struct pep440_specset ss;
		if (pep440_specset_parse(t.ptr, &ss, NULL) != 0 ||
		    !pep440_specset_contains(&ss, v, PEP440_PRERELEASES_ALLOW))
			abort();
		pep440_specset_free(&ss);
		buf_free(&t);
	}
}

static void check_order(const struct pep440_version *v)
{
	struct pep440_version c;
	pep440_version_copy(&c, v);
	if (pep440_cmp(v, &c) != 0)
		abort();
	pep440_version_free(&c);
	for (size_t i = 0; i < ARRAY_SIZE(refs); i++) {
		struct pep440_version r;
		if (pep440_parse_str(refs[i], &r) != 0)
			abort();
		int a = pep440_cmp(v, &r), b = pep440_cmp(&r, v);
		if ((a > 0) != (b < 0) || (a < 0) != (b > 0))
			abort();
		pep440_version_free(&r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	struct pep440_version v;
	if (pep440_parse(s, strlen(s), &v) == 0) {
		struct buf b = BUF_INIT;
		pep440_format(&b, &v);
		struct pep440_version w;
		if (pep440_parse(b.ptr, b.len, &w) != 0 || pep440_cmp(&v, &w) != 0)
			abort();
		struct buf c = BUF_INIT;
		pep440_format(&c, &w);
		if (strcmp(b.ptr, c.ptr))
			abort();
		check_order(&v);
		check_own_specs(&v, b.ptr);
		buf_free(&c);
		buf_free(&b);
		pep440_version_free(&w);
	}
	struct pep440_specset ss;
	if (pep440_specset_parse(s, &ss, NULL) == 0) {
		if (v.release)
			pep440_specset_contains(&ss, &v, PEP440_PRERELEASES_DEFAULT);
		struct pep440_version one;
		if (pep440_parse_str("1.0", &one) == 0) {
			pep440_specset_contains(&ss, &one, PEP440_PRERELEASES_ALLOW);
			pep440_version_free(&one);
		}
		pep440_specset_free(&ss);
	}
	if (v.release)
		pep440_version_free(&v);
	free(s);
	return 0;
}
