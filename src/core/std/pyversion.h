/* Python version numbers read from outside -- pyvenv.cfg's version key, a
 * lib/pythonX.Y directory name, an interpreter's answer to the query, the
 * interpreter cache -- are bounded before anything uses them: a loop over a
 * version (the compatibility tags py3N for N down to 0, manylinux_2_N)
 * must not run away on `version = 3.300000000`.
 *
 * The bounds: major 2 to 3 (every Python cvenv can make an env for; a
 * Python 4 needs a new cvenv anyway: its tags are not known), minor 0 to
 * 99, micro 0 to 999; a C library version (glibc 2.N, musl 1.N) 0 to 999
 * in each part. */
#ifndef CVENV_PYVERSION_H
#define CVENV_PYVERSION_H

#include "util/common.h"

#define PYVER_MAJOR_MIN 2
#define PYVER_MAJOR_MAX 3
#define PYVER_MINOR_MAX 99
#define PYVER_MICRO_MAX 999
#define LIBCVER_PART_MAX 999

bool pyver_in_range(long long major, long long minor, long long micro);

/* Reads "X.Y" or "X.Y.Z" at the start of s, and whatever follows when it
 * does not begin with a digit ("3.13.0rc1", virtualenv's "3.11.2.final.0").
 * 0 with *major, *minor, *micro (0 when absent) set; 1 when s is no such
 * version (nothing set); -1 when it is one but a number is out of bounds. */
int pyver_parse(const char *s, int *major, int *minor, int *micro);

/* Reads a C library version "M.N" at the start of s (a glibc development
 * "2.36.9000" reads as 2.36); 0, or -1 for other text or a part out of
 * bounds. */
int libcver_parse(const char *s, int *major, int *minor);

#endif
