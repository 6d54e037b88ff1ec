/* Unit tests for os/sidework.h: the queue a second thread works through
 * (each item run once, a forgotten item never, a running one waited for,
 * the rest left to the caller or detached) and os_thread_start (the thread
 * runs, and gets back every CPU its creator may use). Every wait here is
 * for a condition, never for a time. */
#define _GNU_SOURCE 1 /* sched_getaffinity */
#include "unit.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "os/sidework.h"

struct item {
	atomic_int runs;
	atomic_int detached;
	/* for the item that blocks: set when it starts, released by the test */
	bool blocks;
	atomic_bool started, release, finished;
};

static void run_item(void *ctx, void *p, unsigned runner)
{
	atomic_int *total = ctx;
	assert_true(runner <= 1);
	struct item *it = p;
	atomic_fetch_add(&it->runs, 1);
	atomic_fetch_add(total, 1);
	if (it->blocks) {
		atomic_store(&it->started, true);
		while (!atomic_load(&it->release))
			sched_yield();
		atomic_store(&it->finished, true);
	}
}

static void detach_item(void *p)
{
	atomic_fetch_add(&((struct item *)p)->detached, 1);
}

static void init_items(struct item *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		atomic_init(&v[i].runs, 0);
		atomic_init(&v[i].detached, 0);
		v[i].blocks = false;
		atomic_init(&v[i].started, false);
		atomic_init(&v[i].release, false);
		atomic_init(&v[i].finished, false);
	}
}

/* Every item pushed runs exactly once, whether the thread or the caller's
 * finish takes it; a push after the finish starts the thread again. */
static void test_each_item_once(void **state)
{
	(void)state;
	enum { N = 500 };
	static struct item v[N + 10];
	atomic_int total;
	atomic_init(&total, 0);
	init_items(v, N + 10);
	struct os_sidequeue *q = os_sidequeue_new(run_item, &total);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(os_sidequeue_push(q, &v[i], i >= 7), i);
	os_sidequeue_finish(q);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(atomic_load(&v[i].runs), 1);
	assert_int_equal(atomic_load(&total), N);
	for (size_t i = N; i < N + 10; i++)
		os_sidequeue_push(q, &v[i], true);
	os_sidequeue_finish(q);
	for (size_t i = N; i < N + 10; i++)
		assert_int_equal(atomic_load(&v[i].runs), 1);
	/* every item is still the queue's: each detached once; the ctx back */
	assert_ptr_equal(os_sidequeue_free(q, detach_item), &total);
	for (size_t i = 0; i < N + 10; i++)
		assert_int_equal(atomic_load(&v[i].detached), 1);
}

/* Items pushed without a start wait: a finish without a thread runs none
 * of them, a forgotten one never runs and is not detached. */
static void test_forget_before_start(void **state)
{
	(void)state;
	struct item v[4];
	atomic_int total;
	atomic_init(&total, 0);
	init_items(v, 4);
	struct os_sidequeue *q = os_sidequeue_new(run_item, &total);
	size_t s[4];
	for (size_t i = 0; i < 3; i++)
		s[i] = os_sidequeue_push(q, &v[i], false);
	assert_false(os_sidequeue_started(q));
	os_sidequeue_finish(q);
	assert_int_equal(atomic_load(&total), 0);
	assert_false(os_sidequeue_forget(q, s[1]));
	assert_false(os_sidequeue_forget(q, s[1])); /* twice: still nothing */
	s[3] = os_sidequeue_push(q, &v[3], true);
	assert_int_equal(s[3], 3);
	os_sidequeue_finish(q);
	assert_int_equal(atomic_load(&v[0].runs), 1);
	assert_int_equal(atomic_load(&v[1].runs), 0);
	assert_int_equal(atomic_load(&v[2].runs), 1);
	assert_int_equal(atomic_load(&v[3].runs), 1);
	assert_true(os_sidequeue_forget(q, s[0])); /* it ran */
	os_sidequeue_free(q, detach_item);
	assert_int_equal(atomic_load(&v[0].detached), 0); /* forgotten */
	assert_int_equal(atomic_load(&v[1].detached), 0);
	assert_int_equal(atomic_load(&v[2].detached), 1);
	assert_int_equal(atomic_load(&v[3].detached), 1);
}

