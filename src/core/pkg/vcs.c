/* Editable installs in git checkouts, as pip freeze reports them (see vcs.h). */
#include "util/common.h"

#include <ctype.h>
#include <strings.h>

#include "core/pkg/vcs.h"
#include "os/fs.h"
#include "os/spawn.h"
#include "util/buf.h"
#include "util/strvec.h"
#include "util/relpath.h"

/* Runs git -C dir ARGS...; returns its exit status (or -1 when git cannot
 * be run) with stdout in *out. */
static int git(const char *dir, const char *const *args, struct buf *out)
{
	struct strvec argv = STRVEC_INIT;
	strvec_push(&argv, "git");
	strvec_push(&argv, "-C");
	strvec_push(&argv, dir);
	strvec_pushv(&argv, args);
	struct buf err = BUF_INIT;
	struct os_run_opts o = { .out = out, .err = &err, .max_output = 1u << 20 };
	int status = -1;
	if (os_run((const char *const *)argv.v, &o, &status) < 0)
		status = -1;
	buf_free(&err);
	strvec_clear(&argv);
	return status;
}

/* A cheap test before running git: a .git entry in dir or above. */
static bool maybe_git(const char *dir)
{
	char *d = os_realpath(dir);
	if (!d)
		return false;
	for (;;) {
		char *g = path_join(d, ".git");
		bool found = os_exists(g);
		free(g);
		if (found || !strcmp(d, "/") || !*d) {
			free(d);
			return found;
		}
		char *up = os_dirname(d);
		free(d);
		d = up;
	}
}

static bool installable(const char *dir)
{
	char *a = path_join(dir, "pyproject.toml"), *b = path_join(dir, "setup.py");
	bool yes = os_is_file(a) || os_is_file(b);
	free(a);
	free(b);
	return yes;
}

/* pip's _git_remote_to_pip_url: URLs as they are, an existing path as a
 * file: URI, scp-like "user@host:path" as ssh://; NULL otherwise. */
static char *remote_to_url(const char *url)
{
	const char *p = url;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	if (p > url && starts_with(p, "://"))
		return xstrdup(url);
	if (os_exists(url)) {
		char *abs = os_abspath(url);
		struct buf b = BUF_INIT;
		buf_addstr(&b, "file://");
		for (const unsigned char *s = (const unsigned char *)abs; *s; s++)
			if (isalnum(*s) || strchr("/-._~!$&'()*+,;=:@", *s))
				buf_addch(&b, (char)*s);
			else
				buf_addf(&b, "%%%02X", *s);
		free(abs);
		return buf_detach(&b);
	}
	/* ^(\w+@)?([^/:]+):(\w[^:]*)$ */
	const char *at = url;
	while (isalnum((unsigned char)*at) || *at == '_')
		at++;
	const char *host = (*at == '@' && at > url) ? at + 1 : url;
	const char *colon = host;
	while (*colon && *colon != '/' && *colon != ':')
		colon++;
	if (colon == host || *colon != ':')
		return NULL;
	const char *path = colon + 1;
	if (!(isalnum((unsigned char)*path) || *path == '_') || strchr(path, ':'))
		return NULL;
	return xstrfmt("ssh://%.*s%.*s/%s", (int)(host - url), url, (int)(colon - host), host, path);
}

/* `git config --get-regexp remote\..*\.url`: origin's, else the first. */
static char *remote_url(const char *dir, bool *none)
{
	static const char *const args[] = { "config", "--get-regexp", "remote\\..*\\.url", NULL };
	struct buf out = BUF_INIT;
	*none = false;
	int st = git(dir, args, &out);
	char *found = NULL;
	if (st == 0 || st == 1) {
		char *save = NULL;
		for (char *l = strtok_r(out.ptr, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			bool origin = starts_with(l, "remote.origin.url ");
			if (!found || origin) {
				free(found);
				const char *sp = strchr(l, ' ');
				const char *v = sp ? sp + 1 : "";
				const char *e = strchr(v, ' ');
				found = e ? xstrndup(v, (size_t)(e - v)) : xstrdup(v);
			}
			if (origin)
				break;
		}
		*none = !found;
	}
	buf_free(&out);
	return found;
}

int vcs_editable_requirement(const char *location, const char *name, const char *display,
			     struct buf *comments, struct buf *req)
{
	if (!maybe_git(location))
		return 0;
	static const char *const top[] = { "rev-parse", "--show-toplevel", NULL };
	struct buf root = BUF_INIT;
	if (git(location, top, &root) != 0) {
		buf_free(&root);
		return 0;
	}
	buf_free(&root);

	bool none;
	char *url = remote_url(location, &none);
	if (none || !url) {
		buf_addf(comments, "# Editable Git install with no remote (%s)\n", display);
		buf_addstr(req, location);
		free(url);
		return 1;
	}
	char *pipurl = remote_to_url(url);
	if (!pipurl) {
		buf_addf(comments, "# Editable Git install (%s) with either a deleted local remote or "
				   "invalid URI:\n# '%s'\n", display, url);
		buf_addstr(req, location);
		free(url);
		return 1;
	}
	static const char *const head[] = { "rev-parse", "HEAD", NULL };
	static const char *const gitdir[] = { "rev-parse", "--git-dir", NULL };
	struct buf rev = BUF_INIT, gd = BUF_INIT;
	git(location, head, &rev);
	buf_rtrim(&rev, " \t\r\n");
	git(location, gitdir, &gd);
	buf_rtrim(&gd, " \t\r\n");

	/* The project root (pyproject.toml or setup.py) relative to the repo root. */
	char *gdabs = gd.ptr[0] == '/' ? xstrdup(gd.ptr) : path_join(location, gd.ptr);
	char *updir = path_join(gdabs, "..");
	char *repo_root = os_abspath(updir);
	char *proj = xstrdup(location);
	while (!installable(proj) && strcmp(proj, "/")) {
		char *up = os_dirname(proj);
		free(proj);
		proj = up;
	}
	const char *subdir = NULL;
	if (installable(proj) && path_is_under(proj, repo_root, false))
		subdir = proj + strlen(repo_root) + 1;

	if (strncasecmp(pipurl, "git:", 4))
		buf_addstr(req, "git+");
	buf_addf(req, "%s@%s#egg=", pipurl, rev.ptr);
	for (const char *p = name; *p; p++)
		buf_addch(req, *p == '-' ? '_' : *p);
	if (subdir)
		buf_addf(req, "&subdirectory=%s", subdir);

	free(proj);
	free(repo_root);
	free(updir);
	free(gdabs);
	buf_free(&rev);
	buf_free(&gd);
	free(pipurl);
	free(url);
	return 1;
}
