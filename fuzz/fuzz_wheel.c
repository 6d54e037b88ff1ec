/* libFuzzer target: the wheel reader on any bytes. The input is written as
 * a wheel file, opened (wheel_open: zip structure, member names, claimed
 * sizes, WHEEL, METADATA, RECORD), and every member is extracted with
 * verification into a scratch directory, one at a time (each file removed
 * after its check), as install and the cache do. Resource caps: each file
 * written is limited to 64 MiB by RLIMIT_FSIZE (a write past it fails with
 * EFBIG instead of filling the disk), so a bound cvenv fails to keep shows
 * as a crash-free but slow or failing run, and -rss_limit_mb catches memory.
 * Run it with TMPDIR on a small tmpfs as the disk quota (fuzz/README or
 * docs/security/resources.md):
 *   build-fuzz/fuzz_wheel -rss_limit_mb=256 -max_len=65536 fuzz/corpus/wheel */
#include "util/common.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/pkg/stage.h"
#include "core/pkg/wheel.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

#define FILE_CAP (64ull << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *scratch, *whl, *out;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	struct rlimit rl = { FILE_CAP, FILE_CAP };
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
		abort();
	scratch = os_mkdtemp_in(tmp && *tmp ? tmp : "/tmp", "fuzz-wheel-");
	if (!scratch)
		abort();
	whl = path_join(scratch, "fz-1.0-py3-none-any.whl");
	out = path_join(scratch, "out");
	return 0;
}

static void extract_all(struct wheel *w)
{
	char *rec = xstrfmt("%s/RECORD", w->dist_info);
	for (size_t i = 0; i < w->members.n; i++) {
		const char *m = w->members.v[i];
		if (!strcmp(m, rec))
			continue;
		struct strvec made = STRVEC_INIT;
		char *p = path_join(out, m);
		size_t total = 0;
		zip_int64_t idx = zip_name_locate(w->zip, m, ZIP_FL_ENC_GUESS);
		if (stage_extract_verified(w, m, p, stage_member_mode(w, idx), NULL, &total,
					   &made) == 0 && total > FILE_CAP)
			abort(); /* cannot be: the write would have failed */
		os_rm_rf(out);
		free(p);
		strvec_clear(&made);
	}
	free(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf captured = BUF_INIT;
	error_capture = &captured;
	if (os_write_atomic(whl, data, size, 0644, false) < 0)
		abort();
	struct wheel w;
	if (wheel_open(whl, &w) == 0) {
		extract_all(&w);
		wheel_close(&w);
	}
	error_capture = NULL;
	buf_free(&captured);
	return 0;
}
