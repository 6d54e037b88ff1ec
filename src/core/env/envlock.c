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
	if (os_mkdir_p(state, 0755) < 0) {
		error("cannot create '%s': %s", state, strerror(errno));
		goto out;
	}
	fd = os_lock(lock);
	if (fd < 0)
		error("cannot lock '%s': %s", lock, strerror(errno));
out:
	free(lock);
	free(state);
	return fd;
}

void env_unlock(int fd)
{
	os_unlock(fd);
}
