/* Native pip seeding (see seed.h). */
#include "util/common.h"

#include <jansson.h>

#include "core/std/metadata.h"
#include "core/pkg/install.h"
#include "core/interp/interp.h"
#include "core/std/pep440.h"
#include "core/env/seed.h"
#include "core/pkg/wheel.h"
#include "core/pkg/wheelcache.h"
#include "os/fs.h"
#include "os/link.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strvec.h"

#define DEBIAN_WHEELS "/usr/share/python-wheels"

/* The newest wheel of `project` among paths, or NULL. */
static const char *newest(const struct strvec *paths, const char *project)
{
	const char *best = NULL;
	struct pep440_version bv = { 0 };
	for (size_t i = 0; i < paths->n; i++) {
		struct wheel_name wn;
		struct buf *saved = error_capture;
		struct buf quiet = BUF_INIT;
		error_capture = &quiet;
		int bad = wheel_name_parse(paths->v[i], &wn);
		error_capture = saved;
		buf_free(&quiet);
		if (bad < 0)
			continue;
		char *cn = name_canonicalize_n(wn.name, strlen(wn.name));
		struct pep440_version v;
		if (!strcmp(cn, project) && pep440_parse_str(wn.version, &v) == 0) {
			if (!best || pep440_cmp(&v, &bv) > 0) {
				pep440_version_free(&bv);
				bv = v;
				best = paths->v[i];
			} else {
				pep440_version_free(&v);
			}
		}
		free(cn);
		wheel_name_free(&wn);
	}
	pep440_version_free(&bv);
	return best;
}

static void list_wheels(const char *dir, struct strvec *out)
{
	struct strvec names = STRVEC_INIT;
	if (os_list_dir(dir, &names) == 0)
		for (size_t i = 0; i < names.n; i++)
			if (ends_with(names.v[i], ".whl"))
				strvec_push_take(out, path_join(dir, names.v[i]));
	strvec_clear(&names);
}

int seed_find_wheels(const struct interp *ip, const char *wheel_dir, struct strvec *out)
{
	struct strvec all = STRVEC_INIT;
	if (wheel_dir) {
		list_wheels(wheel_dir, &all);
	} else {
		json_t *b = json_object_get(ip->json, "bundled_wheels");
		for (size_t i = 0; i < json_array_size(b); i++)
			if (json_is_string(json_array_get(b, i)))
				strvec_push(&all, json_string_value(json_array_get(b, i)));
		if (!newest(&all, "pip")) {
			strvec_clear(&all);
			list_wheels(DEBIAN_WHEELS, &all);
		}
	}
	const char *pip = newest(&all, "pip");
	if (!pip) {
		strvec_clear(&all);
		error("cannot install pip with interpreter '%s': no pip wheel in %s", ip->executable,
		      wheel_dir ? wheel_dir : "its ensurepip/_bundled or " DEBIAN_WHEELS);
		return -1;
	}
	strvec_push(out, pip);
	/* venv installs setuptools beside pip before 3.12 (gh-95299) */
	bool setuptools = ip->major == 3 && ip->minor < 12;
	const char *st = setuptools ? newest(&all, "setuptools") : NULL;
	if (st)
		strvec_push(out, st);
	strvec_clear(&all);
	return 0;
}

/* The launchers' shebangs name the env's python: the one the env will have
 * at final_dir, not the build directory's. */
static void aim_launchers_at(struct install_env *e, const char *final_dir)
{
	size_t n = strlen(e->v.dir);
	if (!final_dir || !strcmp(final_dir, e->v.dir) || strncmp(e->v.python, e->v.dir, n) ||
	    e->v.python[n] != '/')
		return;
	char *python = xstrfmt("%s%s", final_dir, e->v.python + n);
	free(e->v.python);
	e->v.python = python;
}

struct seed_ahead {
	struct install_env e; /* the cache only: no env is open */
	struct strvec paths;
	struct wheel *ws[2];
	size_t n;
};

void seed_ahead_free(struct seed_ahead *a)
{
	if (!a)
		return;
	/* the checks first: they read the wheels' seals */
	wheelcache_check_stop(&a->e);
	for (size_t i = 0; i < a->n; i++) {
		wheel_close(a->ws[i]);
		free(a->ws[i]);
	}
	free(a->e.cache_dir);
	strvec_clear(&a->paths);
	free(a);
}

