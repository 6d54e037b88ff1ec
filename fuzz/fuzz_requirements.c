/* libFuzzer target: requirements.txt parsing on any text (includes of
 * other files fail harmlessly: the names do not exist). Built by
 * `make fuzz`; run build-fuzz/fuzz_requirements fuzz/corpus/requirements. */
#include "util/common.h"

#include "core/pkg/requirements.h"
#include "util/buf.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf sink = BUF_INIT;
	error_capture = &sink;
	buf_reset(&sink);
	struct reqs r = REQS_INIT;
	(void)reqs_parse_text((const char *)data, size, "/nonexistent-fuzz/requirements.txt", false, &r);
	reqs_free(&r);
	return 0;
}
