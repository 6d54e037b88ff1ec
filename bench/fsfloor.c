/* The floor under `cvenv create --without-pip`: only the file-system calls a
 * new env needs (a private build directory; include/, lib/pythonX.Y/
 * site-packages, lib64 and bin/ with the interpreter links; five activation
 * scripts and pyvenv.cfg of their real sizes; the rename into place), with
 * no parsing, no checks and no error handling. (A cache record is not among
 * them: cvenv writes one only for an env whose links do not name its
 * interpreter.) bench/create.sh times it beside cvenv: what is left between
 * the two is all cvenv spends on being a program; what is left between this
 * and the targets is the disk's.
 *
 *   fsfloor ENV_DIR X.Y BASE_PYTHON */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char data[4096];

static void put(const char *path, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 || write(fd, data, n) != (ssize_t)n || close(fd) < 0) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: fsfloor ENV_DIR X.Y BASE_PYTHON\n");
		return 2;
	}
	const char *env = argv[1], *ver = argv[2], *base = argv[3];
	char tmp[4096], p[4096];
	memset(data, '#', sizeof(data));
	snprintf(tmp, sizeof(tmp), "%s.build", env);
	if (mkdir(tmp, 0777) < 0 || chdir(tmp) < 0) {
		perror(tmp);
		return 1;
	}
	mkdir("include", 0777);
	snprintf(p, sizeof(p), "include/python%s", ver);
	mkdir(p, 0777);
	mkdir("lib", 0777);
	snprintf(p, sizeof(p), "lib/python%s", ver);
	mkdir(p, 0777);
	snprintf(p, sizeof(p), "lib/python%s/site-packages", ver);
	mkdir(p, 0777);
	symlink("lib", "lib64");
	mkdir("bin", 0777);
	snprintf(p, sizeof(p), "bin/python%s", ver);
	symlink(base, p);
	snprintf(p, sizeof(p), "python%s", ver);
	symlink(p, "bin/python");
	symlink(p, "bin/python3");
	put("bin/activate", 2839);
	put("bin/activate.fish", 1840);
	put("bin/activate.csh", 1679);
	put("bin/Activate.ps1", 2637);
	put("bin/activate.nu", 1869);
	put("pyvenv.cfg", 198);
	if (rename(tmp, env) < 0) {
		perror(env);
		return 1;
	}
	return 0;
}
