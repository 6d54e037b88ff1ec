/* Starting programs without waiting for them, for running several at once
 * (the interpreter queries of a cold `cvenv python list`). Output goes to
 * files, so no pipe needs draining while the caller starts the next one. */
#ifndef CVENV_OS_SPAWNBG_H
#define CVENV_OS_SPAWNBG_H

#include "util/common.h"

/* Starts argv[0] (a path) with stdin from /dev/null and stdout and stderr
 * written to out_path and err_path (created or truncated, mode 0600), in
 * environment env (NULL: inherit), leading a process group of its own
 * (signals to this process are passed on to it until it is waited for).
 * Returns 0 and sets *pid, or -1 with errno. Wait with os_wait_within
 * (os/spawn.h). */
int os_spawn_to_files(const char *const *argv, const char *const *env, const char *out_path,
		      const char *err_path, long *pid);
#endif
