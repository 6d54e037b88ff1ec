/* Staging a wheel's members into a transaction (see stage.h). */
#include "util/common.h"

#include <zip.h>

#include "core/pkg/cachemanifest.h"
#include "core/pkg/distinfo.h"
#include "core/env/env_owned.h"
#include "core/pkg/record.h"
#include "core/pkg/remove.h"
#include "core/pkg/scripts.h"
#include "core/pkg/stage.h"
#include "core/pkg/wheel.h"
#include "core/pkg/wheelcache.h"
#include "core/std/pep440.h"
#include "os/fs.h"
#include "os/link.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/relpath.h"

#define MAX_SCRIPT (64u << 20)

/* A row of the RECORD being written: its strings are not copied (an
 * allocation per row, and its free, showed in a warm install, issue 18).
 * path is the txn's copy of the file's env-relative path (its suffix
 * beneath site-packages) or another string of the txn's arena; hash lives
 * as long as the wheel (its RECORD's or seal's), the run (INSTALLER's) or
 * the txn's arena. */
struct out_row {
	const char *path, *hash;
	uint64_t size;
	bool sized; /* false: RECORD's own row, no size */
};

struct staging {
	struct install_env *e;
	struct txn *t;
	struct wheel *w;
	struct out_row *rows;  /* the RECORD being written */
	size_t nrows, caprows;
	const char *dist_info_rel; /* env-relative .dist-info of the new install */
	struct strvec made;    /* see ensure_dir() */
	/* nothing beneath site-packages is the env's own (env_owned: top-level
	 * names, .cvenv/ and bin/'s own): asked once per wheel, not per member */
	bool lib_unowned;
	/* the lengths of e->libdir, t->newdir, w->data_dir and dist_info_rel,
	 * taken once per wheel: a strlen of each per member showed (issue 18) */
	size_t libn, newn, datan, dist_info_n;
	/* rows[0..sorted) are known to be in order (a seal's rows, sorted by
	 * its parser, each member's RECORD path its own): not compared again */
	size_t sorted;
	bool data_member; /* member_dest's last member was beneath .data */
	/* the wheel's tag in the link batch (its entry and wheel in the txn's
	 * link_from), when its members were added there */
	size_t tag;
	bool tagged;
};

/* os_mkdir_p, skipped for directories this run has made lately (on a slow
 * file system every failing mkdir costs as much as a file). Only the last
 * few are looked at: members come grouped by directory, and a wheel whose
 * members jump between many directories costs a mkdir more per member, not
 * a scan of every directory made (quadratic, issue 17.3). */
#define RECENT_DIRS TXN_RECENT_DIRS

static int ensure_dir(struct strvec *made, const char *dir)
{
	for (size_t i = made->n, k = 0; i-- > 0 && k < RECENT_DIRS; k++)
		if (!strcmp(made->v[i], dir))
			return 0;
	if (os_mkdir_p(dir, 0755) < 0)
		return -1;
	strvec_push(made, dir);
	return 0;
}

/* Whether dir (n bytes) is the stage's site-packages or bin: made once per
 * run, not once per wheel (a failing mkdir and a stat each, issue 18). */
static bool stage_top(const struct staging *s, const char *dir, size_t n)
{
	size_t nn = s->newn;
	if (n <= nn || dir[nn] != '/' || memcmp(dir, s->t->newdir, nn))
		return false;
	return (n - nn - 1 == s->libn && !memcmp(dir + nn + 1, s->e->libdir, s->libn)) ||
	       !strcmp(dir + nn + 1, s->e->bindir);
}

/* ensure_dir for a directory of the stage (dir, n bytes), the last few
 * remembered in the txn's buffers, reused in turn: no copy kept per
 * directory (issue 18). Those are looked at first, by length and last
 * byte before the bytes (sibling directories share most of theirs). */
static int stage_dir(struct staging *s, const char *dir, size_t n)
{
	struct txn *t = s->t;
	for (size_t k = 1; k <= RECENT_DIRS; k++) { /* the newest first */
		const struct buf *m = &t->made[(t->made_next - k) % RECENT_DIRS];
		if (m->len == n && n && m->ptr[n - 1] == dir[n - 1] && !memcmp(m->ptr, dir, n))
			return 0;
	}
	bool top = stage_top(s, dir, n);
	if (top && strvec_contains(&t->tops_made, dir))
		return 0;
	if (os_mkdir_p(dir, 0755) < 0)
		return -1;
	struct buf *m = &t->made[t->made_next++ % RECENT_DIRS];
	buf_reset(m);
	buf_add(m, dir, n);
	if (top)
		strvec_push(&t->tops_made, dir);
	return 0;
}

static void add_row(struct staging *s, const char *path, const char *hash, uint64_t size,
		    bool sized)
{
	if (s->nrows == s->caprows) {
		s->caprows = s->caprows ? 2 * s->caprows : 32;
		s->rows = xrealloc(s->rows, s->caprows * sizeof(*s->rows));
	}
	s->rows[s->nrows++] = (struct out_row){ path, hash, size, sized };
}

/* The RECORD path of the env-relative rel (n bytes) when it is beneath
 * site-packages: its suffix (path_is_under(rel, libdir), the length
 * known); NULL otherwise. */
