/* libFuzzer target: HTTP cache entries (core/index/httpcache) and
 * Cache-Control values, on any bytes; a parsed entry must re-format to one
 * that parses the same.
 * Built by `make fuzz`; run build-fuzz/fuzz_httpcache fuzz/corpus/httpcache. */
#include "util/common.h"

#include "core/index/httpcache.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct httpcache_entry e;
	struct buf why = BUF_INIT, again = BUF_INIT;
	if (httpcache_parse((const char *)data, size, &e, &why) == 0) {
		(void)httpcache_fresh(&e, 1700000000);
		if (httpcache_format(&again, &e, e.body, e.body_len) < 0)
			abort();
		struct httpcache_entry r;
		if (httpcache_parse(again.ptr, again.len, &r, &why) < 0 || r.body_len != e.body_len ||
		    memcmp(r.body, e.body, e.body_len) || strcmp(r.url, e.url))
			abort();
		httpcache_entry_release(&r);
		httpcache_entry_release(&e);
	}
	char *s = xstrndup((const char *)data, size);
	(void)httpcache_max_age(s);
	free(s);
	buf_free(&why);
	buf_free(&again);
	return 0;
}
