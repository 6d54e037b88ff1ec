#include "util/error.h"
#include "util/buf.h"

#include <unistd.h>

int verbosity;
_Thread_local struct buf *error_capture;

bool stderr_is_terminal(void)
{
	static int cached = -1;
	if (cached < 0)
		cached = isatty(STDERR_FILENO);
	return cached;
}

bool use_color(void)
{
	const char *nc = getenv("NO_COLOR");
	return stderr_is_terminal() && !(nc && *nc);
}

/* Writes "cvenv: <prefix><message>[: <why>]\n" to stderr (or error_capture). */
static void emit(const char *prefix, const char *color, const char *why, const char *fmt,
		 va_list ap) PRINTF_LIKE(4, 0);
static void emit(const char *prefix, const char *color, const char *why, const char *fmt,
		 va_list ap)
{
	struct buf b = BUF_INIT;
	if (error_capture == NULL && color && use_color())
		buf_addf(&b, "cvenv: \033[%sm%s\033[0m", color, prefix);
	else
		buf_addf(&b, "cvenv: %s", prefix);
	/* messages carry text from wheels, requirement files and envs: shown
	 * escaped, it cannot drive the terminal or forge a line */
	struct buf msg = BUF_INIT;
	buf_vaddf(&msg, fmt, ap);
	buf_add_printable(&b, msg.ptr);
	buf_free(&msg);
	if (why) {
		buf_addstr(&b, ": ");
		buf_add_printable(&b, why);
	}
	buf_addch(&b, '\n');
	if (error_capture) {
		buf_add(error_capture, b.ptr, b.len);
	} else {
		fflush(stdout);
		fputs(b.ptr, stderr);
	}
	buf_free(&b);
}

/* The one body of error(), usage_error() and error_errno(). */
static int report_error(const char *why, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
static int report_error(const char *why, const char *fmt, va_list ap)
{
	emit("error: ", "1;31", why, fmt, ap);
	return -1;
}

int error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_error(NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_error(NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int error_errno(const char *fmt, ...)
{
	int errnum = errno; /* before anything here can change it */
	va_list ap;
	va_start(ap, fmt);
	report_error(strerror(errnum), fmt, ap);
	va_end(ap);
	errno = errnum;
	return -1;
}

void warning(const char *fmt, ...)
{
	if (verbosity < 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	emit("warning: ", "1;33", NULL, fmt, ap);
	va_end(ap);
}

void warning_errno(const char *fmt, ...)
{
	int errnum = errno;
	if (verbosity >= 0) {
		va_list ap;
		va_start(ap, fmt);
		emit("warning: ", "1;33", strerror(errnum), fmt, ap);
		va_end(ap);
	}
	errno = errnum;
}

void hint(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("hint: ", "1;36", NULL, fmt, ap);
	va_end(ap);
}

void info(int level, const char *fmt, ...)
{
	if (verbosity < level)
		return;
	va_list ap;
	va_start(ap, fmt);
	emit("", NULL, NULL, fmt, ap);
	va_end(ap);
}

void info_lines(int level, const char *text)
{
	while (text && *text && verbosity >= level) {
		size_t n = strcspn(text, "\n");
		info(level, "%.*s", (int)n, text);
		text += n + (text[n] == '\n');
	}
}

void info_errno(int level, const char *fmt, ...)
{
	int errnum = errno;
	if (verbosity >= level) {
		va_list ap;
		va_start(ap, fmt);
		emit("", NULL, strerror(errnum), fmt, ap);
		va_end(ap);
	}
	errno = errnum;
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit("fatal: ", "1;31", NULL, fmt, ap);
	va_end(ap);
	exit(EXIT_FAIL);
}

void bug_fl(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "cvenv: BUG: %s:%d: ", file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}
