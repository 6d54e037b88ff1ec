/* libFuzzer target: core metadata (METADATA / PKG-INFO) and direct_url.json
 * parsing, on any bytes.
 * Built by `make fuzz`; run build-fuzz/fuzz_metadata fuzz/corpus/metadata. */
#include "util/common.h"

#include "core/pkg/distinfo.h"
#include "core/std/metadata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct metadata md = METADATA_INIT;
	metadata_parse(&md, (const char *)data, size);
	size_t pos = 0;
	while (metadata_next(&md, "Requires-Dist", &pos))
		;
	(void)metadata_description(&md);
	const char *name = metadata_get(&md, "Name");
	if (name) {
		free(name_canonicalize(name));
		free(name_safe(name));
		free(name_distinfo_escape(name));
		(void)name_is_valid(name);
	}
	metadata_free(&md);
	struct direct_url du;
	if (direct_url_parse((const char *)data, size, &du) == 0) {
		free(file_url_to_path(du.url));
		direct_url_free(&du);
	}
	return 0;
}
