/* pylock.toml (PEP 751): the model, the reader and the writer.
 *
 * The reader takes lock files written by any tool (pip lock, uv export,
 * pdm, cvenv): it refuses a lock-version whose major is not 1 (a newer
 * minor is read with a warning, as the PEP asks), checks every key it knows
 * for its type, and ignores [tool] tables and keys it does not know. Every
 * source kind is read (wheels, sdist, archive, vcs, directory) so that the
 * installer can refuse, by name, what it cannot honour rather than guess.
 *
 * The writer is deterministic: packages sorted by canonical name then
 * version, wheels by name, hashes by algorithm; writing the same model twice
 * gives the same bytes, and read(write(x)) writes back identically.
 *
 * Ownership: a pylock owns everything in it; pylock_free() releases it. */
#ifndef CVENV_PYLOCK_H
#define CVENV_PYLOCK_H

#include "util/common.h"
#include "util/buf.h"
#include "util/strvec.h"

/* A wheel, an sdist or an archive: where it is and what it must hash to. */
struct pylock_file {
	char *name;           /* the file name (wheels, sdist), or NULL */
	char *url, *path;     /* at least one of them */
	long long size;       /* -1 when not given */
	char *upload_time;    /* RFC 3339, or NULL */
	char *subdirectory;   /* archive only */
	struct strvec hashes; /* "algo:hexdigest", sorted by algorithm */
};

struct pylock_vcs {
	char *type, *url, *path, *requested_revision, *commit_id, *subdirectory;
};

struct pylock_directory {
	char *path, *subdirectory;
	bool editable;
};

struct pylock_dep {
	char *name, *version; /* version may be NULL */
};

struct pylock_package {
	char *name;            /* as written; compare with name_canonicalize */
	char *version;         /* may be NULL (vcs, directory) */
	char *marker, *requires_python, *index;
	struct pylock_file *wheels;
	size_t nwheels;
	struct pylock_file *sdist, *archive;   /* or NULL */
	struct pylock_vcs *vcs;
	struct pylock_directory *directory;
	struct pylock_dep *deps;
	size_t ndeps;
};

struct pylock {
	char *lock_version;   /* "1.0" */
	char *created_by;
	char *requires_python;  /* or NULL */
	struct strvec environments, extras, dependency_groups, default_groups;
	struct pylock_package *v;
	size_t n;
};

#define PYLOCK_VERSION "1.0"

void pylock_init(struct pylock *l);
void pylock_free(struct pylock *l);

/* Parses text[0..len) (file names it in errors). Returns 0, or -1 reported
 * with l left empty. */
int pylock_parse(const char *text, size_t len, const char *file, struct pylock *l);
int pylock_read_file(const char *path, struct pylock *l);

/* Sorts packages, wheels and hashes into the order the writer uses. */
void pylock_sort(struct pylock *l);
/* Appends the lock as TOML (sorting l first). Returns -1 (reported) when a
 * string in it cannot be written (not UTF-8). */
int pylock_write(struct pylock *l, struct buf *out);

/* A new package at the end of l (zeroed; size fields -1). */
struct pylock_package *pylock_add_package(struct pylock *l, const char *name, const char *version);
struct pylock_file *pylock_add_wheel(struct pylock_package *p);

/* What kind of source a package has, for messages: "wheels", "sdist",
 * "archive", "vcs", "directory", or "no source". */
const char *pylock_source_kind(const struct pylock_package *p);
/* The file name of f: its name, else the last component of its path or URL
 * (new string). */
char *pylock_file_name(const struct pylock_file *f);

#endif
