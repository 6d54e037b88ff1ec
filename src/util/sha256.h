/* SHA-256 (FIPS 180-4) of a buffer in memory, for the few small files an
 * install writes itself (launchers, INSTALLER, direct_url.json): hashing
 * them needs no libcrypto, so a warm install from the cache, which hashes
 * nothing else, does not load it (the LINK=static build loads libcrypto on
 * first use: 2.5M instructions, issue 18). Wheels and cache entries are
 * still hashed by libcrypto (core/pkg/record.c), which is faster on big
 * files. Pure. */
#ifndef CVENV_SHA256_H
#define CVENV_SHA256_H

#include "util/common.h"

#define SHA256_LEN 32

void sha256_digest(const void *data, size_t len, unsigned char out[SHA256_LEN]);

#endif
