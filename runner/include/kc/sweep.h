/*
 * kc_sweep: finds and removes what interrupted runs left on a target.
 *
 * A run labels what it creates (docs/architecture.md, "Resources"): keys get
 * the Description "kmsconf-<8 hex>" (the run label), aliases are named
 * "alias/kmsconf-<8 hex>-<something>". The sweep lists, for every credential
 * of the target (or one), the account's aliases and keys (ListAliases,
 * ListKeys, then DescribeKey per key) and
 *   - deletes every alias whose name starts with "alias/<prefix>",
 *   - schedules for deletion, with the shortest window (7 days), every key
 *     whose Description starts with "<prefix>" and that is not already
 *     PendingDeletion.
 * <prefix> is "kmsconf-" or, with opts.label, that one run's label.
 * With opts.dry_run it only prints what it would do.
 *
 * With opts.ledger it removes exactly what that ledger (kc/ledger.h) holds
 * and does not record removed, nothing else: each alias (DeleteAlias) and
 * key (DescribeKey, then ScheduleKeyDeletion unless PendingDeletion) with
 * the credential of that name, whatever its Description; one the target
 * does not know any more counts as removed. A "sending" key line without
 * its answer stands for the keys of that run label in that account, swept
 * as --label does. What is removed (or found gone) is appended to the
 * ledger ("removed", "resolved"), so that a second sweep has nothing to
 * do; what cannot be removed is one line on opts->err each (an entry of
 * another endpoint, an unknown credential, a refused removal).
 *
 * Output: one line per resource on opts->out ("would delete alias ...",
 * "deleted alias ...", "scheduled key ... for deletion"), problems on
 * opts->err, among them an answer whose RequestId an earlier answer of the
 * sweep had (UUIDs compared without case; reported, not fatal). Nothing printed
 * comes from a secret; strings that come from the server are cut to a bounded
 * length and control characters replaced.
 */
#ifndef KC_SWEEP_H
#define KC_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kc/exit.h"
#include "kc/http.h"
#include "kc/target.h"

#define KC_SWEEP_PREFIX      "kmsconf-"
#define KC_SWEEP_WINDOW_DAYS "7"
#define KC_SWEEP_PAGE_SIZE   100
#define KC_SWEEP_MAX_PAGES   1000 /* bounds listing against a hostile server */

struct kc_sweep_opts {
    bool dry_run;
    const char *label;      /* NULL: every "kmsconf-" resource */
    const char *credential; /* NULL: every credential of the target */
    const char *ledger;     /* NULL: sweep by label; else that ledger */
    struct kc_http_opts http;
    FILE *out; /* what was (or would be) done */
    FILE *err; /* problems */
};

struct kc_sweep_stats {
    size_t aliases;      /* deleted, or that would be deleted */
    size_t keys;         /* scheduled, or that would be scheduled */
    size_t failures;     /* removals that the target refused */
    size_t list_errors;  /* credentials whose account could not be listed */
    size_t repeated_ids; /* answers whose RequestId an earlier one had */
    bool unreachable;    /* a transport error happened */
};

/*
 * Sweeps target t. Fills *st (zeroed first). Returns KC_EXIT_OK when
 * everything found was handled, KC_EXIT_NONCONFORMANT when a removal failed
 * or the default credential could not list its account, KC_EXIT_USAGE on a
 * usage problem (unknown opts->credential, bad label, out of memory),
 * KC_EXIT_UNREACHABLE when the target was unreachable. Thread-unsafe
 * (kc_http_global_init must have been called).
 */
enum kc_exit kc_sweep_run(const struct kc_target *t,
                          const struct kc_sweep_opts *opts,
                          struct kc_sweep_stats *st);

/* Whether a run label looks like one: "kmsconf-" then 1..64 of
 * [a-z0-9-]. */
bool kc_sweep_label_valid(const char *label);

#endif
