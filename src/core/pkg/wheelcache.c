/* The cache of unpacked wheels and its index (see wheelcache.h). */
#include "util/common.h"

#include <stdatomic.h>
#include <zip.h>

#include "core/pkg/cachemanifest.h"
#include "core/std/metadata.h"
#include "core/pkg/record.h"
#include "core/pkg/stage.h"
#include "core/pkg/wheel.h"
#include "core/pkg/wheelcache.h"
#include "os/fs.h"
#include "os/interrupt.h"
#include "os/link.h"
#include "os/sealfs.h"
#include "os/sidework.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

#define WHEELS "wheels-v2"
#define MAX_SEAL ((size_t)64 << 20)

/* The cache key: the wheel file's sha256 (hex, streamed), so that a changed
 * file never meets a stale entry. */
static int cache_key(const char *path, struct buf *key)
{
	return record_file_digest(path, "sha256", key);
}

/* ---- the index: a wheel file's identity -> its cache key ---------------
 *
 * Hashing a wheel on every install costs a read of the whole file; the index makes a warm install skip
 * that. One small file per wheel path, <cache>/wheel-index-v1/<fnv1a of the
 * absolute path>, holds the path, the file's identity (device, inode, size,
 * mtime, ctime) when it was hashed, and the key. It is used only when the
 * path and the whole identity match what the file has now (a wheel replaced
 * or rewritten in place changes its ctime at least), and the entry it names
 * exists and holds the wheel's .dist-info; anything else, including a file
 * that does not parse, is ignored and rewritten after hashing. The identity
 * is taken before hashing, so a change during the hash only makes the next
 * lookup miss. */
#define INDEX_MAGIC "cvenv-wheel-index 1"

/* Room for the identity's seven numbers, each with its sign and separator. */
#define IDENT_MAX (7 * 22)

/* A decimal number (negative when neg) and sep at t: the bytes written
 * (a printf per number showed in a warm install's profile). */
static size_t put_num(char *t, unsigned long long u, bool neg, char sep)
{
	size_t k = 0;
	if (neg)
		t[k++] = '-';
	k += dec_u64(t + k, u);
	t[k++] = sep;
	return k;
}

static size_t put_snum(char *t, long long v, char sep)
{
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	return put_num(t, u, v < 0, sep);
}

/* The identity's line ("dev ino size mtime mtime_ns ctime ctime_ns\n") in
 * t: its length. On the stack: the index is compared per wheel of every
 * warm install (issue 18). */
static size_t ident_text(char t[IDENT_MAX], const struct os_file_id *id)
{
	size_t n = put_num(t, (unsigned long long)id->dev, false, ' ');
	n += put_num(t + n, (unsigned long long)id->ino, false, ' ');
	n += put_num(t + n, (unsigned long long)id->size, false, ' ');
	n += put_snum(t + n, (long long)id->mtime_sec, ' ');
	n += put_snum(t + n, (long long)id->mtime_nsec, ' ');
	n += put_snum(t + n, (long long)id->ctime_sec, ' ');
	return n + put_snum(t + n, (long long)id->ctime_nsec, '\n');
}

static void index_format(struct buf *b, const char *abs, const struct os_file_id *id,
			 const char *key)
{
	char ident[IDENT_MAX];
	buf_addstr(b, INDEX_MAGIC "\n");
	buf_addstr(b, abs);
	buf_addch(b, '\n');
	buf_add(b, ident, ident_text(ident, id));
	buf_addstr(b, key);
	buf_addch(b, '\n');
}

/* The index file of abs into b (its text replaced). */
static void index_path_buf(const struct install_env *e, const char *abs, struct buf *b)
{
	uint64_t h = fnv1a_str(abs);
	/* built by hand: a printf per wheel showed in a warm install (issue 18) */
	static const char hex[] = "0123456789abcdef";
	char name[16];
	for (int i = 15; i >= 0; i--, h >>= 4)
		name[i] = hex[h & 15];
	buf_reset(b);
	buf_grow(b, strlen(e->cache_dir) + 40); /* one allocation */
	buf_addstr(b, e->cache_dir);
	buf_addstr(b, "/wheel-index-v1/");
	buf_add(b, name, sizeof(name));
}

static char *index_path(const struct install_env *e, const char *abs)
{
	struct buf b = BUF_INIT;
	index_path_buf(e, abs, &b);
	return buf_detach(&b);
}

/* The key the index holds for this wheel file, when it is still valid:
 * the text must be exactly what index_format() makes of abs and id, then
 * a key (compared in place, nothing formatted on the heap). ip and text
 * are the caller's buffers (their texts replaced): a warm install reuses
 * ip for the seal's path (issue 18). */
