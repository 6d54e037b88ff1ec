/* The index client (see index.h): project pages, metadata and downloads as
 * jobs on one HTTP session, with the HTTP cache under <cache>/http-v1.
 *
 * Cache layout (every file written to a temp name and renamed in, so
 * concurrent runs see whole entries; every entry checked on use):
 *   http-v1/pages/<sha256 of URL and Accept>     page entries (httpcache.h)
 *   http-v1/metadata/<wheel sha256>.entry        METADATA per file hash
 *   wheel-files-v1/<sha256>/<filename>           wheels, content-addressed
 *   wheel-files-v1/<sha256>/.<filename>.checked  what each was checked to be
 * The page key is made from the URL without its credentials. */
#include "util/common.h"

#include "core/index/httpcache.h"
#include "core/index/index.h"
#include "core/index/page.h"
#include "core/index/url.h"
#include "core/index/zipdir.h"
#include "core/pkg/record.h"
#include "core/std/metadata.h"
#include "core/pkg/wheel.h"
#include "os/fs.h"
#include "os/readhead.h"
#include "os/http.h"
#include "util/buf.h"
#include "util/error.h"

#define ACCEPT_SIMPLE                                                                  \
	"application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, " \
	"text/html;q=0.01"
#define MAX_PAGE (64u << 20)
#define MAX_METADATA (16u << 20)
#define MAX_WHEEL (4096ull << 20)

enum job_kind { JOB_PAGE, JOB_META, JOB_DOWNLOAD };

/* A page of one source for one project (or a find-links page). */
struct page_job {
	struct index_client *c;
	char *url;       /* with credentials */
	char *cache_key; /* path of the cache entry, or NULL */
	struct http_request req;
	bool started, finished, failed, not_found;
	struct buf why;
	struct buf body; /* the page text */
	char *base;      /* URL relative links resolve against */
	char *content_type;
	struct httpcache_entry cached;
	struct buf cached_text;
	char body_sha256[65]; /* of body (hex), "" when not known */
};

struct project_slot {
	char *name; /* canonical */
	struct page_job **pages; /* one per index (NULL: not asked yet) */
	bool done;
	bool failed;
	struct index_project p;
};

enum meta_step { META_PEP658, META_TAIL, META_CD, META_MEMBER, META_FULL };

/* What a wheel in the store was found to be (see "the wheel store's check
 * stamps" below). */
struct stamp {
	bool valid;           /* read (or made) for the file as it is now */
	bool dirty;           /* to be written */
	struct os_file_id id; /* the file's identity when it was hashed */
	struct strvec hashes; /* "algo:hex" it was found to have */
	char *requires_dist;  /* digest of its own Requires-Dist, or NULL */
};

struct file_job {
	struct index_client *c;
	const struct index_file *f;
	enum job_kind kind;
	enum meta_step step;
	struct http_request req;
	bool started, finished, failed;
	bool checked;        /* download: compared with the metadata used */
	struct buf why;
	struct buf result;   /* METADATA text (empty once dropped) */
	/* its Requires-Dist values and Requires-Python, once read out of the
	 * text (index_metadata_deps), which may then be dropped */
	bool deps_read, dropped;
	struct strvec requires_dist;
	char *requires_python;
	char *path;          /* the downloaded wheel */
	char *tmp;           /* download temp file */
	int fd;
	struct zipdir_member zm;
	uint64_t total;
	char range[64];
	char *meta_url;
	char *sha256;        /* download: the file's sha256 (hex) when known */
	bool stored;         /* download: path is in the wheel store */
	struct stamp stamp;  /* download: its check stamp (stored only) */
	struct file_job *next;
};

struct find_link {
	char *entry;        /* as configured */
	char *dir;          /* a local directory, or NULL */
	struct strvec names; /* its entries, sorted, read once (listed) */
	bool listed;
	struct page_job *page; /* an http(s) or file:// page */
};

struct index_client {
	struct index_config cfg;
	char *cache_dir;
	char *tmpdir; /* downloads without a cache */
	struct http_options ho;   /* the session's options (strings in cfg) */
	struct http_session *http; /* started by the first request (client_http) */
	struct project_slot **projects;
	size_t nprojects;
	struct file_job *files; /* metadata and download jobs */
	struct find_link *links;
	size_t nlinks;
	struct index_project **direct; /* one file each: direct URL requirements */
	size_t ndirect;
	struct index_stats stats;
	uint64_t progress_ms; /* when the progress line was last drawn */
	bool swept;           /* stale download temp files removed */
	bool progress_shown;
};

void index_config_init(struct index_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strvec_init(&cfg->index_urls);
	strvec_init(&cfg->find_links);
}

void index_config_release(struct index_config *cfg)
{
	strvec_clear(&cfg->index_urls);
	strvec_clear(&cfg->find_links);
}

static int64_t now_s(void)
{
	return http_time_s();
}

/* ---- progress ---- */

/* The progress line on stderr (cfg.progress: cmd/ sets it for a terminal
 * without -q), redrawn at most every 100 ms; force draws it now. */
static void progress(struct index_client *c, bool force)
{
	if (!c->cfg.progress)
		return;
	uint64_t now = http_monotonic_ms();
	if (!force && now - c->progress_ms < 100)
		return;
	c->progress_ms = now;
	c->progress_shown = true;
	fprintf(stderr, "\r\033[K%zu requests, %zu from the cache, %.1f MiB", c->stats.requests,
		c->stats.cache_hits, (double)c->stats.bytes_downloaded / (1024.0 * 1024.0));
	fflush(stderr);
}

static void progress_clear(struct index_client *c)
{
	if (c->progress_shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		c->progress_shown = false;
	}
}

/* ---- cache files ---- */

static int sha256_hex(const void *data, size_t len, struct buf *hex)
{
	struct record_hash *h = record_hash_new("sha256");
	if (!h)
		return -1;
	record_hash_update(h, data, len);
	return record_hash_finish_hex(h, hex);
}

static char *cache_path(struct index_client *c, const char *sub, const char *key)
{
	if (!c->cache_dir)
		return NULL;
	return xstrfmt("%s/http-v1/%s/%s", c->cache_dir, sub, key);
}

/* Stores body in an entry at path (temp + rename); failures only warn: the
 * cache is an optimisation. */
static void cache_store(const char *path, const struct httpcache_entry *e, const char *body,
			size_t len)
{
	/* one buffer for the run's entries: a fresh one per entry touched new
	 * memory for every page and .metadata file stored (a page fault per
	 * 4 KiB, 11-15 us on a VM) */
	static struct buf text = BUF_INIT;
	buf_reset(&text);
	if (!path || httpcache_format(&text, e, body, len) < 0)
		return;
	char *dir = os_dirname(path);
	if (os_mkdir_p(dir, 0755) < 0 || os_write_atomic(path, text.ptr, text.len, 0644, false) < 0)
		warning("cannot write the HTTP cache entry '%s': %s", path, strerror(errno));
	free(dir);
}

/* Appends a response's body to dst: the body's own buffer when dst is
 * empty (no copy of what can be megabytes), else a copy. src is left
 * empty. */
static void take_body(struct buf *dst, struct buf *src)
{
	if (dst->len) {
		buf_add(dst, src->ptr, src->len);
	} else {
		struct buf t = *dst;
		*dst = *src;
		*src = t;
	}
	buf_reset(src);
}

/* Reads and checks the entry at path; false when absent or bad (a bad
 * entry is removed with a warning). */
static bool cache_load(const char *path, const char *url, struct buf *text,
		       struct httpcache_entry *e)
{
	if (!path || os_read_file(path, MAX_PAGE + HTTPCACHE_MAX_HEADER, text) < 0)
		return false;
	struct buf why = BUF_INIT;
	bool ok = httpcache_parse(text->ptr, text->len, e, &why) == 0;
	if (ok && url && strcmp(e->url, url)) {
		httpcache_entry_release(e);
		ok = false;
	} else if (!ok) {
		warning("ignoring the HTTP cache entry '%s': %s", path, why.ptr);
		(void)os_unlink(path);
	}
	buf_free(&why);
	return ok;
}

/* Makes text (an entry read by cache_load, e its parse) hold only the
 * entry's body, moved to its start: the body is kept without a second
 * buffer (a warm run reads a megabyte of METADATA; every fresh heap page is
 * a page fault). e is released. */
static void cache_keep_body(struct buf *text, struct httpcache_entry *e)
{
	size_t off = (size_t)(e->body - text->ptr), n = e->body_len;
	httpcache_entry_release(e);
	memmove(text->ptr, text->ptr + off, n);
	buf_setlen(text, n);
}

