/* Launchers and script shebangs (see scripts.h). */
#include "util/common.h"

#include <ctype.h>
#include <strings.h>

#include "core/pkg/scripts.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

/* Linux reads at most 127 bytes of a "#!" line (BINPRM_BUF_SIZE was 128). */
#define MAX_SHEBANG 127

void script_shebang(struct buf *out, const char *python)
{
	size_t n = strlen(python);
	if (*python != '/') {
		/* relocatable: the python beside the launcher, wherever it is */
		buf_addf(out, "#!/bin/sh\n'''exec' \"$(dirname -- \"$(realpath -- \"$0\")\")\"/'%s' "
			 "\"$0\" \"$@\"\n' '''\n", python);
		return;
	}
	bool space = strchr(python, ' ') != NULL;
	if (!space && n + 3 <= MAX_SHEBANG) {
		buf_addstr(out, "#!");
		buf_add(out, python, n);
		buf_addch(out, '\n');
		return;
	}
	/* sh runs the exec line; Python sees a docstring ''' ... ''' and skips it. */
	buf_addstr(out, "#!/bin/sh\n'''exec' ");
	if (space)
		buf_addf(out, "\"%s\"", python);
	else
		buf_addstr(out, python);
	buf_addstr(out, " \"$0\" \"$@\"\n' '''\n");
}

void script_launcher_head(struct buf *out, const char *python)
{
	script_shebang(out, python);
	/* appended, not printed: one launcher per console script (issue 18) */
	buf_addstr(out, "# -*- coding: utf-8 -*-\n"
			"import re\n"
			"import sys\n"
			"from ");
}

/* A string literal appended by its known length (no strlen per launcher) */
#define ADD_LITERAL(out, lit) buf_add((out), (lit), sizeof(lit) - 1)

void script_launcher_rest(struct buf *out, const struct entry_point *ep)
{
	static const char mid[] = "\nif __name__ == '__main__':\n"
				  "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', "
				  "sys.argv[0])\n"
				  "    sys.exit(";
	size_t mn = strlen(ep->module), an = strlen(ep->attr);
	size_t imp = strcspn(ep->attr, ".");
	/* one grow for the whole rest, then plain copies */
	buf_grow(out, mn + imp + an + sizeof(mid) + 16);
	buf_add(out, ep->module, mn);
	ADD_LITERAL(out, " import ");
	buf_add(out, ep->attr, imp);
	ADD_LITERAL(out, mid);
	buf_add(out, ep->attr, an);
	ADD_LITERAL(out, "())\n");
}

void script_render_launcher(struct buf *out, const char *python, const struct entry_point *ep)
{
	script_launcher_head(out, python);
	script_launcher_rest(out, ep);
}

bool script_rewrite_python(struct buf *out, const char *python, const char *data, size_t len)
{
	if (len < 8 || memcmp(data, "#!python", 8))
		return false;
	const char *nl = memchr(data, '\n', len);
	/* the rest of the line after "#!python" / "#!pythonw": interpreter arguments */
	const char *rest = data + 8;
	if (rest < data + len && *rest == 'w')
		rest++;
	const char *eol = nl ? nl : data + len;
	struct buf args = BUF_INIT;
	buf_add(&args, rest, (size_t)(eol - rest));
	buf_rtrim(&args, "\r");
	if (args.len) {
		char *withargs = xstrfmt("%s%s", python, args.ptr);
		if (!strchr(python, ' ') && strlen(withargs) + 3 <= MAX_SHEBANG)
			buf_addf(out, "#!%s\n", withargs);
		else
			script_shebang(out, python);
		free(withargs);
	} else {
		script_shebang(out, python);
	}
	buf_free(&args);
	if (nl)
		buf_add(out, nl + 1, (size_t)(data + len - nl - 1));
	return true;
}

static bool is_versioned(const char *name, const char *base, bool dash)
{
	size_t n = strlen(base);
	if (strncmp(name, base, n))
		return false;
	const char *p = name + n;
	if (!*p)
		return true;
	if (dash) {
		if (*p++ != '-')
			return false;
	}
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	} else if (dash) {
		return false;
	}
	return !*p;
}

bool script_names_just(const char *name)
{
	/* the names below all begin with one of these: most names are
	 * settled by their first bytes */
	if (strncmp(name, "pip", 3) && strncmp(name, "easy_install", 12))
		return true;
	return strcmp(name, "pip") && strcmp(name, "easy_install") &&
	       !is_versioned(name, "pip", false) && !is_versioned(name, "easy_install", true);
}