static const char *lib_suffix(const struct staging *s, const char *rel, size_t n)
{
	size_t ln = s->libn;
	return n > ln + 1 && rel[ln] == '/' && !memcmp(rel, s->e->libdir, ln) ? rel + ln + 1 : NULL;
}

/* The RECORD spelling of the env-relative rel (n bytes), relative to
 * site-packages, set in out. */
static void record_path(const struct staging *s, const char *rel, size_t n, struct buf *out)
{
	const char *sfx = lib_suffix(s, rel, n);
	buf_reset(out);
	if (sfx) {
		buf_add(out, sfx, n - (size_t)(sfx - rel));
		return;
	}
	/* one "../" per part of libdir, then rel: in one grow (every
	 * launcher's row, issue 18) */
	size_t up = 1;
	for (size_t i = 0; i < s->libn; i++)
		up += s->e->libdir[i] == '/';
	buf_grow(out, 3 * up + n);
	for (size_t i = 0; i < up; i++)
		memcpy(out->ptr + 3 * i, "../", 3);
	memcpy(out->ptr + 3 * up, rel, n + 1);
	out->len = 3 * up + n;
}

/* Records a file placed at stage/new/rel (n bytes) under hash (see struct
 * out_row for what must outlive the staging). */
static void record_file(struct staging *s, const char *rel, size_t n, const char *hash,
			size_t size)
{
	/* most files are under site-packages: their RECORD path is a suffix */
	const char *sfx = lib_suffix(s, rel, n);
	if (sfx) {
		add_row(s, sfx, hash, size, true);
	} else {
		/* the file is placed: the txn's path buffer is free */
		struct buf *b = &s->t->path;
		record_path(s, rel, n, b);
		add_row(s, arena_strndup(&s->t->names, b->ptr, b->len), hash, size, true);
	}
}

/* Adds the staged file rel (n bytes) to the txn and the RECORD. */
static void note_file_n(struct staging *s, const char *rel, size_t n, const char *hash,
			size_t size)
{
	record_file(s, txn_add(s->t, rel, n), n, hash, size);
}

/* note_file_n for a file known to be beneath site-packages (a member
 * member_dest put there, a .dist-info's file): its RECORD path is the
 * suffix of the txn's copy, no test. */
static void note_lib_file(struct staging *s, const char *rel, size_t n, const char *hash,
			  size_t size)
{
	add_row(s, txn_add(s->t, rel, n) + s->libn + 1, hash, size, true);
}

static void note_file(struct staging *s, const char *rel, const char *hash, size_t size)
{
	note_file_n(s, rel, strlen(rel), hash, size);
}

static int cmp_out_rows(const void *a, const void *b)
{
	const struct out_row *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (!c)
		c = strcmp(x->hash, y->hash);
	if (!c && x->size != y->size) {
		/* sizes compare as the text they are written as */
		char sx[24], sy[24];
		snprintf(sx, sizeof(sx), "%llu", (unsigned long long)x->size);
		snprintf(sy, sizeof(sy), "%llu", (unsigned long long)y->size);
		c = strcmp(sx, sy);
	}
	if (!c)
		c = (int)x->sized - (int)y->sized;
	return c;
}

/* The rows come mostly sorted (a cache entry's members in path order, then
 * a few generated files): the sorted head is kept, the tail sorted and
 * merged into it from the back, as record_sort() does. */
static void sort_rows(struct staging *s)
{
	struct out_row *r = s->rows;
	size_t n = s->nrows, k = s->sorted > 1 ? s->sorted : 1;
	while (k < n && cmp_out_rows(&r[k - 1], &r[k]) <= 0)
		k++;
	if (k >= n)
		return;
	size_t t = n - k, i = k, o = n;
	if (t <= 8) {
		/* a wheel's few generated files: each put after the last row not
		 * above it, found by halving (a launcher's "../" path goes first:
		 * a step back per row was most of the compares, issue 18) */
		for (size_t j = k; j < n; j++) {
			struct out_row x = r[j];
			size_t lo = 0, hi = j;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (cmp_out_rows(&r[mid], &x) > 0)
					hi = mid;
				else
					lo = mid + 1;
			}
			memmove(&r[lo + 1], &r[lo], (j - lo) * sizeof(*r));
			r[lo] = x;
		}
		return;
	}
	/* the tail's copy goes after the rows, in room they mostly have: no
	 * allocation per wheel */
	if (n + t > s->caprows) {
		s->caprows = n + t;
		s->rows = r = xrealloc(r, s->caprows * sizeof(*r));
	}
	struct out_row *tail = r + n;
	memcpy(tail, r + k, t * sizeof(*tail));
	qsort(tail, t, sizeof(*tail), cmp_out_rows);
	while (t > 0)
		r[--o] = i > 0 && cmp_out_rows(&r[i - 1], &tail[t - 1]) > 0 ? r[--i] : tail[--t];
}

/* The new RECORD's text, rows sorted as record_sort() sorts. */
static void format_rows(struct staging *s, struct buf *text)
{
	sort_rows(s);
	/* room for most RECORDs at once (a row is a path, a 50-byte hash and
	 * a size): not grown by doubling, a realloc each time */
	buf_grow(text, s->nrows * 160);
	for (size_t i = 0; i < s->nrows; i++) {
		const struct out_row *r = &s->rows[i];
		record_format_row_sized(text, r->path, r->hash, r->size, r->sized);
	}
}

