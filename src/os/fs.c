#include "util/common.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/random.h>
#include <sys/syscall.h>
#include <linux/fs.h>
#endif

#include "os/fs.h"
#include "util/buf.h"
#include "util/strvec.h"

/* os_read_file; with until_short, a read shorter than asked is the end. */
static int read_file(const char *path, size_t max, struct buf *out, bool until_short)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char chunk[16384];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > max) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
		buf_add(out, chunk, (size_t)n);
		if (until_short && (size_t)n < sizeof(chunk))
			break;
	}
	close(fd);
	return 0;
}

int os_read_file(const char *path, size_t max, struct buf *out)
{
	return read_file(path, max, out, false);
}

int os_read_small(const char *path, size_t max, struct buf *out)
{
	return read_file(path, max, out, true);
}

int os_read_each(const char *path, void (*fn)(const void *data, size_t len, void *arg),
		 void *arg)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char block[65536];
	ssize_t n;
	while ((n = read(fd, block, sizeof(block))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		fn(block, (size_t)n, arg);
	}
	close(fd);
	return 0;
}

int os_write_full(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The process's umask, read once (cvenv never changes it; the read sets it
 * for a moment, so only once, whatever thread asks first). */
static mode_t umask_read;
static pthread_once_t umask_once = PTHREAD_ONCE_INIT;

static void read_umask(void)
{
	umask_read = umask(022);
	umask(umask_read);
}

static mode_t current_umask(void)
{
	(void)pthread_once(&umask_once, read_umask);
	return umask_read;
}

/* Whether a file just opened with `mode` needs an fchmod to have it exactly:
 * only when the umask took some of its bits away. */
static bool needs_fchmod(mode_t mode)
{
	return mode != OS_MODE_UMASK && (mode & current_umask()) != 0;
}

static mode_t open_mode(mode_t mode)
{
	return mode == OS_MODE_UMASK ? 0666 : mode;
}

int os_write_atomic(const char *path, const void *data, size_t len, mode_t mode, bool durable)
{
	char *tmp = xstrfmt("%s.tmp.%ld", path, (long)getpid());
	/* exact even when a stale temporary of that name exists (O_TRUNC keeps
	 * its mode) */
	if (mode == OS_MODE_UMASK)
		mode = 0666 & ~current_umask();
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	int e = 0;
	if (os_write_full(fd, data, len) < 0 || (durable && fsync(fd) < 0) ||
	    fchmod(fd, mode) < 0)
		e = errno;
	if (close(fd) < 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) < 0)
		e = errno;
	if (e)
		unlink(tmp);
	free(tmp);
	errno = e;
	return e ? -1 : 0;
}

int os_write_new(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, open_mode(mode));
	if (fd < 0)
		return -1;
	int e = 0;
	if (os_write_full(fd, data, len) < 0 || (needs_fchmod(mode) && fchmod(fd, mode) < 0))
		e = errno;
	if (close(fd) < 0 && !e)
		e = errno;
	if (e)
		unlink(path);
	errno = e;
	return e ? -1 : 0;
}

int os_mkdir(const char *path, mode_t mode)
{
	return mkdir(path, mode);
}

int os_mkdir_p(const char *path, mode_t mode)
{
	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST)
		return os_is_dir(path) ? 0 : (errno = ENOTDIR, -1);
	if (errno != ENOENT)
		return -1;
	char *parent = os_dirname(path);
	int r = strcmp(parent, path) ? os_mkdir_p(parent, mode) : -1;
	free(parent);
	if (r < 0)
		return -1;
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int rm_one(const char *fpath, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	int r = (type == FTW_DP) ? rmdir(fpath) : unlink(fpath);
	return (r < 0 && errno != ENOENT) ? -1 : 0;
}

int os_rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	return nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

int os_symlink(const char *target, const char *linkpath)
{
	return symlink(target, linkpath);
}

int os_open_copy_pair(const char *src, const char *dst, mode_t mode, int *in, int *out)
{
	*in = open(src, O_RDONLY | O_CLOEXEC);
	if (*in < 0)
		return -1;
	*out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (*out < 0) {
		int e = errno;
		close(*in);
		errno = e;
		return -1;
	}
	return 0;
}

