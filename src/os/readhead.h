/* Reading the start of a file (an executable's headers, say). */
#ifndef CVENV_OS_READHEAD_H
#define CVENV_OS_READHEAD_H

#include "util/common.h"

struct buf;

/* Appends the first max bytes of path to out (all of it when shorter; a
 * signal may cut it shorter still: fine for headers, not for whole files).
 * Returns 0, or -1 with errno when the file cannot be opened or read. */
int os_read_head(const char *path, size_t max, struct buf *out);

#endif
