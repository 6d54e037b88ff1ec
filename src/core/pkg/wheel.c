/* Wheel file names and archive validation (see wheel.h). */
#include "util/common.h"

#include <ctype.h>
#include <stdatomic.h>
#include <strings.h>
#include <sys/stat.h>
#include <zip.h>

#include "core/pkg/cachemanifest.h"
#include "core/pkg/wheel.h"
#include "core/std/metadata.h"
#include "os/fs.h"
#include "os/readhead.h"
#include "util/buf.h"
#include "util/error.h"

/* Limits for what is read from an archive into memory. */
#define MAX_META (16u << 20)

/* What a wheel's zip headers may claim before anything is extracted
 * (docs/security/resources.md). Deflate cannot pack more than 1032 bytes
 * into one, so a member of over 1 MiB claiming a higher ratio is lying or
 * uses a method no wheel tool writes; the total bounds what one wheel may
 * ask of the disk (the largest real wheels unpack to a few GiB). */
#define MAX_RATIO 1100u
#define RATIO_FLOOR (1u << 20)
#define MAX_UNPACKED (32ull << 30)

/* An ASCII letter or digit (isalnum() in the C locale, without a call per
 * byte: every name of a find-links directory is checked, issue 18). */
static inline bool alnum(unsigned char c)
{
	return (unsigned)(c - '0') < 10 || (unsigned)((c | 0x20) - 'a') < 26;
}

static bool valid_name_part(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(alnum(c) || c == '_' || c == '.' || c == '+' || c == '!'))
			return false;
	}
	return true;
}

/* One tag part: a '.'-separated set of non-empty alphanumeric/underscore
 * tags. Returns how many, or -1. */
static long count_tags(const char *s, size_t n)
{
	long k = 1;
	size_t from = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			if (!alnum((unsigned char)s[i]) && s[i] != '_')
				return -1;
			continue;
		}
		if (i == from)
			return -1;
		k += i < n;
		from = i + 1;
	}
	return k;
}

/* Copies the k tags of s[0..n) (count_tags() checked them) to *text, each
 * with its NUL, and makes sv a vector of them over v (k + 1 slots): the
 * wheel name's allocation owns both (sv->cap stays 0). */
static void put_tags(const char *s, size_t n, size_t k, char **v, char **text, struct strvec *sv)
{
	char *t = *text;
	memcpy(t, s, n);
	t[n] = '\0';
	v[0] = t;
	for (size_t i = 0, j = 1; i < n; i++)
		if (t[i] == '.') {
			t[i] = '\0';
			v[j++] = t + i + 1;
		}
	v[k] = NULL;
	sv->v = v;
	sv->n = k;
	sv->cap = 0;
	*text = t + n + 1;
}

void wheel_name_free(struct wheel_name *wn)
{
	free(wn->mem); /* every string and tag vector lives in it */
	memset(wn, 0, sizeof(*wn));
	strvec_init(&wn->pythons);
	strvec_init(&wn->abis);
	strvec_init(&wn->platforms);
}

