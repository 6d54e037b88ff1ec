/* Moved and renamed envs: noticing that an env is no longer where it was made
 * (env_moved) and making it work where it is now (env_repair).
 *
 * An env records its location in three places: the VIRTUAL_ENV its
 * activation scripts set, the shebangs of its launchers (console scripts
 * that cvenv and pip install) and pyvenv.cfg's "command". A relocatable env
 * (create --relocatable) records none: its launchers and scripts find the env
 * from where they are.
 *
 * Everything read from the env is untrusted: files are reached beneath the
 * env directory without following a link (os/beneath.h), a link is never
 * written through, and every file is replaced atomically (a temporary file
 * and a rename), so that a kill leaves each file old or new. */
#ifndef CVENV_RELOCATE_H
#define CVENV_RELOCATE_H

#include "util/common.h"

struct install_env;

/* The location the env at dir recorded (new strings, NULL when unknown):
 * bin/activate's VIRTUAL_ENV, else the env whose bin/ a launcher's shebang
 * names; *prompt (if not NULL) gets bin/activate's VIRTUAL_ENV_PROMPT. */
char *env_recorded_dir(const char *dir, char **prompt);

/* The recorded location of the env at dir (absolute) when it is not dir,
 * nor dir under another name (a link to it): a new string; NULL when the
 * env is where it was made or records no location. */
char *env_moved(const char *dir);

struct repair_stats {
	size_t launchers;  /* launchers whose shebang was rewritten */
	size_t records;    /* RECORD files updated */
	size_t scripts;    /* activation scripts rewritten */
	bool cfg;          /* pyvenv.cfg rewritten */
	size_t links;      /* launchers that are links, left alone */
};

/* Makes the env opened in e (under its lock) work where it is: launchers of
 * the old location get the shebang of this env's python and their RECORD
 * rows the new hash and size, activation scripts and pyvenv.cfg's
 * "command" name this location. Changes only what differs: a second run
 * changes nothing. Reports and returns -1 on failure (files done stay done:
 * each is whole). */
int env_repair(struct install_env *e, struct repair_stats *st);

/* For the tests: the python path a launcher's first lines run (the plain
 * "#!python" line or the /bin/sh exec trampoline), and in *hdr the length
 * of those lines. NULL when data is no such launcher. */
char *launcher_python(const char *data, size_t len, size_t *hdr);

#endif
