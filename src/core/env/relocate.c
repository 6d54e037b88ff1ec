/* Moved envs: detection and repair (see relocate.h). */
#include "util/common.h"

#include "core/env/activate.h"
#include "core/env/env_owned.h"
#include "core/env/relocate.h"
#include "core/env/venv.h"
#include "core/pkg/install.h"
#include "core/pkg/record.h"
#include "core/pkg/scripts.h"
#include "os/beneath.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/relpath.h"
#include "util/strvec.h"

/* Launchers and activation scripts are small; a larger file in bin/ is
 * something else (a compiled program) and never a launcher to rewrite. */
#define LAUNCHER_MAX (1u << 20)
#define SCRIPT_MAX (256u << 10)
#define RECORD_MAX (16u << 20)

/* Reads one POSIX shell word at p (quotes '...', "...", backslashes),
 * stopping at blank or end of line. NULL when unterminated. */
static char *sh_word(const char *p)
{
	struct buf w = BUF_INIT;
	while (*p && *p != '\n' && *p != ' ' && *p != '\t' && *p != ';') {
		if (*p == '\'') {
			const char *e = strchr(p + 1, '\'');
			if (!e)
				goto bad;
			buf_add(&w, p + 1, (size_t)(e - p - 1));
			p = e + 1;
		} else if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (!*p)
					goto bad;
				if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
					p++;
				buf_addch(&w, *p);
			}
			p++;
		} else {
			if (*p == '\\' && p[1])
				p++;
			buf_addch(&w, *p++);
		}
	}
	if (!w.len)
		goto bad;
	return buf_detach(&w);
bad:
	buf_free(&w);
	return NULL;
}

/* The value of the first line "NAME=word" of text, unquoted. */
static char *sh_assignment(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, name, n) && l[n] == '=')
			return sh_word(l + n + 1);
	return NULL;
}

char *launcher_python(const char *data, size_t len, size_t *hdr)
{
	static const char tramp[] = "#!/bin/sh\n'''exec' ";
	static const char tail[] = " \"$0\" \"$@\"\n' '''\n";
	const char *nl = memchr(data, '\n', len);
	if (len < 3 || memcmp(data, "#!", 2) || !nl)
		return NULL;
	size_t tl = strlen(tramp);
	if (len > tl && !memcmp(data, tramp, tl)) {
		const char *p = data + tl, *end = data + len;
		const char *q;
		char *py;
		if (*p == '"') {
			q = memchr(p + 1, '"', (size_t)(end - p - 1));
			if (!q)
				return NULL;
			py = xstrndup(p + 1, (size_t)(q - p - 1));
			q++;
		} else {
			q = p;
			while (q < end && *q != ' ' && *q != '\n')
				q++;
			py = xstrndup(p, (size_t)(q - p));
		}
		size_t n = strlen(tail);
		if ((size_t)(end - q) < n || memcmp(q, tail, n) || *py != '/' || strchr(py, '\n')) {
			free(py);
			return NULL;
		}
		*hdr = (size_t)(q + n - data);
		return py;
	}
	size_t l = (size_t)(nl - data);
	if (data[2] != '/' || memchr(data, ' ', l) || memchr(data, '\t', l) || memchr(data, '\0', l))
		return NULL;
	*hdr = l + 1;
	return xstrndup(data + 2, l - 2);
}

/* The env a launcher's python belongs to: "<env>/bin/<name>" gives <env>. */
static char *python_env(const char *py)
{
	const char *slash = strrchr(py, '/');
	if (!slash || slash - py < 4 || strncmp(slash - 4, "/bin", 4) || !slash[1])
		return NULL;
	return xstrndup(py, (size_t)(slash - 4 - py));
}

