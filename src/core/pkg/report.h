/* pip's installation report (--report FILE, pip's "version 1" format:
 * https://pip.pypa.io/en/stable/reference/installation-report/): for every
 * distribution that is (or, with --dry-run, would be) installed, where it is
 * downloaded from with its hash, whether it was requested and with which
 * extras, and its metadata as JSON (PEP 566's conversion); then the marker
 * environment it was resolved for. */
#ifndef CVENV_REPORT_H
#define CVENV_REPORT_H

#include "util/common.h"

struct buf;
struct ixplan;
struct pep508_env;

/* Appends the report as JSON text (with a final newline) to out. */
void report_json(const struct ixplan *pl, const struct pep508_env *env, struct buf *out);

#endif
