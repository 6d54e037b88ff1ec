/* Planning the removal of an installed distribution (see remove.h). */
#include "util/common.h"

#include "core/pkg/record.h"
#include "core/pkg/remove.h"
#include "os/fs.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/relpath.h"

#define MAX_RECORD (256u << 20)

/* Files of the env itself, never removed whatever a RECORD lists: its
 * pyvenv.cfg, interpreters and activation scripts. */
static bool env_owned(const char *rel)
{
	if (!strcmp(rel, "pyvenv.cfg"))
		return true;
	if (!starts_with(rel, "bin/") || strchr(rel + 4, '/'))
		return false;
	const char *n = rel + 4;
	return starts_with(n, "python") || starts_with(n, "pypy") || starts_with(n, "activate") ||
	       !strcmp(n, "Activate.ps1");
}

int remove_plan(struct install_env *e, const struct installed_dist *d, struct txn *t)
{
	char *di = path_join(e->v.dir, d->dist_info);
	char *rp = path_join(di, "RECORD");
	struct buf text = BUF_INIT;
	struct record rec = RECORD_INIT;
	int r = 0;
	if (os_read_file(rp, MAX_RECORD, &text) < 0)
		r = error("cannot uninstall '%s': cannot read '%s': %s", d->name, rp, strerror(errno));
	else
		r = record_parse(text.ptr, text.len, rp, &rec);
	char *base = os_dirname(d->dist_info);
	for (size_t i = 0; i < rec.n && !r; i++) {
		char *rel = path_rel_join(base, rec.rows[i].path);
		if (!rel || strchr(rel, '\n') || env_owned(rel)) {
			warning("not removing '%s' listed by '%s': it is outside the environment",
				rec.rows[i].path, rp);
			free(rel);
			continue;
		}
		char *abs = path_join(e->v.dir, rel);
		if ((os_exists(abs) && !os_is_dir(abs)) || os_is_symlink(abs)) {
			if (!strvec_contains(&t->dels, rel))
				strvec_push(&t->dels, rel);
		}
		if (ends_with(rel, ".py")) {
			/* x/y.py -> x/__pycache__/y.*.pyc */
			char *dir = os_dirname(rel), *name = os_basename(rel);
			char *pc = xstrfmt("%s/__pycache__", dir);
			char *pcabs = path_join(e->v.dir, pc);
			struct strvec names = STRVEC_INIT;
			name[strlen(name) - 3] = '\0';
			if (os_list_dir(pcabs, &names) == 0)
				for (size_t k = 0; k < names.n; k++) {
					const char *n = names.v[k];
					size_t ln = strlen(name);
					if (!strncmp(n, name, ln) && n[ln] == '.' && ends_with(n, ".pyc")) {
						char *f = xstrfmt("%s/%s", pc, n);
						if (!strvec_contains(&t->dels, f))
							strvec_push(&t->dels, f);
						free(f);
					}
				}
			strvec_clear(&names);
			free(dir);
			free(name);
			free(pc);
			free(pcabs);
		}
		free(abs);
		free(rel);
	}
	/* whatever else is in the .dist-info goes too */
	struct strvec names = STRVEC_INIT;
	if (!r && os_list_dir(di, &names) == 0)
		for (size_t k = 0; k < names.n; k++) {
			char *f = xstrfmt("%s/%s", d->dist_info, names.v[k]);
			char *fa = path_join(e->v.dir, f);
			if (!os_is_dir(fa) && !strvec_contains(&t->dels, f))
				strvec_push(&t->dels, f);
			free(f);
			free(fa);
		}
	strvec_clear(&names);
	record_free(&rec);
	buf_free(&text);
	free(base);
	free(rp);
	free(di);
	return r;
}

