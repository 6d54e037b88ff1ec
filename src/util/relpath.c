/* Lexical relative paths (see relpath.h). */
#include "util/common.h"

#include "util/buf.h"
#include "util/relpath.h"
#include "util/strvec.h"

bool path_is_under(const char *path, const char *dir, bool or_same)
{
	size_t n = strlen(dir);
	if (!n)
		return false;
	if (dir[n - 1] == '/')
		n--; /* "/" as dir */
	if (strncmp(path, dir, n))
		return false;
	if (path[n] == '/' && path[n + 1])
		return true;
	return or_same && (!path[n] || !strcmp(path + n, "/"));
}

char *path_rel_join(const char *base, const char *path)
{
	struct strvec parts = STRVEC_INIT;
	char *all = *base ? xstrfmt("%s/%s", base, path) : xstrdup(path);
	char *r = NULL;
	if (all[0] == '/' || path[0] == '/')
		goto out;
	for (char *p = all, *s; p; p = s) {
		s = strchr(p, '/');
		if (s)
			*s++ = '\0';
		if (!*p || !strcmp(p, "."))
			continue;
		if (!strcmp(p, "..")) {
			if (!parts.n)
				goto out;
			free(parts.v[--parts.n]);
			parts.v[parts.n] = NULL;
			continue;
		}
		strvec_push(&parts, p);
	}
	if (!parts.n)
		goto out;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < parts.n; i++) {
		if (i)
			buf_addch(&b, '/');
		buf_addstr(&b, parts.v[i]);
	}
	r = buf_detach(&b);
out:
	free(all);
	strvec_clear(&parts);
	return r;
}


bool path_rel_is_safe(const char *p, size_t n, const char **why)
{
	const char *w = NULL;
	if (!n)
		w = "empty path";
	else if (memchr(p, '\0', n))
		w = "path contains a NUL byte";
	else if (p[0] == '/')
		w = "absolute path";
	else if (p[n - 1] == '/')
		w = "path ends with a slash";
	for (size_t i = 0; !w && i < n;) {
		const char *slash = memchr(p + i, '/', n - i);
		size_t len = slash ? (size_t)(slash - (p + i)) : n - i;
		if (!len)
			w = "empty path component";
		else if (len == 1 && p[i] == '.')
			w = "'.' path component";
		else if (len == 2 && p[i] == '.' && p[i + 1] == '.')
			w = "'..' path component";
		i += len + 1;
	}
	if (w && why)
		*why = w;
	return !w;
}

bool path_abs_is_safe(const char *p, size_t n)
{
	if (!p || n < 1 || p[0] != '/' || memchr(p, '\0', n))
		return false;
	for (size_t i = 1; i < n;) {
		const char *slash = memchr(p + i, '/', n - i);
		size_t len = slash ? (size_t)(slash - (p + i)) : n - i;
		if (len == 2 && p[i] == '.' && p[i + 1] == '.')
			return false;
		i += len + 1;
	}
	return true;
}