/* ---- the wheel store's check stamps ----
 *
 * A wheel in wheel-files-v1/<sha256>/<filename> was hash-checked when it was
 * stored; checking it again on every use would read every wheel of a warm
 * install in full. As the unpacked-wheel cache does with its seals, the
 * check is remembered beside it, in .<filename>.checked: the file's identity
 * (device, inode, size, mtime, ctime) when it was hashed, the hashes it was
 * found to have, and the digest of its own Requires-Dist once compared with
 * the metadata a resolver used. A use whose file still has that identity
 * trusts those facts; any write to the file changes its ctime (which no
 * program can set back), so an altered wheel is hashed again and removed
 * when it no longer matches. The stamp is untrusted input: anything
 * malformed, or for another identity, is as if absent. */

#define STAMP_MAGIC "cvenv-wheel-checked-v1"
#define STAMP_MAX 4096

static void stamp_release(struct stamp *st)
{
	strvec_clear(&st->hashes);
	free(st->requires_dist);
	memset(st, 0, sizeof(*st));
	strvec_init(&st->hashes);
}

static char *stamp_path(const char *wheel)
{
	const char *slash = strrchr(wheel, '/');
	size_t dl = slash ? (size_t)(slash - wheel) + 1 : 0;
	return xstrfmt("%.*s.%s.checked", (int)dl, wheel, wheel + dl);
}

static bool stamp_word_ok(const char *v)
{
	if (!*v)
		return false;
	for (; *v; v++)
		if (!((*v >= 'a' && *v <= 'z') || (*v >= '0' && *v <= '9') || *v == ':'))
			return false;
	return true;
}

/* One line of a stamp into st; false when malformed. */
static bool stamp_line(struct stamp *st, const char *line)
{
	if (starts_with(line, "id ")) {
		struct os_file_id *id = &st->id;
		unsigned long long d, i, sz;
		long long ms, mn, cs, cn;
		int end = -1;
		if (sscanf(line + 3, "%llu %llu %llu %lld %lld %lld %lld%n", &d, &i, &sz, &ms, &mn,
			   &cs, &cn, &end) != 7 || end < 0 || line[3 + end])
			return false;
		*id = (struct os_file_id){ d, i, sz, ms, mn, cs, cn };
		return true;
	}
	if (starts_with(line, "hash ") && stamp_word_ok(line + 5) && strchr(line + 5, ':')) {
		strvec_push(&st->hashes, line + 5);
		return true;
	}
	if (starts_with(line, "requires-dist ") && stamp_word_ok(line + 14) && !st->requires_dist) {
		st->requires_dist = xstrdup(line + 14);
		return true;
	}
	return false;
}

static bool same_id(const struct os_file_id *a, const struct os_file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime_sec == b->mtime_sec && a->mtime_nsec == b->mtime_nsec &&
	       a->ctime_sec == b->ctime_sec && a->ctime_nsec == b->ctime_nsec;
}

/* Reads the stamp of the wheel at path: valid when well-formed and made for
 * the file as it is now. */
static void stamp_load(const char *wheel, struct stamp *st)
{
	stamp_release(st);
	char *sp = stamp_path(wheel);
	struct buf text = BUF_INIT;
	struct os_file_id now;
	bool ok = os_read_file(sp, STAMP_MAX, &text) == 0 && os_file_id(wheel, &now) == 0 &&
		  text.len && !memchr(text.ptr, '\0', text.len) && text.ptr[text.len - 1] == '\n';
	bool have_id = false;
	for (char *line = ok ? text.ptr : NULL, *nl; ok && line && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = '\0';
		if (line == text.ptr)
			ok = !strcmp(line, STAMP_MAGIC);
		else
			ok = stamp_line(st, line);
		have_id = have_id || starts_with(line, "id ");
	}
	if (ok && have_id && same_id(&st->id, &now))
		st->valid = true;
	else
		stamp_release(st);
	buf_free(&text);
	free(sp);
}

/* Writes the stamp of the wheel at path (temp + rename); failures only
 * warn, as for the HTTP cache. */
static void stamp_save(const char *wheel, struct stamp *st)
{
	if (!st->valid || !st->dirty)
		return;
	st->dirty = false;
	struct buf text = BUF_INIT;
	const struct os_file_id *id = &st->id;
	buf_addf(&text, STAMP_MAGIC "\nid %llu %llu %llu %lld %lld %lld %lld\n",
		 (unsigned long long)id->dev, (unsigned long long)id->ino,
		 (unsigned long long)id->size, (long long)id->mtime_sec, (long long)id->mtime_nsec,
		 (long long)id->ctime_sec, (long long)id->ctime_nsec);
	for (size_t i = 0; i < st->hashes.n; i++)
		buf_addf(&text, "hash %s\n", st->hashes.v[i]);
	if (st->requires_dist)
		buf_addf(&text, "requires-dist %s\n", st->requires_dist);
	char *sp = stamp_path(wheel);
	if (os_write_atomic(sp, text.ptr, text.len, 0644, false) < 0)
		warning("cannot write the cache stamp '%s': %s", sp, strerror(errno));
	free(sp);
	buf_free(&text);
}

/* True when the stamp vouches for every hash in hashes. */
static bool stamp_covers(const struct stamp *st, const struct strvec *hashes)
{
	if (!st->valid)
		return false;
	for (size_t i = 0; i < hashes->n; i++)
		if (!strvec_contains(&st->hashes, hashes->v[i]))
			return false;
	return true;
}

/* The sha256 (hex) of a list of Requires-Dist values, each length-prefixed
 * (so that two lists hash alike only when they are equal). */
static int requires_dist_digest(const struct strvec *rd, struct buf *hex)
{
	struct record_hash *h = record_hash_new("sha256");
	if (!h)
		return -1;
	for (size_t i = 0; i < rd->n; i++) {
		char len[32];
		int n = snprintf(len, sizeof(len), "%zu:", strlen(rd->v[i]));
		record_hash_update(h, len, (size_t)n);
		record_hash_update(h, rd->v[i], strlen(rd->v[i]));
	}
	return record_hash_finish_hex(h, hex);
}

struct multi_hash {
	struct record_hash **h;
	size_t n;
};

static void multi_update(const void *data, size_t len, void *arg)
{
	struct multi_hash *m = arg;
	for (size_t i = 0; i < m->n; i++)
		record_hash_update(m->h[i], data, len);
}

/* Hashes the file at path in one read, with sha256 and every algorithm of
 * hashes, and checks it against each of hashes. 0 with the sha256 (hex)
 * appended to sha and every "algo:hex" found pushed to found; -1 with the
 * reason in why (a mismatch, an algorithm cvenv does not hash with, a read error). */
static int verify_file(const struct strvec *hashes, const char *path, struct buf *sha,
		       struct strvec *found, struct buf *why)
{
	struct strvec algos = STRVEC_INIT;
	strvec_push(&algos, "sha256");
	for (size_t i = 0; i < hashes->n; i++) {
		const char *colon = strchr(hashes->v[i], ':');
		char *algo = xstrndup(hashes->v[i], (size_t)(colon - hashes->v[i]));
		if (!strvec_contains(&algos, algo))
			strvec_push(&algos, algo);
		free(algo);
	}
	struct multi_hash m = { xcalloc(algos.n, sizeof(*m.h)), algos.n };
	int ret = -1;
	for (size_t i = 0; i < algos.n; i++)
		if (!(m.h[i] = record_hash_new(algos.v[i]))) {
			buf_addf(why, "cannot compute its %s digest", algos.v[i]);
			goto out;
		}
	bool read_ok = os_read_each(path, multi_update, &m) == 0;
	int e = errno;
	for (size_t i = 0; i < algos.n; i++) {
		struct buf hex = BUF_INIT;
		int r = record_hash_finish_hex(m.h[i], &hex);
		m.h[i] = NULL;
		if (r == 0)
			strvec_pushf(found, "%s:%s", algos.v[i], hex.ptr);
		if (r == 0 && i == 0)
			buf_addstr(sha, hex.ptr);
		buf_free(&hex);
		if (r < 0 && !why->len)
			buf_addf(why, "cannot compute its %s digest", algos.v[i]);
	}
	if (!read_ok) {
		buf_reset(why);
		buf_addf(why, "cannot read it: %s", strerror(e));
		goto out;
	}
	if (why->len)
		goto out;
	for (size_t i = 0; i < hashes->n; i++)
		if (!strvec_contains(found, hashes->v[i])) {
			const char *colon = strchr(hashes->v[i], ':');
			const char *have = NULL;
			for (size_t k = 0; k < found->n && !have; k++)
				if (!strncmp(found->v[k], hashes->v[i], (size_t)(colon - hashes->v[i]) + 1))
					have = found->v[k];
			buf_addf(why, "hash mismatch: expected %s, the file has %s", hashes->v[i],
				 have ? have : "another");
			goto out;
		}
	ret = 0;
out:
	for (size_t i = 0; i < m.n; i++)
		if (m.h[i]) {
			struct buf scratch = BUF_INIT;
			record_hash_finish_hex(m.h[i], &scratch); /* releases it */
			buf_free(&scratch);
		}
	free(m.h);
	strvec_clear(&algos);
	return ret;
}