/* Writes data to stage/new/rel, records it in RECORD and the txn. */
static int stage_bytes(struct staging *s, const char *rel, const void *data, size_t len,
		       mode_t mode, const char *hash)
{
	/* rel is never in this buffer: stage_bytes' callers build it elsewhere */
	struct buf *pb = &s->t->path;
	buf_set_path(pb, s->t->newdir, rel);
	const char *path = pb->ptr;
	char *slash = strrchr(pb->ptr, '/'); /* path's directory, cut in place */
	int r = 0, fd = -1;
	*slash = '\0';
	int made = stage_dir(s, path, (size_t)(slash - path));
	*slash = '/';
	if (made < 0 || (fd = os_create_file(path, mode)) < 0) {
		if (errno == EEXIST)
			r = error("wheel '%s' installs '%s' twice", s->w->path, rel);
		else
			r = error_errno("cannot create '%s'", path);
	} else if (os_write_full(fd, data, len) < 0) {
		r = error_errno("cannot write '%s'", path);
		os_close_file(fd);
	} else if (os_close_file(fd) < 0) {
		r = error_errno("cannot write '%s'", path);
	}
	struct buf h = BUF_INIT;
	if (!r && !hash && !(r = record_hash_data(data, len, &h))) {
		hash = arena_strndup(&s->t->names, h.ptr, h.len);
	}
	if (!r)
		note_file(s, rel, hash, len);
	buf_free(&h);
	return r;
}

/* The env's own files are never written by a wheel (core/env/env_owned.h). */
static int refuse_env_owned(struct staging *s, const char *rel)
{
	if (!env_owned(&s->e->v, rel))
		return 0;
	return error("wheel '%s' would overwrite the environment's own file '%s'", s->w->path, rel);
}

/* Where member m (mn bytes) goes, relative to the env, set in out (the
 * txn's rel buffer: no allocation per member); -1 (reported) when nowhere. */
static int member_dest(struct staging *s, const char *m, size_t mn, bool *is_script,
		       struct buf *out)
{
	struct wheel *w = s->w;
	size_t dn = s->datan;
	char *base = NULL, *r = NULL;
	int ret = -1;
	*is_script = false;
	s->data_member = false;
	if (mn <= dn || m[dn] != '/' || memcmp(m, w->data_dir, dn)) {
		/* a member name is relative with no empty, "." or ".." part
		 * (wheel_member_name_safe, or manifest_path_ok for a seal): joined
		 * as it is, no normalising per member (issue 18) */
		buf_set_join(out, s->e->libdir, s->libn, m, mn);
		if (s->lib_unowned)
			return 0;
		goto check;
	}
	const char *key = m + dn + 1;
	const char *slash = strchr(key, '/');
	s->data_member = true;
	if (!slash || !slash[1]) {
		error("wheel '%s' has a file '%s' outside any .data scheme directory", w->path, m);
		goto out;
	}
	size_t kn = (size_t)(slash - key);
	const char *rest = slash + 1;
	if (kn == 7 && !strncmp(key, "purelib", 7))
		base = xstrdup(s->e->libdir);
	else if (kn == 7 && !strncmp(key, "platlib", 7))
		base = xstrdup(s->e->libdir);
	else if (kn == 7 && !strncmp(key, "scripts", 7)) {
		base = xstrdup(s->e->bindir);
		*is_script = true;
	} else if (kn == 7 && !strncmp(key, "headers", 7)) {
		base = xstrfmt("include/site/python%d.%d/%s", s->e->v.major, s->e->v.minor,
			       w->meta_name);
	} else if (kn == 4 && !strncmp(key, "data", 4))
		base = xstrdup("");
	if (!base) {
		error("wheel '%s' has an unknown .data directory '%.*s'", w->path, (int)kn, key);
		goto out;
	}
	r = path_rel_join(base, rest);
	if (!r) {
		error("wheel '%s' has a file '%s' that would leave the environment", w->path, m);
		goto out;
	}
	buf_set(out, r);
check:
	ret = refuse_env_owned(s, out->ptr) < 0 ? -1 : 0;
out:
	free(r);
	free(base);
	return ret;
}

mode_t stage_member_mode(struct wheel *w, zip_int64_t idx)
{
	zip_uint8_t opsys;
	zip_uint32_t attr;
	if (zip_file_get_external_attributes(w->zip, (zip_uint64_t)idx, 0, &opsys, &attr) == 0 &&
	    opsys == ZIP_OPSYS_UNIX && ((attr >> 16) & 0111))
		return 0755;
	return 0644;
}

/* The most bytes member m may produce: the zip's own uncompressed size and
 * RECORD's size when it gives one. The two must agree, so a member whose
 * RECORD size understates what the zip holds is refused before a byte of it
 * is written (the zip bomb of issue 17: 10 bytes in RECORD, 512 MiB of
 * zeros in the archive). */
