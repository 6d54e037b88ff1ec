/* Paths beneath a root without following links (see beneath.h). Every
 * function resolves rel's parent to a directory fd (resolve_parent) and acts
 * on the last component with an *at call that does not follow it. */
#include "util/common.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif
#endif

#include "os/beneath.h"
#include "os/fs.h"
#include "util/buf.h"

#ifndef O_PATH
#define O_PATH O_RDONLY
#endif

static bool force_walk;

void os_beneath_force_walk(bool on)
{
	force_walk = on;
}

/* The lexical rule: relative, not empty, no empty, "." or ".." component. */
static int check_rel(const char *rel)
{
	if (!*rel) {
		errno = EINVAL;
		return -1;
	}
	if (*rel == '/') {
		errno = EXDEV;
		return -1;
	}
	for (const char *p = rel; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			errno = EXDEV;
			return -1;
		}
		if (n == 0 || (n == 1 && p[0] == '.')) {
			errno = EINVAL;
			return -1;
		}
		p += n;
		if (*p)
			p++;
		if (!*p && p[-1] == '/') {
			errno = EINVAL; /* a trailing slash */
			return -1;
		}
	}
	return 0;
}

static int open_root(const char *root)
{
	return open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* Opens the directory dir (n bytes, already checked) beneath rootfd, one
 * component at a time, refusing links. */
static int walk(int rootfd, const char *dir, size_t n)
{
	int fd = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
	for (size_t i = 0; fd >= 0 && i < n;) {
		size_t k = i;
		while (k < n && dir[k] != '/')
			k++;
		char *comp = xstrndup(dir + i, k - i);
		int next = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;
		struct stat st;
		if (next < 0 && (e == ENOTDIR || e == ELOOP) &&
		    fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			e = ELOOP;
		free(comp);
		close(fd);
		fd = next;
		errno = e;
		i = k + 1;
	}
	return fd;
}

/* Opens the directory dir (n bytes) beneath rootfd with openat2, or returns
 * -2 when the kernel lacks it. */
static int resolve_openat2(int rootfd, const char *dir, size_t n)
{
#if defined(SYS_openat2) && defined(RESOLVE_BENEATH)
	static bool missing;
	if (missing || force_walk)
		return -2;
	struct open_how how = { 0 };
	how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	char *d = xstrndup(dir, n);
	int fd = (int)syscall(SYS_openat2, rootfd, d, &how, sizeof(how));
	int e = errno;
	free(d);
	if (fd < 0 && (e == ENOSYS || e == EPERM)) { /* old kernel, or a seccomp filter */
		missing = true;
		return -2;
	}
	errno = e;
	return fd;
#else
	(void)rootfd, (void)dir, (void)n;
	return -2;
#endif
}

/* The directory holding rel's last component, opened beneath root without
 * following links; *leaf points at that component inside rel. */
static int resolve_parent(const char *root, const char *rel, const char **leaf)
{
	if (check_rel(rel) < 0)
		return -1;
	int rootfd = open_root(root);
	if (rootfd < 0)
		return -1;
	const char *slash = strrchr(rel, '/');
	int fd;
	if (!slash) {
		*leaf = rel;
		return rootfd;
	}
	*leaf = slash + 1;
	size_t n = (size_t)(slash - rel);
	fd = resolve_openat2(rootfd, rel, n);
	if (fd == -2)
		fd = walk(rootfd, rel, n);
	int e = errno;
	close(rootfd);
	errno = e;
	return fd;
}

static int close_keep_errno(int fd, int r)
{
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

int os_beneath_open(const char *root, const char *rel, int flags, mode_t mode)
{
	const char *leaf;
	int dfd = resolve_parent(root, rel, &leaf);
	if (dfd < 0)
		return -1;
	int fd = openat(dfd, leaf, flags | O_NOFOLLOW | O_CLOEXEC, mode);
	return close_keep_errno(dfd, fd);
}

static int kind_of(mode_t m)
{
	return S_ISLNK(m) ? OS_KIND_LINK : S_ISDIR(m) ? OS_KIND_DIR : S_ISREG(m) ? OS_KIND_FILE
										  : OS_KIND_OTHER;
}

int os_beneath_kind(const char *root, const char *rel)
{
	const char *leaf;
	int dfd = resolve_parent(root, rel, &leaf);
	if (dfd < 0)
		return errno == ENOENT ? OS_KIND_NONE : -1;
	struct stat st;
	int r = fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW);
	if (r < 0)
		r = errno == ENOENT ? OS_KIND_NONE : -1;
	else
		r = kind_of(st.st_mode);
	return close_keep_errno(dfd, r);
}

ssize_t os_beneath_first_link(const char *root, const char *rel)
{
	if (check_rel(rel) < 0)
		return -1;
	int fd = open_root(root);
	ssize_t r = 0;
	for (size_t i = 0; fd >= 0 && !r;) {
		size_t k = i + strcspn(rel + i, "/");
		char *comp = xstrndup(rel + i, k - i);
		struct stat st;
		if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = errno == ENOENT ? 0 : -1;
			free(comp);
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			r = (ssize_t)k;
		} else if (rel[k] && S_ISDIR(st.st_mode)) {
			int next = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (next < 0)
				r = -1;
			close(fd);
			fd = next;
		} else {
			free(comp);
			break;
		}
		free(comp);
		if (!rel[k])
			break;
		i = k + 1;
	}
	if (fd < 0)
		return -1;
	return close_keep_errno(fd, (int)r) < 0 ? -1 : r;
}

int os_beneath_mkdir(const char *root, const char *rel, mode_t mode)
{
	const char *leaf;
	int dfd = resolve_parent(root, rel, &leaf);
	if (dfd < 0)
		return -1;
	return close_keep_errno(dfd, mkdirat(dfd, leaf, mode));
}

int os_beneath_mkdir_p(const char *root, const char *rel, mode_t mode)
{
	if (check_rel(rel) < 0)
		return -1;
	char *p = xstrdup(rel);
	int r = 0;
	for (char *s = p;; s++) {
		bool end = !*s;
		if (end || *s == '/') {
			*s = '\0';
			int k = os_beneath_kind(root, p);
			if (k == OS_KIND_NONE)
				r = os_beneath_mkdir(root, p, mode);
			else if (k != OS_KIND_DIR) {
				r = -1;
				if (k >= 0)
					errno = k == OS_KIND_LINK ? ELOOP : ENOTDIR;
			}
			if (r < 0 && errno == EEXIST && os_beneath_kind(root, p) == OS_KIND_DIR)
				r = 0; /* made meanwhile */
			if (end || r < 0)
				break;
			*s = '/';
		}
	}
	free(p);
	return r;
}

int os_beneath_unlink(const char *root, const char *rel)
{
	const char *leaf;
	int dfd = resolve_parent(root, rel, &leaf);
	if (dfd < 0)
		return -1;
	return close_keep_errno(dfd, unlinkat(dfd, leaf, 0));
}

int os_beneath_rmdir(const char *root, const char *rel)
{
	const char *leaf;
	int dfd = resolve_parent(root, rel, &leaf);
	if (dfd < 0)
		return -1;
	return close_keep_errno(dfd, unlinkat(dfd, leaf, AT_REMOVEDIR));
}

/* Removes the entry name of the directory dfd, a tree without following links. */
static int rm_tree_at(int dfd, const char *name)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dfd, name, 0);
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	DIR *d = fdopendir(fd);
	if (!d)
		return close_keep_errno(fd, -1);
	int r = 0;
	struct dirent *ent;
	while (r == 0 && (ent = readdir(d)))
		if (strcmp(ent->d_name, ".") && strcmp(ent->d_name, ".."))
			r = rm_tree_at(dirfd(d), ent->d_name);
	int e = errno;
	closedir(d);
	errno = e;
	if (r == 0)
		r = unlinkat(dfd, name, AT_REMOVEDIR);
	return r;
}

