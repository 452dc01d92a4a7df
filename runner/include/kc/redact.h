/*
 * kc_redact: scrubs secrets from text before it reaches a report, a log or
 * the console.
 *
 * Scrubbed: every registered literal (AccessKeySecrets, SecurityTokens,
 * plaintexts sent by the run), and by shape: the values of Signature,
 * SecurityToken and Plaintext in queries and form bodies, the
 * "Signature=<hex>" of a V3 Authorization header, x-acs-security-token
 * headers, JSON "Plaintext"/"AccessKeySecret"/"SecurityToken" string values
 * and XML <Plaintext>, <AccessKeySecret>, <SecurityToken> elements. Each
 * becomes "***".
 *
 * A kc_redactor is filled before threads start, then only read (thread-safe
 * for kc_redact_text). kc_redactor_free releases it and its copies.
 */
#ifndef KC_REDACT_H
#define KC_REDACT_H

#include <stddef.h>

#define KC_REDACTED "***"

struct kc_redactor;

struct kc_redactor *kc_redactor_new(void);
void kc_redactor_free(struct kc_redactor *r);
/* Registers a literal secret (copied). Empty strings and NULL are ignored.
 * 0 or -1 (out of memory). */
int kc_redactor_add(struct kc_redactor *r, const char *secret);

/* A scrubbed copy of n bytes of text (caller frees). r may be NULL (shapes
 * only). NULL only when out of memory. */
char *kc_redact_text(const struct kc_redactor *r, const char *text, size_t n);

#endif
