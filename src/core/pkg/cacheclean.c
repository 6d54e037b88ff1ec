/* Cache housekeeping (see cacheclean.h). */
#include "util/common.h"

#include <jansson.h>

#include "core/pkg/cacheclean.h"
#include "os/fs.h"
#include "os/link.h"
#include "os/sealfs.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

#define WHEELS "wheels-v2"
#define INDEX "wheel-index-v1"
#define INTERP_ENTRY_MAX (8u << 20)

uint64_t cache_tree_size(const char *path)
{
	struct os_lstat st;
	if (os_lstat(path, &st) < 0)
		return 0;
	if (st.kind != OS_KIND_DIR)
		return st.size;
	uint64_t total = 0;
	struct strvec names = STRVEC_INIT;
	if (os_list_dir(path, &names) == 0)
		for (size_t i = 0; i < names.n; i++) {
			char *p = path_join(path, names.v[i]);
			total += cache_tree_size(p);
			free(p);
		}
	strvec_clear(&names);
	return total;
}

void cache_human_size(struct buf *out, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	if (bytes < 1024) {
		buf_addf(out, "%llu bytes", (unsigned long long)bytes);
		return;
	}
	double v = (double)bytes / 1024;
	size_t u = 0;
	while (v >= 1024 && u + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	buf_addf(out, "%.1f %s", v, units[u]);
}

/* Removes path (a tree, links not followed), counting what it held. */
static int remove_counted(const char *path, struct cache_freed *f)
{
	uint64_t size = cache_tree_size(path);
	if (os_rm_rf(path) < 0)
		return error_errno("cannot remove '%s'", path);
	f->bytes += size;
	f->entries++;
	return 0;
}

/* A real directory (not a link to one) at path. */
static bool is_real_dir(const char *path)
{
	struct os_lstat st;
	return os_lstat(path, &st) == 0 && st.kind == OS_KIND_DIR;
}

/* Every regular file under path has one link, and there is at least one. */
static bool unlinked_tree(const char *path, size_t *files)
{
	struct os_lstat st;
	if (os_lstat(path, &st) < 0)
		return false;
	if (st.kind == OS_KIND_FILE) {
		++*files;
		return st.nlink == 1;
	}
	if (st.kind != OS_KIND_DIR)
		return true;
	struct strvec names = STRVEC_INIT;
	bool ok = os_list_dir(path, &names) == 0;
	for (size_t i = 0; ok && i < names.n; i++) {
		char *p = path_join(path, names.v[i]);
		ok = unlinked_tree(p, files);
		free(p);
	}
	strvec_clear(&names);
	return ok;
}

/* A sealed entry that no env links to. */
static bool entry_unused(const char *entry)
{
	char *seal = path_join(entry, "sealed");
	char *files = path_join(entry, "files");
	size_t n = 0;
	struct os_lstat st;
	bool r = os_lstat(seal, &st) == 0 && st.kind == OS_KIND_FILE && is_real_dir(files) &&
		 unlinked_tree(files, &n);
	free(seal);
	free(files);
	return r;
}

/* Moves entry into a new temp directory of ours (the sweep lock held) and
 * removes it there: an install sees the whole entry, or none. */
static int discard(const char *wheels, const char *entry, struct cache_freed *f)
{
	char *tmp = os_mkdtemp_in(wheels, ".tmp-");
	if (!tmp)
		return error_errno("cannot create a temporary directory in '%s'", wheels);
	char *owner = path_join(tmp, "owner");
	char *to = path_join(tmp, "entry");
	int fd = os_lock_owner(owner);
	uint64_t size = cache_tree_size(entry);
	int r = 0;
	if (fd < 0)
		r = error_errno("cannot lock '%s'", owner);
	else if (os_rename(entry, to) < 0 && errno != ENOENT)
		r = error_errno("cannot remove '%s'", entry);
	if (os_rm_rf(tmp) < 0 && !r)
		r = error_errno("cannot remove '%s'", tmp);
	if (!r) {
		f->bytes += size;
		f->entries++;
	}
	os_unlock(fd);
	free(to);
	free(owner);
	free(tmp);
	return r;
}

/* The wheel entries: all (clean) or the unused ones (prune); temp
 * directories of dead fills in both. */
static int sweep_wheels(const char *root, bool all, struct cache_freed *f)
{
	char *wheels = path_join(root, WHEELS);
	char *lock = path_join(wheels, ".sweep");
	struct strvec names = STRVEC_INIT;
	int sweep = -1, r = 0;
	if (!is_real_dir(wheels))
		goto out;
	if ((sweep = os_lock(lock)) < 0) {
		r = error_errno("cannot lock '%s'", lock);
		goto out;
	}
	if (os_list_dir(wheels, &names) < 0) {
		r = error_errno("cannot list '%s'", wheels);
		goto out;
	}
	for (size_t i = 0; i < names.n && !r; i++) {
		const char *n = names.v[i];
		char *p = path_join(wheels, n);
		if (!strcmp(n, ".sweep")) {
			/* the lock itself stays */
		} else if (!strncmp(n, ".tmp-", 5)) {
			char *owner = path_join(p, "owner");
			int fd = is_real_dir(p) ? os_lock_try(owner) : -1;
			if (fd >= 0 || errno != EWOULDBLOCK) /* its fill is dead */
				r = remove_counted(p, f);
			os_unlock(fd);
			free(owner);
		} else if (!is_real_dir(p)) {
			r = remove_counted(p, f); /* no entry: a link or a stray file */
		} else if (all || entry_unused(p)) {
			info(1, "removing the unpacked wheel '%s'", p);
			r = discard(wheels, p, f);
		}
		free(p);
	}
out:
	os_unlock(sweep);
	strvec_clear(&names);
	free(lock);
	free(wheels);
	return r;
}

/* The path an interpreter entry names, when it is one (new string). */
static char *interp_entry_path(const char *file)
{
	struct buf text = BUF_INIT;
	char *path = NULL;
	struct os_lstat st;
	if (os_lstat(file, &st) == 0 && st.kind == OS_KIND_FILE &&
	    os_read_file(file, INTERP_ENTRY_MAX, &text) == 0) {
		json_t *j = json_loadb(text.ptr, text.len, 0, NULL);
		json_t *p = j ? json_object_get(j, "path") : NULL;
		if (json_is_string(p))
			path = xstrdup(json_string_value(p));
		json_decref(j);
	}
	buf_free(&text);
	return path;
}

/* Interpreter entries: all (clean) or those of interpreters gone (prune). */
static int sweep_interps(const char *root, bool all, struct cache_freed *f)
{
	char *dir = path_join(root, "interpreters");
	struct strvec names = STRVEC_INIT;
	int r = 0;
	if (!is_real_dir(dir))
		goto out;
	if (os_list_dir(dir, &names) < 0) {
		r = error_errno("cannot list '%s'", dir);
		goto out;
	}
	for (size_t i = 0; i < names.n && !r; i++) {
		char *p = path_join(dir, names.v[i]);
		if (all) {
			r = remove_counted(p, f);
		} else if (ends_with(names.v[i], ".json")) {
			char *interp = interp_entry_path(p);
			if (interp && *interp == '/' && !os_exists(interp)) {
				info(1, "removing the entry of '%s' (gone)", interp);
				r = remove_counted(p, f);
			}
			free(interp);
		}
		free(p);
	}
out:
	strvec_clear(&names);
	free(dir);
	return r;
}

int cache_clean(const char *root, struct cache_freed *f)
{
	memset(f, 0, sizeof(*f));
	static const char *const old[] = { INDEX, "wheels-v1" };
	int r = sweep_wheels(root, true, f);
	if (!r)
		r = sweep_interps(root, true, f);
	for (size_t i = 0; i < ARRAY_SIZE(old) && !r; i++) {
		char *p = path_join(root, old[i]);
		struct os_lstat st;
		if (os_lstat(p, &st) == 0)
			r = remove_counted(p, f);
		free(p);
	}
	return r;
}

int cache_prune(const char *root, struct cache_freed *f)
{
	memset(f, 0, sizeof(*f));
	int r = sweep_wheels(root, false, f);
	if (!r)
		r = sweep_interps(root, false, f);
	return r;
}
