/*
 * kc_retry: what the engine does with a throttled answer. An answer is
 * throttled when its status is not 2xx and its Code is one of the
 * documented throttling codes (kc_retry_is_throttle_code). kc_client
 * retries it, re-signed with a fresh SignatureNonce and Timestamp, after a
 * delay: the server's hint (x-acs-retry-after in ms, or Retry-After in
 * seconds or as an HTTP-date), bounded by KC_RETRY_AFTER_MAX_MS; without
 * one, exponential backoff with full jitter (a uniform draw from 0 to
 * min(cap, base * 2^(n-1)) before retry n). docs/running.md#throttling.
 */
#ifndef KC_RETRY_H
#define KC_RETRY_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define KC_RETRY_DEFAULT      4u     /* --retries when not given */
#define KC_RETRY_MAX          20u    /* --retries at most */
#define KC_RETRY_BASE_MS      200L   /* first backoff ceiling */
#define KC_RETRY_CAP_MS       5000L  /* backoff ceiling */
#define KC_RETRY_AFTER_MAX_MS 30000L /* a server's hint is cut to this */
#define KC_RETRY_CODE_MAX     64     /* an answer's Code, cut */

struct kc_pace;

/* How a call retries; borrowed by the calls that use it. */
struct kc_retry_policy {
    unsigned retries;            /* retries of a throttled answer; 0: none */
    long base_ms;                /* 0: KC_RETRY_BASE_MS */
    long cap_ms;                 /* 0: KC_RETRY_CAP_MS */
    volatile sig_atomic_t *stop; /* a delay ends when it is set; NULL */
    struct kc_pace *pace;        /* shared rate and concurrency; NULL */
    atomic_ulong *retried;       /* each retry adds 1 to it; NULL */
};

/* Whether code is a documented throttling code: Throttling, Throttling.*
 * (Throttling.User, the gateway's) and Rejected.Throttling (KMS, 429). */
bool kc_retry_is_throttle_code(const char *code);

/* The Code of an error body (a JSON object's "Code" member, or the text of
 * an XML <Code> element) into out (cut to outlen); "" when none. */
void kc_retry_answer_code(const char *body, size_t len, char *out,
                          size_t outlen);

/* The server's hint in the raw header block (x-acs-retry-after: ms, else
 * Retry-After: seconds or an HTTP-date, against now), in ms bounded by
 * KC_RETRY_AFTER_MAX_MS; -1 when there is none that reads. */
long kc_retry_after_ms(const char *headers, time_t now);

/* The delay before retry n (1-based): hint_ms when >= 0, else the full
 * jitter draw from *rng (a xorshift state, never 0; updated). */
long kc_retry_delay_ms(const struct kc_retry_policy *p, unsigned n,
                       long hint_ms, uint64_t *rng);

/* Sleeps ms in slices of at most 50 ms; false as soon as *stop is set
 * (stop may be NULL: the whole delay). */
bool kc_retry_sleep(long ms, volatile sig_atomic_t *stop);

#endif
