/* The cache of unpacked wheels and its index (see wheelcache.h). */
#include "util/common.h"

#include <zip.h>

#include "core/pkg/record.h"
#include "core/pkg/stage.h"
#include "core/pkg/wheel.h"
#include "core/pkg/wheelcache.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

/* The cache key: the wheel file's sha256 (hex), so that a changed file
 * never meets a stale entry. Streamed: memory stays a block whatever the
 * wheel's size. */
static int cache_key(const char *path, struct buf *key)
{
	struct record_hash *h = record_hash_new("sha256");
	int r = 0;
	if (record_hash_file(h, path) < 0)
		r = error("cannot read '%s': %s", path, strerror(errno));
	record_hash_finish_hex(h, key);
	return r;
}

/* ---- the index: a wheel file's identity -> its cache key ---------------
 *
 * Hashing a wheel on every install costs a read of the whole file (and
 * loading libcrypto's configuration); the index makes a warm install skip
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

static void index_format(struct buf *b, const char *abs, const struct os_file_id *id,
			 const char *key)
{
	buf_addf(b, "%s\n%s\n%llu %llu %llu %lld %lld %lld %lld\n%s\n", INDEX_MAGIC, abs,
		 (unsigned long long)id->dev, (unsigned long long)id->ino,
		 (unsigned long long)id->size, (long long)id->mtime_sec,
		 (long long)id->mtime_nsec, (long long)id->ctime_sec, (long long)id->ctime_nsec,
		 key);
}

static char *index_path(const struct install_env *e, const char *abs)
{
	uint64_t h = 14695981039346656037ull;
	for (const unsigned char *p = (const unsigned char *)abs; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return xstrfmt("%s/wheel-index-v1/%016llx", e->cache_dir, (unsigned long long)h);
}

static bool is_key(const char *k, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' && k[i] <= 'f')))
			return false;
	return true;
}

/* The key the index holds for this wheel file, when it is still valid. */
static bool index_lookup(const struct install_env *e, const char *abs,
			 const struct os_file_id *id, struct buf *key)
{
	char *ip = index_path(e, abs);
	struct buf text = BUF_INIT, want = BUF_INIT;
	bool ok = false;
	if (os_read_file(ip, 1 << 16, &text) == 0) {
		/* the expected text with the key left off: what precedes it must match */
		index_format(&want, abs, id, "");
		size_t n = want.len - 1;
		if (text.len == n + 65 && !memcmp(text.ptr, want.ptr, n) &&
		    text.ptr[text.len - 1] == '\n' && is_key(text.ptr + n, 64)) {
			buf_add(key, text.ptr + n, 64);
			ok = true;
		}
	}
	buf_free(&want);
	buf_free(&text);
	free(ip);
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

char *wheelcache_entry(struct install_env *e, struct wheel *w)
{
	struct buf key = BUF_INIT;
	char *abs = os_abspath(w->path);
	char *wheels = NULL, *entry = NULL, *tmp = NULL, *rec_member = NULL, *di = NULL;
	struct strvec made = STRVEC_INIT;
	struct os_file_id id;
	bool have_id = abs && os_file_id(abs, &id) == 0;
	int r = 0;
	if (have_id && index_lookup(e, abs, &id, &key)) {
		entry = xstrfmt("%s/wheels-v1/%s", e->cache_dir, key.ptr);
		di = path_join(entry, w->dist_info);
		if (os_is_dir(di))
			goto out;
		free(entry);
		entry = NULL;
		buf_reset(&key);
	}
	if ((r = cache_key(w->path, &key)) < 0)
		goto out;
	wheels = path_join(e->cache_dir, "wheels-v1");
	entry = path_join(wheels, key.ptr);
	/* the index names only entries that exist */
	if (os_is_dir(entry)) {
		if (have_id)
			index_store(e, abs, &id, key.ptr);
		goto out;
	}
	if (os_mkdir_p(wheels, 0755) < 0 || !(tmp = os_mkdtemp_in(wheels, ".tmp-"))) {
		r = error("cannot create a cache entry in '%s': %s", wheels, strerror(errno));
		goto out;
	}
	rec_member = xstrfmt("%s/RECORD", w->dist_info);
	for (size_t i = 0; i < w->members.n && !r; i++) {
		const char *m = w->members.v[i];
		if (!strcmp(m, rec_member))
			continue;
		zip_int64_t idx = zip_name_locate(w->zip, m, ZIP_FL_ENC_GUESS);
		char *p = path_join(tmp, m);
		size_t total;
		r = stage_extract_verified(w, m, p, stage_member_mode(w, idx), NULL, &total, &made);
		free(p);
	}
	if (!r && os_rename(tmp, entry) < 0 && !os_is_dir(entry))
		r = error("cannot add '%s' to the cache: %s", entry, strerror(errno));
	os_rm_rf(tmp); /* lost a race, or failed: ours goes */
	if (!r && have_id)
		index_store(e, abs, &id, key.ptr);
out:
	if (r < 0) {
		free(entry);
		entry = NULL;
	}
	strvec_clear(&made);
	free(rec_member);
	free(di);
	free(tmp);
	free(wheels);
	free(abs);
	buf_free(&key);
	return entry;
}