static bool index_lookup_in(const struct install_env *e, const char *abs,
			    const struct os_file_id *id, char key[65], struct buf *ip,
			    struct buf *text)
{
	static const char magic[] = INDEX_MAGIC "\n";
	char ident[IDENT_MAX];
	bool ok = false;
	index_path_buf(e, abs, ip);
	buf_reset(text);
	if (os_read_small(ip->ptr, 1 << 16, text) == 0) {
		size_t mn = sizeof(magic) - 1, an = strlen(abs), in = ident_text(ident, id);
		size_t n = mn + an + 1 + in; /* where the key starts */
		const char *t = text->ptr;
		if (text->len == n + 65 && !memcmp(t, magic, mn) && !memcmp(t + mn, abs, an) &&
		    t[mn + an] == '\n' && !memcmp(t + mn + an + 1, ident, in) &&
		    t[text->len - 1] == '\n' && manifest_is_key(t + n, 64)) {
			memcpy(key, t + n, 64);
			key[64] = '\0';
			ok = true;
		}
	}
	return ok;
}

static bool index_lookup(const struct install_env *e, const char *abs,
			 const struct os_file_id *id, char key[65])
{
	struct buf ip = BUF_INIT, text = BUF_INIT;
	bool ok = index_lookup_in(e, abs, id, key, &ip, &text);
	buf_free(&ip);
	buf_free(&text);
	return ok;
}

/* Best effort: a cache that cannot take the index only stays slower. */
static void index_store(const struct install_env *e, const char *abs,
			const struct os_file_id *id, const char *key)
{
	char *ip = index_path(e, abs);
	char *dir = os_dirname(ip);
	struct buf text = BUF_INIT;
	index_format(&text, abs, id, key);
	if (os_mkdir_p(dir, 0755) == 0)
		(void)os_write_atomic(ip, text.ptr, text.len, 0644, false);
	buf_free(&text);
	free(dir);
	free(ip);
}

/* ---- temp directories and their owners -------------------------------
 *
 * An entry is filled in <wheels>/.tmp-XXXXXX, whose file "owner" holds the
 * filling process's pid and an exclusive flock for as long as the fill runs.
 * The kernel drops the flock when that process dies, however it dies, and a
 * reused pid cannot take it over: a temp directory whose owner lock can be
 * taken belongs to a dead process. A new temp directory is made while holding
 * <wheels>/.sweep shared, and the sweep holds it exclusively, so that the
 * sweep never sees a live temp directory before its owner has locked it. */

static bool is_temp(const char *name)
{
	return !strncmp(name, ".tmp-", 5);
}

/* Best effort: removes the temp directories of dead fills, once per run
 * (it lists the whole of wheels-v2: once per fill made a cold install of
 * N wheels into a cache of M entries read N * M names). */
static void sweep_temps(const char *wheels)
{
	static atomic_bool swept; /* fill_ahead's threads may race here */
	if (atomic_exchange(&swept, true))
		return;
	char *lock = path_join(wheels, ".sweep");
	struct strvec names = STRVEC_INIT;
	int sweep = os_lock_try(lock);
	if (sweep < 0 || os_list_dir(wheels, &names) < 0)
		goto out;
	for (size_t i = 0; i < names.n; i++) {
		if (!is_temp(names.v[i]))
			continue;
		char *dir = path_join(wheels, names.v[i]);
		char *owner = path_join(dir, "owner");
		int fd = os_is_symlink(dir) ? -1 : os_lock_try(owner);
		if (fd >= 0 || errno != EWOULDBLOCK)
			(void)os_rm_rf(dir);
		os_unlock(fd);
		free(owner);
		free(dir);
	}
out:
	os_unlock(sweep);
	strvec_clear(&names);
	free(lock);
}

/* A new temp directory in wheels, its owner lock held in *owner_fd. */
static char *temp_new(const char *wheels, int *owner_fd)
{
	char *lock = path_join(wheels, ".sweep");
	char *tmp = NULL, *owner = NULL;
	int shared = os_lock_shared(lock);
	*owner_fd = -1;
	if (shared < 0 || !(tmp = os_mkdtemp_in(wheels, ".tmp-")))
		goto out;
	owner = path_join(tmp, "owner");
	if ((*owner_fd = os_lock_owner(owner)) < 0) {
		int e = errno;
		(void)os_rm_rf(tmp);
		free(tmp);
		tmp = NULL;
		errno = e;
	}
out:
	os_unlock(shared);
	free(owner);
	free(lock);
	return tmp;
}

/* ---- checking an entry ------------------------------------------------ */

static int hash_chunk(void *ctx, const void *data, size_t len)
{
	record_hash_update(ctx, data, len);
	return 0;
}

/* The file at path hashes to want (a RECORD hash); a link or a special file
 * never does. */
static bool hash_matches(const char *path, const char *want)
{
	const char *eq = strchr(want, '=');
	char *algo = eq ? xstrndup(want, (size_t)(eq - want)) : xstrdup(want);
	struct record_hash *h = record_hash_new(algo);
	struct buf got = BUF_INIT;
	bool ok = false;
	if (h) {
		int r = os_read_regular(path, hash_chunk, h);
		record_hash_finish(h, &got);
		ok = r == 0 && !strcmp(got.ptr, want);
	}
	buf_free(&got);
	free(algo);
	return ok;
}

