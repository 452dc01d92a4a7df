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

#endif
