/* libFuzzer target: the install journal (untrusted: it arrives with an env)
 * on any bytes. Whatever parses must hold only safe paths and survive a
 * write and re-read unchanged. Build: make fuzz (build-fuzz/fuzz_journal). */
#include "util/common.h"

#include "core/pkg/journal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/relpath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool safe(const char *p)
{
	return path_rel_is_safe(p, strlen(p), NULL) && !strchr(p, '\n');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf captured = BUF_INIT;
	error_capture = &captured;
	struct journal j = JOURNAL_INIT;
	if (journal_parse((const char *)data, size, "fuzz", &j) == 0) {
		if (!j.stage || !safe(j.stage) || strchr(j.stage, '/'))
			abort();
		for (size_t i = 0; i < j.dirs.n; i++)
			if (!safe(j.dirs.v[i]))
				abort();
		for (size_t i = 0; i < j.n; i++)
			if (!safe(j.steps[i].rel) || j.steps[i].kind > STEP_DEL)
				abort();
		struct buf out = BUF_INIT;
		if (journal_format(j.stage, &j.dirs, j.steps, j.n, &out) != 0)
			abort();
		/* the writer's text is the input exactly */
		if (out.len != size || memcmp(out.ptr, data, size))
			abort();
		struct journal again = JOURNAL_INIT;
		if (journal_parse(out.ptr, out.len, "again", &again) != 0 || again.n != j.n ||
		    again.dirs.n != j.dirs.n)
			abort();
		journal_free(&again);
		buf_free(&out);
	}
	journal_free(&j);
	error_capture = NULL;
	buf_free(&captured);
	return 0;
}
