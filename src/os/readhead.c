#include "util/common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os/fs.h"
#include "os/readhead.h"
#include "util/buf.h"

/* One pread of max bytes: a regular file returns fewer only at its end (or
 * when a signal cuts the read short, which costs a header, not correctness:
 * the caller's parser sees a truncated image and says so). */
int os_read_head(const char *path, size_t max, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	buf_grow(out, max);
	ssize_t n;
	while ((n = pread(fd, out->ptr + out->len, max, 0)) < 0 && errno == EINTR)
		;
	int e = errno;
	close(fd);
	if (n < 0) {
		errno = e;
		return -1;
	}
	buf_setlen(out, out->len + (size_t)n);
	return 0;
}

int os_read_whole(const char *path, size_t max, struct buf *out)
{
	struct os_file_id id;
	return os_read_whole_id(path, max, NULL, out, &id);
}

/* The same file: device, inode, size and modification time (not the
 * change time, which a hard link made to the file moves). */
static bool same_file(const struct os_file_id *a, const struct os_file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime_sec == b->mtime_sec && a->mtime_nsec == b->mtime_nsec;
}

int os_read_whole_id(const char *path, size_t max, const struct os_file_id *same,
		     struct buf *out, struct os_file_id *id)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t start = out->len, got = 0;
	int r = -1;
	if (os_file_id_fd(fd, id) < 0)
		goto out;
	if (same && !same_file(same, id)) {
		errno = ESTALE;
		goto out;
	}
	if (id->size > max) {
		errno = EFBIG;
		goto out;
	}
	/* one byte more than the size: a file grown meanwhile shows at once */
	size_t want = (size_t)id->size + 1;
	for (;;) {
		buf_grow(out, want);
		ssize_t n = read(fd, out->ptr + start + got, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		got += (size_t)n;
		buf_setlen(out, start + got);
		if (got > max) {
			errno = EFBIG;
			goto out;
		}
		want = (size_t)n < want ? want - (size_t)n : 65536;
	}
	/* the bytes read are the identity's: a file that changed size while
	 * read is refused */
	if (same && got != id->size) {
		errno = ESTALE;
		goto out;
	}
	r = 0;
out:
	if (r < 0)
		buf_setlen(out, start);
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

int os_ranges_open(const char *path, struct os_ranges *f)
{
	struct stat st;
	f->size = 0;
	if ((f->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(f->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 0) {
		int e = S_ISREG(st.st_mode) ? errno : EINVAL;
		os_ranges_close(f);
		errno = e;
		return -1;
	}
	f->size = (uint64_t)st.st_size;
	return 0;
}

int os_ranges_read(const struct os_ranges *f, uint64_t off, size_t len, struct buf *out)
{
	size_t got = 0;
	if (len > f->size || off > f->size - len) {
		errno = EIO;
		return -1;
	}
	buf_grow(out, len);
	while (got < len) {
		ssize_t n = pread(f->fd, out->ptr + out->len + got, len - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			out->ptr[out->len] = '\0';
			return -1;
		}
		got += (size_t)n;
	}
	buf_setlen(out, out->len + len);
	return 0;
}

void os_ranges_close(struct os_ranges *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}
