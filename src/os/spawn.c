#define _GNU_SOURCE 1 /* clone() for os_run_shielded */
#include "util/common.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <limits.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "os/link.h"
#include "os/spawn.h"
#include "util/buf.h"
#include "util/strvec.h"

extern char **environ;

void os_env_without(struct strvec *out, const char *const *drop, const char *const *add)
{
	for (char **e = environ; *e; e++) {
		bool skip = false;
		for (const char *const *d = drop; d && *d; d++) {
			size_t n = strlen(*d);
			if (!strncmp(*e, *d, n) && (*e)[n] == '=') {
				skip = true;
				break;
			}
		}
		if (!skip)
			strvec_push(out, *e);
	}
	for (const char *const *a = add; a && *a; a++)
		strvec_push(out, *a);
}

static void close_end(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void close_pair(int p[2])
{
	close_end(&p[0]);
	close_end(&p[1]);
}

static pid_t *reap_pids;
static size_t reap_n, reap_cap;

/* At exit: each child left for later is reaped if it is gone; one still on
 * its way out (the kernel freeing an interpreter's memory takes most of a
 * ms) is not waited for: it has closed its output and is past its last
 * instruction, and when this process ends it passes to init, which reaps it. */
static void reap_all(void)
{
	for (size_t i = 0; i < reap_n; i++)
		while (waitpid(reap_pids[i], NULL, WNOHANG) < 0 && errno == EINTR)
			;
	free(reap_pids);
	reap_pids = NULL;
	reap_n = reap_cap = 0;
}

void os_reap_later(long pid)
{
	if (reap_n == reap_cap) {
		if (!reap_cap)
			atexit(reap_all);
		reap_cap = reap_cap ? 2 * reap_cap : 4;
		reap_pids = xrealloc(reap_pids, reap_cap * sizeof(*reap_pids));
	}
	reap_pids[reap_n++] = (pid_t)pid;
}

/* ---- process groups: deadlines and passed-on signals ---------------- */

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction forward_prev[ARRAY_SIZE(forwarded)];
static volatile sig_atomic_t groups[16];
static size_t ngroups;

/* Passes the signal to each remembered group, then does what this process
 * did with it before: dies of it (SIG_DFL: raised again, delivered once
 * this handler returns), or runs the previous handler. */
static void forward_signal(int sig)
{
	int e = errno;
	for (size_t i = 0; i < ARRAY_SIZE(groups); i++)
		if (groups[i] > 0)
			kill(-(pid_t)groups[i], sig);
	for (size_t k = 0; k < ARRAY_SIZE(forwarded); k++) {
		if (forwarded[k] != sig)
			continue;
		if (forward_prev[k].sa_handler == SIG_DFL) {
			sigaction(sig, &forward_prev[k], NULL);
			raise(sig);
		} else if (!(forward_prev[k].sa_flags & SA_SIGINFO) &&
			   forward_prev[k].sa_handler != SIG_IGN) {
			forward_prev[k].sa_handler(sig);
		}
	}
	errno = e;
}

void os_group_remember(long pgid)
{
	for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
		if (groups[i] > 0)
			continue;
		groups[i] = (sig_atomic_t)pgid;
		if (ngroups++ == 0) {
			struct sigaction sa;
			memset(&sa, 0, sizeof(sa));
			sa.sa_handler = forward_signal;
			sigemptyset(&sa.sa_mask);
			for (size_t k = 0; k < ARRAY_SIZE(forwarded); k++) {
				sigaction(forwarded[k], NULL, &forward_prev[k]);
				/* a signal this process ignores is not passed on either */
				if (forward_prev[k].sa_handler != SIG_IGN)
					sigaction(forwarded[k], &sa, NULL);
			}
		}
		return;
	}
}

void os_group_forget(long pgid)
{
	for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
		if (groups[i] != (sig_atomic_t)pgid || pgid <= 0)
			continue;
		groups[i] = 0;
		if (--ngroups == 0) {
			/* the previous actions back, unless someone replaced ours */
			for (size_t k = 0; k < ARRAY_SIZE(forwarded); k++) {
				struct sigaction cur;
				sigaction(forwarded[k], NULL, &cur);
				if (cur.sa_handler == forward_signal)
					sigaction(forwarded[k], &forward_prev[k], NULL);
			}
		}
		return;
	}
}

int64_t os_monotonic_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int decode_status(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return 255;
}