bool script_names(const char *name, int major, int minor, struct strvec *out)
{
	if (script_names_just(name)) {
		strvec_push(out, name);
		return true;
	}
	if (!strcmp(name, "pip")) {
		strvec_push(out, "pip");
		strvec_pushf(out, "pip%d", major);
		strvec_pushf(out, "pip%d.%d", major, minor);
		return true;
	}
	if (!strcmp(name, "easy_install")) {
		strvec_push(out, "easy_install");
		strvec_pushf(out, "easy_install-%d.%d", major, minor);
		return true;
	}
	return false; /* a versioned pip or easy_install */
}

void entry_points_free(struct entry_points *eps)
{
	for (size_t i = 0; i < eps->n; i++) {
		free(eps->v[i].name);
		free(eps->v[i].module);
		free(eps->v[i].attr);
	}
	free(eps->v);
	eps->v = NULL;
	eps->n = 0;
}

static bool valid_dotted(const char *s, bool allow_empty)
{
	if (!*s)
		return allow_empty;
	for (const char *p = s; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '.' || (unsigned char)*p >= 0x80))
			return false;
	return s[0] != '.' && s[strlen(s) - 1] != '.';
}

bool entry_point_name_valid(const char *name)
{
	if (!*name || name[0] == '-' || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.+-", *p))
			return false;
	return true;
}

bool entry_points_wrapper(const struct entry_points *eps, const char *file)
{
	size_t n = strlen(file);
	if (n > 4 && (!strcasecmp(file + n - 4, ".exe") || !strcasecmp(file + n - 4, ".pya")))
		n -= 4;
	else if (n > 10 && !strcasecmp(file + n - 10, "-script.py"))
		n -= 10;
	for (size_t i = 0; i < eps->n; i++)
		if (strlen(eps->v[i].name) == n && !strncmp(eps->v[i].name, file, n))
			return true;
	return false;
}

/* "name = module:attr [extras]" */
static int parse_entry(const char *line, size_t n, bool gui, const char *what,
		       struct entry_points *out)
{
	const char *eq = memchr(line, '=', n);
	if (!eq)
		return error("invalid entry point '%.*s' in '%s'", (int)n, line, what);
	char *name = xstrndup_trim(line, (size_t)(eq - line));
	char *value = xstrndup_trim(eq + 1, (size_t)(line + n - eq - 1));
	char *br = strchr(value, '[');
	if (br) {
		*br = '\0';
		char *t = xstrndup_trim(value, strlen(value));
		free(value);
		value = t;
	}
	char *colon = strchr(value, ':');
	char *module = xstrndup_trim(value, colon ? (size_t)(colon - value) : strlen(value));
	char *attr = colon ? xstrndup_trim(colon + 1, strlen(colon + 1)) : xstrdup("");
	int ret = 0;
	if (!entry_point_name_valid(name)) {
		ret = error("invalid entry point name '%s' in '%s'", name, what);
		hint("a launcher name may hold only letters, digits, '_', '.', '+' and '-', and "
		     "not start with '-'");
	} else if (!valid_dotted(module, false) || !valid_dotted(attr, false)) {
		ret = error("invalid entry point '%.*s' in '%s'", (int)n, line, what);
	}
	if (!ret) {
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		struct entry_point *ep = &out->v[out->n++];
		ep->name = name;
		ep->module = module;
		ep->attr = attr;
		ep->gui = gui;
	} else {
		free(name);
		free(module);
		free(attr);
	}
	free(value);
	return ret;
}

int entry_points_parse(const char *text, size_t len, const char *what, struct entry_points *out)
{
	const char *p = text, *end = text + len;
	int section = 0; /* 0 other, 1 console, 2 gui */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		char *line = xstrndup_trim(p, (size_t)(le - p));
		int ret = 0;
		if (!*line || line[0] == '#' || line[0] == ';') {
			/* comment or blank */
		} else if (line[0] == '[') {
			section = !strcmp(line, "[console_scripts]") ? 1
				  : !strcmp(line, "[gui_scripts]") ? 2 : 0;
		} else if (section) {
			ret = parse_entry(line, strlen(line), section == 2, what, out);
		}
		free(line);
		if (ret < 0) {
			entry_points_free(out);
			return -1;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}
