/* Paths from outside (an interpreter's answer, a cache entry, later a
 * journal or RECORD) proven lexically before anything is made from them. */
#ifndef CVENV_PATHCHECK_H
#define CVENV_PATHCHECK_H

#include "util/common.h"

/* True when the n bytes at p are a relative path that stays below the
 * directory it is joined to: not empty, not absolute, no NUL byte, no ".."
 * component ("." and empty components are harmless and allowed). Pure: it
 * follows no symlink (the caller's walk must not either). */
bool path_rel_is_safe(const char *p, size_t n);

#endif
