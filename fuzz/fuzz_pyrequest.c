/* libFuzzer target for core/pyrequest: any bytes as an interpreter request;
 * parsing never crashes, a failure always gives a reason, and matching a
 * parsed request never crashes. */
#include "util/common.h"

#include "core/interp/pyrequest.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	struct pyrequest r;
	struct buf err = BUF_INIT;
	if (pyrequest_parse(s, &r, &err) == 0) {
		pyrequest_matches(&r, "cpython", "3.12.1");
		pyrequest_matches(&r, "pypy", "3.9.16rc1");
		pyrequest_names_patch(&r);
		pyrequest_free(&r);
	} else if (!err.len) {
		abort();
	}
	buf_free(&err);
	free(s);
	return 0;
}
