/*
 * kc_arena: strings copied into large blocks, freed all at once. For the
 * streaming report tools, which keep a few short strings of many testcases
 * (a malloc of its own for each would cost more than the string).
 */
#ifndef KC_ARENA_H
#define KC_ARENA_H

#include <stddef.h>

struct kc_arena_block;

struct kc_arena {
    struct kc_arena_block *head; /* the block being filled, then older */
    size_t used, cap;            /* bytes of head */
};

/* An empty arena: struct kc_arena a = {0}; */

/* A copy of s (NULL gives NULL) owned by a, or NULL with *oom set when out
 * of memory. Valid until kc_arena_free. */
char *kc_arena_strdup(struct kc_arena *a, const char *s, int *oom);
/* n zeroed bytes (aligned for any object) owned by a; NULL when out of
 * memory. */
void *kc_arena_alloc(struct kc_arena *a, size_t n);
/* Frees every block; a is empty again. */
void kc_arena_free(struct kc_arena *a);

#endif
