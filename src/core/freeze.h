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

struct freeze_opts {
	bool all;                      /* --all: keep pip and the build backends */
	bool exclude_editable;
	const char *local_prefix;      /* --local: only dists under this prefix */
	const struct strvec *excludes; /* --exclude NAME (any spelling) */
};

/* Appends the freeze lines, each ending in "\n". */
void freeze_format(const struct dist_set *set, const struct dist_env *env,
		   const struct freeze_opts *fo, struct buf *out);

enum list_format { LIST_COLUMNS, LIST_FREEZE, LIST_JSON };

/* Appends `pip list --format=...` output. */
void list_format(const struct dist_set *set, const struct dist_env *env, enum list_format fmt,
		 const struct strvec *excludes, struct buf *out);

/* Opens the env (--venv DIR, else $VIRTUAL_ENV, else ./.venv), scans it and
 * appends `pip freeze` output (when list is false; fo->local_prefix is set
 * to the env when `local`) or `pip list --format=fmt` output. Reports and
 * returns -1 when there is no usable env. */
int freeze_env(const char *venv_dir, bool list, enum list_format fmt, bool local,
	       struct freeze_opts *fo, struct buf *out);

/* Appends s as Python's json.dumps writes a str (ensure_ascii). */
void py_json_str(struct buf *out, const char *s);

#endif