static int member_limit(struct wheel *w, const char *m, zip_int64_t idx,
			const struct record_row *row, uint64_t *limit)
{
	zip_stat_t st;
	char *end = NULL;
	*limit = UINT64_MAX;
	if (idx >= 0 && zip_stat_index(w->zip, (zip_uint64_t)idx, 0, &st) == 0 &&
	    (st.valid & ZIP_STAT_SIZE))
		*limit = st.size;
	if (!row->size[0])
		return 0;
	errno = 0;
	unsigned long long rs = strtoull(row->size, &end, 10);
	if (errno || *end || row->size[0] < '0' || row->size[0] > '9')
		return error("wheel '%s' lists '%s' with an invalid size '%s'", w->path, m,
			     row->size);
	if (*limit != UINT64_MAX && rs != *limit)
		return error("size mismatch for '%s' in wheel '%s': RECORD says %s, the zip says %llu",
			     m, w->path, row->size, (unsigned long long)*limit);
	*limit = rs;
	return 0;
}

/* Opens the new file for a member; EEXIST means the wheel has it twice. */
static int create_member(struct wheel *w, const char *m, const char *path, mode_t mode,
			 struct strvec *made, int *fd)
{
	char *dir = os_dirname(path);
	int r = 0;
	if (ensure_dir(made, dir) < 0 || (*fd = os_create_file(path, mode)) < 0) {
		if (errno == EEXIST)
			r = error("wheel '%s' installs '%s' twice", w->path, m);
		else
			r = error_errno("cannot create '%s'", path);
	}
	free(dir);
	return r;
}

/* Copies the member's bytes to fd (or mem), hashing them, and stops the
 * moment they pass limit: a lying archive costs at most limit bytes of disk
 * (plus one read block, never written). */
static int copy_member(struct wheel *w, const char *m, zip_file_t *zf, uint64_t limit,
		       struct record_hash *h, int fd, const char *path, struct buf *mem,
		       size_t *total)
{
	char chunk[65536];
	zip_int64_t n;
	while ((n = zip_fread(zf, chunk, sizeof(chunk))) > 0) {
		if ((uint64_t)n > limit - *total)
			return error("'%s' in wheel '%s' is larger than its recorded size %llu",
				     m, w->path, (unsigned long long)limit);
		record_hash_update(h, chunk, (size_t)n);
		*total += (size_t)n;
		if (mem && *total > MAX_SCRIPT)
			return error("'%s' in wheel '%s' is too large", m, w->path);
		if (mem)
			buf_add(mem, chunk, (size_t)n);
		else if (os_write_full(fd, chunk, (size_t)n) < 0)
			return error_errno("cannot write '%s'", path);
	}
	if (n < 0)
		return error("cannot extract '%s' from wheel '%s': %s", m, w->path,
			     zip_file_strerror(zf));
	return 0;
}

/* Extracts one member to a new file at path (or, with mem, into memory),
 * hashing on the way, and compares hash and size with the wheel's RECORD.
 * *total receives the size. Whatever was written stays for the caller to
 * clean up (it is inside a stage or cache temp directory). */
int stage_extract_verified(struct wheel *w, const char *m, const char *path, mode_t mode,
			   struct buf *mem, size_t *total, struct strvec *made)
{
	const struct record_row *row = record_find(&w->record, m);
	if (!row || !row->hash[0])
		return error("wheel '%s' has a file '%s' that its RECORD does not list with a hash",
			     w->path, m);
	const char *eq = strchr(row->hash, '=');
	char *algo = eq ? xstrndup(row->hash, (size_t)(eq - row->hash)) : xstrdup(row->hash);
	struct record_hash *h = record_hash_new(algo);
	free(algo);
	if (!h)
		return error("wheel '%s' lists '%s' with an unsupported hash '%s'", w->path, m,
			     row->hash);
	zip_int64_t idx = zip_name_locate(w->zip, m, ZIP_FL_ENC_GUESS);
	zip_file_t *zf = NULL;
	struct buf got = BUF_INIT;
	uint64_t limit;
	int r = 0, fd = -1;
	*total = 0;
	if ((r = member_limit(w, m, idx, row, &limit)) < 0)
		goto out;
	if (!(zf = idx >= 0 ? zip_fopen_index(w->zip, (zip_uint64_t)idx, 0) : NULL)) {
		r = error("cannot read '%s' in wheel '%s': %s", m, w->path, zip_strerror(w->zip));
		goto out;
	}
	if (!mem && (r = create_member(w, m, path, mode, made, &fd)) < 0)
		goto out;
	r = copy_member(w, m, zf, limit, h, fd, path, mem, total);
	if (fd >= 0 && os_close_file(fd) < 0 && !r)
		r = error_errno("cannot write '%s'", path);
	record_hash_finish(h, &got);
	h = NULL;
	if (!r && strcmp(got.ptr, row->hash))
		r = error("hash mismatch for '%s' in wheel '%s': RECORD says %s, the file has %s",
			  m, w->path, row->hash, got.ptr);
	if (!r && limit != UINT64_MAX && limit != *total)
		r = error("size mismatch for '%s' in wheel '%s': its RECORD or zip header says %llu, "
			  "the file has %zu", m, w->path, (unsigned long long)limit, *total);
out:
	if (h)
		record_hash_finish(h, &got);
	if (zf)
		zip_fclose(zf);
	buf_free(&got);
	return r;
}

