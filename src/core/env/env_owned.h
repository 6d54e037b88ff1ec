/* The env's own files: what `cvenv create` (and python -m venv) makes and
 * no distribution may install over or take away. Defined once, from the
 * layout create writes: pyvenv.cfg, .gitignore, the lib64 link, the state
 * directory .cvenv/ (lock, journal, stages), and in bin/ the interpreter
 * names create links (python, python3, pythonX.Y, pypy, pypy3, pypyX.Y, the
 * base interpreter's own name) and the activation scripts. Exact names: a
 * distribution's script that merely starts with "python" or "activate" is
 * its own.
 *
 * Pure (no file system access). */
#ifndef CVENV_ENV_OWNED_H
#define CVENV_ENV_OWNED_H

#include "util/common.h"

struct venv;

/* Whether rel (relative to the env, normalised: no "." or ".." components)
 * is one of v's own files, or inside .cvenv/. */
bool env_owned(const struct venv *v, const char *rel);

#endif