/* Blocks until pid ends or the deadline (0: none) passes: 1 when it ended
 * (*ws set), 0 at the deadline, -1 with errno. pidfd and poll where the
 * kernel has them; else naps of 1 to 20 ms between checks. */
static int wait_until(pid_t pid, int64_t deadline, int *ws)
{
	pid_t w;
	if (!deadline) {
		while ((w = waitpid(pid, ws, 0)) < 0)
			if (errno != EINTR)
				return -1;
		return 1;
	}
#ifdef SYS_pidfd_open
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
#else
	int pfd = -1;
#endif
	long nap_us = 1000;
	for (;;) {
		while ((w = waitpid(pid, ws, WNOHANG)) < 0)
			if (errno != EINTR) {
				if (pfd >= 0)
					close(pfd);
				return -1;
			}
		int64_t left = deadline - os_monotonic_ms();
		if (w > 0 || left <= 0) {
			if (pfd >= 0)
				close(pfd);
			return w > 0;
		}
		if (pfd >= 0) {
			struct pollfd p = { .fd = pfd, .events = POLLIN };
			poll(&p, 1, (int)(left < INT_MAX ? left : INT_MAX));
		} else {
			struct timespec ts = { 0, (left * 1000 < nap_us ? left * 1000 : nap_us) * 1000 };
			nanosleep(&ts, NULL);
			if (nap_us < 20000)
				nap_us *= 2;
		}
	}
}

/* Kills the group pid leads and reaps pid. */
static void kill_group(pid_t pid)
{
	int ws;
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
}

int os_wait_within(long pid, unsigned timeout_ms, int *status)
{
	int ws = 0;
	int r = wait_until((pid_t)pid, timeout_ms ? os_monotonic_ms() + timeout_ms : 0, &ws);
	if (r == 0)
		kill_group((pid_t)pid);
	os_group_forget(pid);
	if (r == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (r < 0)
		return -1;
	*status = decode_status(ws);
	return 0;
}

/* ---- os_run: setup, pump, wait ----------------------------------------- */

struct run {
	const struct os_run_opts *o;
	int in[2], out[2], err[2];
	pid_t pid;
	size_t cap;
	const char *feed;
	size_t feed_left;
	int64_t deadline; /* 0: none */
	bool truncated, answered;
};

/* Makes the pipes and starts the child; -1 with errno (nothing left open). */
static int run_setup(struct run *r, const char *const *argv)
{
	const struct os_run_opts *o = r->o;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	if (o->timeout_ms) { /* a group of its own, to kill whole */
		posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
		posix_spawnattr_setpgroup(&attr, 0);
	}
	int e = 0;
	if (o->stdin_data) {
		if (pipe(r->in) < 0)
			goto fail;
		posix_spawn_file_actions_adddup2(&fa, r->in[0], 0);
	} else {
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	}
	if (o->out) {
		if (pipe(r->out) < 0)
			goto fail;
		posix_spawn_file_actions_adddup2(&fa, r->out[1], 1);
	}
	if (o->err) {
		if (pipe(r->err) < 0)
			goto fail;
		posix_spawn_file_actions_adddup2(&fa, r->err[1], 2);
	}
	int fds[] = { r->in[0], r->in[1], r->out[0], r->out[1], r->err[0], r->err[1] };
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] > 2)
			posix_spawn_file_actions_addclose(&fa, fds[i]);
	char *const *envp = o->env ? (char *const *)o->env : os_child_environ();
	int sr = strchr(argv[0], '/')
			 ? posix_spawn(&r->pid, argv[0], &fa, &attr, (char *const *)argv, envp)
			 : posix_spawnp(&r->pid, argv[0], &fa, &attr, (char *const *)argv, envp);
	if (sr != 0) {
		errno = sr;
		goto fail;
	}
	if (o->timeout_ms)
		os_group_remember(r->pid);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close_end(&r->in[0]);
	close_end(&r->out[1]);
	close_end(&r->err[1]);
	return 0;

fail:
	e = errno;
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close_pair(r->in);
	close_pair(r->out);
	close_pair(r->err);
	errno = e;
	return -1;
}

/* Keeps a captured stream's first cap bytes: a chunk that crosses the cap
 * is cut there, and nothing is added after it. */
