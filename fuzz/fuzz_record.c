/* libFuzzer target: RECORD parsing on any bytes; whatever parses must
 * survive a write and re-read unchanged, and entry_points.txt and the
 * "#!python" rewriting must not crash. Build: make fuzz (build-fuzz/fuzz_record). */
#include "util/common.h"

#include "core/pkg/record.h"
#include "core/pkg/scripts.h"
#include "util/buf.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf captured = BUF_INIT;
	error_capture = &captured;
	struct record r = RECORD_INIT;
	if (record_parse((const char *)data, size, "fuzz", &r) == 0) {
		struct buf out = BUF_INIT;
		record_format(&r, &out);
		struct record again = RECORD_INIT;
		if (record_parse(out.ptr, out.len, "again", &again) != 0 || again.n != r.n)
			abort();
		for (size_t i = 0; i < r.n; i++)
			if (strcmp(r.rows[i].path, again.rows[i].path) ||
			    strcmp(r.rows[i].hash, again.rows[i].hash) ||
			    strcmp(r.rows[i].size, again.rows[i].size))
				abort();
		record_free(&again);
		buf_free(&out);
	}
	record_free(&r);
	struct entry_points eps = { NULL, 0 };
	if (entry_points_parse((const char *)data, size, "fuzz", &eps) == 0)
		entry_points_free(&eps);
	struct buf fixed = BUF_INIT;
	(void)script_rewrite_python(&fixed, "/env/bin/python", (const char *)data, size);
	buf_free(&fixed);
	error_capture = NULL;
	buf_free(&captured);
	return 0;
}
