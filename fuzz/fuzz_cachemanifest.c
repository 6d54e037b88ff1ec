/* libFuzzer target: the wheel cache's seal reader (core/pkg/cachemanifest)
 * on any bytes; whatever parses must survive a write and re-read unchanged,
 * hold only safe paths, and be sorted (manifest_find finds every row); the
 * wheel block (issue 18) must come back value for value.
 * Build: make fuzz (build-fuzz/fuzz_cachemanifest fuzz/corpus/cachemanifest). */
#include "util/common.h"

#include "core/pkg/cachemanifest.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_info(const struct manifest_info *a, const struct manifest_info *b)
{
	if (!a || !b)
		return a == b;
	bool ok = same_str(a->dist_info, b->dist_info) && same_str(a->name, b->name) &&
		  same_str(a->version, b->version) &&
		  same_str(a->requires_python, b->requires_python) &&
		  a->requires_dist.n == b->requires_dist.n && a->eps.n == b->eps.n &&
		  a->wheel_version[0] == b->wheel_version[0] &&
		  a->wheel_version[1] == b->wheel_version[1] &&
		  a->root_is_purelib == b->root_is_purelib;
	for (size_t i = 0; ok && i < a->requires_dist.n; i++)
		ok = same_str(a->requires_dist.v[i], b->requires_dist.v[i]);
	for (size_t i = 0; ok && i < a->eps.n; i++)
		ok = same_str(a->eps.v[i].name, b->eps.v[i].name) &&
		     same_str(a->eps.v[i].module, b->eps.v[i].module) &&
		     same_str(a->eps.v[i].attr, b->eps.v[i].attr) && a->eps.v[i].gui == b->eps.v[i].gui;
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m = MANIFEST_INIT;
	if (manifest_parse((const char *)data, size, &m) < 0)
		return 0;
	struct buf out = BUF_INIT;
	manifest_format(&m, &out);
	struct manifest again = MANIFEST_INIT;
	if (manifest_parse(out.ptr, out.len, &again) != 0 || again.n != m.n ||
	    strcmp(again.key, m.key) || !same_info(m.info, again.info))
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
