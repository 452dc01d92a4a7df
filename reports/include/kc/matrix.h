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

/*
 * The same from reports that are read one testcase at a time and not kept
 * (kmsconf matrix): an accumulator folds each testcase into what the matrix
 * prints (cell states, scores, level counts, headers; with
 * KC_MATRIX_CASES the case rows, with KC_MATRIX_DIAG the failing
 * testcases' diagnoses for the page). The order of the testcases does not
 * matter. Markdown and HTML are those of kc_matrix_markdown and
 * kc_matrix_html on the same reports, byte for byte.
 */
struct kc_matrix;

enum kc_matrix_flags {
    KC_MATRIX_CASES = 1 << 0, /* keep case rows: --cases, and the page */
    KC_MATRIX_DIAG = 1 << 1,  /* keep the diagnoses: the page */
};

/* An accumulator for nreports reports (columns) and the documented codes
 * (borrowed: they must outlive it); NULL when out of memory. Free with
 * kc_matrix_free (NULL allowed). */
struct kc_matrix *kc_matrix_new(const char *const *codes, size_t ncodes,
                                size_t nreports, unsigned flags);
void kc_matrix_free(struct kc_matrix *m);

/* Streams the report at path (JUnit XML or results JSON,
 * kc_results_each_any) into column c, labelled label when it names no
 * target. 0, or -1 with err (the reader's, or "out of memory"). */
int kc_matrix_read(struct kc_matrix *m, size_t c, const char *path,
                   const char *label, char *err, size_t errlen);
/* The same from a report in memory (copied from). 0 or -1. */
int kc_matrix_add_report(struct kc_matrix *m, size_t c,
                         const struct kc_report *r, const char *label);

/* The table (cases: case rows, which need KC_MATRIX_CASES) or the page
 * (which needs KC_MATRIX_CASES and KC_MATRIX_DIAG; cases: the "cases"
 * toggle starts checked) on f, once every column is read. 0 or -1. */
int kc_matrix_write_markdown(FILE *f, struct kc_matrix *m, bool cases);
int kc_matrix_write_html(FILE *f, struct kc_matrix *m, bool cases);

#endif
