/*
 * rs_auth: authentication checks of kms-refserver: signature V1
 * (HMAC-SHA1) and V3 (ACS3-HMAC-SHA256) verification, the timestamp
 * window, and the memory of used signature nonces.
 */
#ifndef RS_AUTH_H
#define RS_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "kc/sign.h"

/* Timestamps may differ from the server clock by this much either way. */
#define RS_AUTH_SKEW_S (15 * 60)

/* 0 when ts has the form yyyy-MM-ddTHH:mm:ssZ and lies within
 * RS_AUTH_SKEW_S of now; -1 otherwise (also for NULL). */
int rs_auth_timestamp(const char *ts, time_t now);

/* Whether sig is the V1 signature of params (Signature among them is
 * ignored) for method and secret. */
bool rs_auth_v1_ok(const char *secret, const char *method,
                   const struct kc_param *params, size_t n, const char *sig);

/* A parsed "ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=.."
 * header. Owns its strings; release with rs_auth_v3_dispose. */
struct rs_v3_auth {
    char *credential;
    char *signed_headers; /* "h1;h2" as sent */
    char *signature;
};

/* true when authz starts with the V3 algorithm name. */
bool rs_auth_is_v3(const char *authz);
/* 0, or -1 when the header is malformed (out is then empty). */
int rs_auth_v3_parse(const char *authz, struct rs_v3_auth *out);
void rs_auth_v3_dispose(struct rs_v3_auth *a);

/*
 * Verifies a V3 signature. query: the decoded query parameters; headers:
 * every request header (any case); the ones named in a->signed_headers
 * are signed with their values. Both canonical forms of an empty query
 * value ("k=" and bare "k") are accepted. payload_sha256: hex SHA-256 of
 * the body. false also when a signed header is absent, or when one of the
 * common headers (x-acs-action, -version, -date, -signature-nonce,
 * -content-sha256) is sent but not signed.
 */
bool rs_auth_v3_ok(const char *secret, const char *method,
                   const struct kc_param *query, size_t nquery,
                   const struct kc_param *headers, size_t nheaders,
                   const struct rs_v3_auth *a, const char *payload_sha256);

/*
 * Used nonces, remembered per owner (the AccessKeyId). Each is kept for
 * window_s seconds (at least the full span of accepted timestamps) and
 * never forgotten early: an owner holds at most cap of them, and a new
 * one beyond that is refused (RS_NONCE_FULL) until old ones expire, so
 * that a flood from one owner neither evicts another owner's nonces nor
 * its own. Thread-safe.
 */
struct rs_nonces;
enum rs_nonce_result {
    RS_NONCE_NO_MEMORY = -1,
    RS_NONCE_NEW = 0,    /* recorded now */
    RS_NONCE_REUSED = 1, /* still remembered: a replay */
    RS_NONCE_FULL = 2,   /* the owner already holds cap live nonces */
};
/* NULL when out of memory (or cap is 0); rs_nonces_free releases it
 * (NULL-safe). */
struct rs_nonces *rs_nonces_new(size_t cap, long window_s);
void rs_nonces_free(struct rs_nonces *n);
/* Records owner's value at time now. */
enum rs_nonce_result rs_nonces_use(struct rs_nonces *n, const char *owner,
                                   const char *value, time_t now);

#endif