int wheel_name_parse(const char *filename, struct wheel_name *out)
{
	const char *base = strrchr(filename, '/');
	base = base ? base + 1 : filename;
	memset(out, 0, sizeof(*out));
	strvec_init(&out->pythons);
	strvec_init(&out->abis);
	strvec_init(&out->platforms);

	size_t len = strlen(base);
	if (len < 4 || strcmp(base + len - 4, ".whl"))
		return error("invalid wheel file name '%s': it does not end in .whl", base);
	len -= 4;
	const char *part[7];
	size_t plen[7];
	int n = 0;
	for (size_t i = 0, s = 0; i <= len; i++) {
		if (i == len || base[i] == '-') {
			if (n == 6)
				return error("invalid wheel file name '%s': too many '-' separated parts", base);
			part[n] = base + s;
			plen[n++] = i - s;
			s = i + 1;
		}
	}
	if (n != 5 && n != 6)
		return error("invalid wheel file name '%s': expected "
			     "name-version[-build]-python-abi-platform.whl", base);
	if (!valid_name_part(part[0], plen[0]) || !valid_name_part(part[1], plen[1]))
		return error("invalid wheel file name '%s': bad name or version", base);
	if (n == 6 && (!plen[2] || !isdigit((unsigned char)part[2][0]) ||
		       !valid_name_part(part[2], plen[2])))
		return error("invalid wheel file name '%s': a build tag must start with a digit", base);
	int t = n - 3;
	long k[3];
	for (int i = 0; i < 3; i++)
		if ((k[i] = count_tags(part[t + i], plen[t + i])) < 0)
			return error("invalid wheel file name '%s': bad compatibility tags", base);
	/* the tag vectors, then name, version, build and the tags, in one
	 * allocation (every wheel of a find-links directory is parsed, once
	 * per run: issue 18); the parts are at most len bytes, and a NUL each */
	size_t slots = (size_t)(k[0] + k[1] + k[2]) + 3;
	char **v = xmalloc(slots * sizeof(*v) + len + 7);
	char *b = (char *)(v + slots);
	out->mem = v;
	memcpy(b, part[0], plen[0]);
	b[plen[0]] = '\0';
	out->name = b;
	b += plen[0] + 1;
	memcpy(b, part[1], plen[1]);
	b[plen[1]] = '\0';
	out->version = b;
	b += plen[1] + 1;
	if (n == 6) {
		memcpy(b, part[2], plen[2]);
		b[plen[2]] = '\0';
		out->build = b;
		b += plen[2] + 1;
	}
	struct strvec *sets[3] = { &out->pythons, &out->abis, &out->platforms };
	for (int i = 0; i < 3; i++) {
		put_tags(part[t + i], plen[t + i], (size_t)k[i], v, &b, sets[i]);
		v += k[i] + 1;
	}
	return 0;
}

static void add_set(struct buf *out, const struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		if (i)
			buf_addch(out, '.');
		buf_addstr(out, sv->v[i]);
	}
}

void wheel_name_tags(const struct wheel_name *wn, struct buf *out)
{
	add_set(out, &wn->pythons);
	buf_addch(out, '-');
	add_set(out, &wn->abis);
	buf_addch(out, '-');
	add_set(out, &wn->platforms);
}

bool wheel_member_name_safe(const char *name)
{
	if (!*name || name[0] == '/')
		return false;
	const char *p = name;
	for (;;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0) /* empty part: "a//b", "a/" */
			return false;
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == '\\' || p[i] == 0x7f)
				return false;
		if (!e)
			return true;
		p = e + 1;
	}
}

int parse_headers(const char *text, size_t len,
		  int (*fn)(const char *key, const char *value, void *data), void *data)
{
	const char *p = text, *end = text + len;
	struct buf key = BUF_INIT, val = BUF_INIT;
	int ret = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		size_t n = (size_t)(le - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n == 0)
			break; /* the body starts */
		if ((p[0] == ' ' || p[0] == '\t') && key.len) {
			buf_addch(&val, '\n');
			buf_add(&val, p, n);
		} else {
			if (key.len && (ret = fn(key.ptr, val.ptr, data)) < 0)
				goto out;
			buf_reset(&key);
			buf_reset(&val);
			const char *colon = memchr(p, ':', n);
			if (colon) {
				buf_add(&key, p, (size_t)(colon - p));
				const char *v = colon + 1;
				while (v < p + n && (*v == ' ' || *v == '\t'))
					v++;
				buf_add(&val, v, (size_t)(p + n - v));
			}
		}
		p = eol ? eol + 1 : end;
	}
	if (key.len)
		ret = fn(key.ptr, val.ptr, data);
out:
	buf_free(&key);
	buf_free(&val);
	return ret < 0 ? -1 : 0;
}

/* Symbolic links are stored as Unix mode bits in the external attributes. */
static bool member_is_symlink(zip_t *za, zip_uint64_t i)
{
	zip_uint8_t opsys;
	zip_uint32_t attr;
	if (zip_file_get_external_attributes(za, i, 0, &opsys, &attr) < 0)
		return false;
	return opsys == ZIP_OPSYS_UNIX && S_ISLNK((attr >> 16) & 0170000);
}

