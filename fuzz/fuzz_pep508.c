/* libFuzzer target: PEP 508 requirement parsing, formatting and marker
 * evaluation on any text.
 * Built by `make fuzz`; run build-fuzz/fuzz_pep508 fuzz/corpus/pep508. */
#include "util/common.h"

#include "core/std/pep508.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	struct pep508_req r;
	struct buf err = BUF_INIT, out = BUF_INIT;
	if (pep508_parse(s, &r, &err) == 0) {
		pep508_format(&out, &r);
		/* What we write must read back the same. */
		struct pep508_req again;
		struct buf out2 = BUF_INIT;
		if (pep508_parse(out.ptr, &again, NULL) != 0)
			abort();
		pep508_format(&out2, &again);
		if (strcmp(out.ptr, out2.ptr))
			abort();
		struct pep508_env env = { { "posix", "linux", "x86_64", "CPython", "6.1", "Linux", "#1",
					    "3.12", "3.12.1", "cpython", "3.12.1", "dev" } };
		bool res;
		(void)pep508_marker_eval(r.marker, &env, &res, NULL);
		pep508_req_free(&again);
		pep508_req_free(&r);
		buf_free(&out2);
	}
	buf_free(&err);
	buf_free(&out);
	free(s);
	return 0;
}
