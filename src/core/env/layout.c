/* Per-version venv rules; see layout.h. */
#include "util/common.h"

#include "core/env/layout.h"
#include "core/env/pyvenvcfg.h"
#include "util/buf.h"
#include "util/error.h"

static bool at_least(const struct layout_facts *f, int major, int minor)
{
	return f->major > major || (f->major == major && f->minor >= minor);
}

bool layout_supported(const struct layout_facts *f)
{
	return at_least(f, 3, 3);
}

static struct layout_item *add(struct layout *l, enum layout_kind kind, char *path, char *arg)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	struct layout_item *it = &l->v[l->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->path = path;
	it->arg = arg;
	it->mode = 0644;
	return it;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static char *dir_name(const char *path)
{
	const char *s = strrchr(path, '/');
	if (!s)
		return xstrdup(".");
	return s == path ? xstrdup("/") : xstrndup(path, (size_t)(s - path));
}

/* The names venv gives the interpreter besides its own, in its order. */
static void alias_names(const struct layout_facts *f, const char *names[5], char *minor_name)
{
	size_t n = 0;
	names[n++] = "python";
	names[n++] = "python3";
	if (at_least(f, 3, 9) || !strcmp(f->implementation, "pypy"))
		names[n++] = minor_name;
	if (!strcmp(f->implementation, "pypy")) {
		names[n++] = "pypy3";
		names[n++] = "pypy";
	}
	while (n < 5)
		names[n++] = NULL;
}

static void plan_interpreter(const struct layout_facts *f, const struct layout_opts *o,
			     struct layout *l)
{
	char *exe = path_join(l->bin_dir, l->exe_name);
	struct layout_item *it;
	if (o->copies) {
		it = add(l, LAYOUT_COPY, xstrdup(exe), xstrdup(f->base_executable));
		it->mode = 0755;
	} else {
		add(l, LAYOUT_SYMLINK, xstrdup(exe), xstrdup(f->base_executable));
	}
	char *minor_name = xstrfmt("python%d.%d", f->major, f->minor);
	const char *names[5];
	alias_names(f, names, minor_name);
	for (size_t i = 0; i < 5 && names[i]; i++) {
		if (!strcmp(names[i], l->exe_name))
			continue;
		char *p = path_join(l->bin_dir, names[i]);
		if (o->copies) {
			it = add(l, LAYOUT_COPY, p, xstrdup(f->base_executable));
			it->mode = 0755;
		} else {
			it = add(l, LAYOUT_SYMLINK, p, xstrdup(l->exe_name));
		}
		it->only_if_missing = true;
	}
	free(minor_name);
	free(exe);
}

int layout_plan(const struct layout_facts *f, const struct layout_opts *o, struct layout *l)
{
	memset(l, 0, sizeof(*l));
	if (!layout_supported(f))
		return error("Python %d.%d cannot have a pyvenv.cfg environment (3.3 or later needed)",
			     f->major, f->minor);
	if (!f->purelib || !f->include || !f->scripts || f->purelib[0] == '/' ||
	    f->include[0] == '/' || f->scripts[0] == '/' || !f->base_executable ||
	    f->base_executable[0] != '/')
		return error("the interpreter facts do not say where a venv's files go");
	l->bin_dir = xstrdup(f->scripts);
	l->exe_name = xstrdup(base_name(f->base_executable));
	l->purelib = xstrdup(f->purelib);

	/* venv writes it from 3.13 on, virtualenv and uv for every version: an
	 * env inside a git checkout should never be committed, whichever Python */
	if (o->scm_ignore)
		add(l, LAYOUT_FILE, xstrdup(".gitignore"),
		    xstrdup("# Created by cvenv; see https://docs.python.org/3/library/venv.html\n*\n"))
			->mode = 0;
	add(l, LAYOUT_DIR, xstrdup(f->include), NULL);
	add(l, LAYOUT_DIR, xstrdup(f->purelib), NULL);
	if (f->pointer_bits > 32 && !strcmp(f->os_name, "posix") &&
	    strcmp(f->sys_platform, "darwin"))
		add(l, LAYOUT_SYMLINK, xstrdup("lib64"), xstrdup("lib"))->only_if_missing = true;
	add(l, LAYOUT_DIR, xstrdup(l->bin_dir), NULL);

	struct pyvenvcfg cfg = PYVENVCFG_INIT;
	struct buf text = BUF_INIT;
	layout_pyvenvcfg(f, o, &cfg);
	pyvenvcfg_format(&cfg, &text);
	pyvenvcfg_free(&cfg);
	add(l, LAYOUT_FILE, xstrdup("pyvenv.cfg"), buf_detach(&text))->mode = 0; /* as venv: open() */

	plan_interpreter(f, o, l);
	return 0;
}

/* venv's "command": how to make this env again, in venv's shape (flags in
 * venv's order, the absolute env path last), with cvenv and the interpreter
 * in place of "python -m venv". */
static char *command_line(const struct layout_facts *f, const struct layout_opts *o)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s create --python %s", o->cvenv_exe ? o->cvenv_exe : "cvenv",
		 f->base_executable);
	if (o->copies)
		buf_addstr(&b, " --copies");
	if (!o->with_pip)
		buf_addstr(&b, " --without-pip");
	if (o->system_site_packages)
		buf_addstr(&b, " --system-site-packages");
	if (o->clear)
		buf_addstr(&b, " --clear");
	if (o->upgrade)
		buf_addstr(&b, " --upgrade");
	if (o->orig_prompt)
		buf_addf(&b, " --prompt=\"%s\"", o->orig_prompt);
	if (!o->scm_ignore)
		buf_addstr(&b, " --without-scm-ignore-files");
	buf_addf(&b, " %s", o->env_dir);
	return buf_detach(&b);
}

void layout_pyvenvcfg(const struct layout_facts *f, const struct layout_opts *o,
		      struct pyvenvcfg *cfg)
{
	char *home = dir_name(f->base_executable);
	char *version = xstrfmt("%d.%d.%d", f->major, f->minor, f->micro);
	pyvenvcfg_add(cfg, "home", home);
	pyvenvcfg_add(cfg, "include-system-site-packages",
		      o->system_site_packages ? "true" : "false");
	pyvenvcfg_add(cfg, "version", version);
	if (o->prompt && at_least(f, 3, 8)) {
		struct buf r = BUF_INIT;
		py_repr_str(&r, o->prompt);
		pyvenvcfg_add(cfg, "prompt", r.ptr);
		buf_free(&r);
	}
	if (at_least(f, 3, 11)) {
		pyvenvcfg_add(cfg, "executable", f->executable_realpath ? f->executable_realpath
									 : f->base_executable);
		char *cmd = command_line(f, o);
		pyvenvcfg_add(cfg, "command", cmd);
		free(cmd);
	}
	if (o->relocatable)
		pyvenvcfg_add(cfg, "relocatable", "true");
	free(version);
	free(home);
}

void layout_free(struct layout *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].arg);
	}
	free(l->v);
	free(l->bin_dir);
	free(l->exe_name);
	free(l->purelib);
	memset(l, 0, sizeof(*l));
}
