#include "util/common.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include "os/spawnbg.h"

extern char **environ;

int os_spawn_to_files(const char *const *argv, const char *const *env, const char *out_path,
		      const char *err_path, long *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	pid_t p;
	char *const *envp = env ? (char *const *)env : environ;
	int r = posix_spawn(&p, argv[0], &fa, NULL, (char *const *)argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0) {
		errno = r;
		return -1;
	}
	*pid = (long)p;
	return 0;
}

int os_wait_child(long pid, int *status)
{
	int ws;
	while (waitpid((pid_t)pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(ws))
		*status = WEXITSTATUS(ws);
	else if (WIFSIGNALED(ws))
		*status = 128 + WTERMSIG(ws);
	else
		*status = 255;
	return 0;
}
