/* Writing and linking files for installs: the OS side of extracting a wheel
 * (create exclusively, write fully, close) and of placing a cached file into an
 * env (reflink, hard link or copy). Same conventions as os/fs.h: -1 with errno
 * set, nothing printed. */
#ifndef CVENV_OS_LINK_H
#define CVENV_OS_LINK_H

#include "util/common.h"
#include <sys/types.h>

/* Creates a new file (O_EXCL) for writing; returns the descriptor. */
int os_create_file(const char *path, mode_t mode);
/* Writes all of data (retrying short writes and EINTR). */
/* Closes fd; a failed close (NFS, disk full) is reported. */
int os_close_file(int fd);

enum os_link_mode {
	OS_LINK_AUTO,     /* reflink, else hard link, else copy */
	OS_LINK_CLONE,    /* reflink (FICLONE) only */
	OS_LINK_HARDLINK, /* hard link, else copy */
	OS_LINK_COPY,
};
/* Places src at dst (which must not exist) by the mode; *used receives the
 * mode that worked. */
int os_link_file(const char *src, const char *dst, mode_t mode, enum os_link_mode how,
		 enum os_link_mode *used);

/* glibc's mktime() stats /etc/localtime on every call while TZ is unset,
 * and libzip calls it for every member of an archive it opens (a thousand
 * stat calls for pip). os_tz_pin() sets TZ to ":/etc/localtime" -- what an
 * unset TZ means -- so that the zone is read once; it returns whether it set
 * TZ, to pass to os_tz_unpin(), which unsets it again. While it is set,
 * os_child_environ() is the environment without it, which every program
 * cvenv starts gets (os/spawn, os/spawnbg, os/httpwire), so that no child
 * process sees a changed environment. */
bool os_tz_pin(void);
void os_tz_unpin(bool pinned);
char *const *os_child_environ(void);

/* An exclusive advisory lock (flock) on path, created if needed; blocks until
 * it is free. Returns the descriptor to pass to os_unlock. */
int os_lock(const char *path);
void os_unlock(int fd);
/* Whether the file fd has open is the one now at path (links not followed):
 * a lock taken on a file that was then removed or replaced excludes nobody. */
bool os_fd_is_at(int fd, const char *path);
/* The lock on a directory itself (not following a link), without waiting:
 * the descriptor, or -1 with errno EWOULDBLOCK when another process holds
 * it (ELOOP, ENOTDIR: not a directory). Released by os_unlock; a child that
 * inherited the descriptor holds it until it exits too. */
int os_trylock_dir(const char *path);
/* Whether a process of that id exists (kill(pid, 0); EPERM counts as
 * alive). An id may have been reused: callers pair it with a lock. */
bool os_pid_alive(long pid);
/* A hard link of src (itself, when a symlink) at dst, which must not exist. */
int os_hardlink(const char *src, const char *dst);
/* os_lock without waiting: -1 with EWOULDBLOCK when another process holds
 * it (a link at path is refused). */
int os_lock_try(const char *path);
/* A shared lock on path (created if needed, not through a link), waiting. */
int os_lock_shared(const char *path);

#endif