int os_copy_file(const char *src, const char *dst, mode_t mode)
{
	int in, out;
	if (os_open_copy_pair(src, dst, mode, &in, &out) < 0)
		return -1;
	int e = 0;
	char chunk[65536];
	for (;;) {
		ssize_t n = read(in, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			break;
		}
		if (n == 0)
			break;
		if (os_write_full(out, chunk, (size_t)n) < 0) {
			e = errno;
			break;
		}
	}
	if (!e && fchmod(out, mode) < 0)
		e = errno;
	if (close(out) < 0 && !e)
		e = errno;
	close(in);
	if (e)
		unlink(dst);
	errno = e;
	return e ? -1 : 0;
}

int os_rename(const char *from, const char *to)
{
	return rename(from, to);
}

int os_renameat_noreplace(int fromfd, const char *from, int tofd, const char *to)
{
#if defined(__linux__) && defined(SYS_renameat2) && defined(RENAME_NOREPLACE)
	if (syscall(SYS_renameat2, fromfd, from, tofd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL)
		return -1;
#endif
	/* Fallback: a check, racy only on kernels without renameat2. */
	struct stat st;
	if (fstatat(tofd, to, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	return renameat(fromfd, from, tofd, to);
}

int os_rename_noreplace(const char *from, const char *to)
{
	return os_renameat_noreplace(AT_FDCWD, from, AT_FDCWD, to);
}

int os_rename_exchange(const char *a, const char *b)
{
#if defined(__linux__) && defined(SYS_renameat2) && defined(RENAME_EXCHANGE)
	return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
#else
	(void)a;
	(void)b;
	errno = ENOSYS;
	return -1;
#endif
}

int os_unlink(const char *path)
{
	return unlink(path);
}

int os_rmdir(const char *path)
{
	return rmdir(path);
}

bool os_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

bool os_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool os_is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool os_is_symlink(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

bool os_is_executable(const char *path)
{
	return os_is_file(path) && access(path, X_OK) == 0;
}

bool os_dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return false;
	struct dirent *e;
	bool empty = true;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			empty = false;
			break;
		}
	}
	closedir(d);
	return empty;
}

static void id_of(const struct stat *st, struct os_file_id *id)
{
	id->dev = (uint64_t)st->st_dev;
	id->ino = (uint64_t)st->st_ino;
	id->size = (uint64_t)st->st_size;
	id->mtime_sec = (int64_t)st->st_mtim.tv_sec;
	id->mtime_nsec = (int64_t)st->st_mtim.tv_nsec;
	id->ctime_sec = (int64_t)st->st_ctim.tv_sec;
	id->ctime_nsec = (int64_t)st->st_ctim.tv_nsec;
}

int os_file_id(const char *path, struct os_file_id *id)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -1;
	id_of(&st, id);
	return 0;
}

int os_file_id_fd(int fd, struct os_file_id *id)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -1;
	id_of(&st, id);
	return 0;
}

char *os_getcwd(void)
{
	size_t size = 256;
	for (;;) {
		char *b = xmalloc(size);
		if (getcwd(b, size))
			return b;
		free(b);
		if (errno != ERANGE)
			return NULL;
		size *= 2;
	}
}

char *os_realpath(const char *path)
{
	char *r = realpath(path, NULL);
	return r;
}

char *os_abspath(const char *path)
{
	struct buf in = BUF_INIT;
	if (path[0] != '/') {
		char *cwd = os_getcwd();
		if (!cwd)
			return NULL;
		buf_addstr(&in, cwd);
		buf_addch(&in, '/');
		free(cwd);
	}
	buf_addstr(&in, path);

	/* Fold the components: skip empty and ".", pop on "..". */
	struct buf out = BUF_INIT;
	const char *p = in.ptr;
	while (*p) {
		while (*p == '/')
			p++;
		const char *s = p;
		while (*p && *p != '/')
			p++;
		size_t n = (size_t)(p - s);
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			char *slash = strrchr(out.ptr, '/');
			buf_setlen(&out, slash ? (size_t)(slash - out.ptr) : 0);
			continue;
		}
		buf_addch(&out, '/');
		buf_add(&out, s, n);
	}
	if (!out.len)
		buf_addch(&out, '/');
	buf_free(&in);
	return buf_detach(&out);
}

char *os_readlink(const char *path)
{
	size_t size = 256;
	for (;;) {
		char *b = xmalloc(size);
		ssize_t n = readlink(path, b, size);
		if (n < 0) {
			free(b);
			return NULL;
		}
		if ((size_t)n < size) {
			b[n] = '\0';
			return b;
		}
		free(b);
		size *= 2;
	}
}

