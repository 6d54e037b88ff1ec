/* Lock targets: the environment `cvenv lock --python-version X.Y
 * --python-platform P` resolves for when it is not the env's interpreter.
 *
 * A target starts from the interpreter's facts (its implementation, its
 * marker values) and replaces what was asked for: the Python version
 * (python_version, python_full_version, implementation_version, the cpXY
 * tags, requires-python checks) and the platform (os_name, sys_platform,
 * platform_system, platform_machine, platform_release/version emptied, and
 * the platform tags). The platform names are uv's (`uv pip compile
 * --python-platform`), this subset:
 *
 *   linux, x86_64-unknown-linux-gnu      x86_64, manylinux_2_28 and older
 *   aarch64-unknown-linux-gnu            aarch64, manylinux_2_28 and older
 *   x86_64-manylinux_2_N, aarch64-manylinux_2_N (N from 17 to 40)
 *   x86_64-unknown-linux-musl, aarch64-unknown-linux-musl   musllinux_1_2
 *   windows, x86_64-pc-windows-msvc      win_amd64
 *   i686-pc-windows-msvc                 win32
 *   aarch64-pc-windows-msvc              win_arm64
 *   macos, aarch64-apple-darwin          macOS 13.0 on arm64
 *   x86_64-apple-darwin                  macOS 13.0 on x86_64
 *
 * Ownership: a lock_target owns its strings; lock_target_free releases
 * them. Pure: no OS call. */
#ifndef CVENV_LOCK_TARGET_H
#define CVENV_LOCK_TARGET_H

#include "util/common.h"
#include "core/std/pep508.h"
#include "util/strvec.h"

struct interp;

struct lock_target {
	struct pep508_env env;     /* the marker values (pointing into vals) */
	char *vals[PEP508_NVARS];  /* the values replaced, owned */
	char *python_version;      /* "3.8.0", for requires-python */
	struct strvec tags;        /* supported tags, best first */
	/* The marker that selects this target ("python_version == '3.8' and
	 * sys_platform == 'win32' ..."): for pylock's environments and a
	 * universal lock's package markers; NULL when nothing was replaced. */
	char *marker;
};

/* The names --python-platform accepts, for --help ("linux windows ..."). */
extern const char *const lock_target_platforms[];

/* Makes the target of interpreter ip with pyver ("3.8", "3.8.10"; NULL:
 * ip's) and platform (a name above; NULL: ip's machine). Returns 0, or -1
 * reported as a usage error for a version or platform it does not know. */
int lock_target_make(const struct interp *ip, const char *pyver, const char *platform,
		     struct lock_target *t);
void lock_target_free(struct lock_target *t);
/* The same checks alone, before any interpreter is asked. */
int lock_target_check(const char *pyver, const char *platform);

#endif
