/*
 * kc_select: which cases a run (or list) takes.
 *
 *   --only GLOB     fnmatch(3) on the case id ('*' also matches '/', so
 *                   "keys/" followed by a star takes every case below
 *                   keys/); repeatable
 *                   (any may match)
 *   --tag T         the case has one of the given tags; repeatable
 *   --skip-tag T    the case has none of these tags; repeatable
 *   --read-only     only cases tagged "read-only"
 *   --shard I/N     1 <= I <= N: the cases whose id hashes (FNV-1a 64) to
 *                   I-1 modulo N. Stable: adding a case never moves another.
 *
 * All given conditions must hold. Ownership: the selection owns copies of
 * the patterns; kc_select_dispose() frees them.
 */
#ifndef KC_SELECT_H
#define KC_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "kc/case.h"

struct kc_select {
    char **only;
    size_t nonly;
    char **tags;
    size_t ntags;
    char **skip_tags;
    size_t nskip_tags;
    bool read_only;
    unsigned shard_index; /* 1-based; 0 when no shard */
    unsigned shard_count; /* 0 when no shard */
};

void kc_select_init(struct kc_select *s);
void kc_select_dispose(struct kc_select *s);

/* Each 0, or -1 with err (empty value, out of memory). */
int kc_select_add_only(struct kc_select *s, const char *glob, char *err,
                       size_t errlen);
int kc_select_add_tag(struct kc_select *s, const char *tag, char *err,
                      size_t errlen);
int kc_select_add_skip_tag(struct kc_select *s, const char *tag, char *err,
                           size_t errlen);
/* "I/N" with 1 <= I <= N <= 10000. 0, or -1 with err. */
int kc_select_set_shard(struct kc_select *s, const char *spec, char *err,
                        size_t errlen);

/* True when the case is selected. */
bool kc_select_match(const struct kc_select *s, const struct kc_case *c);
/* The shard (0-based, < n) of a case id; n > 0. */
unsigned kc_select_shard_of(const char *id, unsigned n);

/*
 * Fills out (caller frees the array, not the cases) with pointers to the
 * selected cases of set, in set order. Returns 0 or -1 (out of memory);
 * *nout receives the count (0 with *out NULL when none).
 */
int kc_select_apply(const struct kc_select *s, const struct kc_caseset *set,
                    const struct kc_case ***out, size_t *nout);

#endif
