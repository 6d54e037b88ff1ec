/* libFuzzer target: index pages (PEP 503 HTML, PEP 691 JSON, find-links
 * pages, the cache's compact form of a page) and URL resolution of every link, on any bytes.
 * Built by `make fuzz`; run build-fuzz/fuzz_indexpage fuzz/corpus/indexpage. */
#include "util/common.h"

#include "core/index/page.h"
#include "core/index/url.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct index_project p = { 0 };
	struct page_version v;
	struct buf why = BUF_INIT;
	enum page_format fmt;
	(void)page_format_of(NULL, text, size, &fmt);
	(void)page_parse_html("https://u:p@idx.example/simple/x/", "o", text, size, &p, &v, &why);
	(void)page_parse_json("https://idx.example/simple/x/", "o", text, size, &p, &v, &why);
	(void)page_parse_links("file:///srv/links/", "o", "x", text, size, &p, &why);
	(void)page_check_version(&v, &why);
	/* the compact form the HTTP cache keeps beside a page */
	struct page_source src = { "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
				   "https://idx.example/simple/x/", "text/html" };
	struct index_project c = { 0 };
	if (page_compact_read(text, size, &src, "o", &c, &v) == 0) {
		struct buf again = BUF_INIT;
		page_compact_write(&c, &v, &src, &again);
		buf_free(&again);
	}
	index_project_release(&c);
	for (size_t i = 0; i < p.nfiles; i++) {
		free(url_redact(p.files[i].url));
		if (!p.files[i].filename || !p.files[i].url)
			abort();
	}
	index_project_release(&p);
	/* the text as a URL reference and as a URL to redact */
	char *s = xstrndup(text, size);
	free(url_join("https://idx.example/simple/x/", s));
	free(url_redact(s));
	free(url_host(s));
	free(s);
	buf_free(&why);
	return 0;
}
