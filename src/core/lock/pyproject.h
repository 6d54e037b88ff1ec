/* pyproject.toml as a source of requirements: [project] dependencies,
 * requires-python, [project.optional-dependencies] (extras) and
 * [dependency-groups] (PEP 735, include-group expanded, cycles refused).
 * Extra and group names are compared normalized (PEP 685 / PEP 503).
 *
 * Ownership: a pyproject owns its strings; pyproject_free() releases them. */
#ifndef CVENV_PYPROJECT_H
#define CVENV_PYPROJECT_H

#include "util/common.h"
#include "util/strvec.h"

struct pyproject_group {
	char *name;                   /* as written */
	struct strvec reqs;           /* PEP 508 strings, in order */
	struct strvec includes;       /* include-group names, in order */
	struct strvec order;          /* "r" or "i" per entry: the written order */
};

struct pyproject {
	char *name, *version, *requires_python; /* NULL when absent */
	struct strvec dependencies;
	struct pyproject_group *extras;  /* [project.optional-dependencies] */
	size_t nextras;
	struct pyproject_group *groups;  /* [dependency-groups] */
	size_t ngroups;
};

/* Parses text[0..len); file names it in errors. A [project] table is not
 * required ([dependency-groups] alone is valid, PEP 735). 0 or -1 reported. */
int pyproject_parse(const char *text, size_t len, const char *file, struct pyproject *p);
int pyproject_read_file(const char *path, struct pyproject *p);
void pyproject_free(struct pyproject *p);

struct pyproject_select {
	bool no_project;            /* leave out [project] dependencies */
	const struct strvec *extras; /* extra names asked for, or NULL */
	bool all_extras;
	const struct strvec *groups; /* dependency group names, or NULL */
	bool all_groups;
};

/* The requirements selected, each checked to be a valid PEP 508 string, in
 * order without repeats: the dependencies, then each extra's, then each
 * group's with its includes expanded depth first. An unknown extra or group,
 * or an include cycle, is an error naming it. */
int pyproject_requirements(const struct pyproject *p, const char *file,
			   const struct pyproject_select *sel, struct strvec *out);

#endif
