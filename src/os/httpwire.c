/* The cvenv <-> HTTP helper messages (see httpwire.h). */
#include "util/common.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "os/httpwire.h"

extern char **environ;

static void put_u32(struct buf *m, uint32_t v)
{
	buf_add(m, &v, sizeof(v));
}

void hw_start(struct buf *m, enum httpwire_type type, uint32_t id)
{
	buf_reset(m);
	put_u32(m, (uint32_t)type);
	put_u32(m, id);
}

void hw_u64(struct buf *m, uint64_t v)
{
	buf_add(m, &v, sizeof(v));
}

void hw_str(struct buf *m, const char *s)
{
	if (!s) {
		put_u32(m, HTTPWIRE_NULL);
		return;
	}
	size_t n = strlen(s);
	put_u32(m, n < HTTPWIRE_NULL ? (uint32_t)n : HTTPWIRE_NULL - 1);
	buf_add(m, s, n);
}

static bool take(struct hw_in *in, void *out, size_t n)
{
	if (in->bad || in->left < n) {
		in->bad = true;
		memset(out, 0, n);
		return false;
	}
	memcpy(out, in->p, n);
	in->p += n;
	in->left -= n;
	return true;
}

static uint32_t get_u32(struct hw_in *in)
{
	uint32_t v;
	take(in, &v, sizeof(v));
	return v;
}

void hw_open(struct hw_in *in, const struct buf *m, uint32_t *type, uint32_t *id)
{
	in->p = (const unsigned char *)m->ptr;
	in->left = m->len;
	in->bad = false;
	*type = get_u32(in);
	*id = get_u32(in);
}

uint64_t hw_get_u64(struct hw_in *in)
{
	uint64_t v;
	take(in, &v, sizeof(v));
	return v;
}

char *hw_get_str(struct hw_in *in)
{
	uint32_t n = get_u32(in);
	if (in->bad || n == HTTPWIRE_NULL)
		return NULL;
	if (n > in->left || memchr(in->p, 0, n)) {
		in->bad = true;
		return NULL;
	}
	char *s = xstrndup((const char *)in->p, n);
	in->p += n;
	in->left -= n;
	return s;
}

bool hw_end(const struct hw_in *in)
{
	return !in->bad && !in->left;
}

int httpwire_send(int sock, const struct buf *m, int fd, bool block)
{
	if (m->len > HTTPWIRE_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	struct iovec iov = { .iov_base = m->ptr, .iov_len = m->len };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	int flags = MSG_NOSIGNAL | (block ? 0 : MSG_DONTWAIT);
	for (;;) {
		ssize_t n = sendmsg(sock, &mh, flags);
		if (n >= 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

int httpwire_recv(int sock, struct buf *m, int *fd, bool block)
{
	*fd = -1;
	buf_reset(m);
	buf_grow(m, HTTPWIRE_MAX + 1);
	struct iovec iov = { .iov_base = m->ptr, .iov_len = HTTPWIRE_MAX + 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | (block ? 0 : MSG_DONTWAIT));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	bool bad = (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || (size_t)n > HTTPWIRE_MAX;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)) && *fd < 0) {
			memcpy(fd, CMSG_DATA(c), sizeof(int));
			continue;
		}
		bad = true;
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (size_t i = 0; i < k; i++) {
				int extra;
				memcpy(&extra, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
				close(extra);
			}
		}
	}
	if (bad) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		errno = EPROTO;
		return -1;
	}
	if (n == 0 && mh.msg_controllen == 0)
		return 0; /* a SEQPACKET socket reads 0 bytes only at its end */
	buf_setlen(m, (size_t)n);
	return 1;
}

int httpwire_helper_setup(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
#ifdef SYS_close_range
	syscall(SYS_close_range, HTTPWIRE_FD + 1, ~0u, 0u);
#endif
	int type = 0;
	socklen_t len = sizeof(type);
	if (getsockopt(HTTPWIRE_FD, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		return -1;
	if (type != SOCK_SEQPACKET) {
		errno = ENOTSOCK;
		return -1;
	}
	return 0;
}

int httpwire_spawn(const char *path, char *const *envp, int *sock, long *pid)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	int child = sv[1];
	if (child == HTTPWIRE_FD) { /* dup2 onto itself would keep close-on-exec */
		child = fcntl(sv[1], F_DUPFD_CLOEXEC, HTTPWIRE_FD + 1);
		close(sv[1]);
		if (child < 0) {
			int e = errno;
			close(sv[0]);
			errno = e;
			return -1;
		}
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, child, HTTPWIRE_FD);
	char *argv[] = { (char *)path, NULL };
	pid_t p;
	int rc = posix_spawn(&p, path, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(child);
	if (rc) {
		close(sv[0]);
		errno = rc;
		return -1;
	}
	*sock = sv[0];
	*pid = (long)p;
	return 0;
}

void httpwire_reap(long pid, bool kill_first, struct buf *why)
{
	if (kill_first)
		kill((pid_t)pid, SIGKILL);
	int ws;
	pid_t w;
	while ((w = waitpid((pid_t)pid, &ws, 0)) < 0 && errno == EINTR)
		;
	if (w < 0)
		buf_addf(why, "cannot be waited for: %s", strerror(errno));
	else if (WIFSIGNALED(ws))
		buf_addf(why, "was killed by signal %d", WTERMSIG(ws));
	else
		buf_addf(why, "exited with status %d", WEXITSTATUS(ws));
}
