#include "sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kc_sb_init(struct kc_sb *b, size_t max)
{
    memset(b, 0, sizeof(*b));
    b->max = max;
}

static int grow(struct kc_sb *b, size_t need)
{
    if (b->failed || need > b->max) {
        b->failed = true;
        return -1;
    }
    if (need + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need + 1)
        cap *= 2;
    char *p = realloc(b->s, cap);
    if (!p) {
        b->failed = true;
        return -1;
    }
    b->s = p;
    b->cap = cap;
    return 0;
}

int kc_sb_add(struct kc_sb *b, const char *s, size_t n)
{
    if (grow(b, b->len + n))
        return -1;
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

int kc_sb_puts(struct kc_sb *b, const char *s)
{
    return kc_sb_add(b, s, strlen(s));
}

int kc_sb_putc(struct kc_sb *b, char c)
{
    return kc_sb_add(b, &c, 1);
}

int kc_sb_printf(struct kc_sb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || grow(b, b->len + (size_t)n))
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

const char *kc_sb_str(const struct kc_sb *b)
{
    return b->s ? b->s : "";
}

char *kc_sb_take(struct kc_sb *b)
{
    if (b->failed) {
        kc_sb_dispose(b);
        return NULL;
    }
    char *s = b->s ? b->s : strdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void kc_sb_dispose(struct kc_sb *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}
