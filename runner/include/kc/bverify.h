/*
 * kc_bverify: `kmsconf verify DIR` (docs/bundles.md). Checks a bundle's
 * files against its SHA256SUMS (and signature), then re-derives every
 * verdict from the recorded answers with the checks of this build and the
 * bundled catalog and envelopes, and compares them with the bundled report.
 */
#ifndef KC_BVERIFY_H
#define KC_BVERIFY_H

#include <stddef.h>

#include "kc/bundle.h"

struct kc_bverify_stats {
    size_t files_problems; /* tampered, missing or unlisted files */
    size_t answers;        /* answers re-checked */
    size_t testcases;      /* report testcases compared */
    size_t differences;    /* verdicts that differ */
};

/* Verifies the bundle at dir (key: a PEM Ed25519 public key file, or NULL:
 * the signature is not checked). Every problem is told to fn, one line.
 * Returns 0 when the bundle is intact and every verdict the same, 1 when
 * not, -1 with err when the bundle cannot be read (no SHA256SUMS, no
 * report, catalog or envelopes that load, an unreadable key). */
int kc_bverify_run(const char *dir, const char *key, kc_bundle_problem_fn fn,
                   void *ctx, struct kc_bverify_stats *st, char *err,
                   size_t errlen);

#endif
