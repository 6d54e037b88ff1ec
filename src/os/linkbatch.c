/* A batch of links made together (see os/linkbatch.h). */
#include "util/common.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>
#ifdef CVENV_HAVE_LIBURING
#include <liburing.h>
#endif

#include "os/linkbatch.h"
#include "os/sidework.h"

#define MAX_THREADS 8
/* The way of a batch of more than OS_LINKBATCH_MIN links when no setting
 * forces one: two threads where two CPUs are ours, no io_uring
 * (os_linkbatch_default_threads; BENCHMARKS.md, "Seeded create at the
 * floor"). */
#define DEFAULT_THREADS 2
#define DEFAULT_URING 0

static int cfg_threads;     /* 0: the default */
static int cfg_uring = -1;  /* -1: the default */

void os_linkbatch_configure(int threads, int uring)
{
	cfg_threads = threads < 0 ? 0 : threads > MAX_THREADS ? MAX_THREADS : threads;
	cfg_uring = uring;
}

int os_linkbatch_default_threads(size_t n, int cpus)
{
	if (n <= OS_LINKBATCH_MIN || cpus < 2)
		return 1;
	return cpus < DEFAULT_THREADS ? cpus : DEFAULT_THREADS;
}

bool os_linkbatch_has_uring(void)
{
#ifdef CVENV_HAVE_LIBURING
	return true;
#else
	return false;
#endif
}

/* The offset in b->dirs of dir: the last base's (same side) when equal. */
static size_t base_dir(struct os_linkbatch *b, const char *dir, bool dst)
{
	if (b->nbases) {
		const struct os_linkbase *last = &b->bases[b->nbases - 1];
		size_t at = dst ? last->dst : last->src;
		if (!strcmp(b->dirs.ptr + at, dir))
			return at;
	}
	size_t at = b->dirs.len;
	buf_add(&b->dirs, dir, strlen(dir) + 1);
	return at;
}

void os_linkbatch_base(struct os_linkbatch *b, const char *src_dir, const char *dst_dir)
{
	struct os_linkbase nb = { base_dir(b, src_dir, false), base_dir(b, dst_dir, true) };
	if (b->nbases && b->bases[b->nbases - 1].src == nb.src &&
	    b->bases[b->nbases - 1].dst == nb.dst)
		return;
	if (!(b->nbases & (b->nbases - 1)))
		b->bases = xrealloc(b->bases, (b->nbases ? 2 * b->nbases : 1) * sizeof(*b->bases));
	b->bases[b->nbases++] = nb;
}

void os_linkbatch_add(struct os_linkbatch *b, const char *src, const char *dst, mode_t mode,
		      size_t tag)
{
	os_linkbatch_add_n(b, src, strlen(src), dst, strlen(dst), mode, tag);
}

void os_linkbatch_add_n(struct os_linkbatch *b, const char *src, size_t sn, const char *dst,
			size_t dn, mode_t mode, size_t tag)
{
	if (b->n == b->alloc) {
		b->alloc = b->alloc ? 2 * b->alloc : 64;
		b->v = xrealloc(b->v, b->alloc * sizeof(*b->v));
	}
	struct os_linkreq *q = &b->v[b->n++];
	/* both names, NULs included, in one grow and two copies */
	buf_grow(&b->names, sn + dn + 2);
	char *o = b->names.ptr + b->names.len;
	q->src = b->names.len;
	memcpy(o, src, sn);
	o[sn] = '\0';
	q->dst = q->src + sn + 1;
	memcpy(o + sn + 1, dst, dn);
	o[sn + 1 + dn] = '\0';
	b->names.len += sn + dn + 2;
	b->names.ptr[b->names.len] = '\0';
	q->base = b->nbases;
	q->tag = tag;
	q->mode = mode;
	q->err = 0;
}

void os_linkbatch_reserve(struct os_linkbatch *b, size_t n, size_t bytes)
{
	if (b->n + n > b->alloc) {
		b->alloc = b->n + n;
		b->v = xrealloc(b->v, b->alloc * sizeof(*b->v));
	}
	buf_grow(&b->names, bytes);
}

