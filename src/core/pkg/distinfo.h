/* Installed distributions, the one model of them (struct dist in a dist_set)
 * for freeze and list as for install and uninstall: what a site-packages
 * directory (and the paths its .pth files add) holds, read the way pip reads it for `pip freeze` and
 * `pip list`: *.dist-info directories, *.egg-info directories and files,
 * .egg-link files of `setup.py develop` installs; their METADATA or PKG-INFO,
 * direct_url.json (PEP 610), INSTALLER and REQUESTED.
 *
 * Like pip, the scan walks the locations in import order and keeps the first
 * distribution found for each canonical name.
 *
 * Ownership: a dist_set owns its dists and their strings; dist_set_free()
 * releases them. */
#ifndef CVENV_CORE_DISTINFO_H
#define CVENV_CORE_DISTINFO_H

#include "util/common.h"
#include "core/std/metadata.h"
#include "util/strvec.h"

/* How pip reads metadata: importlib.metadata (pip on Python 3.11+) or
 * pkg_resources (older). They differ in where an egg-info's version comes from. */
enum dist_backend { DIST_BACKEND_IMPORTLIB, DIST_BACKEND_PKG_RESOURCES };

enum direct_url_kind { DIRECT_URL_NONE, DIRECT_URL_DIR, DIRECT_URL_ARCHIVE, DIRECT_URL_VCS };

/* direct_url.json, PEP 610. */
struct direct_url {
	enum direct_url_kind kind;
	char *url;
	char *subdirectory;
	bool editable;   /* dir_info.editable */
	char *hash;      /* archive_info: "sha256=..." (hashes or legacy hash) */
	char *vcs, *commit_id, *requested_revision;
};

struct dist {
	char *name;          /* Name as METADATA writes it (else the canonical name) */
	char *canonical;     /* PEP 503 name (from the directory name, as pip) */
	char *version;       /* the version pip reports (directory name or METADATA) */
	char *raw_version;   /* Version as METADATA writes it */
	char *dir_version;   /* the version part of the directory name, or NULL */
	char *info_dir;      /* the .dist-info / .egg-info path */
	char *location;      /* the directory that holds info_dir */
	char *installer;     /* first non-blank line of INSTALLER, or "" */
	bool requested;      /* REQUESTED exists */
	bool egg_info;
	bool egg_link;       /* found through a .egg-link (setup.py develop) */
	char *editable_location; /* project directory of an editable install, or NULL */
	struct direct_url durl;
	struct metadata md;
};

struct dist_set {
	struct dist *v;
	size_t n, cap;
};

#define DIST_SET_INIT { NULL, 0, 0 }

/* Reads direct_url.json text; -1 (no message) when invalid, as pip ignores it. */
int direct_url_parse(const char *text, size_t len, struct direct_url *du);
void direct_url_free(struct direct_url *du);
/* file:// URL to a path, as pip's url_to_path (local host only, query and
 * fragment dropped, percent-decoded); NULL if not one, or if it holds %00. */
char *file_url_to_path(const char *url);
/* An absolute path as pip's path_to_url makes it a URL: "file://" and the
 * path percent-encoded as urllib.parse.quote does (letters, digits, "_.-~"
 * and '/' kept; "+" is "%2B"). */
char *path_to_file_url(const char *abs_path);
struct buf;
/* Appends direct_url.json for a local archive as pip (23.2 and later) writes
 * it: {"archive_info": {"hash": "sha256=H", "hashes": {"sha256": "H"}},
 * "url": URL} ({"archive_info": {}, ...} when sha256_hex is NULL). */
void direct_url_archive_json(struct buf *out, const char *url, const char *sha256_hex);

/* The locations Python puts on sys.path for site-packages dir `site`: site
 * itself, then the existing directories its *.pth files name (sorted by file
 * name, "import" lines skipped). Appended to *out without duplicates. */
void distinfo_site_paths(const char *site, struct strvec *out);

/* Scans the locations in order and adds what it finds to *set (first
 * distribution per canonical name wins). Unreadable locations and files are
 * skipped, as Python and pip skip them; returns 0. */
int distinfo_scan(const struct strvec *paths, struct dist_set *set);

/* Sets each dist's version as pip reads it: for .dist-info the directory
 * name's version with pkg_resources and, from pip 24.2, with importlib
 * (dir_versions); for .egg-info METADATA's (pkg_resources falls back to the
 * name's); else METADATA's. Normalised per
 * PEP 440; NULL when it is not a valid version. */
void distinfo_set_versions(struct dist_set *set, enum dist_backend backend, bool dir_versions);

struct venv;
/* What freeze and list need to know about an env's pip. */
struct dist_env {
	enum dist_backend backend;
	int pip_major, pip_minor; /* the env's pip; 24.2 when it has none */
	int py_major, py_minor;
};

/* The environment variables that change what the env's Python and pip see,
 * each NULL when unset (read by cmd/envconfig: core reads no environment). */
struct site_env {
	const char *home;                       /* $HOME: ~/.local's user site */
	const char *python_user_base;           /* $PYTHONUSERBASE */
	const char *pip_use_importlib_metadata; /* $_PIP_USE_IMPORTLIB_METADATA */
};

/* Scans an env as its own pip sees it: site-packages and what its .pth files
 * add, then (with include-system-site-packages) the user and base site
 * directories; picks pip's metadata backend from the versions found (and
 * se's override). */
int distinfo_scan_venv(const struct venv *v, const struct site_env *se, struct dist_set *set,
		       struct dist_env *env);

/* The .dist-info directories of one site-packages directory known by their
 * names alone, no file read (what install and uninstall need: the full
 * reading is distinfo_scan's): canonical (and name), dir_version as written,
 * version (normalised, or NULL), info_dir and location; the first per
 * canonical name; egg-info and names without a version are left out.
 * Returns -1 with errno when site cannot be listed (nothing is reported). */
int distinfo_list_site(const char *site, struct dist_set *set);

const struct dist *dist_set_find(const struct dist_set *set, const char *canonical);
/* dist_set_find for a name in any spelling (canonicalised first). */
const struct dist *dist_set_lookup(const struct dist_set *set, const char *name);
void dist_set_free(struct dist_set *set);

#endif
