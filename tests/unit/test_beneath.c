/* Unit tests for os/beneath: a path beneath a root is reached without
 * following a link, whether the kernel resolves it (openat2) or the walk
 * does; every test runs both ways. The tree:
 *
 *   root/a/f            a file
 *   root/a/in -> ../a   a link that stays inside
 *   root/out -> OUT     a link to a directory outside the root
 *   root/dang -> nowhere
 *   OUT/victim          what no call may touch
 */
#include "unit.h"

#include <fcntl.h>
#include <unistd.h>

#include "os/beneath.h"

struct tree {
	char *top, *root, *out;
};

static void make_tree(struct tree *t)
{
	t->top = unit_scratch_dir("beneath-");
	t->root = path_join(t->top, "root");
	t->out = path_join(t->top, "OUT");
	char *a = path_join(t->root, "a"), *f = path_join(a, "f"), *in = path_join(a, "in");
	char *out = path_join(t->root, "out"), *dang = path_join(t->root, "dang");
	char *victim = path_join(t->out, "victim");
	assert_int_equal(os_mkdir_p(a, 0755), 0);
	assert_int_equal(os_mkdir(t->out, 0755), 0);
	assert_int_equal(os_write_new(f, "f", 1, 0644), 0);
	assert_int_equal(os_write_new(victim, "v", 1, 0644), 0);
	assert_int_equal(os_symlink("../a", in), 0);
	assert_int_equal(os_symlink(t->out, out), 0);
	assert_int_equal(os_symlink("nowhere", dang), 0);
	free(a), free(f), free(in), free(out), free(dang), free(victim);
}

static void free_tree(struct tree *t)
{
	char *victim = path_join(t->out, "victim");
	assert_true(os_is_file(victim)); /* never touched */
	free(victim);
	os_rm_rf(t->top);
	free(t->top), free(t->root), free(t->out);
}

static void each_way(void (*fn)(const struct tree *))
{
	for (int walk = 0; walk < 2; walk++) {
		struct tree t;
		os_beneath_force_walk(walk);
		make_tree(&t);
		fn(&t);
		free_tree(&t);
	}
	os_beneath_force_walk(false);
}

