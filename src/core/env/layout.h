/* What a virtual environment contains, for one interpreter: the directories,
 * links, copies and files that the interpreter's own `python -m venv` would
 * make, version by version (read from each version's Lib/venv/__init__.py):
 *
 *   - include dir, site-packages dir (where the interpreter's sysconfig "venv"
 *     scheme puts them on 3.11+, lib/<python|pypy>X.Y/site-packages and include
 *     before), "lib64" -> "lib" on 64-bit POSIX except macOS, "bin";
 *   - bin/<name of the base executable> -> the base executable (absolute), then
 *     python, python3 (3.9+: python3.X; PyPy: also pypy3, pypy) -> that name
 *     (relative), each only when missing; --copies copies instead;
 *   - .gitignore "*" unless --without-scm-ignore-files (venv: 3.13+; cvenv, as
 *     virtualenv and uv: every version);
 *   - pyvenv.cfg: home, include-system-site-packages, version; prompt (3.8+,
 *     when --prompt was given, as Python's repr); executable and command (3.11+).
 *
 * Pure: it computes the plan; core/create.c carries it out. Paths in a plan are
 * relative to the env directory.
 *
 * Ownership: a layout owns its items and strings; layout_free() releases them. */
#ifndef CVENV_LAYOUT_H
#define CVENV_LAYOUT_H

#include "util/common.h"

struct pyvenvcfg;

/* The interpreter facts the layout depends on (from core/interp.h). */
struct layout_facts {
	const char *implementation;  /* "cpython", "pypy" */
	int major, minor, micro;
	const char *base_executable; /* absolute; bin/<its name> points at it, home is its dir */
	const char *executable_realpath; /* pyvenv.cfg "executable" (3.11+) */
	int pointer_bits;
	const char *os_name;         /* "posix" */
	const char *sys_platform;    /* "linux", "darwin" */
	const char *purelib;         /* venv scheme paths, relative to the env */
	const char *include;
	const char *scripts;
};

struct layout_opts {
	const char *env_dir;       /* absolute path the env will have */
	bool copies;               /* --copies (symlinks otherwise) */
	bool system_site_packages;
	bool with_pip;
	bool clear, upgrade;
	bool scm_ignore;           /* false with --without-scm-ignore-files */
	bool relocatable;          /* --relocatable: "relocatable = true" */
	const char *prompt;        /* --prompt after "." was replaced, or NULL */
	const char *orig_prompt;   /* --prompt as given, or NULL */
	const char *cvenv_exe;     /* the cvenv program, for "command" */
};

enum layout_kind {
	LAYOUT_DIR,     /* a directory and its missing parents */
	LAYOUT_SYMLINK, /* path -> arg */
	LAYOUT_COPY,    /* path gets a copy of the file arg */
	LAYOUT_FILE,    /* path gets the text arg */
};

struct layout_item {
	enum layout_kind kind;
	char *path;          /* relative to the env */
	char *arg;
	unsigned mode;       /* for copies and files; 0: what open() gives
				(0666 less the umask), as venv writes its own files */
	bool only_if_missing; /* venv leaves an existing one alone */
};

struct layout {
	struct layout_item *v;
	size_t n, cap;
	char *bin_dir;  /* relative: "bin" */
	char *exe_name; /* bin/<exe_name> is the env's main interpreter link */
	char *purelib;  /* relative site-packages */
};

#define LAYOUT_INIT { NULL, 0, 0, NULL, NULL, NULL }

/* True when this interpreter can have a pyvenv.cfg env (Python 3.3+). */
bool layout_supported(const struct layout_facts *f);

/* Computes the plan for an env. Returns -1 with error() when the facts are
 * unusable (unsupported version, missing scheme paths). */
int layout_plan(const struct layout_facts *f, const struct layout_opts *o, struct layout *out);

/* The pyvenv.cfg entries, in the order that version writes them. */
void layout_pyvenvcfg(const struct layout_facts *f, const struct layout_opts *o,
		      struct pyvenvcfg *cfg);

void layout_free(struct layout *l);

#endif
