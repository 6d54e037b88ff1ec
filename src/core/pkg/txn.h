/* The install transaction (internal to core/pkg; see install.h for the
 * guarantees): files are staged under <env>/.cvenv/stage-XXXXXX/new, the
 * journal <env>/.cvenv/journal lists every step, the steps run in a shielded
 * child, and removing the journal is the commit. An interrupted transaction
 * is undone by txn_recover() when the env is next opened.
 *
 * Ownership: a txn owns its stage directory (removed by txn_free unless a
 * failed undo left it to the recovery), its steps and its path lists; it
 * borrows its install_env, which must outlive it. Stagers add env-relative
 * paths to adds (files placed under newdir) and dels (files to remove);
 * txn_commit turns them into steps. When site-packages or bin is on another
 * file system than the env's .cvenv (a link, a mount), the commit moves
 * what goes there into a stage of its own beside it first,
 * <root>/.cvenv-stage-XXXXXX (same name as the main stage, so the journal
 * needs no more than that name), and every move stays a rename. */
#ifndef CVENV_TXN_H
#define CVENV_TXN_H

#include "util/common.h"
#include "util/strvec.h"
#include "core/pkg/install.h"
#include "core/pkg/journal.h"
#include "os/linkbatch.h"
#include "util/arena.h"

struct out_row;

/* Strings held elsewhere (the txn's arena), in order; not owned. */
struct pathvec {
	const char **v;
	size_t n, cap;
};

#define TXN_RECENT_DIRS 8 /* a power of two: stage.c counts back from made_next modulo it */

struct txn {
	struct install_env *e;
	char *stage;     /* absolute */
	char *newdir;    /* stage/new */
	char *olddir;    /* stage/old */
	struct step *steps;
	size_t n;
	struct strvec dirs; /* directories made, parents first */
	/* the strings of adds, link_from, the steps and what stage.c keeps
	 * for a wheel: a block at a time, not an allocation each (issue 18) */
	struct arena names;
	struct pathvec adds; /* env-relative paths staged under newdir (txn_add) */
	struct strvec dels; /* env-relative paths to remove (a repeat is removed once) */
	struct strvec foreign; /* stages on other file systems (absolute) */
	struct os_linkbatch links; /* cached files to link under newdir (stage.c) */
	bool links_ahead_tried;    /* os_linkbatch_ahead() was asked (stage.c) */
	struct pathvec link_from;  /* per tag of links: its cache entry, its wheel */
	/* stage.c: the stage's site-packages and bin once made (every wheel
	 * shares them), and which of its shared files (INSTALLER, REQUESTED:
	 * <stage>/<name>, linked into each .dist-info) are written, by bit */
	struct strvec tops_made;
	unsigned shared_made;
	const char *shared_path[2]; /* <stage>/<name> of each, in names */
	/* stage.c's path buffers, reused from member to member and wheel to
	 * wheel (set, appended to, cut back): no allocation per path (issue
	 * 18). path: a file in the stage; rel: its env-relative path; src: a
	 * cache entry's file or a stage-wide one; dst: newdir's prefix;
	 * record: the text of the RECORD being written. */
	struct buf path, rel, src, dst, record;
	/* stage.c: the run's launcher head (its first launcher_head bytes, 0
	 * until the first launcher), each launcher written after it in turn */
	struct buf launcher;
	size_t launcher_head;
	/* stage.c: the rows of the RECORD being written, reused per wheel */
	struct out_row *rows;
	size_t caprows;
	/* stage.c: the stage's directories made last, reused in turn (see
	 * ensure_dir there) */
	struct buf made[TXN_RECENT_DIRS];
	size_t made_next;
};

/* Where the env-relative path rel is reached: beneath site-packages or bin
 * (which may be links to another disk) or the env; *root receives that
 * directory (absolute, new), the return value the path beneath it. No link
 * below a root is followed by the transaction (os/beneath.h). */
const char *txn_env_root(const struct install_env *e, const char *rel, char **root);

/* Appends a copy of s[0..n) made in a; returns the copy. */
const char *pathvec_add(struct pathvec *pv, struct arena *a, const char *s, size_t n);
/* Adds the first n bytes of rel to t's adds; returns the txn's copy, which
 * lives as long as t. */
const char *txn_add(struct txn *t, const char *rel, size_t n);

/* Makes the stage directory; on failure (reported) t is still safe to free. */
int txn_begin(struct install_env *e, struct txn *t);
void txn_free(struct txn *t);
/* Moves everything into place in a shielded child; on failure undoes it all
 * (or leaves the undo to the next run, and says so). */
int txn_commit(struct txn *t);
/* Undoes the transaction an interrupted run left (by its journal), then
 * removes stage directories no journal refers to. A journal that does not
 * parse completely is refused (reported, with a hint) and nothing is
 * touched: it was not written by cvenv. */
int txn_recover(struct install_env *e);

#endif
