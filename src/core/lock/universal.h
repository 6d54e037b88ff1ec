/* A lock for several environments (`cvenv lock --python-version 3.8
 * --python-version 3.12 --python-platform linux --python-platform windows`):
 * the locks resolved once per target, merged into one pylock.
 *
 * Each target is resolved on its own (one version per package per
 * environment). A package chosen at the same version by every target keeps
 * the marker its targets agree on (none when none of them needs one); a
 * package chosen by some targets only, or at different versions, gets a
 * marker selecting those targets ("python_version == '3.8' or ...").
 * The targets' markers become the lock's environments, so an installer
 * refuses an environment none of them describes. Wheels of an entry are the
 * union of the targets' wheels (by file name).
 *
 * Ownership: pylock_merge fills out (initialized here) with copies; the
 * inputs are left as they were. */
#ifndef CVENV_LOCK_UNIVERSAL_H
#define CVENV_LOCK_UNIVERSAL_H

#include "util/common.h"

struct pylock;

/* Merges in[0..n) (in[i] resolved for the target that markers[i], never
 * NULL, selects) into out. */
void pylock_merge(const struct pylock *in, const char *const *markers, size_t n,
		  struct pylock *out);

#endif
