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
#include "os/sealfs.h"
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
	/* the last two bases: a directory taken up again after one other
	 * (the stage's copies of INSTALLER and REQUESTED, between two cache
	 * entries) keeps its one copy, and its descriptor (side_fd) */
	for (size_t k = b->nbases, seen = 0; k > 0 && seen < 2; k--, seen++) {
		const struct os_linkbase *base = &b->bases[k - 1];
		size_t at = dst ? base->dst : base->src;
		if (!strcmp(b->dirs.ptr + at, dir))
			return at;
	}
	size_t n = strlen(dir) + 1;
	if (b->ahead && b->dirs.len + n + 1 > b->dirs.cap)
		os_linkbatch_settle(b); /* the thread ahead reads the directories */
	size_t at = b->dirs.len;
	buf_add(&b->dirs, dir, n);
	return at;
}

void os_linkbatch_base(struct os_linkbatch *b, const char *src_dir, const char *dst_dir)
{
	struct os_linkbase nb = { base_dir(b, src_dir, false), base_dir(b, dst_dir, true) };
	if (b->nbases && b->bases[b->nbases - 1].src == nb.src &&
	    b->bases[b->nbases - 1].dst == nb.dst)
		return;
	if (b->nbases == b->bases_alloc) {
		os_linkbatch_settle(b); /* the thread ahead reads the bases */
		b->bases_alloc = b->bases_alloc ? 2 * b->bases_alloc : 1;
		b->bases = xrealloc(b->bases, b->bases_alloc * sizeof(*b->bases));
	}
	b->bases[b->nbases++] = nb;
}

void os_linkbatch_reserve_bases(struct os_linkbatch *b, size_t n, size_t bytes)
{
	if (b->nbases + n > b->bases_alloc) {
		os_linkbatch_settle(b);
		b->bases_alloc = b->nbases + n;
		b->bases = xrealloc(b->bases, b->bases_alloc * sizeof(*b->bases));
	}
	if (b->ahead && b->dirs.len + bytes + 1 > b->dirs.cap)
		os_linkbatch_settle(b);
	buf_grow(&b->dirs, bytes);
}

void os_linkbatch_add(struct os_linkbatch *b, const char *src, const char *dst, mode_t mode,
		      size_t tag)
{
	os_linkbatch_add_n(b, src, strlen(src), dst, strlen(dst), mode, tag);
}

void os_linkbatch_add_n(struct os_linkbatch *b, const char *src, size_t sn, const char *dst,
			size_t dn, mode_t mode, size_t tag)
{
	/* the thread ahead reads the requests and their names: stopped
	 * before either moves */
	if (b->ahead && (b->n == b->alloc || b->names.len + sn + dn + 3 > b->names.cap))
		os_linkbatch_settle(b);
	if (b->n == b->alloc) {
		b->alloc = b->alloc ? 2 * b->alloc : 64;
		b->v = xrealloc(b->v, b->alloc * sizeof(*b->v));
	}
	struct os_linkreq *q = &b->v[b->n];
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
	b->n++;
	if (b->ahead && !(b->n % 32))
		os_linkbatch_publish(b);
}

