/* cvenv lock: resolves requirements (requirements.in files or
 * pyproject.toml, -c constraints) against the indexes, for the env's
 * interpreter or the targets --python-version/--python-platform name
 * (core/lock/target.h; several: one resolution each, merged by
 * core/lock/universal.h), and writes the result as pylock.toml (PEP 751,
 * with package markers and dependencies from core/lock/lockgraph.h) or as a
 * hashed requirements.txt in pip-compile's layout. An existing output's pins
 * are the resolver's preferences (minimal change) unless --upgrade /
 * --upgrade-package. */
#include "util/common.h"

#include "cmd/cmd.h"
#include "cmd/indexopts.h"
#include "core/index/index.h"
#include "core/index/url.h"
#include "core/lock/lockgraph.h"
#include "core/lock/pylock.h"
#include "core/lock/pyproject.h"
#include "core/lock/target.h"
#include "core/lock/universal.h"
#include "core/pkg/indexprov.h"
#include "core/pkg/install.h"
#include "core/pkg/requirements.h"
#include "core/resolve/resolve.h"
#include "core/std/pep440.h"
#include "core/std/pep508.h"
#include "os/fs.h"
#include "os/interrupt.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

extern const struct command command_lock;

static const char *opt_output, *opt_format, *opt_cache_dir;
static struct strvec opt_extras = STRVEC_INIT, opt_groups = STRVEC_INIT;
static struct strvec opt_upgrade_packages = STRVEC_INIT;
static struct strvec opt_constraints = STRVEC_INIT;
static struct strvec opt_pyvers = STRVEC_INIT, opt_platforms = STRVEC_INIT;
static bool opt_all_extras, opt_upgrade, opt_allow_unsafe;
static struct index_opts ix = { NULL, NULL, NULL, NULL, STRVEC_INIT, STRVEC_INIT,
				false, false, false, false, NULL, NULL };

static const char *const lock_usage[] = {
	"cvenv lock [--venv DIR] [options] [pyproject.toml | requirements.in...]",
	NULL,
};

static const struct opt lock_options[] = {
	OPT_STRING_F('o', "output-file", &opt_output, "FILE",
		     "where to write the lock (atomically); default pylock.toml, or "
		     "requirements.txt with --format requirements", OPT_FILEARG),
	OPT_STRING_V(0, "format", &opt_format, "F",
		     "pylock (default: PEP 751 pylock.toml) or requirements (hashed, with "
		     "'# via' comments, as pip-compile writes it when asked for hashes)",
		     "pylock requirements"),
	OPT_LIST(0, "extra", &opt_extras, "NAME",
		 "pyproject.toml: add the optional dependencies of extra NAME; repeatable"),
	OPT_BOOL(0, "all-extras", &opt_all_extras, "pyproject.toml: add every extra"),
	OPT_LIST(0, "group", &opt_groups, "NAME",
		 "pyproject.toml: add dependency group NAME (PEP 735); repeatable"),
	OPT_BOOL('U', "upgrade", &opt_upgrade,
		 "take the newest allowed versions (by default the output's existing pins are "
		 "kept where still allowed)"),
	OPT_LIST('P', "upgrade-package", &opt_upgrade_packages, "NAME",
		 "take the newest allowed version of NAME, keeping the other pins; repeatable"),
	OPT_LIST_F('c', "constraint", &opt_constraints, "FILE",
		   "only lock versions the constraints in FILE allow (they are not locked "
		   "themselves); repeatable", OPT_FILEARG),
	OPT_LIST(0, "python-version", &opt_pyvers, "X.Y",
		 "lock for Python X.Y (markers, requires-python, wheel tags) instead of the "
		 "environment's; repeated: one lock valid for each (see --python-platform)"),
	OPT_LIST(0, "python-platform", &opt_platforms, "P",
		 "lock for platform P: linux, windows, macos, x86_64-manylinux_2_N, "
		 "aarch64-manylinux_2_N, {x86_64,aarch64}-unknown-linux-{gnu,musl}, "
		 "{x86_64,i686,aarch64}-pc-windows-msvc, {x86_64,aarch64}-apple-darwin (as uv "
		 "names them); repeated, or with several --python-version: a universal lock "
		 "for every combination, each package's entries selected by markers"),
	OPT_BOOL(0, "allow-unsafe", &opt_allow_unsafe,
		 "--format requirements: pin pip, setuptools and distribute too (pip-compile "
		 "leaves them out by default)"),
	INDEX_OPTS_TABLE(ix),
	OPT_STRING_F(0, "cache-dir", &opt_cache_dir, "DIR",
		     "the cache directory; default $CVENV_CACHE_DIR, else $XDG_CACHE_HOME/cvenv",
		     OPT_DIRARG),
	OPT_END(),
};

