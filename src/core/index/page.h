/* Parsers of index pages (pure: text in, files out; no I/O): the PEP 503
 * HTML simple page, the PEP 691 JSON page and a find-links HTML page (any
 * page with <a href> links to files).
 *
 * Pages are untrusted: the parsers bound what they keep (PAGE_MAX_FILES
 * files, PAGE_MAX_FIELD bytes per attribute), never read past len, and a
 * page that is not what it claims fails with a reason. Relative links are
 * resolved against the page's URL (and an HTML <base href>); links whose
 * URL cannot be resolved are skipped.
 *
 * Errors: -1 with the reason in *why (the caller reports it with the
 * redacted URL). */
#ifndef CVENV_INDEX_PAGE_H
#define CVENV_INDEX_PAGE_H

#include "core/index/index.h"

#define PAGE_MAX_FILES 200000
#define PAGE_MAX_FIELD 65536

enum page_format {
	PAGE_HTML,
	PAGE_JSON,
};

/* The format a Content-Type header value announces: text/html and
 * application/vnd.pypi.simple.v1+html are HTML, application/vnd.pypi.simple.v1+json
 * JSON (parameters such as charset ignored, case-insensitive). -1 for
 * anything else (and for application/vnd.pypi.simple.latest+json, which a
 * server must not answer with). A missing Content-Type (NULL, a file://
 * page) is HTML unless the text starts with '{'. */
int page_format_of(const char *content_type, const char *text, size_t len,
		   enum page_format *fmt);

/* The repository version a page declares (PEP 629 meta / PEP 691
 * meta.api-version); "1.0" when it declares none. */
struct page_version {
	unsigned major, minor;
};

/* Parses a page into p's files (appended; origin set to origin). p->found is
 * set. page_url resolves relative links. p must be empty or filled only by
 * these parsers (its files array grows by doubling). */
int page_parse_html(const char *page_url, const char *origin, const char *text, size_t len,
		    struct index_project *p, struct page_version *v, struct buf *why);
int page_parse_json(const char *page_url, const char *origin, const char *text, size_t len,
		    struct index_project *p, struct page_version *v, struct buf *why);
/* Checks v: 0 for 1.x with x known, 1 for a newer 1.x (the caller warns),
 * -1 (reason in why) for another major. */
int page_check_version(const struct page_version *v, struct buf *why);

/* The compact form of a parsed index page, which the HTTP cache keeps
 * beside the page's entry so that a warm run reads it instead of parsing
 * the page again (jansson costs ~150 instructions a byte). It is bound to
 * what it was made from: the page body's sha256, the URL its links were
 * resolved against and the Content-Type; read back, every field goes
 * through the parsers' own checks (file names, URLs, hash spelling, the
 * bounds). Untrusted as any cache file. */
struct page_source {
	const char *sha256;       /* of the page's body, hex */
	const char *base;         /* the URL relative links resolved against */
	const char *content_type; /* or NULL */
};
void page_compact_write(const struct index_project *p, const struct page_version *v,
			const struct page_source *src, struct buf *out);
/* 0 with p filled (files appended to an empty p, origin set) and v set;
 * -1 (p left empty) when text is malformed or made from another source. */
int page_compact_read(const char *text, size_t len, const struct page_source *src,
		      const char *origin, struct index_project *p, struct page_version *v);

/* A find-links page: only the links whose file name is a wheel or sdist of
 * name (canonical compare) are added; name NULL keeps every wheel/sdist. */
int page_parse_links(const char *page_url, const char *origin, const char *name,
		     const char *text, size_t len, struct index_project *p, struct buf *why);

/* True when filename is a wheel or sdist (.tar.gz, .zip) of the project
 * name (any spelling); name NULL: of any project. */
bool page_file_of_project(const char *filename, const char *name);

/* Appends to p the file an absolute URL names (a direct requirement): the
 * URL without its fragment, the fragment's hash ("#sha256=HEX"), the file
 * name from the last path segment. -1 (nothing appended) when the URL names
 * no file or the fragment's hash is not one cvenv knows. */
int page_file_from_url(const char *url, const char *origin, struct index_project *p);

/* Frees the files of p (and p->name); p is left empty. */
void index_project_release(struct index_project *p);
void index_file_release(struct index_file *f);

#endif
