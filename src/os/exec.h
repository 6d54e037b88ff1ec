/* Replacing this process with another program (cvenv run). */
#ifndef CVENV_OS_EXEC_H
#define CVENV_OS_EXEC_H

#include "util/common.h"

/* Sets (value not NULL) or removes (value NULL) a variable of this process's
 * environment, which a program it execs inherits. -1 with errno. */
int os_setenv(const char *name, const char *value);

/* execvp(3): replaces this process with argv[0], looked up on the PATH of
 * this process's environment as it is now when it holds no '/'. Returns only
 * on failure: -1 with errno (ENOENT: not found anywhere on PATH; EACCES: found
 * but not executable). Signals this process ignores stay ignored in the new
 * program, as POSIX says, so callers must not leave any ignored. */
int os_exec(const char *const *argv);

#endif