/* The number of regular files under dir; -1 when anything else is there. */
static long count_files(struct buf *path)
{
	struct strvec names = STRVEC_INIT;
	size_t base = path->len;
	long n = os_list_dir(path->ptr, &names) < 0 ? -1 : 0;
	for (size_t i = 0; i < names.n && n >= 0; i++) {
		struct os_lstat st;
		buf_setlen(path, base);
		buf_addch(path, '/');
		buf_addstr(path, names.v[i]);
		long sub = -1;
		if (os_lstat(path->ptr, &st) < 0)
			sub = -1;
		else if (st.kind == OS_KIND_FILE)
			sub = 1;
		else if (st.kind == OS_KIND_DIR)
			sub = count_files(path);
		n = sub < 0 ? -1 : n + sub;
	}
	buf_setlen(path, base);
	strvec_clear(&names);
	return n;
}

struct check {
	struct wheel *w;
	const char *key;
	struct manifest seal; /* key empty: the entry is not sealed */
	bool full;            /* re-hash every file */
	struct buf path;      /* <entry>/files/, then each member appended */
	size_t base;
	long files;
};

/* The file's lstat is what the seal's row recorded when it was written. */
static bool row_matches(const struct manifest_row *sr, const struct os_lstat *st)
{
	return st->kind == OS_KIND_FILE && !(st->mode & 0222) && sr->size == st->size &&
	       sr->mode == st->mode && sr->ino == st->ino && sr->mtime_sec == st->mtime_sec &&
	       sr->mtime_nsec == st->mtime_nsec;
}

/* One member: what the wheel's RECORD says, the seal says and the file is
 * agree (the file re-hashed when c->full). */
static bool member_sound(struct check *c, const char *m)
{
	const struct record_row *row = record_find(&c->w->record, m);
	const struct manifest_row *sr = c->seal.key[0] ? manifest_find(&c->seal, m) : NULL;
	struct os_lstat st;
	if (!row || !row->hash[0])
		return false;
	buf_setlen(&c->path, c->base);
	buf_addstr(&c->path, m);
	c->files++;
	if (os_lstat(c->path.ptr, &st) < 0 || st.kind != OS_KIND_FILE || (st.mode & 0222))
		return false;
	if (row->size[0] && strtoull(row->size, NULL, 10) != st.size)
		return false;
	if (c->seal.key[0] && (!sr || strcmp(sr->hash, row->hash) || !row_matches(sr, &st)))
		return false;
	return !c->full || hash_matches(c->path.ptr, row->hash);
}

/* Whether the entry holds exactly this wheel's files as its seal says. */
static bool entry_sound(struct check *c, const char *entry, const char *rec_member)
{
	char *seal_path = path_join(entry, "sealed");
	struct buf text = BUF_INIT;
	bool ok = true;
	if (os_read_file(seal_path, MAX_SEAL, &text) < 0 ||
	    manifest_parse_buf(&text, &c->seal) < 0 || strcmp(c->seal.key, c->key)) {
		manifest_free(&c->seal);
		c->full = true;
	}
	buf_addf(&c->path, "%s/files/", entry);
	c->base = c->path.len;
	for (size_t i = 0; i < c->w->members.n && ok; i++)
		if (strcmp(c->w->members.v[i], rec_member))
			ok = member_sound(c, c->w->members.v[i]);
	if (ok && c->full) {
		buf_setlen(&c->path, c->base - 1);
		ok = count_files(&c->path) == c->files;
	}
	buf_free(&text);
	free(seal_path);
	return ok;
}

/* ---- filling an entry ----------------------------------------------- */

/* A seal row for the file just written at path. */
static int seal_row(struct manifest *seal, const char *path, const char *m, const char *hash)
{
	struct os_lstat st;
	if (os_lstat(path, &st) < 0 || st.kind != OS_KIND_FILE)
		return error("cannot seal '%s' in the cache: %s", path,
			     st.kind != OS_KIND_FILE ? "not a file" : strerror(errno));
	struct manifest_row row = { (char *)m, (char *)hash, st.mode, st.size, st.ino,
				    st.mtime_sec, st.mtime_nsec };
	manifest_add(seal, &row);
	return 0;
}

/* The seal's wheel block: what an install needs of w. */
static struct manifest_info *info_of(const struct wheel *w)
{
	struct manifest_info *in = manifest_info_new();
	in->dist_info = xstrdup(w->dist_info);
	in->name = xstrdup(w->meta_name);
	in->version = xstrdup(w->meta_version);
	in->requires_python = w->requires_python ? xstrdup(w->requires_python) : NULL;
	for (size_t i = 0; i < w->requires_dist.n; i++)
		strvec_push(&in->requires_dist, w->requires_dist.v[i]);
	in->wheel_version[0] = w->wheel_version[0];
	in->wheel_version[1] = w->wheel_version[1];
	in->root_is_purelib = w->root_is_purelib;
	in->eps.v = xcalloc(w->eps.n + 1, sizeof(*in->eps.v));
	for (size_t i = 0; i < w->eps.n; i++) {
		const struct entry_point *ep = &w->eps.v[i];
		in->eps.v[i] = (struct entry_point){ xstrdup(ep->name), xstrdup(ep->module),
						     xstrdup(ep->attr), ep->gui };
	}
	in->eps.n = w->eps.n;
	return in;
}

/* The seal's text; with the wheel block when the wheel has no signature
 * files (those are read from the zip) and the block reads back (a value
 * the format cannot hold, an empty Requires-Dist say, leaves it out: the
 * entry then serves installs that open the wheel). */
