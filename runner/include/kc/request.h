/*
 * kc_request: one signed KMS request built from an expanded case step.
 *
 * V1 (HMAC-SHA1): the common parameters Format, Version=2016-01-20,
 * AccessKeyId, SignatureMethod=HMAC-SHA1, Timestamp, SignatureVersion=1.0,
 * SignatureNonce (a fresh UUID) and Action join the business parameters.
 * GET (and HEAD) send them all in the query; POST (and any other verb)
 * sends them all as an application/x-www-form-urlencoded body to "/" (as
 * pop-core does).
 *
 * V3 (ACS3-HMAC-SHA256): headers host, x-acs-action, x-acs-version,
 * x-acs-date, x-acs-signature-nonce, x-acs-content-sha256 (all signed) and
 * Authorization "ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<..>,
 * Signature=<hex>"; business parameters and Format in the query, empty body
 * (as the official TypeScript SDK does). omit/override name the V1
 * parameter, which maps to its header: Timestamp -> x-acs-date,
 * SignatureNonce -> x-acs-signature-nonce, Version -> x-acs-version,
 * Action -> x-acs-action, AccessKeyId -> the Credential part,
 * SignatureMethod -> the algorithm word, Signature -> the Signature part,
 * Format -> the query parameter, SignatureVersion -> nothing.
 *
 * Shaping: omit drops common parameters, override sends another value
 * (signed as sent; an override of Signature replaces the computed value),
 * signature corrupt flips the first character of the signature, absent
 * sends none, raw_query sends exactly that query string with no common
 * parameters, no signature and no body; only "&Format=<format>" is appended
 * (so that the probe asks for each format) unless the string already has a
 * Format parameter or the step omits Format.
 */
#ifndef KC_REQUEST_H
#define KC_REQUEST_H

#include <stddef.h>
#include <time.h>

#include "kc/case.h"
#include "kc/sign.h"
#include "kc/target.h"

#define KC_API_VERSION "2016-01-20"

/* Everything borrowed; values already expanded. */
struct kc_req_spec {
    const char *endpoint; /* "http://127.0.0.1:8080" */
    enum kc_sigver sigver;
    const char *method; /* "POST" or "GET" (any verb is sent as given) */
    const char *action;
    const char *format; /* "JSON" or "XML" */
    const struct kc_param *params;
    size_t nparams;
    const char *access_key_id;
    const char *secret; /* SECRET */
    unsigned omit;      /* OR of enum kc_common */
    const struct kc_param *overrides;
    size_t noverrides;
    enum kc_sigmode signature;
    const char *raw_query; /* non-NULL: sent as is */
    time_t now;            /* 0: time(NULL) */
    const char *nonce;     /* NULL: a fresh UUID */
};

/* A built request; every string owned, released by kc_request_dispose. */
struct kc_request {
    char *method;
    char *url;
    char **headers; /* "Name: value" lines */
    size_t nheaders;
    char *body; /* NULL when none */
    size_t body_len;
    char *signature; /* the Signature sent (V1 or V3), NULL when none: a
                        secret of this exchange that redaction must know */
};

/* 0, or -1 with err (one line) on a bad endpoint or out of memory. */
int kc_request_build(const struct kc_req_spec *spec, struct kc_request *out,
                     char *err, size_t errlen);
void kc_request_dispose(struct kc_request *r);

/* The header value of name (case-insensitive), or NULL. */
const char *kc_request_header(const struct kc_request *r, const char *name);

/* Appends "> METHOD url", the header lines, and the body to out (NOT
 * redacted: pass the result through kc_redact_text). */
int kc_request_transcript(const struct kc_request *r, struct kc_buf *out);

#endif
