/* pip's JSON installation report (see report.h). */
#include "util/common.h"

#include <ctype.h>
#include <jansson.h>

#include "core/pkg/report.h"
#include "core/index/index.h"
#include "core/index/url.h"
#include "core/pkg/indexprov.h"
#include "core/std/metadata.h"
#include "core/std/pep508.h"
#include "util/buf.h"

/* Fields that may appear more than once: lists in the JSON form (PEP 566). */
static const char *const multi_fields[] = {
	"dynamic", "platform", "supported_platform", "license_file", "classifier",
	"requires_dist", "requires_external", "project_url", "provides_extra",
	"provides_dist", "obsoletes_dist", NULL,
};

static bool is_multi(const char *key)
{
	for (size_t i = 0; multi_fields[i]; i++)
		if (!strcmp(multi_fields[i], key))
			return true;
	return false;
}

/* METADATA as JSON: keys lower-cased with '-' as '_', multiple-use fields as
 * lists, keywords split on commas, the body as "description". */
static json_t *metadata_json(const char *text, size_t len)
{
	json_t *o = json_object();
	struct metadata m = METADATA_INIT;
	metadata_parse(&m, text ? text : "", text ? len : 0);
	for (size_t i = 0; i < m.n; i++) {
		char *key = xstrdup(m.fields[i].name);
		for (char *c = key; *c; c++)
			*c = *c == '-' ? '_' : (char)tolower((unsigned char)*c);
		const char *val = m.fields[i].value ? m.fields[i].value : "";
		if (!strcmp(key, "keywords")) {
			json_t *kw = json_array();
			const char *sep = strchr(val, ',') ? "," : " ";
			const char *s = val;
			while (*s) {
				size_t n = strcspn(s, sep);
				char *w = xstrndup_trim(s, n);
				if (*w)
					json_array_append_new(kw, json_string(w));
				free(w);
				s += n;
				if (*s)
					s++;
			}
			json_object_set_new(o, key, kw);
		} else if (is_multi(key)) {
			json_t *a = json_object_get(o, key);
			if (!a) {
				a = json_array();
				json_object_set_new(o, key, a);
			}
			json_array_append_new(a, json_string(val));
		} else if (!json_object_get(o, key)) {
			json_object_set_new(o, key, json_string(val));
		}
		free(key);
	}
	if (m.body && *m.body && !json_object_get(o, "description"))
		json_object_set_new(o, "description", json_string(m.body));
	metadata_free(&m);
	return o;
}

static json_t *download_info(const struct ixdist *d)
{
	json_t *di = json_object();
	json_t *ai = json_object();
	json_t *hashes = json_object();
	char *url = NULL;
	if (d->f) {
		url = url_redact(d->f->url);
		for (size_t i = 0; i < d->f->hashes.n; i++) {
			const char *h = d->f->hashes.v[i];
			const char *colon = strchr(h, ':');
			if (!colon)
				continue;
			char *algo = xstrndup(h, (size_t)(colon - h));
			json_object_set_new(hashes, algo, json_string(colon + 1));
			free(algo);
		}
	} else {
		url = xstrfmt("file://%s", d->local_path);
	}
	if (d->sha256 && !json_object_get(hashes, "sha256"))
		json_object_set_new(hashes, "sha256", json_string(d->sha256));
	json_object_set_new(di, "url", json_string(url));
	json_t *sha = json_object_get(hashes, "sha256");
	if (sha) {
		char *legacy = xstrfmt("sha256=%s", json_string_value(sha));
		json_object_set_new(ai, "hash", json_string(legacy));
		free(legacy);
	}
	json_object_set_new(ai, "hashes", hashes);
	json_object_set_new(di, "archive_info", ai);
	free(url);
	return di;
}

void report_json(const struct ixplan *pl, const struct pep508_env *env, struct buf *out)
{
	json_t *root = json_object();
	json_object_set_new(root, "version", json_string("1"));
	json_object_set_new(root, "pip_version", json_string("cvenv " CVENV_VERSION));
	json_t *install = json_array();
	for (size_t i = 0; i < pl->n; i++) {
		const struct ixdist *d = &pl->v[i];
		if (d->skip)
			continue;
		json_t *it = json_object();
		json_object_set_new(it, "download_info", download_info(d));
		json_object_set_new(it, "is_direct", json_boolean(d->direct));
		json_object_set_new(it, "is_yanked", json_boolean(d->f && d->f->yanked));
		json_object_set_new(it, "requested", json_boolean(d->requested));
		if (d->extras.n) {
			json_t *ex = json_array();
			for (size_t k = 0; k < d->extras.n; k++)
				json_array_append_new(ex, json_string(d->extras.v[k]));
			json_object_set_new(it, "requested_extras", ex);
		}
		json_object_set_new(it, "metadata", metadata_json(d->metadata, d->metadata_len));
		json_array_append_new(install, it);
	}
	json_object_set_new(root, "install", install);
	json_t *envj = json_object();
	for (int v = 0; v < PEP508_NVARS; v++)
		if (v != PEP508_EXTRA)
			json_object_set_new(envj, pep508_var_name(v),
					    json_string(env->v[v] ? env->v[v] : ""));
	json_object_set_new(root, "environment", envj);
	char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	buf_addstr(out, s ? s : "{}");
	buf_addch(out, '\n');
	free(s);
	json_decref(root);
}
