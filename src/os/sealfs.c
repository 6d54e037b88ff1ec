/* File status, no-follow reads and owner locks for the wheel cache (see
 * os/sealfs.h). */
#define _GNU_SOURCE 1 /* O_PATH */
#include "util/common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "os/fs.h"
#include "os/link.h"
#include "os/sealfs.h"

static void fill_lstat(const struct stat *st, struct os_lstat *out)
{
	out->kind = S_ISREG(st->st_mode) ? OS_KIND_FILE
		    : S_ISDIR(st->st_mode) ? OS_KIND_DIR
		    : S_ISLNK(st->st_mode) ? OS_KIND_LINK
					   : OS_KIND_OTHER;
	out->mode = (unsigned)(st->st_mode & 07777);
	out->size = (uint64_t)st->st_size;
	out->ino = (uint64_t)st->st_ino;
	out->mtime_sec = (int64_t)st->st_mtim.tv_sec;
	out->mtime_nsec = (int64_t)st->st_mtim.tv_nsec;
	out->nlink = (uint64_t)st->st_nlink;
}

int os_lstat(const char *path, struct os_lstat *out)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return -1;
	fill_lstat(&st, out);
	return 0;
}

int os_dir_handle(const char *path)
{
#ifdef O_PATH
	return open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
#else
	return open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
#endif
}

void os_dir_handle_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

int os_lstat_at(int dirfd, const char *rel, struct os_lstat *out)
{
	struct stat st;
	if (fstatat(dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	fill_lstat(&st, out);
	return 0;
}

int os_read_regular(const char *path, int (*fn)(void *ctx, const void *data, size_t len),
		    void *ctx)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	int r = 0, e = 0;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		e = errno;
		r = -1;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		e = EINVAL;
		r = -1;
		goto out;
	}
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			r = -1;
			break;
		}
		if (n == 0 || (r = fn(ctx, chunk, (size_t)n)) != 0)
			break;
	}
out:
	close(fd);
	if (r < 0 && e)
		errno = e;
	return r;
}

int os_lock_owner(const char *path)
{
	char pid[48];
#ifdef SYS_gettid
	long tid = syscall(SYS_gettid);
#else
	long tid = (long)getpid();
#endif
	int n = snprintf(pid, sizeof(pid), "%ld %ld\n", (long)getpid(), tid);
	int fd = os_lock_try(path);
	if (fd >= 0 && os_write_full(fd, pid, (size_t)n) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