/* Stages a script from .data/scripts: "#!python" becomes the env's python. */
static int stage_script(struct staging *s, const char *rel, const char *hash, struct buf *data)
{
	struct buf fixed = BUF_INIT;
	int r;
	if (script_rewrite_python(&fixed, venv_script_python(&s->e->v), data->ptr, data->len))
		r = stage_bytes(s, rel, fixed.ptr, fixed.len, 0755, NULL);
	else
		r = stage_bytes(s, rel, data->ptr, data->len, 0755, hash);
	buf_free(&fixed);
	return r;
}

/* Extracts one member into the stage, checked against RECORD. */
static int stage_member(struct staging *s, const char *m)
{
	struct wheel *w = s->w;
	bool is_script;
	if (member_dest(s, m, strlen(m), &is_script, &s->t->rel) < 0)
		return -1;
	const char *rel = s->t->rel.ptr;
	const struct record_row *row = record_find(&w->record, m);
	zip_int64_t idx = zip_name_locate(w->zip, m, ZIP_FL_ENC_GUESS);
	buf_set_path(&s->t->path, s->t->newdir, rel);
	struct buf data = BUF_INIT;
	size_t total = 0;
	/* the path is not used after: stage_script's stage_bytes reuses it */
	int r = stage_extract_verified(w, m, s->t->path.ptr, stage_member_mode(w, idx),
				       is_script ? &data : NULL, &total, &s->made);
	if (!r && is_script)
		r = stage_script(s, rel, row->hash, &data);
	else if (!r)
		note_file(s, rel, row->hash, total);
	buf_free(&data);
	return r;
}

static int cache_lacks(const struct install_env *e, const char *entry, const char *m)
{
	int r = error("cache entry '%s' lacks '%s'", entry, m);
	hint("remove the cache directory '%s' or use --no-cache", e->cache_dir);
	return r;
}

/* What linking a cached member needs: its RECORD hash and size, and the
 * mode it is placed with. */
struct cached_member {
	const char *m, *hash;
	uint64_t size;
	mode_t mode;
};

/* The facts of member m of a wheel opened from its zip: RECORD's (the entry
 * was verified against it when it was made, so RECORD's size is the
 * file's: no stat per file on the warm path) and the zip's mode. */
static int zip_member_facts(struct staging *s, const char *entry, const char *m,
			    struct cached_member *cm)
{
	struct wheel *w = s->w;
	const struct record_row *row = record_find(&w->record, m);
	char *end = NULL;
	cm->m = m;
	cm->hash = row ? row->hash : "";
	cm->size = row && row->size[0] ? strtoull(row->size, &end, 10) : 0;
	if (!row || !row->hash[0])
		return cache_lacks(s->e, entry, m);
	if (!end || *end) {
		struct os_file_id id;
		char *src = path_join(entry, m);
		int r = os_file_id(src, &id);
		free(src);
		if (r < 0)
			return cache_lacks(s->e, entry, m);
		cm->size = id.size;
	}
	cm->mode = stage_member_mode(w, zip_name_locate(w->zip, m, ZIP_FL_ENC_GUESS));
	return 0;
}

/* Stages one member from a cache entry: its directory made in the stage,
 * its link (or copy) added to the txn's batch, tagged tag (stage_links).
 * src and dst are the caller's buffers: the entry's files/ and the stage's
 * new/ directory, truncated back to their length on return. */
static int stage_member_cached(struct staging *s, struct buf *src, struct buf *dst,
			       const struct cached_member *cm, size_t tag)
{
	bool is_script;
	size_t mn = strlen(cm->m);
	if (member_dest(s, cm->m, mn, &is_script, &s->t->rel) < 0)
		return -1;
	const char *rel = s->t->rel.ptr;
	size_t reln = s->t->rel.len, sn = src->len, dn = dst->len;
	int r = 0;
	if (is_script) {
		struct buf data = BUF_INIT;
		buf_add(src, cm->m, mn);
		if (os_read_file(src->ptr, MAX_SCRIPT, &data) < 0)
			r = error_errno("cannot read '%s'", src->ptr);
		else
			r = stage_script(s, rel, cm->hash, &data);
		buf_free(&data);
		goto out;
	}
	buf_add(dst, rel, reln);
	/* the member's directory, made once per run (stage_dir): rel's last
	 * '/' (beneath site-packages, rel is libdir/m: m's last one, or the
	 * one after libdir), cut is the length up to and with it */
	size_t cut = dst->len;
	const char *ms = s->data_member ? NULL : strrchr(cm->m, '/');
	if (s->data_member)
		while (cut > dn && dst->ptr[cut - 1] != '/')
			cut--;
	else
		cut = dn + s->libn + 1 + (ms ? (size_t)(ms - cm->m) + 1 : 0);
	if (cut > dn) {
		dst->ptr[cut - 1] = '\0';
		r = stage_dir(s, dst->ptr, cut - 1);
		dst->ptr[cut - 1] = '/';
	}
	if (r < 0) {
		r = error_errno("cannot link '%s' from the cache", dst->ptr);
	} else {
		/* linked with the rest of the install's files (stage_links) */
		os_linkbatch_add_n(&s->t->links, cm->m, mn, rel, reln, cm->mode, tag);
		if (s->data_member)
			note_file_n(s, rel, reln, cm->hash, (size_t)cm->size);
		else
			note_lib_file(s, rel, reln, cm->hash, (size_t)cm->size);
	}
out:
	buf_setlen(src, sn);
	buf_setlen(dst, dn);
	return r;
}

