/*
 * kc_sb: a small growable string with a ceiling, private to the reports
 * library (which does not link the engine's kc_buf).
 */
#ifndef KC_SBUF_H
#define KC_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct kc_sb {
    char *s; /* NUL-terminated, owned; NULL until the first append */
    size_t len;
    size_t cap;
    size_t max;  /* ceiling in bytes; appends beyond it fail */
    bool failed; /* an append failed (out of memory or over the ceiling) */
};

void kc_sb_init(struct kc_sb *b, size_t max);
/* Each returns 0 or -1 (and sets failed). */
int kc_sb_add(struct kc_sb *b, const char *s, size_t n);
int kc_sb_puts(struct kc_sb *b, const char *s);
int kc_sb_putc(struct kc_sb *b, char c);
int kc_sb_printf(struct kc_sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The text so far ("" when empty); owned by b. */
const char *kc_sb_str(const struct kc_sb *b);
/* Hands the text to the caller (free() it); NULL when an append failed. */
char *kc_sb_take(struct kc_sb *b);
void kc_sb_dispose(struct kc_sb *b);

#endif
