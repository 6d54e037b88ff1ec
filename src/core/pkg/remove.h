/* Planning the removal of an installed distribution (internal to core/pkg):
 * which files it owns, by its RECORD, plus the bytecode of its modules and
 * its whole .dist-info; never a path outside the env, never one of the env's
 * own files (core/env/env_owned.h), and never a file reached through a
 * linked directory: the link itself is removed instead (os/beneath.h).
 *
 * Ownership: the paths are copied into the txn's dels; nothing else is kept. */
#ifndef CVENV_REMOVE_H
#define CVENV_REMOVE_H

#include "core/pkg/distinfo.h"
#include "core/pkg/install.h"
#include "core/pkg/txn.h"

/* Adds every file d owns to t->dels. Returns 0, or -1 (reported) when its
 * RECORD cannot be read or parsed. */
int remove_plan(struct install_env *e, const struct dist *d, struct txn *t);

#endif
