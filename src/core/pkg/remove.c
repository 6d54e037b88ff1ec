/* Planning the removal of an installed distribution (see remove.h). */
#include "util/common.h"

#include "core/env/env_owned.h"
#include "core/pkg/record.h"
#include "core/pkg/remove.h"
#include "os/beneath.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/relpath.h"

#define MAX_RECORD (256u << 20)

/* A path listed twice (a RECORD row and a bytecode file found beside its
 * source, say) is removed once: txn_commit drops the repeats. */
static void add_del(struct txn *t, const char *rel)
{
	strvec_push(&t->dels, rel);
}

/* What rel is, reached beneath its root without links (os/beneath.h); when
 * a directory on the way is a link, *link receives the env-relative path of
 * that link (new string). -1 when it cannot be reached. */
static int kind_beneath(struct install_env *e, const char *rel, char **link)
{
	char *root;
	const char *sub = txn_env_root(e, rel, &root);
	ssize_t n = os_beneath_first_link(root, sub);
	int k = -1;
	*link = NULL;
	if (n > 0 && sub[n])
		*link = xstrndup(rel, (size_t)(sub - rel) + (size_t)n);
	else if (n >= 0)
		k = os_beneath_kind(root, sub);
	free(root);
	return k;
}

/* x/y.py -> x/__pycache__/y.*.pyc */
static void plan_bytecode(struct install_env *e, const char *rel, struct txn *t)
{
	char *dir = os_dirname(rel), *name = os_basename(rel);
	char *pc = xstrfmt("%s/__pycache__", dir);
	char *pcabs = path_join(e->v.dir, pc), *link = NULL;
	struct strvec names = STRVEC_INIT;
	name[strlen(name) - 3] = '\0';
	if (kind_beneath(e, pc, &link) == OS_KIND_DIR && os_list_dir(pcabs, &names) == 0)
		for (size_t k = 0; k < names.n; k++) {
			const char *n = names.v[k];
			size_t ln = strlen(name);
			if (!strncmp(n, name, ln) && n[ln] == '.' && ends_with(n, ".pyc")) {
				char *f = xstrfmt("%s/%s", pc, n);
				add_del(t, f);
				free(f);
			}
		}
	strvec_clear(&names);
	free(link);
	free(dir);
	free(name);
	free(pc);
	free(pcabs);
}

/* One RECORD line: the file, never through a linked directory (the link
 * itself goes instead), never one of the env's own files. */
static void plan_row(struct install_env *e, const char *rp, const char *base, const char *path,
		     struct txn *t)
{
	char *rel = path_rel_join(base, path), *link = NULL;
	int k;
	if (!rel || strchr(rel, '\n')) {
		warning("not removing '%s' listed by '%s': it is outside the environment", path, rp);
	} else if (env_owned(&e->v, rel)) {
		warning("not removing '%s' listed by '%s': it is the environment's own file", path,
			rp);
	} else if ((k = kind_beneath(e, rel, &link)) < 0 && !link) {
		warning_errno("not removing '%s' listed by '%s'", path, rp);
	} else if (link) {
		/* a directory on the way is a link: never delete through it */
		if (!env_owned(&e->v, link))
			add_del(t, link);
	} else if (k != OS_KIND_NONE && k != OS_KIND_DIR) {
		add_del(t, rel);
	}
	if (rel && !link && ends_with(rel, ".py") && !env_owned(&e->v, rel))
		plan_bytecode(e, rel, t);
	free(link);
	free(rel);
}

int remove_plan(struct install_env *e, const struct dist *d, struct txn *t)
{
	/* the .dist-info relative to the env: "lib/.../foo-1.0.dist-info" */
	char *info_name = os_basename(d->info_dir);
	char *dist_info = path_join(e->libdir, info_name);
	char *di = path_join(e->v.dir, dist_info);
	char *rp = path_join(di, "RECORD");
	char *base = os_dirname(dist_info), *link = NULL;
	struct buf text = BUF_INIT;
	struct record rec = RECORD_INIT;
	struct strvec names = STRVEC_INIT;
	int r = 0, k;
	if (os_read_file(rp, MAX_RECORD, &text) < 0)
		r = error_errno("cannot uninstall '%s': cannot read '%s'", d->canonical, rp);
	else
		r = record_parse(text.ptr, text.len, rp, &rec);
	for (size_t i = 0; i < rec.n && !r; i++)
		plan_row(e, rp, base, rec.rows[i].path, t);
	if (r)
		goto out;
	/* whatever else is in the .dist-info goes too; a linked .dist-info is
	 * removed as the link, never emptied */
	k = kind_beneath(e, dist_info, &link);
	if (k == OS_KIND_LINK)
		add_del(t, dist_info);
	else if (k == OS_KIND_DIR && os_list_dir(di, &names) == 0)
		for (size_t i = 0; i < names.n; i++) {
			char *f = xstrfmt("%s/%s", dist_info, names.v[i]), *fl = NULL;
			int fk = kind_beneath(e, f, &fl);
			if (fk >= 0 && fk != OS_KIND_DIR && fk != OS_KIND_NONE)
				add_del(t, f);
			free(fl);
			free(f);
		}
out:
	strvec_clear(&names);
	free(link);
	record_free(&rec);
	buf_free(&text);
	free(base);
	free(rp);
	free(di);
	free(dist_info);
	free(info_name);
	return r;
}
