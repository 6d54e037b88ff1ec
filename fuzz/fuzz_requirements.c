/* libFuzzer target: requirements.txt parsing on any text (includes of
 * other files fail harmlessly: the names do not exist). Build: see
 * fuzz/fuzz_metadata.c (add src/core/requirements.c src/core/pep508.c
 * src/core/interp.c src/os/spawn.c). */
#include "util/common.h"

#include "core/requirements.h"
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
