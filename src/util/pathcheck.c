/* Lexical path checks (see pathcheck.h). */
#include "util/common.h"

#include "util/pathcheck.h"

bool path_rel_is_safe(const char *p, size_t n)
{
	if (!p || n == 0 || p[0] == '/' || memchr(p, '\0', n))
		return false;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && p[j] != '/')
			j++;
		if (j - i == 2 && p[i] == '.' && p[i + 1] == '.')
			return false;
		i = j + 1;
	}
	return true;
}
