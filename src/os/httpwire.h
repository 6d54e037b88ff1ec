/* The messages between cvenv (os/httpclient.c) and its HTTP helper
 * (src/helper/cvenv-http.c): datagrams on an AF_UNIX SOCK_SEQPACKET
 * socketpair, the helper's end at descriptor HTTPWIRE_FD. Each message is at
 * most HTTPWIRE_MAX bytes: a type and a request id (32 bits each), then the
 * fields of its type, in order: numbers as 64 bits, strings as a 32-bit
 * length (HTTPWIRE_NULL: absent) and their bytes, no NUL among them. A
 * message with a field too many or too few, a string longer than what is
 * left, a type out of place or a descriptor where none belongs is refused
 * whole (both sides trust the other only as far as that: same user).
 *
 *   OPTIONS  cvenv -> helper, first and once: connect and stall timeouts,
 *            retries, parallelism; CA file, CA dir, client cert, netrc file
 *   REQUEST  cvenv -> helper: max body, whether a descriptor comes with it
 *            (SCM_RIGHTS: the helper writes the body there itself); URL,
 *            Accept, If-None-Match, If-Modified-Since, Range
 *   BODY     helper -> cvenv: the next piece of an in-memory body, raw
 *   DONE     helper -> cvenv: failed, status, total size, received, the
 *            session's byte count; why, Content-Type, ETag, Last-Modified,
 *            Cache-Control, Content-Range, effective URL
 * Numbers in host order: both ends are the same build on the same machine. */
#ifndef CVENV_OS_HTTPWIRE_H
#define CVENV_OS_HTTPWIRE_H

#include "util/buf.h"
#include "util/common.h"

#define HTTPWIRE_FD 3
#define HTTPWIRE_MAX (64u << 10)
#define HTTPWIRE_CHUNK (HTTPWIRE_MAX - 8)
#define HTTPWIRE_MAX_URL (16u << 10)
#define HTTPWIRE_NULL UINT32_MAX

enum httpwire_type { HW_OPTIONS = 1, HW_REQUEST, HW_BODY, HW_DONE };

/* Building a message in m. */
void hw_start(struct buf *m, enum httpwire_type type, uint32_t id);
void hw_u64(struct buf *m, uint64_t v);
void hw_str(struct buf *m, const char *s);

/* Reading one: hw_open reads the type and id; each hw_get_* sets bad when
 * the message ends early or a string holds a NUL; hw_end is true when the
 * message was read exactly, to its last byte, and nothing was bad. */
struct hw_in {
	const unsigned char *p;
	size_t left;
	bool bad;
};
void hw_open(struct hw_in *in, const struct buf *m, uint32_t *type, uint32_t *id);
uint64_t hw_get_u64(struct hw_in *in);
char *hw_get_str(struct hw_in *in); /* allocated, or NULL when absent or bad */
bool hw_end(const struct hw_in *in);

/* Sends m, with fd (>= 0) as SCM_RIGHTS. Without block, -1 with EAGAIN when
 * the socket is full. -1 with errno (EMSGSIZE for a message over the bound,
 * EPIPE when the other end is gone). */
int httpwire_send(int sock, const struct buf *m, int fd, bool block);
/* Receives one message into m (emptied first) and a passed descriptor into
 * *fd (-1: none; close-on-exec). 1, 0 at the other end's close, or -1 with
 * errno: EAGAIN (nothing there, without block), EPROTO (a message over the
 * bound, or control data other than one descriptor). */
int httpwire_recv(int sock, struct buf *m, int *fd, bool block);

/* The helper's start: dies with its parent (PR_SET_PDEATHSIG), ignores the
 * terminal's SIGINT and SIGHUP (cvenv decides what an interrupt stops; the
 * helper leaves when its socket closes) and SIGPIPE, closes every descriptor
 * above HTTPWIRE_FD that cvenv may have let through, and checks that
 * HTTPWIRE_FD is the socket (-1 with errno when it is not: run by hand). */
int httpwire_helper_setup(void);

/* Starts the helper program path (environment envp) with its end of a new
 * socketpair; 0 and *sock, *pid, or -1 with errno. */
int httpwire_spawn(const char *path, char *const *envp, int *sock, long *pid);
/* Waits for the helper to end (killing it first when kill_first); its
 * status as "exited with status N" or "was killed by signal N" into why. */
void httpwire_reap(long pid, bool kill_first, struct buf *why);

#endif