int os_beneath_rm_rf(const char *root, const char *rel)
{
	const char *leaf;
	int dfd = resolve_parent(root, rel, &leaf);
	if (dfd < 0)
		return errno == ENOENT ? 0 : -1;
	return close_keep_errno(dfd, rm_tree_at(dfd, leaf));
}

int os_beneath_rename(const char *from_root, const char *from, const char *to_root,
		      const char *to)
{
	const char *fleaf, *tleaf;
	int fd = resolve_parent(from_root, from, &fleaf);
	if (fd < 0)
		return -1;
	int td = resolve_parent(to_root, to, &tleaf);
	if (td < 0)
		return close_keep_errno(fd, -1);
	int r = renameat(fd, fleaf, td, tleaf);
	close_keep_errno(fd, 0);
	return close_keep_errno(td, r);
}

/* At most this many directories kept: a commit moves between two or three
 * pairs of them; the least recently used goes first. */
#define KEPT_MAX 16

struct os_beneath_dir {
	char *path; /* root "/" dir (root alone for its own entries) */
	size_t rootlen, len;
	int fd;
};

void os_beneath_dirs_close(struct os_beneath_dirs *kept)
{
	for (size_t i = 0; i < kept->n; i++) {
		close(kept->v[i].fd);
		free(kept->v[i].path);
	}
	free(kept->v);
	kept->v = NULL;
	kept->n = 0;
}

static void drop_kept(struct os_beneath_dirs *kept, size_t i)
{
	close(kept->v[i].fd);
	free(kept->v[i].path);
	memmove(&kept->v[i], &kept->v[i + 1], (kept->n - i - 1) * sizeof(*kept->v));
	kept->n--;
}

/* rel's parent beneath root, from kept or resolved and kept; *leaf as
 * resolve_parent's. The fd belongs to kept. */
