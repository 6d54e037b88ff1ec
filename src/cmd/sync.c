/* cvenv sync: makes an env match a lock exactly -- pylock.toml (PEP 751) or
 * pinned requirements files, as pip-sync -- installing what is missing,
 * changing versions that differ and removing what the lock does not list,
 * in one transaction (core/lock/sync.h). */
#include "util/common.h"

#include "cmd/cmd.h"
#include "core/index/index.h"
#include "core/lock/pylock.h"
#include "core/lock/sync.h"
#include "core/lock/tomlr.h"
#include "core/pkg/install.h"
#include "core/pkg/plan.h"
#include "core/pkg/record.h"
#include "core/pkg/requirements.h"
#include "core/pkg/wheel.h"
#include "core/std/metadata.h"
#include "os/beneath.h"
#include "os/fs.h"
#include "os/interrupt.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

#include <time.h>

extern const struct command command_sync;

static const char *opt_cache_dir;
static struct strvec opt_keep = STRVEC_INIT, opt_find_links = STRVEC_INIT;
static bool opt_inexact, opt_dry_run, opt_no_cache;

static const char *const sync_usage[] = {
	"cvenv sync [--venv DIR] [options] [pylock.toml]",
	"cvenv sync [--venv DIR] [options] requirements.txt... [--find-links DIR]",
	NULL,
};

static const struct opt sync_options[] = {
	OPT_LIST(0, "keep", &opt_keep, "NAME",
		 "never remove the distribution NAME (e.g. pip); repeatable"),
	OPT_BOOL(0, "inexact", &opt_inexact, "install and change, but remove nothing"),
	OPT_BOOL('n', "dry-run", &opt_dry_run,
		 "print what would be installed, changed and removed, and change nothing"),
	OPT_LIST_F('f', "find-links", &opt_find_links, "DIR",
		   "look for the wheels of requirements in DIR; repeatable", OPT_DIRARG),
	OPT_STRING_F(0, "cache-dir", &opt_cache_dir, "DIR",
		     "the cache directory; default $CVENV_CACHE_DIR, else $XDG_CACHE_HOME/cvenv",
		     OPT_DIRARG),
	OPT_BOOL(0, "no-cache", &opt_no_cache, "extract wheels straight into the environment"),
	OPT_END(),
};

static bool is_lock_file(const char *path)
{
	char *base = os_basename(path);
	bool r = ends_with(base, ".toml");
	free(base);
	return r;
}

/* The no-op stamp, <env>/.cvenv/synced: what a sync that found nothing to
 * do depended on -- the lock's bytes, the options, pyvenv.cfg, the
 * interpreter file and site-packages' identity (a distribution installed or
 * removed, by cvenv or pip, adds or removes an entry there and so changes
 * its mtime and ctime; the plan reads nothing but those entries' names). A
 * sync whose key equals the stamp has nothing to do and says so without
 * parsing the lock. As git does for racily clean files, the stamp is
 * written only when site-packages was last changed more than two seconds
 * before, so that a change made within the same timestamp tick cannot hide
 * behind it. The stamp is a cache in the env (untrusted): the worst a forged
 * one can do is make a sync do nothing, which a forger with write access to
 * the env can do anyway. */
#define SYNC_STAMP ".cvenv/synced"
#define STAMP_RACY_SECONDS 2

static void add_id(struct buf *key, const char *what, const struct os_file_id *id)
{
	buf_addf(key, "%s %llu %llu %llu %lld.%09lld %lld.%09lld\n", what,
		 (unsigned long long)id->dev, (unsigned long long)id->ino,
		 (unsigned long long)id->size, (long long)id->mtime_sec, (long long)id->mtime_nsec,
		 (long long)id->ctime_sec, (long long)id->ctime_nsec);
}

/* The key of a sync of lock (its bytes) into e; -1 (nothing reported) when
 * a part cannot be read: no stamp then. *racy: too fresh to be written. */