static void capture(struct run *r, struct buf *dst, const char *chunk, size_t n)
{
	if (dst->len >= r->cap) {
		r->truncated = r->truncated || n > 0;
		return;
	}
	size_t room = r->cap - dst->len;
	if (n > room) {
		n = room;
		r->truncated = true;
	}
	buf_add(dst, chunk, n);
}

/* Reads what one pipe has: false at its end. */
static bool drain(struct run *r, int k)
{
	int *fd = k == 0 ? &r->out[0] : &r->err[0];
	struct buf *dst = k == 0 ? r->o->out : r->o->err;
	char chunk[16384];
	ssize_t n = read(*fd, chunk, sizeof(chunk));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		close_end(fd);
		return false;
	}
	capture(r, dst, chunk, (size_t)n);
	if (k == 0 && r->o->out_complete &&
	    r->o->out_complete(chunk, (size_t)n, r->o->out_complete_arg))
		r->answered = true;
	return true;
}

static void feed(struct run *r)
{
	ssize_t n = write(r->in[1], r->feed, r->feed_left);
	if (n < 0 && errno != EINTR && errno != EAGAIN) {
		r->feed_left = 0;
	} else if (n > 0) {
		r->feed += n;
		r->feed_left -= (size_t)n;
	}
	if (r->feed_left == 0)
		close_end(&r->in[1]);
}

/* Feeds stdin and drains both pipes together so neither side can block,
 * until both pipes end, the answer is complete, or the deadline passes
 * (0 then; 1 otherwise). */
static int run_pump(struct run *r)
{
	void (*meanwhile)(void *) = r->o->meanwhile;
	if (r->in[1] >= 0 && r->feed_left == 0)
		close_end(&r->in[1]);
	while ((r->out[0] >= 0 || r->err[0] >= 0 || r->in[1] >= 0) && !r->answered) {
		if (meanwhile && r->in[1] < 0) {
			meanwhile(r->o->meanwhile_arg);
			meanwhile = NULL;
		}
		int timeout = -1;
		if (r->deadline) {
			int64_t left = r->deadline - os_monotonic_ms();
			if (left <= 0)
				return 0;
			timeout = (int)(left < INT_MAX ? left : INT_MAX);
		}
		struct pollfd p[3];
		int np = 0, idx[3] = { -1, -1, -1 };
		int *fds[3] = { &r->out[0], &r->err[0], &r->in[1] };
		for (int k = 0; k < 3; k++) {
			if (*fds[k] < 0)
				continue;
			idx[k] = np;
			p[np].fd = *fds[k];
			p[np++].events = k < 2 ? POLLIN : POLLOUT;
		}
		int pr = poll(p, (nfds_t)np, timeout);
		if (pr < 0 && errno != EINTR)
			break;
		if (pr <= 0)
			continue;
		for (int k = 0; k < 2; k++)
			if (idx[k] >= 0 && (p[idx[k]].revents & (POLLIN | POLLHUP | POLLERR)))
				drain(r, k);
		if (idx[2] >= 0 && (p[idx[2]].revents & (POLLOUT | POLLERR | POLLHUP)))
			feed(r);
	}
	if (meanwhile) /* a child that closed its output at once */
		meanwhile(r->o->meanwhile_arg);
	return 1;
}

/* The child's end: *status, or -1 when it is left to os_reap_later. */
static int run_wait(struct run *r, int *status)
{
	int ws;
	if (r->o->no_wait_after_eof) {
		pid_t w;
		while ((w = waitpid(r->pid, &ws, WNOHANG)) < 0)
			if (errno != EINTR)
				return -1;
		if (w == 0) { /* still on its way out */
			os_group_forget(r->pid);
			os_reap_later(r->pid);
			*status = -1;
			return 0;
		}
		os_group_forget(r->pid);
		*status = decode_status(ws);
		return 0;
	}
	unsigned left = 0;
	if (r->deadline) {
		int64_t l = r->deadline - os_monotonic_ms();
		left = l > 0 ? (unsigned)l : 1;
	}
	return os_wait_within(r->pid, left, status);
}

