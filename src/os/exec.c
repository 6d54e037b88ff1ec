/* Replacing this process with another program (see exec.h). */
#include "util/common.h"

#include "os/exec.h"

#include <unistd.h>

int os_setenv(const char *name, const char *value)
{
	return value ? setenv(name, value, 1) : unsetenv(name);
}

int os_exec(const char *const *argv)
{
	fflush(NULL);
	/* execvp does not change argv; the cast is POSIX's old signature */
	execvp(argv[0], (char *const *)argv);
	return -1;
}
