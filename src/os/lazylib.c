/* Libraries loaded on first use: libzip in every build, libcurl in the
 * opt-in `make LINK=static` build (the default one runs libcurl in the
 * cvenv-http helper).
 *
 * Debian's libzip needs libcrypto (for encrypted archives, which wheels never
 * are), and libcrypto is linked with BIND_NOW: loading it at start-up meant
 * relocating 3000 symbols before main(), nearly all of a `cvenv --version`
 * and of a no-op sync, although only the opening of a wheel needs libzip
 * (BENCHMARKS.md, "The link choice", has the figures). So the functions cvenv
 * calls are defined here under their own names, with the prototypes of the
 * libraries' headers (the compiler checks them), and each resolves the real
 * function with dlopen/dlsym on its first call. The rest of cvenv calls
 * zip_open() as usual and cannot tell.
 *
 * In the default build libzip comes through a plugin, cvenv-zip.so
 * (src/helper/cvenv-zip.c, installed beside the HTTP helper in
 * $(LIBEXECDIR)/cvenv): an empty shared object with a NEEDED entry for
 * libzip, so packaging tools (dpkg-shlibdeps, rpm's dependency scan) see the
 * dependency exactly as they see the helper's on libcurl; dlsym on the
 * plugin's handle finds libzip's functions among its dependencies. Without
 * the plugin (a cvenv binary copied alone) libzip is opened by its SONAME. The
 * LINK=static build (for one's own machine) opens libzip by the SONAME the
 * Makefile read from the file pkg-config points at. Either way the binary
 * loads exactly the ABI it was compiled against. A library or function that
 * cannot be loaded makes the call fail the way the library reports failure
 * (NULL, -1, 0; a void function does nothing), and the loader's reason is
 * what libzip's message functions then return: callers need no error path of
 * their own for it. Like all of os/, this prints nothing.
 *
 * cvenv is single-threaded; the function pointers are set once and never
 * change (a second thread racing here would store the same value). */
#include "util/common.h"

#ifdef CVENV_LIBCURL_SONAME
#define CURL_DISABLE_TYPECHECK /* the variadic functions are defined below */
#include <curl/curl.h>
#endif
#include <dlfcn.h>
#include <unistd.h>
#include <zip.h>

#include "os/fs.h"
#include "util/buf.h"

#ifndef CVENV_LIBZIP_SONAME
#error "CVENV_LIBZIP_SONAME must name libzip's shared library (the Makefile sets it)"
#endif

_Static_assert(sizeof(CVENV_LIBZIP_SONAME) > 1,
	       "the Makefile could not read the SONAME of libzip "
	       "(it needs readelf from binutils and libzip-dev)");
#ifdef CVENV_LIBCURL_SONAME
_Static_assert(sizeof(CVENV_LIBCURL_SONAME) > 1,
	       "the Makefile could not read the SONAME of libcurl "
	       "(it needs readelf from binutils and libcurl's -dev package)");
#endif

struct lazylib {
	const char *soname; /* the library, named in messages */
	const char *plugin; /* the file to open instead, in cvenv's libexec; or NULL */
	void *handle;
	bool failed; /* dlopen failed once: not tried again */
};

#ifdef CVENV_ZIP_PLUGIN
static struct lazylib libzip = { CVENV_LIBZIP_SONAME, CVENV_ZIP_PLUGIN, NULL, false };
#else
static struct lazylib libzip = { CVENV_LIBZIP_SONAME, NULL, NULL, false };
#endif
#ifdef CVENV_LIBCURL_SONAME
static struct lazylib libcurl = { CVENV_LIBCURL_SONAME, NULL, NULL, false };
#endif

/* Why the last load failed, for the message functions below. */
static struct buf lazy_why = BUF_INIT;

static const char *lazy_reason(void)
{
	return lazy_why.len ? lazy_why.ptr : "a library could not be loaded";
}

