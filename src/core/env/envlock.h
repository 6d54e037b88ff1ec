/* The env lock: <env>/.cvenv/lock, an flock()ed file that every command
 * changing an env holds while it does (install, uninstall, create on an
 * existing env, seeding). The file lives as long as the env: nothing deletes
 * it while anyone may hold it, since a second command locking a new file of
 * the same name would not exclude the first. The one exception is a
 * holder's last act on an env: a failed create takes back the .cvenv it
 * made, a --clear swaps the whole env away. So env_lock checks, once it has
 * the lock, that its file is still the one at the path, and locks again if
 * not.
 *
 * Ownership: env_lock returns a descriptor that env_unlock releases. */
#ifndef CVENV_ENVLOCK_H
#define CVENV_ENVLOCK_H

#include "util/common.h"

/* Creates <envdir>/.cvenv if needed and waits for the lock. Returns the
 * descriptor, or -1 after reporting an error that names the file. */
int env_lock(const char *envdir);
/* Releases a lock from env_lock; -1 is ignored. */
void env_unlock(int fd);

#endif
