/* Listing a directory quickly: unsorted, filtered while reading, so that a
 * directory of thousands of programs (/usr/bin) costs one pass and no sort.
 * Part of the OS seam (see os/fs.h for conventions). */
#ifndef CVENV_OS_DIRSCAN_H
#define CVENV_OS_DIRSCAN_H

#include "util/common.h"

struct strvec;

/* Appends the names in path for which keep(name) is true, in directory
 * order. Returns 0, or -1 with errno. */
int os_scan_dir(const char *path, bool (*keep)(const char *name), struct strvec *names);

#endif