int wheel_read_member(const struct wheel *w, const char *member, size_t max, struct buf *out)
{
	zip_stat_t st;
	if (zip_stat(w->zip, member, ZIP_FL_ENC_GUESS, &st) < 0)
		return error("cannot find '%s' in wheel '%s'", member, w->path);
	if ((st.valid & ZIP_STAT_SIZE) && st.size > max)
		return error("'%s' in wheel '%s' is too large", member, w->path);
	zip_file_t *zf = zip_fopen(w->zip, member, 0);
	if (!zf)
		return error("cannot read '%s' in wheel '%s': %s", member, w->path,
			     zip_strerror(w->zip));
	char chunk[16384];
	zip_int64_t n;
	while ((n = zip_fread(zf, chunk, sizeof(chunk))) > 0) {
		if (out->len + (size_t)n > max) {
			zip_fclose(zf);
			return error("'%s' in wheel '%s' is too large", member, w->path);
		}
		buf_add(out, chunk, (size_t)n);
	}
	int bad = n < 0;
	if (bad)
		error("cannot read '%s' in wheel '%s': %s", member, w->path, zip_file_strerror(zf));
	zip_fclose(zf);
	return bad ? -1 : 0;
}

/* Wheel-Version: dot-separated decimal numbers, read as pip reads them
 * (a tuple of ints: "1", "0.1", "1.0" all parse); major and minor are kept. */
static int on_wheel_field(const char *key, const char *value, void *data)
{
	struct wheel *w = data;
	if (!strcmp(key, "Wheel-Version")) {
		int v[2] = { 0, 0 }, i = 0;
		const char *p = value;
		for (;; i++) {
			if (!isdigit((unsigned char)*p))
				return error("invalid Wheel-Version '%s' in wheel '%s'", value, w->path);
			long n = 0;
			while (isdigit((unsigned char)*p) && n < 100000)
				n = n * 10 + (*p++ - '0');
			if (isdigit((unsigned char)*p))
				return error("invalid Wheel-Version '%s' in wheel '%s'", value, w->path);
			if (i < 2)
				v[i] = (int)n;
			if (!*p)
				break;
			if (*p++ != '.')
				return error("invalid Wheel-Version '%s' in wheel '%s'", value, w->path);
		}
		w->wheel_version[0] = v[0];
		w->wheel_version[1] = v[1];
	} else if (!strcmp(key, "Root-Is-Purelib")) {
		w->root_is_purelib = !strcasecmp(value, "true");
	}
	return 0;
}

