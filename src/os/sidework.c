#ifdef __linux__
#define _GNU_SOURCE 1 /* sched_getaffinity, CPU_COUNT */
#endif
#include "util/common.h"

#ifdef __linux__
#include <sched.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "os/sidework.h"

void *os_shared_new(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void os_shared_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

long os_cpus(void)
{
	static long n;
	if (n)
		return n;
#ifdef __linux__
	cpu_set_t set;
	n = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 0;
#endif
	if (n < 1)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n;
}

long os_sidework_start(int (*fn)(void *), void *arg)
{
	pid_t parent = getpid();
	fflush(NULL); /* or the child's copy of the buffers could be written twice */
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	/* dies with its parent; a parent gone before the prctl took effect
	 * shows as a changed parent pid */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(125);
	int r = fn(arg);
	_exit(r >= 0 && r < 126 ? r : 125);
}

int os_sidework_wait(long pid)
{
	int ws;
	while (waitpid((pid_t)pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}