void os_linkbatch_reserve(struct os_linkbatch *b, size_t n, size_t bytes)
{
	if (b->ahead && (b->n + n > b->alloc || b->names.len + bytes + 1 > b->names.cap))
		os_linkbatch_settle(b);
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
	os_linkbatch_settle(b);
	b->done = 0;
	b->bases_alloc = 0;
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

/* A base directory held open on one side of a span's hard links: each
 * link then walks only its names, not the cache entry's and the stage's
 * paths again (a sixth of a link here, issue 18). */
struct dir_side {
	size_t at[2]; /* the directories' offsets in b->dirs (SIZE_MAX: none) */
	int fd[2];    /* -1: could not be opened (whole paths for this base) */
	int last;     /* the slot used last */
};

#define DIR_SIDE_INIT { { SIZE_MAX, SIZE_MAX }, { -1, -1 }, 0 }

/* The descriptor of request i's base directory on one side: the two
 * directories used last are kept open (a cache entry's, and the stage's
 * between two entries); AT_FDCWD for a request without a base. */
static int side_fd(const struct os_linkbatch *b, size_t i, bool dst, struct dir_side *d)
{
	size_t k = b->v[i].base;
	if (!k)
		return AT_FDCWD;
	size_t at = dst ? b->bases[k - 1].dst : b->bases[k - 1].src;
	for (int j = 0; j < 2; j++)
		if (d->at[j] == at)
			return d->fd[d->last = j];
	int j = !d->last; /* the older slot */
	os_dir_handle_close(d->fd[j]);
	d->fd[j] = os_dir_handle(b->dirs.ptr + at);
	d->at[j] = at;
	d->last = j;
	return d->fd[j];
}

/* What one thread keeps from one request to the next. */
struct linker {
	struct path_maker src, dst;
	struct dir_side sd, dd;
};

#define LINKER_INIT { PATH_MAKER(false), PATH_MAKER(true), DIR_SIDE_INIT, DIR_SIDE_INIT }

/* Makes request i by how: a hard link by names beneath the two bases held
 * open, anything else (or what that fails) by whole paths. whole: the
 * whole paths made from the names alone (the thread ahead: the next
 * request, which make_path() reads, may be being written). */
static int link_req(const struct os_linkbatch *b, size_t i, enum os_link_mode how,
		    struct linker *l, bool whole)
{
	enum os_link_mode used;
	const struct os_linkreq *q = &b->v[i];
	if (how == OS_LINK_HARDLINK) {
		int sf = side_fd(b, i, false, &l->sd), df = side_fd(b, i, true, &l->dd);
		if (sf != -1 && df != -1 &&
		    linkat(sf, os_linkbatch_name(b, i, false), df, os_linkbatch_name(b, i, true),
			   0) == 0)
			return 0;
	}
	const char *sp = whole ? os_linkbatch_path(b, i, false, &l->src.buf)
			       : make_path(b, i, &l->src);
	const char *dp = whole ? os_linkbatch_path(b, i, true, &l->dst.buf)
			       : make_path(b, i, &l->dst);
	if (whole)
		l->src.base = l->dst.base = SIZE_MAX; /* make_path's cache is gone */
	return os_link_file(sp, dp, q->mode, how, &used);
}

static void linker_free(struct linker *l)
{
	for (int j = 0; j < 2; j++) {
		os_dir_handle_close(l->sd.fd[j]);
		os_dir_handle_close(l->dd.fd[j]);
	}
	buf_free(&l->src.buf);
	buf_free(&l->dst.buf);
}

static void link_span(struct span *s)
{
	struct linker l = LINKER_INIT;
	for (size_t i = s->from; i < s->to; i++) {
		if (atomic_load_explicit(s->failed, memory_order_relaxed))
			break;
		if (link_req(s->b, i, s->how, &l, false) < 0) {
			s->b->v[i].err = errno ? errno : EIO;
			atomic_store(s->failed, true);
		}
	}
	linker_free(&l);
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
			started[k] = os_thread_start(&th[k], link_span_thread, &sp[k]) == 0;
	link_span(&sp[0]);
	/* a thread that could not start: its share is made here */
	for (int k = 1; k < nthreads; k++) {
		if (started[k])
			pthread_join(th[k], NULL);
		else
			link_span(&sp[k]);
	}
}

/* ---- linking ahead ------------------------------------------------------ */

struct os_linkahead {
	struct os_linkbatch *b;
	enum os_link_mode how;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_size_t avail;  /* requests published: the thread may make those */
	atomic_bool waiting;  /* the thread waits (or is about to) for more */
	atomic_bool stop;
	size_t made;          /* the thread's: the next request to make */
};

static void *ahead_thread(void *arg)
{
	struct os_linkahead *a = arg;
	struct linker l = LINKER_INIT;
	for (;;) {
		size_t avail = atomic_load(&a->avail);
		while (a->made < avail && !atomic_load_explicit(&a->stop, memory_order_relaxed)) {
			if (link_req(a->b, a->made, a->how, &l, true) < 0) {
				a->b->v[a->made].err = errno ? errno : EIO;
				goto out; /* made stays at the failed request */
			}
			a->made++;
		}
		pthread_mutex_lock(&a->mu);
		/* waiting is set before avail is read again, and publish()
		 * stores avail before it reads waiting: one of the two sees the
		 * other, so no request is left unsignalled */
		atomic_store(&a->waiting, true);
		while (atomic_load(&a->avail) == a->made && !atomic_load(&a->stop))
			pthread_cond_wait(&a->cv, &a->mu);
		atomic_store(&a->waiting, false);
		bool stop = atomic_load(&a->stop);
		pthread_mutex_unlock(&a->mu);
		if (stop)
			break;
	}
out:
	linker_free(&l);
	return NULL;
}

/* Makes request i by *how, the first of a run or of the links ahead: what
 * it used tells what the file system can do, and *how is narrowed to it (a
 * file system without reflinks is not asked again per file). -1 with errno. */
static int first_link(struct os_linkbatch *b, size_t i, enum os_link_mode *how)
{
	enum os_link_mode used;
	struct buf src = BUF_INIT, dst = BUF_INIT;
	int r = os_link_file(os_linkbatch_path(b, i, false, &src), os_linkbatch_path(b, i, true, &dst),
			     b->v[i].mode, *how, &used);
	int e = errno;
	buf_free(&src);
	buf_free(&dst);
	if (r < 0) {
		errno = e;
		return -1;
	}
	if (*how == OS_LINK_AUTO && used != OS_LINK_CLONE)
		*how = used == OS_LINK_HARDLINK ? OS_LINK_HARDLINK : OS_LINK_COPY;
	return 0;
}

bool os_linkbatch_ahead(struct os_linkbatch *b, enum os_link_mode *how)
{
	/* a way set by CVENV_LINK_THREADS or CVENV_IO_URING is kept exactly */
	if (b->ahead || b->done >= b->n || cfg_threads || cfg_uring == 1 || os_cpus() < 2)
		return false;
	if (first_link(b, b->done, how) < 0)
		return false; /* made and reported again by os_linkbatch_run() */
	b->done++;
	struct os_linkahead *a = xcalloc(1, sizeof(*a));
	a->b = b;
	a->how = *how;
	a->made = b->done;
	atomic_init(&a->avail, b->n);
	atomic_init(&a->waiting, false);
	atomic_init(&a->stop, false);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	if (os_thread_start(&a->th, ahead_thread, a) != 0) {
		pthread_mutex_destroy(&a->mu);
		pthread_cond_destroy(&a->cv);
		free(a);
		return false;
	}
	b->ahead = a;
	return true;
}

void os_linkbatch_publish(struct os_linkbatch *b)
{
	struct os_linkahead *a = b->ahead;
	if (!a)
		return;
	atomic_store(&a->avail, b->n);
	if (atomic_load(&a->waiting)) {
		pthread_mutex_lock(&a->mu);
		pthread_cond_signal(&a->cv);
		pthread_mutex_unlock(&a->mu);
	}
}

void os_linkbatch_settle(struct os_linkbatch *b)
{
	struct os_linkahead *a = b->ahead;
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	atomic_store(&a->stop, true);
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->th, NULL);
	b->done = a->made;
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a);
	b->ahead = NULL;
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
	os_linkbatch_settle(b);
	size_t from = b->done;
	if (from >= b->n)
		return 0;
	if (b->v[from].err) { /* where the thread ahead stopped */
		errno = b->v[from].err;
		*failed = from;
		return -1;
	}
	if (first_link(b, from, how) < 0) {
		b->v[from].err = errno;
		*failed = from;
		return -1;
	}
	/* a setting forces its way; unset, a small batch is not worth a
	 * thread, nor is a second thread where there is one CPU */
	size_t left = b->n - from;
	bool big = left > OS_LINKBATCH_MIN;
	int threads = cfg_threads;
	if (!threads) /* the CPUs asked only for a batch that may use them */
		threads = big ? os_linkbatch_default_threads(left, (int)os_cpus()) : 1;
	bool done = false;
#ifdef CVENV_HAVE_LIBURING
	bool uring = cfg_uring == 1 || (cfg_uring < 0 && !cfg_threads && DEFAULT_URING && big);
	if (uring && *how == OS_LINK_HARDLINK && left > 1)
		done = link_uring_all(b, from + 1, b->n);
#endif
	if (!done)
		link_threads(b, from + 1, b->n, *how, threads);
	for (size_t i = from + 1; i < b->n; i++)
		if (b->v[i].err) {
			*failed = i;
			errno = b->v[i].err;
			return -1;
		}
	b->done = b->n;
	return 0;
}
