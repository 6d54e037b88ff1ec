/* cvenv install: wheel files and requirements installed natively into an
 * env, all in one transaction (core/install.c): the env ends either as before
 * or complete. Requirements named on the command line, or any use of an index
 * (-i, --extra-index-url, PIP_INDEX_URL..., --dry-run, --report), go through
 * the resolver and the index client (core/pkg/indexprov.c); -r files with
 * --find-links directories alone keep the pinned, offline path (plan.c). */
#include "util/common.h"

#include <strings.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/indexopts.h"
#include "core/index/index.h"
#include "core/index/page.h"
#include "core/index/url.h"
#include "core/pkg/indexprov.h"
#include "core/pkg/distinfo.h"
#include "core/pkg/install.h"
#include "core/pkg/report.h"
#include "core/pkg/plan.h"
#include "core/pkg/requirements.h"
#include "core/pkg/wheel.h"
#include "core/std/metadata.h"
#include "core/std/pep440.h"
#include "core/std/pep508.h"
#include "os/fs.h"
#include "os/interrupt.h"
#include "os/link.h"
#include "util/error.h"
#include "util/strvec.h"

extern const struct command command_install;

static struct strvec opt_requirements = STRVEC_INIT;
static struct strvec opt_constraints = STRVEC_INIT;
static struct index_opts ix = { NULL, NULL, NULL, NULL, STRVEC_INIT, STRVEC_INIT,
				false, false, false, false, NULL, NULL };
static struct strvec opt_upgrade_packages = STRVEC_INIT;
static bool opt_no_deps, opt_force, opt_upgrade, opt_no_cache, opt_verify_cache;
static bool opt_dry_run, opt_require_hashes;
static const char *opt_cache_dir, *opt_link_mode, *opt_report;

static const char *const install_usage[] = {
	"cvenv install [--venv DIR] [options] REQUIREMENT...",
	"cvenv install [--venv DIR] [options] WHEEL...",
	"cvenv install [--venv DIR] [options] -r FILE [--find-links DIR]",
	NULL,
};

static const struct opt install_options[] = {
	OPT_LIST_F('r', "requirement", &opt_requirements, "FILE",
		   "install the requirements listed in FILE (with its index options); repeatable",
		   OPT_FILEARG),
	OPT_LIST_F('c', "constraint", &opt_constraints, "FILE",
		   "only install versions the constraints in FILE allow; repeatable", OPT_FILEARG),
	INDEX_OPTS_TABLE(ix),
	OPT_BOOL(0, "no-deps", &opt_no_deps, "install no dependencies, and do not check them"),
	OPT_BOOL(0, "force-reinstall", &opt_force,
		 "reinstall even when the same version is installed"),
	OPT_BOOL('U', "upgrade", &opt_upgrade,
		 "upgrade what is named to the newest allowed version (installed versions are "
		 "kept otherwise); for wheel files, replace an installed version"),
	OPT_LIST(0, "upgrade-package", &opt_upgrade_packages, "NAME",
		 "allow NAME to be upgraded, keeping other installed versions; repeatable"),
	OPT_BOOL(0, "require-hashes", &opt_require_hashes,
		 "pip's hash-checking mode: every requirement pinned with == and hashed (also "
		 "on when any requirement in a file has a hash)"),
	OPT_BOOL(0, "dry-run", &opt_dry_run,
		 "resolve and print what would be installed, upgraded and removed; change nothing"),
	OPT_STRING_F(0, "report", &opt_report, "FILE",
		     "write pip's JSON installation report to FILE ('-': standard output)",
		     OPT_FILEARG),
	OPT_STRING_F(0, "cache-dir", &opt_cache_dir, "DIR",
		     "the cache directory (interpreter facts, unpacked wheels); default $CVENV_CACHE_DIR, else $XDG_CACHE_HOME/cvenv (~/.cache/cvenv)",
		     OPT_DIRARG),
	OPT_BOOL(0, "no-cache", &opt_no_cache, "extract wheels straight into the environment"),
	OPT_BOOL(0, "verify-cache", &opt_verify_cache,
		 "re-hash every cached file before it is used (by default a cached file's size, "
		 "mode, inode and mtime are checked against the entry's seal)"),
	OPT_STRING_V(0, "link-mode", &opt_link_mode, "MODE",
		     "how files get from the cache into the environment: clone (reflink), "
		     "hardlink or copy; default: clone, else hardlink, else copy",
		     "clone hardlink copy"),
	OPT_END(),
};

