/* The text of `pip freeze` and `pip list` for a set of installed
 * distributions, by pip's rules for the pip version in the env
 * (pip/_internal/operations/freeze.py, commands/freeze.py, commands/list.py).
 * Pure formatting: the scan is core/distinfo's. */
#ifndef CVENV_CORE_FREEZE_H
#define CVENV_CORE_FREEZE_H

#include "util/common.h"

struct buf;
struct strvec;
struct dist_set;
struct dist_env;
struct site_env;

struct freeze_opts {
	bool all;                      /* --all: keep pip and the build backends */
	bool exclude_editable;
	bool editable_only;            /* list -e: only editable installs */
	const char *local_prefix;      /* --local: only dists under this prefix */
	const struct strvec *excludes; /* --exclude NAME (any spelling) */
	const struct strvec *requirements; /* -r FILE: keep these files' order */
	const struct site_env *site;   /* freeze_env: the variables pip sees (NULL: none) */
};

/* Appends the freeze lines, each ending in "\n". With requirement files
 * (pip freeze -r), first their lines in order, those naming an installed
 * package replaced by its line, then "## The following requirements were
 * added by pip freeze:" and the rest. Returns -1 after reporting a line pip
 * refuses too (what was appended until then stays, as pip prints it). */
int freeze_format(const struct dist_set *set, const struct dist_env *env,
		  const struct freeze_opts *fo, struct buf *out);

enum list_format { LIST_COLUMNS, LIST_FREEZE, LIST_JSON };

/* Appends `pip list --format=...` output (verbose: pip list -v, with each
 * package's location and installer), with fo's excludes, exclude_editable,
 * editable_only and local_prefix (all and requirements do not apply). */
void list_format(const struct dist_set *set, const struct dist_env *env, enum list_format fmt,
		 const struct freeze_opts *fo, bool verbose, struct buf *out);

struct venv;
/* Scans the env and appends `pip freeze` output (when list is false;
 * fo->local_prefix is set to the env when `local`) or `pip list
 * --format=fmt` output (with -v, as `pip list -v`). Reports and returns -1
 * on a bad requirements line. */
int freeze_env(const struct venv *v, bool list, enum list_format fmt, bool local,
	       struct freeze_opts *fo, struct buf *out);

/* Appends s as Python's json.dumps writes a str (ensure_ascii). */
void py_json_str(struct buf *out, const char *s);

#endif