static void seal_text(struct manifest *seal, const struct wheel *w, struct buf *text)
{
	struct manifest back = MANIFEST_INIT;
	if (!w->signatures.n)
		seal->info = info_of(w);
	manifest_format(seal, text);
	if (seal->info && manifest_parse(text->ptr, text->len, &back) < 0) {
		manifest_info_free(seal->info);
		seal->info = NULL;
		buf_reset(text);
		manifest_format(seal, text);
	}
	manifest_free(&back);
}

/* Every member (RECORD aside) into tmp/files, read-only, then the seal. */
static int fill_temp(struct wheel *w, const char *tmp, const char *key, const char *rec_member)
{
	struct manifest seal = MANIFEST_INIT;
	struct strvec made = STRVEC_INIT;
	struct buf path = BUF_INIT, text = BUF_INIT;
	int r = 0;
	buf_addf(&path, "%s/files/", tmp);
	size_t base = path.len;
	for (size_t i = 0; i < w->members.n && !r; i++) {
		const char *m = w->members.v[i];
		if (!strcmp(m, rec_member))
			continue;
		if (!manifest_path_ok(m)) {
			r = error("wheel '%s' has a member '%s' the cache cannot hold", w->path, m);
			break;
		}
		zip_int64_t idx = zip_name_locate(w->zip, m, ZIP_FL_ENC_GUESS);
		size_t total;
		buf_setlen(&path, base);
		buf_addstr(&path, m);
		r = stage_extract_verified(w, m, path.ptr, stage_member_mode(w, idx) & 0555, NULL,
					   &total, &made);
		if (!r)
			r = seal_row(&seal, path.ptr, m, record_find(&w->record, m)->hash);
	}
	if (!r) {
		memcpy(seal.key, key, 65);
		manifest_sort(&seal);
		seal_text(&seal, w, &text);
		buf_setlen(&path, 0);
		buf_addf(&path, "%s/sealed", tmp);
		if (os_write_new(path.ptr, text.ptr, text.len, 0444) < 0)
			r = error_errno("cannot write '%s'", path.ptr);
	}
	manifest_free(&seal);
	strvec_clear(&made);
	buf_free(&path);
	buf_free(&text);
	return r;
}

/* Unpacks the wheel into a new entry, renamed into place in one step. */
static int fill_entry(struct wheel *w, const char *wheels, const char *entry, const char *key,
		      const char *rec_member)
{
	int owner = -1, r = 0;
	char *tmp = NULL;
	sweep_temps(wheels);
	if (!(tmp = temp_new(wheels, &owner))) {
		r = error_errno("cannot create a cache entry in '%s'", wheels);
		goto out;
	}
	r = fill_temp(w, tmp, key, rec_member);
	if (!r && os_rename(tmp, entry) < 0 && !os_is_dir(entry))
		r = error_errno("cannot add '%s' to the cache", entry);
	(void)os_rm_rf(tmp); /* lost a race, or failed: ours goes */
out:
	os_unlock(owner);
	free(tmp);
	return r;
}

/* Moves a bad entry into a temp directory of ours and removes it there; the
 * next fill makes a new one. */
static int discard_entry(const char *wheels, const char *entry)
{
	int owner = -1, r = 0;
	char *dead = temp_new(wheels, &owner);
	char *to = dead ? path_join(dead, "entry") : NULL;
	if (!dead || (os_rename(entry, to) < 0 && errno != ENOENT))
		r = error_errno("cannot remove the damaged cache entry '%s'", entry);
	if (dead)
		(void)os_rm_rf(dead);
	os_unlock(owner);
	free(to);
	free(dead);
	return r;
}

/* Best effort: a sound entry whose seal has no wheel block (format 1, from
 * cvenv before issue 18) gets one, so that its next use opens no zip. The
 * new seal replaces the old in one rename; its rows are the ones just
 * checked. */
static void upgrade_seal(struct manifest *seal, const struct wheel *w, const char *entry)
{
	struct buf text = BUF_INIT;
	char *sp = path_join(entry, "sealed");
	seal_text(seal, w, &text);
	if (seal->info)
		(void)os_write_atomic(sp, text.ptr, text.len, 0444, false);
	buf_free(&text);
	free(sp);
}

/* The entry for key when it is sound (checked as e asks), else NULL; a
 * damaged one is discarded (warned about). */
static char *entry_checked(struct install_env *e, struct wheel *w, const char *wheels,
			   const char *key, const char *rec_member, int *r)
{
	char *entry = path_join(wheels, key);
	struct check c = { w, key, MANIFEST_INIT, e->verify_cache, BUF_INIT, 0, 0 };
	if (!os_exists(entry)) {
		free(entry);
		entry = NULL;
	} else if (!entry_sound(&c, entry, rec_member)) {
		warning("the cache entry of '%s' is damaged: removed, unpacking the wheel again",
			w->path);
		*r = discard_entry(wheels, entry);
		free(entry);
		entry = NULL;
	} else if (c.seal.key[0] && !c.seal.info && !w->signatures.n) {
		upgrade_seal(&c.seal, w, entry);
	}
	manifest_free(&c.seal);
	buf_free(&c.path);
	return entry;
}