struct seed_ahead *seed_open_ahead(const struct interp *ip, const struct seed_opts *o)
{
	if (o->no_cache || !o->cache_dir)
		return NULL;
	struct seed_ahead *a = xcalloc(1, sizeof(*a));
	a->e.lock_fd = -1;
	struct buf *saved = error_capture;
	struct buf quiet = BUF_INIT;
	error_capture = &quiet; /* seed_install() says what is wrong, if anything */
	bool ok = seed_find_wheels(ip, o->wheel_dir, &a->paths) == 0 &&
		  install_env_set_cache(&a->e, o->cache_dir, o->link_mode) == 0;
	error_capture = saved;
	buf_free(&quiet);
	for (size_t i = 0; ok && i < a->paths.n && i < ARRAY_SIZE(a->ws); i++) {
		a->ws[i] = xcalloc(1, sizeof(*a->ws[i]));
		if (wheelcache_open_named(&a->e, a->paths.v[i], NULL, NULL, a->ws[i]) != 1) {
			free(a->ws[i]);
			a->ws[i] = NULL;
			ok = false;
		} else {
			a->n++;
		}
	}
	if (!ok || !a->n) {
		seed_ahead_free(a);
		return NULL;
	}
	return a;
}

/* Takes the wheels opened ahead into ws, and their checks into e, when they
 * are the n paths, in e's cache. */
static bool take_ahead(struct seed_ahead *a, const struct strvec *paths, struct install_env *e,
		       struct wheel **ws)
{
	if (!a || a->n != paths->n || !e->cache_dir || strcmp(a->e.cache_dir, e->cache_dir) ||
	    e->checker)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->paths.v[i], paths->v[i]))
			return false;
	for (size_t i = 0; i < a->n; i++) {
		ws[i] = a->ws[i];
		a->ws[i] = NULL;
	}
	/* the queue's checks read a->e.cache_dir, which stays until
	 * seed_ahead_free(), after e's close has stopped them */
	e->checker = a->e.checker;
	e->checker_rows = a->e.checker_rows;
	a->e.checker = NULL;
	a->e.checker_rows = 0;
	a->n = 0;
	return true;
}

int seed_install(const struct interp *ip, const char *env_dir, const char *final_dir,
		 const struct seed_opts *o)
{
	struct strvec paths = STRVEC_INIT;
	if (seed_find_wheels(ip, o->wheel_dir, &paths) < 0)
		return -1;
	/* said here, once per env: create_check_interp looked for them before */
	info(1, "seeding from %s%s%s", paths.v[0], paths.n > 1 ? ", " : "",
	     paths.n > 1 ? paths.v[1] : "");
	struct install_env e;
	/* a private build directory needs no lock and has nothing to recover */
	if (install_env_open_dir(env_dir, !o->private_dir, &e) < 0) {
		strvec_clear(&paths);
		return -1;
	}
	aim_launchers_at(&e, final_dir);
	e.private_dir = o->private_dir;
	int r = install_env_set_cache(&e, o->no_cache ? NULL : o->cache_dir, o->link_mode);
	struct wheel *ws[2] = { NULL, NULL };
	struct install_opts opts[2];
	memset(opts, 0, sizeof(opts));
	/* as `pip install pip setuptools` in ensurepip */
	opts[0].requested = opts[1].requested = true;
	bool tz = os_tz_pin();
	size_t n = !r && take_ahead(o->ahead, &paths, &e, ws) ? paths.n : 0;
	for (size_t i = n; i < paths.n && i < 2 && !r; i++) {
		ws[i] = xcalloc(1, sizeof(*ws[i]));
		if (wheelcache_open_wheel(&e, paths.v[i], ws[i]) < 0) {
			free(ws[i]);
			ws[i] = NULL;
			r = -1;
			break;
		}
		n++;
	}
	if (!r)
		r = install_wheels(&e, ws, n, opts) < 0 ? -1 : 0;
	for (size_t i = 0; i < n; i++) {
		wheel_close(ws[i]);
		free(ws[i]);
	}
	os_tz_unpin(tz);
	/* The env's lock file stays: it lives as long as the env (envlock.h).
	 * A new env's build directory drops its .cvenv before it is published
	 * (core/create.c), where no other process can hold that lock. */
	install_env_close(&e);
	strvec_clear(&paths);
	if (r < 0)
		hint("pass --without-pip to make the environment without pip");
	return r;
}
