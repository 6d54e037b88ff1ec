/* The interpreter cache: one query per interpreter, then its answer from disk.
 *
 * An entry is <cache>/interpreters/<hash of the path>.json:
 *   {"cvenv_interp_cache": 1, "path": "/abs/python3", "script": "<fingerprint>",
 *    "id": [dev, ino, size, mtime_s, mtime_ns, ctime_s, ctime_ns],
 *    "facts": {...the answer of interp_query.py, with interp_add_native_facts...}}
 * It is trusted only when every field checks out: the same path (no hash
 * collision), the same query script (a newer cvenv asks more), and the same
 * file identity (an interpreter upgraded or replaced in place has a new inode,
 * size or ctime). Anything else -- unreadable JSON, a truncated file, a field
 * of the wrong type -- is ignored and the entry rewritten. Entries are written
 * with os_write_atomic, so a concurrent reader sees the old entry or the new
 * one, never half of one; two writers write the same answer.
 *
 * A venv's record (see interp_record_env) is a small file beside them that
 * names the interpreter the env was made with. */
#include "util/common.h"

#include <jansson.h>

#include "util/embedded.h"
#include "core/env/venv.h"
#include "core/interp/interp.h"
#include "core/interp/interpcache.h"
#include "os/fs.h"
#include "os/spawn.h"
#include "os/spawnbg.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

#define CACHE_FORMAT 1
#define ENTRY_MAX (8u << 20)

static char *cfg_root; /* NULL: no cache */

void interp_cache_configure(const char *root)
{
	free(cfg_root);
	cfg_root = root ? xstrdup(root) : NULL;
}

char *interp_cache_dir(void)
{
	return cfg_root ? path_join(cfg_root, "interpreters") : NULL;
}

/* FNV-1a, 64 bits: names cache files and fingerprints the query script.
 * Not a security boundary -- an entry also stores its full path, compared on
 * load -- and much cheaper than a cryptographic digest on every run. */
static void fnv_hex(const char *s, char out[17])
{
	uint64_t h = fnv1a_str(s);
	for (int i = 15; i >= 0; i--, h >>= 4)
		out[i] = "0123456789abcdef"[h & 15];
	out[16] = '\0';
}

/* What cvenv adds to the script's answer itself (interp_add_native_facts):
 * raise it when that changes, so entries made without the new facts are
 * stale (1: musl's version). */
#define NATIVE_FACTS 1

/* The query script's hash, and the native facts' version: entries made by
 * another script, or completed by another cvenv, are stale. */
static const char *script_hash(void)
{
	static char hex[48];
	if (!hex[0]) {
		const struct embedded_file *f = embedded_get("interp_query.py");
		if (!f)
			BUG("interp_query.py is not embedded");
		snprintf(hex, sizeof(hex), "%016llx-%zu-n%d", f->fnv1a, f->len, NATIVE_FACTS);
	}
	return hex;
}

/* A new cvenv's first query: the directories older versions' scripts left
 * are removed (a still installed older cvenv writes its own again when it
 * next runs). */
static void prune_old_query_dirs(const char *keep)
{
	char *dir = os_dirname(keep);
	char *mine = os_basename(keep);
	struct strvec names = STRVEC_INIT;
	if (os_list_dir(dir, &names) == 0) {
		for (size_t i = 0; i < names.n; i++) {
			if (!starts_with(names.v[i], "query-") || !strcmp(names.v[i], mine))
				continue;
			char *old = path_join(dir, names.v[i]);
			info(2, "removing the old query module '%s'", old);
			os_rm_rf(old);
			free(old);
		}
	}
	strvec_clear(&names);
	free(mine);
	free(dir);
}

/* The query as an importable module in the cache, so that each interpreter
 * compiles it once and keeps the bytecode in __pycache__ beside it: compiling
 * the script is a noticeable part of a cold query (BENCHMARKS.md). The
 * directory is named after the script's hash, so a newer cvenv never runs an
 * older script; the file is written atomically, and rewritten whenever it is
 * not exactly the embedded script. NULL
 * when there is no cache (the caller then sends the script on stdin). */
/* Makes path hold exactly the embedded file's bytes (read back and compared,
 * not only found: the interpreter will execute it). 1 if it was written. */
