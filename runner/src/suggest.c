/* kc_suggest: nearest name by edit distance, for "did you mean". */
#include "kc/suggest.h"

#include <stdint.h>
#include <string.h>

#define ROW (KC_SUGGEST_WORD_MAX + 1)

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

size_t kc_suggest_distance(const char *a, const char *b)
{
    static _Thread_local size_t d[ROW][ROW];
    size_t la = strlen(a), lb = strlen(b);

    if (la > KC_SUGGEST_WORD_MAX || lb > KC_SUGGEST_WORD_MAX)
        return SIZE_MAX;
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            d[i][j] =
                min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1;
        }
    }
    return d[la][lb];
}

const char *kc_suggest(const char *word, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX, len = strlen(word);

    for (size_t i = 0; i < n; i++) {
        size_t dist = kc_suggest_distance(word, names[i]);
        if (dist < best_d) {
            best_d = dist;
            best = names[i];
        }
    }
    if (!best || best_d == 0 || best_d > 2 || best_d * 2 >= len)
        return NULL;
    return best;
}
