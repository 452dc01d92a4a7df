/*
 * kc_matrix: a conformance matrix over several reports: one row per
 * documented error code (optionally followed by one row per case), one
 * column per target, one cell state per format (docs/reports.md).
 */
#ifndef KC_MATRIX_H
#define KC_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kc/report.h"

struct kc_matrix_input {
    struct kc_report *const *reports;
    /* fallback column label of each report (e.g. its file name), used when
     * the report has no kmsconf.target property */
    const char *const *labels;
    size_t nreports;
    /* the documented codes, in catalog order; codes found only in the
     * reports follow, sorted */
    const char *const *codes;
    size_t ncodes;
    bool cases; /* one row per case under each code */
};

/* Markdown table on f. 0 or -1 (out of memory). */
int kc_matrix_markdown(FILE *f, const struct kc_matrix_input *in);

/* One self-contained HTML page (inline CSS and JS) on f: a text filter, an
 * "only failures" toggle and a "cases" toggle that expands every code into
 * its cases (checked when in->cases), all also read from location.hash, e.g.
 * "#filter=Alias&failures=1&cases=1"; each failing cell opens its diagnosis
 * when clicked ("#open=<Code>" opens those of one code). 0 or -1. */
int kc_matrix_html(FILE *f, const struct kc_matrix_input *in);

#endif
