/* libFuzzer target for core/pep440: any bytes as a version and as a
 * specifier set; parsing never crashes, the canonical form of a version is a
 * fixed point that compares equal, and matching never crashes. */
#include "util/common.h"

#include "core/std/pep440.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
