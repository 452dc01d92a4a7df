/*
 * kc_merge: combines shard reports into one report (docs/reports.md).
 */
#ifndef KC_MERGE_H
#define KC_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "kc/report.h"

/* How kc_merge ended; on anything but KC_MERGE_OK, err says why. */
enum kc_merge_status {
    KC_MERGE_OK = 0,
    KC_MERGE_OUT_OF_MEMORY,
    KC_MERGE_NO_INPUT,        /* n == 0 */
    KC_MERGE_CATALOGS_DIFFER, /* different kmsconf.catalog_sha256, no force:
                                 err names the two files */
    KC_MERGE_CONFLICT,        /* a testcase with different results: err
                                 names it and the two files */
};

/* Merges n reports (names[i] labels in[i] in errors). Identical duplicate
 * testcases are kept once; a testcase with different outcomes (or failed
 * checks) in two inputs is a conflict. Reports with different
 * kmsconf.catalog_sha256 are refused unless force. Properties: kmsconf.shard
 * is dropped, kmsconf.started is the earliest, kmsconf.interrupted is "true"
 * when any input says so, other differing values are joined with ",".
 * On KC_MERGE_OK *out is a new sorted report (caller frees with
 * kc_report_free); otherwise *out is NULL. */
enum kc_merge_status kc_merge(struct kc_report *const *in,
                              const char *const *names, size_t n, bool force,
                              struct kc_report **out, char *err, size_t errlen);

/* The merged report without testcases: kc_merge's catalog check, name,
 * time, earliest timestamp and properties of in (whose testcases are not
 * looked at). Same statuses and *out as kc_merge. */
enum kc_merge_status kc_merge_header(struct kc_report *const *in,
                                     const char *const *names, size_t n,
                                     bool force, struct kc_report **out,
                                     char *err, size_t errlen);

/* What kc_merge_stream wrote. */
struct kc_merge_counts {
    size_t tests, failures, errors, skipped;
};

/* How kc_merge_stream ended, beyond enum kc_merge_status. */
enum {
    /* the inputs cannot be streamed (one is not a regular file, one
     * holds its testcases out of order or one twice, there are too many,
     * or no spool file can be made next to out): nothing was written, and
     * kc_merge on the reports read whole gives the answer */
    KC_MERGE_FALLBACK = 100,
    KC_MERGE_READ_ERROR, /* an input is unreadable: err as the reader's */
    KC_MERGE_WRITE_ERROR /* out cannot be written: err as kc_junit_write's */
};

/* kc_merge and kc_junit_write of its result to out in one pass over the
 * files, none of them held: each is streamed (kc_results_each_any, one
 * thread per file) and, as every kmsconf report holds its testcases
 * sorted, merged as it is read. The outcome is byte for byte today's two
 * steps: the same report at out, or the same error (the first unreadable
 * file in the order given, then differing catalogs, then the first
 * conflict) with out left as it was. On KC_MERGE_OK *counts says what was
 * written. Returns an enum kc_merge_status or one of the codes above. */
int kc_merge_stream(const char *const *paths, size_t n, bool force,
                    const char *out, bool strict,
                    struct kc_merge_counts *counts, char *err, size_t errlen);

#endif
