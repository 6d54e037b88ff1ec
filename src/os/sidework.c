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
#include "util/buf.h"

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

#ifdef __linux__
/* What a thread started on another CPU runs first: it takes back the
 * CPUs its creator may run on, then runs fn. */
struct trampoline {
	void *(*fn)(void *);
	void *arg;
	cpu_set_t all;
};

static void *trampoline_main(void *p)
{
	struct trampoline t = *(struct trampoline *)p;
	free(p);
	(void)sched_setaffinity(0, sizeof(t.all), &t.all); /* 0: this thread */
	return t.fn(t.arg);
}
#endif

int os_thread_start(pthread_t *th, void *(*fn)(void *), void *arg)
{
#ifdef __linux__
	cpu_set_t all;
	int cpu = sched_getcpu();
	if (cpu >= 0 && cpu < CPU_SETSIZE && sched_getaffinity(0, sizeof(all), &all) == 0 &&
	    CPU_ISSET(cpu, &all) && CPU_COUNT(&all) >= 2) {
		cpu_set_t other = all;
		CPU_CLR(cpu, &other);
		pthread_attr_t at;
		struct trampoline *t = malloc(sizeof(*t));
		if (t && pthread_attr_init(&at) == 0) {
			int e = pthread_attr_setaffinity_np(&at, sizeof(other), &other);
			if (!e) {
				t->fn = fn;
				t->arg = arg;
				t->all = all;
				e = pthread_create(th, &at, trampoline_main, t);
			}
			pthread_attr_destroy(&at);
			if (!e)
				return 0;
		}
		free(t);
	}
#endif
	return pthread_create(th, NULL, fn, arg);
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
	int e = os_thread_start(&s->th, side_main, s);
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

/* ---- a queue worked through on a second thread ------------------------- */

/* A waiting thread is woken once this many items wait for it (or by the
 * finish): a wake per item cost a futex wait and wake per wheel. */
#define QUEUE_WAKE 4

struct os_sidequeue {
	void (*fn)(void *ctx, void *item, unsigned runner);
	void *ctx;
	pthread_mutex_t mu;
	pthread_cond_t more; /* the thread waits here for items or its stop */
	pthread_cond_t ran;  /* os_sidequeue_forget() waits here for a run's end */
	void **v;            /* the items pushed; NULL: forgotten */
	size_t n, cap;
	size_t next;         /* the first item not taken */
	void *running[2];    /* the thread's current item, the caller's */
	bool started, stop, waiting;
	pthread_t th;
};

/* The next item to run, taken (q->mu held), or NULL. */
static void *take_next(struct os_sidequeue *q)
{
	while (q->next < q->n && !q->v[q->next])
		q->next++;
	return q->next < q->n ? q->v[q->next++] : NULL;
}

/* Runs item as runner k (0: the thread, 1: the caller); q->mu held, and
 * released while fn runs. */
static void run_item(struct os_sidequeue *q, void *item, int k)
{
	q->running[k] = item;
	pthread_mutex_unlock(&q->mu);
	q->fn(q->ctx, item, (unsigned)k);
	pthread_mutex_lock(&q->mu);
	q->running[k] = NULL;
	pthread_cond_broadcast(&q->ran);
}

static void *queue_main(void *arg)
{
	struct os_sidequeue *q = arg;
	pthread_mutex_lock(&q->mu);
	while (!q->stop) {
		void *item = take_next(q);
		if (item) {
			run_item(q, item, 0);
		} else {
			q->waiting = true;
			pthread_cond_wait(&q->more, &q->mu);
			q->waiting = false;
		}
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct os_sidequeue *os_sidequeue_new(void (*fn)(void *ctx, void *item, unsigned runner),
				      void *ctx)
{
	struct os_sidequeue *q = xcalloc(1, sizeof(*q));
	q->fn = fn;
	q->ctx = ctx;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->more, NULL);
	pthread_cond_init(&q->ran, NULL);
	return q;
}

size_t os_sidequeue_push(struct os_sidequeue *q, void *item, bool start)
{
	pthread_mutex_lock(&q->mu);
	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 64;
		q->v = xrealloc(q->v, q->cap * sizeof(*q->v));
	}
	size_t slot = q->n;
	q->v[q->n++] = item;
	if (q->started) {
		if (q->waiting && q->n - q->next >= QUEUE_WAKE)
			pthread_cond_signal(&q->more);
	} else if (start)
		q->started = os_thread_start(&q->th, queue_main, q) == 0;
	pthread_mutex_unlock(&q->mu);
	return slot;
}

bool os_sidequeue_started(struct os_sidequeue *q)
{
	pthread_mutex_lock(&q->mu);
	bool r = q->started;
	pthread_mutex_unlock(&q->mu);
	return r;
}

bool os_sidequeue_forget(struct os_sidequeue *q, size_t slot)
{
	pthread_mutex_lock(&q->mu);
	void *item = slot < q->n ? q->v[slot] : NULL;
	bool ran = false;
	if (item && slot >= q->next) {
		q->v[slot] = NULL; /* not taken: never will be */
	} else if (item) {
		while (q->running[0] == item || q->running[1] == item)
			pthread_cond_wait(&q->ran, &q->mu);
		q->v[slot] = NULL;
		ran = true;
	}
	pthread_mutex_unlock(&q->mu);
	return ran;
}

/* Stops the thread (q->mu held on entry and on return) and waits for it. */
static void stop_thread(struct os_sidequeue *q)
{
	q->stop = true;
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->mu);
	(void)pthread_join(q->th, NULL);
	pthread_mutex_lock(&q->mu);
	q->started = q->stop = false;
}

void os_sidequeue_finish(struct os_sidequeue *q)
{
	pthread_mutex_lock(&q->mu);
	if (q->started) {
		void *item;
		while ((item = take_next(q)))
			run_item(q, item, 1);
		stop_thread(q);
	}
	pthread_mutex_unlock(&q->mu);
}

void *os_sidequeue_free(struct os_sidequeue *q, void (*detach)(void *item))
{
	if (!q)
		return NULL;
	void *ctx = q->ctx;
	pthread_mutex_lock(&q->mu);
	if (q->started)
		stop_thread(q);
	pthread_mutex_unlock(&q->mu);
	for (size_t i = 0; i < q->n; i++)
		if (q->v[i] && detach)
			detach(q->v[i]);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->more);
	pthread_cond_destroy(&q->ran);
	free(q->v);
	free(q);
	return ctx;
}
