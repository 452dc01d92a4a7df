/*
 * kc_merge: combines shard reports into one report (docs/reports.md).
 */
#ifndef KC_MERGE_H
#define KC_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "kc/report.h"

/* Merges n reports (names[i] labels in[i] in errors). Identical duplicate
 * testcases are kept once; a testcase with different outcomes (or failed
 * checks) in two inputs is a conflict. Reports with different
 * kmsconf.catalog_sha256 are refused unless force. Properties: kmsconf.shard
 * is dropped, kmsconf.started is the earliest, kmsconf.interrupted is "true"
 * when any input says so, other differing values are joined with ",".
 * Returns 0 (*out: new sorted report, caller frees), -1 out of memory, -2
 * conflict or catalog mismatch (err says which files and testcase). */
int kc_merge(struct kc_report *const *in, const char *const *names, size_t n,
             bool force, struct kc_report **out, char *err, size_t errlen);

#endif
