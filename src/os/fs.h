/* The file-system seam: with the rest of src/os/, the only code that calls
 * the OS directly. Functions return 0 or a value on success and -1 with
 * errno set on failure; they print nothing, so that callers can report the
 * failure with the subject and context they know. Returned strings are
 * malloc'd and owned by the caller. */
#ifndef CVENV_OS_FS_H
#define CVENV_OS_FS_H

#include "util/common.h"
#include <sys/types.h>

struct buf;
struct strvec;

/* Reads a whole file; fails with EFBIG when it is larger than max bytes. */
int os_read_file(const char *path, size_t max, struct buf *out);
/* os_read_file for a small file replaced whole, never appended to (a cache
 * index entry, a seal): the first short read is taken as its end, as a
 * regular file gives one only there, so a file that fits in one read costs
 * an open, a read and a close. A short read for another reason (a signal,
 * a pipe) only cuts the text short: callers check what they read. */
int os_read_small(const char *path, size_t max, struct buf *out);
/* Reads a whole file in fixed blocks, calling fn on each in order: memory
 * stays one block whatever the file's size (hashing a wheel). */
int os_read_each(const char *path, void (*fn)(const void *data, size_t len, void *arg),
		 void *arg);
/* As the mode of a new file: what open(2) gives (0666 less the umask), as a
 * Python program's open() makes it, rather than an exact mode. */
#define OS_MODE_UMASK ((mode_t)-1)

/* Writes path atomically: a temporary file beside it, fsync when durable,
 * then rename over path. The file never exists half-written. mode: exact
 * (whatever the umask), or OS_MODE_UMASK. */
int os_write_atomic(const char *path, const void *data, size_t len, mode_t mode, bool durable);
/* Writes a file that must not exist yet (O_EXCL), with mode (as above): for files in a
 * directory no other program knows about, where a temporary and a rename
 * would only cost time. A failed write leaves no file behind. */
int os_write_new(const char *path, const void *data, size_t len, mode_t mode);
/* Writes all len bytes to fd, retrying short writes and EINTR. */
int os_write_full(int fd, const void *data, size_t len);
/* Creates path and missing parents; an existing directory is fine. */
int os_mkdir_p(const char *path, mode_t mode);
int os_mkdir(const char *path, mode_t mode);
/* Removes a tree without following symbolic links; a missing path is fine. */
int os_rm_rf(const char *path);
int os_symlink(const char *target, const char *linkpath);
/* Opens src for reading and creates dst (which must not exist) for writing
 * with mode; on failure nothing is left open and errno tells why. */
int os_open_copy_pair(const char *src, const char *dst, mode_t mode, int *in, int *out);
/* Copies a regular file's bytes (copy_file_range where available), with mode. */
int os_copy_file(const char *src, const char *dst, mode_t mode);
int os_rename(const char *from, const char *to);
/* Renames from onto to only if to does not exist (EEXIST otherwise),
 * atomically where the kernel supports it. */
int os_rename_noreplace(const char *from, const char *to);
/* The same between directory fds (renameat's arguments). */
int os_renameat_noreplace(int fromfd, const char *from, int tofd, const char *to);
/* Atomically swaps two existing paths where supported (ENOSYS otherwise). */
int os_rename_exchange(const char *a, const char *b);
int os_unlink(const char *path);
int os_rmdir(const char *path);

bool os_exists(const char *path);      /* anything, links not followed */
bool os_is_dir(const char *path);      /* follows links */
bool os_is_file(const char *path);     /* regular file, follows links */
bool os_is_symlink(const char *path);
bool os_is_executable(const char *path);
/* True if the directory exists and has no entries. */
bool os_dir_is_empty(const char *path);

/* Identity of a file, for cache keys: device, inode, size, mtime, ctime. */
struct os_file_id {
	uint64_t dev, ino, size;
	int64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
};
int os_file_id(const char *path, struct os_file_id *id);
/* The same of an open file descriptor (fstat). */
int os_file_id_fd(int fd, struct os_file_id *id);

char *os_getcwd(void);
/* realpath(3): resolves links; NULL with errno on failure. */
char *os_realpath(const char *path);
/* Absolute and lexically normalised ("." and ".." folded, no link resolution),
 * as Python's os.path.abspath. */
char *os_abspath(const char *path);
char *os_readlink(const char *path);
/* Entries of a directory except "." and "..", sorted. */
int os_list_dir(const char *path, struct strvec *names);
/* First executable named `name` on $PATH, or NULL. */
char *os_which(const char *name);
/* Creates a new private directory named "<dir>/<prefix>XXXXXX". */
char *os_mkdtemp_in(const char *dir, const char *prefix);
/* Creates a new directory "<dir>/<prefix>XXXXXX" (a random, unused name) with
 * mkdir's usual mode (0777 less the umask, or the parent's default ACL): for
 * a directory that becomes something public by a rename. NULL with errno. */
char *os_mkdir_unique(const char *dir, const char *prefix);
/* Fills buf with random bytes (getrandom(2), else /dev/urandom, else a mix
 * of the clock and the pid: names, hash seeds, never keys). */
void os_random(void *buf, size_t n);
/* The basename and dirname of a path, as new strings (no trailing slashes). */
char *os_basename(const char *path);
char *os_dirname(const char *path);
/* dir/name, else the same name in the nearest parent that has it (a
 * directory with want_dir, else a regular file), up to /; new string, or
 * NULL when there is none. */
char *os_find_up(const char *dir, const char *name, bool want_dir);
/* A companion file of the running cvenv (its HTTP helper, its libzip
 * plugin): <cvenv's directory>/../libexec/cvenv/<name> when that is
 * accessible with amode (an installed cvenv), else <cvenv's directory>/<name>
 * when that is (a build tree), else the libexec path (for the caller's
 * message). A new string. */
char *os_libexec_find(const char *name, int amode);
/* access(path, W_OK) on the nearest existing ancestor. */
bool os_can_write_near(const char *path);

#endif
