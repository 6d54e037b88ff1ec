/* A batch of links made together: the cached files of an install, placed
 * into its stage (issue 18). The caller makes the directories first, in
 * order, then adds one request per file and runs the batch once: the links
 * are made by the plain loop, by threads over disjoint runs of directories,
 * or through one io_uring (Linux, when built with liburing), as
 * os_linkbatch_configure() chose. Whatever the way, the outcome is a
 * result per request, read by the caller's thread: nothing is printed and
 * no shared state but the requests' own is written while links are made.
 * Same conventions as os/fs.h otherwise. */
#ifndef CVENV_OS_LINKBATCH_H
#define CVENV_OS_LINKBATCH_H

#include "util/common.h"

#include <sys/types.h>

#include "os/link.h"
#include "util/buf.h"

struct os_linkreq {
	size_t src, dst; /* offsets of the two names in the batch's names */
	size_t base;     /* 1 + the index of its base in bases; 0: none */
	size_t tag;      /* the caller's, to name the request in a message */
	mode_t mode;
	int err;         /* errno of the failure, 0 when made or not tried */
};

/* A base: the offsets of its source and destination directories in dirs. */
struct os_linkbase {
	size_t src, dst;
};

/* A request's names are kept relative to the base (a source and a
 * destination directory) it was added under, each directory kept once:
 * whole paths, a cache entry's and a stage's prefix repeated per file,
 * were most of the batch (a page fault per 4 KiB of it, issue 18). The
 * whole paths are made as the links are. */
struct os_linkahead;
struct os_linkbatch {
	struct buf names; /* "src\0dst\0" per request */
	struct buf dirs;  /* "dir\0" per directory of a base */
	struct os_linkbase *bases;
	size_t nbases, bases_alloc;
	struct os_linkreq *v;
	size_t n, alloc;
	size_t done; /* requests 0..done-1 are made (by the thread ahead) */
	struct os_linkahead *ahead; /* the thread making links ahead, or NULL */
};
#define OS_LINKBATCH_INIT { BUF_INIT, BUF_INIT, NULL, 0, 0, NULL, 0, 0, 0, NULL }

/* The requests added from now on have their paths relative to src_dir
 * and dst_dir (src is src_dir/src...); the same pair as the last one set
 * is kept once. Before any call, paths are taken as they are. */
void os_linkbatch_base(struct os_linkbatch *b, const char *src_dir, const char *dst_dir);
/* Adds a request: src placed at dst (which must not exist, and whose
 * directory must exist when the batch runs) with mode, by os_link_file. */
void os_linkbatch_add(struct os_linkbatch *b, const char *src, const char *dst, mode_t mode,
		      size_t tag);
/* The same, with the names' lengths (sn and dn bytes, no NUL among them). */
void os_linkbatch_add_n(struct os_linkbatch *b, const char *src, size_t sn, const char *dst,
			size_t dn, mode_t mode, size_t tag);
/* Makes room for n more requests whose names (as added, relative to their
 * base) take bytes in all, their NULs included, so that adding them moves
 * nothing: the names grown by doubling were copied on every step (issue 18). */
void os_linkbatch_reserve(struct os_linkbatch *b, size_t n, size_t bytes);
/* Makes room for n more bases whose directories take bytes in all (NULs
 * included): with a thread ahead, a base array or directory text that
 * would move stops that thread first (os_linkbatch_settle). */
void os_linkbatch_reserve_bases(struct os_linkbatch *b, size_t n, size_t bytes);

/* Links ahead (issue 18): while the caller goes on staging (making the
 * directories, adding requests), a thread makes the links already added
 * and published, so that the install's links overlap its mkdirs and file
 * writes instead of following them. os_linkbatch_ahead() makes the first
 * request not yet made itself (narrowing *how, as os_linkbatch_run() does)
 * and starts the thread; false when it did not (one CPU, the batch's way
 * set by CVENV_LINK_THREADS or to io_uring, no thread, or that first link failed:
 * os_linkbatch_run() then makes and reports everything as before).
 * os_linkbatch_publish() hands the thread every request added so far: their
 * directories must exist by then. os_linkbatch_settle() stops the thread
 * (it finishes the link it is making) and records how far it got in done;
 * os_linkbatch_run(), os_linkbatch_clear(), and adding what would move the
 * batch's memory settle first. The thread stops at its first failure,
 * leaving that request's err set and done just before it, for
 * os_linkbatch_run() to report. Requests are made in order either way. */
bool os_linkbatch_ahead(struct os_linkbatch *b, enum os_link_mode *how);
void os_linkbatch_publish(struct os_linkbatch *b);
void os_linkbatch_settle(struct os_linkbatch *b);

/* Request i's source (dst false) or destination as added (relative to its
 * base), and as a whole path, made in out (which it returns). */
const char *os_linkbatch_name(const struct os_linkbatch *b, size_t i, bool dst);
const char *os_linkbatch_path(const struct os_linkbatch *b, size_t i, bool dst, struct buf *out);

/* Makes every link of b, the first by *how (which is then narrowed as
 * os_link_file's used mode tells: a file system without reflinks is not
 * asked again per file). On failure returns -1 with errno, *failed the
 * index of the first request in b's order that failed; requests after it
 * may have been made (by another thread) or not: the caller removes them
 * with the directory they are in. The batch stays for the caller to read;
 * os_linkbatch_clear() empties it. */
int os_linkbatch_run(struct os_linkbatch *b, enum os_link_mode *how, size_t *failed);
void os_linkbatch_clear(struct os_linkbatch *b);

/* How batches run, set once by cmd/ (CVENV_LINK_THREADS, CVENV_IO_URING):
 * threads is the number of threads making links (1: the plain loop; 0:
 * the default), uring 1 to use io_uring for hard links, 0 not to, -1 the
 * default. A batch of fewer than OS_LINKBATCH_MIN requests always runs in
 * the plain loop unless the setting was forced (> 0 threads, uring 1). */
#define OS_LINKBATCH_MIN 256
void os_linkbatch_configure(int threads, int uring);
/* The default number of threads for a batch of n requests on a process
 * that may run on cpus CPUs: the plain loop (1) up to OS_LINKBATCH_MIN
 * requests or on one CPU, else two. */
int os_linkbatch_default_threads(size_t n, int cpus);
/* Whether this build can use io_uring at all (Linux with liburing). */
bool os_linkbatch_has_uring(void);

#endif
