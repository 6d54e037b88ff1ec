/* A NULL-terminated, growable vector of owned strings (argv-style). */
#ifndef CVENV_STRVEC_H
#define CVENV_STRVEC_H

#include "util/common.h"

struct strvec {
	char **v; /* always NULL-terminated; never NULL after init */
	size_t n;
	size_t cap;
};

#define STRVEC_INIT { strvec_empty_, 0, 0 }
extern char *strvec_empty_[1];

void strvec_init(struct strvec *sv);
void strvec_clear(struct strvec *sv);
/* Copies s. */
void strvec_push(struct strvec *sv, const char *s);
/* Takes ownership of s (a malloc'd string). */
void strvec_push_take(struct strvec *sv, char *s);
void strvec_pushf(struct strvec *sv, const char *fmt, ...) PRINTF_LIKE(2, 3);
void strvec_pushv(struct strvec *sv, const char *const *v);
bool strvec_contains(const struct strvec *sv, const char *s);
void strvec_sort(struct strvec *sv);

#endif