/* ---- client ---- */

static void copy_str(const char **dst, const char *src)
{
	*dst = src ? xstrdup(src) : NULL;
}

struct index_client *index_client_new(const struct index_config *cfg)
{
	struct index_client *c = xcalloc(1, sizeof(*c));
	index_config_init(&c->cfg);
	strvec_pushv(&c->cfg.index_urls, (const char *const *)cfg->index_urls.v);
	strvec_pushv(&c->cfg.find_links, (const char *const *)cfg->find_links.v);
	c->cfg.strategy = cfg->strategy;
	c->cfg.offline = cfg->offline;
	c->cfg.refresh = cfg->refresh;
	c->cfg.progress = cfg->progress;
	copy_str(&c->cfg.ca_file, cfg->ca_file);
	copy_str(&c->cfg.ca_dir, cfg->ca_dir);
	copy_str(&c->cfg.client_cert, cfg->client_cert);
	copy_str(&c->cfg.netrc_file, cfg->netrc_file);
	copy_str(&c->cfg.tmp_dir, cfg->tmp_dir);
	c->cache_dir = cfg->cache_dir ? xstrdup(cfg->cache_dir) : NULL;
	c->ho = (struct http_options){
		.ca_file = c->cfg.ca_file,
		.ca_dir = c->cfg.ca_dir,
		.client_cert = c->cfg.client_cert,
		.netrc_file = c->cfg.netrc_file,
		.connect_timeout_s = cfg->connect_timeout_s,
		.stall_timeout_s = cfg->timeout_s,
		.retries = cfg->retries,
		.max_parallel = cfg->max_parallel,
	};
	c->nlinks = c->cfg.find_links.n;
	c->links = xcalloc(c->nlinks + 1, sizeof(*c->links));
	for (size_t i = 0; i < c->nlinks; i++) {
		const char *fl = c->cfg.find_links.v[i];
		c->links[i].entry = xstrdup(fl);
		strvec_init(&c->links[i].names);
		char *path = starts_with(fl, "file:") ? url_to_path(fl) : NULL;
		if (!path && !strstr(fl, "://"))
			path = os_abspath(fl);
		if (path && os_is_dir(path))
			c->links[i].dir = path;
		else
			free(path);
	}
	return c;
}

/* The HTTP session, started on the first request: a run the cache answers
 * whole (fresh pages, cached metadata and wheels) never starts libcurl. NULL
 * with the reason in why when it cannot start. */
static struct http_session *client_http(struct index_client *c, struct buf *why)
{
	if (!c->http)
		c->http = http_session_new(&c->ho, why);
	return c->http;
}

static void page_job_free(struct page_job *j)
{
	if (!j)
		return;
	http_request_release(&j->req);
	free(j->url);
	free(j->cache_key);
	buf_free(&j->why);
	buf_free(&j->body);
	free(j->base);
	free(j->content_type);
	httpcache_entry_release(&j->cached);
	buf_free(&j->cached_text);
	free(j);
}

void index_client_free(struct index_client *c)
{
	if (!c)
		return;
	progress_clear(c);
	/* the session first: it may still point at requests of jobs */
	http_session_free(c->http);
	for (size_t i = 0; i < c->nprojects; i++) {
		struct project_slot *s = c->projects[i];
		for (size_t k = 0; k < c->cfg.index_urls.n; k++)
			page_job_free(s->pages[k]);
		free(s->pages);
		free(s->name);
		index_project_release(&s->p);
		free(s);
	}
	free(c->projects);
	while (c->files) {
		struct file_job *j = c->files;
		c->files = j->next;
		http_request_release(&j->req);
		buf_free(&j->why);
		buf_free(&j->result);
		strvec_clear(&j->requires_dist);
		free(j->requires_python);
		if (j->fd >= 0)
			http_tmpfile_close(j->fd);
		if (j->tmp)
			(void)os_unlink(j->tmp);
		free(j->tmp);
		free(j->path);
		free(j->meta_url);
		free(j->sha256);
		stamp_release(&j->stamp);
		free(j);
	}
	for (size_t i = 0; i < c->nlinks; i++) {
		free(c->links[i].entry);
		free(c->links[i].dir);
		strvec_clear(&c->links[i].names);
		page_job_free(c->links[i].page);
	}
	free(c->links);
	for (size_t i = 0; i < c->ndirect; i++) {
		index_project_release(c->direct[i]);
		free(c->direct[i]);
	}
	free(c->direct);
	if (c->tmpdir)
		(void)os_rm_rf(c->tmpdir);
	free(c->tmpdir);
	free(c->cache_dir);
	free((char *)c->cfg.ca_file);
	free((char *)c->cfg.ca_dir);
	free((char *)c->cfg.client_cert);
	free((char *)c->cfg.netrc_file);
	free((char *)c->cfg.tmp_dir);
	index_config_release(&c->cfg);
	free(c);
}

/* ---- pages ---- */

/* Ends a job (page or file) in failure, with why as the formatted reason. */
static void end_failed(struct buf *why, bool *failed, bool *finished, const char *fmt,
		       va_list ap) PRINTF_LIKE(4, 0);
static void end_failed(struct buf *why, bool *failed, bool *finished, const char *fmt,
		       va_list ap)
{
	buf_reset(why);
	buf_vaddf(why, fmt, ap);
	*failed = true;
	*finished = true;
}

