/* Lexical work on relative paths (no file system access): joining a base and
 * a path that may hold "." and "..", without ever climbing above the base's
 * root, and deciding whether a path read from outside is safe to use as is.
 * Pure functions; returned strings are new and the caller frees them. */
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

/* Whether the n bytes at p are a relative path that names something strictly
 * inside its root, spelled canonically: not empty, not absolute, no NUL, no
 * "." or ".." component, no empty component ("a//b") and no trailing slash.
 * The one lexical check for paths read from outside (a journal, a RECORD, a
 * cache). When it is not, *why (if why is not NULL) says why. */
bool path_rel_is_safe(const char *p, size_t n, const char **why);

/* Whether the n bytes at p are an absolute path without a ".." component or a
 * NUL byte (an interpreter's own paths: "." and empty components are allowed,
 * they climb nowhere). */
bool path_abs_is_safe(const char *p, size_t n);

#endif
