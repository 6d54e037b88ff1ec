/* Scripts an install writes into the env's bin directory: launchers for
 * console and GUI entry points, rendered as pip renders them (distlib's
 * template), and "#!python" rewriting for scripts shipped in .data/scripts.
 *
 * The shebang names the env's python directly; when that path is longer than
 * the kernel's limit (127 bytes with "#!" and the newline) or contains a space,
 * it is the /bin/sh exec trick instead, which both sh and Python read right.
 *
 * Ownership: struct entry_point owns its strings; entry_points_free() frees
 * a vector of them. */
#ifndef CVENV_SCRIPTS_H
#define CVENV_SCRIPTS_H

#include "util/common.h"

struct buf;

struct entry_point {
	char *name;   /* the script's name */
	char *module; /* "pkg.cli" */
	char *attr;   /* "main" or "App.run" (may be empty: then "import module") */
	bool gui;
};

struct entry_points {
	struct entry_point *v;
	size_t n;
};

/* Parses entry_points.txt (an INI file), keeping [console_scripts] and
 * [gui_scripts]. Bad lines in those sections are errors naming `what`, and so
 * is a name entry_point_name_valid() refuses. */
int entry_points_parse(const char *text, size_t len, const char *what, struct entry_points *out);
void entry_points_free(struct entry_points *eps);
/* A launcher name as the entry points specification recommends: letters,
 * digits, '_', '.', '+' and '-', not starting with '-' (and not "." or
 * ".."): no control characters, no path, nothing a shell reads as an option. */
bool entry_point_name_valid(const char *name);
/* Whether a file of a wheel's .data/scripts is one of the wrappers
 * setuptools made for an entry point EP (EP, EP.exe, EP-script.py, EP.pya):
 * pip skips them and writes its own launcher. `file` is the base name. */
bool entry_points_wrapper(const struct entry_points *eps, const char *file);

/* Appends the shebang (ending in a newline) for running `python`; a bare
 * name (a relocatable env's "python") is the /bin/sh trick running that
 * name in the launcher's own directory (links resolved). */
void script_shebang(struct buf *out, const char *python);
/* Appends what every launcher for `python` begins with: its shebang and
 * the header before the entry point's module. */
void script_launcher_head(struct buf *out, const char *python);
/* Appends what follows script_launcher_head() in the launcher for ep. */
void script_launcher_rest(struct buf *out, const struct entry_point *ep);
/* Appends a whole launcher for an entry point: the head, then the rest. */
void script_render_launcher(struct buf *out, const char *python, const struct entry_point *ep);
/* If data starts with "#!python" (or "#!pythonw"), appends the script with that
 * line replaced by the shebang for `python` and returns true; otherwise
 * returns false and appends nothing. */
bool script_rewrite_python(struct buf *out, const char *python, const char *data, size_t len);
/* The names pip gives the launchers of an entry point: pip's own "pip",
 * "pipX", "pipX.Y" entries become pip, pip<major>, pip<major>.<minor> of the
 * target interpreter (easy_install likewise). Appends the names to out
 * (a strvec); returns false when the entry is one of the versioned variants
 * pip drops. */
struct strvec;
bool script_names(const char *name, int major, int minor, struct strvec *out);
/* Whether script_names(name) is name alone (not pip's or easy_install's
 * own names): a launcher staged under its name with no list made. */
bool script_names_just(const char *name);

#endif
