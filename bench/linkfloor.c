/* The floor under a seeded `cvenv create` and a warm `cvenv install` (issue
 * 18): rebuilds a finished env's tree at a new place with only mkdir, link
 * and symlink -- one call per directory, file and symbolic link, files hard
 * linked to the finished env's (as a warm cache links them), no reading, no
 * checks, no transaction. bench/create.sh and bench/install.sh time it
 * beside cvenv in one hyperfine run: what is left between the two is what
 * cvenv spends beyond the links themselves.
 *
 *   linkfloor [-t THREADS | -u] FINISHED_ENV NEW_DIR
 *
 * Without an option the calls are made while the tree is read (one thread).
 * With -t the tree is read first, the directories made in order, then the
 * links split by directory over THREADS threads (-t 1: the same split, one
 * thread); with -u the links go through one io_uring (IORING_OP_LINKAT and
 * SYMLINKAT, batches of 256): the floors of bench/linkpar.sh's experiment. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef HAVE_LIBURING
#include <liburing.h>
#endif

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* A file or symbolic link to make, once the directories exist. */
struct item {
	char *src, *dst, *target; /* target: a symbolic link's, else NULL */
};
static struct item *items;
static size_t nitems, aitems;
static int collect; /* read the tree first, make the files after */

static void make_item(const struct item *it)
{
	if (it->target ? symlink(it->target, it->dst) < 0 : link(it->src, it->dst) < 0)
		die(it->dst);
}

/* src and dst are buffers of cap bytes holding paths of length sn and dn. */
static void copy_tree(char *src, size_t sn, char *dst, size_t dn, size_t cap)
{
	DIR *d = opendir(src);
	struct dirent *e;
	if (!d)
		die(src);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (sn + n + 2 > cap || dn + n + 2 > cap) {
			fprintf(stderr, "linkfloor: path too long\n");
			exit(1);
		}
		src[sn] = dst[dn] = '/';
		memcpy(src + sn + 1, e->d_name, n + 1);
		memcpy(dst + dn + 1, e->d_name, n + 1);
		unsigned char t = e->d_type;
		if (t == DT_UNKNOWN) {
			struct stat st;
			if (lstat(src, &st) < 0)
				die(src);
			t = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
		}
		struct item it = { NULL, NULL, NULL };
		if (t == DT_DIR) {
			if (mkdir(dst, 0755) < 0)
				die(dst);
			copy_tree(src, sn + 1 + n, dst, dn + 1 + n, cap);
			goto next;
		} else if (t == DT_LNK) {
			char target[4096];
			ssize_t k = readlink(src, target, sizeof(target) - 1);
			if (k < 0)
				die(src);
			target[k] = '\0';
			it.target = strdup(target);
		}
		it.src = strdup(src);
		it.dst = strdup(dst);
		if (!collect) {
			make_item(&it);
			free(it.src);
			free(it.dst);
			free(it.target);
			goto next;
		}
		if (nitems == aitems && !(items = realloc(items, (aitems = 2 * aitems + 64) *
								  sizeof(*items))))
			die("realloc");
		items[nitems++] = it;
next:
		src[sn] = dst[dn] = '\0';
	}
	closedir(d);
}

struct range {
	size_t from, to;
};

static void *run_range(void *arg)
{
	struct range *r = arg;
	for (size_t i = r->from; i < r->to; i++)
		make_item(&items[i]);
	return NULL;
}

/* The index nearest half of the files at which a new directory starts. */
static size_t split_point(size_t from, size_t to)
{
	size_t mid = from + (to - from) / 2;
	for (size_t k = 0; k < to - from; k++) {
		size_t i = mid + k;
		if (i > from && i < to) {
			const char *a = strrchr(items[i - 1].dst, '/'), *b = strrchr(items[i].dst, '/');
			if (a - items[i - 1].dst != b - items[i].dst ||
			    strncmp(items[i - 1].dst, items[i].dst, (size_t)(a - items[i - 1].dst)))
				return i;
		}
	}
	return mid;
}

static void run_threads(int n)
{
	pthread_t th[16];
	struct range rg[16];
	size_t from = 0;
	for (int k = 0; k < n; k++) {
		/* an even share of what is left, moved to a directory's start */
		size_t to = k == n - 1 ? nitems : split_point(from, from + 2 * ((nitems - from) / (size_t)(n - k)));
		rg[k] = (struct range){ from, to };
		from = to;
	}
	for (int k = 1; k < n; k++)
		if (pthread_create(&th[k], NULL, run_range, &rg[k]))
			die("pthread_create");
	run_range(&rg[0]);
	for (int k = 1; k < n; k++)
		pthread_join(th[k], NULL);
}

#ifdef HAVE_LIBURING
static void run_uring(void)
{
	struct io_uring ring;
	int e = io_uring_queue_init(256, &ring, 0);
	if (e < 0) {
		errno = -e;
		die("io_uring_queue_init");
	}
	size_t i = 0, inflight = 0;
	while (i < nitems || inflight) {
		struct io_uring_sqe *sqe;
		while (i < nitems && (sqe = io_uring_get_sqe(&ring))) {
			if (items[i].target)
				io_uring_prep_symlinkat(sqe, items[i].target, AT_FDCWD, items[i].dst);
			else
				io_uring_prep_linkat(sqe, AT_FDCWD, items[i].src, AT_FDCWD, items[i].dst, 0);
			sqe->user_data = i++;
			inflight++;
		}
		if ((e = io_uring_submit_and_wait(&ring, 1)) < 0) {
			errno = -e;
			die("io_uring_submit_and_wait");
		}
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		io_uring_for_each_cqe(&ring, head, cqe) {
			if (cqe->res < 0) {
				errno = -cqe->res;
				die(items[cqe->user_data].dst);
			}
			seen++;
		}
		io_uring_cq_advance(&ring, seen);
		inflight -= seen;
	}
	io_uring_queue_exit(&ring);
}
#endif

int main(int argc, char **argv)
{
	int threads = 0, uring = 0;
	while (argc > 3) {
		if (!strcmp(argv[1], "-t") && argc > 4) {
			threads = atoi(argv[2]);
			argv += 2;
			argc -= 2;
		} else if (!strcmp(argv[1], "-u")) {
			uring = 1;
			argv++;
			argc--;
		} else {
			break;
		}
	}
	if (argc != 3 || threads < 0 || threads > 16) {
		fprintf(stderr, "usage: linkfloor [-t THREADS | -u] FINISHED_ENV NEW_DIR\n");
		return 2;
	}
	collect = threads || uring;
	size_t cap = 1 << 16;
	char *src = malloc(cap), *dst = malloc(cap);
	if (!src || !dst || strlen(argv[1]) >= cap / 2 || strlen(argv[2]) >= cap / 2)
		return 1;
	strcpy(src, argv[1]);
	strcpy(dst, argv[2]);
	if (mkdir(dst, 0755) < 0)
		die(dst);
	copy_tree(src, strlen(src), dst, strlen(dst), cap);
	if (threads)
		run_threads(threads);
	else if (uring) {
#ifdef HAVE_LIBURING
		run_uring();
#else
		fprintf(stderr, "linkfloor: built without liburing (cc -DHAVE_LIBURING ... -luring)\n");
		return 2;
#endif
	}
	return 0;
}
