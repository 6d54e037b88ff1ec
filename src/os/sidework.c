#ifdef __linux__
#define _GNU_SOURCE 1 /* sched_getaffinity, CPU_COUNT */
#endif
#include "util/common.h"

#ifdef __linux__
#include <sched.h>
#endif
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "os/sidework.h"

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

struct os_side {
	pthread_t th;
	int (*fn)(void *);
	void *arg;
	int result;
};

static void *side_main(void *arg)
{
	struct os_side *s = arg;
	s->result = s->fn(s->arg);
	return NULL;
}

struct os_side *os_side_start(int (*fn)(void *), void *arg)
{
	struct os_side *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->fn = fn;
	s->arg = arg;
	int e = pthread_create(&s->th, NULL, side_main, s);
	if (e) {
		free(s);
		errno = e;
		return NULL;
	}
	return s;
}

int os_side_wait(struct os_side *s)
{
	(void)pthread_join(s->th, NULL);
	int r = s->result;
	free(s);
	return r;
}
