#include "util/parseopt.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

static bool help_requested;

const struct opt common_options[] = {
	{ OPT_KIND_COUNT, 'v', "verbose", &verbosity, NULL, "say more about what is done (repeatable)", 1, 0, NULL },
	{ OPT_KIND_COUNT, 'q', "quiet", &verbosity, NULL, "print only errors", -1, 0, NULL },
	OPT_BOOL('h', "help", &help_requested, "show this help and exit"),
	OPT_END(),
};

static const struct opt *find_long(const struct opt *tables[], const char *name, size_t len)
{
	for (int t = 0; tables[t]; t++)
		for (const struct opt *o = tables[t]; o->kind != OPT_KIND_END; o++)
			if (o->long_name && strlen(o->long_name) == len &&
			    !strncmp(o->long_name, name, len))
				return o;
	return NULL;
}

static const struct opt *find_short(const struct opt *tables[], char c)
{
	for (int t = 0; tables[t]; t++)
		for (const struct opt *o = tables[t]; o->kind != OPT_KIND_END; o++)
			if (o->short_name == c)
				return o;
	return NULL;
}

static bool takes_arg(const struct opt *o)
{
	return o->kind == OPT_KIND_STRING || o->kind == OPT_KIND_LIST;
}

static void apply(const struct opt *o, const char *arg)
{
	switch (o->kind) {
	case OPT_KIND_BOOL:
		*(bool *)o->value = true;
		break;
	case OPT_KIND_SETINT:
		*(int *)o->value = o->defval;
		break;
	case OPT_KIND_COUNT:
		*(int *)o->value += o->defval;
		break;
	case OPT_KIND_STRING:
		*(const char **)o->value = arg;
		break;
	case OPT_KIND_LIST:
		strvec_push((struct strvec *)o->value, arg);
		break;
	case OPT_KIND_END:
		BUG("applying the end marker");
	}
}

/* what: "unknown option" or "option"; why: "" or " requires a value" ... */
static int fail(const char *cmd, const char *what, const char *subject, const char *why)
{
	/* Name the option without any "=value" the user attached. */
	size_t n = strcspn(subject, "=");
	usage_error("%s '%.*s'%s", what, (int)n, subject, why);
	hint("see 'cvenv %s --help'", cmd);
	return PARSE_ERROR;
}

int parse_options(int argc, const char **argv, const char *const *usage,
		  const char *description, const struct opt *const *own)
{
	const struct opt *tables[OPT_MAX_TABLES + 2];
	size_t nt = 0;
	for (; own && own[nt]; nt++) {
		if (nt == OPT_MAX_TABLES)
			BUG("more than %d option tables", OPT_MAX_TABLES);
		tables[nt] = own[nt];
	}
	tables[nt++] = common_options;
	tables[nt] = NULL;
	const char *cmd = argv[0];
	int npos = 0;
	bool only_args = false;
	help_requested = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_args || a[0] != '-' || a[1] == '\0') {
			argv[npos++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = true;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const struct opt *o = find_long(tables, name, len);
			if (!o)
				return fail(cmd, "unknown option", a, "");
			if (takes_arg(o)) {
				const char *arg = eq ? eq + 1 : NULL;
				if (!arg) {
					if (i + 1 >= argc)
						return fail(cmd, "option", a, " requires a value");
					arg = argv[++i];
				}
				apply(o, arg);
			} else {
				if (eq)
					return fail(cmd, "option", a, " takes no value");
				apply(o, NULL);
			}
			continue;
		}
		/* One or more short options: -vq, -p3.12, -p 3.12 */
		for (const char *p = a + 1; *p; p++) {
			const struct opt *o = find_short(tables, *p);
			if (!o) {
				char bad[3] = { '-', *p, '\0' };
				return fail(cmd, "unknown option", bad, "");
			}
			if (takes_arg(o)) {
				const char *arg = p[1] ? p + 1 : NULL;
				if (!arg) {
					if (i + 1 >= argc) {
						char bad[3] = { '-', *p, '\0' };
						return fail(cmd, "option", bad, " requires a value");
					}
					arg = argv[++i];
				}
				apply(o, arg);
				break;
			}
			apply(o, NULL);
		}
	}
	if (help_requested) {
		struct buf b = BUF_INIT;
		format_help(&b, usage, description, own);
		fputs(b.ptr, stdout);
		buf_free(&b);
		return PARSE_HELP;
	}
	argv[npos] = NULL;
	return npos;
}

void format_opt_synopsis(struct buf *out, const struct opt *o)
{
	buf_addstr(out, "  ");
	if (o->short_name)
		buf_addf(out, "-%c%s", o->short_name, o->long_name ? ", " : "");
	else
		buf_addstr(out, "    ");
	if (o->long_name)
		buf_addf(out, "--%s", o->long_name);
	if (takes_arg(o))
		buf_addf(out, " %s", o->argh ? o->argh : "VALUE");
}

/* Appends text word-wrapped to `width` columns; continuation lines (and, when
 * the current line already holds `col` characters, nothing more) start with
 * `indent` spaces. Explicit newlines in text are kept. */
static void add_wrapped(struct buf *out, const char *text, size_t col, size_t indent, size_t width)
{
	const char *p = text;
	while (*p) {
		if (*p == '\n') {
			buf_addch(out, '\n');
			for (size_t i = 0; i < indent; i++)
				buf_addch(out, ' ');
			col = indent;
			p++;
			continue;
		}
		size_t w = strcspn(p, " \n");
		if (col > indent && col + 1 + w > width) {
			buf_addch(out, '\n');
			for (size_t i = 0; i < indent; i++)
				buf_addch(out, ' ');
			col = indent;
		} else if (col > indent) {
			buf_addch(out, ' ');
			col++;
		}
		buf_add(out, p, w);
		col += w;
		p += w;
		while (*p == ' ')
			p++;
	}
}

static void format_table(struct buf *out, const struct opt *opts)
{
	for (const struct opt *o = opts; o->kind != OPT_KIND_END; o++) {
		if (o->flags & OPT_HIDDEN)
			continue;
		size_t start = out->len;
		format_opt_synopsis(out, o);
		size_t w = out->len - start;
		if (w >= 28) {
			buf_addch(out, '\n');
			w = 0;
		}
		for (; w < 28; w++)
			buf_addch(out, ' ');
		add_wrapped(out, o->help, 28, 28, 79);
		buf_addch(out, '\n');
	}
}

void format_help(struct buf *out, const char *const *usage, const char *description,
		 const struct opt *const *own)
{
	for (int i = 0; usage[i]; i++)
		buf_addf(out, "%s%s\n", i ? "   or: " : "usage: ", usage[i]);
	if (description) {
		buf_addch(out, '\n');
		add_wrapped(out, description, 0, 0, 79);
		buf_addch(out, '\n');
	}
	bool any = false;
	for (size_t t = 0; own && own[t]; t++) {
		if (own[t]->kind == OPT_KIND_END)
			continue;
		if (!any)
			buf_addstr(out, "\noptions:\n");
		any = true;
		format_table(out, own[t]);
	}
	buf_addstr(out, "\ncommon options:\n");
	format_table(out, common_options);
}
