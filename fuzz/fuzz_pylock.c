/* libFuzzer target: the pylock.toml reader (and tomlc17 under it) on any
 * bytes; a lock that reads must write, read back and write the same bytes.
 * Built by `make fuzz`; run build-fuzz/fuzz_pylock fuzz/corpus/pylock. */
#include "util/common.h"

#include "core/lock/pylock.h"
#include "util/buf.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf sink = BUF_INIT;
	error_capture = &sink;
	buf_reset(&sink);
	struct buf text = BUF_INIT, once = BUF_INIT, twice = BUF_INIT;
	buf_add(&text, data, size); /* the parser wants a NUL-terminated copy */
	struct pylock l, back;
	if (pylock_parse(text.ptr, text.len, "fuzz.toml", &l) == 0) {
		if (pylock_write(&l, &once) == 0) {
			if (pylock_parse(once.ptr, once.len, "written", &back) < 0)
				abort(); /* the writer wrote what the reader refuses */
			if (pylock_write(&back, &twice) < 0 || strcmp(once.ptr, twice.ptr))
				abort(); /* not stable */
			pylock_free(&back);
		}
		pylock_free(&l);
	}
	buf_free(&text);
	buf_free(&once);
	buf_free(&twice);
	return 0;
}