static int put_query_file(const char *path, const char *name)
{
	const struct embedded_file *f = embedded_get(name);
	if (!f)
		BUG("%s is not embedded", name);
	struct buf have = BUF_INIT;
	bool same = os_read_file(path, f->len + 1, &have) == 0 && have.len == f->len &&
		    !memcmp(have.ptr, f->data, f->len);
	buf_free(&have);
	if (same)
		return 0;
	if (os_write_atomic(path, f->data, f->len, 0644, false) < 0) {
		info_errno(2, "cannot write the query module '%s'", path);
		return -1;
	}
	return 1;
}

char *interp_query_module_dir(void)
{
	char *dir = interp_cache_dir();
	if (!dir)
		return NULL;
	char *qdir = xstrfmt("%s/query-%s", dir, script_hash());
	char *module = path_join(qdir, "cvenv_query.py");
	char *runner = path_join(qdir, "cvenv_query_run.py");
	free(dir);
	bool fresh = !os_exists(qdir);
	int r = fresh && os_mkdir_p(qdir, 0755) < 0 ? -1 : 0;
	if (r == 0)
		r = put_query_file(module, "interp_query.py");
	if (r >= 0)
		r = put_query_file(runner, "interp_query_run.py");
	if (r >= 0 && fresh)
		prune_old_query_dirs(qdir);
	free(module);
	free(runner);
	if (r < 0) {
		free(qdir);
		return NULL;
	}
	return qdir;
}

static char *entry_path(const char *dir, const char *key)
{
	char hex[17];
	fnv_hex(key, hex);
	return xstrfmt("%s/%s.json", dir, hex);
}

static json_t *id_to_json(const struct os_file_id *id)
{
	return json_pack("[IIIIIII]", (json_int_t)id->dev, (json_int_t)id->ino,
			 (json_int_t)id->size, (json_int_t)id->mtime_sec, (json_int_t)id->mtime_nsec,
			 (json_int_t)id->ctime_sec, (json_int_t)id->ctime_nsec);
}

static bool id_matches(json_t *j, const struct os_file_id *id)
{
	json_t *want = id_to_json(id);
	bool same = json_is_array(j) && json_equal(j, want);
	json_decref(want);
	return same;
}

/* Loads an entry for key; fills *ip and returns 0 only when it is fresh.
 * 1: absent, stale or corrupt (the reason goes to -vv output). */
static int load_entry(const char *file, const char *key, const struct os_file_id *id,
		      struct interp *ip)
{
	struct buf text = BUF_INIT;
	if (os_read_file(file, ENTRY_MAX, &text) < 0) {
		if (errno != ENOENT)
			info_errno(2, "ignoring the cache entry '%s'", file);
		buf_free(&text);
		return 1;
	}
	json_t *root = json_loadb(text.ptr, text.len, 0, NULL);
	buf_free(&text);
	const char *why = NULL;
	if (!json_is_object(root))
		why = "not a JSON object";
	else if (json_integer_value(json_object_get(root, "cvenv_interp_cache")) != CACHE_FORMAT)
		why = "another format";
	else if (!json_is_string(json_object_get(root, "path")) ||
		 strcmp(json_string_value(json_object_get(root, "path")), key))
		why = "another path";
	else if (!json_is_string(json_object_get(root, "script")) ||
		 strcmp(json_string_value(json_object_get(root, "script")), script_hash()))
		why = "made by another query script";
	else if (!id_matches(json_object_get(root, "id"), id))
		why = "the interpreter file changed";
	if (!why) {
		struct buf quiet = BUF_INIT;
		struct buf *saved = error_capture;
		error_capture = &quiet; /* a broken entry is ignored, not reported */
		int r = interp_from_json_obj(json_object_get(root, "facts"), file, ip);
		error_capture = saved;
		buf_free(&quiet);
		if (r < 0)
			why = "incomplete facts";
	}
	if (root)
		json_decref(root);
	if (why) {
		info(2, "ignoring the cache entry '%s': %s", file, why);
		return 1;
	}
	ip->from_cache = true;
	return 0;
}

/* Writes a cache file atomically, making the cache directory on first use. */
static int write_text(const char *file, const char *text, size_t len)
{
	int r = os_write_atomic(file, text, len, 0644, false);
	if (r < 0 && errno == ENOENT) { /* the first entry: make the directory */
		char *dir = os_dirname(file);
		r = os_mkdir_p(dir, 0755);
		free(dir);
		if (r == 0)
			r = os_write_atomic(file, text, len, 0644, false);
	}
	return r;
}

