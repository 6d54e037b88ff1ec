/* Bounded Python and C library version numbers (see pyversion.h). */
#include "util/common.h"

#include "core/std/pyversion.h"

bool pyver_in_range(long long major, long long minor, long long micro)
{
	return major >= PYVER_MAJOR_MIN && major <= PYVER_MAJOR_MAX && minor >= 0 &&
	       minor <= PYVER_MINOR_MAX && micro >= 0 && micro <= PYVER_MICRO_MAX;
}

/* A run of decimal digits at *p (advanced past it): its value, saturated
 * above INT_MAX (out of every bound anyway); false when there is none. */
static bool number(const char **p, long long *v)
{
	const char *s = *p;
	*v = 0;
	while (*s >= '0' && *s <= '9') {
		if (*v <= 0x7fffffff)
			*v = *v * 10 + (*s - '0');
		s++;
	}
	bool any = s != *p;
	*p = s;
	return any;
}

int pyver_parse(const char *s, int *major, int *minor, int *micro)
{
	long long a, b, c = 0;
	const char *p = s;
	if (!s || !number(&p, &a) || *p != '.')
		return 1;
	p++;
	if (!number(&p, &b))
		return 1;
	if (*p == '.' && p[1] >= '0' && p[1] <= '9') {
		p++;
		number(&p, &c);
	}
	if (*p >= '0' && *p <= '9')
		return 1;
	if (!pyver_in_range(a, b, c))
		return -1;
	*major = (int)a;
	*minor = (int)b;
	*micro = (int)c;
	return 0;
}

int libcver_parse(const char *s, int *major, int *minor)
{
	long long a, b;
	const char *p = s;
	if (!s || !number(&p, &a) || *p++ != '.' || !number(&p, &b))
		return -1;
	if (a > LIBCVER_PART_MAX || b > LIBCVER_PART_MAX)
		return -1;
	*major = (int)a;
	*minor = (int)b;
	return 0;
}
