/*
 * kc_issues: the problems found while loading case files (lint messages).
 *
 * Every problem is one line, in the form "<file>: <JSON path>: <what>",
 * e.g.
 *   cases/keys/x.json: $.probe.params.KeyId: expected a string
 * `kmsconf lint` prints them; `kmsconf run` prints them and exits 2.
 *
 * Ownership: a struct kc_issues owns its lines; kc_issues_dispose() frees
 * them.
 */
#ifndef KC_ISSUES_H
#define KC_ISSUES_H

#include <stddef.h>

/* Longest line kept; a longer one is cut. */
#define KC_ISSUES_LINE_MAX 1024

struct kc_issues {
    char **lines; /* each one line, no trailing newline; owned */
    size_t n;
    size_t cap;
};

void kc_issues_init(struct kc_issues *is);
void kc_issues_dispose(struct kc_issues *is); /* frees lines, zeroes */
/* Appends one formatted line (line breaks become spaces). 0 or -1 (out of
 * memory). */
int kc_issues_add(struct kc_issues *is, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
