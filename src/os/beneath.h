/* Reaching a path beneath a root directory without leaving it: the one
 * audited way to touch a path read from untrusted input (the journal, a
 * RECORD, the wheel cache). The root itself is trusted (the caller's choice,
 * opened following links: an env's site-packages may be a link to another
 * disk); below it, no component may be a symbolic link and rel must be
 * relative without "." or ".." components or empty ones. The last component
 * is never followed either: unlink, rename and rmdir act on a link itself.
 *
 * Resolution uses openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) where the
 * kernel has it (Linux 5.6), else a walk of openat(O_NOFOLLOW | O_DIRECTORY)
 * one component at a time. Failures: -1 with errno; EXDEV when rel is
 * absolute or climbs with "..", ELOOP when a directory on the way is a
 * symbolic link, EINVAL for an empty rel or an empty, "." component; other
 * values as the system call gives them. Contract of os/: nothing printed. */
#ifndef CVENV_OS_BENEATH_H
#define CVENV_OS_BENEATH_H

#include "util/common.h"
#include <sys/types.h>

struct buf;

enum os_kind { OS_KIND_NONE, OS_KIND_FILE, OS_KIND_DIR, OS_KIND_LINK, OS_KIND_OTHER };

/* Opens rel beneath root with open(2)'s flags (O_NOFOLLOW and O_CLOEXEC
 * added) and mode. */
int os_beneath_open(const char *root, const char *rel, int flags, mode_t mode);
/* What rel is, links not followed: OS_KIND_NONE when it (or a directory on
 * the way) does not exist, -1 when it cannot be reached. */
int os_beneath_kind(const char *root, const char *rel);
/* The length of rel's first component that is a symbolic link (rel[len] is
 * '/' or the end), 0 when none is, -1 when rel cannot be walked. */
ssize_t os_beneath_first_link(const char *root, const char *rel);
int os_beneath_mkdir(const char *root, const char *rel, mode_t mode);
/* mkdir -p beneath root: existing directories are fine, links are not. */
int os_beneath_mkdir_p(const char *root, const char *rel, mode_t mode);
int os_beneath_unlink(const char *root, const char *rel);
int os_beneath_rmdir(const char *root, const char *rel);
/* Removes rel (a file, a link, or a whole directory tree, never following a
 * link inside it); a missing rel is fine. */
int os_beneath_rm_rf(const char *root, const char *rel);
/* Renames from (beneath from_root) to to (beneath to_root), replacing to. */
int os_beneath_rename(const char *from_root, const char *from, const char *to_root,
		      const char *to);

/* Directories resolved beneath roots and kept open (os_beneath_rename_kept),
 * so that a run of moves between the same few directories -- a commit moving
 * hundreds of entries from its stage into site-packages and bin -- resolves
 * each directory once, not twice per move. A kept directory is the one that
 * was resolved (its fd): a rename that moves it, or a directory above it,
 * drops it, so the next move resolves the path afresh, as an unkept one
 * would. Roots must be named the same way for the same directory. */
struct os_beneath_dir;
struct os_beneath_dirs {
	struct os_beneath_dir *v;
	size_t n;
};
#define OS_BENEATH_DIRS_INIT { NULL, 0 }
/* Closes every kept directory; the set may be used again. */
void os_beneath_dirs_close(struct os_beneath_dirs *kept);
/* os_beneath_rename, with the directories of from and to taken from (and
 * added to) kept; with noreplace, an existing to (of any kind) is not
 * replaced: EEXIST (renameat2's RENAME_NOREPLACE, in one step; where the
 * kernel or the file system lacks it, a check then the rename). */
int os_beneath_rename_kept(struct os_beneath_dirs *kept, const char *from_root, const char *from,
			   const char *to_root, const char *to, bool noreplace);

/* Reads the regular file rel (appended to out; EFBIG beyond max bytes,
 * EINVAL when it is not a regular file); *mode (if not NULL) receives its
 * permission bits. */
int os_beneath_read(const char *root, const char *rel, size_t max, struct buf *out,
		    unsigned *mode);
/* Replaces rel atomically with data: a temporary file beside it (same
 * directory, reached the same way), fsync'd, given mode, renamed over rel.
 * A link at rel is replaced, never written through. */
int os_beneath_replace(const char *root, const char *rel, const void *data, size_t len,
		       mode_t mode);

/* For the tests: resolve by the component walk even where openat2 works. */
void os_beneath_force_walk(bool on);

#endif
