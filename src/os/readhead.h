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

#endif
