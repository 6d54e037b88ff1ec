/* Unit tests for os/httpwire: the messages between cvenv and its HTTP
 * helper are read strictly (a field too many or too few, a string running
 * past the end or holding a NUL, a message over the bound, descriptors
 * where none or one belongs). */
#include "unit.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "os/httpwire.h"

static void test_roundtrip(void **state)
{
	(void)state;
	struct buf m = BUF_INIT;
	hw_start(&m, HW_REQUEST, 7);
	hw_u64(&m, 1234);
	hw_str(&m, "https://example.org/simple/");
	hw_str(&m, NULL);
	hw_str(&m, "");
	struct hw_in in;
	uint32_t type, id;
	hw_open(&in, &m, &type, &id);
	assert_int_equal(type, HW_REQUEST);
	assert_int_equal(id, 7);
	assert_int_equal(hw_get_u64(&in), 1234);
	char *url = hw_get_str(&in), *absent = hw_get_str(&in), *empty = hw_get_str(&in);
	assert_string_equal(url, "https://example.org/simple/");
	assert_null(absent);
	assert_string_equal(empty, "");
	assert_true(hw_end(&in));
	free(url);
	free(empty);
	/* one field too many is not the end; one too few is bad */
	hw_open(&in, &m, &type, &id);
	hw_get_u64(&in);
	assert_false(hw_end(&in));
	free(hw_get_str(&in));
	free(hw_get_str(&in));
	free(hw_get_str(&in));
	assert_null(hw_get_str(&in));
	assert_false(hw_end(&in));
	buf_free(&m);
}

static void test_bad_strings(void **state)
{
	(void)state;
	struct buf m = BUF_INIT;
	struct hw_in in;
	uint32_t type, id, len = 100;
	/* a length past the end */
	hw_start(&m, HW_DONE, 1);
	buf_add(&m, &len, sizeof(len));
	buf_addstr(&m, "short");
	hw_open(&in, &m, &type, &id);
	assert_null(hw_get_str(&in));
	assert_false(hw_end(&in));
	/* a NUL inside */
	len = 3;
	hw_start(&m, HW_DONE, 1);
	buf_add(&m, &len, sizeof(len));
	buf_add(&m, "a\0b", 3);
	hw_open(&in, &m, &type, &id);
	assert_null(hw_get_str(&in));
	assert_false(hw_end(&in));
	/* a message too short for its header */
	buf_reset(&m);
	buf_add(&m, "abc", 3);
	hw_open(&in, &m, &type, &id);
	assert_false(hw_end(&in));
	buf_free(&m);
}

static void test_socket(void **state)
{
	(void)state;
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	struct buf m = BUF_INIT, got = BUF_INIT;
	int fd;
	/* a message with a descriptor */
	hw_start(&m, HW_REQUEST, 3);
	hw_str(&m, "x");
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	assert_true(devnull >= 0);
	assert_int_equal(httpwire_send(sv[0], &m, devnull, true), 0);
	assert_int_equal(httpwire_recv(sv[1], &got, &fd, true), 1);
	assert_int_equal(got.len, m.len);
	assert_memory_equal(got.ptr, m.ptr, m.len);
	assert_true(fd >= 0 && fd != devnull);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(fd);
	/* nothing there */
	assert_int_equal(httpwire_recv(sv[1], &got, &fd, false), -1);
	assert_int_equal(errno, EAGAIN);
	/* over the bound: refused by the sender, and by the receiver */
	buf_reset(&m);
	buf_grow(&m, HTTPWIRE_MAX + 1);
	memset(m.ptr, 'a', HTTPWIRE_MAX + 1);
	buf_setlen(&m, HTTPWIRE_MAX + 1);
	assert_int_equal(httpwire_send(sv[0], &m, -1, true), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_true(send(sv[0], m.ptr, m.len, 0) == (ssize_t)m.len);
	assert_int_equal(httpwire_recv(sv[1], &got, &fd, true), -1);
	assert_int_equal(errno, EPROTO);
	/* two descriptors where one may come: refused, both closed */
	hw_start(&m, HW_REQUEST, 4);
	int two[2] = { devnull, devnull };
	union {
		char buf[CMSG_SPACE(sizeof(two))];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct iovec iov = { .iov_base = m.ptr, .iov_len = m.len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(two));
	memcpy(CMSG_DATA(c), two, sizeof(two));
	assert_true(sendmsg(sv[0], &mh, 0) == (ssize_t)m.len);
	assert_int_equal(httpwire_recv(sv[1], &got, &fd, true), -1);
	assert_int_equal(errno, EPROTO);
	assert_int_equal(fd, -1);
	/* the other end's close */
	close(sv[0]);
	assert_int_equal(httpwire_recv(sv[1], &got, &fd, true), 0);
	close(sv[1]);
	close(devnull);
	buf_free(&m);
	buf_free(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_bad_strings),
		cmocka_unit_test(test_socket),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
