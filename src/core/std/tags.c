/* Supported compatibility tags, in pip's priority order (see tags.h). The
 * order follows packaging.tags: the interpreter's own ABI on every platform,
 * then abi3, then none, then older abi3 versions; then the generic pyXY tags
 * on every platform, the interpreter with any platform, and pyXY-none-any.
 * Platforms for glibc Linux are manylinux_2_N from the interpreter's glibc down
 * to the architecture's oldest, each legacy alias (manylinux2014/2010/1) right
 * after its 2_N twin; for musl Linux musllinux_M_N for the interpreter's musl
 * M.x, N from x down to 0 (PEP 656); then linux_<arch>. A 32-bit ARM
 * interpreter on a 64-bit kernel (armv8l) takes armv7l wheels too: each of
 * these groups lists armv8l, then armv7l. */
#include "util/common.h"

#include <ctype.h>

#include "core/std/tags.h"
#include "core/pkg/wheel.h"
#include "util/buf.h"
#include "util/strvec.h"

/* packaging's _normalize_string: lower case, '-' and '.' become '_'. */
static char *normalize(const char *s)
{
	char *r = xstrdup(s);
	for (char *p = r; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (*p == '-' || *p == '.' || *p == ' ')
			*p = '_';
	}
	return r;
}

/* The glibc version pairs that have a legacy manylinux name. */
static const char *legacy_alias(int major, int minor)
{
	if (major != 2)
		return NULL;
	switch (minor) {
	case 17: return "manylinux2014";
	case 12: return "manylinux2010";
	case 5: return "manylinux1";
	default: return NULL;
	}
}

static void platforms(const struct tag_facts *f, struct strvec *out)
{
	if (f->platforms) {
		for (size_t i = 0; i < f->platforms->n; i++)
			strvec_push(out, f->platforms->v[i]);
		return;
	}
	char *plat = normalize(f->platform ? f->platform : "any");
	if (strncmp(plat, "linux_", 6)) {
		strvec_push_take(out, plat);
		return;
	}
	if (f->is32 && !strcmp(plat, "linux_x86_64")) {
		free(plat);
		plat = xstrdup("linux_i686");
	} else if (f->is32 && !strcmp(plat, "linux_aarch64")) {
		free(plat);
		plat = xstrdup("linux_armv8l");
	}
	const char *arch = plat + 6;
	const char *archs[2] = { arch, NULL };
	if (!strcmp(arch, "armv8l"))
		archs[1] = "armv7l";
	bool old_x86 = !strcmp(arch, "x86_64") || !strcmp(arch, "i686");
	for (int a = 0; a < 2 && archs[a] && f->glibc_major == 2; a++) {
		int lowest = old_x86 ? 5 : 17;
		for (int m = f->glibc_minor; m >= lowest; m--) {
			strvec_pushf(out, "manylinux_2_%d_%s", m, archs[a]);
			const char *legacy = legacy_alias(2, m);
			if (legacy)
				strvec_pushf(out, "%s_%s", legacy, archs[a]);
		}
	}
	for (int a = 0; a < 2 && archs[a] && f->musl_major > 0; a++)
		for (int m = f->musl_minor; m >= 0; m--)
			strvec_pushf(out, "musllinux_%d_%d_%s", f->musl_major, m, archs[a]);
	for (int a = 0; a < 2 && archs[a]; a++)
		strvec_pushf(out, "linux_%s", archs[a]);
	free(plat);
}

static void cross(struct strvec *out, const char *py, const char *abi, const struct strvec *plats)
{
	for (size_t i = 0; i < plats->n; i++)
		strvec_pushf(out, "%s-%s-%s", py, abi, plats->v[i]);
}

static void cpython_tags(const struct tag_facts *f, const struct strvec *plats,
			 struct strvec *out)
{
	char *interp = xstrfmt("cp%d%d", f->major, f->minor);
	const char *t = f->major == 3 && f->minor >= 13 && f->gil_disabled ? "t" : "";
	struct strvec abis = STRVEC_INIT;
	bool old = f->major < 3 || (f->major == 3 && f->minor < 8);
	strvec_pushf(&abis, "cp%d%d%s%s%s", f->major, f->minor, t, f->debug ? "d" : "",
		     old && f->pymalloc ? "m" : "");
	if (!old && f->debug)
		strvec_pushf(&abis, "cp%d%d%s", f->major, f->minor, t);
	for (size_t i = 0; i < abis.n; i++)
		cross(out, interp, abis.v[i], plats);
	bool abi3 = f->major == 3 && f->minor >= 2 && !*t;
	if (abi3)
		cross(out, interp, "abi3", plats);
	cross(out, interp, "none", plats);
	for (int m = f->minor - 1; abi3 && m > 1; m--) {
		char *older = xstrfmt("cp%d%d", f->major, m);
		cross(out, older, "abi3", plats);
		free(older);
	}
	strvec_clear(&abis);
	free(interp);
}