static int on_metadata_field(const char *key, const char *value, void *data)
{
	struct wheel *w = data;
	if (!strcasecmp(key, "Name") && !w->meta_name)
		w->meta_name = xstrdup(value);
	else if (!strcasecmp(key, "Version") && !w->meta_version)
		w->meta_version = xstrdup(value);
	else if (!strcasecmp(key, "Requires-Python") && !w->requires_python)
		w->requires_python = xstrdup(value);
	else if (!strcasecmp(key, "Requires-Dist"))
		strvec_push(&w->requires_dist, value);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* No member twice: the names sorted once, neighbours compared (a check per
 * member against all the others made large wheels quadratic, issue 17.3). */
static int check_unique(struct wheel *w)
{
	int ret = 0;
	char **v = xcalloc(w->members.n + 1, sizeof(*v));
	memcpy(v, w->members.v, w->members.n * sizeof(*v));
	qsort(v, w->members.n, sizeof(*v), cmp_names);
	for (size_t i = 1; i < w->members.n && !ret; i++)
		if (!strcmp(v[i - 1], v[i]))
			ret = error("wheel '%s' has member '%s' twice", w->path, v[i]);
	free(v);
	return ret;
}

/* Lists members, checks names, and finds the single top-level .dist-info. */
static int scan_members(struct wheel *w)
{
	zip_int64_t n = zip_get_num_entries(w->zip, 0);
	struct strvec dist_infos = STRVEC_INIT;
	int ret = 0;
	for (zip_int64_t i = 0; i < n && !ret; i++) {
		const char *name = zip_get_name(w->zip, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
		if (!name) {
			ret = error("cannot read wheel '%s': %s", w->path, zip_strerror(w->zip));
			break;
		}
		size_t len = strlen(name);
		bool is_dir = len && name[len - 1] == '/';
		char *check = xstrndup(name, is_dir ? len - 1 : len);
		if (!wheel_member_name_safe(check)) {
			ret = error("wheel '%s' has an unsafe member name '%s'", w->path, name);
		} else if (member_is_symlink(w->zip, (zip_uint64_t)i)) {
			ret = error("wheel '%s' has a symbolic link '%s'", w->path, name);
		} else {
			const char *slash = strchr(check, '/');
			size_t top = slash ? (size_t)(slash - check) : strlen(check);
			if (top > 10 && !strncmp(check + top - 10, ".dist-info", 10) && (slash || is_dir)) {
				char *d = xstrndup(check, top);
				if (!strvec_contains(&dist_infos, d))
					strvec_push(&dist_infos, d);
				free(d);
			}
			if (!is_dir)
				strvec_push(&w->members, name);
		}
		free(check);
		if (dist_infos.n > 1)
			break; /* refused below */
	}
	if (!ret && dist_infos.n <= 1)
		ret = check_unique(w);
	if (!ret && dist_infos.n != 1)
		ret = error("wheel '%s' has %s .dist-info directory", w->path,
			    dist_infos.n ? "more than one" : "no");
	if (!ret)
		w->dist_info = xstrdup(dist_infos.v[0]);
	strvec_clear(&dist_infos);
	return ret;
}

/* Refuses a wheel whose zip headers claim an absurd size or ratio, before a
 * byte of it is extracted. Extraction then holds every member to its claimed
 * size (stage.c), so the claims bound the disk a wheel can use. */
static int check_claimed_sizes(struct wheel *w)
{
	zip_int64_t n = zip_get_num_entries(w->zip, 0);
	uint64_t total = 0;
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		if (zip_stat_index(w->zip, (zip_uint64_t)i, 0, &st) < 0 ||
		    (st.valid & (ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE)) !=
			    (ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE))
			return error("cannot read wheel '%s': %s", w->path, zip_strerror(w->zip));
		if (st.size > RATIO_FLOOR && st.size / MAX_RATIO > st.comp_size)
			return error("wheel '%s' has a member '%s' claiming %llu bytes from %llu "
				     "compressed: refused as a zip bomb", w->path, st.name,
				     (unsigned long long)st.size, (unsigned long long)st.comp_size);
		total += st.size < MAX_UNPACKED ? st.size : MAX_UNPACKED;
		if (total > MAX_UNPACKED)
			return error("wheel '%s' claims more than %llu GiB unpacked (at '%s'): "
				     "refused as a zip bomb", w->path, MAX_UNPACKED >> 30, st.name);
	}
	return 0;
}

/* The .dist-info name must belong to the project the file name says. */
static int check_dist_info_name(struct wheel *w)
{
	const char *dash = strchr(w->dist_info, '-');
	size_t n = dash ? (size_t)(dash - w->dist_info) : strlen(w->dist_info) - 10;
	char *a = name_canonicalize_n(w->dist_info, n);
	char *b = name_canonicalize_n(w->wn.name, strlen(w->wn.name));
	int ret = 0;
	if (strcmp(a, b))
		ret = error("wheel '%s' has .dist-info directory '%s' for another project",
			    w->path, w->dist_info);
	free(a);
	free(b);
	w->data_dir = xstrfmt("%.*s.data", (int)(strlen(w->dist_info) - 10), w->dist_info);
	return ret;
}

/* METADATA's Name must be the project the file name and the .dist-info
 * name say (PEP 503 normalized), as pip requires: the name decides which
 * installed project the wheel replaces, and evil-1.0-py3-none-any.whl whose
 * METADATA says "Name: victim" must not replace victim. */
static int check_meta_name(struct wheel *w)
{
	char *a = name_canonicalize_n(w->meta_name, strlen(w->meta_name));
	char *b = name_canonicalize_n(w->wn.name, strlen(w->wn.name));
	int ret = 0;
	if (strcmp(a, b))
		ret = error("wheel '%s' is named '%s' by its file name, but its METADATA says Name "
			    "'%s'", w->path, w->wn.name, w->meta_name);
	free(a);
	free(b);
	return ret;
}

static int read_dist_files(struct wheel *w)
{
	struct buf b = BUF_INIT;
	char *m = xstrfmt("%s/WHEEL", w->dist_info);
	int ret = wheel_read_member(w, m, MAX_META, &b);
	free(m);
	w->wheel_version[0] = -1;
	if (!ret)
		ret = parse_headers(b.ptr, b.len, on_wheel_field, w);
	if (!ret && w->wheel_version[0] < 0)
		ret = error("wheel '%s' has no Wheel-Version in its WHEEL file", w->path);
	/* as pip: a newer major version is refused, a newer minor one warned
	 * about, an older one (0.1, from 2012's tools) accepted */
	if (!ret && w->wheel_version[0] > 1)
		ret = error("wheel '%s' has Wheel-Version %d.%d; versions up to 1.x are supported",
			    w->path, w->wheel_version[0], w->wheel_version[1]);
	if (!ret && w->wheel_version[0] == 1 && w->wheel_version[1] > 0)
		warning("wheel '%s' has Wheel-Version %d.%d, newer than 1.0", w->path,
			w->wheel_version[0], w->wheel_version[1]);

	m = xstrfmt("%s/METADATA", w->dist_info);
	if (!ret && !(ret = wheel_read_member(w, m, MAX_META, w->metadata)))
		ret = parse_headers(w->metadata->ptr, w->metadata->len, on_metadata_field, w);
	free(m);
	if (!ret && (!w->meta_name || !w->meta_version))
		ret = error("wheel '%s' has no Name or Version in its METADATA", w->path);
	if (!ret)
		ret = check_meta_name(w);

	buf_reset(&b);
	m = xstrfmt("%s/RECORD", w->dist_info);
	if (!ret && !strvec_contains(&w->members, m))
		ret = error("wheel '%s' has no RECORD file", w->path);
	if (!ret && !(ret = wheel_read_member(w, m, MAX_META, &b)))
		ret = record_parse(b.ptr, b.len, w->path, &w->record);
	free(m);
	buf_free(&b);
	return ret;
}

/* Reads entry_points.txt, then sets aside the members not installed as
 * they are: signatures of RECORD, and setuptools' entry point wrappers. */
static int sort_members(struct wheel *w)
{
	char *m = xstrfmt("%s/entry_points.txt", w->dist_info);
	struct buf text = BUF_INIT;
	int ret = 0;
	if (strvec_contains(&w->members, m) && !(ret = wheel_read_member(w, m, MAX_META, &text)))
		ret = entry_points_parse(text.ptr, text.len, w->path, &w->eps);
	buf_free(&text);
	free(m);
	if (ret)
		return -1;
	char *jws = xstrfmt("%s/RECORD.jws", w->dist_info);
	char *p7s = xstrfmt("%s/RECORD.p7s", w->dist_info);
	char *scripts = xstrfmt("%s/scripts/", w->data_dir);
	size_t keep = 0;
	for (size_t i = 0; i < w->members.n; i++) {
		char *mb = w->members.v[i];
		if ((!strcmp(mb, jws) || !strcmp(mb, p7s)) && !record_find(&w->record, mb))
			strvec_push(&w->signatures, mb);
		else if (starts_with(mb, scripts) && !strchr(mb + strlen(scripts), '/') &&
			 entry_points_wrapper(&w->eps, mb + strlen(scripts)))
			strvec_push(&w->wrappers, mb);
		else {
			w->members.v[keep++] = mb;
			continue;
		}
		free(mb);
	}
	w->members.n = keep;
	w->members.v[keep] = NULL;
	free(jws);
	free(p7s);
	free(scripts);
	return 0;
}

/* Wheels up to WHEEL_IN_MEMORY are unzipped from memory: libzip reading
 * a file seeks and reads for every member (18,104 lseeks and 7,086 reads in
 * a cold install of 86 wheels, 1,040 reads from memory). But an install
 * holds its wheels open together (the plan opens them all, then they are
 * unpacked into the cache and staged), and an image of each would be fresh
 * memory: every 4 KiB of every wheel one page fault (11-15 us on a VM),
 * 11 MiB and 2,800 faults for the 86 wheels of the index bench's big set.
 * So the open archives share one image, this process's window: libzip
 * reads an archive through a source (image_read below) that serves its
 * reads from the window, loading the wheel's file whole into it when the
 * window holds another wheel. Each wheel is read whole about twice (when
 * the plan opens it, when it is unpacked), one wheel after the other, and
 * the window's pages are touched once per run. A file must still be the
 * one first read (device, inode, size, mtime) when it is read again, or
 * the read fails (ESTALE); what is extracted is held to RECORD as read
 * first in any case (stage.c). A wheel over the bound is read by path. */
#define WHEEL_IN_MEMORY ((size_t)32 << 20)

struct image_src {
	char *path;
	struct os_file_id id; /* of the file as first read; its size the bytes read */
	unsigned long serial; /* the window's owner when it holds this file */
	zip_uint64_t at;      /* the read offset */
	int err[2];           /* libzip's error code and errno, for ZIP_SOURCE_ERROR */
};

/* One window per thread (wheelcache_fill_ahead's threads unpack wheels
 * beside the main one); serials are unique across threads. */
static _Thread_local struct buf window = BUF_INIT;
static _Thread_local unsigned long window_owner; /* 0: the window holds nothing */
static atomic_ulong serials;

void wheel_window_free(void)
{
	buf_free(&window);
	window_owner = 0;
}

/* The window holds s's file, loaded when it does not. */
static int window_load(struct image_src *s)
{
	if (window_owner == s->serial)
		return 0;
	window_owner = 0;
	buf_reset(&window);
	struct os_file_id id;
	if (os_read_whole_id(s->path, WHEEL_IN_MEMORY, &s->id, &window, &id) < 0) {
		s->err[0] = ZIP_ER_READ;
		s->err[1] = errno;
		return -1;
	}
	window_owner = s->serial;
	return 0;
}

static zip_int64_t image_read(void *arg, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct image_src *s = arg;
	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		s->at = 0;
		return 0;
	case ZIP_SOURCE_READ: {
		if (window_load(s) < 0)
			return -1;
		zip_uint64_t left = s->at < window.len ? window.len - s->at : 0;
		zip_uint64_t n = len < left ? len : left;
		if (n > INT64_MAX)
			n = INT64_MAX;
		if (n)
			memcpy(data, window.ptr + s->at, (size_t)n);
		s->at += n;
		return (zip_int64_t)n;
	}
	case ZIP_SOURCE_CLOSE:
		return 0;
	case ZIP_SOURCE_STAT: {
		if (len < sizeof(zip_stat_t))
			break;
		zip_stat_t *st = data;
		memset(st, 0, sizeof(*st));
		st->size = s->id.size;
		st->valid = ZIP_STAT_SIZE;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR:
		if (len < sizeof(s->err))
			break;
		memcpy(data, s->err, sizeof(s->err));
		return sizeof(s->err);
	case ZIP_SOURCE_FREE:
		if (window_owner == s->serial)
			window_owner = 0;
		free(s->path);
		free(s);
		return 0;
	case ZIP_SOURCE_SEEK: {
		if (len < sizeof(zip_source_args_seek_t))
			break;
		const zip_source_args_seek_t *a = data;
		zip_int64_t base = a->whence == SEEK_SET   ? 0
				   : a->whence == SEEK_CUR ? (zip_int64_t)s->at
				   : a->whence == SEEK_END ? (zip_int64_t)s->id.size
							   : -1;
		if (base < 0 || (a->offset < 0 && a->offset < -base) ||
		    (a->offset > 0 && (zip_uint64_t)a->offset > s->id.size - (zip_uint64_t)base))
			break;
		s->at = (zip_uint64_t)(base + a->offset);
		return 0;
	}
	case ZIP_SOURCE_TELL:
		return (zip_int64_t)s->at;
	case ZIP_SOURCE_SUPPORTS:
		return ZIP_SOURCE_SUPPORTS_SEEKABLE;
	default:
		s->err[0] = ZIP_ER_OPNOTSUPP;
		s->err[1] = 0;
		return -1;
	}
	s->err[0] = ZIP_ER_INVAL;
	s->err[1] = 0;
	return -1;
}

/* Opens w->path's archive into w->zip (through the window when it fits). */
static int open_zip(struct wheel *w)
{
	zip_error_t ze;
	zip_error_init(&ze);
	struct image_src *s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(w->path);
	s->serial = atomic_fetch_add(&serials, 1) + 1;
	window_owner = 0;
	buf_reset(&window);
	if (os_read_whole_id(w->path, WHEEL_IN_MEMORY, NULL, &window, &s->id) == 0) {
		s->id.size = window.len; /* what was read, if the file changed meanwhile */
		window_owner = s->serial;
		zip_source_t *src = zip_source_function_create(image_read, s, &ze);
		if (!src) {
			free(s->path);
			free(s);
		} else if (!(w->zip = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze))) {
			zip_source_free(src);
		}
	} else {
		int e = errno;
		free(s->path);
		free(s);
		if (e == EFBIG) {
			int zerr = 0;
			if (!(w->zip = zip_open(w->path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr)))
				zip_error_set(&ze, zerr, 0);
		} else {
			/* the codes zip_open() gives for a file it cannot open */
			zip_error_set(&ze, e == ENOENT ? ZIP_ER_NOENT : ZIP_ER_OPEN,
				      e == ENOENT ? 0 : e);
		}
	}
	int r = 0;
	if (!w->zip)
		r = error("cannot open wheel '%s': %s", w->path, zip_error_strerror(&ze));
	zip_error_fini(&ze);
	return r;
}

