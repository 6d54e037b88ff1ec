/* libFuzzer target: the wheel cache's seal reader (core/pkg/cachemanifest)
 * on any bytes; whatever parses must survive a write and re-read unchanged,
 * hold only safe paths, and be sorted (manifest_find finds every row).
 * Build: make fuzz (build-fuzz/fuzz_cachemanifest fuzz/corpus/cachemanifest). */
#include "util/common.h"

#include "core/pkg/cachemanifest.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m = MANIFEST_INIT;
	if (manifest_parse((const char *)data, size, &m) < 0)
		return 0;
	struct buf out = BUF_INIT;
	manifest_format(&m, &out);
	struct manifest again = MANIFEST_INIT;
	if (manifest_parse(out.ptr, out.len, &again) != 0 || again.n != m.n ||
	    strcmp(again.key, m.key))
		abort();
	for (size_t i = 0; i < m.n; i++) {
		const struct manifest_row *a = &m.rows[i], *b = &again.rows[i];
		if (!manifest_path_ok(a->path) || manifest_find(&m, a->path) != a ||
		    strcmp(a->path, b->path) || strcmp(a->hash, b->hash) || a->mode != b->mode ||
		    a->size != b->size || a->ino != b->ino || a->mtime_sec != b->mtime_sec ||
		    a->mtime_nsec != b->mtime_nsec)
			abort();
	}
	manifest_free(&again);
	manifest_free(&m);
	buf_free(&out);
	return 0;
}