/* The wheels of the plan, installed in one transaction. */
static int install_plan(struct install_env *e, struct plan *p)
{
	if (!p->n)
		return 0;
	struct wheel **ws = xcalloc(p->n, sizeof(*ws));
	struct install_opts *os = xcalloc(p->n, sizeof(*os));
	for (size_t i = 0; i < p->n; i++) {
		ws[i] = p->v[i].w;
		os[i] = p->v[i].opts;
	}
	int r = install_wheels(e, ws, p->n, os) < 0 ? -1 : 0;
	free(ws);
	free(os);
	return r;
}

/* Wheel files and -r files resolved against --find-links directories only:
 * pinned requirements, no index (plan.c). */
static int install_local(struct install_env *e, int n, const char **argv, struct reqs *files,
			 size_t nfiles)
{
	struct plan p;
	plan_init(&p, e);
	p.upgrade = opt_upgrade;
	p.force = opt_force;
	p.no_deps = opt_no_deps;
	for (size_t i = 0; i < ix.find_links.n; i++)
		strvec_push(&p.find_links, ix.find_links.v[i]);
	int r = 0;
	bool tz = os_tz_pin(); /* libzip's mktime per member (os/link.h) */
	for (int i = 0; i < n && !r; i++)
		r = plan_add_wheel_file(&p, argv[i], true, NULL);
	if (!r)
		r = plan_add_files(&p, files, nfiles);
	if (!r)
		r = plan_check_deps(&p);
	if (!r)
		r = install_plan(e, &p);
	os_tz_unpin(tz);
	plan_free(&p);
	return r;
}

/* Whether s names a wheel: a path or URL whose part before any ?query or
 * #fragment ends in .whl. */
static bool names_wheel(const char *s)
{
	size_t n = strcspn(s, "?#");
	return n >= 4 && !strncmp(s + n - 4, ".whl", 4);
}

/* A wheel file argument (not "name @ URL", not a bare URL). */
static bool wheel_file_arg(const char *a)
{
	return !strstr(a, "://") && ends_with(a, ".whl") && (!strchr(a, '@') || os_is_file(a));
}

/* A bare URL argument or line ("https://host/p/name-1.0-py3-none-any.whl"). */
static bool bare_url(const char *a)
{
	char *scheme = url_scheme(a);
	bool r = scheme != NULL;
	free(scheme);
	return r;
}

/* Whether any index is asked for explicitly (options, environment, files),
 * or a requirement names a URL that is not file:// (the client fetches
 * http(s), and says which schemes it takes). */
static bool index_wanted(struct reqs *files, size_t nfiles)
{
	for (size_t i = 0; i < nfiles; i++)
		for (size_t k = 0; k < files[i].n; k++) {
			const struct req_entry *q = &files[i].v[k];
			const char *u = q->is_pep508 ? q->req.url : q->path_or_url;
			if (u && strstr(u, "://") && strncasecmp(u, "file:", 5))
				return true;
		}
	return opt_dry_run || opt_report || opt_upgrade_packages.n ||
	       index_opts_wanted(&ix, files, nfiles);
}

/* A wheel path or URL as a direct requirement: "name @ file:///abs/path",
 * "name @ https://host/p/name-1.0-py3-none-any.whl#sha256=...". */
