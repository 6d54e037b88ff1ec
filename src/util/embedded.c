#include "util/common.h"
#include "util/embedded.h"

const struct embedded_file *embedded_get(const char *name)
{
	for (const struct embedded_file *f = embedded_files; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}
