/* Reading and writing the install journal (see journal.h). */
#include "util/common.h"

#include "core/env/pyvenvcfg.h"
#include "core/pkg/journal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/relpath.h"

#define JOURNAL_MAGIC "cvenv-journal 1"

static const char *const verbs[] = { "add", "replace", "del" };

void journal_free(struct journal *j)
{
	free(j->stage);
	strvec_clear(&j->dirs);
	for (size_t i = 0; i < j->n; i++)
		free(j->steps[i].rel);
	free(j->steps);
	j->stage = NULL;
	j->steps = NULL;
	j->n = 0;
}

/* Why one line (len bytes at p, no newline) is refused, or NULL when it is
 * taken into j. lineno is 1-based: line 1 is the magic, line 2 the stage. */
static const char *parse_line(const char *p, size_t len, size_t lineno, struct journal *j)
{
	const char *why = NULL;
	if (lineno == 1)
		return len == strlen(JOURNAL_MAGIC) && !memcmp(p, JOURNAL_MAGIC, len)
			       ? NULL
			       : "not a cvenv journal (no 'cvenv-journal 1' line)";
	const char *sp = memchr(p, ' ', len);
	if (!sp)
		return "no path after the verb";
	size_t vn = (size_t)(sp - p);
	const char *path = sp + 1;
	size_t pn = len - vn - 1;
	if (!path_rel_is_safe(path, pn, &why))
		return why;
	if (lineno == 2) {
		if (vn != 5 || memcmp(p, "stage", 5))
			return "the second line must name the stage";
		if (memchr(path, '/', pn) || pn < 6 || memcmp(path, "stage-", 6))
			return "the stage is not a 'stage-' directory of its own";
		j->stage = xstrndup(path, pn);
		return NULL;
	}
	if (vn == 3 && !memcmp(p, "dir", 3)) {
		if (j->n)
			return "'dir' after a step (the writer puts directories first)";
		strvec_push_take(&j->dirs, xstrndup(path, pn));
		return NULL;
	}
	for (size_t k = 0; k < ARRAY_SIZE(verbs); k++) {
		if (vn == strlen(verbs[k]) && !memcmp(p, verbs[k], vn)) {
			/* doubled at each power of two: a journal of a million steps costs
			 * a few copies, not one per step */
			if (!(j->n & (j->n - 1)))
				j->steps = xrealloc(j->steps,
							  (j->n ? 2 * j->n : 1) * sizeof(*j->steps));
			j->steps[j->n].kind = (enum step_kind)k;
			j->steps[j->n++].rel = xstrndup(path, pn);
			return NULL;
		}
	}
	return "unknown verb";
}

int journal_parse(const char *text, size_t len, const char *name, struct journal *j)
{
	struct journal empty = JOURNAL_INIT;
	const char *why = NULL;
	size_t lineno = 0, pos = 0;
	*j = empty;
	while (!why && pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		lineno++;
		if (lineno > JOURNAL_MAX_LINES)
			why = "too many lines";
		else if (n > JOURNAL_MAX_LINE)
			why = "line too long";
		else if (!nl)
			why = "the last line is cut short (no newline)";
		else
			why = parse_line(text + pos, n, lineno, j);
		pos += n + 1;
	}
	if (!why && lineno < 2) {
		lineno++;
		why = lineno == 1 ? "not a cvenv journal (empty)" : "no stage line";
	}
	if (!why)
		return 0;
	journal_free(j);
	return error("refusing journal '%s' line %zu: %s", name, lineno, why);
}

/* Whether journal_parse takes path back unchanged as a line's path. */
static int check_path(const char *path)
{
	const char *why = NULL;
	if (strchr(path, '\n'))
		why = "path contains a newline";
	else if (strlen(path) + sizeof("replace ") > JOURNAL_MAX_LINE)
		why = "path too long";
	else
		path_rel_is_safe(path, strlen(path), &why);
	int r = 0;
	if (why) {
		struct buf q = BUF_INIT;
		py_repr_str(&q, path); /* the path may hold control characters */
		r = error("cannot record %s in the journal: %s", q.ptr, why);
		buf_free(&q);
	}
	return r;
}

int journal_format(const char *stage, const struct strvec *dirs, const struct step *steps,
		   size_t n, struct buf *out)
{
	struct buf j = BUF_INIT;
	int r = 0;
	if (dirs->n + n + 2 > JOURNAL_MAX_LINES) {
		r = error("cannot record %zu changes in the journal: more than %d", dirs->n + n,
			  JOURNAL_MAX_LINES - 2);
		goto out;
	}
	if ((r = check_path(stage)) < 0)
		goto out;
	buf_addf(&j, "%s\nstage %s\n", JOURNAL_MAGIC, stage);
	/* appended, not printed: a printf per step was a quarter of a
	 * commit's instructions (issue 18) */
	for (size_t i = 0; i < dirs->n && !r; i++) {
		r = check_path(dirs->v[i]);
		buf_add(&j, "dir ", 4);
		buf_addstr(&j, dirs->v[i]);
		buf_addch(&j, '\n');
	}
	for (size_t i = 0; i < n && !r; i++) {
		r = check_path(steps[i].rel);
		buf_addstr(&j, verbs[steps[i].kind]);
		buf_addch(&j, ' ');
		buf_addstr(&j, steps[i].rel);
		buf_addch(&j, '\n');
	}
	if (!r)
		buf_add(out, j.ptr, j.len);
out:
	buf_free(&j);
	return r;
}