/* The first launcher in bin/ naming an env's python, that env. */
static char *launchers_env(const char *dir)
{
	char *bin = path_join(dir, "bin");
	struct strvec names = STRVEC_INIT;
	char *found = NULL;
	if (os_beneath_kind(dir, "bin") == OS_KIND_DIR && os_list_dir(bin, &names) == 0)
		for (size_t i = 0; i < names.n && !found; i++) {
			if (activate_is_script(names.v[i]))
				continue;
			char *rel = path_join("bin", names.v[i]);
			struct buf text = BUF_INIT;
			size_t hdr;
			if (os_beneath_kind(dir, rel) == OS_KIND_FILE &&
			    os_beneath_read(dir, rel, LAUNCHER_MAX, &text, NULL) == 0 && text.len) {
				char *py = launcher_python(text.ptr, text.len, &hdr);
				found = py ? python_env(py) : NULL;
				free(py);
			}
			buf_free(&text);
			free(rel);
		}
	strvec_clear(&names);
	free(bin);
	return found;
}

char *env_recorded_dir(const char *dir, char **prompt)
{
	struct buf text = BUF_INIT;
	char *rec = NULL;
	if (prompt)
		*prompt = NULL;
	if (os_beneath_read(dir, "bin/activate", SCRIPT_MAX, &text, NULL) == 0 &&
	    !memchr(text.ptr, '\0', text.len)) {
		rec = sh_assignment(text.ptr, "VIRTUAL_ENV");
		if (rec && *rec != '/') { /* computed when sourced: relocatable */
			free(rec);
			rec = launchers_env(dir); /* pip's launchers name the env */
			goto out;
		}
		char *p = prompt ? sh_assignment(text.ptr, "VIRTUAL_ENV_PROMPT") : NULL;
		size_t n = p ? strlen(p) : 0;
		if (n > 3 && p[0] == '(' && ends_with(p, ") ")) { /* venv's "(name) " */
			memmove(p, p + 1, n - 3);
			p[n - 3] = '\0';
		}
		if (prompt)
			*prompt = p;
	}
	if (!rec)
		rec = launchers_env(dir);
out:
	buf_free(&text);
	return rec;
}

static bool same_dir(const char *a, const char *b)
{
	if (!strcmp(a, b))
		return true;
	struct os_file_id x, y;
	return os_file_id(a, &x) == 0 && os_file_id(b, &y) == 0 && x.dev == y.dev && x.ino == y.ino;
}

char *env_moved(const char *dir)
{
	char *rec = env_recorded_dir(dir, NULL);
	if (rec && same_dir(rec, dir)) {
		free(rec);
		rec = NULL;
	}
	return rec;
}

struct fixed {
	char *rel;  /* "bin/<name>" */
	char *hash; /* "sha256=..." of its bytes now */
	size_t size;
};

struct repair {
	struct install_env *e;
	const char *dir;
	char *old;            /* recorded location, or NULL */
	struct repair_stats *st;
	struct fixed *v;      /* this env's launchers, after the rewrite */
	size_t n;
};

/* One file of bin/: rewrites a launcher of the old location (or, with no
 * known old location, of any other env's bin whose python this env has),
 * and notes every launcher of this env for the RECORD check. */
