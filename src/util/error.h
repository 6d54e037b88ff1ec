/* Reporting, in the roles git's usage.c gives them.
 *
 * Library code reports a problem with error() (prints "cvenv: error: ..." and
 * returns -1) so the caller can `return error(...)`; only cmd_* and main()
 * decide the exit code. Messages are lower case, without a full stop, with the
 * subject in single quotes, and the system's reason last, which error_errno()
 * appends: error_errno("cannot create '%s'", path) prints
 * "cvenv: error: cannot create 'x': Permission denied".
 * hint() adds a "hint: " line after an error. BUG() is for broken invariants. */
#ifndef CVENV_ERROR_H
#define CVENV_ERROR_H

#include "util/common.h"

/* Documented exit codes (see docs/cvenv.1 and README). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,  /* the operation failed; nothing was changed unless said */
	EXIT_USAGE = 2, /* bad command line: unknown option, missing argument */
	EXIT_INTERRUPTED = 130,
};

/* -1 quiet, 0 default, 1.. verbose (set from -q/-v). */
extern int verbosity;

int error(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* error() with ": <strerror(errno)>" appended (errno as it was on entry;
 * left unchanged for the caller). */
int error_errno(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Like error() but for usage problems; callers exit with EXIT_USAGE. */
int usage_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
void warning(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* warning() with ": <strerror(errno)>" appended, as error_errno(). */
void warning_errno(const char *fmt, ...) PRINTF_LIKE(1, 2);
void hint(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Printed only with -v (level 1) or -vv (level 2). */
void info(int level, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* info() of each line of text (NULL: none), each a message of its own: a
 * newline inside one message is shown escaped, as "\n". */
void info_lines(int level, const char *text);
/* info() with ": <strerror(errno)>" appended, as error_errno(). */
void info_errno(int level, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* "fatal: ..." and exit(EXIT_FAIL). Only for cmd/ and main.c: library code
 * (core/, os/, util/) returns an error instead and lets them decide. */
NORETURN void die(const char *fmt, ...) PRINTF_LIKE(1, 2);
NORETURN void bug_fl(const char *file, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);
#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)

/* True when stderr is a terminal and NO_COLOR is unset (https://no-color.org). */
bool use_color(void);
/* True when stderr is a terminal: someone reads the messages as they come
 * (advice meant for a person, not for a log, is given only then). */
bool stderr_is_terminal(void);

/* Lets tests capture messages: when set, messages are appended here instead of
 * being written to stderr. One per thread (wheelcache_fill_ahead's threads
 * capture theirs). */
struct buf;
extern _Thread_local struct buf *error_capture;

#endif