static int kept_parent(struct os_beneath_dirs *kept, const char *root, const char *rel,
		       const char **leaf)
{
	if (check_rel(rel) < 0)
		return -1;
	const char *slash = strrchr(rel, '/');
	size_t rn = strlen(root), dn = slash ? (size_t)(slash - rel) : 0;
	*leaf = slash ? slash + 1 : rel;
	for (size_t i = kept->n; i-- > 0;) {
		struct os_beneath_dir k = kept->v[i];
		if (k.rootlen != rn || memcmp(k.path, root, rn) ||
		    (dn ? k.path[rn] != '/' || strncmp(k.path + rn + 1, rel, dn) ||
				  k.path[rn + 1 + dn]
			: k.path[rn] != '\0'))
			continue;
		/* the last used goes last: the one evicted is the least used
		 * lately, never the other directory of the same move */
		memmove(&kept->v[i], &kept->v[i + 1], (kept->n - i - 1) * sizeof(*kept->v));
		kept->v[kept->n - 1] = k;
		return k.fd;
	}
	int fd = resolve_parent(root, rel, leaf);
	if (fd < 0)
		return -1;
	if (kept->n == KEPT_MAX)
		drop_kept(kept, 0);
	if (!(kept->n & (kept->n - 1)))
		kept->v = xrealloc(kept->v, (kept->n ? 2 * kept->n : 1) * sizeof(*kept->v));
	char *path = xmalloc(rn + dn + 2);
	memcpy(path, root, rn);
	path[rn] = '/';
	memcpy(path + rn + 1, rel, dn);
	size_t len = dn ? rn + 1 + dn : rn;
	path[len] = '\0';
	kept->v[kept->n++] = (struct os_beneath_dir){ path, rn, len, fd };
	return fd;
}

/* Drops the kept directories at or beneath root/rel (which was just moved
 * away, or replaced). */
static void forget_moved(struct os_beneath_dirs *kept, const char *root, const char *rel)
{
	size_t rn = strlen(root), n = strlen(rel);
	for (size_t i = kept->n; i-- > 0;) {
		/* most kept directories are the moves' parents, shorter than
		 * root/rel: told by their length alone (a kept path beneath
		 * another root, as an env's site-packages is beneath the env,
		 * is compared whole) */
		const char *p = kept->v[i].path;
		if (kept->v[i].len >= rn + 1 + n && !memcmp(p, root, rn) && p[rn] == '/' &&
		    !memcmp(p + rn + 1, rel, n) && (!p[rn + 1 + n] || p[rn + 1 + n] == '/'))
			drop_kept(kept, i);
	}
}

int os_beneath_rename_kept(struct os_beneath_dirs *kept, const char *from_root, const char *from,
			   const char *to_root, const char *to, bool noreplace)
{
	const char *fleaf, *tleaf;
	int fd = kept_parent(kept, from_root, from, &fleaf);
	if (fd < 0)
		return -1;
	int td = kept_parent(kept, to_root, to, &tleaf);
	if (td < 0)
		return -1;
	int r = noreplace ? os_renameat_noreplace(fd, fleaf, td, tleaf)
			  : renameat(fd, fleaf, td, tleaf);
	if (r < 0)
		return -1;
	forget_moved(kept, from_root, from);
	forget_moved(kept, to_root, to);
	return 0;
}

int os_beneath_read(const char *root, const char *rel, size_t max, struct buf *out,
		    unsigned *mode)
{
	int fd = os_beneath_open(root, rel, O_RDONLY, 0);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return close_keep_errno(fd, -1);
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return close_keep_errno(fd, -1);
	}
	if ((uint64_t)st.st_size > max) {
		errno = EFBIG;
		return close_keep_errno(fd, -1);
	}
	if (mode)
		*mode = (unsigned)(st.st_mode & 07777);
	size_t start = out->len;
	for (;;) {
		buf_grow(out, 65536);
		ssize_t n = read(fd, out->ptr + out->len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return close_keep_errno(fd, -1);
		if (n == 0)
			break;
		buf_setlen(out, out->len + (size_t)n);
		if (out->len - start > max) {
			errno = EFBIG;
			return close_keep_errno(fd, -1);
		}
	}
	close(fd);
	return 0;
}

int os_beneath_replace(const char *root, const char *rel, const void *data, size_t len,
		       mode_t mode)
{
	const char *leaf;
	int dfd = resolve_parent(root, rel, &leaf);
	if (dfd < 0)
		return -1;
	unsigned char rnd[6];
	os_random(rnd, sizeof(rnd));
	char *tmp = xstrfmt(".%s.cvenv-%02x%02x%02x%02x%02x%02x", leaf, rnd[0], rnd[1], rnd[2],
			    rnd[3], rnd[4], rnd[5]);
	int r = -1;
	int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	if (os_write_full(fd, data, len) < 0 || fchmod(fd, mode) < 0 || fsync(fd) < 0) {
		close_keep_errno(fd, 0);
		unlinkat(dfd, tmp, 0);
		goto out;
	}
	if (close(fd) < 0 || renameat(dfd, tmp, dfd, leaf) < 0) {
		int e = errno;
		unlinkat(dfd, tmp, 0);
		errno = e;
		goto out;
	}
	r = 0;
out:
	free(tmp);
	return close_keep_errno(dfd, r);
}