static int repair_launcher(struct repair *r, const char *name, const char *newbin)
{
	char *rel = path_join("bin", name);
	struct buf text = BUF_INIT, out = BUF_INIT, hash = BUF_INIT;
	char *py = NULL, *env = NULL;
	int ret = 0;
	int kind = os_beneath_kind(r->dir, rel);
	if (env_owned(&r->e->v, rel))
		goto out; /* the interpreter links: relinking is create's */
	if (kind == OS_KIND_LINK) {
		r->st->links++;
		info(1, "left alone: '%s' is a symbolic link", rel);
		goto out;
	}
	unsigned mode;
	if (kind != OS_KIND_FILE || os_beneath_read(r->dir, rel, LAUNCHER_MAX, &text, &mode) < 0)
		goto out; /* not a launcher: nothing of the env's to fix */
	size_t hdr;
	py = launcher_python(text.ptr, text.len, &hdr);
	env = py ? python_env(py) : NULL;
	if (!env)
		goto out;
	const char *pyname = strrchr(py, '/') + 1;
	char *newpy = path_join(newbin, pyname);
	if (strcmp(env, r->dir) && r->old && !strcmp(env, r->old)) {
		/* a relocatable env's launchers run the python beside them */
		script_shebang(&out, r->e->v.relocatable ? pyname : newpy);
		buf_add(&out, text.ptr + hdr, text.len - hdr);
		if (os_beneath_replace(r->dir, rel, out.ptr, out.len, mode) < 0) {
			ret = error_errno("cannot rewrite '%s/%s'", r->dir, rel);
			free(newpy);
			goto out;
		}
		info(1, "rewrote the shebang of '%s'", rel);
		r->st->launchers++;
		buf_reset(&text);
		buf_add(&text, out.ptr, out.len);
	} else if (strcmp(env, r->dir)) {
		free(newpy);
		goto out; /* another env's python, or /usr/bin's: not ours */
	}
	free(newpy);
	if (record_hash_data(text.ptr, text.len, &hash) < 0) {
		ret = -1;
		goto out;
	}
	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	r->v[r->n++] = (struct fixed){ rel, buf_detach(&hash), text.len };
	rel = NULL;
out:
	free(rel);
	free(py);
	free(env);
	buf_free(&text);
	buf_free(&out);
	buf_free(&hash);
	return ret;
}

static const struct fixed *fixed_find(const struct repair *r, const char *rel)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].rel, rel))
			return &r->v[i];
	return NULL;
}

/* One RECORD: the rows of this env's launchers get their hash and size. */
static int repair_record(struct repair *r, const char *distinfo)
{
	const char *lib = r->e->libdir;
	char *rel = xstrfmt("%s/%s/RECORD", lib, distinfo);
	struct buf text = BUF_INIT, out = BUF_INIT;
	struct record rec = RECORD_INIT;
	unsigned mode;
	int ret = 0;
	if (os_beneath_kind(r->dir, rel) != OS_KIND_FILE)
		goto out;
	if (os_beneath_read(r->dir, rel, RECORD_MAX, &text, &mode) < 0) {
		ret = error_errno("cannot read '%s/%s'", r->dir, rel);
		goto out;
	}
	if (record_parse(text.ptr, text.len, rel, &rec) < 0) {
		ret = -1;
		goto out;
	}
	bool changed = false;
	for (size_t i = 0; i < rec.n; i++) {
		char *target = path_rel_join(lib, rec.rows[i].path);
		const struct fixed *f = target ? fixed_find(r, target) : NULL;
		free(target);
		if (!f)
			continue;
		char *size = xstrfmt("%zu", f->size);
		if (strcmp(rec.rows[i].hash, f->hash) || strcmp(rec.rows[i].size, size)) {
			record_set(&rec.rows[i], rec.rows[i].path, f->hash, size);
			changed = true;
		}
		free(size);
	}
	if (!changed)
		goto out;
	record_format(&rec, &out);
	if (os_beneath_replace(r->dir, rel, out.ptr, out.len, mode) < 0) {
		ret = error_errno("cannot rewrite '%s/%s'", r->dir, rel);
		goto out;
	}
	info(1, "updated the launchers' rows of '%s'", rel);
	r->st->records++;
out:
	record_free(&rec);
	buf_free(&text);
	buf_free(&out);
	free(rel);
	return ret;
}

