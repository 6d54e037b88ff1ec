/* Lock targets (see target.h). */
#include "util/common.h"

#include <ctype.h>

#include "core/interp/interp.h"
#include "core/lock/target.h"
#include "core/std/tags.h"
#include "util/buf.h"
#include "util/error.h"

enum plat_kind { PLAT_GLIBC, PLAT_MUSL, PLAT_WINDOWS, PLAT_MACOS };

struct plat {
	const char *name;
	enum plat_kind kind;
	const char *arch;     /* the tags' architecture (or sysconfig platform on Windows) */
	const char *machine;  /* platform_machine */
};

static const struct plat plats[] = {
	{ "linux", PLAT_GLIBC, "x86_64", "x86_64" },
	{ "x86_64-unknown-linux-gnu", PLAT_GLIBC, "x86_64", "x86_64" },
	{ "aarch64-unknown-linux-gnu", PLAT_GLIBC, "aarch64", "aarch64" },
	{ "x86_64-unknown-linux-musl", PLAT_MUSL, "x86_64", "x86_64" },
	{ "aarch64-unknown-linux-musl", PLAT_MUSL, "aarch64", "aarch64" },
	{ "windows", PLAT_WINDOWS, "win-amd64", "AMD64" },
	{ "x86_64-pc-windows-msvc", PLAT_WINDOWS, "win-amd64", "AMD64" },
	{ "i686-pc-windows-msvc", PLAT_WINDOWS, "win32", "x86" },
	{ "aarch64-pc-windows-msvc", PLAT_WINDOWS, "win-arm64", "ARM64" },
	{ "macos", PLAT_MACOS, "arm64", "arm64" },
	{ "aarch64-apple-darwin", PLAT_MACOS, "arm64", "arm64" },
	{ "x86_64-apple-darwin", PLAT_MACOS, "x86_64", "x86_64" },
};

const char *const lock_target_platforms[] = {
	"linux", "windows", "macos", "x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu",
	"x86_64-manylinux_2_N", "aarch64-manylinux_2_N", "x86_64-unknown-linux-musl",
	"aarch64-unknown-linux-musl", "x86_64-pc-windows-msvc", "i686-pc-windows-msvc",
	"aarch64-pc-windows-msvc", "aarch64-apple-darwin", "x86_64-apple-darwin", NULL,
};

#define DEFAULT_GLIBC_MINOR 28 /* uv's default for its Linux targets */
#define MACOS_MAJOR 13         /* the oldest macOS still supported */

/* "x86_64-manylinux_2_31": that architecture and glibc minor. */
static const struct plat *manylinux(const char *name, int *minor, struct plat *buf)
{
	static const char *const archs[] = { "x86_64", "aarch64" };
	for (size_t i = 0; i < ARRAY_SIZE(archs); i++) {
		size_t n = strlen(archs[i]);
		if (strncmp(name, archs[i], n) || strncmp(name + n, "-manylinux_2_", 13))
			continue;
		const char *num = name + n + 13;
		char *end = NULL;
		long m = isdigit((unsigned char)*num) ? strtol(num, &end, 10) : -1;
		if (m < 17 || m > 40 || *end)
			return NULL;
		*minor = (int)m;
		*buf = (struct plat){ name, PLAT_GLIBC, archs[i], archs[i] };
		return buf;
	}
	return NULL;
}

/* packaging's mac_platforms for macOS MACOS_MAJOR.0 on arch: every major
 * down to 11 with each binary format, then 10.16 down to 10.4 (x86_64: every
 * format; arm64: universal2 only). */
static void mac_platforms(const char *arch, struct strvec *out)
{
	bool x86 = !strcmp(arch, "x86_64");
	static const char *const x86_formats[] = { "x86_64", "intel", "fat64", "fat32",
						    "universal2", "universal" };
	static const char *const arm_formats[] = { "arm64", "universal2" };
	const char *const *formats = x86 ? x86_formats : arm_formats;
	size_t nformats = x86 ? ARRAY_SIZE(x86_formats) : ARRAY_SIZE(arm_formats);
	for (int major = MACOS_MAJOR; major >= 11; major--)
		for (size_t f = 0; f < nformats; f++)
			strvec_pushf(out, "macosx_%d_0_%s", major, formats[f]);
	for (int minor = 16; minor >= 4; minor--) {
		if (!x86) {
			strvec_pushf(out, "macosx_10_%d_universal2", minor);
			continue;
		}
		for (size_t f = 0; f < nformats; f++)
			strvec_pushf(out, "macosx_10_%d_%s", minor, formats[f]);
	}
}

/* "3.8" or "3.8.10": major, minor and micro (0 when not given). */
static int parse_pyver(const char *s, int v[3], bool *has_micro)
{
	int n = 0;
	const char *p = s;
	while (n < 3) {
		if (!isdigit((unsigned char)*p))
			return -1;
		char *end = NULL;
		long x = strtol(p, &end, 10);
		if (x > 999)
			return -1;
		v[n++] = (int)x;
		p = end;
		if (*p != '.')
			break;
		p++;
	}
	if (*p || n < 2 || v[0] < 2)
		return -1;
	*has_micro = n == 3;
	if (n == 2)
		v[2] = 0;
	return 0;
}

static void set_val(struct lock_target *t, enum pep508_var var, char *value)
{
	free(t->vals[var]);
	t->vals[var] = value;
	t->env.v[var] = value;
}

