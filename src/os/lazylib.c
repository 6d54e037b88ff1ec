/* libzip and libcrypto, loaded on first use.
 *
 * Linked the usual way, the two libraries cost every cvenv run about 0.8 ms
 * before main() (the dynamic loader maps libcrypto's 4.7 MB, applies its
 * relocations and runs its constructors; libzip pulls libcrypto in too):
 * half the run time of a warm `cvenv create --without-pip`, which opens no
 * zip and hashes nothing. Only installs, seeding and RECORD checks need them,
 * so the functions cvenv calls are defined here under their own names, with
 * the prototypes of the libraries' headers (the compiler checks them), and
 * each resolves the real function with dlopen/dlsym on its first call. The
 * rest of cvenv calls zip_open() or EVP_Digest() as usual and cannot tell.
 *
 * The libraries are found by their SONAME, which the Makefile reads from the
 * files pkg-config points at, so a cvenv binary loads exactly the ABI it was
 * compiled against. A library that cannot be loaded at run time is fatal,
 * as it is for a normally linked program, but with cvenv's own message.
 *
 * cvenv is single-threaded; the function pointers are set once and never
 * change (a second thread racing here would store the same value). */
#include "util/common.h"

#include <dlfcn.h>
#include <openssl/evp.h>
#include <zip.h>

#include "util/error.h"

#ifndef CVENV_LIBZIP_SONAME
#error "CVENV_LIBZIP_SONAME must name libzip's shared library (the Makefile sets it)"
#endif
#ifndef CVENV_LIBCRYPTO_SONAME
#error "CVENV_LIBCRYPTO_SONAME must name libcrypto's shared library (the Makefile sets it)"
#endif

_Static_assert(sizeof(CVENV_LIBZIP_SONAME) > 1 && sizeof(CVENV_LIBCRYPTO_SONAME) > 1,
	       "the Makefile could not read the SONAMEs of libzip and libcrypto "
	       "(it needs readelf from binutils and the libraries' -dev packages)");

struct lazylib {
	const char *soname;
	void *handle;
};

static struct lazylib libzip = { CVENV_LIBZIP_SONAME, NULL };
static struct lazylib libcrypto = { CVENV_LIBCRYPTO_SONAME, NULL };

static void *lazy_sym(struct lazylib *lib, const char *name)
{
	if (!lib->handle) {
		lib->handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
		if (!lib->handle)
			die("cannot load the library '%s': %s", lib->soname, dlerror());
	}
	void *sym = dlsym(lib->handle, name);
	if (!sym)
		die("cannot find '%s' in the library '%s': %s", name, lib->soname, dlerror());
	return sym;
}

/* One definition per function: R the return type, P the parameter list, A
 * the arguments passed on. LAZY_VOID for functions returning nothing (C does
 * not allow `return f();` in a void function). The pointer goes through
 * memcpy: ISO C has no conversion from void * to a function pointer, POSIX
 * guarantees the representations agree. */
#define LAZY(lib, R, name, P, A)                                           \
	R name P                                                           \
	{                                                                  \
		static R(*fn) P;                                           \
		if (!fn) {                                                 \
			void *sym = lazy_sym(&lib, #name);                 \
			memcpy(&fn, &sym, sizeof(fn));                     \
		}                                                          \
		return fn A;                                               \
	}
#define LAZY_VOID(lib, name, P, A)                                         \
	void name P                                                        \
	{                                                                  \
		static void(*fn) P;                                        \
		if (!fn) {                                                 \
			void *sym = lazy_sym(&lib, #name);                 \
			memcpy(&fn, &sym, sizeof(fn));                     \
		}                                                          \
		fn A;                                                      \
	}

/* libzip: reading wheels (core/wheel.c, core/install.c) */
LAZY(libzip, zip_t *, zip_open, (const char *path, int flags, int *errorp), (path, flags, errorp))
LAZY_VOID(libzip, zip_discard, (zip_t *za), (za))
LAZY(libzip, const char *, zip_strerror, (zip_t *za), (za))
LAZY_VOID(libzip, zip_error_init_with_code, (zip_error_t *ze, int code), (ze, code))
LAZY(libzip, const char *, zip_error_strerror, (zip_error_t *ze), (ze))
LAZY_VOID(libzip, zip_error_fini, (zip_error_t *ze), (ze))
LAZY(libzip, zip_int64_t, zip_get_num_entries, (zip_t *za, zip_flags_t flags), (za, flags))
LAZY(libzip, const char *, zip_get_name, (zip_t *za, zip_uint64_t i, zip_flags_t flags),
     (za, i, flags))
LAZY(libzip, zip_int64_t, zip_name_locate, (zip_t *za, const char *name, zip_flags_t flags),
     (za, name, flags))
LAZY(libzip, int, zip_stat, (zip_t *za, const char *name, zip_flags_t flags, zip_stat_t *st),
     (za, name, flags, st))
LAZY(libzip, int, zip_stat_index, (zip_t *za, zip_uint64_t i, zip_flags_t flags, zip_stat_t *st),
     (za, i, flags, st))
LAZY(libzip, int, zip_file_get_external_attributes,
     (zip_t *za, zip_uint64_t i, zip_flags_t flags, zip_uint8_t *opsys, zip_uint32_t *attr),
     (za, i, flags, opsys, attr))
LAZY(libzip, zip_file_t *, zip_fopen, (zip_t *za, const char *name, zip_flags_t flags),
     (za, name, flags))
LAZY(libzip, zip_file_t *, zip_fopen_index, (zip_t *za, zip_uint64_t i, zip_flags_t flags),
     (za, i, flags))
LAZY(libzip, zip_int64_t, zip_fread, (zip_file_t *zf, void *buf, zip_uint64_t n), (zf, buf, n))
LAZY(libzip, const char *, zip_file_strerror, (zip_file_t *zf), (zf))
LAZY(libzip, int, zip_fclose, (zip_file_t *zf), (zf))

/* libcrypto: SHA-256 and the other RECORD/--hash digests (core/record.c,
 * core/plan.c, core/install.c) */
LAZY(libcrypto, const EVP_MD *, EVP_sha256, (void), ())
LAZY(libcrypto, const EVP_MD *, EVP_get_digestbyname, (const char *name), (name))
LAZY(libcrypto, int, EVP_Digest,
     (const void *data, size_t count, unsigned char *md, unsigned int *size, const EVP_MD *type,
      ENGINE *impl),
     (data, count, md, size, type, impl))
LAZY(libcrypto, EVP_MD *, EVP_MD_fetch,
     (OSSL_LIB_CTX *ctx, const char *algorithm, const char *properties),
     (ctx, algorithm, properties))
LAZY(libcrypto, EVP_MD_CTX *, EVP_MD_CTX_new, (void), ())
LAZY_VOID(libcrypto, EVP_MD_CTX_free, (EVP_MD_CTX *ctx), (ctx))
LAZY(libcrypto, int, EVP_DigestInit_ex, (EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl),
     (ctx, type, impl))
LAZY(libcrypto, int, EVP_DigestUpdate, (EVP_MD_CTX *ctx, const void *d, size_t cnt),
     (ctx, d, cnt))
LAZY(libcrypto, int, EVP_DigestFinal_ex, (EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s),
     (ctx, md, s))