void wheelcache_key_of(const char *files, struct buf *key)
{
	const char *end = strrchr(files, '/');
	const char *start = end;
	while (start && start > files && start[-1] != '/')
		start--;
	if (start)
		buf_add(key, start, (size_t)(end - start));
}

/* ---- a cache hit without the zip (issue 18) ---------------------------- */

/* Whether the files of rows from..to of a seal are as the rows say: one
 * lstat each. path holds the entry's files directory with a '/' after it
 * (base bytes): the rows' paths are copied after it with their NULs (no
 * setlen and append per file), or, for 8 rows or more, looked up beneath
 * that directory held open (each lstat then walks only the row's path). */
static bool rows_sound(struct buf *path, size_t base, const struct manifest *seal, size_t from,
		       size_t to)
{
	struct os_lstat st;
	bool ok = true;
	int dir = -1;
	if (to - from >= 8) {
		path->ptr[base - 1] = '\0';
		dir = os_dir_handle(path->ptr);
		path->ptr[base - 1] = '/';
	}
	for (size_t i = from; i < to && ok; i++) {
		const char *p = seal->rows[i].path;
		if (dir >= 0) {
			ok = os_lstat_at(dir, p, &st) == 0;
		} else {
			size_t pn = strlen(p);
			path->len = base;
			buf_grow(path, pn);
			memcpy(path->ptr + base, p, pn + 1);
			path->len = base + pn;
			ok = os_lstat(path->ptr, &st) == 0;
		}
		ok = ok && row_matches(&seal->rows[i], &st);
	}
	os_dir_handle_close(dir);
	buf_setlen(path, base);
	return ok;
}

/* path: <cache_dir>/<WHEELS>/<key>/files/ for seal; *entry_len is the
 * length of the entry's own path in it. The paths of the wheels directory,
 * the entry and its files/ are not joined each in an allocation of its own
 * (issue 18). Returns the length of path. */
static size_t files_path(const char *cache_dir, const struct manifest *seal, struct buf *path,
			 size_t *entry_len)
{
	buf_grow(path, 512); /* one allocation, not one per doubling */
	buf_set_path(path, cache_dir, WHEELS);
	buf_addch(path, '/');
	buf_addstr(path, seal->key);
	*entry_len = path->len;
	buf_add(path, "/files/", 7);
	return path->len;
}

/* Whether every file of w's sealed entry, in cache_dir, is as its row says
 * (the verdict of wheelcache_check_ahead() when it looked), path left
 * holding the entry's files/ directory with a '/' after it. */
static bool seal_sound(const char *cache_dir, const struct wheel *w, struct buf *path,
		       size_t *entry_len)
{
	size_t base = files_path(cache_dir, w->seal, path, entry_len);
	return w->seal_checked ? w->seal_sound : rows_sound(path, base, w->seal, 0, w->seal->n);
}

/* ---- checking while the install plans ---------------------------------- */

/* While fewer rows than this are queued no thread is started (its start
 * and join cost about as much as 50 lstat calls here): the entries are
 * checked where they are used. */
#define CHECK_AHEAD_MIN 64

/* A seal's rows are checked in chunks of this many: the thread and, once
 * the plan is done, the main thread take chunks in turn (a seeded create's
 * one large seal is checked on both). */
#define CHECK_CHUNK 32

struct check_chunk {
	struct seal_ticket *t;
	size_t from, to, slot;
};

/* The queued check of one wheel's seal: owned by the wheel (w->check),
 * its chunks queued in e->checker. */
struct seal_ticket {
	struct wheel_check base; /* first: the wheel's pointer is to it */
	struct os_sidequeue *q;  /* NULL once the queue is freed */
	const char *cache_dir;   /* e's: the queue stops before it goes */
	struct manifest view;    /* the seal's key and rows (the wheel's, borrowed) */
	atomic_bool bad;
	atomic_size_t left; /* chunks not yet run */
	size_t nchunks;
	struct check_chunk chunks[];
};

/* The queue's context: a path buffer per runner (os/sidework.h). */
struct check_ctx {
	struct buf path[2];
};

static void check_chunk(void *ctx, void *item, unsigned runner)
{
	struct check_chunk *c = item;
	struct seal_ticket *t = c->t;
	if (!atomic_load(&t->bad)) {
		struct buf *path = &((struct check_ctx *)ctx)->path[runner];
		size_t en, base = files_path(t->cache_dir, &t->view, path, &en);
		if (!rows_sound(path, base, &t->view, c->from, c->to))
			atomic_store(&t->bad, true);
	}
	atomic_fetch_sub(&t->left, 1);
}

static void ticket_drop(struct wheel_check *wc)
{
	struct seal_ticket *t = (struct seal_ticket *)wc;
	for (size_t i = 0; t->q && i < t->nchunks; i++)
		(void)os_sidequeue_forget(t->q, t->chunks[i].slot);
	free(t);
}

static void chunk_detach(void *item)
{
	((struct check_chunk *)item)->t->q = NULL;
}

/* Queues the check of w's sealed entry, just opened by
 * wheelcache_open_named() (so with a cache and without --verify-cache),
 * started on the thread once the seals opened have enough rows to pay for
 * it. */