/* packaging's _generic_abi: the ABI part of EXT_SUFFIX. */
static char *generic_abi(const char *ext_suffix)
{
	if (!ext_suffix || ext_suffix[0] != '.')
		return NULL;
	const char *s = ext_suffix + 1;
	const char *dot = strchr(s, '.');
	if (!dot || dot == s)
		return NULL;
	char *soabi = xstrndup(s, (size_t)(dot - s));
	char *abi = NULL;
	int dashes = 0;
	if (starts_with(soabi, "cpython")) {
		char *d = strchr(soabi, '-');
		if (d) {
			char *e = strchr(d + 1, '-');
			abi = xstrfmt("cp%.*s", (int)(e ? e - d - 1 : (long)strlen(d + 1)), d + 1);
		}
	} else if (starts_with(soabi, "cp")) {
		dashes = 1;
	} else if (starts_with(soabi, "pypy")) {
		dashes = 2;
	} else if (starts_with(soabi, "graalpy")) {
		dashes = 3;
	} else {
		abi = xstrdup(soabi);
	}
	if (dashes) {
		char *p = soabi;
		for (int i = 0; i < dashes && p; i++) {
			p = strchr(p, '-');
			if (p && i + 1 < dashes)
				p++;
		}
		abi = p ? xstrndup(soabi, (size_t)(p - soabi)) : xstrdup(soabi);
	}
	free(soabi);
	if (!abi)
		return NULL;
	char *n = normalize(abi);
	free(abi);
	return n;
}

static const char *short_name(const char *impl)
{
	static const char *const map[][2] = {
		{ "python", "py" }, { "cpython", "cp" }, { "pypy", "pp" },
		{ "ironpython", "ip" }, { "jython", "jy" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(impl, map[i][0]))
			return map[i][1];
	return impl;
}

void tags_supported(const struct tag_facts *f, struct strvec *out)
{
	struct strvec plats = STRVEC_INIT;
	platforms(f, &plats);
	const char *sn = short_name(f->impl ? f->impl : "cpython");
	char *interp;
	if (!strcmp(sn, "cp")) {
		cpython_tags(f, &plats, out);
		interp = xstrfmt("cp%s", f->nodot ? f->nodot : "");
		if (!f->nodot) {
			free(interp);
			interp = xstrfmt("cp%d%d", f->major, f->minor);
		}
	} else {
		char *gi = f->nodot ? xstrfmt("%s%s", sn, f->nodot)
				    : xstrfmt("%s%d%d", sn, f->major, f->minor);
		char *abi = generic_abi(f->ext_suffix);
		if (abi && strcmp(abi, "none"))
			cross(out, gi, abi, &plats);
		cross(out, gi, "none", &plats);
		free(abi);
		free(gi);
		interp = !strcmp(sn, "pp") ? xstrfmt("pp%d", f->major) : NULL;
	}
	/* compatible_tags: pyXY/pyX/older with each platform, then any */
	struct strvec pys = STRVEC_INIT;
	strvec_pushf(&pys, "py%d%d", f->major, f->minor);
	strvec_pushf(&pys, "py%d", f->major);
	for (int m = f->minor - 1; m >= 0; m--)
		strvec_pushf(&pys, "py%d%d", f->major, m);
	for (size_t i = 0; i < pys.n; i++)
		cross(out, pys.v[i], "none", &plats);
	if (interp)
		strvec_pushf(out, "%s-none-any", interp);
	for (size_t i = 0; i < pys.n; i++)
		strvec_pushf(out, "%s-none-any", pys.v[i]);
	free(interp);
	strvec_clear(&pys);
	strvec_clear(&plats);
}

/* Whether tag is "py-abi-plat" (the three parts joined by '-'): compared
 * in place, not built (a rank per wheel and per candidate of a warm
 * install, issue 18). */
static bool is_triple(const char *tag, const char *py, const char *abi, const char *plat)
{
	const char *parts[3] = { py, abi, plat };
	for (int i = 0; i < 3; i++) {
		/* a byte at a time: the parts are a few bytes, and most tags
		 * differ in the first */
		const char *q = parts[i];
		while (*q && *tag == *q)
			tag++, q++;
		if (*q || *tag != (i < 2 ? '-' : '\0'))
			return false;
		tag++;
	}
	return true;
}

long tags_wheel_rank(const struct strvec *supported, const struct wheel_name *wn)
{
	long best = -1;
	for (size_t a = 0; a < wn->pythons.n; a++)
		for (size_t b = 0; b < wn->abis.n; b++)
			for (size_t c = 0; c < wn->platforms.n; c++)
				for (size_t i = 0; i < supported->n && (best < 0 || (long)i < best); i++)
					if (is_triple(supported->v[i], wn->pythons.v[a], wn->abis.v[b],
						      wn->platforms.v[c])) {
						best = (long)i;
						break;
					}
	return best;
}