static int stamp_key(struct install_env *e, const struct buf *lock, const struct sync_opts *so,
		     struct buf *key, bool *racy)
{
	struct os_file_id site, py;
	struct buf cfg = BUF_INIT, h = BUF_INIT;
	int r = -1;
	if (!e->v.purelib || !e->v.python || os_file_id(e->v.purelib, &site) < 0 ||
	    os_file_id(e->v.python, &py) < 0 ||
	    os_beneath_read(e->v.dir, "pyvenv.cfg", 1 << 16, &cfg, NULL) < 0)
		goto out;
	buf_addstr(key, "cvenv sync stamp 1\nversion " CVENV_VERSION "\nlock ");
	if (record_hash_data(lock->ptr, lock->len, &h) < 0)
		goto out;
	buf_add(key, h.ptr, h.len);
	buf_reset(&h);
	buf_addstr(key, "\npyvenv.cfg ");
	if (record_hash_data(cfg.ptr, cfg.len, &h) < 0)
		goto out;
	buf_add(key, h.ptr, h.len);
	buf_addch(key, '\n');
	add_id(key, "python", &py);
	add_id(key, "site-packages", &site);
	buf_addf(key, "inexact %d\n", so->inexact ? 1 : 0);
	for (size_t i = 0; i < so->keep->n; i++) {
		buf_addstr(key, "keep ");
		buf_add_printable(key, so->keep->v[i]);
		buf_addch(key, '\n');
	}
	time_t now = time(NULL);
	*racy = now - site.mtime_sec < STAMP_RACY_SECONDS || now - site.ctime_sec < STAMP_RACY_SECONDS;
	r = 0;
out:
	buf_free(&cfg);
	buf_free(&h);
	return r;
}

/* A pylock.toml: planned by core/lock/sync, applied in one transaction. */
static int sync_lock(struct install_env *e, const char *path, const struct sync_opts *so,
		     const struct index_config *icfg)
{
	struct pylock l;
	struct sync_plan p = { 0 };
	struct buf bytes = BUF_INIT, key = BUF_INIT, stamp = BUF_INIT;
	bool racy = true, keyed = false;
	int r = 0;
	strvec_init(&p.remove);
	strvec_init(&p.remove_versions);
	pylock_init(&l);
	/* read once: the stamp's key and the plan are of the same bytes */
	bool have = os_read_file(path, TOMLR_MAX_SIZE, &bytes) == 0;
	if (have && !opt_dry_run && stamp_key(e, &bytes, so, &key, &racy) == 0) {
		keyed = true;
		if (!racy && os_beneath_read(e->v.dir, SYNC_STAMP, key.len + 1, &stamp, NULL) == 0 &&
		    stamp.len == key.len && !memcmp(stamp.ptr, key.ptr, key.len)) {
			info(1, "nothing to do: the environment matches '%s' (unchanged since the last sync)",
			     path);
			goto out;
		}
	}
	r = have ? pylock_parse(bytes.ptr, bytes.len, path, &l) : pylock_read_file(path, &l);
	if (!r)
		r = sync_plan_lock(e, &l, so, &p);
	if (!r && opt_dry_run)
		sync_plan_print(&p, stdout);
	else if (!r && (p.n || p.remove.n))
		r = sync_apply(e, &p, path, icfg, NULL, 0);
	else if (!r)
		info(1, "nothing to do: the environment matches '%s'", path);
	/* a no-op, found the long way: the next one will not need it (a
	 * stamp that cannot be written only costs that) */
	if (!r && keyed && !racy && !p.n && !p.remove.n)
		(void)os_beneath_replace(e->v.dir, SYNC_STAMP, key.ptr, key.len, 0644);
out:
	sync_plan_free(&p);
	pylock_free(&l);
	buf_free(&bytes);
	buf_free(&key);
	buf_free(&stamp);
	return r;
}

/* Requirements files, as pip-sync takes them: what the plan (core/pkg/plan)
 * picks from --find-links is installed, what no line names is removed. */