/* Fewer links than this are not worth a thread of their own while the
 * staging goes on (they are made with the rest, by stage_links). */
#define LINK_AHEAD_MIN 16

/* Every member (RECORD aside) from the cache entry: the seal's rows for a
 * wheel opened from its seal (no zip), else the wheel's members. */
static int stage_members_cached(struct staging *s, const char *entry, const char *rec_member)
{
	struct wheel *w = s->w;
	/* the txn's buffers: allocated for the first wheel, reused after */
	struct buf *src = &s->t->src, *dst = &s->t->dst;
	struct os_linkbatch *b = &s->t->links;
	int r = 0;
	size_t en = strlen(entry);
	buf_set_join(src, entry, en, "", 0);
	buf_add(src, "/", 1);
	buf_set_join(dst, s->t->newdir, s->newn, "", 0);
	buf_add(dst, "/", 1);
	size_t n = w->seal ? w->seal->n : w->members.n;
	size_t tag = s->t->link_from.n / 2;
	s->tag = tag;
	s->tagged = true;
	pathvec_add(&s->t->link_from, &s->t->names, entry, en);
	pathvec_add(&s->t->link_from, &s->t->names, w->path, strlen(w->path));
	/* the batch keeps each member's name and env-relative path, not
	 * whole paths (os/linkbatch.h) */
	os_linkbatch_base(&s->t->links, entry, s->t->newdir);
	/* a seal's rows are sorted by path: the RECORD rows of members that
	 * all go beneath site-packages (their RECORD path is their name) are
	 * sorted too */
	bool in_order = w->seal && !s->nrows;
	for (size_t i = 0; i < n && !r; i++) {
		struct cached_member cm = { NULL, NULL, 0, 0 };
		if (w->seal) {
			const struct manifest_row *row = &w->seal->rows[i];
			cm = (struct cached_member){ row->path, row->hash, row->size,
						     row->mode & 0111 ? 0755 : 0644 };
		} else if (!strcmp(w->members.v[i], rec_member) ||
			   (r = zip_member_facts(s, entry, w->members.v[i], &cm)) < 0) {
			continue;
		}
		r = stage_member_cached(s, src, dst, &cm, tag);
		in_order = in_order && !s->data_member;
		/* the links added so far are made on a thread of their own
		 * while the staging goes on: their directories exist
		 * (os_linkbatch_ahead; the batch publishes every 32 more) */
		if (!r && !b->ahead && !s->t->links_ahead_tried &&
		    b->n - b->done >= LINK_AHEAD_MIN) {
			s->t->links_ahead_tried = true;
			(void)os_linkbatch_ahead(b, &s->e->link_mode);
		}
	}
	if (!r)
		os_linkbatch_publish(b); /* the wheel's last links */
	if (!r && in_order && s->nrows == n)
		s->sorted = n;
	return r;
}

int stage_links(struct txn *t)
{
	size_t i;
	if (os_linkbatch_run(&t->links, &t->e->link_mode, &i) == 0)
		return 0;
	int e = errno;
	struct buf src = BUF_INIT, dst = BUF_INIT, other = BUF_INIT;
	os_linkbatch_path(&t->links, i, true, &dst);
	if (e == EEXIST) /* a path staged twice: named, as one by one, by the later */
		for (size_t k = i + 1; k < t->links.n; k++)
			if (!strcmp(os_linkbatch_path(&t->links, k, true, &other), dst.ptr))
				i = k;
	const char *entry = t->link_from.v[2 * t->links.v[i].tag];
	const char *wheel = t->link_from.v[2 * t->links.v[i].tag + 1];
	/* the names as added: the member beneath entry, the env-relative path */
	const char *m = os_linkbatch_name(&t->links, i, false);
	const char *rel = os_linkbatch_name(&t->links, i, true);
	os_linkbatch_path(&t->links, i, false, &src);
	os_linkbatch_path(&t->links, i, true, &dst);
	int r;
	/* a damaged entry, not the stage (whose INSTALLER and REQUESTED are
	 * linked from the stage's own copies) */
	if (e == ENOENT && !os_exists(src.ptr) && path_is_under(src.ptr, entry, false))
		r = cache_lacks(t->e, entry, m);
	else if (e == EEXIST)
		r = error("wheel '%s' installs '%s' twice", wheel, rel);
	else {
		errno = e;
		r = error_errno("cannot link '%s' from the cache", dst.ptr);
	}
	buf_free(&src);
	buf_free(&dst);
	buf_free(&other);
	return r;
}

/* Stages the launcher in t->launcher as bin/name, after hash. */
static int stage_launcher_as(struct staging *s, const char *name, const char *hash)
{
	struct buf *rel = &s->t->rel, *body = &s->t->launcher;
	buf_set_path(rel, s->e->bindir, name);
	int r = refuse_env_owned(s, rel->ptr);
	if (!r)
		r = stage_bytes(s, rel->ptr, body->ptr, body->len, 0755, hash);
	return r;
}