const char *os_linkbatch_name(const struct os_linkbatch *b, size_t i, bool dst)
{
	return b->names.ptr + (dst ? b->v[i].dst : b->v[i].src);
}

/* Request i's base directory on one side, "" for none. */
static const char *req_dir(const struct os_linkbatch *b, size_t i, bool dst)
{
	size_t k = b->v[i].base;
	if (!k)
		return "";
	return b->dirs.ptr + (dst ? b->bases[k - 1].dst : b->bases[k - 1].src);
}

const char *os_linkbatch_path(const struct os_linkbatch *b, size_t i, bool dst, struct buf *out)
{
	const char *dir = req_dir(b, i, dst);
	buf_reset(out);
	if (*dir) {
		buf_addstr(out, dir);
		buf_addch(out, '/');
	}
	buf_addstr(out, os_linkbatch_name(b, i, dst));
	return out->ptr;
}

/* Whole paths made one request after another: the base's directory is
 * written again only when the base changes. */
struct path_maker {
	struct buf buf;
	size_t base, keep; /* the base in buf (SIZE_MAX: none yet), its length */
	size_t dir;        /* the offset in dirs of that base's directory */
	bool dst;
};

#define PATH_MAKER(dst) { BUF_INIT, SIZE_MAX, 0, SIZE_MAX, (dst) }

/* The length of request i's source or destination name: the names are
 * stored one after the other, each with its NUL. */
static size_t name_len(const struct os_linkbatch *b, size_t i, bool dst)
{
	const struct os_linkreq *q = &b->v[i];
	if (!dst)
		return q->dst - q->src - 1;
	return (i + 1 < b->n ? b->v[i + 1].src : b->names.len) - q->dst - 1;
}

static const char *make_path(const struct os_linkbatch *b, size_t i, struct path_maker *pm)
{
	size_t k = b->v[i].base;
	if (k != pm->base) {
		/* a new base whose directory on this side is the last one's (the
		 * stage's, for every wheel of an install) keeps the prefix */
		size_t dir = k ? (pm->dst ? b->bases[k - 1].dst : b->bases[k - 1].src) : SIZE_MAX;
		if (pm->base == SIZE_MAX || dir != pm->dir) {
			buf_reset(&pm->buf);
			if (k && b->dirs.ptr[dir]) {
				buf_addstr(&pm->buf, b->dirs.ptr + dir);
				buf_addch(&pm->buf, '/');
			}
			pm->keep = pm->buf.len;
			pm->dir = dir;
		}
		pm->base = k;
	}
	size_t n = name_len(b, i, pm->dst);
	pm->buf.len = pm->keep; /* (no setlen call per path) */
	buf_grow(&pm->buf, n);
	/* the name with its NUL: one copy per path (two links per file) */
	memcpy(pm->buf.ptr + pm->keep, os_linkbatch_name(b, i, pm->dst), n + 1);
	pm->buf.len = pm->keep + n;
	return pm->buf.ptr;
}

void os_linkbatch_clear(struct os_linkbatch *b)
{
	buf_free(&b->names);
	buf_free(&b->dirs);
	free(b->bases);
	b->bases = NULL;
	b->nbases = 0;
	free(b->v);
	b->v = NULL;
	b->n = b->alloc = 0;
}

/* One run of requests for one thread; stops early once any has failed. */
struct span {
	struct os_linkbatch *b;
	size_t from, to;
	enum os_link_mode how;
	atomic_bool *failed;
};

static void link_span(struct span *s)
{
	enum os_link_mode used;
	struct path_maker src = PATH_MAKER(false), dst = PATH_MAKER(true);
	for (size_t i = s->from; i < s->to; i++) {
		if (atomic_load_explicit(s->failed, memory_order_relaxed))
			break;
		struct os_linkreq *q = &s->b->v[i];
		if (os_link_file(make_path(s->b, i, &src), make_path(s->b, i, &dst), q->mode,
				 s->how, &used) < 0) {
			q->err = errno ? errno : EIO;
			atomic_store(s->failed, true);
		}
	}
	buf_free(&src.buf);
	buf_free(&dst.buf);
}

