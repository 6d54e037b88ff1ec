/* An existing virtual environment, as the commands that act on one see it
 * (install, freeze, ...): where it is, what its pyvenv.cfg says, its python
 * and its site-packages.
 *
 * Ownership: a venv owns its strings and its cfg; venv_close() releases them. */
#ifndef CVENV_VENV_H
#define CVENV_VENV_H

#include "util/common.h"
#include "core/env/pyvenvcfg.h"

struct venv {
	char *dir;        /* absolute, lexically normalised */
	char *cfg_path;   /* dir/pyvenv.cfg */
	struct pyvenvcfg cfg;
	char *bin_dir;    /* dir/bin */
	char *python;     /* dir/bin/python (or python3, or the only pythonX.Y) */
	char *purelib;    /* absolute site-packages directory */
	char *home;       /* pyvenv.cfg's home, or NULL */
	int major, minor, micro; /* from "version" (venv) or "version_info" (virtualenv); 0 if absent */
	bool system_site_packages;
	bool pypy;        /* lib/pypyX.Y rather than lib/pythonX.Y */
	bool relocatable; /* pyvenv.cfg "relocatable = true" (create --relocatable) */
};

/* What launchers run: v->python, or in a relocatable env its name alone
 * (core/pkg/scripts.h: found beside the launcher). Points into v->python. */
const char *venv_script_python(const struct venv *v);

/* Opens the env at dir: reads pyvenv.cfg, finds its python and site-packages.
 * Reports what is missing (naming dir) and returns -1 if it is not a usable env. */
int venv_open(const char *dir, struct venv *v);

void venv_close(struct venv *v);

/* "home" from <prefix>/pyvenv.cfg (new string), or NULL: where the base
 * interpreter of the env at prefix lives. */
char *venv_cfg_home(const char *prefix);

/* True if dir holds a pyvenv.cfg (a file). */
bool venv_is_env(const char *dir);

#endif
