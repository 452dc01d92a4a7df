/* kc_arena: strings in large blocks (see arena.h). */
#include "kc/arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of a block (larger requests get a block of their own). */
#define ARENA_BLOCK (64 * 1024)

struct kc_arena_block {
    struct kc_arena_block *next;
    alignas(max_align_t) unsigned char data[];
};

void *kc_arena_alloc(struct kc_arena *a, size_t n)
{
    size_t align = alignof(max_align_t);
    size_t at = (a->used + align - 1) / align * align;

    if (!a->head || at + n > a->cap) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        struct kc_arena_block *b = malloc(sizeof(*b) + cap);
        if (!b)
            return NULL;
        b->next = a->head;
        a->head = b;
        a->cap = cap;
        at = 0;
    }
    a->used = at + n;
    return memset(a->head->data + at, 0, n);
}

char *kc_arena_strdup(struct kc_arena *a, const char *s, int *oom)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    /* strings need no alignment: take the bytes right after the last */
    if (a->head && a->used + n <= a->cap) {
        char *d = (char *)a->head->data + a->used;
        a->used += n;
        return memcpy(d, s, n);
    }
    char *d = kc_arena_alloc(a, n);
    if (!d) {
        *oom = 1;
        return NULL;
    }
    return memcpy(d, s, n);
}

void kc_arena_free(struct kc_arena *a)
{
    while (a->head) {
        struct kc_arena_block *b = a->head;
        a->head = b->next;
        free(b);
    }
    a->used = a->cap = 0;
}