static int stage_launchers(struct staging *s)
{
	const struct entry_points *eps = &s->w->eps;
	struct buf *body = &s->t->launcher;
	int r = 0;
	if (!eps->n)
		return 0;
	/* the head is the same for every launcher of the env: written once
	 * per run, each launcher's rest written after it (issue 18) */
	if (!s->t->launcher_head) {
		script_launcher_head(body, venv_script_python(&s->e->v));
		s->t->launcher_head = body->len;
	}
	if (!s->e->launcher_head)
		s->e->launcher_head = record_head_hash_new(body->ptr, s->t->launcher_head);
	for (size_t i = 0; i < eps->n && !r; i++) {
		struct strvec names = STRVEC_INIT;
		/* most launchers have just their own name: no list made */
		bool just = script_names_just(eps->v[i].name);
		if (!just)
			script_names(eps->v[i].name, s->e->v.major, s->e->v.minor, &names);
		struct buf *h = &s->t->src;
		const char *hash = NULL;
		buf_setlen(body, s->t->launcher_head);
		script_launcher_rest(body, &eps->v[i]);
		/* hashed once for all its names, from the run's head (issue 18) */
		buf_reset(h);
		r = record_hash_data_head(s->e->launcher_head, body->ptr, body->len, h);
		if (!r)
			hash = arena_strndup(&s->t->names, h->ptr, h->len);
		if (just && !r)
			r = stage_launcher_as(s, eps->v[i].name, hash);
		for (size_t k = 0; k < names.n && !r; k++)
			r = stage_launcher_as(s, names.v[k], hash);
		strvec_clear(&names);
	}
	return r;
}

/* RECORD.jws and RECORD.p7s: not in the wheel's RECORD (they sign it), so
 * installed as they are and listed in the new RECORD with their hash, as pip
 * does. */
static int stage_signatures(struct staging *s)
{
	struct wheel *w = s->w;
	int r = 0;
	for (size_t i = 0; i < w->signatures.n && !r; i++) {
		struct buf data = BUF_INIT;
		bool is_script;
		if (member_dest(s, w->signatures.v[i], strlen(w->signatures.v[i]), &is_script,
				&s->t->rel) < 0)
			r = -1;
		else if (!(r = wheel_read_member(w, w->signatures.v[i], MAX_SCRIPT, &data)))
			r = stage_bytes(s, s->t->rel.ptr, data.ptr, data.len, 0644, NULL);
		buf_free(&data);
	}
	return r;
}

/* INSTALLER and REQUESTED: the same text in every wheel, hashed once per
 * run, not once per wheel (issue 18). */
struct fixed_file {
	const char *name, *text;
	char *hash; /* RECORD's hash of text, once computed */
};

static struct fixed_file fixed_files[] = {
	{ "INSTALLER", "cvenv\n", NULL },
	{ "REQUESTED", "", NULL },
};
_Static_assert(sizeof(fixed_files) / sizeof(fixed_files[0]) <=
		       sizeof(((struct txn *)0)->shared_path) / sizeof(const char *),
	       "a txn keeps the path of each fixed file's shared copy");

/* Stages fixed_files[i] as a hard link to one copy of it per run,
 * <stage>/<name>: one link per wheel, not a file created, written and
 * closed (issue 18). Where the stage cannot hard link (EPERM, EMLINK...),
 * written as any file. */
static int stage_fixed(struct staging *s, size_t i)
{
	struct fixed_file *f = &fixed_files[i];
	size_t len = strlen(f->text);
	if (!f->hash) {
		struct buf h = BUF_INIT;
		if (record_hash_data(f->text, len, &h) < 0) {
			buf_free(&h);
			return -1;
		}
		f->hash = buf_detach(&h);
	}
	struct txn *t = s->t;
	size_t fn = strlen(f->name);
	buf_set_join(&t->rel, s->dist_info_rel, s->dist_info_n, f->name, fn);
	buf_set_join(&t->path, t->newdir, s->newn, t->rel.ptr, t->rel.len);
	/* a private env is staged in place, with no stage to hold the copy
	 * (txn_begin): written as any file */
	if (t->stage && !t->shared_path[i]) {
		buf_set_path(&t->src, t->stage, f->name);
		t->shared_path[i] = arena_strndup(&t->names, t->src.ptr, t->src.len);
	}
	const char *rel = t->rel.ptr, *path = t->path.ptr;
	const char *shared = t->stage ? t->shared_path[i] : NULL;
	int r = 1;
	if (shared && !(s->t->shared_made & (1u << i)) &&
	    os_write_new(shared, f->text, len, 0644) == 0)
		s->t->shared_made |= 1u << i;
	/* the .dist-info is made by then (its METADATA is staged first; if
	 * not, ENOENT: written as any file, which makes it). A wheel whose
	 * members are in the link batch has the link made there too (by the
	 * thread linking ahead, not here: stage_links reports a failure) */
	if ((s->t->shared_made & (1u << i)) && s->tagged) {
		os_linkbatch_base(&t->links, t->stage, t->newdir);
		os_linkbatch_add_n(&t->links, f->name, fn, rel, t->rel.len, 0644, s->tag);
		r = 0;
	} else if (s->t->shared_made & (1u << i)) {
		if (os_hardlink(shared, path) == 0)
			r = 0;
		else if (errno == EEXIST)
			r = error("wheel '%s' installs '%s' twice", s->w->path, rel);
	}
	if (!r)
		note_lib_file(s, rel, t->rel.len, f->hash, len);
	else if (r > 0) /* reuses t->path */
		r = stage_bytes(s, rel, f->text, len, 0644, f->hash);
	return r;
}