static int wheel_requirement(const char *path, const char *marker, struct strvec *out)
{
	struct wheel_name wn;
	char *url = NULL, *file = NULL;
	if (strstr(path, "://")) {
		struct index_project one = { 0 };
		if (page_file_from_url(path, NULL, &one) == 0)
			file = xstrdup(one.files[0].filename);
		index_project_release(&one);
		if (!file) {
			char *shown = url_redact(path);
			error("'%s' names no wheel file, or has a hash cvenv does not know", shown);
			free(shown);
			return -1;
		}
		url = xstrdup(path);
	} else {
		char *abs = os_abspath(path);
		url = path_to_file_url(abs);
		free(abs);
	}
	int r = wheel_name_parse(file ? file : path, &wn);
	if (!r) {
		strvec_push_take(out, xstrfmt("%s @ %s%s%s", wn.name, url, marker ? " ; " : "",
					      marker ? marker : ""));
		wheel_name_free(&wn);
	}
	free(url);
	free(file);
	return r;
}

/* Whether a requirement pins one version with == (no wildcard) or ===. */
static bool pinned(const struct pep508_req *r)
{
	return r->spec.n == 1 &&
	       ((r->spec.items[0].op == PEP440_OP_EQ && !r->spec.items[0].prefix) ||
		r->spec.items[0].op == PEP440_OP_ARBITRARY);
}

/* Hash-checking mode as pip has it: on with --require-hashes (option or
 * file) or any --hash; then every requirement must be pinned and hashed, and
 * every distribution installed must be one of them (checked after the
 * resolution); the hashes an index gives do not count. */
struct hashmode {
	bool on;
	struct strvec names;  /* canonical names of the hashed requirements */
	struct strvec hashes; /* "name\talgo:hex", per hash */
};

static int hashmode_setup(struct hashmode *hm, int nnames, struct reqs *files, size_t nfiles)
{
	hm->on = opt_require_hashes;
	for (size_t i = 0; i < nfiles; i++) {
		hm->on = hm->on || files[i].require_hashes;
		for (size_t k = 0; k < files[i].n; k++)
			hm->on = hm->on || files[i].v[k].hashes.n;
	}
	if (!hm->on)
		return 0;
	if (nnames > 0)
		return error("requirements on the command line have no hashes: in hash-checking "
			     "mode every requirement needs --hash (give them in a -r file)");
	for (size_t i = 0; i < nfiles; i++) {
		for (size_t k = 0; k < files[i].n; k++) {
			const struct req_entry *q = &files[i].v[k];
			if (q->constraint)
				continue;
			if (!q->is_pep508 || (!q->req.url && !pinned(&q->req)))
				return error("%s:%d: '%s' is not pinned with ==: in hash-checking mode "
					     "every requirement must be", q->file, q->line, q->text);
			if (!q->hashes.n)
				return error("%s:%d: '%s' has no --hash: in hash-checking mode every "
					     "requirement needs one", q->file, q->line, q->text);
			char *cn = name_canonicalize(q->req.name);
			for (size_t h = 0; h < q->hashes.n; h++)
				strvec_push_take(&hm->hashes, xstrfmt("%s\t%s", cn, q->hashes.v[h]));
			strvec_push_take(&hm->names, cn);
		}
	}
	return 0;
}

static int hashmode_check_plan(const struct hashmode *hm, const struct ixplan *pl)
{
	if (!hm->on)
		return 0;
	for (size_t i = 0; i < pl->n; i++)
		if (!strvec_contains(&hm->names, pl->v[i].name))
			return error("'%s' %s is a dependency without a pinned, hashed requirement: in "
				     "hash-checking mode every distribution installed needs one",
				     pl->v[i].name, pl->v[i].version);
	return 0;
}

/* The --hash value h ("algo:hex") of hm that names d, past the name; NULL
 * when the i-th hash is another distribution's. */
static const char *hash_of(const struct hashmode *hm, size_t i, const char *name)
{
	const char *h = hm->hashes.v[i];
	size_t nl = strlen(name);
	return !strncmp(h, name, nl) && h[nl] == '\t' ? h + nl + 1 : NULL;
}

