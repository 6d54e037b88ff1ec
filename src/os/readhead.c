#include "util/common.h"

#include <fcntl.h>
#include <unistd.h>

#include "os/readhead.h"
#include "util/buf.h"

int os_read_head(const char *path, size_t max, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char chunk[16384];
	size_t got = 0;
	while (got < max) {
		size_t want = max - got < sizeof(chunk) ? max - got : sizeof(chunk);
		ssize_t n = read(fd, chunk, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		buf_add(out, chunk, (size_t)n);
		got += (size_t)n;
	}
	close(fd);
	return 0;
}