/* The function name of lib, or NULL (the reason kept in lazy_why). */
static void *lazy_sym(struct lazylib *lib, const char *name)
{
	if (!lib->handle && !lib->failed) {
		char *path = lib->plugin ? os_libexec_find(lib->plugin, R_OK) : NULL;
		if (path && access(path, R_OK) != 0) {
			/* no plugin (a cvenv copied alone, a unit test): the library
			 * by its SONAME, as the system's loader finds it */
			free(path);
			path = NULL;
		}
		lib->handle = dlopen(path ? path : lib->soname, RTLD_NOW | RTLD_LOCAL);
		if (!lib->handle) {
			lib->failed = true;
			buf_reset(&lazy_why);
			buf_addf(&lazy_why, "cannot load the library '%s'", lib->soname);
			if (path)
				buf_addf(&lazy_why, " through '%s'", path);
			buf_addf(&lazy_why, ": %s", dlerror());
		}
		free(path);
	}
	if (!lib->handle)
		return NULL;
	void *sym = dlsym(lib->handle, name);
	if (!sym) {
		buf_reset(&lazy_why);
		buf_addf(&lazy_why, "cannot find '%s' in the library '%s': %s", name,
			 lib->soname, dlerror());
	}
	return sym;
}

/* One definition per function: R the return type, P the parameter list, A
 * the arguments passed on, FAIL what the call returns when the function
 * cannot be loaded (an expression that may use the parameters). LAZY_VOID
 * for functions returning nothing, which then do nothing. The pointer goes
 * through memcpy: ISO C has no conversion from void * to a function pointer,
 * POSIX guarantees the representations agree. */
