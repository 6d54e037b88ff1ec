/* What `pip freeze` writes for an editable install whose project lives in a
 * version-control checkout (pip/_internal/vcs/git.py): git only, by running
 * git itself as pip does (never Python).
 *
 * Ownership: nothing is kept; results are appended to the caller's buffers. */
#ifndef CVENV_CORE_VCS_H
#define CVENV_CORE_VCS_H

#include "util/common.h"

struct buf;

/* For the project directory `location` (absolute) of distribution `name`
 * (METADATA's Name), `display` being "Name==1.0": when location is inside a
 * git work tree, appends pip's comment lines (each ending in "\n") to
 * *comments and the requirement to *req, and returns 1. Returns 0 when it
 * is not under version control (or git is missing), as pip. */
int vcs_editable_requirement(const char *location, const char *name, const char *display,
			     struct buf *comments, struct buf *req);

#endif
