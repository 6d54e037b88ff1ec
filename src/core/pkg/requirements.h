/* requirements.txt, read as pip reads it (pip/_internal/req/req_file.py) for
 * what `pip freeze` writes and what people write by hand: '#' comments,
 * backslash continuations, ${VAR} expansion, requirement lines with
 * per-requirement options (--hash, several), -r/--requirement and
 * -c/--constraint (recursive, relative to the including file), -e/--editable,
 * and the global options -i/--index-url, --extra-index-url, --no-index,
 * -f/--find-links, --pre, --require-hashes, --prefer-binary, --only-binary
 * (cmd/install.c honours them all: only wheels are installed anyway) and
 * --no-binary :none:. --trusted-host (cvenv never skips TLS checks) and any
 * other --no-binary cannot be honoured: they are errors. Errors name
 * file:line.
 *
 * Ownership: a struct reqs owns its entries and strings; reqs_free()
 * releases them. */
#ifndef CVENV_CORE_REQUIREMENTS_H
#define CVENV_CORE_REQUIREMENTS_H

#include "util/common.h"
#include "core/std/pep508.h"
#include "util/arena.h"
#include "util/strvec.h"

struct req_entry {
	char *text;             /* the requirement as written (options removed) */
	bool editable;          /* from -e / --editable: text is a path or URL */
	bool constraint;        /* from a -c file */
	bool is_pep508;         /* req holds the parsed requirement */
	struct pep508_req req;
	char *path_or_url;      /* a wheel path, directory or URL line (not PEP 508) */
	char *marker_text;      /* "; marker" after a path or URL, else NULL */
	struct strvec hashes;   /* "sha256:hex", per --hash */
	const char *file;       /* where it was written (the reqs' strings) */
	int line;
	/* a plain "name==version" line (see below): text and req's strings,
	 * specifier and version are the reqs' strings too (one arena, not
	 * seven allocations a line: issue 18) */
	bool plain;
};

struct reqs {
	struct req_entry *v;
	size_t n, cap;
	char *index_url;              /* last -i, or NULL */
	struct strvec extra_index_urls;
	struct strvec find_links;     /* relative ones resolved against their file */
	struct strvec trusted_hosts;
	struct strvec only_binary, no_binary;
	bool no_index, pre, require_hashes, prefer_binary;
	/* set by the caller: the variables ${NAME} expands from, "NAME=value"
	 * strings ending in NULL (the process environment, passed in by cmd/:
	 * core reads none); NULL expands none */
	const char *const *envp;
	/* a plain "name==version" line (the name of ASCII letters, digits,
	 * '.', '_' and '-', starting and ending with a letter or digit; the
	 * version of decimal numbers between single dots; nothing else on the
	 * line, no continuation before it) is read without the general parser,
	 * to exactly the entry that parser makes of it (issue 18; the unit
	 * test compares the two). full_parse (set by the caller: tests) sends
	 * every line through the general parser; fast_lines counts the lines
	 * read the short way. */
	bool full_parse;
	size_t fast_lines;
	struct arena strings; /* each file's name, the plain lines' parts */
};

#define REQS_INIT { NULL, 0, 0, NULL, STRVEC_INIT, STRVEC_INIT, STRVEC_INIT, STRVEC_INIT, STRVEC_INIT, false, false, false, false, NULL, false, 0, ARENA_INIT }

/* Largest requirements file read. */
#define REQS_FILE_MAX (16u << 20)
/* Most lines read in one run, over a file and everything it includes (each
 * file is read once however often it is included). */
#define REQS_LINES_MAX 1000000u

/* Reads a requirements file (and those it includes) into *out. Reports the
 * first problem as "FILE:LINE: ..." and returns -1: a line with a NUL byte,
 * an include loop, more than REQS_LINES_MAX lines in all. A file included
 * again (same real path, same kind: -r or -c) is not read again. */
int reqs_parse_file(const char *path, bool constraint, struct reqs *out);
/* The same for text already in memory; `file` names it in messages and is
 * the base for relative -r/-c/-f paths. */
int reqs_parse_text(const char *text, size_t len, const char *file, bool constraint,
		    struct reqs *out);
void reqs_free(struct reqs *r);

#endif
