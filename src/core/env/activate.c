/* Activation scripts: the templates in templates/, with each placeholder
 * replaced by a value quoted for the shell that reads that template.
 *
 * Every value enters a script once, as one complete quoted literal assigned to
 * a variable; the templates use it only through that variable. The quoting
 * functions below each produce a literal that the shell reads back as exactly
 * the input bytes, whatever they are, so nothing in a path or prompt is ever
 * expanded or run (the bugs behind CVE-2024-9287 and CVE-2024-53899 were
 * values pasted into scripts unquoted or half-quoted). What no shell can carry
 * (a newline or another control character; ':' in the path, which would split
 * PATH; bytes that are not UTF-8, which fish, nushell and PowerShell cannot
 * read) is refused by activate_check() before anything is written. */
#include "util/common.h"

#include "core/env/activate.h"
#include "util/embedded.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"

/* The scripts written into every env's bin directory, in this order. */
static const char *const script_names[] = {
	"activate", "activate.fish", "activate.csh", "Activate.ps1", "activate.nu",
};

const char *activate_script_name(size_t i)
{
	return i < ARRAY_SIZE(script_names) ? script_names[i] : NULL;
}

bool activate_is_script(const char *name)
{
	/* the first byte first: every launcher's name is asked (issue 18) */
	for (size_t i = 0; i < ARRAY_SIZE(script_names); i++)
		if (name[0] == script_names[i][0] && !strcmp(name, script_names[i]))
			return true;
	return false;
}

void quote_posix_sh(struct buf *out, const char *s)
{
	/* Inside '...' every byte is literal; a ' closes, is escaped, reopens. */
	buf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_addstr(out, "'\\''");
		else
			buf_addch(out, *s);
	}
	buf_addch(out, '\'');
}

void quote_fish(struct buf *out, const char *s)
{
	/* fish's '...' knows exactly two escapes: \\ and \'. */
	buf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '\\' || *s == '\'')
			buf_addch(out, '\\');
		buf_addch(out, *s);
	}
	buf_addch(out, '\'');
}

void quote_csh(struct buf *out, const char *s)
{
	/* csh's '...' is literal except for '!' (history substitution, which
	 * interactive shells apply even inside quotes) and newline (refused by
	 * activate_check). Both ' and ! are therefore written outside the
	 * quotes, backslash-escaped: '\'' and '\!'. */
	buf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '!') {
			buf_addstr(out, "'\\");
			buf_addch(out, *s);
			buf_addch(out, '\'');
		} else {
			buf_addch(out, *s);
		}
	}
	buf_addch(out, '\'');
}

/* The UTF-8 encodings of the characters PowerShell accepts as single quotes:
 * U+2018 to U+201B, besides the ASCII one. */
static size_t powershell_quote_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] == '\'')
		return 1;
	if (u[0] == 0xe2 && u[1] == 0x80 && u[2] >= 0x98 && u[2] <= 0x9b)
		return 3;
	return 0;
}

void quote_powershell(struct buf *out, const char *s)
{
	/* In '...' the only special character is the quote itself (in any of
	 * its four forms), written twice to stand for itself. */
	buf_addch(out, '\'');
	while (*s) {
		size_t q = powershell_quote_len(s);
		if (q) {
			buf_add(out, s, q);
			buf_add(out, s, q);
			s += q;
		} else {
			buf_addch(out, *s++);
		}
	}
	buf_addch(out, '\'');
}

void quote_nu(struct buf *out, const char *s)
{
	/* Nushell's '...' has no escapes at all, so it cannot hold a '. A raw
	 * string r#'...'# ends at the first ' followed by as many # as it
	 * opened with: open with one more # than the longest run of # that
	 * follows a ' in the value. */
	if (!strchr(s, '\'')) {
		buf_addch(out, '\'');
		buf_addstr(out, s);
		buf_addch(out, '\'');
		return;
	}
	size_t hashes = 0;
	for (const char *p = s; (p = strchr(p, '\'')); ) {
		size_t n = strspn(++p, "#");
		if (n > hashes)
			hashes = n;
	}
	hashes++;
	buf_addch(out, 'r');
	for (size_t i = 0; i < hashes; i++)
		buf_addch(out, '#');
	buf_addch(out, '\'');
	buf_addstr(out, s);
	buf_addch(out, '\'');
	for (size_t i = 0; i < hashes; i++)
		buf_addch(out, '#');
}

/* tcsh reads its prompt for escapes: '%' starts one, '!' is the history event
 * number, '\' quotes the next character. Each is escaped so the prompt shows
 * the name as it is. */
static void csh_prompt_prefix(struct buf *out, const char *prompt)
{
	struct buf text = BUF_INIT;
	buf_addch(&text, '(');
	for (const char *p = prompt; *p; p++) {
		if (*p == '%')
			buf_addch(&text, '%');
		else if (*p == '!' || *p == '\\')
			buf_addch(&text, '\\');
		buf_addch(&text, *p);
	}
	buf_addstr(&text, ") ");
	quote_csh(out, text.ptr);
	buf_free(&text);
}

/* Checks one value; `what` names it in the message ("environment path"). */
static int check_value(const char *what, const char *s, bool is_path)
{
	const unsigned char *u = (const unsigned char *)s;
	const char *bad = NULL;
	char desc[32];
	while (*u && !bad) {
		size_t n = utf8_len(u);
		if (n == 0) {
			snprintf(desc, sizeof(desc), "the byte 0x%02x", *u);
			bad = "is not valid UTF-8, which fish, nushell and PowerShell cannot read";
		} else if (*u == '\n') {
			snprintf(desc, sizeof(desc), "a newline");
			bad = "no shell can carry in an activation script";
		} else if (*u < 0x20 || *u == 0x7f) {
			snprintf(desc, sizeof(desc), "the control character 0x%02x", *u);
			bad = "no shell can carry in an activation script";
		} else if (is_path && *u == ':') {
			snprintf(desc, sizeof(desc), "':'");
			bad = "would split PATH in two";
		}
		u += n ? n : 1;
	}
	if (!bad)
		return 0;
	struct buf shown = BUF_INIT;
	buf_add_printable(&shown, s);
	error("%s '%s' contains %s, which %s", what, shown.ptr, desc, bad);
	buf_free(&shown);
	return -1;
}

