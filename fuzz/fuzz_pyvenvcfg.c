/* libFuzzer target for core/pyvenvcfg: any bytes as a pyvenv.cfg. Parsing
 * never crashes, and what the writer makes of the entries reads back as the
 * same entries (so rewriting a cfg never changes what it says); repr of any
 * value never crashes. */
#include "util/common.h"

#include "core/env/pyvenvcfg.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (memchr(data, 0, size))
		return 0; /* a C string cannot hold NUL; the file reader stops there too */
	struct pyvenvcfg cfg = PYVENVCFG_INIT, again = PYVENVCFG_INIT;
	struct buf text = BUF_INIT, repr = BUF_INIT;
	pyvenvcfg_parse(&cfg, (const char *)data, size);
	pyvenvcfg_format(&cfg, &text);
	pyvenvcfg_parse(&again, text.ptr, text.len);
	if (again.n != cfg.n)
		abort();
	for (size_t i = 0; i < cfg.n; i++) {
		if (strcmp(cfg.v[i].key, again.v[i].key) || strcmp(cfg.v[i].value, again.v[i].value))
			abort();
		py_repr_str(&repr, cfg.v[i].value);
	}
	pyvenvcfg_get(&cfg, "home");
	buf_free(&repr);
	buf_free(&text);
	pyvenvcfg_free(&again);
	pyvenvcfg_free(&cfg);
	return 0;
}
