/*
 * kc_sign: Alibaba Cloud RPC request signatures, used by the runner to sign
 * and by kms-refserver to verify.
 *
 * V1 (SignatureMethod=HMAC-SHA1, SignatureVersion=1.0):
 *   StringToSign = METHOD "&" pct("/") "&" pct(CanonicalQueryString)
 *   Signature    = Base64(HMAC-SHA1(secret "&", StringToSign))
 * V3 (ACS3-HMAC-SHA256):
 *   CanonicalRequest = METHOD \n / \n CanonicalQuery \n CanonicalHeaders \n
 *                      SignedHeaders \n HexSHA256(body)
 *   Signature = Hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" +
 *                               HexSHA256(CanonicalRequest)))
 * Sources: docs/protocol.md (with the public sources named there).
 */
#ifndef KC_SIGN_H
#define KC_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "kc/codec.h"

/* A decoded name/value pair (query parameter, form field or header). */
struct kc_param {
    const char *name;
    const char *value;
};

/* V1 canonical query string of params (any order; "Signature" is skipped):
 * sorted by byte order of the unencoded names, name=value pairs joined by
 * '&', names and values percent-encoded. */
int kc_sign_v1_canonical(struct kc_buf *out, const struct kc_param *params,
                         size_t n);
int kc_sign_v1_string_to_sign(struct kc_buf *out, const char *method,
                              const struct kc_param *params, size_t n);
/* The V1 signature (28 base64 characters + NUL). 0 or -1. */
int kc_sign_v1(const char *secret, const char *method,
               const struct kc_param *params, size_t n, char out[29]);

struct kc_v3_input {
    const char *method;
    const char *path; /* "/" for RPC */
    const struct kc_param *query;
    size_t nquery;
    /* Exactly the headers to sign, names in any case. Repeated names have
     * their values sorted and joined with ','. */
    const struct kc_param *headers;
    size_t nheaders;
    const char *payload_sha256; /* hex SHA-256 of the body */
    /* Empty query values canonicalise as "k=" (false, the documented form)
     * or a bare "k" (true, what some SDK utilities produce). */
    bool bare_empty_values;
};

int kc_sign_v3_canonical_request(struct kc_buf *out,
                                 const struct kc_v3_input *in);
/* signed_headers receives "h1;h2;..." (sorted, lower-case); sig_hex the
 * 64-digit signature. 0 or -1. */
int kc_sign_v3(const char *secret, const struct kc_v3_input *in,
               struct kc_buf *signed_headers, char sig_hex[65]);

/* Constant-time comparison of two NUL-terminated strings. */
bool kc_sign_equal(const char *a, const char *b);

#endif
