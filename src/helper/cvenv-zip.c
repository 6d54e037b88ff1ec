/* cvenv-zip.so: the plugin through which the default build of cvenv loads
 * libzip (src/os/lazylib.c has why). It holds one function, whose only
 * purpose is to make the linker keep a NEEDED entry for libzip even under
 * --as-needed: that entry is what loads libzip when cvenv opens the plugin,
 * and what packaging tools read to learn that cvenv depends on libzip. */
#include <zip.h>

const char *cvenv_zip_libzip_version(void);

const char *cvenv_zip_libzip_version(void)
{
	return zip_libzip_version();
}
