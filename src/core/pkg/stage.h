/* Staging a wheel into a transaction (internal to core/pkg): every member is
 * extracted (or linked from the wheel cache) under the txn's stage, checked
 * against the wheel's RECORD, and listed in the txn's adds; launchers,
 * INSTALLER, REQUESTED, direct_url.json and the new RECORD are written beside
 * them, and the files of the version being replaced go to the txn's dels.
 *
 * Ownership: nothing here takes ownership of its arguments; whatever is
 * written lands inside the stage (or a cache temp directory) and is cleaned
 * up with it. */
#ifndef CVENV_STAGE_H
#define CVENV_STAGE_H

#include "util/common.h"

#include <zip.h>

#include "core/pkg/install.h"
#include "core/pkg/txn.h"
#include "util/strvec.h"

struct buf;
struct wheel;

/* Stages one wheel into t (and plans the removal of the installed version it
 * replaces). Returns INSTALL_DONE, INSTALL_SKIPPED when that version is
 * installed already (and o does not force it), or -1 (reported). */
struct dist_set;
int stage_wheel(struct install_env *e, struct txn *t, const struct dist_set *have,
		struct wheel *w, const struct install_opts *o);

/* Makes the links stage_wheel added to t's batch (the cached files, whose
 * directories it made already), after the last wheel is staged: with the
 * files of every wheel in one batch the os/ side can share them out
 * (os/linkbatch.h). A failure is reported naming the file, as staging it
 * one by one would; the stage, with whatever links were made, goes with
 * the txn. */
int stage_links(struct txn *t);

/* The mode a member is extracted with: 0755 when its zip attributes make it
 * executable, else 0644. */
mode_t stage_member_mode(struct wheel *w, zip_int64_t idx);

/* Extracts member m to a new file at path (or, with mem, into memory),
 * hashing on the way, and compares hash and size with the wheel's RECORD.
 * *total receives the size; made caches the directories made (see
 * ensure_dir in stage.c). Whatever was written stays for the caller to clean
 * up (it is inside a stage or cache temp directory). */
int stage_extract_verified(struct wheel *w, const char *m, const char *path, mode_t mode,
			   struct buf *mem, size_t *total, struct strvec *made);

#endif
