/*
 * kc_client: one KMS call as the engine makes it. Builds the request of a
 * step (kc_request: common parameters, shaping, signature), signs it with a
 * credential of the target, sends it over a kc_http client and hands back
 * the request as sent and the answer. The scheduler (kc_run) and the sweep
 * (kc_sweep) both call through here.
 *
 * kc_client_send also retries a throttled answer (kc/retry.h): each retry
 * is built and signed afresh (a new SignatureNonce and Timestamp), and the
 * attempts it replaced are kept as text for the transcript.
 *
 * Ownership: a kc_client_exchange owns the request and the answer;
 * kc_client_exchange_dispose() frees both (also after a failed call).
 */
#ifndef KC_CLIENT_H
#define KC_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "kc/case.h"
#include "kc/http.h"
#include "kc/request.h"
#include "kc/retry.h"
#include "kc/sign.h"
#include "kc/target.h"

/* One step to send, its values already expanded; everything borrowed. */
struct kc_client_step {
    const char *method; /* NULL: the target's (POST when it names none) */
    const char *action;
    bool xml; /* Format=XML, else JSON */
    const struct kc_param *params;
    size_t nparams;
    const char *access_key_id; /* NULL: the credential's */
    unsigned omit;             /* OR of enum kc_common */
    const struct kc_param *overrides;
    size_t noverrides;
    enum kc_sigmode signature;
    const char *raw_query; /* non-NULL: sent as is (kc/request.h) */
};

enum kc_client_status {
    KC_CLIENT_ANSWERED = 0, /* an HTTP answer arrived, of any status */
    KC_CLIENT_NOT_BUILT,    /* no request: err says why; nothing was sent */
    KC_CLIENT_NO_ANSWER     /* sent without an answer: see resp.result and
                               resp.error */
};

/* Ceiling of kc_client_exchange.earlier. */
#define KC_CLIENT_EARLIER_MAX (128u * 1024u)

/* What was sent and what came back. */
struct kc_client_exchange {
    struct kc_request req;    /* zeroed when not built */
    struct kc_http_resp resp; /* zeroed when not sent */
    unsigned retries;         /* throttled answers retried before this one */
    bool retry_cut;           /* an interrupt ended a backoff: req/resp is
                                 a throttled answer that was due a retry */
    /* The retried attempts as transcript text (kc_request_transcript, the
     * answer, a "~ " line each), NOT redacted; empty without retries. */
    struct kc_buf earlier;
};

/*
 * Sends step to target t with credential cred over http (the caller's
 * thread owns http). *x is always initialised; dispose it. err (one line)
 * is written for KC_CLIENT_NOT_BUILT only.
 */
enum kc_client_status kc_client_call(struct kc_http *http,
                                     const struct kc_target *t,
                                     const struct kc_credential *cred,
                                     const struct kc_client_step *step,
                                     struct kc_client_exchange *x, char *err,
                                     size_t errlen);
void kc_client_exchange_dispose(struct kc_client_exchange *x);

/*
 * kc_client_call with the retries of policy rp (NULL: one attempt, as
 * kc_client_call): a throttled answer (kc_retry_is_throttle_code) is sent
 * again up to rp->retries times, after kc_retry_delay_ms; every attempt
 * waits for rp->pace first (when set). *x holds the last attempt, its
 * retries count and the earlier attempts' text.
 */
enum kc_client_status kc_client_send(struct kc_http *http,
                                     const struct kc_target *t,
                                     const struct kc_credential *cred,
                                     const struct kc_client_step *step,
                                     const struct kc_retry_policy *rp,
                                     struct kc_client_exchange *x, char *err,
                                     size_t errlen);

/* Whether an answer is throttled: not 2xx, with a throttling Code (all of
 * which contain "Throttling"). The Code goes to code (cut to codelen) when
 * the answer may be throttled; otherwise code is left empty. */
bool kc_client_throttled(const struct kc_http_resp *resp, char *code,
                         size_t codelen);

/* Appends an answer as transcript text: "< HTTP <status>", "< <header>"
 * per header line, "<", "< <body>" (NOT redacted). */
void kc_client_answer_transcript(const struct kc_http_resp *resp,
                                 struct kc_buf *out);

#endif
