#include "util/common.h"

#include <fcntl.h>
#include <unistd.h>

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
