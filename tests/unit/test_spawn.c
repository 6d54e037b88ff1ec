/* Unit tests for os/spawn: os_run (captured output, fed stdin, exit codes)
 * and os_run_shielded (fn in another process, in its own session, deaf to
 * the interrupt signals, its result or its death reported). */
#include "unit.h"

#include <signal.h>
#include <time.h>
#include <sys/wait.h>
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

/* The capture keeps exactly the first max_output bytes and says so: a
 * chunk crossing the cap is cut there and later (smaller) chunks are not
 * appended after the hole. */
static void test_run_cap_truncates_once(void **state)
{
	(void)state;
	struct buf out = BUF_INIT;
	bool truncated = false;
	/* 3000 bytes of 'a' as one write, then "bb" after a pause for a read */
	const char *argv[] = { "/bin/sh", "-c",
			       "head -c 3000 /dev/zero | tr '\\0' a; read x; printf bb", NULL };
	struct os_run_opts o = { .stdin_data = "\n", .stdin_len = 1, .out = &out,
				 .max_output = 1000, .truncated = &truncated };
	int status = -1;
	assert_int_equal(os_run(argv, &o, &status), 0);
	assert_int_equal(status, 0);
	assert_int_equal(out.len, 1000);
	assert_true(truncated);
	for (size_t i = 0; i < out.len; i++)
		assert_int_equal(out.ptr[i], 'a');
	buf_free(&out);

	const char *small[] = { "/bin/sh", "-c", "printf abc", NULL };
	truncated = true;
	assert_int_equal(os_run(small, &o, &status), 0);
	assert_string_equal(out.ptr, "abc");
	assert_false(truncated);
	buf_free(&out);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A child that never answers is killed with its whole process group at the
 * deadline (a grandchild holding stdout included): ETIMEDOUT. */
static void test_run_deadline_kills_group(void **state)
{
	(void)state;
	char pidfile[] = "/tmp/cvenv-test-spawn-XXXXXX";
	int fd = mkstemp(pidfile);
	assert_true(fd >= 0);
	close(fd);
	char *script = xstrfmt("sleep 1000 & echo $! >%s; wait", pidfile);
	const char *argv[] = { "/bin/sh", "-c", script, NULL };
	struct buf out = BUF_INIT;
	struct os_run_opts o = { .out = &out, .timeout_ms = 300 };
	int status = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	assert_int_equal(os_run(argv, &o, &status), -1);
	assert_int_equal(errno, ETIMEDOUT);
	double took = seconds_since(&t0);
	assert_true(took >= 0.25 && took < 5);
	/* the grandchild is gone too (killed with the group; init reaps it) */
	FILE *f = fopen(pidfile, "r");
	assert_non_null(f);
	long gp = 0;
	assert_int_equal(fscanf(f, "%ld", &gp), 1);
	fclose(f);
	int alive = 1;
	for (int i = 0; i < 500 && alive; i++) {
		char *stat = xstrfmt("/proc/%ld/stat", gp);
		FILE *s = fopen(stat, "r");
		free(stat);
		char st = 'Z';
		if (s) {
			if (fscanf(s, "%*d %*s %c", &st) != 1)
				st = 'Z';
			fclose(s);
		}
		alive = st != 'Z' && s;
		if (alive) {
			struct timespec ts = { 0, 10 * 1000000 };
			nanosleep(&ts, NULL);
		}
	}
	assert_false(alive);
	unlink(pidfile);
	free(script);
	buf_free(&out);
}

static bool ends_with_brace(const char *chunk, size_t n, void *arg)
{
	(void)arg;
	return memchr(chunk, '}', n) != NULL;
}

/* A complete answer ends the reading even while a process the child left
 * behind holds stdout open: no wait for EOF. */
static void test_run_stops_at_answer(void **state)
{
	(void)state;
	const char *argv[] = { "/bin/sh", "-c", "sleep 1000 & echo \"{$!}\"", NULL };
	struct buf out = BUF_INIT;
	struct os_run_opts o = { .out = &out, .out_complete = ends_with_brace,
				 .no_wait_after_eof = true, .timeout_ms = 20000 };
	int status = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(os_run(argv, &o, &status), 0);
	assert_true(seconds_since(&t0) < 5);
	long left = 0;
	assert_int_equal(sscanf(out.ptr, "{%ld}", &left), 1);
	kill((pid_t)left, SIGKILL); /* the test's own leftover */
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
	assert_int_equal(os_run_shielded(child_fn, &p, NULL, 0), want_code);
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

static int set_flag(void *arg)
{
	*(int *)arg = 7;
	return 0;
}

/* Where the child shares our memory, what fn wrote is seen afterwards (as
 * if it had run here); where it forks, it is not. */
static void test_shielded_memory(void **state)
{
	(void)state;
	int flag = 0;
	assert_int_equal(os_run_shielded(set_flag, &flag, NULL, 0), 0);
	assert_int_equal(flag, os_run_shielded_shares_memory() ? 7 : 0);
#if defined(__linux__) && !defined(CVENV_ASAN)
	/* an ordinary Linux build shares (the suite's plain and clang phases) */
	assert_true(os_run_shielded_shares_memory());
#endif
}

static int killed_fn(void *arg)
{
	(void)arg;
	raise(SIGKILL);
	return 0;
}

/* A child killed in our memory: the prepared message, then exit 1 at once
 * (in a test process of its own); a forked one is reported as 127. */
static void test_shielded_killed_message(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		static const char msg[] = "cvenv: error: killed\n";
		int r = os_run_shielded(killed_fn, NULL, msg, sizeof(msg) - 1);
		_exit(r == 127 ? 99 : 98);
	}
	close(fds[1]);
	char got[64] = "";
	ssize_t n = read(fds[0], got, sizeof(got) - 1);
	close(fds[0]);
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	if (os_run_shielded_shares_memory()) {
		assert_int_equal(WEXITSTATUS(ws), 1);
		assert_true(n > 0);
		got[n] = '\0';
		assert_string_equal(got, "cvenv: error: killed\n");
	} else {
		assert_int_equal(WEXITSTATUS(ws), 99);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_captures),
		cmocka_unit_test(test_run_meanwhile_and_no_wait),
		cmocka_unit_test(test_run_cap_truncates_once),
		cmocka_unit_test(test_run_deadline_kills_group),
		cmocka_unit_test(test_run_stops_at_answer),
		cmocka_unit_test(test_shielded),
		cmocka_unit_test(test_shielded_memory),
		cmocka_unit_test(test_shielded_killed_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
