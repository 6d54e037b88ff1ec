/* libFuzzer target: the ELF interpreter reader and the musl loader banner
 * parser on any bytes. Build: make fuzz (build-fuzz/fuzz_elf); seeds in
 * fuzz/corpus/elf (real executables' first bytes make good ones too). */
#include "util/common.h"

#include "core/interp/elf.h"
#include "core/interp/libc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *interp = elf_interpreter(data, size);
	/* the path is bytes of the input: never longer than it */
	if (interp && strlen(interp) >= size)
		abort();
	free(interp);
	int major = -1, minor = -1;
	if (libc_parse_musl_banner((const char *)data, size, &major, &minor) == 0) {
		if (major < 0 || major > 999 || minor < 0 || minor > 999 || size < 14)
			abort();
	} else if (major != -1 || minor != -1) {
		abort(); /* a refused banner leaves the outputs alone */
	}
	return 0;
}