static int write_json(const char *file, json_t *root)
{
	char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
	int r = -1;
	if (text)
		r = write_text(file, text, strlen(text));
	else
		errno = EINVAL;
	free(text);
	return r;
}

static int store_entry(const char *file, const char *key, const struct os_file_id *id,
		       const struct interp *ip)
{
	if (!ip->json_text) {
		json_t *root = json_pack("{sisssssosO}", "cvenv_interp_cache", CACHE_FORMAT, "path",
					 key, "script", script_hash(), "id", id_to_json(id), "facts",
					 ip->json);
		int r = write_json(file, root);
		if (root)
			json_decref(root);
		return r;
	}
	/* A fresh answer goes in as the interpreter wrote it (jansson has read
	 * it, so it is one valid JSON object): only the few header fields are
	 * serialised, not the whole answer again. */
	json_t *head = json_pack("{sisssssoss}", "cvenv_interp_cache", CACHE_FORMAT, "path", key,
				 "script", script_hash(), "id", id_to_json(id), "facts", "");
	char *text = head ? json_dumps(head, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (head)
		json_decref(head);
	static const char tail[] = "\"facts\":\"\"}";
	size_t n = text ? strlen(text) : 0;
	if (!text || n < sizeof(tail) - 1 || strcmp(text + n - (sizeof(tail) - 1), tail)) {
		free(text);
		errno = EINVAL;
		return -1;
	}
	struct buf b = BUF_INIT;
	buf_add(&b, text, n - 3); /* up to and including "facts": */
	buf_addstr(&b, ip->json_text);
	buf_addch(&b, '}');
	free(text);
	int r = write_text(file, b.ptr, b.len);
	buf_free(&b);
	return r;
}

/* A query with the script as a module in the cache (stdin without one). */
static int query(const char *path, struct interp_meanwhile *mw, struct interp *ip)
{
	char *qdir = interp_query_module_dir();
	int r = interp_query_in(path, qdir, mw, ip);
	free(qdir);
	return r;
}

/* Interpreters that did not answer in time during this run: not asked
 * again (a discovery that looks twice waits once). */
static struct strvec hung = STRVEC_INIT;

int interp_get(const char *path, struct interp_meanwhile *mw, struct interp *ip)
{
	memset(ip, 0, sizeof(*ip));
	char *key = os_abspath(path);
	if (!key)
		return error_errno("cannot use interpreter '%s'", path);
	struct os_file_id id;
	char *dir = interp_cache_dir();
	char *file = dir ? entry_path(dir, key) : NULL;
	bool have_id = os_file_id(key, &id) == 0;
	int r;
	if (file && have_id && load_entry(file, key, &id, ip) == 0) {
		r = 0;
	} else if (strvec_contains(&hung, key)) {
		r = interp_report_timeout(key);
	} else if ((r = query(key, mw, ip)) == INTERP_TIMED_OUT) {
		strvec_push(&hung, key);
	} else if (r == 0 && file && have_id) {
		/* A cache we cannot write only costs speed. */
		if (store_entry(file, key, &id, ip) < 0)
			info_errno(1, "cannot write the cache entry '%s'", file);
	}
	if (r == 0)
		ip->query_path = xstrdup(key);
	free(file);
	free(dir);
	free(key);
	return r;
}

/* The record of a venv lives in the cache, not in the env (whose files
 * must be exactly what `python -m venv` makes), and only when the env's own
 * links do not already name the interpreter: env-<hash of its path>.json,
 *   {"cvenv_env_record": 1, "env": "/abs/env", "cfg_id": [...identity of its
 *    pyvenv.cfg...], "interpreter": "/path/the/env/was/made/with"}
 * It names the interpreter whose cache entry holds the facts rather than
 * copying them (a few hundred bytes to write, not the whole answer), and
 * carries pyvenv.cfg's identity so that an env deleted and re-made by another
 * tool is not mistaken for the one recorded. */
#define RECORD_FORMAT 1

static char *env_record_path(const char *dir, const char *env_abs)
{
	char *name = xstrfmt("env:%s", env_abs);
	char *p = entry_path(dir, name);
	free(name);
	return p;
}

static json_t *cfg_id_of(const char *env_abs)
{
	char *cfg = path_join(env_abs, "pyvenv.cfg");
	struct os_file_id cid;
	json_t *j = os_file_id(cfg, &cid) == 0 ? id_to_json(&cid) : NULL;
	free(cfg);
	return j;
}

/* The interpreter an env's own links lead to: bin/python (or bin/python3)
 * followed while the links stay inside bin/, up to the first absolute target
 * -- the base executable venv (and cvenv) linked. NULL for copies. */
static char *env_link_target(const char *env_abs)
{
	static const char *const names[] = { "python", "python3" };
	char *bin = path_join(env_abs, "bin");
	char *found = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(names) && !found; i++) {
		char *p = path_join(bin, names[i]);
		for (int hops = 0; hops < 8 && p; hops++) {
			char *t = os_readlink(p);
			free(p);
			p = NULL;
			if (!t)
				break;
			if (t[0] == '/') {
				found = t;
				break;
			}
			if (strchr(t, '/')) { /* leaves bin/: not venv's shape */
				free(t);
				break;
			}
			p = path_join(bin, t);
			free(t);
		}
		free(p);
	}
	free(bin);
	return found;
}

