/* Wheels (the binary distribution format): file names, and the checks made on
 * an archive before anything of it is installed.
 *
 * A wheel file name is {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl
 * where each tag part may be a compressed set ("py2.py3"). wheel_open() reads
 * the archive with libzip, refuses unsafe member names (absolute, "..", symbolic
 * links, backslashes, NUL), finds the one .dist-info directory, and reads WHEEL,
 * METADATA and RECORD.
 *
 * Ownership: struct wheel_name and struct wheel own all their strings; the
 * _free functions release them. No function takes ownership of arguments. */
#ifndef CVENV_WHEEL_H
#define CVENV_WHEEL_H

#include "util/common.h"
#include "util/strvec.h"
#include "core/pkg/cachemanifest.h"
#include "core/pkg/record.h"
#include "core/pkg/scripts.h"

struct buf;

struct wheel_name {
	char *name;    /* as in the file name ("foo_bar") */
	char *version;
	char *build;   /* NULL when absent; starts with a digit */
	/* the expanded tag sets: read only (their strings and arrays are
	 * mem's, not the vectors': never strvec_clear() them) */
	struct strvec pythons, abis, platforms;
	void *mem;     /* the one allocation that holds all the above */
};

/* Parses a wheel file name (a basename, or a path whose basename is used).
 * Reports what is wrong with error() and returns -1 on a bad name. */
int wheel_name_parse(const char *filename, struct wheel_name *out);
void wheel_name_free(struct wheel_name *wn);
/* Appends the tag triple text "py3-none-any" (compressed sets as written). */
void wheel_name_tags(const struct wheel_name *wn, struct buf *out);


struct zip;

/* A check of a wheel's seal made elsewhere (wheelcache.c): drop() stops
 * it from reading the seal and frees it. */
struct wheel_check {
	void (*drop)(struct wheel_check *c);
};

struct wheel {
	char *path;             /* the archive's path, as given */
	struct wheel_name wn;
	struct zip *zip;        /* open archive (libzip), read only */
	char *dist_info;        /* "foo-1.0.dist-info" */
	char *data_dir;         /* "foo-1.0.data" */
	bool root_is_purelib;
	int wheel_version[2];   /* Wheel-Version: major, minor */
	struct buf *metadata;   /* METADATA text */
	char *meta_name, *meta_version, *requires_python; /* from METADATA */
	struct strvec requires_dist;
	struct record record;   /* RECORD as the wheel ships it */
	struct strvec members;  /* file members to install (no directory entries), in
				 * archive order; without those below */
	struct entry_points eps; /* console and GUI entry points (entry_points.txt) */
	/* .dist-info/RECORD.jws and RECORD.p7s, which the wheel specification
	 * leaves out of RECORD: installed as they are, as pip does */
	struct strvec signatures;
	/* .data/scripts files that are setuptools' wrappers of an entry point
	 * (EP, EP.exe, EP-script.py, EP.pya): skipped, as pip skips them, for
	 * the launcher written from the entry point */
	struct strvec wrappers;
	/* Opened from its cache entry's seal (wheelcache_open), not from the
	 * zip: zip, metadata, record and members are then empty, and the seal's
	 * rows (every member but RECORD, with hash, size and mode) stand for
	 * them. NULL for a wheel opened by wheel_open(). */
	struct manifest *seal; /* &seal_store, or NULL */
	struct manifest seal_store; /* not an allocation of its own (issue 18) */
	/* dist_info, meta_name, meta_version, requires_python, requires_dist
	 * and eps are the seal's (in its block, read only): opened from it */
	bool seal_strings;
	/* Whether wheelcache_check_ahead() found the seal's files as its rows
	 * say (seal_checked: it looked, so wheelcache_entry() need not). */
	bool seal_checked, seal_sound;
	/* The check of the seal's files queued when it was opened, made on a
	 * second thread while the install plans (wheelcache.c); NULL: none.
	 * wheel_close() drops it (first: it reads the seal's rows). */
	struct wheel_check *check;
	/* The members directory of the cache entry wheelcache_fill_ahead()
	 * filled for this wheel in this run, or NULL. */
	char *filled;
};

/* Opens and validates a wheel: every member name safe, exactly one .dist-info
 * whose name, like METADATA's Name, matches the file name's project, a
 * readable WHEEL of major version at most 1 (a newer minor version warns),
 * METADATA and RECORD present, entry points with valid names. Reports the
 * first problem (naming the wheel) and returns -1; *w is then already freed. */
int wheel_open(const char *path, struct wheel *w);
void wheel_close(struct wheel *w);
/* An empty wheel of path (nothing read), for wheelcache_open(); wheel_close()
 * releases it. */
void wheel_init(struct wheel *w, const char *path);

/* Frees this thread's wheel image (wheel.c's window, which the open wheels
 * share): a thread that read wheels calls it before it ends. */
void wheel_window_free(void);

/* Reads one member into out (at most max bytes). */
int wheel_read_member(const struct wheel *w, const char *member, size_t max, struct buf *out);

/* Checks one archive member name: relative, no "." or ".." parts, no empty
 * parts, no backslash or control characters. Returns false when unsafe. */
bool wheel_member_name_safe(const char *name);

/* Reads "Key: value" header lines of an RFC 822 style file (WHEEL, METADATA)
 * up to the first blank line: calls fn for each field (continuation lines are
 * folded in). Returns -1 if fn does. */
int parse_headers(const char *text, size_t len,
		  int (*fn)(const char *key, const char *value, void *data), void *data);

#endif
