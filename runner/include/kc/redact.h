/*
 * kc_redact: scrubs secrets from text before it reaches a report, a log or
 * the console.
 *
 * Scrubbed by value: every literal registered with the redactor (the
 * AccessKeySecrets and SecurityTokens of the target, the plaintexts of the
 * case files), and the literals of one exchange passed with the text (its
 * own signature, the plaintexts it sent, expanded), wherever they
 * reappear: echoed in a header, a JSON member, an XML element, a message.
 * Each literal is known in every form it can take there: raw,
 * percent-encoded (upper- or lower-case hex, '+' for a space, and twice,
 * as in a V1 string to sign), JSON-escaped (with "\/" or "/") and
 * XML-escaped.
 *
 * Scrubbed by shape: the values of Signature, SecurityToken, Plaintext and
 * AccessKeySecret in queries and form bodies (after '?', '&', "&amp;", a
 * comma or a space), the "Signature=<hex>" of a V3 Authorization header,
 * x-acs-security-token headers, JSON "Plaintext"/"AccessKeySecret"/
 * "SecurityToken" string values and XML <Plaintext>, <AccessKeySecret>,
 * <SecurityToken> elements.
 *
 * Each scrubbed value becomes "***"; where occurrences of literals overlap,
 * every byte of each goes.
 *
 * Cost: the shapes take one pass over the text, the literals another, for
 * all of them at once (an Aho-Corasick automaton of every form of every
 * literal, built by kc_redactor_add; the exchange's literals get a small
 * one of their own, in a kc_redact_scope made once per exchange or by
 * kc_redact_text_with for one call): linear in the text whatever the
 * number of literals.
 *
 * A kc_redactor is filled before threads start, then only read (thread-safe
 * for kc_redact_text, kc_redact_text_with and the scopes, which never
 * change it: the literals of an exchange live in its scope).
 * kc_redactor_free releases it and its copies.
 */
#ifndef KC_REDACT_H
#define KC_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#define KC_REDACTED "***"

struct kc_redactor;

struct kc_redactor *kc_redactor_new(void);
void kc_redactor_free(struct kc_redactor *r);
/* Registers a literal secret (copied into the automaton, in all its
 * forms; the automaton's links are rebuilt, in time linear in all the
 * literals registered). Empty strings and NULL are ignored. 0 or -1 (out
 * of memory). */
int kc_redactor_add(struct kc_redactor *r, const char *secret);

/* A scrubbed copy of n bytes of text (caller frees). r may be NULL (shapes
 * only). NULL only when out of memory. */
char *kc_redact_text(const struct kc_redactor *r, const char *text, size_t n);

/* The same, also scrubbing the nlits literals of one exchange (borrowed;
 * NULL and empty entries ignored), in all the forms above. NULL only when
 * out of memory. */
char *kc_redact_text_with(const struct kc_redactor *r, const char *const *lits,
                          size_t nlits, const char *text, size_t n);

/*
 * A scope: r (borrowed, may be NULL) with one exchange's literals (copied,
 * in all their forms, into an automaton of their own), for an exchange
 * whose texts are scrubbed several times: its transcript, its messages.
 * Owned by one thread; free it with kc_redact_scope_free. new: NULL only
 * when out of memory. kc_redact_scoped is kc_redact_text_with for the
 * scope's redactor and literals.
 */
struct kc_redact_scope;
struct kc_redact_scope *kc_redact_scope_new(const struct kc_redactor *r,
                                            const char *const *lits,
                                            size_t nlits);
void kc_redact_scope_free(struct kc_redact_scope *sc);
/* false only when no form of any of the nlits literals (see
 * kc_redactor_add) can occur in the n bytes of text, so that the text
 * needs no scope: kc_redact_text gives the same result. It looks for the
 * longest run of letters and digits of each literal, which every form
 * keeps as it is; a literal whose longest run is shorter than 4 bytes
 * makes it answer true. */
bool kc_redact_may_hold(const char *const *lits, size_t nlits, const char *text,
                        size_t n);
char *kc_redact_scoped(const struct kc_redact_scope *sc, const char *text,
                       size_t n);

#endif