int interp_record_env(const char *env_dir, const struct interp *ip)
{
	char *dir = interp_cache_dir();
	char *env_abs = os_abspath(env_dir);
	const char *key = ip->query_path ? ip->query_path : ip->executable;
	char *file = dir && env_abs ? env_record_path(dir, env_abs) : NULL;
	/* When the env's own links lead to the interpreter cvenv asked (the
	 * usual case), they are the record: nothing to write. A record is for
	 * the others -- copies, a wrapper or a link name that differs from the
	 * interpreter's own idea of its path. */
	char *linked = file ? env_link_target(env_abs) : NULL;
	if (linked && !strcmp(linked, key)) {
		os_unlink(file); /* an older env's record at this path */
	} else if (file) {
		json_t *cfg_id = cfg_id_of(env_abs);
		json_t *root = cfg_id ? json_pack("{sisssOss}", "cvenv_env_record", RECORD_FORMAT,
						  "env", env_abs, "cfg_id", cfg_id, "interpreter", key)
				      : NULL;
		/* a record only saves time: failing to write it is no failure */
		if (root && write_json(file, root) < 0)
			info_errno(1, "cannot record the interpreter of '%s' in '%s'", env_dir, file);
		if (root)
			json_decref(root);
		if (cfg_id)
			json_decref(cfg_id);
	}
	free(linked);
	free(file);
	free(env_abs);
	free(dir);
	return 0;
}

/* The interpreter an env's record names, when the record is for this very
 * env (same path, same pyvenv.cfg); NULL otherwise. */
static char *recorded_interpreter(const char *file, const char *env_abs)
{
	struct buf text = BUF_INIT;
	char *key = NULL;
	if (os_read_file(file, ENTRY_MAX, &text) == 0) {
		json_t *root = json_loadb(text.ptr, text.len, 0, NULL);
		const char *e = json_string_value(json_object_get(root, "env"));
		const char *k = json_string_value(json_object_get(root, "interpreter"));
		json_t *cfg_id = NULL;
		if (json_integer_value(json_object_get(root, "cvenv_env_record")) == RECORD_FORMAT &&
		    e && k && !strcmp(e, env_abs) && (cfg_id = cfg_id_of(env_abs)) &&
		    json_equal(json_object_get(root, "cfg_id"), cfg_id))
			key = xstrdup(k);
		else
			info(2, "ignoring the record '%s': not this environment's", file);
		if (cfg_id)
			json_decref(cfg_id);
		if (root)
			json_decref(root);
	}
	buf_free(&text);
	return key;
}

/* The env's base from pyvenv.cfg's home, for an env without a record. */
static int load_env_from_cfg(const char *env_abs, struct interp *ip)
{
	char *home = venv_cfg_home(env_abs);
	static const char *const names[] = { "python3", "python", "pypy3", "pypy" };
	int r = 1;
	for (size_t i = 0; home && i < ARRAY_SIZE(names) && r == 1; i++) {
		char *exe = path_join(home, names[i]);
		if (os_is_executable(exe))
			r = interp_get(exe, NULL, ip) == 0 ? 0 : -1;
		free(exe);
	}
	free(home);
	return r;
}

