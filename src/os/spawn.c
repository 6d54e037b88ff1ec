#include "util/common.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

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

static void close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
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

int os_run(const char *const *argv, const struct os_run_opts *opts, int *status)
{
	static const struct os_run_opts none;
	if (!opts)
		opts = &none;
	size_t cap = opts->max_output ? opts->max_output : 16u << 20;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	int e = 0;

	if (opts->stdin_data) {
		if (pipe(in) < 0)
			goto fail;
		posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	} else {
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	}
	if (opts->out) {
		if (pipe(out) < 0)
			goto fail;
		posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	}
	if (opts->err) {
		if (pipe(err) < 0)
			goto fail;
		posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	}
	int fds[] = { in[0], in[1], out[0], out[1], err[0], err[1] };
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] > 2)
			posix_spawn_file_actions_addclose(&fa, fds[i]);
	pid_t pid;
	char *const *envp = opts->env ? (char *const *)opts->env : environ;
	int r = strchr(argv[0], '/')
			? posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, envp)
			: posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, envp);
	if (r != 0) {
		errno = r;
		goto fail;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (in[0] >= 0) { close(in[0]); in[0] = -1; }
	if (out[1] >= 0) { close(out[1]); out[1] = -1; }
	if (err[1] >= 0) { close(err[1]); err[1] = -1; }

	/* Feed stdin and drain both pipes together so neither side can block. */
	const char *feed = opts->stdin_data;
	size_t feed_left = opts->stdin_len;
	if (in[1] >= 0 && feed_left == 0) { close(in[1]); in[1] = -1; }
	void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
	void (*meanwhile)(void *) = opts->meanwhile;
	while (out[0] >= 0 || err[0] >= 0 || in[1] >= 0) {
		if (meanwhile && in[1] < 0) {
			meanwhile(opts->meanwhile_arg);
			meanwhile = NULL;
		}
		struct pollfd p[3];
		int np = 0, io = -1, ie = -1, ii = -1;
		if (out[0] >= 0) { io = np; p[np].fd = out[0]; p[np++].events = POLLIN; }
		if (err[0] >= 0) { ie = np; p[np].fd = err[0]; p[np++].events = POLLIN; }
		if (in[1] >= 0) { ii = np; p[np].fd = in[1]; p[np++].events = POLLOUT; }
		if (poll(p, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		char chunk[16384];
		int *fd_of[2] = { &out[0], &err[0] };
		int idx_of[2] = { io, ie };
		struct buf *dst[2] = { opts->out, opts->err };
		for (int k = 0; k < 2; k++) {
			if (idx_of[k] < 0 || !(p[idx_of[k]].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t n = read(*fd_of[k], chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(*fd_of[k]);
				*fd_of[k] = -1;
				continue;
			}
			if (dst[k]->len + (size_t)n <= cap)
				buf_add(dst[k], chunk, (size_t)n);
		}
		if (ii >= 0 && (p[ii].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t n = write(in[1], feed, feed_left);
			if (n < 0 && errno != EINTR && errno != EAGAIN) {
				feed_left = 0;
			} else if (n > 0) {
				feed += n;
				feed_left -= (size_t)n;
			}
			if (feed_left == 0) {
				close(in[1]);
				in[1] = -1;
			}
		}
	}
	signal(SIGPIPE, old_pipe);
	if (meanwhile) /* a child that closed its output at once */
		meanwhile(opts->meanwhile_arg);

	int ws;
	pid_t w;
	while ((w = waitpid(pid, &ws, opts->no_wait_after_eof ? WNOHANG : 0)) < 0) {
		if (errno != EINTR)
			return -1;
	}
	if (w == 0) { /* still on its way out */
		os_reap_later(pid);
		*status = -1;
		return 0;
	}
	if (WIFEXITED(ws))
		*status = WEXITSTATUS(ws);
	else if (WIFSIGNALED(ws))
		*status = 128 + WTERMSIG(ws);
	else
		*status = 255;
	return 0;

fail:
	e = errno;
	posix_spawn_file_actions_destroy(&fa);
	close_pair(in);
	close_pair(out);
	close_pair(err);
	errno = e;
	return -1;
}

int os_run_shielded(int (*fn)(void *), void *arg)
{
	fflush(NULL); /* or the child would write the buffered output again */
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* its own session: not in the group a terminal's Ctrl-C or a
		 * `kill -- -PGID` reaches; and no signal that ends it half-way */
		setsid();
		static const int quiet[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP };
		for (size_t i = 0; i < ARRAY_SIZE(quiet); i++)
			signal(quiet[i], SIG_IGN);
		int r = fn(arg);
		fflush(NULL);
		_exit(r >= 0 && r < 127 ? r : 126);
	}
	int ws;
	while (waitpid(pid, &ws, 0) < 0) {
		if (errno != EINTR)
			return 127; /* its end unknown (SIGCHLD ignored?): as if killed */
	}
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	return 127; /* killed all the same (SIGKILL to it, the OOM killer) */
}