int os_list_dir(const char *path, struct strvec *names)
{
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			strvec_push(names, e->d_name);
	closedir(d);
	strvec_sort(names);
	return 0;
}

char *os_which(const char *name)
{
	if (strchr(name, '/'))
		return os_is_executable(name) ? xstrdup(name) : NULL;
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);
		char *dir = n ? xstrndup(path, n) : xstrdup(".");
		char *cand = path_join(dir, name);
		free(dir);
		if (os_is_executable(cand))
			return cand;
		free(cand);
		path += n;
		if (*path == ':')
			path++;
	}
	return NULL;
}

char *os_mkdtemp_in(const char *dir, const char *prefix)
{
	char *tmpl = xstrfmt("%s/%sXXXXXX", dir, prefix);
	if (!mkdtemp(tmpl)) {
		int e = errno;
		free(tmpl);
		errno = e;
		return NULL;
	}
	return tmpl;
}

void os_random(void *buf, size_t n)
{
	unsigned char *p = buf;
	size_t got = 0;
#if defined(__linux__)
	while (got < n) {
		ssize_t r = getrandom(p + got, n - got, GRND_NONBLOCK);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
#endif
	if (got < n) {
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t r;
			while (got < n && (r = read(fd, p + got, n - got)) > 0)
				got += (size_t)r;
			close(fd);
		}
	}
	if (got < n) {
		static uint64_t counter;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t x = ((uint64_t)ts.tv_sec << 30) ^ (uint64_t)ts.tv_nsec ^
			     ((uint64_t)getpid() << 16) ^ ++counter;
		for (; got < n; got++) {
			x ^= x << 13; /* xorshift64 */
			x ^= x >> 7;
			x ^= x << 17;
			p[got] = (unsigned char)x;
		}
	}
}

char *os_mkdir_unique(const char *dir, const char *prefix)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned char r[6];
		char suffix[7];
		os_random(r, sizeof(r));
		for (size_t i = 0; i < sizeof(r); i++)
			suffix[i] = chars[r[i] % (sizeof(chars) - 1)];
		suffix[6] = '\0';
		char *path = xstrfmt("%s/%s%s", dir, prefix, suffix);
		if (mkdir(path, 0777) == 0)
			return path;
		int e = errno;
		free(path);
		if (e != EEXIST) {
			errno = e;
			return NULL;
		}
	}
	errno = EEXIST;
	return NULL;
}

char *os_basename(const char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	size_t s = n;
	while (s > 0 && path[s - 1] != '/')
		s--;
	if (n == 1 && path[0] == '/')
		return xstrdup("/");
	return xstrndup(path + s, n - s);
}

char *os_dirname(const char *path)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	while (n > 0 && path[n - 1] != '/')
		n--;
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n == 0)
		return xstrdup(".");
	return xstrndup(path, n);
}

char *os_libexec_find(const char *name, int amode)
{
	char *self = os_readlink("/proc/self/exe");
	char *dir = self ? os_dirname(self) : xstrdup(".");
	char *libexec = xstrfmt("%s/../libexec/cvenv/%s", dir, name);
	char *beside = xstrfmt("%s/%s", dir, name);
	char *found;
	if (access(libexec, amode) != 0 && access(beside, amode) == 0) {
		found = beside;
		beside = NULL;
	} else {
		found = libexec;
		libexec = NULL;
	}
	free(self);
	free(dir);
	free(libexec);
	free(beside);
	return found;
}

char *os_find_up(const char *dir, const char *name, bool want_dir)
{
	char *d = xstrdup(dir);
	char *found = NULL;
	while (!found) {
		char *cand = path_join(d, name);
		if (want_dir ? os_is_dir(cand) : os_is_file(cand))
			found = cand;
		else
			free(cand);
		char *up = os_dirname(d);
		bool top = !strcmp(up, d);
		free(d);
		d = up;
		if (top)
			break;
	}
	free(d);
	return found;
}

bool os_can_write_near(const char *path)
{
	char *p = xstrdup(path);
	for (;;) {
		if (os_exists(p)) {
			bool ok = access(p, W_OK) == 0;
			free(p);
			return ok;
		}
		char *d = os_dirname(p);
		if (!strcmp(d, p)) {
			free(d);
			free(p);
			return false;
		}
		free(p);
		p = d;
	}
}
