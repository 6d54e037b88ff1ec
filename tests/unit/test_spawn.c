/* Unit tests for os/spawn: os_run (captured output, fed stdin, exit codes)
 * and os_run_shielded (fn in another process, in its own session, deaf to
 * the interrupt signals, its result or its death reported). */
#include "unit.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "os/spawn.h"

static void test_run_captures(void **state)
{
	(void)state;
	struct buf out = BUF_INIT, err = BUF_INIT;
	const char *argv[] = { "/bin/sh", "-c", "read x; echo \"got $x\"; echo oops >&2; exit 3",
			       NULL };
	struct os_run_opts o = { .stdin_data = "hello\n", .stdin_len = 6, .out = &out, .err = &err };
	int status = -1;
	assert_int_equal(os_run(argv, &o, &status), 0);
	assert_int_equal(status, 3);
	assert_string_equal(out.ptr, "got hello\n");
	assert_string_equal(err.ptr, "oops\n");
	buf_free(&out);
	buf_free(&err);

	const char *killed[] = { "/bin/sh", "-c", "kill -9 $$", NULL };
	assert_int_equal(os_run(killed, NULL, &status), 0);
	assert_int_equal(status, 128 + SIGKILL);

	const char *missing[] = { "/nonexistent/program", NULL };
	assert_int_equal(os_run(missing, NULL, &status), -1);
}

static void note_meanwhile(void *arg)
{
	(*(int *)arg)++;
}

/* meanwhile runs once, while the child runs (after its stdin is fed); with
 * no_wait_after_eof a child that closed its output but lingers is not waited
 * for (status -1, reaped at exit), one that is gone has its real status. */
static void test_run_meanwhile_and_no_wait(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	int calls = 0, status = 0;
	const char *linger[] = { "/bin/sh", "-c", "read x; echo \"$x\"; exec >&- 2>&-; sleep 2", NULL };
	struct os_run_opts o = { .stdin_data = "answer\n", .stdin_len = 7, .out = &out,
				 .meanwhile = note_meanwhile, .meanwhile_arg = &calls,
				 .no_wait_after_eof = true };
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(os_run(linger, &o, &status), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(status, -1);
	assert_string_equal(out.ptr, "answer\n");
	assert_int_equal(calls, 1);
	/* it did not wait for the sleep (2 s; at exit the sleeper is left to init) */
	double took = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(took < 1.5);
	buf_free(&out);

	const char *quick[] = { "/bin/sh", "-c", "echo done; exit 4", NULL };
	struct os_run_opts q = { .out = &out, .meanwhile = note_meanwhile, .meanwhile_arg = &calls };
	assert_int_equal(os_run(quick, &q, &status), 0);
	assert_int_equal(status, 4);
	assert_int_equal(calls, 2);
	buf_free(&out);
}

struct probe {
	pid_t parent_pid, parent_sid;
	int fd; /* write end: the child reports what it saw */
	int action;
};

/* Reports its pid, session and whether SIGINT/SIGTERM/SIGHUP reached it. */
static int child_fn(void *arg)
{
	struct probe *p = arg;
	switch (p->action) {
	case 1: /* interrupts: ignored, so it carries on */
		raise(SIGINT);
		raise(SIGTERM);
		raise(SIGHUP);
		break;
	case 2: /* killed all the same */
		raise(SIGKILL);
		break;
	case 3: /* a result out of range */
		return 200;
	}
	long seen[2] = { (long)getpid(), (long)getsid(0) };
	if (write(p->fd, seen, sizeof(seen)) != (ssize_t)sizeof(seen))
		return 9;
	return 42;
}

static void run_probe(int action, int want_code, bool want_report)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	struct probe p = { getpid(), getsid(0), fds[1], action };
	assert_int_equal(os_run_shielded(child_fn, &p), want_code);
	close(fds[1]);
	long seen[2] = { 0, 0 };
	ssize_t n = read(fds[0], seen, sizeof(seen));
	close(fds[0]);
	if (!want_report) {
		assert_int_equal(n, 0);
		return;
	}
	assert_int_equal(n, (ssize_t)sizeof(seen));
	assert_true(seen[0] != (long)p.parent_pid); /* another process */
	assert_true(seen[1] == seen[0]);            /* leading a session of its own */
	assert_true(seen[1] != (long)p.parent_sid);
}

static void test_shielded(void **state)
{
	(void)state;
	run_probe(0, 42, true);
	run_probe(1, 42, true);   /* Ctrl-C, SIGTERM, SIGHUP do not stop it */
	run_probe(2, 127, false); /* SIGKILL does */
	run_probe(3, 126, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_captures),
		cmocka_unit_test(test_run_meanwhile_and_no_wait),
		cmocka_unit_test(test_shielded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
