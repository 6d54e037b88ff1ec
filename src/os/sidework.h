/* A second process for work that parallelises across processes, not
 * threads: the forked child has its own copy of everything (cvenv's own
 * state, libzip's and the digest contexts are single-threaded), and the two share only
 * a block of memory mapped before the fork (counters and results, updated
 * with C11 atomics). The child dies with its parent (PR_SET_PDEATHSIG) and
 * leaves with _exit(), so it flushes no output of the parent's and runs no
 * exit handler. */
#ifndef CVENV_OS_SIDEWORK_H
#define CVENV_OS_SIDEWORK_H

#include "util/common.h"

/* size bytes of zeroed memory that a process forked afterwards shares with
 * this one; NULL with errno when none can be mapped. */
void *os_shared_new(size_t size);
void os_shared_free(void *p, size_t size);

/* The number of CPUs this process may run on (at least 1): on Linux its
 * affinity mask (taskset, a container's cpuset), else those online; asked
 * once per run. */
long os_cpus(void);

/* Forks a child that runs fn(arg) and _exits with its result (0 to 125).
 * Returns its pid, or -1 with errno when no child could be made (fn has not
 * run). */
long os_sidework_start(int (*fn)(void *), void *arg);
/* Waits for the child; its exit status, or -1 when it did not exit
 * normally (killed) or its end cannot be learnt. */
int os_sidework_wait(long pid);

#endif
