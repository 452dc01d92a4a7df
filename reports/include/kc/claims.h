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
 * Nothing here allocates but a tally (kc_claims_tally_add), which keeps
 * what comparing needs of the testcases, so that a streaming writer can
 * compare claims without holding them.
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
/* What kc_claims_compare needs of a report's testcases, counted one at a
 * time: the counts per level and format, and per probe action (extension
 * left out) in first-seen order. Zero-initialise, add every testcase in the
 * report's order, dispose. */
struct kc_claims_action;
struct kc_claims_tally {
    struct kc_levels lv;
    struct kc_claims_action *actions; /* owned */
    size_t nactions, cap;
    size_t *index;    /* owned: open-addressing table of 1 + action slots */
    size_t index_cap; /* slots of index, a power of two (0: none yet) */
    bool failed;      /* out of memory: an action was not counted */
};
/* Counts tc; -1 (and failed set) when out of memory. */
int kc_claims_tally_add(struct kc_claims_tally *t,
                        const struct kc_testcase *tc);
void kc_claims_tally_dispose(struct kc_claims_tally *t);
/* kc_claims_compare with the testcases counted into t and the claims read
 * from hdr's properties (hdr's testcases are not looked at): the same rows
 * as kc_claims_compare on the report t counted. */
void kc_claims_compare_tally(const struct kc_report *hdr,
                             const struct kc_claims_tally *t, kc_claim_fn fn,
                             void *ctx);
/* True when name is an element of the comma-separated list (NULL: none),
 * as kmsconf.claims.levels holds them. */
bool kc_claims_listed(const char *list, const char *name);
/* "claimed, passing", "claimed but failing", ... (static storage). */
const char *kc_claims_state_name(enum kc_claim_state s);

#endif
