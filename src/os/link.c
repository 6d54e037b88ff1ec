/* Writing, linking and locking files for installs (see os/link.h). */
#include "util/common.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/fs.h>
#endif

#include "os/fs.h"
#include "os/interrupt.h"
#include "os/link.h"

int os_create_file(const char *path, mode_t mode)
{
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
}

int os_close_file(int fd)
{
	return close(fd);
}

static int clone_file(const char *src, const char *dst, mode_t mode)
{
#ifdef FICLONE
	int in, out;
	if (os_open_copy_pair(src, dst, mode, &in, &out) < 0)
		return -1;
	int r = ioctl(out, FICLONE, in);
	int e = errno;
	close(in);
	close(out);
	if (r < 0) {
		unlink(dst);
		errno = e;
		return -1;
	}
	return chmod(dst, mode);
#else
	errno = EOPNOTSUPP;
	return -1;
#endif
}

int os_link_file(const char *src, const char *dst, mode_t mode, enum os_link_mode how,
		 enum os_link_mode *used)
{
	if (how == OS_LINK_AUTO || how == OS_LINK_CLONE) {
		if (clone_file(src, dst, mode) == 0) {
			*used = OS_LINK_CLONE;
			return 0;
		}
		if (how == OS_LINK_CLONE)
			return -1;
	}
	if (how == OS_LINK_AUTO || how == OS_LINK_HARDLINK) {
		if (link(src, dst) == 0) {
			*used = OS_LINK_HARDLINK;
			return 0;
		}
		if (errno != EXDEV && errno != EPERM && errno != EMLINK && errno != ENOTSUP)
			return -1;
	}
	*used = OS_LINK_COPY;
	return os_copy_file(src, dst, mode);
}

static int lock_path(const char *path, int oflags, int how)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | oflags, 0644);
	if (fd < 0)
		return -1;
	while (flock(fd, how) < 0) {
		if (errno == EINTR && !(how & LOCK_NB) && !os_interrupted())
			continue;
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int os_lock(const char *path)
{
	return lock_path(path, 0, LOCK_EX);
}

int os_lock_try(const char *path)
{
	return lock_path(path, O_NOFOLLOW, LOCK_EX | LOCK_NB);
}

int os_lock_shared(const char *path)
{
	return lock_path(path, O_NOFOLLOW, LOCK_SH);
}

void os_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

bool os_tz_pin(void)
{
	return !getenv("TZ") && setenv("TZ", ":/etc/localtime", 0) == 0;
}

void os_tz_unpin(bool pinned)
{
	if (pinned)
		unsetenv("TZ");
}
