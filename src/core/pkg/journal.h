/* The install journal, <env>/.cvenv/journal: what a transaction is about to
 * change, written before the first file moves and removed at the commit, so
 * that the next run can undo an interrupted change (see txn.h).
 *
 *   cvenv-journal 1
 *   stage stage-XXXXXX        the stage directory, in <env>/.cvenv
 *   dir <path>                a directory the commit makes (parents first)
 *   add|replace|del <path>    a step, in the order the commit takes them
 *
 * Paths are relative to the env. A journal arrives with the env (tarballs, CI
 * caches), so it is untrusted input: journal_parse accepts a journal only
 * when every line is well formed and every path passes path_rel_is_safe
 * (util/relpath.h); nothing is acted on unless the whole journal parses.
 *
 * Pure functions (no file system access). Ownership: a struct journal owns
 * its strings; journal_free releases them. Functions never take ownership of
 * their arguments. */
#ifndef CVENV_JOURNAL_H
#define CVENV_JOURNAL_H

#include "util/common.h"
#include "util/strvec.h"

struct buf;

enum step_kind { STEP_ADD, STEP_REPLACE, STEP_DEL };

struct step {
	enum step_kind kind;
	char *rel; /* relative to the env */
};

/* Caps on a journal: a transaction larger than this is refused up front. */
enum { JOURNAL_MAX_LINES = 1 << 20, JOURNAL_MAX_LINE = 8192 };

struct journal {
	char *stage;        /* the stage directory's name ("stage-XXXXXX") */
	struct strvec dirs; /* directories made, parents first */
	struct step *steps;
	size_t n;
};

#define JOURNAL_INIT { NULL, STRVEC_INIT, NULL, 0 }

/* Parses the len bytes at text. Returns 0, or -1 after reporting
 * "refusing journal '<name>' line N: <why>" (j then holds nothing). */
int journal_parse(const char *text, size_t len, const char *name, struct journal *j);
void journal_free(struct journal *j);

/* Appends the journal of a transaction to out. Returns 0, or -1 after
 * reporting a path that journal_parse would refuse (or a journal over the
 * caps), with out unchanged. */
int journal_format(const char *stage, const struct strvec *dirs, const struct step *steps,
		   size_t n, struct buf *out);

#endif