static void page_fail(struct page_job *j, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void page_fail(struct page_job *j, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	end_failed(&j->why, &j->failed, &j->finished, fmt, ap);
	va_end(ap);
}

/* A project the server says does not exist (404, 410): a negative cache
 * entry with the response's validators and age, so that --offline can say
 * so and a later run revalidates it like a page. */
static void page_not_found(struct page_job *j, struct http_request *r)
{
	int64_t age = httpcache_max_age(r->cache_control);
	if (age >= 0 && j->cache_key) {
		char *plain = url_without_userinfo(j->url);
		struct httpcache_entry e = { .url = plain, .etag = r->etag,
					     .last_modified = r->last_modified,
					     .stored = now_s(), .max_age = age, .status = r->status };
		cache_store(j->cache_key, &e, "", 0);
		free(plain);
	}
	j->not_found = true;
	j->finished = true;
}

static void page_done(struct http_request *r, void *arg)
{
	struct page_job *j = arg;
	struct index_client *c = j->c;
	progress(c, false);
	if (r->status == 404 || r->status == 410) {
		page_not_found(j, r);
		return;
	}
	if (r->failed) {
		page_fail(j, "%s", r->why.ptr);
		return;
	}
	const char *base = r->effective_url ? r->effective_url : j->url;
	if (r->status == 304 && j->cached.body && j->cached.status) {
		/* still gone */
		c->stats.revalidated++;
		j->cached.stored = now_s();
		int64_t age = httpcache_max_age(r->cache_control);
		j->cached.max_age = age ? age : j->cached.max_age;
		cache_store(j->cache_key, &j->cached, "", 0);
		j->not_found = true;
		j->finished = true;
		return;
	} else if (r->status == 304 && j->cached.body) {
		c->stats.revalidated++;
		buf_add(&j->body, j->cached.body, j->cached.body_len);
		memcpy(j->body_sha256, j->cached.body_sha256, sizeof(j->body_sha256));
		j->content_type = j->cached.content_type ? xstrdup(j->cached.content_type) : NULL;
		int64_t age = httpcache_max_age(r->cache_control);
		age = age ? age : j->cached.max_age;
		/* a new stored time matters only to an entry that can be fresh:
		 * one revalidated on every use is left as it is (no rewrite) */
		if (age > 0) {
			j->cached.stored = now_s();
			j->cached.max_age = age;
			cache_store(j->cache_key, &j->cached, j->cached.body, j->cached.body_len);
		}
	} else if (r->status >= 200 && r->status < 300) {
		take_body(&j->body, &r->body);
		j->content_type = r->content_type ? xstrdup(r->content_type) : NULL;
		int64_t age = httpcache_max_age(r->cache_control);
		struct buf hex = BUF_INIT;
		if (age >= 0 && j->cache_key && sha256_hex(j->body.ptr, j->body.len, &hex) == 0)
			snprintf(j->body_sha256, sizeof(j->body_sha256), "%s", hex.ptr);
		buf_free(&hex);
		if (age >= 0 && j->cache_key) {
			char *plain = url_without_userinfo(j->url);
			struct httpcache_entry e = { .url = plain, .etag = r->etag,
						     .last_modified = r->last_modified,
						     .content_type = r->content_type,
						     .stored = now_s(), .max_age = age };
			cache_store(j->cache_key, &e, j->body.ptr, j->body.len);
			free(plain);
		}
	} else {
		page_fail(j, "HTTP status %ld", r->status);
		return;
	}
	j->base = xstrdup(base);
	j->finished = true;
}

/* Reads a file:// page: a directory's index.html, or the file. */
static void page_read_file(struct page_job *j)
{
	char *path = url_to_path(j->url);
	if (!path) {
		page_fail(j, "not a local file URL");
		return;
	}
	char *file = os_is_dir(path) ? path_join(path, "index.html") : xstrdup(path);
	if (os_read_file(file, MAX_PAGE, &j->body) < 0) {
		if (errno == ENOENT)
			j->not_found = true;
		else
			page_fail(j, "%s", strerror(errno));
	}
	j->base = xstrdup(j->url);
	j->finished = true;
	free(file);
	free(path);
}

static struct page_job *page_job_new(struct index_client *c, const char *url)
{
	struct page_job *j = xcalloc(1, sizeof(*j));
	j->c = c;
	j->url = xstrdup(url);
	j->req.fd = -1;
	buf_init(&j->why);
	buf_init(&j->body);
	buf_init(&j->cached_text);
	if (c->cache_dir && url_is_http(url)) {
		char *plain = url_without_userinfo(url);
		struct buf key = BUF_INIT, hex = BUF_INIT;
		buf_addf(&key, "%s\n%s", plain, ACCEPT_SIMPLE);
		if (sha256_hex(key.ptr, key.len, &hex) == 0)
			j->cache_key = cache_path(c, "pages", hex.ptr);
		buf_free(&key);
		buf_free(&hex);
		free(plain);
	}
	return j;
}

/* Starts (or completes from the cache) a page job. */
static void page_start(struct page_job *j, const char *what)
{
	struct index_client *c = j->c;
	if (j->started)
		return;
	j->started = true;
	if (!url_is_http(j->url)) {
		if (c->cfg.offline && !starts_with(j->url, "file:")) {
			page_fail(j, "not in the cache (--offline)");
			return;
		}
		page_read_file(j);
		return;
	}
	char *plain = url_without_userinfo(j->url);
	bool have = cache_load(j->cache_key, plain, &j->cached_text, &j->cached);
	free(plain);
	if (have && (c->cfg.offline || (!c->cfg.refresh && httpcache_fresh(&j->cached, now_s())))) {
		c->stats.cache_hits++;
		if (j->cached.status) {
			j->not_found = true;
			j->finished = true;
			return;
		}
		j->content_type = j->cached.content_type ? xstrdup(j->cached.content_type) : NULL;
		memcpy(j->body_sha256, j->cached.body_sha256, sizeof(j->body_sha256));
		cache_keep_body(&j->cached_text, &j->cached);
		buf_free(&j->body);
		j->body = j->cached_text;
		buf_init(&j->cached_text);
		j->base = xstrdup(j->url);
		j->finished = true;
		return;
	}
	if (c->cfg.offline) {
		page_fail(j, "%s is not in the cache (--offline)", what);
		return;
	}
	j->req.url = j->url;
	j->req.accept = ACCEPT_SIMPLE;
	j->req.max_body = MAX_PAGE;
	if (have) {
		j->req.if_none_match = j->cached.etag;
		j->req.if_modified_since = j->cached.last_modified;
	}
	j->req.done = page_done;
	j->req.arg = j;
	struct buf why = BUF_INIT;
	if (!client_http(c, &why)) {
		page_fail(j, "%s", why.ptr);
		buf_free(&why);
		return;
	}
	c->stats.requests++;
	http_add(c->http, &j->req);
}

static int page_wait(struct index_client *c, struct page_job *j)
{
	if (!j->finished && http_run(c->http, &j->req) < 0 && !j->finished)
		page_fail(j, "%s", j->req.why.ptr);
	return j->failed ? -1 : 0;
}

/* Parses a finished page into p; reports and returns -1. */
static int page_parse_into(struct page_job *j, const char *origin, const char *name,
			   struct index_project *p, bool links)
{
	struct buf why = BUF_INIT;
	int ret = -1;
	char *shown = url_redact(j->url);
	char *cpath = NULL; /* the compact form's entry */
	if (links) {
		ret = page_parse_links(j->base, origin, name, j->body.ptr, j->body.len, p, &why);
		goto out;
	}
	struct page_version v = { 1, 0 };
	/* the compact form of this very page, when the cache has it */
	char *ui = url_userinfo(j->url);
	if (j->cache_key && j->body_sha256[0] && !ui)
		cpath = xstrfmt("%s.files", j->cache_key);
	free(ui);
	struct page_source src = { j->body_sha256, j->base, j->content_type };
	struct buf ctext = BUF_INIT;
	struct httpcache_entry ce;
	if (cpath && cache_load(cpath, j->url, &ctext, &ce)) {
		ret = page_compact_read(ce.body, ce.body_len, &src, origin, p, &v);
		httpcache_entry_release(&ce);
	}
	buf_free(&ctext);
	if (ret == 0) {
		free(cpath); /* read: nothing to write */
		cpath = NULL;
		goto version;
	}
	enum page_format fmt;
	if (page_format_of(j->content_type, j->body.ptr, j->body.len, &fmt) < 0) {
		progress_clear(j->c);
		error("cannot read the index page '%s': unexpected Content-Type '%s'", shown,
		      j->content_type);
		goto out;
	}
	ret = fmt == PAGE_JSON ? page_parse_json(j->base, origin, j->body.ptr, j->body.len, p, &v, &why)
			       : page_parse_html(j->base, origin, j->body.ptr, j->body.len, p, &v, &why);
version:
	if (ret == 0) {
		int vr = page_check_version(&v, &why);
		if (vr == 0 && cpath) {
			struct buf out = BUF_INIT;
			page_compact_write(p, &v, &src, &out);
			struct httpcache_entry e = { .url = j->url, .stored = now_s(), .max_age = -1 };
			cache_store(cpath, &e, out.ptr, out.len);
			buf_free(&out);
		}
		if (vr < 0)
			ret = -1;
		else if (vr > 0)
			warning("the index page '%s' has repository version %u.%u, newer than cvenv "
				"knows (1.1)",
				shown, v.major, v.minor);
	}
out:
	if (ret < 0 && why.len) {
		progress_clear(j->c);
		error("cannot read the index page '%s': %s", shown, why.ptr);
	}
	free(cpath);
	free(shown);
	buf_free(&why);
	return ret;
}

static struct project_slot *slot_of(struct index_client *c, const char *name, bool create)
{
	char *canon = name_canonicalize(name);
	for (size_t i = 0; i < c->nprojects; i++)
		if (!strcmp(c->projects[i]->name, canon)) {
			free(canon);
			return c->projects[i];
		}
	if (!create) {
		free(canon);
		return NULL;
	}
	struct project_slot *s = xcalloc(1, sizeof(*s));
	s->name = canon;
	s->pages = xcalloc(c->cfg.index_urls.n + 1, sizeof(*s->pages));
	c->projects = xrealloc(c->projects, (c->nprojects + 1) * sizeof(*c->projects));
	c->projects[c->nprojects++] = s;
	return s;
}

static struct page_job *slot_page(struct index_client *c, struct project_slot *s, size_t i)
{
	if (!s->pages[i]) {
		char *url = url_project_page(c->cfg.index_urls.v[i], s->name);
		s->pages[i] = page_job_new(c, url);
		free(url);
		char *what = xstrfmt("the project '%s'", s->name);
		page_start(s->pages[i], what);
		free(what);
	}
	return s->pages[i];
}

void index_prefetch_project(struct index_client *c, const char *name)
{
	struct project_slot *s = slot_of(c, name, true);
	if (s->done)
		return;
	size_t n = c->cfg.strategy == INDEX_FIRST_INDEX && c->cfg.index_urls.n ? 1
										: c->cfg.index_urls.n;
	for (size_t i = 0; i < n; i++)
		(void)slot_page(c, s, i);
}

/* Files an index lists on its own host get the index URL's credentials
 * (as pip does: private indexes link their files absolutely); files on
 * other hosts never do. */
static void lend_credentials(const char *index_url, struct index_project *p)
{
	char *ui = url_userinfo(index_url);
	char *host = ui ? url_host(index_url) : NULL;
	for (size_t i = 0; host && i < p->nfiles; i++) {
		struct index_file *f = &p->files[i];
		char *fh = url_host(f->url);
		char *fui = url_userinfo(f->url);
		if (fh && !fui && !strcmp(fh, host) && url_is_http(f->url)) {
			const char *rest = strstr(f->url, "://") + 3;
			char *u = xstrfmt("%.*s%s@%s", (int)(rest - f->url), f->url, ui, rest);
			free(f->url);
			f->url = u;
		}
		free(fh);
		free(fui);
	}
	free(host);
	free(ui);
}

/* Moves the files of from to the end of to (from is left empty). The page
 * parsers fill a fresh project each (their growth rule needs it); merged
 * projects are only ever appended to here. */
static void move_files(struct index_project *to, struct index_project *from)
{
	if (!from->nfiles)
		return;
	to->files = xrealloc(to->files, (to->nfiles + from->nfiles) * sizeof(*to->files));
	memcpy(to->files + to->nfiles, from->files, from->nfiles * sizeof(*from->files));
	to->nfiles += from->nfiles;
	from->nfiles = 0;
}

/* The find-links files of a project, appended to p. */
static int add_find_links(struct index_client *c, const char *name, struct index_project *p)
{
	for (size_t i = 0; i < c->nlinks; i++) {
		struct find_link *l = &c->links[i];
		if (l->dir) {
			/* listed (sorted) once per run, not once per project */
			if (!l->listed && os_list_dir(l->dir, &l->names) < 0) {
				progress_clear(c);
				error_errno("cannot read the find-links directory '%s'", l->dir);
				strvec_clear(&l->names);
				return -1;
			}
			l->listed = true;
			const struct strvec *names = &l->names;
			for (size_t k = 0; k < names->n; k++) {
				if (!page_file_of_project(names->v[k], name))
					continue;
				char *path = path_join(l->dir, names->v[k]);
				char *url = url_from_path(path);
				p->files = xrealloc(p->files, (p->nfiles + 1) * sizeof(*p->files));
				struct index_file *nf = &p->files[p->nfiles++];
				memset(nf, 0, sizeof(*nf));
				strvec_init(&nf->hashes);
				strvec_init(&nf->core_metadata_hashes);
				nf->filename = xstrdup(names->v[k]);
				nf->url = url;
				nf->origin = l->entry;
				nf->size = -1;
				free(path);
			}
			continue;
		}
		if (!l->page) {
			l->page = page_job_new(c, l->entry);
			char *what = xstrfmt("the find-links page '%s'", l->entry);
			page_start(l->page, what);
			free(what);
		}
		if (page_wait(c, l->page) < 0) {
			char *shown = url_redact(l->entry);
			progress_clear(c);
			error("cannot fetch the find-links page '%s': %s", shown, l->page->why.ptr);
			free(shown);
			return -1;
		}
		struct index_project one = { 0 };
		int r = l->page->not_found ? 0 : page_parse_into(l->page, l->entry, name, &one, true);
		move_files(p, &one);
		index_project_release(&one);
		if (r < 0)
			return -1;
	}
	return 0;
}

const struct index_project *index_project(struct index_client *c, const char *name)
{
	struct project_slot *s = slot_of(c, name, true);
	if (s->done)
		return s->failed ? NULL : &s->p;
	s->done = true;
	s->failed = true;
	s->p.name = xstrdup(s->name);
	for (size_t i = 0; i < c->cfg.index_urls.n; i++) {
		struct page_job *j = slot_page(c, s, i);
		if (page_wait(c, j) < 0) {
			char *shown = url_redact(j->url);
			progress_clear(c);
			error("cannot fetch the index page '%s': %s", shown, j->why.ptr);
			free(shown);
			return NULL;
		}
		if (j->not_found)
			continue;
		struct index_project one = { 0 };
		if (page_parse_into(j, c->cfg.index_urls.v[i], s->name, &one, false) < 0) {
			index_project_release(&one);
			return NULL;
		}
		/* parsed once (s->done): the text is not needed again */
		buf_free(&j->body);
		buf_free(&j->cached_text);
		lend_credentials(c->cfg.index_urls.v[i], &one);
		move_files(&s->p, &one);
		index_project_release(&one);
		s->p.found = true;
		if (c->cfg.strategy == INDEX_FIRST_INDEX) {
			s->p.index_url = c->cfg.index_urls.v[i];
			break;
		}
	}
	size_t before = s->p.nfiles;
	if (add_find_links(c, s->name, &s->p) < 0)
		return NULL;
	if (s->p.nfiles > before)
		s->p.found = true;
	s->failed = false;
	return &s->p;
}

/* ---- hashes ---- */

/* Checks data against every "algo:hex" in hashes
 * that cvenv hashes with (sha256, sha384, sha512); 0, or -1 with the reason in why. */
static int check_hashes(const struct strvec *hashes, const void *data, size_t len,
			struct buf *why)
{
	for (size_t i = 0; i < hashes->n; i++) {
		const char *h = hashes->v[i];
		const char *colon = strchr(h, ':');
		char *algo = xstrndup(h, (size_t)(colon - h));
		struct buf hex = BUF_INIT;
		struct record_hash *rh = record_hash_new(algo);
		int r = rh ? 0 : -1;
		if (rh) {
			record_hash_update(rh, data, len);
			r = record_hash_finish_hex(rh, &hex);
		}
		bool bad = r == 0 && strcmp(hex.ptr, colon + 1);
		if (bad)
			buf_addf(why, "hash mismatch: expected %s, the file has %s:%s", h, algo,
				 hex.ptr);
		else if (r < 0)
			buf_addf(why, "cannot compute its %s digest", algo);
		free(algo);
		buf_free(&hex);
		if (bad || r < 0)
			return -1;
	}
	return 0;
}

static const char *sha256_of(const struct index_file *f)
{
	for (size_t i = 0; i < f->hashes.n; i++)
		if (starts_with(f->hashes.v[i], "sha256:"))
			return f->hashes.v[i] + 7;
	return NULL;
}

/* ---- metadata and downloads ---- */

static struct file_job *file_job_of(struct index_client *c, const struct index_file *f,
				    enum job_kind kind)
{
	for (struct file_job *j = c->files; j; j = j->next)
		if (j->f == f && j->kind == kind)
			return j;
	struct file_job *j = xcalloc(1, sizeof(*j));
	j->c = c;
	j->f = f;
	j->kind = kind;
	j->fd = -1;
	j->req.fd = -1;
	buf_init(&j->why);
	buf_init(&j->result);
	strvec_init(&j->requires_dist);
	strvec_init(&j->stamp.hashes);
	j->next = c->files;
	c->files = j;
	return j;
}

static void job_fail(struct file_job *j, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void job_fail(struct file_job *j, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	end_failed(&j->why, &j->failed, &j->finished, fmt, ap);
	va_end(ap);
}

static char *downloads_dir(struct index_client *c)
{
	if (c->cache_dir)
		return xstrfmt("%s/wheel-files-v1", c->cache_dir);
	if (!c->tmpdir)
		c->tmpdir = os_mkdtemp_in(c->cfg.tmp_dir ? c->cfg.tmp_dir : "/tmp", "cvenv-download-");
	return c->tmpdir ? xstrdup(c->tmpdir) : NULL;
}

static void job_request(struct file_job *j, const char *url, const char *range, size_t max,
			void (*done)(struct http_request *, void *))
{
	http_request_release(&j->req);
	j->req.url = url;
	j->req.accept = NULL;
	j->req.range = range;
	j->req.max_body = max;
	j->req.fd = j->fd;
	j->req.done = done;
	j->req.arg = j;
	struct buf why = BUF_INIT;
	if (!client_http(j->c, &why)) {
		job_fail(j, "%s", why.ptr);
		buf_free(&why);
		return;
	}
	j->c->stats.requests++;
	http_add(j->c->http, &j->req);
}

/* The path of f's METADATA entry in the cache, or NULL. */
static char *metadata_entry_path(struct index_client *c, const struct index_file *f)
{
	const char *sha = sha256_of(f);
	if (!sha || !c->cache_dir)
		return NULL;
	return xstrfmt("%s/http-v1/metadata/%s.entry", c->cache_dir, sha);
}

static void metadata_store(struct file_job *j)
{
	char *path = metadata_entry_path(j->c, j->f);
	char *plain = url_without_userinfo(j->f->url);
	struct httpcache_entry e = { .url = plain, .stored = now_s(), .max_age = -1 };
	if (path)
		cache_store(path, &e, j->result.ptr, j->result.len);
	free(plain);
	free(path);
}

/* The downloaded wheel at j->tmp: hash-checked and renamed into its
 * content-addressed place. */
static void download_finish(struct file_job *j)
{
	struct buf why = BUF_INIT, hex = BUF_INIT;
	struct strvec found = STRVEC_INIT;
	http_tmpfile_close(j->fd);
	j->fd = -1;
	j->c->stats.wheels_hashed++;
	if (verify_file(&j->f->hashes, j->tmp, &hex, &found, &why) < 0) {
		job_fail(j, "%s", why.ptr);
		goto out;
	}
	char *root = downloads_dir(j->c);
	char *dir = xstrfmt("%s/%s", root, hex.ptr);
	char *path = path_join(dir, j->f->filename);
	free(root);
	if ((os_mkdir_p(dir, 0755) < 0) || os_rename(j->tmp, path) < 0) {
		job_fail(j, "cannot store the download in '%s': %s", dir, strerror(errno));
		free(path);
	} else {
		free(j->tmp);
		j->tmp = NULL;
		j->path = path;
		j->sha256 = xstrdup(hex.ptr);
		j->finished = true;
		/* the identity after the rename (which changes the ctime) */
		if (j->c->cache_dir && os_file_id(path, &j->stamp.id) == 0) {
			j->stored = j->stamp.valid = j->stamp.dirty = true;
			strvec_clear(&j->stamp.hashes);
			j->stamp.hashes = found;
			strvec_init(&found);
		}
	}
	free(dir);
out:
	strvec_clear(&found);
	buf_free(&why);
	buf_free(&hex);
}

static void download_done(struct http_request *r, void *arg)
{
	struct file_job *j = arg;
	progress(j->c, false);
	if (r->failed) {
		job_fail(j, "%s", r->why.ptr);
		return;
	}
	j->c->stats.bytes_downloaded += r->received;
	download_finish(j);
}

/* A download killed mid-way leaves its .tmp-* file behind; the first
 * download of a run removes those a day old (a live transfer writes at
 * least every 30 s, the stall timeout, so a day-old file is dead). */
#define STALE_TMP_S (24 * 3600)
static void sweep_stale(struct index_client *c, const char *dir)
{
	struct strvec names = STRVEC_INIT;
	if (c->swept || !c->cache_dir || os_list_dir(dir, &names) < 0)
		goto out;
	int64_t now = now_s();
	for (size_t i = 0; i < names.n; i++) {
		if (!starts_with(names.v[i], ".tmp-"))
			continue;
		char *p = path_join(dir, names.v[i]);
		struct os_file_id id;
		if (os_file_id(p, &id) == 0 && now - id.mtime_sec > STALE_TMP_S)
			(void)os_unlink(p);
		free(p);
	}
out:
	c->swept = true;
	strvec_clear(&names);
}

/* Starts a download into a temp file beside the content-addressed store. */
static void download_start(struct file_job *j, void (*done)(struct http_request *, void *))
{
	char *dir = downloads_dir(j->c);
	if (!dir || os_mkdir_p(dir, 0755) < 0) {
		job_fail(j, "cannot make the download directory: %s", strerror(errno));
		free(dir);
		return;
	}
	sweep_stale(j->c, dir);
	j->fd = http_tmpfile(dir, &j->tmp);
	free(dir);
	if (j->fd < 0) {
		job_fail(j, "cannot create a download file: %s", strerror(errno));
		return;
	}
	job_request(j, j->f->url, NULL, (size_t)MAX_WHEEL, done);
}

/* A stored wheel that still has the hashes the index gives for d's file:
 * its stamp vouches for them, else it is hashed (and stamped when d's
 * download ends). Sets d->path, d->sha256 and d->stored; false when there is
 * none (a stored wheel that no longer matches is removed). */
static bool download_cached(struct index_client *c, struct file_job *d)
{
	const struct index_file *f = d->f;
	const char *sha = sha256_of(f);
	if (!sha || !c->cache_dir)
		return false;
	char *path = xstrfmt("%s/wheel-files-v1/%s/%s", c->cache_dir, sha, f->filename);
	struct buf why = BUF_INIT, hex = BUF_INIT;
	struct strvec found = STRVEC_INIT;
	struct os_file_id id;
	stamp_load(path, &d->stamp);
	bool ok = stamp_covers(&d->stamp, &f->hashes);
	if (!ok && os_is_file(path) && os_file_id(path, &id) == 0) {
		/* the identity before hashing: a write during it makes the
		 * stamp void */
		c->stats.wheels_hashed++;
		if (verify_file(&f->hashes, path, &hex, &found, &why) == 0) {
			if (!d->stamp.valid)
				stamp_release(&d->stamp);
			strvec_clear(&d->stamp.hashes);
			d->stamp.hashes = found;
			strvec_init(&found);
			d->stamp.id = id;
			d->stamp.valid = d->stamp.dirty = ok = true;
		} else {
			warning("removing the cached wheel '%s': %s", path, why.ptr);
			(void)os_unlink(path);
		}
	}
	if (ok) {
		d->path = path;
		d->sha256 = xstrdup(sha);
		d->stored = true;
	} else {
		stamp_release(&d->stamp);
		free(path);
	}
	strvec_clear(&found);
	buf_free(&hex);
	buf_free(&why);
	return ok;
}

static void download_begin(struct file_job *j)
{
	struct index_client *c = j->c;
	j->started = true;
	if (starts_with(j->f->url, "file:")) {
		char *path = url_to_path(j->f->url);
		struct buf why = BUF_INIT, hex = BUF_INIT;
		struct strvec found = STRVEC_INIT;
		if (!path)
			job_fail(j, "not a local file URL");
		else if (!os_is_file(path))
			job_fail(j, "no such file");
		else if (verify_file(&j->f->hashes, path, &hex, &found, &why) < 0)
			job_fail(j, "%s", why.ptr);
		else {
			j->path = path;
			j->sha256 = buf_detach(&hex);
			path = NULL;
			j->finished = true;
		}
		free(path);
		strvec_clear(&found);
		buf_free(&hex);
		buf_free(&why);
		return;
	}
	if (download_cached(c, j)) {
		c->stats.cache_hits++;
		j->finished = true;
		return;
	}
	if (c->cfg.offline) {
		job_fail(j, "not in the cache (--offline)");
		return;
	}
	download_start(j, download_done);
}

/* METADATA of a whole wheel on disk. */
static void metadata_from_wheel(struct file_job *j, const char *path)
{
	struct wheel w;
	if (wheel_open(path, &w) < 0) {
		job_fail(j, "not a valid wheel");
		return;
	}
	buf_add(&j->result, w.metadata->ptr, w.metadata->len);
	wheel_close(&w);
	metadata_store(j);
	j->finished = true;
}

static void meta_full_done(struct http_request *r, void *arg)
{
	struct file_job *j = arg;
	download_done(r, arg);
	if (j->failed)
		return;
	j->finished = false;
	/* the wheel is downloaded: index_download will find it */
	struct file_job *d = file_job_of(j->c, j->f, JOB_DOWNLOAD);
	if (!d->started) {
		d->started = d->finished = true;
		d->path = xstrdup(j->path);
		d->sha256 = j->sha256 ? xstrdup(j->sha256) : NULL;
		d->stored = j->stored;
		stamp_release(&d->stamp);
		d->stamp = j->stamp;
		memset(&j->stamp, 0, sizeof(j->stamp));
		strvec_init(&j->stamp.hashes);
	}
	metadata_from_wheel(j, j->path);
}

static void meta_fallback_full(struct file_job *j)
{
	j->step = META_FULL;
	download_start(j, meta_full_done);
}

static void meta_range_done(struct http_request *r, void *arg);

static void meta_range(struct file_job *j, uint64_t start, uint64_t end)
{
	snprintf(j->range, sizeof(j->range), "%llu-%llu", (unsigned long long)start,
		 (unsigned long long)(end - 1));
	job_request(j, j->f->url, j->range, (size_t)(end - start), meta_range_done);
}

static void meta_range_done(struct http_request *r, void *arg)
{
	struct file_job *j = arg;
	progress(j->c, false);
	struct buf why = BUF_INIT;
	if (r->failed || (r->status != 206 && r->status != 200)) {
		/* no range support (416, 501 ...), or a transient failure: the
		 * whole wheel instead */
		if (r->status == 0 && r->failed && j->step != META_TAIL) {
			job_fail(j, "%s", r->why.ptr);
			goto out;
		}
		meta_fallback_full(j);
		goto out;
	}
	if (r->status == 200) {
		/* the server ignored the range and sent it all: too big for the
		 * tail request's bound means it failed above; read it whole */
		meta_fallback_full(j);
		goto out;
	}
	j->c->stats.bytes_downloaded += r->received;
	const unsigned char *b = (const unsigned char *)r->body.ptr;
	switch (j->step) {
	case META_TAIL:
		j->total = r->total_size > 0 ? (uint64_t)r->total_size : 0;
		if (!j->total || zipdir_find_cd(b, r->body.len, j->total, &j->zm, &why) < 0) {
			meta_fallback_full(j);
			goto out;
		}
		if (j->zm.cd_offset >= j->total - r->body.len) {
			size_t off = (size_t)(j->zm.cd_offset - (j->total - r->body.len));
			if (zipdir_find_metadata(b + off, (size_t)j->zm.cd_size, &j->zm, &why) < 0) {
				job_fail(j, "%s", why.ptr);
				goto out;
			}
			j->step = META_MEMBER;
			uint64_t s, e;
			zipdir_member_range(&j->zm, &s, &e);
			meta_range(j, s, e);
		} else {
			j->step = META_CD;
			if (j->zm.cd_size > MAX_METADATA * 4) {
				meta_fallback_full(j);
				goto out;
			}
			meta_range(j, j->zm.cd_offset, j->zm.cd_offset + j->zm.cd_size);
		}
		break;
	case META_CD:
		if (r->body.len != j->zm.cd_size ||
		    zipdir_find_metadata(b, r->body.len, &j->zm, &why) < 0) {
			job_fail(j, "%s", why.len ? why.ptr : "a short central directory");
			goto out;
		}
		j->step = META_MEMBER;
		uint64_t s, e;
		zipdir_member_range(&j->zm, &s, &e);
		meta_range(j, s, e);
		break;
	case META_MEMBER:
		if (zipdir_extract(b, r->body.len, &j->zm, &j->result, &why) < 0) {
			job_fail(j, "%s", why.ptr);
			goto out;
		}
		metadata_store(j);
		j->finished = true;
		break;
	default:
		BUG("unexpected metadata step %d", j->step);
	}
out:
	buf_free(&why);
}

static void meta_pep658_done(struct http_request *r, void *arg)
{
	struct file_job *j = arg;
	progress(j->c, false);
	struct buf why = BUF_INIT;
	if (r->failed) {
		if (r->status == 404) {
			/* an index that announces a .metadata it lacks: read the wheel */
			j->step = META_TAIL;
			job_request(j, j->f->url, "-65536", ZIPDIR_TAIL, meta_range_done);
		} else {
			job_fail(j, "%s", r->why.ptr);
		}
		goto out;
	}
	if (check_hashes(&j->f->core_metadata_hashes, r->body.ptr, r->body.len, &why) < 0) {
		job_fail(j, "%s", why.ptr);
		goto out;
	}
	j->c->stats.bytes_downloaded += r->received;
	take_body(&j->result, &r->body);
	metadata_store(j);
	j->finished = true;
out:
	buf_free(&why);
}

/* A file:// index's PEP 658 .metadata file, read and hash-checked as the
 * HTTP path reads it (so that index_download compares it with the wheel's
 * own, as there); false when there is none (the wheel is read instead). */
static bool metadata_from_file(struct file_job *j)
{
	char *meta_url = xstrfmt("%s.metadata", j->f->url);
	char *path = url_to_path(meta_url);
	struct buf text = BUF_INIT, why = BUF_INIT;
	bool done = true;
	if (!path || os_read_file(path, MAX_METADATA, &text) < 0) {
		done = path && errno != ENOENT;
		if (done)
			job_fail(j, "cannot read its .metadata file: %s", strerror(errno));
	} else if (check_hashes(&j->f->core_metadata_hashes, text.ptr, text.len, &why) < 0) {
		job_fail(j, "%s", why.ptr);
	} else {
		buf_add(&j->result, text.ptr, text.len);
		metadata_store(j);
		j->finished = true;
	}
	buf_free(&text);
	buf_free(&why);
	free(path);
	free(meta_url);
	return done;
}

static void metadata_begin(struct file_job *j)
{
	struct index_client *c = j->c;
	j->started = true;
	/* from the cache, by the file's hash */
	char *path = metadata_entry_path(c, j->f);
	struct buf text = BUF_INIT;
	struct httpcache_entry e;
	if (cache_load(path, NULL, &text, &e)) {
		cache_keep_body(&text, &e);
		buf_free(&j->result);
		j->result = text;
		buf_init(&text);
		c->stats.cache_hits++;
		j->finished = true;
		goto out;
	}
	if (starts_with(j->f->url, "file:") && j->f->has_core_metadata && metadata_from_file(j))
		goto out;
	if (starts_with(j->f->url, "file:")) {
		struct file_job *d = file_job_of(c, j->f, JOB_DOWNLOAD);
		if (!d->started)
			download_begin(d);
		if (d->failed)
			job_fail(j, "%s", d->why.ptr);
		else
			metadata_from_wheel(j, d->path);
		goto out;
	}
	/* a wheel downloaded already: it is then index_download's too */
	struct file_job *d = file_job_of(c, j->f, JOB_DOWNLOAD);
	if (!d->started && download_cached(c, d)) {
		d->started = d->finished = true;
		metadata_from_wheel(j, d->path);
		goto out;
	}
	if (c->cfg.offline) {
		job_fail(j, "not in the cache (--offline)");
		goto out;
	}
	if (j->f->has_core_metadata) {
		j->step = META_PEP658;
		j->meta_url = xstrfmt("%s.metadata", j->f->url);
		job_request(j, j->meta_url, NULL, MAX_METADATA, meta_pep658_done);
	} else {
		j->step = META_TAIL;
		job_request(j, j->f->url, "-65536", ZIPDIR_TAIL, meta_range_done);
	}
out:
	buf_free(&text);
	free(path);
}

static int job_wait(struct index_client *c, struct file_job *j)
{
	while (!j->finished) {
		if (http_run(c->http, &j->req) < 0 && !j->finished) {
			job_fail(j, "%s", j->req.why.ptr);
			break;
		}
		/* a multi-step job queues its next request from the callback */
		if (!j->finished && j->req.finished) {
			job_fail(j, "an unfinished transfer");
			break;
		}
	}
	return j->failed ? -1 : 0;
}

void index_prefetch_metadata(struct index_client *c, const struct index_file *f)
{
	struct file_job *j = file_job_of(c, f, JOB_META);
	if (j->started)
		return;
	/* one in the cache is read when asked for: there is nothing to
	 * overlap, and reading them all now would hold every text at once */
	char *path = metadata_entry_path(c, f);
	bool cached = path && os_is_file(path);
	free(path);
	if (!cached)
		metadata_begin(j);
}

int index_metadata(struct index_client *c, const struct index_file *f, struct buf *out)
{
	const char *text;
	size_t len;
	if (index_metadata_ref(c, f, &text, &len) < 0)
		return -1;
	buf_add(out, text, len);
	return 0;
}

/* The finished metadata job of f (its text read again when it was
 * dropped); NULL (reported) on failure. */
static struct file_job *metadata_job(struct index_client *c, const struct index_file *f)
{
	struct file_job *j = file_job_of(c, f, JOB_META);
	if (j->dropped && !j->failed) {
		j->dropped = j->started = j->finished = false;
		http_request_release(&j->req);
		free(j->meta_url);
		j->meta_url = NULL;
	}
	if (!j->started)
		metadata_begin(j);
	if (job_wait(c, j) < 0) {
		char *shown = url_redact(f->url);
		progress_clear(c);
		error("cannot get the metadata of '%s': %s", shown, j->why.ptr);
		free(shown);
		return NULL;
	}
	return j;
}

int index_metadata_deps(struct index_client *c, const struct index_file *f, bool keep_text,
			const struct strvec **requires_dist, const char **requires_python)
{
	struct file_job *j = file_job_of(c, f, JOB_META);
	if (!j->deps_read) {
		if (!(j = metadata_job(c, f)))
			return -1;
		static const char *const fields[] = { "Requires-Dist", "Requires-Python", NULL };
		struct metadata m = METADATA_INIT;
		metadata_parse_fields(&m, j->result.ptr, j->result.len, fields);
		size_t pos = 0;
		const char *v;
		while ((v = metadata_next(&m, "Requires-Dist", &pos)))
			strvec_push(&j->requires_dist, v);
		v = metadata_get(&m, "Requires-Python");
		j->requires_python = v ? xstrdup(v) : NULL;
		metadata_free(&m);
		j->deps_read = true;
	}
	if (!keep_text && !j->dropped) {
		buf_free(&j->result);
		j->dropped = true;
	}
	*requires_dist = &j->requires_dist;
	*requires_python = j->requires_python;
	return 0;
}

int index_metadata_ref(struct index_client *c, const struct index_file *f, const char **text,
		       size_t *len)
{
	struct file_job *j = metadata_job(c, f);
	if (!j)
		return -1;
	*text = j->result.ptr;
	*len = j->result.len;
	return 0;
}

/* The Requires-Dist values of a METADATA text. */
static void requires_of(const char *text, size_t len, struct strvec *out)
{
	struct metadata md = METADATA_INIT;
	metadata_parse(&md, text, len);
	size_t pos = 0;
	const char *v;
	while ((v = metadata_next(&md, "Requires-Dist", &pos)))
		strvec_push(out, v);
	metadata_free(&md);
}

/* Wheels checked the quick way below, at most. */
#define QUICK_MAX ((size_t)32 << 20)

/* Points *at to the len bytes at off of the file f: inside the tail already
 * read (which starts at tail_at), or read into more. */
static int quick_range(const struct os_ranges *f, const struct buf *tail, uint64_t tail_at,
		       uint64_t off, size_t len, struct buf *more, const unsigned char **at)
{
	if (off >= tail_at && len <= tail->len && off - tail_at <= tail->len - len) {
		*at = (const unsigned char *)tail->ptr + (off - tail_at);
		return 0;
	}
	buf_reset(more);
	if (os_ranges_read(f, off, len, more) < 0)
		return -1;
	*at = (const unsigned char *)more->ptr;
	return 0;
}

/* Whether the wheel's top-level .dist-info/METADATA, found in its central
 * directory and read as the range-request path reads a remote wheel
 * (core/index/zipdir), has the Requires-Dist whose digest is want: the
 * file's tail, its central directory and the member read by ranges (a few
 * preads into small buffers, not the whole wheel), no archive opened.
 * False says nothing (a larger wheel, any problem, or other dependencies):
 * the full wheel_open() check then decides and says what is wrong. */
static bool quick_same(const char *path, const char *want)
{
	struct buf tail = BUF_INIT, cdb = BUF_INIT, mb = BUF_INIT, meta = BUF_INIT,
		   why = BUF_INIT, have = BUF_INIT;
	struct strvec rd = STRVEC_INIT;
	struct zipdir_member zm;
	struct os_ranges f = { -1, 0 };
	const unsigned char *cd, *mem;
	bool same = false;
	memset(&zm, 0, sizeof(zm));
	if (os_ranges_open(path, &f) < 0 || f.size > QUICK_MAX)
		goto out;
	size_t tl = f.size < ZIPDIR_TAIL ? (size_t)f.size : ZIPDIR_TAIL;
	uint64_t tail_at = f.size - tl, start, end;
	if (os_ranges_read(&f, tail_at, tl, &tail) < 0 ||
	    zipdir_find_cd((const unsigned char *)tail.ptr, tl, f.size, &zm, &why) < 0 ||
	    zm.cd_offset > f.size || zm.cd_size > f.size - zm.cd_offset ||
	    quick_range(&f, &tail, tail_at, zm.cd_offset, (size_t)zm.cd_size, &cdb, &cd) < 0 ||
	    zipdir_find_metadata(cd, (size_t)zm.cd_size, &zm, &why) < 0)
		goto out;
	zipdir_member_range(&zm, &start, &end);
	if (end > f.size)
		end = f.size;
	if (start >= end ||
	    quick_range(&f, &tail, tail_at, start, (size_t)(end - start), &mb, &mem) < 0 ||
	    zipdir_extract(mem, (size_t)(end - start), &zm, &meta, &why) < 0)
		goto out;
	requires_of(meta.ptr, meta.len, &rd);
	same = requires_dist_digest(&rd, &have) == 0 && !strcmp(have.ptr, want);
out:
	os_ranges_close(&f);
	strvec_clear(&rd);
	buf_free(&tail);
	buf_free(&cdb);
	buf_free(&mb);
	buf_free(&meta);
	buf_free(&why);
	buf_free(&have);
	return same;
}

/* The dependencies the resolver saw (a .metadata file or METADATA read by
 * range) must be the wheel's own: a wheel whose Requires-Dist differs from
 * the metadata it was chosen by is refused. */
static int check_same_metadata(struct index_client *c, struct file_job *d)
{
	struct file_job *m = NULL;
	for (struct file_job *j = c->files; j; j = j->next)
		if (j->f == d->f && j->kind == JOB_META)
			m = j;
	if (d->checked || !m || !m->finished || m->failed)
		return 0;
	d->checked = true;
	const struct strvec *served;
	const char *rp;
	struct buf want = BUF_INIT, have = BUF_INIT;
	if (index_metadata_deps(c, m->f, true, &served, &rp) < 0)
		return -1;
	int r = requires_dist_digest(served, &want);
	/* compared before: the stamp holds the wheel's own digest */
	bool same = r == 0 && d->stamp.valid && d->stamp.requires_dist &&
		    !strcmp(d->stamp.requires_dist, want.ptr);
	if (r == 0 && !same && quick_same(d->path, want.ptr)) {
		same = true;
		if (d->stored && d->stamp.valid) {
			free(d->stamp.requires_dist);
			d->stamp.requires_dist = xstrdup(want.ptr);
			d->stamp.dirty = true;
		}
	}
	if (r == 0 && !same) {
		struct wheel w;
		if (wheel_open(d->path, &w) < 0) {
			r = -1;
		} else {
			r = requires_dist_digest(&w.requires_dist, &have);
			wheel_close(&w);
		}
		same = r == 0 && !strcmp(want.ptr, have.ptr);
		if (same && d->stored && d->stamp.valid) {
			free(d->stamp.requires_dist);
			d->stamp.requires_dist = buf_detach(&have);
			d->stamp.dirty = true;
		}
	}
	buf_free(&want);
	buf_free(&have);
	if (r < 0)
		return -1;
	if (!same) {
		char *shown = url_redact(d->f->url);
		progress_clear(c);
		error("the wheel '%s' declares other dependencies (Requires-Dist) than the metadata "
		      "the index served for it",
		      shown);
		free(shown);
		return -1;
	}
	return 0;
}

void index_prefetch_download(struct index_client *c, const struct index_file *f)
{
	struct file_job *j = file_job_of(c, f, JOB_DOWNLOAD);
	if (!j->started)
		download_begin(j);
}

int index_download(struct index_client *c, const struct index_file *f, char **path,
		   struct buf *sha256_hex)
{
	struct file_job *j = file_job_of(c, f, JOB_DOWNLOAD);
	if (!j->started)
		download_begin(j);
	if (job_wait(c, j) < 0) {
		char *shown = url_redact(f->url);
		error("cannot download '%s': %s", shown, j->why.ptr);
		free(shown);
		return -1;
	}
	if (check_same_metadata(c, j) < 0)
		return -1;
	if (j->stored)
		stamp_save(j->path, &j->stamp);
	if (sha256_hex && j->sha256)
		buf_addstr(sha256_hex, j->sha256);
	else if (sha256_hex && record_file_digest(j->path, "sha256", sha256_hex) < 0)
		return -1;
	*path = xstrdup(j->path);
	return 0;
}

const struct index_file *index_direct_file(struct index_client *c, const char *url,
					   struct buf *why)
{
	if (!url_is_http(url)) {
		buf_addstr(why, "only http, https and file URLs can name a wheel");
		return NULL;
	}
	for (size_t i = 0; i < c->ndirect; i++)
		if (!strcmp(c->direct[i]->name, url))
			return &c->direct[i]->files[0];
	struct index_project *p = xcalloc(1, sizeof(*p));
	if (page_file_from_url(url, "direct URL", p) < 0) {
		buf_addstr(why, "the URL names no file, or its fragment a hash cvenv does not know");
		free(p);
		return NULL;
	}
	if (!ends_with(p->files[0].filename, ".whl")) {
		buf_addstr(why, "not a wheel (cvenv installs wheels only)");
		index_project_release(p);
		free(p);
		return NULL;
	}
	p->name = xstrdup(url);
	p->found = true;
	c->direct = xrealloc(c->direct, (c->ndirect + 1) * sizeof(*c->direct));
	c->direct[c->ndirect++] = p;
	return &p->files[0];
}

int index_run(struct index_client *c)
{
	return c->http ? http_run(c->http, NULL) : 0;
}

void index_stats(const struct index_client *c, struct index_stats *out)
{
	*out = c->stats;
}
