/*
 * kc_preflight: one cheap signed request per credential before a run, so
 * that a wrong endpoint, a wrong secret, an unknown AccessKeyId or a clock
 * that is off ends the run at once with one line that names the fix,
 * instead of one red line per testcase.
 *
 * The request is ListKeys with PageSize=1 (read-only, creates nothing),
 * Format=JSON, signed as the run signs. `kmsconf run` preflights every
 * credential its selected cases use; `kmsconf doctor` every credential of
 * the profile, and prints what it learnt.
 */
#ifndef KC_PREFLIGHT_H
#define KC_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kc/case.h"
#include "kc/err.h"
#include "kc/exit.h"
#include "kc/http.h"
#include "kc/retry.h"
#include "kc/target.h"

/* A Date header this far from the local clock is reported (the KMS
 * Timestamp window is 15 minutes; half of it is a warning already). */
#define KC_PREFLIGHT_CLOCK_WARN_S 300

enum kc_pf_verdict {
    KC_PF_OK = 0,      /* a KMS success answer: the credential works */
    KC_PF_REFUSED,     /* a KMS error about the account (e.g. Forbidden.*) */
    KC_PF_UNREACHABLE, /* refused, timed out, host not found, TLS */
    KC_PF_NOT_KMS,     /* an answer, but not the KMS RPC envelope */
    KC_PF_BAD_SECRET,  /* the signature was rejected */
    KC_PF_UNKNOWN_ID,  /* the AccessKeyId is unknown to the target */
    KC_PF_CLOCK,       /* the Timestamp was refused, or Date is far off */
    KC_PF_BAD_ANSWER,  /* an answer over the caps or not HTTP */
};

struct kc_pf_result {
    const char *credential; /* the credential's name (borrowed) */
    enum kc_pf_verdict verdict;
    long status;           /* HTTP status, 0 without an answer */
    char code[64];         /* the answer's Code, "" on success */
    char request_id[64];   /* the answer's RequestId, "" when none */
    double rtt_ms;         /* round trip of the exchange */
    bool have_offset;      /* a Date header came */
    long clock_offset_s;   /* its time minus the local time */
    char line[KC_ERR_MAX]; /* one-line diagnosis naming the fix */
};

/*
 * Sends the preflight request for cred to t over http, retrying throttled
 * answers as rp says (NULL: once), and judges the answer into *out (always
 * filled). Returns out->verdict.
 */
enum kc_pf_verdict kc_preflight_credential(struct kc_http *http,
                                           const struct kc_target *t,
                                           const struct kc_credential *cred,
                                           const struct kc_retry_policy *rp,
                                           struct kc_pf_result *out);

/*
 * Whether verdict v of credential name stops a run. A credential named
 * "wrong-secret" exists to have its signature rejected, and the account
 * conditions answer their documented errors: neither stops a run. The
 * default credential must work.
 */
bool kc_preflight_fatal(const char *name, enum kc_pf_verdict v);

/* The exit code for a fatal verdict: 3 for unreachable, 2 otherwise. */
enum kc_exit kc_preflight_exit(enum kc_pf_verdict v);

/*
 * The preflight of a run: every credential the cases use (and "default"),
 * each once, over one client made with http_opts. A fatal verdict is
 * printed to err as one line "kmsconf run: preflight: <diagnosis>" and
 * decides the exit code; with verbose, every credential's line is printed
 * to out. Credentials the target does not have are left to the run (its
 * cases are skipped). Throttled answers are retried as rp says (NULL:
 * never). Returns KC_EXIT_OK when the run may go on.
 */
enum kc_exit kc_preflight_run(const struct kc_target *t,
                              const struct kc_http_opts *http_opts,
                              const struct kc_retry_policy *rp,
                              const struct kc_case *const *cases, size_t n,
                              FILE *out, FILE *err, bool verbose);

/*
 * Whether s reads as an error code or an envelope member name
 * ("Forbidden.KeyNotFound", "HttpStatus"): an upper-case letter, then
 * letters, digits and dots. Text from a server reaches the console only in
 * this shape, so that an answer echoing the request cannot print its
 * signature there (a V1 signature has '=', a V3 one is lower-case hex).
 */
bool kc_preflight_name_shaped(const char *s);

/* Stable short name: "ok", "refused", "unreachable", "not-kms", ... */
const char *kc_preflight_verdict_name(enum kc_pf_verdict v);

#endif
