/* Declarative option parsing (after git's parse-options).
 *
 * Each command declares a static table of struct opt; the same table produces
 * its --help text, the man page section and the shell completions, so the three
 * cannot drift. Accepted forms: -p X, -pX, --python X, --python=X, bundled
 * short flags (-vq), and "--" to end options. Unknown options and abbreviations
 * are usage errors that name the option. Options may follow positional
 * arguments (like git and pip). */
#ifndef CVENV_PARSEOPT_H
#define CVENV_PARSEOPT_H

#include "util/common.h"

struct buf;

enum opt_kind {
	OPT_KIND_END,
	OPT_KIND_BOOL,   /* bool *value = true */
	OPT_KIND_SETINT, /* int *value = defval */
	OPT_KIND_STRING, /* const char **value = argument (points into argv) */
	OPT_KIND_LIST,   /* struct strvec *value, appended per use */
	OPT_KIND_COUNT,  /* int *value += defval (defval may be negative) */
};

enum {
	OPT_HIDDEN = 1,    /* accepted but not shown in help, man or completions */
	OPT_NOCOMPLETE = 2,
	OPT_FILEARG = 4,   /* the argument is a path: completions offer files */
	OPT_DIRARG = 8,    /* the argument is a directory */
};

struct opt {
	enum opt_kind kind;
	char short_name;
	const char *long_name;
	void *value;
	const char *argh; /* placeholder shown in help, e.g. "SPEC" */
	const char *help;
	int defval;
	int flags;
	/* For completions: the values the argument takes, space-separated
	 * ("columns freeze json"), or OPT_VALUES_PYTHON: the interpreters
	 * `cvenv python list` finds. NULL: any value. */
	const char *values;
};

#define OPT_VALUES_PYTHON "@python"

#define OPT_END() { OPT_KIND_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL }
#define OPT_BOOL(s, l, v, h) { OPT_KIND_BOOL, (s), (l), (v), NULL, (h), 0, 0, NULL }
#define OPT_SETINT(s, l, v, val, h) { OPT_KIND_SETINT, (s), (l), (v), NULL, (h), (val), 0, NULL }
#define OPT_STRING(s, l, v, a, h) { OPT_KIND_STRING, (s), (l), (v), (a), (h), 0, 0, NULL }
#define OPT_STRING_F(s, l, v, a, h, f) { OPT_KIND_STRING, (s), (l), (v), (a), (h), 0, (f), NULL }
/* A string option whose values completions offer (see struct opt's values). */
#define OPT_STRING_V(s, l, v, a, h, vals) { OPT_KIND_STRING, (s), (l), (v), (a), (h), 0, 0, (vals) }
#define OPT_LIST(s, l, v, a, h) { OPT_KIND_LIST, (s), (l), (v), (a), (h), 0, 0, NULL }
#define OPT_LIST_F(s, l, v, a, h, f) { OPT_KIND_LIST, (s), (l), (v), (a), (h), 0, (f), NULL }

/* Options every command accepts; they are listed after the command's own. */
extern const struct opt common_options[];

enum { PARSE_HELP = -2, PARSE_ERROR = -1 };

/* A command's own options may come in several tables (its own, then shared
 * ones such as --venv), given as a NULL-terminated list of at most this many. */
enum { OPT_MAX_TABLES = 4 };

/* Parses argv[1..argc-1] (argv[0] is the command name) with the tables own
 * and then common_options. Positional arguments
 * are moved to the front of argv and their count returned. On --help, prints
 * the help to stdout and returns PARSE_HELP; on a usage error, prints it with a
 * pointer to --help and returns PARSE_ERROR. */
int parse_options(int argc, const char **argv, const char *const *usage,
		  const char *description, const struct opt *const *own);

/* Appends the help text ("usage: ...", description, the options of the
 * tables own (NULL-terminated), then the common ones). */
void format_help(struct buf *out, const char *const *usage, const char *description,
		 const struct opt *const *own);
/* Appends "  -p, --python SPEC" (the option's synopsis). */
void format_opt_synopsis(struct buf *out, const struct opt *o);

#endif