int activate_check(const struct activate_vars *v)
{
	if (check_value("environment path", v->env_dir, true) < 0)
		return -1;
	if (v->env_dir[0] != '/')
		return error("environment path '%s' is not absolute", v->env_dir);
	if (check_value("prompt", v->prompt, false) < 0)
		return -1;
	/* The bin name is ours ("bin"), never the user's, but it is written
	 * unquoted into some templates: keep it to a safe alphabet. */
	const char *b = v->bin_name;
	if (!*b || b[strspn(b, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")])
		return error("scripts directory name '%s' is not a plain name", b);
	return 0;
}

/* The placeholders of the templates ("__CVENV_<key>__"): which value, quoted
 * how. BIN is written bare; activate_check keeps it to a plain name. */
#define VAR(field) offsetof(struct activate_vars, field)
static const struct {
	const char *key;
	void (*quote)(struct buf *, const char *);
	size_t value;
} placeholders[] = {
	{ "ENV_SH", quote_posix_sh, VAR(env_dir) },   { "PROMPT_SH", quote_posix_sh, VAR(prompt) },
	{ "ENV_FISH", quote_fish, VAR(env_dir) },     { "PROMPT_FISH", quote_fish, VAR(prompt) },
	{ "ENV_CSH", quote_csh, VAR(env_dir) },       { "PROMPT_CSH", quote_csh, VAR(prompt) },
	{ "PROMPT_PREFIX_CSH", csh_prompt_prefix, VAR(prompt) },
	{ "ENV_PS", quote_powershell, VAR(env_dir) }, { "PROMPT_PS", quote_powershell, VAR(prompt) },
	{ "BIN_PS", quote_powershell, VAR(bin_name) },
	{ "ENV_NU", quote_nu, VAR(env_dir) },         { "PROMPT_NU", quote_nu, VAR(prompt) },
	{ "BIN_NU", quote_nu, VAR(bin_name) },
	{ "BIN", buf_addstr, VAR(bin_name) },
};
#undef VAR

/* A relocatable env's path, as each shell computes it from the script's
 * own location. The POSIX template sets _cvenv_src to the file sourced where
 * the shell can tell (bash, zsh, ksh93) and refuses to go on with an empty
 * path (dash); nushell's is the file it parses (path self), links followed. csh
 * and tcsh cannot know which file they source: they get the path written in. */
static const struct {
	const char *key, *expr;
} relocatable_env[] = {
	{ "ENV_SH", "\"$(if [ -n \"$_cvenv_src\" ]; then "
		    "CDPATH= cd -- \"$(dirname -- \"$_cvenv_src\")/..\" && pwd; fi)\"" },
	{ "ENV_FISH", "(builtin realpath -- (status dirname)/..)" },
	{ "ENV_PS", "(Split-Path -Parent $PSScriptRoot)" },
	{ "ENV_NU", "($activate_file | path expand | path dirname | path dirname)" },
};

static int placeholder(const char *key, size_t len, const struct activate_vars *v, struct buf *out)
{
	for (size_t i = 0; v->relocatable && i < ARRAY_SIZE(relocatable_env); i++)
		if (strlen(relocatable_env[i].key) == len && !strncmp(relocatable_env[i].key, key, len)) {
			buf_addstr(out, relocatable_env[i].expr);
			return 0;
		}
	for (size_t i = 0; i < ARRAY_SIZE(placeholders); i++) {
		if (strlen(placeholders[i].key) != len || strncmp(placeholders[i].key, key, len))
			continue;
		const char *value = *(const char *const *)((const char *)v + placeholders[i].value);
		placeholders[i].quote(out, value);
		return 0;
	}
	return -1;
}

int activate_render(const char *name, const struct activate_vars *v, struct buf *out)
{
	const struct embedded_file *f = embedded_get(name);
	if (!f)
		BUG("no embedded template '%s'", name);
	if (activate_check(v) < 0)
		return -1;
	static const char mark[] = "__CVENV_";
	const char *p = f->data;
	const char *m;
	while ((m = strstr(p, mark))) {
		const char *key = m + strlen(mark);
		const char *end = strstr(key, "__");
		if (!end)
			BUG("unterminated placeholder in template '%s'", name);
		buf_add(out, p, (size_t)(m - p));
		if (placeholder(key, (size_t)(end - key), v, out) < 0)
			BUG("unknown placeholder '%.*s' in template '%s'", (int)(end - key), key, name);
		p = end + 2;
	}
	buf_addstr(out, p);
	return 0;
}

int activate_write_scripts(const char *bin_dir, const struct activate_vars *v, bool fresh)
{
	if (activate_check(v) < 0)
		return -1;
	struct buf text = BUF_INIT;
	int ret = 0;
	for (size_t i = 0; i < ARRAY_SIZE(script_names) && !ret; i++) {
		char *path = path_join(bin_dir, script_names[i]);
		buf_reset(&text);
		if (activate_render(script_names[i], v, &text) < 0)
			ret = -1;
		else if ((fresh ? os_write_new(path, text.ptr, text.len, 0644)
			        : os_write_atomic(path, text.ptr, text.len, 0644, false)) < 0)
			ret = error_errno("cannot write '%s'", path);
		free(path);
	}
	buf_free(&text);
	return ret;
}
