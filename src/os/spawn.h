/* Running other programs (the target interpreter, mostly). */
#ifndef CVENV_OS_SPAWN_H
#define CVENV_OS_SPAWN_H

#include "util/common.h"

struct buf;

struct os_run_opts {
	const char *const *env;   /* full environment, or NULL to inherit */
	const char *stdin_data;   /* fed to the child's stdin; NULL = /dev/null */
	size_t stdin_len;
	struct buf *out;          /* captures stdout, or NULL to inherit */
	struct buf *err;          /* captures stderr, or NULL to inherit */
	size_t max_output;        /* cap for each captured stream (0 = 16 MiB) */
	/* Set (when not NULL) to whether a captured stream reached max_output:
	 * it then holds exactly its first max_output bytes, the rest dropped. */
	bool *truncated;
	/* Called once while the child runs, as soon as it has all its stdin:
	 * work of the caller's that does not need the child's answer. */
	void (*meanwhile)(void *arg);
	void *meanwhile_arg;
	/* Once the child has closed its stdout and stderr, do not wait for it
	 * to be gone: if it has not exited yet, *status is -1 and the child is
	 * left to os_reap_later. For a child whose output says by itself
	 * whether it is complete, and that exits right after closing it. */
	bool no_wait_after_eof;
	/* Told each chunk of stdout as it is captured; true means the answer is
	 * complete: reading stops there as at end of file (a process the child
	 * left behind may hold its stdout open for ever). */
	bool (*out_complete)(const char *chunk, size_t n, void *arg);
	void *out_complete_arg;
	/* A deadline in milliseconds for the whole run (0: none). The child then
	 * leads a process group of its own, which SIGINT, SIGTERM and SIGHUP
	 * sent to this process are passed on to; when the deadline passes the
	 * group is killed (SIGKILL) and os_run returns -1 with ETIMEDOUT. */
	unsigned timeout_ms;
};

/* A child this program no longer needs, which has closed its output and is
 * exiting: reaped at exit if it is gone by then, else left to init. */
void os_reap_later(long pid);

/* Runs argv[0] (a path, or a name looked up on PATH) and waits for it.
 * Returns -1 with errno if it could not be started (or ETIMEDOUT: see
 * timeout_ms); otherwise 0 and sets *status to the exit code, or 128+signal
 * when it was killed. */
int os_run(const char *const *argv, const struct os_run_opts *opts, int *status);

/* Waits up to timeout_ms (0: for ever) for the child pid, which leads its
 * own process group (os_run with a deadline, os_spawn_to_files), to end:
 * 0 and *status (exit code, or 128+signal); on timeout its group is killed
 * and reaped, and -1 with ETIMEDOUT; -1 with errno when it cannot be waited
 * for. Stops passing signals on to the group (os_group_forget). */
int os_wait_within(long pid, unsigned timeout_ms, int *status);

/* A monotonic clock in milliseconds, for deadlines. */
int64_t os_monotonic_ms(void);

/* Signals this process gets (SIGINT, SIGTERM, SIGHUP) are passed on to the
 * process group pgid while it is remembered (a child in a group of its own
 * is out of the terminal's reach), then acted on as before. At most 16. */
void os_group_remember(long pgid);
void os_group_forget(long pgid);

/* Runs fn(arg) in a child process made to outlive this one: in a session of
 * its own, ignoring SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE and SIGTSTP, so
 * that neither Ctrl-C nor a kill -9 of this process stops a short critical
 * step half-way (moving an install's files into place). Waits for it and
 * returns fn's result (fn returns 0 to 125; anything else becomes 126), 127
 * when the child was killed all the same (SIGKILL sent to it, the OOM
 * killer) or when its end cannot be learnt, and -1 with errno only when no
 * child could be made (fn has not run: the caller may run it itself).
 *
 * On Linux the child shares this process's memory (clone with CLONE_VM and
 * CLONE_VFORK: this process sleeps until it ends), so fn's changes to memory
 * are seen afterwards, as if fn had run here, and no fork is paid for (page
 * tables copied, then a copy-on-write fault per page written: milliseconds
 * in a VM). A child killed half-way may leave that memory half-updated (the
 * heap, stdio's buffers and locks): then, when on_kill is not NULL, this
 * process writes its on_kill_len bytes to stderr and _exits with status 1
 * (EXIT_FAIL) without touching anything else -- the one place os/ prints
 * or exits, because nothing else is safe then. With on_kill NULL it returns
 * 127 (for an fn that neither allocates nor locks). Sanitizer builds and
 * other systems fork, as does Linux when clone fails. */
int os_run_shielded(int (*fn)(void *), void *arg, const char *on_kill, size_t on_kill_len);
/* Whether the last os_run_shielded ran fn in this process's memory (false
 * when it forked: a sanitizer build, another system, a clone that failed or
 * that valgrind made a fork). */
bool os_run_shielded_shares_memory(void);

/* Builds an environment from the current one without the named variables
 * (NULL-terminated list) and with the given NAME=VALUE entries added. */
struct strvec;
void os_env_without(struct strvec *out, const char *const *drop, const char *const *add);

#endif
