/* Reading the start of a file (an executable's headers, say), or a whole
 * file in one go. */
#ifndef CVENV_OS_READHEAD_H
#define CVENV_OS_READHEAD_H

#include "util/common.h"

struct buf;

/* Appends the first max bytes of path to out (all of it when shorter; a
 * signal may cut it shorter still: fine for headers, not for whole files).
 * Returns 0, or -1 with errno when the file cannot be opened or read. */
int os_read_head(const char *path, size_t max, struct buf *out);

/* Appends the whole of the file at path to out, sized by one fstat and read
 * with as few reads as the file allows (a wheel that libzip then reads from
 * memory costs no seek or read per member). Returns 0, or -1 with errno;
 * EFBIG when the file has more than max bytes (nothing is appended then). */
int os_read_whole(const char *path, size_t max, struct buf *out);
/* The same, and the identity of the file read (fstat of its descriptor)
 * into *id. With same, the file must still be that one (device, inode,
 * size and modification time) and read to exactly its size: else ESTALE,
 * nothing appended. */
struct os_file_id;
int os_read_whole_id(const char *path, size_t max, const struct os_file_id *same,
		     struct buf *out, struct os_file_id *id);

/* A regular file read by ranges (a zip's tail, its central directory, one
 * member): only the bytes asked for are copied, into buffers the caller
 * reuses, where reading the whole file would touch a fresh page of memory
 * per 4 KiB of it. */
struct os_ranges {
	int fd;
	uint64_t size; /* by one fstat at open */
};
/* Returns 0, or -1 with errno. */
int os_ranges_open(const char *path, struct os_ranges *f);
/* Appends the len bytes at off to out; -1 with errno (EIO: the file ends
 * before off + len; nothing is appended then). */
int os_ranges_read(const struct os_ranges *f, uint64_t off, size_t len, struct buf *out);
void os_ranges_close(struct os_ranges *f);

#endif