/* The activation scripts, rendered for this location, where they differ. */
static int repair_scripts(struct repair *r, const char *prompt)
{
	struct activate_vars av = { r->dir, "bin", prompt, r->e->v.relocatable };
	struct buf text = BUF_INIT, old = BUF_INIT;
	int ret = 0;
	for (size_t i = 0; activate_script_name(i) && !ret; i++) {
		char *rel = path_join("bin", activate_script_name(i));
		buf_reset(&text);
		buf_reset(&old);
		int kind = os_beneath_kind(r->dir, rel);
		if (kind != OS_KIND_FILE && kind != OS_KIND_NONE) {
			free(rel);
			continue; /* a link or a directory: not ours to replace */
		}
		if (activate_render(activate_script_name(i), &av, &text) < 0) {
			ret = -1;
		} else if (kind == OS_KIND_NONE ||
			   os_beneath_read(r->dir, rel, SCRIPT_MAX, &old, NULL) < 0 ||
			   old.len != text.len || memcmp(old.ptr, text.ptr, text.len)) {
			if (os_beneath_replace(r->dir, rel, text.ptr, text.len, 0644) < 0)
				ret = error_errno("cannot rewrite '%s/%s'", r->dir, rel);
			else
				r->st->scripts++;
		}
		free(rel);
	}
	buf_free(&text);
	buf_free(&old);
	return ret;
}

/* pyvenv.cfg's "command" ends with the env's path (venv's and cvenv's). */
static int repair_cfg(struct repair *r)
{
	struct pyvenvcfg *cfg = &r->e->v.cfg;
	const char *cmd = pyvenvcfg_get(cfg, "command");
	if (!cmd || !r->old || !ends_with(cmd, r->old))
		return 0;
	size_t keep = strlen(cmd) - strlen(r->old);
	if (keep && cmd[keep - 1] != ' ')
		return 0;
	char *now = xstrfmt("%.*s%s", (int)keep, cmd, r->dir);
	pyvenvcfg_set(cfg, "command", now);
	free(now);
	struct buf out = BUF_INIT;
	pyvenvcfg_format(cfg, &out);
	int ret = 0;
	if (os_beneath_replace(r->dir, "pyvenv.cfg", out.ptr, out.len, 0644) < 0)
		ret = error_errno("cannot rewrite '%s/pyvenv.cfg'", r->dir);
	else
		r->st->cfg = true;
	buf_free(&out);
	return ret;
}

int env_repair(struct install_env *e, struct repair_stats *st)
{
	memset(st, 0, sizeof(*st));
	struct repair r = { .e = e, .dir = e->v.dir, .st = st };
	char *prompt = NULL;
	char *newbin = path_join(r.dir, "bin");
	struct strvec names = STRVEC_INIT;
	int ret = -1;
	r.old = env_recorded_dir(r.dir, &prompt);
	if (r.old && same_dir(r.old, r.dir)) {
		free(r.old);
		r.old = NULL;
	}
	if (os_beneath_kind(r.dir, "bin") != OS_KIND_DIR) {
		error("cannot repair '%s': its bin is not a directory of the environment", r.dir);
		goto out;
	}
	if (os_list_dir(newbin, &names) < 0) {
		error_errno("cannot list '%s'", newbin);
		goto out;
	}
	for (size_t i = 0; i < names.n; i++)
		if (!activate_is_script(names.v[i]) && repair_launcher(&r, names.v[i], newbin) < 0)
			goto out;
	if (r.n) {
		struct strvec dists = STRVEC_INIT;
		char *lib = path_join(r.dir, e->libdir);
		int lr = os_list_dir(lib, &dists);
		free(lib);
		for (size_t i = 0; lr == 0 && i < dists.n; i++)
			if (ends_with(dists.v[i], ".dist-info") && repair_record(&r, dists.v[i]) < 0)
				lr = -1;
		strvec_clear(&dists);
		if (lr < 0)
			goto out;
	}
	if (r.old && !e->v.relocatable) {
		char *name = prompt ? NULL : os_basename(r.dir);
		int sr = repair_scripts(&r, prompt ? prompt : name);
		free(name);
		if (sr < 0 || repair_cfg(&r) < 0)
			goto out;
	}
	ret = 0;
out:
	for (size_t i = 0; i < r.n; i++) {
		free(r.v[i].rel);
		free(r.v[i].hash);
	}
	free(r.v);
	strvec_clear(&names);
	free(newbin);
	free(prompt);
	free(r.old);
	return ret;
}
