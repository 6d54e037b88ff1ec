/* Compatibility tags (PEP 425 and the platform tag specs): the tags an
 * interpreter supports, most preferred first, in the order pip's vendored
 * packaging.tags.sys_tags() yields them, and the match of a wheel against them.
 *
 * The facts come from the caller (core/interp fills them from an
 * interpreter's answer: tag_facts_from_interp), so this module depends on
 * no interpreter. Ownership: tag_facts owns nothing (its strings belong to
 * whoever filled it); the strvec filled by tags_supported owns its strings. */
#ifndef CVENV_TAGS_H
#define CVENV_TAGS_H

#include "util/common.h"

struct strvec;
struct wheel_name;

struct tag_facts {
	const char *impl;        /* "cpython", "pypy", ... */
	int major, minor;
	const char *nodot;       /* config var py_version_nodot, or NULL */
	bool debug, pymalloc, gil_disabled;
	const char *ext_suffix;  /* ".cpython-312-x86_64-linux-gnu.so" */
	const char *platform;    /* sysconfig.get_platform(): "linux-x86_64" */
	int glibc_major, glibc_minor; /* 0 when not glibc */
	int musl_major, musl_minor;   /* 0 when not musl */
	bool is32;               /* a 32-bit interpreter */
	/* The platform tags, best first, when they are given rather than made
	 * from platform and the libc (a lock target that is not this machine:
	 * core/lock/target.h); NULL: made from those. */
	const struct strvec *platforms;
};

/* Appends every supported "python-abi-platform" tag, best first. */
void tags_supported(const struct tag_facts *f, struct strvec *out);
/* The rank (index in supported) of the best tag of the wheel's expanded tag
 * sets, or -1 when none is supported. */
long tags_wheel_rank(const struct strvec *supported, const struct wheel_name *wn);

#endif