struct forgetter {
	struct os_sidequeue *q;
	size_t slot;
	struct item *it;
	atomic_bool calling;
	bool ran, finished_first;
};

static void *forget_main(void *p)
{
	struct forgetter *f = p;
	atomic_store(&f->calling, true);
	f->ran = os_sidequeue_forget(f->q, f->slot);
	/* the run it waited for is over by now */
	f->finished_first = atomic_load(&f->it->finished);
	return NULL;
}

/* A forget of the item the thread is running returns only once that run
 * is over (the caller may then free what the item reads). */
static void test_forget_waits_for_run(void **state)
{
	(void)state;
	struct item v[1];
	atomic_int total;
	atomic_init(&total, 0);
	init_items(v, 1);
	v[0].blocks = true;
	struct os_sidequeue *q = os_sidequeue_new(run_item, &total);
	struct forgetter f = { q, 0, &v[0], false, false, false };
	atomic_init(&f.calling, false);
	f.slot = os_sidequeue_push(q, &v[0], true);
	assert_true(os_sidequeue_started(q));
	while (!atomic_load(&v[0].started))
		sched_yield();
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, forget_main, &f), 0);
	while (!atomic_load(&f.calling))
		sched_yield();
	atomic_store(&v[0].release, true);
	pthread_join(th, NULL);
	assert_true(f.ran);
	assert_true(f.finished_first);
	os_sidequeue_free(q, detach_item);
	assert_int_equal(atomic_load(&v[0].detached), 0);
}

/* A free stops the thread after its current item: the items it never
 * took are not run, and all but the forgotten are detached. */
static void test_free_stops(void **state)
{
	(void)state;
	enum { N = 50 };
	struct item v[N];
	atomic_int total;
	atomic_init(&total, 0);
	init_items(v, N);
	v[0].blocks = true;
	struct os_sidequeue *q = os_sidequeue_new(run_item, &total);
	for (size_t i = 0; i < N; i++)
		os_sidequeue_push(q, &v[i], i == 0);
	while (!atomic_load(&v[0].started))
		sched_yield();
	atomic_store(&v[0].release, true);
	os_sidequeue_free(q, detach_item);
	int ran = atomic_load(&total);
	assert_true(ran >= 1 && ran <= N);
	for (size_t i = 0; i < N; i++) {
		assert_true(atomic_load(&v[i].runs) <= 1);
		assert_int_equal(atomic_load(&v[i].detached), 1);
	}
	assert_null(os_sidequeue_free(NULL, detach_item)); /* nothing */
}

struct affinity {
	cpu_set_t seen;
	int ok;
};

static void *affinity_main(void *p)
{
	struct affinity *a = p;
	a->ok = sched_getaffinity(0, sizeof(a->seen), &a->seen) == 0;
	return NULL;
}

/* The thread runs its function, and ends with its creator's CPUs. */
static void test_thread_start(void **state)
{
	(void)state;
	cpu_set_t mine;
	assert_int_equal(sched_getaffinity(0, sizeof(mine), &mine), 0);
	struct affinity a;
	a.ok = 0;
	pthread_t th;
	assert_int_equal(os_thread_start(&th, affinity_main, &a), 0);
	pthread_join(th, NULL);
	assert_true(a.ok);
	assert_true(CPU_EQUAL(&a.seen, &mine));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_item_once),
		cmocka_unit_test(test_forget_before_start),
		cmocka_unit_test(test_forget_waits_for_run),
		cmocka_unit_test(test_free_stops),
		cmocka_unit_test(test_thread_start),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
