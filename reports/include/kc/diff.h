/*
 * kc_diff: compares two reports testcase by testcase (key: classname and
 * name) and sorts every difference into one category (docs/reports.md).
 */
#ifndef KC_DIFF_H
#define KC_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kc/levels.h"
#include "kc/report.h"

enum kc_diff_cat {
    KC_DIFF_REGRESSION = 0, /* pass -> fail or error */
    KC_DIFF_FIX,            /* fail or error -> pass */
    KC_DIFF_CHANGED,        /* fail/error -> fail/error, other checks */
    KC_DIFF_NEW_FAILING,    /* only in NEW, fails or errors */
    KC_DIFF_NEW_PASSING,    /* only in NEW, passes */
    KC_DIFF_ADDED,          /* only in NEW, skipped */
    KC_DIFF_REMOVED,        /* only in BASE */
    KC_DIFF_SKIPPED,        /* ran in BASE, skipped in NEW */
    KC_DIFF_UNSKIPPED,      /* skipped in BASE, ran in NEW */
    KC_DIFF_SKIP_REASON,    /* skipped in both, other type or reason */
    KC_DIFF_NCATS
};

struct kc_diff_entry {
    enum kc_diff_cat cat;
    const struct kc_testcase *base; /* NULL for the "only in NEW" ones */
    const struct kc_testcase *cur;  /* NULL for removed */
    char *checks; /* checks failing in NEW but not in BASE, ", "-joined;
                     NULL when none */
};

struct kc_diff {
    struct kc_diff_entry *entries; /* by category, then classname, name */
    size_t nentries;
    size_t counts[KC_DIFF_NCATS];
    size_t unchanged;
    size_t cap_entries;       /* private */
    struct kc_report *own[2]; /* private: copies of the base and new
                                 testcases of the entries (streamed) */
};

/* Compares; the entries point into base and cur, which must outlive the
 * result. 0 or -1 (out of memory). Free with kc_diff_free. */
int kc_diff_compute(const struct kc_report *base, const struct kc_report *cur,
                    struct kc_diff **out);
void kc_diff_free(struct kc_diff *d);

/* Whether base and cur can be gated on (docs/reports.md, "Partial
 * reports"): neither holds a testcase twice (same classname and name), and
 * cur is a whole run: not marked interrupted (property kmsconf.interrupted
 * "true"), no testcase skipped because of an interrupt, and no fewer
 * testcases than base. base_name and cur_name label the reports in the
 * reason. 0 when fit, -1 with a one-line reason in err otherwise. */
int kc_diff_check_inputs(const struct kc_report *base,
                         const struct kc_report *cur, const char *base_name,
                         const char *cur_name, char *err, size_t errlen);

/* One report of a kc_diff_pair: what the gate and the level lines need. */
struct kc_diff_side {
    /* streamed: the header (name, timestamp, time, properties, no
     * testcase); read whole: the report, which the entries point into */
    struct kc_report *report;
    struct kc_levels levels; /* kc_levels_count of the report */
    size_t ncases;
    size_t ninterrupted; /* testcases skipped as "interrupted" */
};

/* Two reports read from files and compared. */
struct kc_diff_pair {
    struct kc_diff *d;
    struct kc_diff_side base, cur;
    bool streamed; /* false: both were read whole */
};

/*
 * Reads the reports at base_path and cur_path (JUnit XML or results JSON,
 * as kc_results_read_any; flags: enum kc_junit_read_flags) and compares
 * them (kc_diff_compute). Two regular files are streamed side by side, a
 * merge join of their sorted testcases, keeping only the ones that differ
 * (a results file is read whole by its reader all the same); memory does
 * not grow with the reports. Another file (a pipe, a device), a testcase
 * out of order or held twice, or a read error make it read both whole
 * instead, with the same result and errors: base_path's error before
 * cur_path's. 0 with *out (kc_diff_pair_free), -1 with err ("<path>:
 * <problem>", or "out of memory").
 */
int kc_diff_pair_read(const char *base_path, const char *cur_path,
                      unsigned flags, struct kc_diff_pair **out, char *err,
                      size_t errlen);
void kc_diff_pair_free(struct kc_diff_pair *p);

/* kc_diff_check_inputs on the pair, same result and reason. */
int kc_diff_pair_check(const struct kc_diff_pair *p, const char *base_name,
                       const char *cur_name, char *err, size_t errlen);

/* Parses a comma-separated list of category names ("regression", "fix",
 * "changed", "new-failing", "new-passing", "added", "removed", "skipped",
 * "unskipped", "skip-reason") into a bit mask (bit = 1u << cat). Also
 * accepts the plural forms, "new" (new-failing,
 * new-passing, added), "skip" (skipped, unskipped, skip-reason), "all" and
 * "none". 0, or -1 with the unknown name in err. */
int kc_diff_parse_cats(const char *list, unsigned *mask, char *err,
                       size_t errlen);

/* True when an entry's category is in mask. */
bool kc_diff_fails(const struct kc_diff *d, unsigned mask);

/* Renderings. base_name/cur_name label the two reports. */
void kc_diff_print_text(FILE *f, const struct kc_diff *d, const char *base_name,
                        const char *cur_name);
void kc_diff_print_markdown(FILE *f, const struct kc_diff *d,
                            const char *base_name, const char *cur_name);
int kc_diff_print_json(FILE *f, const struct kc_diff *d, const char *base_name,
                       const char *cur_name, unsigned fail_mask);

#endif