static void reset_options(void)
{
	opt_output = opt_format = opt_cache_dir = NULL;
	opt_all_extras = opt_upgrade = opt_allow_unsafe = false;
	strvec_clear(&opt_extras);
	strvec_clear(&opt_groups);
	strvec_clear(&opt_upgrade_packages);
	strvec_clear(&opt_constraints);
	strvec_clear(&opt_pyvers);
	strvec_clear(&opt_platforms);
	index_opts_reset(&ix);
}

/* The inputs read: requirements (with their sources for "# via"),
 * constraints, the requirements files (for their index options). */
struct inputs {
	struct strvec reqs, sources, cons;
	struct reqs *files;
	size_t nfiles;
	char *requires_python;
};

static int read_pyproject(const char *path, struct inputs *in)
{
	struct pyproject pp;
	if (pyproject_read_file(path, &pp) < 0)
		return -1;
	struct pyproject_select sel = { false, &opt_extras, opt_all_extras, &opt_groups, false };
	struct strvec out = STRVEC_INIT;
	int r = pyproject_requirements(&pp, path, &sel, &out);
	char *src = pp.name ? xstrfmt("%s (%s)", pp.name, path) : xstrdup(path);
	for (size_t i = 0; !r && i < out.n; i++) {
		strvec_push(&in->reqs, out.v[i]);
		strvec_push(&in->sources, src);
	}
	if (pp.requires_python && !in->requires_python)
		in->requires_python = xstrdup(pp.requires_python);
	free(src);
	strvec_clear(&out);
	pyproject_free(&pp);
	return r;
}

static int read_requirements(const char *path, bool constraint, struct inputs *in)
{
	in->files = xrealloc(in->files, (in->nfiles + 1) * sizeof(*in->files));
	struct reqs *f = &in->files[in->nfiles++];
	*f = (struct reqs)REQS_INIT;
	f->envp = cmd_environ();
	if (reqs_parse_file(path, constraint, f) < 0)
		return -1;
	for (size_t k = 0; k < f->n; k++) {
		const struct req_entry *q = &f->v[k];
		if (!q->is_pep508)
			return error("%s:%d: '%s': only PEP 508 requirements can be locked", q->file,
				     q->line, q->editable ? q->text : q->path_or_url);
		if (q->constraint) {
			strvec_push(&in->cons, q->text);
			continue;
		}
		strvec_push(&in->reqs, q->text);
		strvec_push_take(&in->sources, xstrfmt("-r %s", q->file));
	}
	return 0;
}

static void inputs_free(struct inputs *in)
{
	strvec_clear(&in->reqs);
	strvec_clear(&in->sources);
	strvec_clear(&in->cons);
	for (size_t i = 0; i < in->nfiles; i++)
		reqs_free(&in->files[i]);
	free(in->files);
	free(in->requires_python);
}

/* The pins of an existing output (pylock.toml or requirements.txt), as
 * name/version/marker triples (marker "" for none: a universal lock pins a
 * name once per environment); a missing file gives none. */
static int read_pins(const char *path, bool pylock, struct strvec *pins)
{
	if (!os_exists(path))
		return 0;
	if (pylock) {
		struct pylock l;
		if (pylock_read_file(path, &l) < 0)
			return -1;
		for (size_t i = 0; i < l.n; i++)
			if (l.v[i].version) {
				strvec_push(pins, l.v[i].name);
				strvec_push(pins, l.v[i].version);
				strvec_push(pins, l.v[i].marker ? l.v[i].marker : "");
			}
		pylock_free(&l);
		return 0;
	}
	struct reqs f = REQS_INIT;
	f.envp = cmd_environ();
	int r = reqs_parse_file(path, false, &f);
	for (size_t k = 0; !r && k < f.n; k++) {
		const struct pep508_req *q = &f.v[k].req;
		if (f.v[k].is_pep508 && q->spec.n == 1 && q->spec.items[0].op == PEP440_OP_EQ &&
		    !q->spec.items[0].prefix) {
			strvec_push(pins, q->name);
			strvec_push(pins, q->spec.items[0].text);
			strvec_push(pins, "");
		}
	}
	reqs_free(&f);
	return r;
}

