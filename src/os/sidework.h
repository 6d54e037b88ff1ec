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

#include <pthread.h>

/* The number of CPUs this process may run on (at least 1): on Linux its
 * affinity mask (taskset, a container's cpuset), else those online; asked
 * once per run. */
long os_cpus(void);

/* pthread_create(th, NULL, fn, arg), but the thread starts on another CPU
 * than the caller's where it may run on one (then takes back the caller's
 * CPUs): Linux often queued a new thread behind its creator on the
 * creator's CPU, where it first ran 0.3-3 ms later, the other CPU idle
 * (a warm install's check thread started only once the plan it was to
 * overlap was over; BENCHMARKS.md). Returns 0 or an errno. */
int os_thread_start(pthread_t *th, void *(*fn)(void *), void *arg);

struct os_side;
/* Starts fn(arg) on a new thread. Returns its handle, or NULL with errno
 * when no thread could be made (fn has not run). */
struct os_side *os_side_start(int (*fn)(void *), void *arg);
/* Waits for the thread's end and frees the handle; fn's result. */
int os_side_wait(struct os_side *s);

/* A queue of items that a second thread works through while the caller
 * goes on: the check of cached entries runs while the install plans
 * (core/pkg/wheelcache.c). fn(ctx, item, runner) runs once on each item
 * pushed and not forgotten, on the thread (runner 0) or, in
 * os_sidequeue_finish(), on the caller's (runner 1): what fn keeps per
 * runner in ctx is never shared. A waiting thread is woken once a few
 * items wait. Items are the caller's: they must stay valid until they are
 * run, forgotten, or the queue is freed. */
struct os_sidequeue;
struct os_sidequeue *os_sidequeue_new(void (*fn)(void *ctx, void *item, unsigned runner),
				      void *ctx);
/* Adds item; returns its slot (for os_sidequeue_forget). With start, the
 * thread is started if it is not running yet; without (or when no thread
 * can be made), items wait for a later push that starts it. */
size_t os_sidequeue_push(struct os_sidequeue *q, void *item, bool start);
/* Whether the thread is running. */
bool os_sidequeue_started(struct os_sidequeue *q);
/* After this returns, fn is not running on the item pushed into slot and
 * never will. Returns whether it ran on it. */
bool os_sidequeue_forget(struct os_sidequeue *q, size_t slot);
/* When the thread was started: runs the items it has not taken on this
 * thread too (each takes the next in turn), then waits for its end; every
 * item pushed and not forgotten has then been run (a push after this
 * starts it again). Without a started thread, does nothing. */
void os_sidequeue_finish(struct os_sidequeue *q);
/* Stops the thread after its current item (the rest are not run), calls
 * detach(item) for each item pushed and not forgotten (run or not), frees
 * the queue and returns the ctx given to os_sidequeue_new(), the caller's
 * to free. NULL: nothing (returns NULL). */
void *os_sidequeue_free(struct os_sidequeue *q, void (*detach)(void *item));

#endif