int os_run(const char *const *argv, const struct os_run_opts *opts, int *status)
{
	static const struct os_run_opts none;
	struct run r = {
		.o = opts ? opts : &none,
		.in = { -1, -1 }, .out = { -1, -1 }, .err = { -1, -1 },
	};
	r.cap = r.o->max_output ? r.o->max_output : 16u << 20;
	r.feed = r.o->stdin_data;
	r.feed_left = r.o->stdin_len;
	r.deadline = r.o->timeout_ms ? os_monotonic_ms() + r.o->timeout_ms : 0;
	if (run_setup(&r, argv) < 0)
		return -1;
	void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
	int pumped = run_pump(&r);
	signal(SIGPIPE, old_pipe);
	close_pair(r.in);
	close_pair(r.out);
	close_pair(r.err);
	if (r.o->truncated)
		*r.o->truncated = r.truncated;
	if (!pumped) {
		kill_group(r.pid);
		os_group_forget(r.pid);
		errno = ETIMEDOUT;
		return -1;
	}
	return run_wait(&r, status);
}

/* ASan keeps per-thread state that a child sharing our memory on a stack
 * it never saw would confuse: that build forks, as other systems do. */
#if defined(CVENV_ASAN) || !defined(__linux__)
#define SHIELD_FORKS 1
#endif

struct shield {
	int (*fn)(void *);
	void *arg;
	volatile int ran; /* set by the child: seen here only if memory is shared */
};

static bool last_shared;

/* The child's side: out of the terminal's reach and deaf to the signals
 * that would stop it half-way, then fn. */
static int shield_child(void *p)
{
	struct shield *s = p;
	s->ran = 1;
	/* its own session: not in the group a terminal's Ctrl-C or a
	 * `kill -- -PGID` reaches; and no signal that ends it half-way */
	setsid();
	static const int quiet[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP };
	for (size_t i = 0; i < ARRAY_SIZE(quiet); i++)
		signal(quiet[i], SIG_IGN);
	int r = s->fn(s->arg);
	fflush(NULL);
	_exit(r >= 0 && r < 127 ? r : 126);
}

#ifndef SHIELD_FORKS
#define SHIELD_STACK (1u << 20) /* touched pages only are paid for */

/* fn in a child that shares this process's memory while this one sleeps
 * (CLONE_VFORK): no page table to copy and no page copied on a later
 * write, which a fork pays for (milliseconds in a VM, where every page
 * fault traps). The pid, or -1 with errno (nothing ran). *stack is the
 * child's stack, for the caller to unmap once the child is reaped. */
static pid_t shield_clone(struct shield *s, void **stack, size_t *len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	*len = SHIELD_STACK + page;
	*stack = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	if (*stack == MAP_FAILED) {
		*stack = NULL;
		return -1;
	}
	/* a guard page below: an overflow faults instead of writing our heap */
	if (mprotect(*stack, page, PROT_NONE) < 0) {
		int e = errno;
		munmap(*stack, *len);
		*stack = NULL;
		errno = e;
		return -1;
	}
	return clone(shield_child, (char *)*stack + *len, CLONE_VM | CLONE_VFORK | SIGCHLD, s);
}
#endif

bool os_run_shielded_shares_memory(void)
{
	return last_shared;
}

int os_run_shielded(int (*fn)(void *), void *arg, const char *on_kill, size_t on_kill_len)
{
	struct shield s = { fn, arg, 0 };
	void *stack = NULL;
	size_t stack_len = 0;
	pid_t pid = -1;
	fflush(NULL); /* or the child would write the buffered output again */
#ifndef SHIELD_FORKS
	pid = shield_clone(&s, &stack, &stack_len);
#endif
	if (pid < 0) {
		if (stack)
			munmap(stack, stack_len);
		stack = NULL;
		pid = fork();
		if (pid < 0)
			return -1;
		if (pid == 0)
			shield_child(&s);
	}
	int ws, code = 127; /* its end unknown (SIGCHLD ignored?): as if killed */
	while (waitpid(pid, &ws, 0) < 0) {
		if (errno != EINTR)
			goto out;
	}
	if (WIFEXITED(ws))
		code = WEXITSTATUS(ws);
out:
	if (stack)
		munmap(stack, stack_len);
	/* a clone that valgrind turned into a fork shares nothing */
	last_shared = stack && s.ran;
	if (code == 127 && last_shared && on_kill) {
		/* killed (SIGKILL to it, the OOM killer) in our memory: the heap
		 * and stdio may be half-updated, so nothing of them is touched */
		ssize_t w = on_kill_len ? write(2, on_kill, on_kill_len) : 0;
		(void)w;
		_exit(1); /* EXIT_FAIL */
	}
	return code;
}
