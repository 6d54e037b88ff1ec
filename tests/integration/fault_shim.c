/* LD_PRELOAD fault injection for the install tests (after jq's trick):
 * write() fails with ENOSPC once FAULT_WRITE_AFTER writes (default 0) have
 * gone to files whose path contains FAULT_WRITE_PATH (and from then on: a full
 * disk stays full); rename() fails with EIO for the one rename, after
 * FAULT_RENAME_AFTER others, whose destination contains FAULT_RENAME_PATH --
 * or for all of them from then on with FAULT_RENAME_STICKY=1; SIGINT is
 * raised (once) at the first write to a path containing FAULT_SIGINT_PATH,
 * as if the user pressed Ctrl-C then; each rename whose destination contains
 * FAULT_RENAME_SLOW_PATH first sleeps FAULT_RENAME_SLOW_MS milliseconds (a
 * commit slow enough to be killed half-way on purpose); each rename whose
 * destination contains FAULT_RENAME_HOLD_PATH first waits until the file
 * FAULT_RENAME_HOLD_UNTIL exists (at most 120 s: a test lets the commit go
 * on once it has done what must land mid-commit); renameat, and
 * renameat2 through syscall(), count as rename, by their destination's full
 * path. Unset variables disable that fault. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long counter(const char *name)
{
	const char *v = getenv(name);
	return v ? atol(v) : 0;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);
	static long seen;
	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	static bool signalled;
	const char *want = getenv("FAULT_WRITE_PATH");
	const char *sig = getenv("FAULT_SIGINT_PATH");
	if ((want || sig) && fd > 2) {
		char link[64], path[PATH_MAX];
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		ssize_t l = readlink(link, path, sizeof(path) - 1);
		if (l > 0) {
			path[l] = '\0';
			if (sig && !signalled && strstr(path, sig)) {
				signalled = true;
				raise(SIGINT);
			}
			if (want && strstr(path, want) && seen++ >= counter("FAULT_WRITE_AFTER")) {
				errno = ENOSPC;
				return -1;
			}
		}
	}
	return real(fd, buf, n);
}

/* The faults of a rename to the path to: -1 (errno EIO) when it must fail. */
static int rename_fault(const char *to)
{
	static long seen;
	const char *want = getenv("FAULT_RENAME_PATH");
	long after = counter("FAULT_RENAME_AFTER");
	bool sticky = counter("FAULT_RENAME_STICKY") != 0;
	if (want && strstr(to, want) && (sticky ? seen++ >= after : seen++ == after)) {
		errno = EIO;
		return -1;
	}
	const char *slow = getenv("FAULT_RENAME_SLOW_PATH");
	if (slow && strstr(to, slow))
		usleep((useconds_t)counter("FAULT_RENAME_SLOW_MS") * 1000);
	const char *hold = getenv("FAULT_RENAME_HOLD_PATH");
	const char *until = getenv("FAULT_RENAME_HOLD_UNTIL");
	for (int i = 0; hold && until && strstr(to, hold) && access(until, F_OK) < 0 && i < 12000; i++)
		usleep(10000);
	return 0;
}

int rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);
	if (!real)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	if (rename_fault(to) < 0)
		return -1;
	return real(from, to);
}

/* The faults of a rename to to in the directory tofd: its path is the
 * directory's (from /proc/self/fd) and its name. */
static int renameat_fault(int tofd, const char *to)
{
	char link[64], path[PATH_MAX + 256] = "";
	snprintf(link, sizeof(link), "/proc/self/fd/%d", tofd);
	ssize_t l = to[0] == '/' ? -1 : readlink(link, path, PATH_MAX);
	if (l > 0) {
		path[l] = '\0';
		snprintf(path + l, sizeof(path) - (size_t)l, "/%s", to);
	}
	return rename_fault(l > 0 ? path : to);
}

/* renameat2, which the transaction calls through syscall() (os/beneath.c,
 * RENAME_NOREPLACE): the same faults as renameat; any other call as asked. */
long syscall(long n, ...)
{
	static long (*real)(long, ...);
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	va_list ap;
	long a[6];
	va_start(ap, n);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
#ifdef SYS_renameat2
	if (n == SYS_renameat2 && renameat_fault((int)a[2], (const char *)a[3]) < 0)
		return -1;
#endif
	return real(n, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* renameat, as the transaction calls it (os/beneath.c). */
int renameat(int fromfd, const char *from, int tofd, const char *to)
{
	static int (*real)(int, const char *, int, const char *);
	if (!real)
		real = (int (*)(int, const char *, int, const char *))dlsym(RTLD_NEXT, "renameat");
	if (renameat_fault(tofd, to) < 0)
		return -1;
	return real(fromfd, from, tofd, to);
}
