/* How far apart two words are, for "did you mean ...?" (as git's help.c
 * suggests a command for a mistyped one). Pure. */
#ifndef CVENV_EDITDIST_H
#define CVENV_EDITDIST_H

#include "util/common.h"

/* The optimal string alignment distance between a and b: insertions,
 * deletions, substitutions and swaps of two neighbours each cost 1, so
 * "crate", "craete" and "creat" are each 1 from "create". Words longer than
 * 64 bytes are far from everything (returns SIZE_MAX). */
size_t edit_distance(const char *a, const char *b);

/* The candidate (NULL-terminated list) nearest to word, when it is near
 * enough to be a typo of it: at most 2 edits, and fewer than half of the
 * candidate's length; ties go to the first. NULL when none is. */
const char *nearest_word(const char *word, const char *const *candidates);

#endif
