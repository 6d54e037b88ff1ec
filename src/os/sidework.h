/* A second thread for work that parallelises: cvenv's own state is per
 * call (what the work shares is the caller's, updated with C11 atomics),
 * libzip's archives and the digest contexts are each used by one thread at
 * a time, and the few process-wide caches the work touches are safe for
 * threads (error_capture is per thread; record.c's spare digest, fs.c's
 * umask and the cache's sweep are taken atomically).
 *
 * A thread, not a forked process: on a VM where a page fault costs 11-15
 * us, a fork of a 10-20 MiB process cost its page tables, then a
 * copy-on-write fault for every page either process wrote afterwards
 * (1,080 of a cold install's 5,960 page faults, BENCHMARKS.md "Cold index
 * install: page faults"). */
#ifndef CVENV_OS_SIDEWORK_H
#define CVENV_OS_SIDEWORK_H

#include "util/common.h"

/* The number of CPUs this process may run on (at least 1): on Linux its
 * affinity mask (taskset, a container's cpuset), else those online; asked
 * once per run. */
long os_cpus(void);

struct os_side;
/* Starts fn(arg) on a new thread. Returns its handle, or NULL with errno
 * when no thread could be made (fn has not run). */
struct os_side *os_side_start(int (*fn)(void *), void *arg);
/* Waits for the thread's end and frees the handle; fn's result. */
int os_side_wait(struct os_side *s);

#endif