#define LAZY(lib, R, name, P, A, FAIL)                                     \
	R name P                                                           \
	{                                                                  \
		static R(*fn) P;                                           \
		if (!fn) {                                                 \
			void *sym = lazy_sym(&lib, #name);                 \
			if (!sym)                                          \
				return FAIL;                               \
			memcpy(&fn, &sym, sizeof(fn));                     \
		}                                                          \
		return fn A;                                               \
	}
#define LAZY_VOID(lib, name, P, A, FAIL)                                   \
	void name P                                                        \
	{                                                                  \
		static void(*fn) P;                                        \
		if (!fn) {                                                 \
			void *sym = lazy_sym(&lib, #name);                 \
			if (!sym) {                                        \
				FAIL;                                      \
				return;                                    \
			}                                                  \
			memcpy(&fn, &sym, sizeof(fn));                     \
		}                                                          \
		fn A;                                                      \
	}

/* zip_open's failure: *errorp set; the caller then asks zip_error_strerror
 * through a zip_error_t that zip_error_init_with_code filled in. Without
 * libzip both come from here: the public fields set by hand, the message
 * the loader's. */
static zip_t *zip_open_failed(int *errorp)
{
	if (errorp)
		*errorp = ZIP_ER_INTERNAL;
	return NULL;
}

static void zip_error_init_failed(zip_error_t *ze, int code)
{
	ze->zip_err = code;
	ze->sys_err = 0;
	ze->str = NULL;
}

static zip_error_t *zip_error_set_failed(zip_error_t *ze, int code, int sys)
{
	if (ze) {
		zip_error_init_failed(ze, code);
		ze->sys_err = sys;
	}
	return NULL;
}

/* libzip: reading wheels (core/pkg/wheel.c, core/pkg/install.c) */
LAZY_VOID(libzip, zip_error_init, (zip_error_t *ze), (ze), zip_error_init_failed(ze, ZIP_ER_OK))
LAZY_VOID(libzip, zip_error_set, (zip_error_t *ze, int code, int sys), (ze, code, sys),
	  zip_error_set_failed(ze, code, sys))
LAZY(libzip, zip_source_t *, zip_source_buffer_create,
     (const void *data, zip_uint64_t len, int freep, zip_error_t *ze), (data, len, freep, ze),
     (zip_source_t *)zip_error_set_failed(ze, ZIP_ER_INTERNAL, 0))
LAZY(libzip, zip_source_t *, zip_source_function_create,
     (zip_source_callback cb, void *arg, zip_error_t *ze), (cb, arg, ze),
     (zip_source_t *)zip_error_set_failed(ze, ZIP_ER_INTERNAL, 0))
LAZY(libzip, zip_t *, zip_open_from_source, (zip_source_t *src, int flags, zip_error_t *ze),
     (src, flags, ze), (zip_t *)zip_error_set_failed(ze, ZIP_ER_INTERNAL, 0))
LAZY_VOID(libzip, zip_source_free, (zip_source_t *src), (src), (void)0)
LAZY(libzip, zip_t *, zip_open, (const char *path, int flags, int *errorp),
     (path, flags, errorp), zip_open_failed(errorp))
LAZY_VOID(libzip, zip_discard, (zip_t *za), (za), (void)0)
LAZY(libzip, const char *, zip_strerror, (zip_t *za), (za), lazy_reason())
LAZY_VOID(libzip, zip_error_init_with_code, (zip_error_t *ze, int code), (ze, code),
	  zip_error_init_failed(ze, code))
LAZY(libzip, const char *, zip_error_strerror, (zip_error_t *ze), (ze), lazy_reason())
LAZY_VOID(libzip, zip_error_fini, (zip_error_t *ze), (ze), (void)0)
LAZY(libzip, zip_int64_t, zip_get_num_entries, (zip_t *za, zip_flags_t flags), (za, flags), -1)
LAZY(libzip, const char *, zip_get_name, (zip_t *za, zip_uint64_t i, zip_flags_t flags),
     (za, i, flags), NULL)
LAZY(libzip, zip_int64_t, zip_name_locate, (zip_t *za, const char *name, zip_flags_t flags),
     (za, name, flags), -1)
LAZY(libzip, int, zip_stat, (zip_t *za, const char *name, zip_flags_t flags, zip_stat_t *st),
     (za, name, flags, st), -1)
LAZY(libzip, int, zip_stat_index, (zip_t *za, zip_uint64_t i, zip_flags_t flags, zip_stat_t *st),
     (za, i, flags, st), -1)
LAZY(libzip, int, zip_file_get_external_attributes,
     (zip_t *za, zip_uint64_t i, zip_flags_t flags, zip_uint8_t *opsys, zip_uint32_t *attr),
     (za, i, flags, opsys, attr), -1)
LAZY(libzip, zip_file_t *, zip_fopen, (zip_t *za, const char *name, zip_flags_t flags),
     (za, name, flags), NULL)
LAZY(libzip, zip_file_t *, zip_fopen_index, (zip_t *za, zip_uint64_t i, zip_flags_t flags),
     (za, i, flags), NULL)
LAZY(libzip, zip_int64_t, zip_fread, (zip_file_t *zf, void *buf, zip_uint64_t n), (zf, buf, n),
     -1)
LAZY(libzip, const char *, zip_file_strerror, (zip_file_t *zf), (zf), lazy_reason())
LAZY(libzip, int, zip_fclose, (zip_file_t *zf), (zf), -1)

#ifdef CVENV_LIBCURL_SONAME /* LINK=static only: the default build runs libcurl in cvenv-http */
/* libcurl: the index client's HTTP (os/http.c). Debian ships no usable
 * static libcurl (its libcurl.a needs the static forms of a dozen TLS, IDN,
 * HTTP/2 and compression libraries), and only index work needs it. */
LAZY(libcurl, CURLcode, curl_global_init, (long flags), (flags), CURLE_FAILED_INIT)
LAZY(libcurl, const char *, curl_easy_strerror, (CURLcode rc), (rc), lazy_reason())
LAZY(libcurl, CURL *, curl_easy_init, (void), (), NULL)
LAZY_VOID(libcurl, curl_easy_reset, (CURL *h), (h), (void)0)
LAZY_VOID(libcurl, curl_easy_cleanup, (CURL *h), (h), (void)0)
LAZY(libcurl, struct curl_slist *, curl_slist_append, (struct curl_slist *l, const char *s),
     (l, s), NULL)
LAZY_VOID(libcurl, curl_slist_free_all, (struct curl_slist *l), (l), (void)0)
LAZY(libcurl, CURLM *, curl_multi_init, (void), (), NULL)
LAZY(libcurl, CURLMcode, curl_multi_cleanup, (CURLM *m), (m), CURLM_INTERNAL_ERROR)
LAZY(libcurl, CURLMcode, curl_multi_add_handle, (CURLM *m, CURL *h), (m, h),
     CURLM_INTERNAL_ERROR)
LAZY(libcurl, CURLMcode, curl_multi_remove_handle, (CURLM *m, CURL *h), (m, h),
     CURLM_INTERNAL_ERROR)
LAZY(libcurl, CURLMcode, curl_multi_perform, (CURLM *m, int *running), (m, running),
     CURLM_INTERNAL_ERROR)
LAZY(libcurl, CURLMsg *, curl_multi_info_read, (CURLM *m, int *left), (m, left), NULL)
LAZY(libcurl, CURLMcode, curl_multi_poll,
     (CURLM *m, struct curl_waitfd extra[], unsigned n, int timeout_ms, int *numfds),
     (m, extra, n, timeout_ms, numfds), CURLM_INTERNAL_ERROR)

/* The variadic three: the argument's type follows from the option's number
 * (curl.h's CURLOPTTYPE_* bases: long, object pointer, function pointer,
 * curl_off_t, blob pointer), so each is passed on with its own type. */
static void *lazy_fn(struct lazylib *lib, void **slot, const char *name)
{
	if (!*slot)
		*slot = lazy_sym(lib, name);
	return *slot;
}

typedef CURLcode (*easy_setopt_fn)(CURL *, CURLoption, ...);
typedef CURLMcode (*multi_setopt_fn)(CURLM *, CURLMoption, ...);
typedef CURLcode (*easy_getinfo_fn)(CURL *, CURLINFO, ...);
typedef void (*any_fn)(void);

CURLcode curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
	static void *sym;
	easy_setopt_fn fn;
	void *p = lazy_fn(&libcurl, &sym, "curl_easy_setopt");
	if (!p)
		return CURLE_FAILED_INIT;
	memcpy(&fn, &p, sizeof(fn));
	va_list ap;
	va_start(ap, opt);
	CURLcode rc;
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = fn(h, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT || opt >= CURLOPTTYPE_BLOB)
		rc = fn(h, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		rc = fn(h, opt, va_arg(ap, any_fn));
	else
		rc = fn(h, opt, va_arg(ap, curl_off_t));
	va_end(ap);
	return rc;
}

CURLMcode curl_multi_setopt(CURLM *m, CURLMoption opt, ...)
{
	static void *sym;
	multi_setopt_fn fn;
	void *p = lazy_fn(&libcurl, &sym, "curl_multi_setopt");
	if (!p)
		return CURLM_INTERNAL_ERROR;
	memcpy(&fn, &p, sizeof(fn));
	va_list ap;
	va_start(ap, opt);
	CURLMcode rc;
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = fn(m, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		rc = fn(m, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		rc = fn(m, opt, va_arg(ap, any_fn));
	else
		rc = fn(m, opt, va_arg(ap, curl_off_t));
	va_end(ap);
	return rc;
}

CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
	static void *sym;
	easy_getinfo_fn fn;
	void *p = lazy_fn(&libcurl, &sym, "curl_easy_getinfo");
	if (!p)
		return CURLE_FAILED_INIT;
	memcpy(&fn, &p, sizeof(fn));
	va_list ap;
	va_start(ap, info);
	CURLcode rc = fn(h, info, va_arg(ap, void *)); /* always a pointer */
	va_end(ap);
	return rc;
}
#endif /* CVENV_LIBCURL_SONAME */
