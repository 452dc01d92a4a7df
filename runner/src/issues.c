/* kc_issues: a growing list of one-line problems. */
#include "kc/issues.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISSUES_FIRST_CAP 16

void kc_issues_init(struct kc_issues *is)
{
    memset(is, 0, sizeof(*is));
}

void kc_issues_dispose(struct kc_issues *is)
{
    for (size_t i = 0; i < is->n; i++)
        free(is->lines[i]);
    free(is->lines);
    memset(is, 0, sizeof(*is));
}

int kc_issues_add(struct kc_issues *is, const char *fmt, ...)
{
    char line[KC_ISSUES_LINE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    for (char *p = line; *p; p++) {
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    }
    if (is->n == is->cap) {
        size_t ncap = is->cap ? is->cap * 2 : ISSUES_FIRST_CAP;
        char **nl = realloc(is->lines, ncap * sizeof(*nl));
        if (!nl)
            return -1;
        is->lines = nl;
        is->cap = ncap;
    }
    is->lines[is->n] = strdup(line);
    if (!is->lines[is->n])
        return -1;
    is->n++;
    return 0;
}
