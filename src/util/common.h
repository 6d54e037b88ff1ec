/* Included first by every cvenv source file: feature macros, standard headers
 * used everywhere, and the banned-function list. */
#ifndef CVENV_COMMON_H
#define CVENV_COMMON_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* nftw, XSI parts of POSIX 2008 */
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 /* d_type, mkdtemp, realpath on glibc */
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* FNV-1a (64 bits) of a string: names cache files and places names in hash
 * tables. Never a security boundary: every user also compares the whole key. */
static inline uint64_t fnv1a_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		h = (h ^ *c) * 0x100000001b3ull;
	return h;
}

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#else
#define PRINTF_LIKE(f, a)
#define NORETURN
#endif

/* CVENV_ASAN: built with AddressSanitizer (gcc says so by a macro, clang
 * by __has_feature). */
#if defined(__SANITIZE_ADDRESS__)
#define CVENV_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CVENV_ASAN 1
#endif
#endif

#include "util/banned.h"

#endif
