/* Starting programs without waiting for them, for running several at once
 * (the interpreter queries of a cold `cvenv python list`). Output goes to
 * files, so no pipe needs draining while the caller starts the next one. */
#ifndef CVENV_OS_SPAWNBG_H
#define CVENV_OS_SPAWNBG_H

#include "util/common.h"

/* Starts argv[0] (a path) with stdin from /dev/null and stdout and stderr
 * written to out_path and err_path (created or truncated, mode 0600), in
 * environment env (NULL: inherit). Returns 0 and sets *pid, or -1 with errno. */
int os_spawn_to_files(const char *const *argv, const char *const *env, const char *out_path,
		      const char *err_path, long *pid);
/* Waits for a child started by os_spawn_to_files; *status is its exit code,
 * or 128+signal. Returns 0, or -1 with errno. */
int os_wait_child(long pid, int *status);

#endif
