/* Writing, linking and locking files for installs (see os/link.h). */
#include "util/common.h"

#include <fcntl.h>
#include <signal.h>
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
#include "util/buf.h"

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

/* flock(fd, op) on an open fd, waiting through signals unless interrupted;
 * returns fd, or closes it and returns -1 with flock's errno. */
static int lock_open_fd(int fd, int op)
{
	if (fd < 0)
		return -1;
	while (flock(fd, op) < 0) {
		if (errno == EINTR && !os_interrupted())
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
	return lock_open_fd(open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644), LOCK_EX);
}

int os_lock_try(const char *path)
{
	return lock_open_fd(open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644),
			    LOCK_EX | LOCK_NB);
}

int os_lock_shared(const char *path)
{
	return lock_open_fd(open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644), LOCK_SH);
}

void os_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

bool os_fd_is_at(int fd, const char *path)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && lstat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int os_trylock_dir(const char *path)
{
	return lock_open_fd(open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC),
			    LOCK_EX | LOCK_NB);
}

bool os_pid_alive(long pid)
{
	if (pid <= 0 || (long)(pid_t)pid != pid)
		return false;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

int os_hardlink(const char *src, const char *dst)
{
	return linkat(AT_FDCWD, src, AT_FDCWD, dst, 0);
}

extern char **environ;
static char **tz_child_env; /* environ without the pinned TZ, while pinned */

bool os_tz_pin(void)
{
	if (tz_child_env || getenv("TZ") || setenv("TZ", ":/etc/localtime", 0) != 0)
		return false;
	size_t n = 0;
	while (environ[n])
		n++;
	tz_child_env = xcalloc(n + 1, sizeof(*tz_child_env));
	for (size_t i = 0, k = 0; i < n; i++)
		if (strncmp(environ[i], "TZ=", 3) != 0)
			tz_child_env[k++] = environ[i];
	return true;
}

void os_tz_unpin(bool pinned)
{
	if (!pinned)
		return;
	unsetenv("TZ");
	free(tz_child_env);
	tz_child_env = NULL;
}

char *const *os_child_environ(void)
{
	return tz_child_env ? tz_child_env : environ;
}