static void queue_check(struct install_env *e, struct wheel *w)
{
	const struct manifest *seal = w->seal;
	if (!seal->n || os_cpus() < 2)
		return;
	size_t nc = (seal->n + CHECK_CHUNK - 1) / CHECK_CHUNK;
	struct seal_ticket *t = xcalloc(1, sizeof(*t) + nc * sizeof(t->chunks[0]));
	t->base.drop = ticket_drop;
	if (!e->checker)
		e->checker = os_sidequeue_new(check_chunk, xcalloc(1, sizeof(struct check_ctx)));
	t->q = e->checker;
	t->cache_dir = e->cache_dir;
	memcpy(t->view.key, seal->key, sizeof(t->view.key));
	t->view.rows = seal->rows;
	t->view.n = seal->n;
	atomic_init(&t->bad, false);
	atomic_init(&t->left, nc);
	t->nchunks = nc;
	e->checker_rows += seal->n;
	bool start = e->checker_rows >= CHECK_AHEAD_MIN;
	for (size_t k = 0; k < nc; k++) {
		struct check_chunk *c = &t->chunks[k];
		c->t = t;
		c->from = k * CHECK_CHUNK;
		c->to = c->from + CHECK_CHUNK < seal->n ? c->from + CHECK_CHUNK : seal->n;
		c->slot = os_sidequeue_push(e->checker, c, start);
	}
	w->check = &t->base;
}

void wheelcache_check_stop(struct install_env *e)
{
	struct check_ctx *ctx = os_sidequeue_free(e->checker, chunk_detach);
	if (ctx) {
		buf_free(&ctx->path[0]);
		buf_free(&ctx->path[1]);
		free(ctx);
	}
	e->checker = NULL;
	e->checker_rows = 0;
}

void wheelcache_check_ahead(struct install_env *e, struct wheel *const *ws, const bool *want,
			    size_t n)
{
	/* the checks queued while planning: finished here, on both threads */
	if (!e->checker || !os_sidequeue_started(e->checker))
		return;
	os_sidequeue_finish(e->checker);
	for (size_t i = 0; i < n; i++) {
		struct seal_ticket *t = (struct seal_ticket *)ws[i]->check;
		if (want[i] && t && ws[i]->seal && !ws[i]->seal_checked && !atomic_load(&t->left)) {
			ws[i]->seal_checked = true;
			ws[i]->seal_sound = !atomic_load(&t->bad);
		}
	}
}

static bool same_project(const char *a, size_t an, const char *b)
{
	size_t bn = strlen(b);
	/* the same bytes are the same project: no canonical compare (a byte
	 * at a time, twice per wheel of a warm install, issue 18) */
	return (an == bn && !memcmp(a, b, an)) || name_same_n(a, an, b, bn);
}

/* Moves the seal's wheel block into w, with the checks wheel_open() makes
 * on the same facts: one project named by the file name, the .dist-info
 * and METADATA, a Wheel-Version up to 1.x. False: open the wheel. */
static bool take_info(struct wheel *w, struct manifest_info *in)
{
	size_t dn = strlen(in->dist_info);
	const char *dash = strchr(in->dist_info, '-');
	if (!dash || dn <= 10 || strcmp(in->dist_info + dn - 10, ".dist-info") ||
	    strchr(in->dist_info, '/') || !wheel_member_name_safe(in->dist_info) ||
	    !same_project(in->dist_info, (size_t)(dash - in->dist_info), w->wn.name) ||
	    !same_project(in->name, strlen(in->name), w->wn.name) || in->wheel_version[0] > 1)
		return false;
	if (in->wheel_version[0] == 1 && in->wheel_version[1] > 0)
		warning("wheel '%s' has Wheel-Version %d.%d, newer than 1.0", w->path,
			in->wheel_version[0], in->wheel_version[1]);
	w->dist_info = in->dist_info;
	char *dd = xmalloc(dn - 10 + sizeof(".data"));
	memcpy(dd, in->dist_info, dn - 10);
	memcpy(dd + dn - 10, ".data", sizeof(".data"));
	w->data_dir = dd;
	w->meta_name = in->name;
	w->meta_version = in->version;
	w->requires_python = in->requires_python;
	strvec_clear(&w->requires_dist);
	w->requires_dist = in->requires_dist;
	w->seal_strings = true; /* a parsed seal's block holds them all */
	w->wheel_version[0] = in->wheel_version[0];
	w->wheel_version[1] = in->wheel_version[1];
	w->root_is_purelib = in->root_is_purelib;
	w->eps = in->eps;
	memset(in, 0, sizeof(*in));
	strvec_init(&in->requires_dist);
	return true;
}

int wheelcache_open(struct install_env *e, const char *path, struct wheel *w)
{
	return wheelcache_open_named(e, path, NULL, NULL, w);
}