/* A locked distribution's files: every file the index lists for its version
 * (wheels of every tag, sdists), as pip-compile hashes them, each with its
 * hashes ("algo:hex": the index's, and the sha256 computed when the index
 * gave none). */
struct lockfiles {
	const struct index_file **v;
	struct strvec *hashes; /* per file */
	size_t n;
};

static void lockfiles_free(struct lockfiles *lf, size_t n)
{
	for (size_t i = 0; lf && i < n; i++) {
		for (size_t k = 0; k < lf[i].n; k++)
			strvec_clear(&lf[i].hashes[k]);
		free(lf[i].hashes);
		free(lf[i].v);
	}
	free(lf);
}

static bool has_sha256(const struct strvec *hashes)
{
	for (size_t h = 0; h < hashes->n; h++)
		if (starts_with(hashes->v[h], "sha256:"))
			return true;
	return false;
}

/* Hashes every file of every dist of pl: the index's, else downloaded (in
 * parallel) and computed. lf gets pl->n entries. */
static int lock_files(struct index_client *c, const struct ixplan *pl, struct lockfiles **out)
{
	struct lockfiles *lf = *out = xcalloc(pl->n ? pl->n : 1, sizeof(*lf));
	for (size_t i = 0; i < pl->n; i++) {
		const struct ixdist *d = &pl->v[i];
		if (!d->f)
			return error("'%s': a local wheel cannot be locked (use an index or "
				     "--find-links)", d->name);
		if (ixplan_version_files(c, d->name, d->version, &lf[i].v, &lf[i].n) < 0)
			return -1;
		bool chosen = false;
		for (size_t k = 0; k < lf[i].n; k++)
			chosen = chosen || lf[i].v[k] == d->f;
		if (!chosen) { /* listed under another spelling of its version */
			lf[i].v = xrealloc(lf[i].v, (lf[i].n + 1) * sizeof(*lf[i].v));
			lf[i].v[lf[i].n++] = d->f;
		}
		lf[i].hashes = xcalloc(lf[i].n, sizeof(*lf[i].hashes));
		for (size_t k = 0; k < lf[i].n; k++) {
			strvec_init(&lf[i].hashes[k]);
			for (size_t h = 0; h < lf[i].v[k]->hashes.n; h++)
				strvec_push(&lf[i].hashes[k], lf[i].v[k]->hashes.v[h]);
			if (!has_sha256(&lf[i].hashes[k]))
				index_prefetch_download(c, lf[i].v[k]);
		}
	}
	for (size_t i = 0; i < pl->n; i++) {
		for (size_t k = 0; k < lf[i].n; k++) {
			if (has_sha256(&lf[i].hashes[k]))
				continue;
			char *path = NULL;
			struct buf sha = BUF_INIT;
			int r = index_download(c, lf[i].v[k], &path, &sha);
			free(path);
			if (!r)
				strvec_push_take(&lf[i].hashes[k], xstrfmt("sha256:%s", sha.ptr));
			buf_free(&sha);
			if (r < 0)
				return -1;
		}
	}
	return 0;
}

static void lock_file_set(struct pylock_file *w, const struct index_file *f,
			  const struct strvec *hashes)
{
	w->name = xstrdup(f->filename);
	w->url = url_redact(f->url);
	w->size = f->size;
	w->upload_time = f->upload_time ? xstrdup(f->upload_time) : NULL;
	for (size_t h = 0; h < hashes->n; h++)
		strvec_push(&w->hashes, hashes->v[h]);
	strvec_sort(&w->hashes);
}

/* The lock model of one resolution: every wheel of each version, and its
 * sdist (PEP 751 has one: a .tar.gz before the other formats, then by
 * name); nodes: each dist's marker and dependencies (lockgraph.h). */