int interp_load_env(const char *env_dir, struct interp *ip)
{
	memset(ip, 0, sizeof(*ip));
	char *env_abs = os_abspath(env_dir);
	char *dir = interp_cache_dir();
	if (!env_abs) {
		free(dir);
		return 1;
	}
	char *file = dir ? env_record_path(dir, env_abs) : NULL;
	char *key = file ? recorded_interpreter(file, env_abs) : NULL;
	if (!key)
		key = env_link_target(env_abs);
	/* the recorded interpreter's facts come from its own cache entry (a
	 * query if that is gone or stale); without a record, or when the
	 * recorded interpreter is gone, pyvenv.cfg says where the base is */
	int r = key && os_exists(key) ? interp_get(key, NULL, ip) : 1;
	if (r != 0 && r != INTERP_TIMED_OUT) {
		interp_free(ip);
		memset(ip, 0, sizeof(*ip));
		r = load_env_from_cfg(env_abs, ip);
		if (r == 0)
			interp_record_env(env_abs, ip);
	}
	free(key);
	free(file);
	free(dir);
	free(env_abs);
	return r;
}

struct job {
	long pid;
	char *key, *file, *out;
	struct os_file_id id;
	int64_t deadline; /* 0: none */
};

/* Reads a finished job's answer and caches it; a failed query is left for
 * interp_get to run again and report, one past its deadline (killed) is
 * remembered so that interp_get reports it without running it again. */
static void finish_job(struct job *j)
{
	int status = -1;
	int64_t left = j->deadline ? j->deadline - os_monotonic_ms() : 0;
	int w = os_wait_within(j->pid, j->deadline ? (unsigned)(left > 0 ? left : 1) : 0, &status);
	if (w < 0 && errno == ETIMEDOUT)
		strvec_push(&hung, j->key);
	if (w == 0 && status == 0) {
		struct buf out = BUF_INIT;
		struct interp ip;
		struct buf quiet = BUF_INIT;
		struct buf *saved = error_capture;
		error_capture = &quiet;
		if (os_read_file(j->out, ENTRY_MAX, &out) == 0 &&
		    interp_from_json(out.ptr, out.len, j->key, &ip) == 0) {
			interp_add_native_facts(&ip, j->key);
			store_entry(j->file, j->key, &j->id, &ip);
			interp_free(&ip);
		}
		error_capture = saved;
		buf_free(&quiet);
		buf_free(&out);
	}
	os_unlink(j->out);
	free(j->key);
	free(j->file);
	free(j->out);
}

void interp_prefetch(const char *const *paths, size_t n)
{
	enum { MAX_JOBS = 8 };
	char *dir = interp_cache_dir();
	char *tmp = dir && os_mkdir_p(dir, 0755) == 0 ? os_mkdtemp_in(dir, "prefetch.") : NULL;
	if (!tmp) {
		free(dir);
		return;
	}
	const struct embedded_file *script = embedded_get("interp_query.py");
	char *qdir = interp_query_module_dir();
	struct strvec env = STRVEC_INIT;
	interp_query_env(&env);
	struct job jobs[MAX_JOBS];
	size_t running = 0, first = 0;
	for (size_t i = 0; i < n; i++) {
		struct job j = { 0 };
		j.key = os_abspath(paths[i]);
		if (!j.key || os_file_id(j.key, &j.id) < 0 || !os_is_executable(j.key)) {
			free(j.key);
			continue;
		}
		j.file = entry_path(dir, j.key);
		struct interp ip;
		if (load_entry(j.file, j.key, &j.id, &ip) == 0) {
			interp_free(&ip);
			free(j.key);
			free(j.file);
			continue;
		}
		if (running == MAX_JOBS) {
			finish_job(&jobs[first]);
			first = (first + 1) % MAX_JOBS;
			running--;
		}
		j.out = xstrfmt("%s/%zu.out", tmp, i);
		/* without the module, the script as -c: no pipe to feed here */
		const char *argv[7];
		char *owned;
		interp_query_argv(j.key, qdir, script->data, argv, &owned);
		info(2, "querying the interpreter '%s' (in parallel)", j.key);
		int sr = os_spawn_to_files(argv, (const char *const *)env.v, j.out, "/dev/null", &j.pid);
		free(owned);
		if (sr < 0) {
			free(j.key);
			free(j.file);
			free(j.out);
			continue;
		}
		interp_queries_run++;
		unsigned t = interp_query_timeout();
		j.deadline = t ? os_monotonic_ms() + t : 0;
		jobs[(first + running) % MAX_JOBS] = j;
		running++;
	}
	while (running) {
		finish_job(&jobs[first]);
		first = (first + 1) % MAX_JOBS;
		running--;
	}
	strvec_clear(&env);
	os_rm_rf(tmp);
	free(tmp);
	free(qdir);
	free(dir);
}
