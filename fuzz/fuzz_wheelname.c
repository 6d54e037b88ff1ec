/* libFuzzer target: wheel file names, member-name safety and the tag
 * matching on any text. Build: make fuzz (build-fuzz/fuzz_wheelname). */
#include "util/common.h"

#include "core/std/tags.h"
#include "core/pkg/wheel.h"
#include "core/std/metadata.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct strvec tags = STRVEC_INIT;
	struct buf captured = BUF_INIT;
	error_capture = &captured;
	if (!tags.n) {
		struct tag_facts f = { .impl = "cpython", .major = 3, .minor = 12, .nodot = "312",
				       .platform = "linux-x86_64", .glibc_major = 2, .glibc_minor = 36 };
		tags_supported(&f, &tags);
	}
	char *s = xstrndup((const char *)data, size);
	struct wheel_name wn;
	if (wheel_name_parse(s, &wn) == 0) {
		/* the parts must be non-empty, and the tag text rebuilds the name's tail */
		if (!wn.name[0] || !wn.version[0] || !wn.pythons.n || !wn.abis.n || !wn.platforms.n)
			abort();
		struct buf t = BUF_INIT;
		wheel_name_tags(&wn, &t);
		if (!strstr(s, t.ptr))
			abort();
		long rank = tags_wheel_rank(&tags, &wn);
		if (rank < -1 || rank >= (long)tags.n)
			abort();
		buf_free(&t);
		wheel_name_free(&wn);
	}
	(void)wheel_member_name_safe(s);
	char *c = name_canonicalize_n(s, strlen(s));
	for (char *p = c; *p; p++)
		if (*p == '_' || *p == '.' || (*p == '-' && p[1] == '-'))
			abort();
	free(c);
	free(s);
	error_capture = NULL;
	buf_free(&captured);
	return 0;
}