static void build_pylock(const struct ixplan *pl, const struct lockfiles *lf,
			 const char *requires_python, const struct lock_node *nodes,
			 struct pylock *l)
{
	pylock_init(l);
	l->lock_version = xstrdup(PYLOCK_VERSION);
	l->created_by = xstrdup("cvenv");
	l->requires_python = requires_python ? xstrdup(requires_python) : NULL;
	for (size_t i = 0; i < pl->n; i++) {
		const struct ixdist *d = &pl->v[i];
		struct pylock_package *p = pylock_add_package(l, d->name, d->version);
		p->marker = nodes[i].marker ? xstrdup(nodes[i].marker) : NULL;
		p->deps = xcalloc(nodes[i].deps.n ? nodes[i].deps.n : 1, sizeof(*p->deps));
		for (size_t k = 0; k < nodes[i].deps.n; k++)
			p->deps[p->ndeps++].name = xstrdup(nodes[i].deps.v[k]);
		p->index = url_redact(d->f->origin);
		p->requires_python = d->f->requires_python ? xstrdup(d->f->requires_python) : NULL;
		const struct index_file *sdist = NULL;
		const struct strvec *sdist_hashes = NULL;
		for (size_t k = 0; k < lf[i].n; k++) {
			const struct index_file *f = lf[i].v[k];
			if (ends_with(f->filename, ".whl")) {
				lock_file_set(pylock_add_wheel(p), f, &lf[i].hashes[k]);
				continue;
			}
			bool tgz = ends_with(f->filename, ".tar.gz");
			if (!sdist || (tgz && !ends_with(sdist->filename, ".tar.gz")) ||
			    (tgz == ends_with(sdist->filename, ".tar.gz") &&
			     strcmp(f->filename, sdist->filename) < 0)) {
				sdist = f;
				sdist_hashes = &lf[i].hashes[k];
			}
		}
		if (sdist) {
			p->sdist = xcalloc(1, sizeof(*p->sdist));
			strvec_init(&p->sdist->hashes);
			lock_file_set(p->sdist, sdist, sdist_hashes);
		}
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What pip-compile calls unsafe in a requirements file (its
 * UNSAFE_PACKAGES): not pinned unless --allow-unsafe. */
static bool is_unsafe(const char *cname)
{
	return !strcmp(cname, "pip") || !strcmp(cname, "setuptools") ||
	       !strcmp(cname, "distribute");
}

/* One "name[extras]==version" entry: the sha256 of every file of the
 * version, sorted, once each, then its "# via" lines. */
static void write_entry(const struct ixdist *d, const struct lockfiles *lf, struct buf *out)
{
	buf_addstr(out, d->name);
	for (size_t k = 0; k < d->extras.n; k++)
		buf_addf(out, "%c%s", k ? ',' : '[', d->extras.v[k]);
	buf_addf(out, "%s==%s", d->extras.n ? "]" : "", d->version);
	struct strvec hs = STRVEC_INIT;
	for (size_t k = 0; k < lf->n; k++)
		for (size_t h = 0; h < lf->hashes[k].n; h++)
			if (starts_with(lf->hashes[k].v[h], "sha256:"))
				strvec_push(&hs, lf->hashes[k].v[h]);
	strvec_sort(&hs);
	for (size_t h = 0; h < hs.n; h++)
		if (!h || strcmp(hs.v[h], hs.v[h - 1]))
			buf_addf(out, " \\\n    --hash=%s", hs.v[h]);
	buf_addch(out, '\n');
	strvec_clear(&hs);
	char **via = xcalloc(d->via.n ? d->via.n : 1, sizeof(*via));
	for (size_t k = 0; k < d->via.n; k++)
		via[k] = d->via.v[k];
	qsort(via, d->via.n, sizeof(*via), cmp_str);
	if (d->via.n == 1)
		buf_addf(out, "    # via %s\n", via[0]);
	else if (d->via.n > 1) {
		buf_addstr(out, "    # via\n");
		for (size_t k = 0; k < d->via.n; k++)
			buf_addf(out, "    #   %s\n", via[k]);
	}
	free(via);
}

/* pip-compile --generate-hashes's layout: a header, then per project
 * "name[extras]==version \", the hashes of all its files, and "# via"
 * lines, sorted by name; the unsafe packages at the end (named, or
 * pinned with --allow-unsafe). */
static void write_requirements(const struct ixplan *pl, const struct lockfiles *lf,
			       const struct index_config *cfg, const char *pyver,
			       const char *cmdline, struct buf *out)
{
	/* pip-compile names the interpreter by major.minor */
	const char *dot = strchr(pyver, '.');
	size_t len = dot ? strcspn(dot + 1, ".") + (size_t)(dot + 1 - pyver) : strlen(pyver);
	buf_addf(out, "#\n# This file is autogenerated by cvenv lock with Python %.*s\n"
		      "# by the following command:\n#\n#    %s\n#\n", (int)len, pyver, cmdline);
	/* the index options as pip-compile emits them (--emit-index-url): the
	 * first index unless it is PyPI's, the others, the find-links; a blank
	 * line after them; passwords redacted */
	size_t before = out->len;
	for (size_t i = 0; i < cfg->index_urls.n; i++) {
		if (!i && !strcmp(cfg->index_urls.v[i], "https://pypi.org/simple"))
			continue;
		char *red = url_redact(cfg->index_urls.v[i]);
		buf_addf(out, "%s %s\n", i ? "--extra-index-url" : "--index-url", red);
		free(red);
	}
	for (size_t i = 0; i < cfg->find_links.n; i++) {
		char *red = url_redact(cfg->find_links.v[i]);
		buf_addf(out, "--find-links %s\n", red);
		free(red);
	}
	if (out->len != before)
		buf_addch(out, '\n');
	bool unsafe = false;
	for (size_t i = 0; i < pl->n; i++) {
		if (is_unsafe(pl->v[i].name))
			unsafe = true;
		else
			write_entry(&pl->v[i], &lf[i], out);
	}
	/* pip-compile leaves pip, setuptools and distribute out, named in a
	 * warning, or with --allow-unsafe pins them under a comment of their own */
	if (unsafe)
		buf_addstr(out, opt_allow_unsafe
					? "\n# The following packages are considered to be unsafe in a "
					  "requirements file:\n"
					: "\n# WARNING: The following packages were not pinned, but pip "
					  "requires them to be\n# pinned when the requirements file includes "
					  "hashes and the requirement is not\n# satisfied by a package "
					  "already installed. Consider using the --allow-unsafe flag.\n");
	for (size_t i = 0; i < pl->n; i++) {
		if (!is_unsafe(pl->v[i].name))
			continue;
		if (opt_allow_unsafe)
			write_entry(&pl->v[i], &lf[i], out);
		else
			buf_addf(out, "# %s\n", pl->v[i].name);
	}
}

/* Usage errors in the target options, before anything is asked. */
static int check_targets(bool requirements)
{
	for (size_t i = 0; i < opt_pyvers.n; i++)
		if (lock_target_check(opt_pyvers.v[i], NULL) < 0)
			return -1;
	for (size_t i = 0; i < opt_platforms.n; i++)
		if (lock_target_check(NULL, opt_platforms.v[i]) < 0)
			return -1;
	if (requirements && (opt_pyvers.n > 1 || opt_platforms.n > 1))
		return usage_error("--format requirements locks one target: give at most one "
				   "--python-version and one --python-platform");
	return 0;
}

/* The targets to lock for: every combination of --python-version and
 * --python-platform; none given: the env's interpreter (*n = 0). */
static int make_targets(struct install_env *e, struct lock_target **out, size_t *n)
{
	size_t nv = opt_pyvers.n ? opt_pyvers.n : 1, np = opt_platforms.n ? opt_platforms.n : 1;
	*out = NULL;
	*n = 0;
	if (!opt_pyvers.n && !opt_platforms.n)
		return 0;
	*out = xcalloc(nv * np, sizeof(**out));
	for (size_t v = 0; v < nv; v++)
		for (size_t p = 0; p < np; p++) {
			if (lock_target_make(&e->ip, opt_pyvers.n ? opt_pyvers.v[v] : NULL,
					     opt_platforms.n ? opt_platforms.v[p] : NULL,
					     &(*out)[*n]) < 0)
				return -1;
			++*n;
		}
	return 0;
}

/* Resolves for one target (NULL: the interpreter) into pl, and with lk
 * given, makes its lock model. */
static int lock_one(struct install_env *e, struct index_client *c, struct ixrequest *rq,
		    const struct lock_target *t, const struct inputs *in,
		    const struct strvec *pins, struct resolve_preference *prefs,
		    struct ixplan *pl, struct lockfiles **lf, struct pylock *lk)
{
	struct ixtarget xt;
	struct pep508_env env;
	if (t) {
		xt = (struct ixtarget){ &t->env, t->python_version, &t->tags };
		env = t->env;
	} else {
		pep508_env_from_interp(&env, &e->ip);
	}
	rq->target = t ? &xt : NULL;
	/* the pins whose marker holds for this target */
	rq->npreferences = 0;
	for (size_t i = 0; i + 2 < pins->n; i += 3) {
		bool holds = true;
		struct pep508_marker *m = NULL;
		if (*pins->v[i + 2] && pep508_marker_parse(pins->v[i + 2], &m, NULL) == 0)
			pep508_marker_eval(m, &env, &holds, NULL);
		pep508_marker_free(m);
		if (holds)
			prefs[rq->npreferences++] =
				(struct resolve_preference){ pins->v[i], pins->v[i + 1] };
	}
	lockfiles_free(*lf, pl->n);
	*lf = NULL;
	ixplan_free(pl);
	int r = ixplan_resolve(e, c, rq, pl) < 0 || lock_files(c, pl, lf) < 0 ? -1 : 0;
	rq->target = NULL;
	if (r < 0 || !lk)
		return r;
	struct lock_node *nodes = xcalloc(pl->n ? pl->n : 1, sizeof(*nodes));
	lock_graph(pl, &in->reqs, &env, nodes);
	build_pylock(pl, *lf, in->requires_python, nodes, lk);
	if (t && t->marker)
		strvec_push(&lk->environments, t->marker);
	lock_graph_free(nodes, pl->n);
	free(nodes);
	return 0;
}

static int lock_run(struct install_env *e, const char *cache, int n, const char **argv,
		    const char *cmdline)
{
	int r = -1;
	bool pylock = !opt_format || !strcmp(opt_format, "pylock");
	const char *output = opt_output ? opt_output : pylock ? "pylock.toml" : "requirements.txt";
	struct inputs in = { STRVEC_INIT, STRVEC_INIT, STRVEC_INIT, NULL, 0, NULL };
	struct strvec pins = STRVEC_INIT;
	struct resolve_preference *prefs = NULL;
	struct index_config cfg;
	struct index_client *c = NULL;
	struct ixplan pl = { NULL, 0, 0 };
	struct lockfiles *lf = NULL;
	struct buf out = BUF_INIT;
	struct lock_target *targets = NULL;
	size_t nt = 0;
	struct pylock *locks = NULL, merged;
	const char **markers = NULL;
	char *netrc = NULL;
	bool cfg_set = false;
	pylock_init(&merged);
	const char *deflt = os_exists("pyproject.toml") ? "pyproject.toml" : "requirements.in";
	for (int i = 0; i < (n ? n : 1); i++) {
		const char *f = n ? argv[i] : deflt;
		if ((ends_with(f, ".toml") ? read_pyproject(f, &in) : read_requirements(f, false, &in)) < 0)
			goto out;
	}
	for (size_t i = 0; i < opt_constraints.n; i++)
		if (read_requirements(opt_constraints.v[i], true, &in) < 0)
			goto out;
	if (make_targets(e, &targets, &nt) < 0)
		goto out;
	if (!opt_upgrade && read_pins(output, pylock, &pins) < 0)
		goto out;
	prefs = xcalloc(pins.n ? pins.n / 3 : 1, sizeof(*prefs));
	index_opts_config(&ix, &cfg, in.files, in.nfiles, cache);
	cfg_set = true;
	netrc = cmd_netrc_path();
	cfg.netrc_file = netrc;
	c = index_client_new(&cfg);
	if (!c)
		goto out;
	struct ixrequest rq = { &in.reqs, &in.cons, &opt_upgrade_packages, opt_upgrade, ix.pre,
				false, false, true, prefs, 0, &in.sources, NULL, false };
	for (size_t i = 0; i < in.nfiles; i++)
		rq.pre = rq.pre || in.files[i].pre;
	size_t nlocks = nt ? nt : 1;
	locks = xcalloc(nlocks, sizeof(*locks));
	markers = xcalloc(nlocks, sizeof(*markers));
	for (size_t t = 0; t < nlocks; t++) {
		pylock_init(&locks[t]);
		markers[t] = nt ? targets[t].marker : NULL;
	}
	for (size_t t = 0; t < nlocks; t++)
		if (lock_one(e, c, &rq, nt ? &targets[t] : NULL, &in, &pins, prefs, &pl, &lf,
			     pylock ? &locks[t] : NULL) < 0)
			goto out;
	if (pylock) {
		struct pylock *final = &locks[0];
		if (nlocks > 1) {
			pylock_merge(locks, markers, nlocks, &merged);
			final = &merged;
		}
		if (pylock_write(final, &out) < 0)
			goto out;
		info(1, "locked %zu distributions in '%s'", final->n, output);
	} else {
		write_requirements(&pl, lf, &cfg, nt ? targets[0].python_version : e->ip.version,
				   cmdline, &out);
		info(1, "locked %zu distributions in '%s'", pl.n, output);
	}
	if (os_write_atomic(output, out.ptr, out.len, 0644, false) < 0) {
		error_errno("cannot write the lock '%s'", output);
		goto out;
	}
	r = 0;
out:
	buf_free(&out);
	lockfiles_free(lf, pl.n);
	ixplan_free(&pl);
	index_client_free(c);
	if (cfg_set)
		index_config_release(&cfg);
	for (size_t t = 0; locks && t < (nt ? nt : 1); t++)
		pylock_free(&locks[t]);
	free(locks);
	free(markers);
	pylock_free(&merged);
	for (size_t t = 0; t < nt; t++)
		lock_target_free(&targets[t]);
	free(targets);
	free(netrc);
	free(prefs);
	strvec_clear(&pins);
	inputs_free(&in);
	return r;
}

static int cmd_lock(int argc, const char **argv)
{
	int code = EXIT_FAIL;
	reset_options();
	/* the command as the header of a requirements output names it */
	struct buf cmdline = BUF_INIT;
	buf_addstr(&cmdline, "cvenv lock");
	for (int i = argc && !strcmp(argv[0], "lock"); i < argc; i++) {
		/* a password in an index URL ("-i https://u:p@host", "--index-url=...")
		 * is not written into the file */
		const char *eq = starts_with(argv[i], "--") ? strchr(argv[i], '=') : NULL;
		const char *url = eq ? eq + 1 : argv[i];
		buf_addch(&cmdline, ' ');
		if (strstr(url, "://")) {
			char *red = url_redact(url);
			buf_add(&cmdline, argv[i], (size_t)(url - argv[i]));
			buf_add_printable(&cmdline, red);
			free(red);
		} else {
			buf_add_printable(&cmdline, argv[i]);
		}
	}
	int n = cmd_parse(&command_lock, argc, argv, &code);
	if (n < 0)
		goto done;
	if (index_opts_check(&ix) < 0) {
		code = EXIT_USAGE;
		goto done;
	}
	if (opt_format && strcmp(opt_format, "pylock") && strcmp(opt_format, "requirements")) {
		usage_error("--format '%s': use pylock or requirements", opt_format);
		code = EXIT_USAGE;
		goto done;
	}
	if (check_targets(opt_format && !strcmp(opt_format, "requirements")) < 0) {
		code = EXIT_USAGE;
		goto done;
	}
	os_defer_interrupts();
	struct install_env e;
	if (cmd_env_open(&command_lock, &e) < 0)
		goto done;
	char *cache = cmd_cache_setup(opt_cache_dir, false);
	int r = install_need_interp(&e) < 0 ? -1
		: lock_run(&e, cache, n, argv, cmdline.ptr);
	free(cache);
	code = r < 0 ? (os_interrupted() ? EXIT_INTERRUPTED : EXIT_FAIL) : EXIT_OK;
	install_env_close(&e);
done:
	buf_free(&cmdline);
	reset_options();
	return code;
}

const struct command command_lock = {
	.name = "lock",
	.fn = cmd_lock,
	.summary = "resolve requirements into pylock.toml or a hashed requirements.txt",
	.usage = lock_usage,
	.description =
		"Resolves the requirements of pyproject.toml (its dependencies, --extra, "
		"--group) or of requirements.in files (-r, -c, markers) against the package "
		"indexes for the environment's interpreter (or for --python-version and "
		"--python-platform; repeated: a universal lock, one resolution per "
		"environment, entries selected by markers), and writes every distribution "
		"chosen with every file the index lists for its version (all wheels and "
		"sdists: URL, size, sha256): as pylock.toml (PEP 751; sync takes the one "
		"wheel that fits the env), or with --format requirements as pip-compile "
		"writes requirements.txt when asked for hashes (one per file, '# via' "
		"comments, pip and setuptools left out). Default input: pyproject.toml if present, "
		"else requirements.in. The output is sorted: locking twice gives the same bytes. "
		"The versions an existing output pins are kept where the requirements still "
		"allow them (minimal change) unless --upgrade or --upgrade-package. 'cvenv sync' "
		"installs the lock.",
	.options = lock_options,
	.flags = CMD_TAKES_VENV,
};
