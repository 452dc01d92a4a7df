/*
 * kc_plan: what a run will do, worked out from the case files and the
 * target alone, before anything is sent (`kmsconf run --plan`): the cases
 * and testcases, the requests (preflight, setup, probes, teardown), the
 * keys and aliases each credential creates, and the cases skipped with
 * their reasons. Counts are those of a conformant target: a probe that
 * provokes an error creates nothing.
 */
#ifndef KC_PLAN_H
#define KC_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kc/case.h"
#include "kc/target.h"

struct kc_plan_cred {
    const char *name; /* borrowed from the target */
    size_t keys;      /* CreateKey setup steps */
    size_t aliases;   /* CreateAlias setup steps */
};

struct kc_plan_skip {
    char *reason; /* "missing-credential: in-debt" */
    size_t cases;
};

struct kc_plan {
    size_t cases, testcases;
    size_t requests;    /* every request the run sends */
    size_t preflight;   /* of which the preflight's */
    size_t waits_ms;    /* the wait_ms of the steps, added up */
    size_t wait_untils; /* wait_until steps (their length is the
                           target's to say) */
    /* The case whose chain (requests one after another, waits) is the
     * longest at KC_PLAN_RTT_MS a request: a run cannot end sooner. */
    const char *longest_id; /* borrowed from the case; NULL: no case */
    size_t longest_requests;
    long longest_waits_ms;      /* a wait_until as KC_PLAN_WAIT_UNTIL_MS */
    size_t longest_wait_untils; /* of which wait_until steps */
    struct kc_plan_cred *creds; /* credentials that create something */
    size_t ncreds;
    struct kc_plan_skip *skips; /* by reason, in first-seen order */
    size_t nskips, skipped;
};

/*
 * Works out the plan of running cases[0..n) against t in the asked
 * formats, with or without the preflight. 0, or -1 when out of memory.
 * The caller releases *p with kc_plan_dispose.
 */
int kc_plan_make(struct kc_plan *p, const struct kc_target *t,
                 const struct kc_case *const *cases, size_t n, bool json,
                 bool xml, bool preflight);
void kc_plan_dispose(struct kc_plan *p);

/* What one case's chain of steps costs at least, in ms: its requests one
 * after another at rtt_ms each, and its waits (a wait_until counted as
 * KC_PLAN_WAIT_UNTIL_MS, the lifetime the short-token capability
 * declares). Formats is 1 or 2 (a probe per format). */
#define KC_PLAN_WAIT_UNTIL_MS 1000
/* The round trip a far endpoint takes, for ordering and the longest chain:
 * on loopback every order is fast. */
#define KC_PLAN_RTT_MS 50
long kc_plan_chain_ms(const struct kc_case *c, size_t formats, long rtt_ms);

/* Fills order[0..n) with the indices of cases[0..n), longest chain first
 * (ties keep the given order), so that no long case starts last. 0, or -1
 * when out of memory. */
int kc_plan_order(const struct kc_case *const *cases, size_t n, size_t formats,
                  long rtt_ms, size_t *order);

/* The plan in full, a few lines. */
void kc_plan_print(const struct kc_plan *p, FILE *out);
/* The plan in one line ("plan: 178 cases, 356 testcases, 512 requests,
 * ..."). */
void kc_plan_print_line(const struct kc_plan *p, FILE *out);

#endif