int wheelcache_open_named(struct install_env *e, const char *path, const char *given_abs,
			  struct wheel_name *wn, struct wheel *w)
{
	struct os_file_id id;
	/* the index's path, then the seal's, in one buffer (its text: the
	 * seal's read gets a new one, of its size, which the seal keeps) */
	struct buf itext = BUF_INIT, text = BUF_INIT, sp = BUF_INIT, quiet = BUF_INIT;
	struct manifest sealed = MANIFEST_INIT, *seal = NULL;
	char *own_abs = NULL, key[65];
	const char *abs = given_abs;
	int r = 0;
	if (!e->cache_dir || e->verify_cache || (!abs && !(abs = own_abs = os_abspath(path))) ||
	    os_file_id(abs, &id) < 0 || !index_lookup_in(e, abs, &id, key, &sp, &itext))
		goto out;
	buf_reset(&sp);
	buf_addstr(&sp, e->cache_dir);
	buf_addstr(&sp, "/" WHEELS "/");
	buf_add(&sp, key, 64);
	buf_addstr(&sp, "/sealed");
	seal = &sealed;
	if (os_read_small(sp.ptr, MAX_SEAL, &text) < 0 || manifest_parse_buf(&text, seal) < 0 ||
	    strcmp(seal->key, key) || !seal->info)
		goto out;
	wheel_init(w, path);
	bool named = true;
	if (wn) {
		w->wn = *wn;
		memset(wn, 0, sizeof(*wn));
	} else {
		struct buf *saved = error_capture;
		error_capture = &quiet; /* a bad name: wheel_open() says so */
		named = wheel_name_parse(path, &w->wn) == 0;
		error_capture = saved;
	}
	if (!named || !take_info(w, seal->info)) {
		if (wn) { /* given back */
			*wn = w->wn;
			memset(&w->wn, 0, sizeof(w->wn));
		}
		wheel_close(w);
		goto out;
	}
	w->seal_store = sealed; /* the rows and block do not move */
	w->seal = &w->seal_store;
	seal = NULL;
	queue_check(e, w);
	r = 1;
out:
	if (seal)
		manifest_free(seal);
	buf_free(&quiet);
	buf_free(&itext);
	buf_free(&text);
	buf_free(&sp);
	free(own_abs);
	return r;
}

int wheelcache_open_wheel(struct install_env *e, const char *path, struct wheel *w)
{
	return wheelcache_open_wheel_named(e, path, NULL, NULL, w);
}

int wheelcache_open_wheel_named(struct install_env *e, const char *path, const char *abs,
				struct wheel_name *wn, struct wheel *w)
{
	if (wheelcache_open_named(e, path, abs, wn, w) == 1)
		return 0;
	return wheel_open(path, w);
}

/* A wheel opened from its seal whose entry turns out damaged: warned about,
 * discarded, and the wheel opened for real (to fill the entry again). */
static int reopen(struct wheel *w, const char *wheels, const char *entry)
{
	warning("the cache entry of '%s' is damaged: removed, unpacking the wheel again", w->path);
	char *path = xstrdup(w->path);
	int r = discard_entry(wheels, entry);
	wheel_close(w);
	if (wheel_open(path, w) < 0)
		r = -1;
	free(path);
	return r;
}

/* ---- filling ahead, on two threads -------------------------------- */

/* At most this many threads fill at once (one per CPU below that): file
 * creation on one file system gains little past a few. */
#define FILL_PROCS 4

struct ahead_slot {
	atomic_int done; /* 1: filled, key set */
	char key[65];
};

struct ahead {
	atomic_size_t next; /* the next position in order to take */
	struct ahead_slot slot[];
};

struct ahead_job {
	struct install_env *e;
	struct wheel *const *ws;
	size_t *order, n;
	struct ahead *sh;
	size_t self; /* this thread's first wheel: order[self] (the caller's is 0) */
};

/* One wheel: its key, and a new entry when there is none (an existing
 * entry, sound or not, is wheelcache_entry()'s to check). */
static bool fill_one(struct install_env *e, struct wheel *w, char key_out[65])
{
	struct buf key = BUF_INIT;
	char *wheels = path_join(e->cache_dir, WHEELS);
	char *abs = os_abspath(w->path), *entry = NULL;
	char *rec_member = xstrfmt("%s/RECORD", w->dist_info);
	struct os_file_id id;
	bool ok = false;
	/* the identity before hashing, as wheelcache_entry() takes it */
	if (!abs || os_file_id(abs, &id) < 0 || cache_key(w->path, &key) < 0)
		goto out;
	entry = path_join(wheels, key.ptr);
	if (os_exists(entry) || os_mkdir_p(wheels, 0755) < 0 ||
	    fill_entry(w, wheels, entry, key.ptr, rec_member) < 0)
		goto out;
	index_store(e, abs, &id, key.ptr);
	memcpy(key_out, key.ptr, 65);
	ok = true;
out:
	free(rec_member);
	free(entry);
	free(abs);
	free(wheels);
	buf_free(&key);
	return ok;
}

/* Takes wheels in turn until none is left (every thread runs this): its
 * own first one, order[self], then the next one no thread has taken. So
 * each thread fills at least one wheel however late it starts. */
static int fill_turns(void *arg)
{
	struct ahead_job *j = arg;
	struct buf quiet = BUF_INIT;
	struct buf *saved = error_capture;
	error_capture = &quiet; /* wheelcache_entry() says what went wrong */
	for (bool first = true;; first = false) {
		size_t k = first ? j->self : atomic_fetch_add(&j->sh->next, 1);
		if (k >= j->n || os_interrupted())
			break;
		struct ahead_slot *s = &j->sh->slot[j->order[k]];
		if (fill_one(j->e, j->ws[j->order[k]], s->key))
			atomic_store(&s->done, 1);
		buf_reset(&quiet);
	}
	error_capture = saved;
	buf_free(&quiet);
	return 0;
}