/* The wheel at d->path against the --hash options of its requirement, each
 * in its own algorithm (sha256, sha384 or sha512: requirements.c refuses
 * others, as pip does). */
static int hashmode_check_file(const struct hashmode *hm, const struct ixdist *d)
{
	if (!hm->on || d->skip)
		return 0;
	struct strvec got = STRVEC_INIT; /* "algo:hex" of the file, per algorithm asked */
	int r = -1;
	for (size_t i = 0; i < hm->hashes.n; i++) {
		const char *h = hash_of(hm, i, d->name);
		if (!h)
			continue;
		size_t alen = strcspn(h, ":");
		bool have = false;
		for (size_t k = 0; k < got.n && !have; k++)
			have = !strncmp(got.v[k], h, alen + 1);
		if (have)
			continue;
		char *algo = xstrndup(h, alen);
		struct buf hex = BUF_INIT;
		int dr = d->path ? record_file_digest(d->path, algo, &hex) : -1;
		if (dr == 0)
			strvec_push_take(&got, xstrfmt("%s:%s", algo, hex.ptr));
		buf_free(&hex);
		free(algo);
		if (dr < 0)
			goto out;
	}
	for (size_t i = 0; i < hm->hashes.n && r < 0; i++) {
		const char *h = hash_of(hm, i, d->name);
		for (size_t k = 0; h && k < got.n && r < 0; k++)
			if (!strcasecmp(got.v[k], h))
				r = 0;
	}
	if (r < 0) {
		char *url = d->f ? url_redact(d->f->url) : xstrdup(d->path ? d->path : "");
		struct buf list = BUF_INIT;
		for (size_t k = 0; k < got.n; k++)
			buf_addf(&list, "%s%s", k ? ", " : "", got.v[k]);
		error("'%s' has %s, which no --hash of '%s' gives", url,
		      list.len ? list.ptr : "no digest", d->name);
		buf_free(&list);
		free(url);
	}
out:
	strvec_clear(&got);
	return r;
}

static void where_from(struct buf *out, const struct ixdist *d)
{
	char *url = d->f ? url_redact(d->f->url) : xstrdup(d->local_path ? d->local_path : "");
	buf_add_printable(out, url);
	free(url);
}

/* --dry-run: what would change, one line per distribution, on stdout. */
static void print_dry_run(const struct ixplan *pl)
{
	struct buf out = BUF_INIT;
	size_t changes = 0;
	for (size_t i = 0; i < pl->n; i++) {
		const struct ixdist *d = &pl->v[i];
		if (d->skip)
			continue;
		changes++;
		if (d->installed) {
			buf_addstr(&out, "Would replace ");
			buf_add_printable(&out, d->name);
			buf_addch(&out, ' ');
			buf_add_printable(&out, d->installed);
			buf_addstr(&out, " by ");
		} else {
			buf_addstr(&out, "Would install ");
			buf_add_printable(&out, d->name);
			buf_addch(&out, ' ');
		}
		buf_add_printable(&out, d->version);
		buf_addstr(&out, " from ");
		where_from(&out, d);
		buf_addch(&out, '\n');
	}
	if (!changes)
		buf_addstr(&out, "Would change nothing: every requirement is satisfied\n");
	fputs(out.ptr, stdout);
	buf_free(&out);
}

static int write_report(struct install_env *e, const struct ixplan *pl)
{
	struct pep508_env env;
	memset(&env, 0, sizeof(env));
	pep508_env_from_interp(&env, &e->ip);
	struct buf out = BUF_INIT;
	report_json(pl, &env, &out);
	int r = 0;
	if (!strcmp(opt_report, "-"))
		fputs(out.ptr, stdout);
	else if (os_write_atomic(opt_report, out.ptr, out.len, 0644, false) < 0)
		r = error_errno("cannot write the report '%s'", opt_report);
	buf_free(&out);
	return r;
}

/* Requirements resolved against the indexes and find-links, downloaded,
 * then installed as wheel files are. */
