/* The C library a Linux interpreter runs on, where the query script cannot
 * tell: musl (PEP 656, musllinux wheels). glibc is reported by the script
 * itself (os.confstr); musl has no such call, so cvenv does what packaging's
 * _musllinux does -- read the executable's ELF interpreter and, when it names
 * musl, run that loader, which prints its version on stderr:
 *
 *     musl libc (x86_64)
 *     Version 1.2.4
 *     Dynamic Program Loader
 */
#ifndef CVENV_LIBC_H
#define CVENV_LIBC_H

#include "util/common.h"

/* Reads the version from a musl loader's stderr: the first non-blank line
 * must start with "musl", the second with "Version MAJOR.MINOR" (surrounding
 * blanks ignored). Returns 0 and fills *major, *minor; -1 for other text. */
int libc_parse_musl_banner(const char *text, size_t len, int *major, int *minor);

/* The musl version of the executable at exe: 0 and *major, *minor when its
 * ELF interpreter names musl and that loader states its version; 1 when exe
 * is not a musl executable or the loader says nothing usable. Reports no
 * error (-vv output says why) but a warning when the loader does not end
 * within timeout_ms (0: no deadline; its process group is then killed);
 * starts a process only for a musl executable. */
int libc_musl_version(const char *exe, unsigned timeout_ms, int *major, int *minor);

#endif