void wheel_init(struct wheel *w, const char *path)
{
	memset(w, 0, sizeof(*w));
	w->path = xstrdup(path);
	strvec_init(&w->members);
	strvec_init(&w->requires_dist);
	strvec_init(&w->signatures);
	strvec_init(&w->wrappers);
}

int wheel_open(const char *path, struct wheel *w)
{
	wheel_init(w, path);
	w->metadata = xcalloc(1, sizeof(*w->metadata));
	buf_init(w->metadata);
	if (wheel_name_parse(path, &w->wn) < 0) {
		wheel_close(w);
		return -1;
	}
	if (open_zip(w) < 0) {
		wheel_close(w);
		return -1;
	}
	if (scan_members(w) < 0 || check_claimed_sizes(w) < 0 || check_dist_info_name(w) < 0 ||
	    read_dist_files(w) < 0 || sort_members(w) < 0) {
		wheel_close(w);
		return -1;
	}
	return 0;
}

void wheel_close(struct wheel *w)
{
	if (w->zip)
		zip_discard(w->zip);
	wheel_name_free(&w->wn);
	free(w->path);
	free(w->data_dir);
	if (w->metadata) {
		buf_free(w->metadata);
		free(w->metadata);
	}
	if (!w->seal_strings) { /* else the seal's, freed with it */
		free(w->dist_info);
		free(w->meta_name);
		free(w->meta_version);
		free(w->requires_python);
		strvec_clear(&w->requires_dist);
		entry_points_free(&w->eps);
	}
	strvec_clear(&w->members);
	strvec_clear(&w->signatures);
	strvec_clear(&w->wrappers);
	record_free(&w->record);
	if (w->check) /* before the rows it reads go */
		w->check->drop(w->check);
	if (w->seal) /* &w->seal_store */
		manifest_free(w->seal);
	free(w->filled);
	memset(w, 0, sizeof(*w));
}