/* fill_turns on a thread of its own: the copy of j with its first wheel,
 * and the thread's wheel image freed at its end. */
static int fill_turns_side(void *arg)
{
	fill_turns(arg);
	wheel_window_free();
	free(arg);
	return 0;
}

static const struct wheel *const *sort_ws;

static int by_members_desc(const void *a, const void *b)
{
	size_t na = sort_ws[*(const size_t *)a]->members.n;
	size_t nb = sort_ws[*(const size_t *)b]->members.n;
	return na < nb ? 1 : na > nb ? -1 : 0;
}

void wheelcache_fill_ahead(struct install_env *e, struct wheel *const *ws, const bool *want,
			   size_t n)
{
	struct ahead_job j = { e, ws, xcalloc(n + 1, sizeof(size_t)), 0, NULL, 0 };
	for (size_t i = 0; i < n; i++)
		if (want[i] && !ws[i]->seal && ws[i]->zip && !ws[i]->filled)
			j.order[j.n++] = i;
	size_t size = sizeof(struct ahead) + n * sizeof(struct ahead_slot);
	if (!e->cache_dir || e->verify_cache || j.n < 2 || os_cpus() < 2)
		goto out;
	j.sh = xcalloc(1, size);
	sort_ws = (const struct wheel *const *)ws;
	qsort(j.order, j.n, sizeof(*j.order), by_members_desc);
	struct os_side *sides[FILL_PROCS - 1];
	long cpus = os_cpus();
	size_t kids = 0, procs = 1;
	while (procs < FILL_PROCS && (long)procs < cpus && procs < j.n)
		procs++;
	/* order[0..procs-1] are the threads' first wheels (one a thread that
	 * could not start was to take is left to the install's own path) */
	atomic_store(&j.sh->next, procs);
	for (j.self = 1; j.self < procs; j.self++) {
		struct ahead_job *mine = xmalloc(sizeof(*mine));
		*mine = j;
		if ((sides[kids] = os_side_start(fill_turns_side, mine)))
			kids++;
		else
			free(mine);
	}
	j.self = 0;
	fill_turns(&j);
	for (size_t k = 0; k < kids; k++)
		(void)os_side_wait(sides[k]);
	char *wheels = path_join(e->cache_dir, WHEELS);
	for (size_t i = 0; i < n; i++) {
		struct ahead_slot *s = &j.sh->slot[i];
		if (atomic_load(&s->done)) {
			char *entry = path_join(wheels, s->key);
			ws[i]->filled = path_join(entry, "files");
			free(entry);
		}
	}
	free(wheels);
out:
	free(j.sh);
	free(j.order);
}

int wheelcache_entry(struct install_env *e, struct wheel *w, char **files)
{
	if (w->filled) {
		*files = xstrdup(w->filled);
		return 0;
	}
	struct buf key = BUF_INIT, sealed = BUF_INIT;
	char *wheels = NULL, *entry = NULL, *rec_member = NULL, *abs = NULL;
	struct os_file_id id;
	bool have_id = false;
	int r = 0;
	*files = NULL;
	/* a sound seal needs nothing else: the wheel's identity is asked only
	 * to look the entry up in the index (issue 18) */
	if (w->seal) {
		size_t en;
		if (seal_sound(e->cache_dir, w, &sealed, &en)) {
			*files = xstrndup(sealed.ptr, sealed.len - 1); /* without its '/' */
			goto out;
		}
		entry = xstrndup(sealed.ptr, en);
		wheels = path_join(e->cache_dir, WHEELS);
		r = reopen(w, wheels, entry);
		free(entry);
		entry = NULL;
		if (r < 0)
			goto out;
	}
	if (!wheels)
		wheels = path_join(e->cache_dir, WHEELS);
	abs = os_abspath(w->path);
	have_id = abs && os_file_id(abs, &id) == 0;
	rec_member = xstrfmt("%s/RECORD", w->dist_info);
	char ikey[65];
	if (have_id && index_lookup(e, abs, &id, ikey) &&
	    (entry = entry_checked(e, w, wheels, ikey, rec_member, &r))) {
		buf_addstr(&key, ikey);
		goto out;
	}
	if (r < 0 || (r = cache_key(w->path, &key)) < 0)
		goto out;
	if (!(entry = entry_checked(e, w, wheels, key.ptr, rec_member, &r)) && !r) {
		entry = path_join(wheels, key.ptr);
		if (os_mkdir_p(wheels, 0755) < 0)
			r = error_errno("cannot create '%s'", wheels);
		else
			r = fill_entry(w, wheels, entry, key.ptr, rec_member);
	}
	if (!r && have_id)
		index_store(e, abs, &id, key.ptr);
out:
	if (!r && entry)
		*files = path_join(entry, "files");
	free(entry);
	free(rec_member);
	free(wheels);
	free(abs);
	buf_free(&key);
	buf_free(&sealed);
	return r;
}