/* The platform named, and the version parsed; -1 reported as a usage error. */
static int lookup(const char *pyver, const char *platform, int v[3], bool *has_micro,
		  const struct plat **pl, struct plat *mbuf, int *glibc_minor)
{
	*pl = NULL;
	*glibc_minor = DEFAULT_GLIBC_MINOR;
	if (pyver && parse_pyver(pyver, v, has_micro) < 0)
		return usage_error("--python-version '%s': use X.Y or X.Y.Z (e.g. 3.8)", pyver);
	for (size_t i = 0; platform && !*pl && i < ARRAY_SIZE(plats); i++)
		if (!strcmp(platform, plats[i].name))
			*pl = &plats[i];
	if (platform && !*pl)
		*pl = manylinux(platform, glibc_minor, mbuf);
	if (platform && !*pl) {
		struct buf names = BUF_INIT;
		for (size_t i = 0; lock_target_platforms[i]; i++)
			buf_addf(&names, "%s%s", i ? ", " : "", lock_target_platforms[i]);
		usage_error("--python-platform '%s' is not known; use one of: %s", platform, names.ptr);
		buf_free(&names);
		return -1;
	}
	return 0;
}

int lock_target_check(const char *pyver, const char *platform)
{
	int v[3], minor;
	bool micro;
	const struct plat *pl;
	struct plat mbuf;
	return lookup(pyver, platform, v, &micro, &pl, &mbuf, &minor);
}

int lock_target_make(const struct interp *ip, const char *pyver, const char *platform,
		     struct lock_target *t)
{
	memset(t, 0, sizeof(*t));
	strvec_init(&t->tags);
	struct tag_facts f;
	struct strvec mac = STRVEC_INIT;
	struct plat mbuf;
	const struct plat *pl = NULL;
	int glibc_minor;
	int v[3] = { ip->major, ip->minor, ip->micro };
	bool has_micro = false;
	if (lookup(pyver, platform, v, &has_micro, &pl, &mbuf, &glibc_minor) < 0)
		return -1;
	pep508_env_from_interp(&t->env, ip);
	tag_facts_from_interp(ip, &f);
	struct buf marker = BUF_INIT;
	t->python_version = xstrfmt("%d.%d.%d", v[0], v[1], v[2]);
	if (pyver) {
		f.major = v[0];
		f.minor = v[1];
		f.nodot = NULL;
		f.debug = f.gil_disabled = false;
		f.ext_suffix = NULL;
		set_val(t, PEP508_PYTHON_VERSION, xstrfmt("%d.%d", v[0], v[1]));
		set_val(t, PEP508_PYTHON_FULL_VERSION, xstrdup(t->python_version));
		if (!ip->implementation || !strcmp(ip->implementation, "cpython"))
			set_val(t, PEP508_IMPLEMENTATION_VERSION, xstrdup(t->python_version));
		if (has_micro)
			buf_addf(&marker, "python_full_version == '%s'", t->python_version);
		else
			buf_addf(&marker, "python_version == '%d.%d'", v[0], v[1]);
	}
	if (pl) {
		bool win = pl->kind == PLAT_WINDOWS, mac_os = pl->kind == PLAT_MACOS;
		set_val(t, PEP508_OS_NAME, xstrdup(win ? "nt" : "posix"));
		set_val(t, PEP508_SYS_PLATFORM, xstrdup(win ? "win32" : mac_os ? "darwin" : "linux"));
		set_val(t, PEP508_PLATFORM_SYSTEM,
			xstrdup(win ? "Windows" : mac_os ? "Darwin" : "Linux"));
		set_val(t, PEP508_PLATFORM_MACHINE, xstrdup(pl->machine));
		set_val(t, PEP508_PLATFORM_RELEASE, xstrdup(""));
		set_val(t, PEP508_PLATFORM_VERSION, xstrdup(""));
		f.glibc_major = f.glibc_minor = f.musl_major = f.musl_minor = 0;
		f.is32 = false;
		char *sysplat = NULL;
		if (pl->kind == PLAT_GLIBC) {
			f.glibc_major = 2;
			f.glibc_minor = glibc_minor;
		} else if (pl->kind == PLAT_MUSL) {
			f.musl_major = 1;
			f.musl_minor = 2;
		}
		if (win)
			sysplat = xstrdup(pl->arch);
		else if (mac_os)
			mac_platforms(pl->arch, &mac);
		else
			sysplat = xstrfmt("linux-%s", pl->arch);
		f.platform = sysplat;
		f.platforms = mac_os ? &mac : NULL;
		tags_supported(&f, &t->tags);
		free(sysplat);
		buf_addf(&marker, "%ssys_platform == '%s' and platform_machine == '%s'",
			 marker.len ? " and " : "", t->env.v[PEP508_SYS_PLATFORM], pl->machine);
	} else {
		tags_supported(&f, &t->tags);
	}
	t->marker = marker.len ? buf_detach(&marker) : NULL;
	buf_free(&marker);
	strvec_clear(&mac);
	return 0;
}

void lock_target_free(struct lock_target *t)
{
	for (int i = 0; i < PEP508_NVARS; i++)
		free(t->vals[i]);
	free(t->python_version);
	free(t->marker);
	strvec_clear(&t->tags);
	memset(t, 0, sizeof(*t));
}