static void lexical(const struct tree *t)
{
	assert_int_equal(os_beneath_kind(t->root, "../OUT/victim"), -1);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(os_beneath_kind(t->root, "a/../../OUT/victim"), -1);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(os_beneath_unlink(t->root, t->out), -1); /* absolute */
	assert_int_equal(errno, EXDEV);
	assert_int_equal(os_beneath_kind(t->root, ""), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(os_beneath_kind(t->root, "a//f"), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(os_beneath_kind(t->root, "./a/f"), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(os_beneath_kind(t->root, "a/"), -1);
	assert_int_equal(errno, EINVAL);
}

static void test_lexical(void **state)
{
	(void)state;
	each_way(lexical);
}

static void links(const struct tree *t)
{
	assert_int_equal(os_beneath_kind(t->root, "a/f"), OS_KIND_FILE);
	assert_int_equal(os_beneath_kind(t->root, "a"), OS_KIND_DIR);
	assert_int_equal(os_beneath_kind(t->root, "out"), OS_KIND_LINK);
	assert_int_equal(os_beneath_kind(t->root, "dang"), OS_KIND_LINK);
	assert_int_equal(os_beneath_kind(t->root, "a/none"), OS_KIND_NONE);
	/* a link on the way is refused, inside or out, dangling or not */
	assert_int_equal(os_beneath_kind(t->root, "out/victim"), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(os_beneath_unlink(t->root, "out/victim"), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(os_beneath_kind(t->root, "a/in/f"), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(os_beneath_mkdir(t->root, "dang/x", 0755), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(os_beneath_open(t->root, "out/victim", O_RDONLY, 0), -1);
	assert_int_equal(os_beneath_open(t->root, "out/new", O_WRONLY | O_CREAT, 0644), -1);
	assert_int_equal(os_beneath_rename(t->root, "a/f", t->root, "out/victim"), -1);
	assert_int_equal(os_beneath_rm_rf(t->root, "out/victim"), -1);
	assert_int_equal(os_beneath_mkdir_p(t->root, "out/x/y", 0755), -1);
	/* the last component is never followed */
	assert_int_equal(os_beneath_open(t->root, "out", O_RDONLY | O_DIRECTORY, 0), -1);
	assert_int_equal(os_beneath_open(t->root, "dang", O_WRONLY | O_CREAT, 0644), -1);
	assert_int_equal(os_beneath_first_link(t->root, "out/victim"), 3);
	assert_int_equal(os_beneath_first_link(t->root, "a/in/f"), 4);
	assert_int_equal(os_beneath_first_link(t->root, "a/f"), 0);
	assert_int_equal(os_beneath_first_link(t->root, "a/none/x"), 0);
	/* removing a link removes the link, not what it points at */
	assert_int_equal(os_beneath_rm_rf(t->root, "out"), 0);
	assert_int_equal(os_beneath_kind(t->root, "out"), OS_KIND_NONE);
	assert_int_equal(os_beneath_unlink(t->root, "dang"), 0);
}

static void test_links(void **state)
{
	(void)state;
	each_way(links);
}

static void inside(const struct tree *t)
{
	int fd = os_beneath_open(t->root, "a/f", O_RDONLY, 0);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(os_beneath_mkdir_p(t->root, "a/b/c", 0755), 0);
	assert_int_equal(os_beneath_mkdir_p(t->root, "a/b/c", 0755), 0);
	assert_int_equal(os_beneath_rename(t->root, "a/f", t->root, "a/b/c/g"), 0);
	assert_int_equal(os_beneath_kind(t->root, "a/b/c/g"), OS_KIND_FILE);
	/* a tree holding a link to the outside: the link goes, OUT stays */
	char *l = path_join(t->root, "a/b/c/toout");
	assert_int_equal(os_symlink(t->out, l), 0);
	free(l);
	assert_int_equal(os_beneath_rm_rf(t->root, "a/b"), 0);
	assert_int_equal(os_beneath_kind(t->root, "a/b"), OS_KIND_NONE);
	assert_int_equal(os_beneath_rm_rf(t->root, "a/b"), 0); /* missing is fine */
	assert_int_equal(os_beneath_rmdir(t->root, "a"), -1);   /* a/in is left */
	assert_int_equal(os_beneath_unlink(t->root, "a/in"), 0);
	assert_int_equal(os_beneath_rmdir(t->root, "a"), 0);
}

static void test_inside(void **state)
{
	(void)state;
	each_way(inside);
}

/* The root itself may be a link (an env's site-packages on another disk). */
static void root_link(const struct tree *t)
{
	char *via = path_join(t->top, "via");
	assert_int_equal(os_symlink(t->root, via), 0);
	assert_int_equal(os_beneath_kind(via, "a/f"), OS_KIND_FILE);
	os_unlink(via);
	free(via);
}

static void test_root_link(void **state)
{
	(void)state;
	each_way(root_link);
}

/* Renames through kept directories: the same refusals as os_beneath_rename,
 * and a kept directory that is moved, or has a link put in its place, is
 * never used for the path it no longer is. */
static void kept(const struct tree *t)
{
	struct os_beneath_dirs k = OS_BENEATH_DIRS_INIT;
	assert_int_equal(os_beneath_rename_kept(&k, t->root, "a/f", t->root, "out/victim", false), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(os_beneath_rename_kept(&k, t->root, "a/f", t->root, "../OUT/victim", false), -1);
	assert_int_equal(errno, EXDEV);
	assert_int_equal(os_beneath_rename_kept(&k, t->root, "a/in/f", t->root, "a/g", false), -1);
	assert_int_equal(errno, ELOOP);
	/* moves back and forth between the same two directories */
	assert_int_equal(os_beneath_mkdir_p(t->root, "a/b", 0755), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(os_beneath_rename_kept(&k, t->root, "a/f", t->root, "a/b/g", false), 0);
		assert_int_equal(os_beneath_rename_kept(&k, t->root, "a/b/g", t->root, "a/f", false), 0);
	}
	assert_int_equal(os_beneath_kind(t->root, "a/f"), OS_KIND_FILE);
	/* a/b (kept) moved to c by a kept rename: a new a/b is the one used */
	char *z = path_join(t->root, "a/b/z"), *nb = path_join(t->root, "a/b");
	assert_int_equal(os_write_new(z, "old", 3, 0644), 0);
	assert_int_equal(os_beneath_rename_kept(&k, t->root, "a/b", t->root, "c", false), 0);
	assert_int_equal(os_mkdir(nb, 0755), 0);
	assert_int_equal(os_write_new(z, "new", 3, 0644), 0);
	assert_int_equal(os_beneath_rename_kept(&k, t->root, "a/b/z", t->root, "z", false), 0);
	assert_int_equal(os_beneath_kind(t->root, "c/z"), OS_KIND_FILE);
	assert_int_equal(os_beneath_kind(t->root, "a/b/z"), OS_KIND_NONE);
	/* a/b (kept again) replaced behind our back by a link out: the link is
	 * not followed, OUT/victim stays (free_tree checks) */
	assert_int_equal(os_beneath_rename_kept(&k, t->root, "z", t->root, "a/b/z", false), 0);
	assert_int_equal(os_beneath_rename(t->root, "a/b", t->root, "d"), 0);
	assert_int_equal(os_symlink(t->out, nb), 0);
	assert_int_equal(os_beneath_rename_kept(&k, t->root, "a/f", t->root, "a/b/victim", false), 0);
	assert_int_equal(os_beneath_kind(t->root, "d/victim"), OS_KIND_FILE);
	free(z);
	free(nb);
	/* more directories than are kept: the oldest are closed, all work */
	for (int i = 0; i < 40; i++) {
		char *d = xstrfmt("m%d", i), *f = xstrfmt("m%d/f", i), *g = xstrfmt("m%d/g", i);
		char *fa = path_join(t->root, f);
		assert_int_equal(os_beneath_mkdir(t->root, d, 0755), 0);
		assert_int_equal(os_write_new(fa, "f", 1, 0644), 0);
		assert_int_equal(os_beneath_rename_kept(&k, t->root, f, t->root, g, false), 0);
		assert_int_equal(os_beneath_rename_kept(&k, t->root, "d/victim", t->root, "d/v2", false),
				 0);
		assert_int_equal(os_beneath_rename_kept(&k, t->root, "d/v2", t->root, "d/victim", false),
				 0);
		free(d), free(f), free(g), free(fa);
	}
	/* noreplace: an existing file, directory or link is not replaced
	 * (EEXIST), a free name is */
	char *x = path_join(t->root, "a/x"), *y = path_join(t->root, "a/y");
	struct buf got = BUF_INIT;
	assert_int_equal(os_write_new(x, "x", 1, 0644), 0);
	assert_int_equal(os_write_new(y, "y", 1, 0644), 0);
	assert_int_equal(os_beneath_rename_kept(&k, t->root, "a/x", t->root, "a/y", true), -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(os_read_file(y, 16, &got), 0);
	assert_string_equal(got.ptr, "y");
	assert_int_equal(os_beneath_kind(t->root, "a/x"), OS_KIND_FILE);
	assert_int_equal(os_beneath_mkdir(t->root, "a/emptydir", 0755), 0);
	assert_int_equal(os_beneath_rename_kept(&k, t->root, "a/x", t->root, "a/emptydir", true),
			 -1);
	assert_int_equal(errno, EEXIST);
	assert_int_equal(os_beneath_kind(t->root, "a/emptydir"), OS_KIND_DIR);
	assert_int_equal(os_beneath_rename_kept(&k, t->root, "a/x", t->root, "a/free", true), 0);
	assert_int_equal(os_beneath_kind(t->root, "a/x"), OS_KIND_NONE);
	assert_int_equal(os_beneath_kind(t->root, "a/free"), OS_KIND_FILE);
	buf_free(&got);
	free(x);
	free(y);
	/* a directory kept beneath one root (root/a as the root, its b) is
	 * dropped when a move through another root (root itself) takes a
	 * directory above it away: as a commit kept site-packages' entries
	 * through the site-packages root, then moved an env's directory by
	 * the env's root. The new a/b is the one used after. */
	char *ra = path_join(t->root, "a"), *bf = path_join(t->root, "a/nb/f");
	assert_int_equal(os_beneath_mkdir_p(t->root, "a/nb", 0755), 0);
	assert_int_equal(os_write_new(bf, "1", 1, 0644), 0);
	assert_int_equal(os_beneath_rename_kept(&k, ra, "nb/f", ra, "nb/g", false), 0);
	assert_int_equal(os_beneath_rename_kept(&k, t->root, "a/nb", t->root, "moved", false), 0);
	assert_int_equal(os_beneath_mkdir(t->root, "a/nb", 0755), 0);
	assert_int_equal(os_write_new(bf, "2", 1, 0644), 0);
	assert_int_equal(os_beneath_rename_kept(&k, ra, "nb/f", ra, "nb/h", false), 0);
	assert_int_equal(os_beneath_kind(t->root, "a/nb/h"), OS_KIND_FILE);
	assert_int_equal(os_beneath_kind(t->root, "moved/g"), OS_KIND_FILE);
	assert_int_equal(os_beneath_kind(t->root, "moved/h"), OS_KIND_NONE);
	free(ra);
	free(bf);
	os_beneath_dirs_close(&k);
	assert_int_equal(k.n, 0);
}

static void test_kept(void **state)
{
	(void)state;
	each_way(kept);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lexical),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_inside),
		cmocka_unit_test(test_root_link),
		cmocka_unit_test(test_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
