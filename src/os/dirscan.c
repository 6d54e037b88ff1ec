#include "util/common.h"

#include <dirent.h>

#include "os/dirscan.h"
#include "util/strvec.h"

int os_scan_dir(const char *path, bool (*keep)(const char *name), struct strvec *names)
{
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent *e;
	errno = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		if (keep(e->d_name))
			strvec_push(names, e->d_name);
		errno = 0;
	}
	int err = errno;
	closedir(d);
	errno = err;
	return err ? -1 : 0;
}
