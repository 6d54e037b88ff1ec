#include "util/common.h"

#include <fcntl.h>
#include <spawn.h>

#include "os/link.h"
#include "os/spawn.h"
#include "os/spawnbg.h"

extern char **environ;

int os_spawn_to_files(const char *const *argv, const char *const *env, const char *out_path,
		      const char *err_path, long *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	/* a group of its own, killed whole at a deadline (os_wait_within) */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	pid_t p;
	char *const *envp = env ? (char *const *)env : os_child_environ();
	int r = posix_spawn(&p, argv[0], &fa, &attr, (char *const *)argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (r != 0) {
		errno = r;
		return -1;
	}
	*pid = (long)p;
	os_group_remember(*pid);
	return 0;
}
