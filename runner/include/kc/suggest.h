/*
 * kc_suggest: "did you mean ...?" for a misspelt command, option or key.
 *
 * The nearest candidate by edit distance (Damerau-Levenshtein: insertion,
 * deletion, substitution and the swap of two neighbours each count 1),
 * when it is close enough to be a typo: at most 2 edits and fewer edits
 * than half the word's length (so "x" suggests nothing).
 *
 * Example:
 *   const char *names[] = {"run", "lint", "list"};
 *   kc_suggest("rnu", names, 3);   -> "run"
 *   kc_suggest("zzzz", names, 3);  -> NULL
 */
#ifndef KC_SUGGEST_H
#define KC_SUGGEST_H

#include <stddef.h>

#define KC_SUGGEST_WORD_MAX 64 /* longer words are never compared */

/* The edit distance of a and b (either at most KC_SUGGEST_WORD_MAX bytes,
 * else SIZE_MAX). */
size_t kc_suggest_distance(const char *a, const char *b);

/* The candidate nearest to word (one of names, not copied), or NULL when
 * none is a plausible typo. The first of equally near candidates wins. */
const char *kc_suggest(const char *word, const char *const *names, size_t n);

#endif
