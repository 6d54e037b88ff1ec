/* Lexical work on relative paths (no file system access): joining a base and
 * a path that may hold "." and "..", without ever climbing above the base's
 * root. Pure functions; returned strings are new and the caller frees them. */
#ifndef CVENV_RELPATH_H
#define CVENV_RELPATH_H

#include "util/common.h"

/* Whether path is strictly inside dir, lexically: dir followed by '/' (or,
 * with or_same, dir itself). The one "is this under that" test; both are
 * spelled the same way (absolute or relative, normalised). */
bool path_is_under(const char *path, const char *dir, bool or_same);

/* Joins base (relative to a root, "" for the root itself) and a relative path
 * lexically, folding "." and ".."; NULL when the result would leave the root,
 * is the root itself, or path is absolute. */
char *path_rel_join(const char *base, const char *path);

#endif
