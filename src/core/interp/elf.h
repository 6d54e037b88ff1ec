/* ELF executables: the program interpreter (PT_INTERP) an executable names,
 * read from the first bytes of the file. cvenv asks it of a Python
 * executable to learn whether it is linked against musl (PEP 656), as
 * packaging's _elffile does.
 *
 * Pure: the caller reads the bytes (os_read_head, ELF_HEAD_MAX of them). */
#ifndef CVENV_ELF_H
#define CVENV_ELF_H

#include "util/common.h"

/* How much of an executable to read: its program headers and the
 * interpreter path follow the ELF header closely (a few hundred bytes in). */
#define ELF_HEAD_MAX (64u * 1024)

/* The interpreter path of the ELF image whose first len bytes are data, as
 * a new string without the NULs around it; NULL when data is not ELF (bad
 * magic, class or byte order), has no PT_INTERP entry, or the entry or its
 * path lies beyond len. A path with a NUL inside is no path: NULL too. */
char *elf_interpreter(const unsigned char *data, size_t len);

#endif
