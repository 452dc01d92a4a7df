/*
 * kc_claims: a target's claims (the manifest's kmsconf.claims.levels and
 * kmsconf.claims.actions) compared with a report's results
 * (docs/reports.md, "Claims").
 *
 * A claimed level or action is "claimed, passing" only when every
 * testcase of it passed in every format the run sent; with a skip it is
 * "claimed but partial", with a failure "claimed but failing", without a
 * testcase "claimed but not run". A level or action that passed without
 * being claimed is "passing but not claimed". An action's testcases are
 * those whose probe sends it, at any level but extension.
 *
 * Nothing here allocates.
 */
#ifndef KC_CLAIMS_H
#define KC_CLAIMS_H

#include <stdbool.h>

#include "kc/levels.h"
#include "kc/report.h"

enum kc_claim_state {
    KC_CLAIM_PASSING,
    KC_CLAIM_PARTIAL,
    KC_CLAIM_FAILING,
    KC_CLAIM_NOT_RUN,
    KC_CLAIM_UNCLAIMED_PASSING
};

struct kc_claim_row {
    bool is_action;   /* else a level */
    const char *name; /* the level or action; valid during the call */
    enum kc_claim_state state;
    struct kc_level_count count; /* every format together */
};

typedef void (*kc_claim_fn)(void *ctx, const struct kc_claim_row *row);

/* True when the report states a manifest (kmsconf.vendor, kmsconf.product
 * or a claim): only then are claims compared. */
bool kc_claims_present(const struct kc_report *r);
/* Calls fn for every claimed level (in level order), every claimed action
 * (in claim order), then every passing level and action not claimed. */
void kc_claims_compare(const struct kc_report *r, kc_claim_fn fn, void *ctx);
/* True when name is an element of the comma-separated list (NULL: none),
 * as kmsconf.claims.levels holds them. */
bool kc_claims_listed(const char *list, const char *name);
/* "claimed, passing", "claimed but failing", ... (static storage). */
const char *kc_claims_state_name(enum kc_claim_state s);

#endif
