/* What the sealed wheel cache needs from the file system: a file's status
 * without following links, reading a regular file without following a link
 * at its last component, and owner locks that tell a live temp directory
 * from one whose process died (flock: released by the kernel when its holder
 * dies, so a reused pid cannot fake a live owner). Part of the OS seam (see
 * os/fs.h for conventions: -1 with errno, nothing printed). */
#ifndef CVENV_OS_SEALFS_H
#define CVENV_OS_SEALFS_H

#include "util/common.h"

enum os_kind { OS_KIND_FILE, OS_KIND_DIR, OS_KIND_LINK, OS_KIND_OTHER };

struct os_lstat {
	enum os_kind kind;
	unsigned mode; /* permission bits (07777) */
	uint64_t size, ino;
	int64_t mtime_sec, mtime_nsec;
	uint64_t nlink;   /* hard links to it */
};

/* lstat(2): the link itself when path is a symlink. */
int os_lstat(const char *path, struct os_lstat *st);
/* A directory (not a link to one) held open to look names up beneath it:
 * each lookup then walks only the name's own parts, not the directory's
 * path again (a third of an lstat under a cache entry, issue 18). */
int os_dir_handle(const char *path);
void os_dir_handle_close(int fd);
/* os_lstat of rel beneath dirfd (an os_dir_handle). */
int os_lstat_at(int dirfd, const char *rel, struct os_lstat *st);

/* Reads the regular file at path (refusing a symlink or anything else with
 * ELOOP or EINVAL) in chunks, calling fn for each; stops when fn returns
 * nonzero and returns that value. */
int os_read_regular(const char *path, int (*fn)(void *ctx, const void *data, size_t len),
		    void *ctx);

/* os_lock_try (os/link.h) on a new file at path, which then receives this
 * process's pid and the thread's id, "PID TID\n" (for people: the lock
 * alone tells a live owner from a dead one). */
int os_lock_owner(const char *path);

#endif