static void *link_span_thread(void *arg)
{
	link_span(arg);
	return NULL;
}

/* Whether requests i-1 and i are in the same directory. */
static bool same_dir(const struct os_linkbatch *b, size_t i)
{
	const char *a = os_linkbatch_name(b, i - 1, true), *c = os_linkbatch_name(b, i, true);
	const char *sa = strrchr(a, '/'), *sc = strrchr(c, '/');
	size_t na = sa ? (size_t)(sa - a) : 0, nc = sc ? (size_t)(sc - c) : 0;
	return na == nc && !memcmp(a, c, na) &&
	       (b->v[i - 1].base == b->v[i].base ||
		!strcmp(req_dir(b, i - 1, true), req_dir(b, i, true)));
}

/* The first request at or after i (before to) that starts a directory's
 * run, or to: threads link into different directories, not taking turns
 * at one directory's lock. */
static size_t dir_start(const struct os_linkbatch *b, size_t i, size_t to)
{
	while (i > 0 && i < to && same_dir(b, i))
		i++;
	return i;
}

/* Requests from..to over nthreads threads, each a share of whole
 * directories; the calling thread takes the first. */
static void link_threads(struct os_linkbatch *b, size_t from, size_t to, enum os_link_mode how,
			 int nthreads)
{
	atomic_bool failed = false;
	struct span sp[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	bool started[MAX_THREADS] = { false };
	size_t at = from;
	for (int k = 0; k < nthreads; k++) {
		size_t end = k == nthreads - 1 ? to
				: dir_start(b, at + (to - at) / (size_t)(nthreads - k), to);
		sp[k] = (struct span){ b, at, end, how, &failed };
		at = end;
	}
	for (int k = 1; k < nthreads; k++)
		if (sp[k].from < sp[k].to)
			started[k] = pthread_create(&th[k], NULL, link_span_thread, &sp[k]) == 0;
	link_span(&sp[0]);
	/* a thread that could not start: its share is made here */
	for (int k = 1; k < nthreads; k++) {
		if (started[k])
			pthread_join(th[k], NULL);
		else
			link_span(&sp[k]);
	}
}

#ifdef CVENV_HAVE_LIBURING
#define RING_DEPTH 256

static bool copy_instead(int e)
{
	return e == EXDEV || e == EPERM || e == EMLINK || e == ENOTSUP;
}

/* Hard links through one io_uring (IORING_OP_LINKAT, Linux 5.15). Returns
 * -1 with errno when no ring can be had (ENOSYS, EPERM: a kernel without
 * it, or one where it is disabled, as in many containers), before any link
 * was tried: the caller then runs the plain loop. Otherwise 0, each
 * request's result in its err; a request the kernel answers as link()
 * would before os_link_file copies (copy_instead) keeps that error for the
 * caller to copy. Stops submitting at the first other failure. The whole
 * paths are made first, all of them (the kernel may read a request's
 * paths at any time until it completes). */
static int link_uring(struct os_linkbatch *b, size_t from, size_t to)
{
	struct io_uring ring;
	int e = io_uring_queue_init(RING_DEPTH, &ring, 0);
	if (e < 0) {
		errno = -e;
		return -1;
	}
	struct buf all = BUF_INIT, one = BUF_INIT;
	size_t *at = xmalloc(2 * (to - from) * sizeof(*at));
	for (size_t k = from; k < to; k++)
		for (int d = 0; d < 2; d++) {
			at[2 * (k - from) + (size_t)d] = all.len;
			os_linkbatch_path(b, k, d, &one);
			buf_add(&all, one.ptr, one.len + 1);
		}
	buf_free(&one);
	size_t i = from, inflight = 0;
	bool stop = false;
	while ((i < to && !stop) || inflight) {
		struct io_uring_sqe *sqe;
		while (i < to && !stop && (sqe = io_uring_get_sqe(&ring))) {
			io_uring_prep_linkat(sqe, AT_FDCWD, all.ptr + at[2 * (i - from)], AT_FDCWD,
					     all.ptr + at[2 * (i - from) + 1], 0);
			io_uring_sqe_set_data64(sqe, i++);
			inflight++;
		}
		e = io_uring_submit_and_wait(&ring, 1);
		if (e < 0 && e != -EINTR && e != -EAGAIN && e != -EBUSY) {
			/* the ring itself broke (never seen): the batch fails,
			 * named by a request not known to be made; the ring's
			 * exit below waits for what is in flight */
			b->v[i < to ? i : to - 1].err = -e;
			break;
		}
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		io_uring_for_each_cqe(&ring, head, cqe) {
			size_t k = (size_t)io_uring_cqe_get_data64(cqe);
			if (cqe->res < 0) {
				b->v[k].err = -cqe->res;
				stop |= !copy_instead(-cqe->res);
			}
			seen++;
		}
		io_uring_cq_advance(&ring, seen);
		inflight -= seen;
	}
	io_uring_queue_exit(&ring);
	free(at);
	buf_free(&all);
	return 0;
}

/* link_uring, then the copies it left: false when no ring could be had. */
static bool link_uring_all(struct os_linkbatch *b, size_t from, size_t to)
{
	enum os_link_mode used;
	struct path_maker src = PATH_MAKER(false), dst = PATH_MAKER(true);
	if (link_uring(b, from, to) < 0)
		return false;
	for (size_t i = from; i < to; i++) {
		if (b->v[i].err && !copy_instead(b->v[i].err))
			break;
		if (b->v[i].err) {
			b->v[i].err = 0;
			if (os_link_file(make_path(b, i, &src), make_path(b, i, &dst), b->v[i].mode,
					 OS_LINK_COPY, &used) < 0) {
				b->v[i].err = errno;
				break;
			}
		}
	}
	buf_free(&src.buf);
	buf_free(&dst.buf);
	return true;
}
#endif

int os_linkbatch_run(struct os_linkbatch *b, enum os_link_mode *how, size_t *failed)
{
	enum os_link_mode used;
	struct buf src = BUF_INIT, dst = BUF_INIT;
	if (!b->n)
		return 0;
	/* the first link tells what the file system can do */
	int r = os_link_file(os_linkbatch_path(b, 0, false, &src), os_linkbatch_path(b, 0, true, &dst),
			     b->v[0].mode, *how, &used);
	int e = errno;
	buf_free(&src);
	buf_free(&dst);
	if (r < 0) {
		b->v[0].err = errno = e;
		*failed = 0;
		return -1;
	}
	if (*how == OS_LINK_AUTO && used != OS_LINK_CLONE)
		*how = used == OS_LINK_HARDLINK ? OS_LINK_HARDLINK : OS_LINK_COPY;
	/* a setting forces its way; unset, a small batch is not worth a
	 * thread, nor is a second thread where there is one CPU */
	bool big = b->n > OS_LINKBATCH_MIN;
	int threads = cfg_threads;
	if (!threads) /* the CPUs asked only for a batch that may use them */
		threads = big ? os_linkbatch_default_threads(b->n, (int)os_cpus()) : 1;
	bool done = false;
#ifdef CVENV_HAVE_LIBURING
	bool uring = cfg_uring == 1 || (cfg_uring < 0 && !cfg_threads && DEFAULT_URING && big);
	if (uring && *how == OS_LINK_HARDLINK && b->n > 1)
		done = link_uring_all(b, 1, b->n);
#endif
	if (!done)
		link_threads(b, 1, b->n, *how, threads);
	for (size_t i = 1; i < b->n; i++)
		if (b->v[i].err) {
			*failed = i;
			errno = b->v[i].err;
			return -1;
		}
	return 0;
}