static int install_from_index(struct install_env *e, const char *cache, int n,
			      const char **argv, struct reqs *files, size_t nfiles)
{
	int r = -1;
	struct strvec reqs = STRVEC_INIT, cons = STRVEC_INIT;
	struct hashmode hm = { false, STRVEC_INIT, STRVEC_INIT };
	struct index_config cfg;
	struct index_client *c = NULL;
	struct ixplan pl = { NULL, 0, 0 };
	struct plan p;
	bool tz = false;
	plan_init(&p, e);
	/* libzip calls mktime per zip member, which stats /etc/localtime each
	 * time while TZ is unset: pinned for the whole run (os/link.h; the
	 * programs cvenv starts meanwhile get the environment without it) */
	tz = os_tz_pin();
	index_opts_config(&ix, &cfg, files, nfiles, cache);
	char *netrc = cmd_netrc_path();
	cfg.netrc_file = netrc;
	int nnames = 0;
	for (int i = 0; i < n; i++) {
		if (wheel_file_arg(argv[i]) || (bare_url(argv[i]) && names_wheel(argv[i]))) {
			if (wheel_requirement(argv[i], NULL, &reqs) < 0)
				goto out;
			nnames += !wheel_file_arg(argv[i]);
		} else {
			strvec_push(&reqs, argv[i]);
			nnames++;
		}
	}
	for (size_t i = 0; i < nfiles; i++) {
		for (size_t k = 0; k < files[i].n; k++) {
			const struct req_entry *q = &files[i].v[k];
			if (q->editable) {
				error("%s:%d: editable requirements cannot be installed from an index",
				      q->file, q->line);
				goto out;
			}
			if (q->is_pep508) {
				strvec_push(q->constraint ? &cons : &reqs, q->text);
			} else if (!q->constraint && names_wheel(q->path_or_url)) {
				if (wheel_requirement(q->path_or_url, q->marker_text, &reqs) < 0)
					goto out;
			} else {
				error("%s:%d: '%s': only wheels and requirements can be installed",
				      q->file, q->line, q->path_or_url);
				goto out;
			}
		}
	}
	if (hashmode_setup(&hm, nnames, files, nfiles) < 0)
		goto out;
	c = index_client_new(&cfg);
	if (!c)
		goto out;
	struct ixrequest rq = { &reqs, &cons, &opt_upgrade_packages, opt_upgrade, ix.pre,
				opt_no_deps, opt_force, false, NULL, 0, NULL, NULL, !opt_report };
	for (size_t i = 0; i < nfiles; i++)
		rq.pre = rq.pre || files[i].pre;
	if (ixplan_resolve(e, c, &rq, &pl) < 0 || hashmode_check_plan(&hm, &pl) < 0)
		goto out;
	if (opt_dry_run) {
		print_dry_run(&pl);
		r = opt_report ? write_report(e, &pl) : 0;
		goto out;
	}
	if (ixplan_download(c, &pl) < 0)
		goto out;
	p.no_deps = true; /* the resolver has chosen every dependency */
	p.upgrade = true;
	p.force = opt_force;
	for (size_t i = 0; i < pl.n; i++) {
		struct ixdist *d = &pl.v[i];
		if (d->skip)
			continue;
		if (hashmode_check_file(&hm, d) < 0 ||
		    plan_add_wheel_file(&p, d->path, d->direct && !d->f, &d->extras) < 0)
			goto out;
		p.v[p.n - 1].opts.requested = d->requested;
		/* a wheel of a direct URL: direct_url.json names the URL (without
		 * credentials, as pip writes it), not the cache's file */
		if (d->direct && d->f)
			p.v[p.n - 1].opts.direct_url = url_without_userinfo(d->f->url);
	}
	if (install_plan(e, &p) < 0)
		goto out;
	r = opt_report ? write_report(e, &pl) : 0;
out:
	os_tz_unpin(tz);
	plan_free(&p);
	ixplan_free(&pl);
	index_client_free(c);
	index_config_release(&cfg);
	free(netrc);
	strvec_clear(&reqs);
	strvec_clear(&cons);
	strvec_clear(&hm.names);
	strvec_clear(&hm.hashes);
	return r;
}

