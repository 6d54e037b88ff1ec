#include "util/common.h"

#include "core/env/envlock.h"
#include "os/fs.h"
#include "os/link.h"
#include "util/buf.h"
#include "util/error.h"

int env_lock(const char *envdir)
{
	char *state = path_join(envdir, ".cvenv");
	char *lock = path_join(state, "lock");
	int fd = -1;
	for (;;) {
		if (os_mkdir_p(state, 0755) < 0) {
			error_errno("cannot create '%s'", state);
			break;
		}
		fd = os_lock(lock);
		if (fd < 0) {
			error_errno("cannot lock '%s'", lock);
			break;
		}
		/* the holder before us may have removed the file (a failed
		 * create taking back the .cvenv it made, a --clear swapping the
		 * env away): a lock on a file no longer at that path excludes
		 * nobody, so lock the one there now */
		if (os_fd_is_at(fd, lock))
			break;
		os_unlock(fd);
		fd = -1;
	}
	free(lock);
	free(state);
	return fd;
}

void env_unlock(int fd)
{
	os_unlock(fd);
}
