/* The floor under a seeded `cvenv create` and a warm `cvenv install` (issue
 * 18): rebuilds a finished env's tree at a new place with only mkdir, link
 * and symlink -- one call per directory, file and symbolic link, files hard
 * linked to the finished env's (as a warm cache links them), no reading, no
 * checks, no transaction. bench/create.sh and bench/install.sh time it
 * beside cvenv in one hyperfine run: what is left between the two is what
 * cvenv spends beyond the links themselves.
 *
 *   linkfloor FINISHED_ENV NEW_DIR */
#define _DEFAULT_SOURCE /* d_type */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* src and dst are buffers of cap bytes holding paths of length sn and dn. */
static void copy_tree(char *src, size_t sn, char *dst, size_t dn, size_t cap)
{
	DIR *d = opendir(src);
	struct dirent *e;
	if (!d)
		die(src);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (sn + n + 2 > cap || dn + n + 2 > cap) {
			fprintf(stderr, "linkfloor: path too long\n");
			exit(1);
		}
		src[sn] = dst[dn] = '/';
		memcpy(src + sn + 1, e->d_name, n + 1);
		memcpy(dst + dn + 1, e->d_name, n + 1);
		unsigned char t = e->d_type;
		if (t == DT_UNKNOWN) {
			struct stat st;
			if (lstat(src, &st) < 0)
				die(src);
			t = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
		}
		if (t == DT_DIR) {
			if (mkdir(dst, 0755) < 0)
				die(dst);
			copy_tree(src, sn + 1 + n, dst, dn + 1 + n, cap);
		} else if (t == DT_LNK) {
			char target[4096];
			ssize_t k = readlink(src, target, sizeof(target) - 1);
			if (k < 0)
				die(src);
			target[k] = '\0';
			if (symlink(target, dst) < 0)
				die(dst);
		} else if (link(src, dst) < 0) {
			die(dst);
		}
		src[sn] = dst[dn] = '\0';
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: linkfloor FINISHED_ENV NEW_DIR\n");
		return 2;
	}
	size_t cap = 1 << 16;
	char *src = malloc(cap), *dst = malloc(cap);
	if (!src || !dst || strlen(argv[1]) >= cap / 2 || strlen(argv[2]) >= cap / 2)
		return 1;
	strcpy(src, argv[1]);
	strcpy(dst, argv[2]);
	if (mkdir(dst, 0755) < 0)
		die(dst);
	copy_tree(src, strlen(src), dst, strlen(dst), cap);
	return 0;
}