/* entry: the wheel's cache entry, named by the wheel file's sha256, or NULL. */
static int stage_metadata_files(struct staging *s, const struct install_opts *o,
				const char *entry)
{
	struct txn *t = s->t;
	struct buf j = BUF_INIT;
	int r = stage_fixed(s, 0);
	if (!r && o->requested)
		r = stage_fixed(s, 1);
	if (!r && o->direct_url) {
		/* the archive's hash, as pip 23.2 and later write it: the cache
		 * entry's name when there is one, else hashed here */
		struct buf hex = BUF_INIT;
		if (entry)
			wheelcache_key_of(entry, &hex);
		else
			r = record_file_digest(s->w->path, "sha256", &hex);
		direct_url_archive_json(&j, o->direct_url, hex.ptr);
		buf_free(&hex);
		buf_set_path(&t->rel, s->dist_info_rel, "direct_url.json");
		if (!r)
			r = stage_bytes(s, t->rel.ptr, j.ptr, j.len, 0644, NULL);
	}
	if (r)
		goto out;
	/* RECORD's own row (its path in t->src while the rows are formatted
	 * into t->record) */
	buf_set_path(&t->rel, s->dist_info_rel, "RECORD");
	record_path(s, t->rel.ptr, t->rel.len, &t->src);
	add_row(s, t->src.ptr, "", 0, false);
	buf_reset(&t->record);
	format_rows(s, &t->record);
	buf_set_path(&t->path, t->newdir, t->rel.ptr);
	const char *path = t->path.ptr;
	int fd = os_create_file(path, 0644);
	if (fd < 0 || os_write_full(fd, t->record.ptr, t->record.len) < 0 || os_close_file(fd) < 0)
		r = error_errno("cannot write '%s'", path);
	else
		txn_add(t, t->rel.ptr, t->rel.len);
out:
	buf_free(&j);
	return r;
}

/* Stages one wheel into the transaction (and plans the removal of the
 * version it replaces). Returns INSTALL_SKIPPED when nothing is to be done. */
int stage_wheel(struct install_env *e, struct txn *t, const struct dist_set *have,
		struct wheel *w, const struct install_opts *o)
{
	const struct dist *old = dist_set_lookup(have, w->meta_name);
	/* the rows' array is the txn's, reused from wheel to wheel */
	struct staging s = { e, t, w, t->rows, 0, t->caprows, NULL, STRVEC_INIT,
			     strchr(e->libdir, '/') && !path_is_under(e->libdir, "bin", false) &&
				     !path_is_under(e->libdir, ".cvenv", false),
			     strlen(e->libdir), strlen(t->newdir), strlen(w->data_dir), 0, 0, false, 0, false };
	const char *rec_member = NULL;
	char *entry = NULL, *a = NULL, *b = NULL;
	int r = 0;
	if (old && !o->force_reinstall) {
		a = pep440_normalize(old->dir_version);
		b = pep440_normalize(w->meta_version);
		if (a && b ? !strcmp(a, b) : !strcmp(old->dir_version, w->meta_version)) {
			if (!o->quiet_skip)
				info(1, "%s %s is already installed", w->meta_name, w->meta_version);
			r = INSTALL_SKIPPED;
			goto out;
		}
	}
	/* for as long as the txn, with its other strings (no free per wheel) */
	size_t din = strlen(w->dist_info);
	buf_set_join(&t->rel, e->libdir, s.libn, w->dist_info, din);
	s.dist_info_rel = arena_strndup(&t->names, t->rel.ptr, t->rel.len);
	s.dist_info_n = t->rel.len;
	buf_set_join(&t->rel, w->dist_info, din, "RECORD", 6);
	rec_member = arena_strndup(&t->names, t->rel.ptr, t->rel.len);
	if (e->cache_dir)
		r = wheelcache_entry(e, w, &entry);
	if (!r && entry)
		r = stage_members_cached(&s, entry, rec_member);
	for (size_t i = 0; i < w->members.n && !r && !entry; i++) {
		const char *m = w->members.v[i];
		if (!strcmp(m, rec_member))
			continue;
		r = stage_member(&s, m);
	}
	if (!r)
		r = stage_signatures(&s);
	if (!r)
		r = stage_launchers(&s);
	if (!r)
		r = stage_metadata_files(&s, o, entry);
	if (!r && old)
		r = remove_plan(e, old, t);
	if (r < 0)
		r = -1;
out:
	strvec_clear(&s.made);
	free(entry);
	free(a);
	free(b);
	t->rows = s.rows;
	t->caprows = s.caprows;
	return r;
}