static void reset_options(void)
{
	opt_no_deps = opt_force = opt_upgrade = opt_no_cache = opt_verify_cache = false;
	opt_dry_run = opt_require_hashes = false;
	opt_cache_dir = opt_link_mode = opt_report = NULL;
	index_opts_reset(&ix);
	strvec_clear(&opt_requirements);
	strvec_clear(&opt_constraints);
	strvec_clear(&opt_upgrade_packages);
}

static int cmd_install(int argc, const char **argv)
{
	int code = EXIT_FAIL;
	reset_options();
	struct reqs *files = NULL;
	size_t nfiles = 0;
	int n = cmd_parse(&command_install, argc, argv, &code);
	if (n < 0)
		goto done;
	if (n == 0 && !opt_requirements.n) {
		usage_error("install needs a requirement, a wheel file or -r FILE");
		hint("see 'cvenv install --help'");
		code = EXIT_USAGE;
		goto done;
	}
	if (index_opts_check(&ix) < 0) {
		code = EXIT_USAGE;
		goto done;
	}
	/* every file read first: a constraint applies wherever it is written */
	nfiles = opt_requirements.n + opt_constraints.n;
	files = xcalloc(nfiles ? nfiles : 1, sizeof(*files));
	for (size_t i = 0; i < nfiles; i++) {
		files[i] = (struct reqs)REQS_INIT;
		files[i].envp = cmd_environ();
	}
	for (size_t i = 0; i < nfiles; i++) {
		bool cons = i >= opt_requirements.n;
		const char *f = cons ? opt_constraints.v[i - opt_requirements.n] : opt_requirements.v[i];
		if (reqs_parse_file(f, cons, &files[i]) < 0)
			goto done;
	}
	bool names = false;
	for (int i = 0; i < n; i++)
		names = names || !wheel_file_arg(argv[i]);
	bool use_index = names || opt_constraints.n || index_wanted(files, nfiles);
	os_defer_interrupts(); /* Ctrl-C: undo, then exit 130 */
	struct install_env e;
	if (cmd_env_open(&command_install, &e) < 0)
		goto done;
	char *cache = cmd_cache_setup(opt_cache_dir, opt_no_cache);
	int rc = install_env_set_cache(&e, cache, opt_link_mode);
	if (rc < 0) {
		free(cache);
		install_env_close(&e);
		code = EXIT_USAGE;
		goto done;
	}
	e.verify_cache = opt_verify_cache;
	int r = use_index ? install_from_index(&e, cache, n, argv, files, nfiles)
			  : install_local(&e, n, argv, files, nfiles);
	free(cache);
	code = r < 0 ? (os_interrupted() ? EXIT_INTERRUPTED : EXIT_FAIL) : EXIT_OK;
	install_env_close(&e);
done:
	for (size_t i = 0; i < nfiles; i++)
		reqs_free(&files[i]);
	free(files);
	reset_options();
	return code;
}

const struct command command_install = {
	.name = "install",
	.fn = cmd_install,
	.summary = "install wheels into an environment",
	.usage = install_usage,
	.description =
		"Resolves requirements against package indexes (PEP 503/691, file:// trees, "
		"--find-links), downloads the wheels chosen, and installs them -- or wheel files "
		"given -- into the environment natively, as pip does (launchers, "
		"RECORD, INSTALLER, REQUESTED, direct_url.json), checking every file against the "
		"wheel's RECORD hashes and the wheel's tags and Requires-Python against the "
		"interpreter. All the wheels of one command are installed in one transaction: "
		"on any error the environment is left as it was, and if cvenv is killed, as it "
		"was or completely changed (moving the files into place finishes in a process "
		"of its own). An "
		"installed version of the same project is replaced. Concurrent runs on one "
		"environment wait for each other.",
	.options = install_options,
	.flags = CMD_TAKES_VENV | CMD_LOCKS_VENV,
};