static int sync_requirements(struct install_env *e, int n, const char **files,
			     const struct sync_opts *so)
{
	struct plan pl;
	struct sync_plan sp = { 0 };
	struct strvec wanted = STRVEC_INIT;
	struct reqs *rs = xcalloc((size_t)n, sizeof(*rs));
	int r = 0;
	strvec_init(&sp.remove);
	strvec_init(&sp.remove_versions);
	plan_init(&pl, e);
	pl.no_deps = true; /* a lock lists every distribution: nothing else is added */
	for (size_t i = 0; i < opt_find_links.n; i++)
		strvec_push(&pl.find_links, opt_find_links.v[i]);
	for (int i = 0; i < n; i++) {
		rs[i] = (struct reqs)REQS_INIT;
		rs[i].envp = cmd_environ();
	}
	for (int i = 0; i < n && !r; i++)
		r = reqs_parse_file(files[i], false, &rs[i]);
	if (!r)
		r = plan_add_files(&pl, rs, (size_t)n);
	for (int i = 0; i < n && !r; i++)
		for (size_t k = 0; k < rs[i].n; k++) {
			const struct req_entry *q = &rs[i].v[k];
			if (!q->constraint && q->is_pep508 && q->req.name)
				strvec_push_take(&wanted, name_canonicalize(q->req.name));
		}
	for (size_t i = 0; i < pl.n && !r; i++)
		strvec_push(&wanted, pl.v[i].cname);
	if (!r)
		r = sync_plan_removals(e, &wanted, so, &sp);
	if (!r && opt_dry_run) {
		for (size_t i = 0; i < pl.n; i++) {
			struct buf line = BUF_INIT;
			buf_addstr(&line, "install ");
			buf_add_printable(&line, pl.v[i].cname);
			buf_addch(&line, ' ');
			buf_add_printable(&line, pl.v[i].w->meta_version);
			puts(line.ptr);
			buf_free(&line);
		}
		sync_plan_print(&sp, stdout);
	} else if (!r && (pl.n || sp.remove.n)) {
		struct wheel **ws = xcalloc(pl.n ? pl.n : 1, sizeof(*ws));
		for (size_t i = 0; i < pl.n; i++)
			ws[i] = pl.v[i].w;
		r = sync_apply(e, &sp, NULL, NULL, ws, pl.n);
		free(ws);
	}
	plan_free(&pl);
	sync_plan_free(&sp);
	strvec_clear(&wanted);
	for (int i = 0; i < n; i++)
		reqs_free(&rs[i]);
	free(rs);
	return r;
}

static int cmd_sync(int argc, const char **argv)
{
	int code = EXIT_FAIL;
	opt_cache_dir = NULL;
	opt_inexact = opt_dry_run = opt_no_cache = false;
	strvec_clear(&opt_keep);
	strvec_clear(&opt_find_links);
	int n = cmd_parse(&command_sync, argc, argv, &code);
	if (n < 0)
		goto done;
	const char *deflt[] = { os_is_file("pylock.toml") ? "pylock.toml" : "requirements.txt" };
	const char **files = n ? argv : deflt;
	int nfiles = n ? n : 1;
	int nlocks = 0;
	for (int i = 0; i < nfiles; i++)
		nlocks += is_lock_file(files[i]);
	if (nlocks && nfiles > 1) {
		usage_error("sync takes one pylock.toml, or requirements files, not both or several locks");
		code = EXIT_USAGE;
		goto done;
	}
	os_defer_interrupts(); /* Ctrl-C: undo, then exit 130 */
	struct install_env e;
	if (cmd_env_open(&command_sync, &e) < 0)
		goto done;
	char *cache = cmd_cache_setup(opt_cache_dir, opt_no_cache);
	int r = install_env_set_cache(&e, cache, NULL);
	/* https wheels of a lock: downloaded (and cached) by the index client */
	struct index_config icfg;
	index_config_init(&icfg);
	char *netrc = cmd_netrc_path();
	icfg.cache_dir = cache;
	icfg.netrc_file = netrc;
	cmd_index_config_env(&icfg, NULL, NULL);
	struct sync_opts so = { .keep = &opt_keep, .inexact = opt_inexact };
	if (!r)
		r = nlocks ? sync_lock(&e, files[0], &so, &icfg)
			   : sync_requirements(&e, nfiles, files, &so);
	index_config_release(&icfg);
	free(netrc);
	free(cache);
	code = r < 0 ? (os_interrupted() ? EXIT_INTERRUPTED : EXIT_FAIL) : EXIT_OK;
	install_env_close(&e);
done:
	strvec_clear(&opt_keep);
	strvec_clear(&opt_find_links);
	return code;
}

const struct command command_sync = {
	.name = "sync",
	.fn = cmd_sync,
	.summary = "make an environment match a lock file exactly",
	.usage = sync_usage,
	.description =
		"Makes the environment match a pylock.toml (PEP 751, as cvenv, pip lock or uv "
		"export write it) or pinned requirements files (as pip-sync): installs what is "
		"missing, changes versions that differ and removes every distribution the lock "
		"does not list (--keep NAME spares one, --inexact all). Every wheel is checked "
		"against the size and hashes the lock gives before anything changes, and never "
		"replaced by another file; packages the lock gives only as an sdist, a VCS "
		"checkout, a directory or an archive are refused. It all happens in one "
		"transaction, as install does. With no file, ./pylock.toml, else "
		"./requirements.txt.",
	.options = sync_options,
	.flags = CMD_TAKES_VENV | CMD_LOCKS_VENV,
};
