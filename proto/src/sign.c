/* kc_sign: Alibaba Cloud RPC signatures V1 (HMAC-SHA1) and V3
 * (ACS3-HMAC-SHA256). The algorithms and their published test vectors are
 * described in docs/protocol.md. */
#include "kc/sign.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

/* Canonical strings are bounded: requests larger than this are refused by
 * both sides long before signing. */
#define SIGN_MAX (1u << 20)

/* ---- HMAC ---- */

/* OpenSSL 3's one-shot HMAC() looks the MAC and the digest up by name on
 * every call (about half of a V1 signature's cost). The two keyed MACs are
 * looked up once instead, into template contexts that each call copies and
 * keys. The templates live until the process ends. */
enum hmac_kind { HMAC_SHA1, HMAC_SHA256, HMAC_KINDS };
static EVP_MAC_CTX *hmac_template[HMAC_KINDS];
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void hmac_setup(void)
{
    static char sha1[] = "SHA1", sha256[] = "SHA256";
    char *const digest[HMAC_KINDS] = {sha1, sha256};
    EVP_MAC *mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
    for (int i = 0; mac && i < HMAC_KINDS; i++) {
        OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(
                              OSSL_MAC_PARAM_DIGEST, digest[i], 0),
                          OSSL_PARAM_construct_end()};
        EVP_MAC_CTX *c = EVP_MAC_CTX_new(mac);
        if (c && !EVP_MAC_CTX_set_params(c, p)) {
            EVP_MAC_CTX_free(c);
            c = NULL;
        }
        hmac_template[i] = c;
    }
    EVP_MAC_free(mac); /* the contexts hold their own reference */
}

/* HMAC of data under key into md (EVP_MAX_MD_SIZE bytes); its length, or 0
 * on failure. Thread-safe: each call keys a copy of the template. */
static unsigned int hmac(enum hmac_kind k, const void *key, size_t klen,
                         const void *data, size_t dlen,
                         unsigned char md[EVP_MAX_MD_SIZE])
{
    size_t outl = 0;
    EVP_MAC_CTX *c = NULL;
    pthread_once(&hmac_once, hmac_setup);
    if (hmac_template[k])
        c = EVP_MAC_CTX_dup(hmac_template[k]);
    if (!c || !EVP_MAC_init(c, key, klen, NULL) ||
        !EVP_MAC_update(c, data, dlen) ||
        !EVP_MAC_final(c, md, &outl, EVP_MAX_MD_SIZE))
        outl = 0;
    EVP_MAC_CTX_free(c);
    return (unsigned int)outl;
}

static int cmp_param_name(const void *a, const void *b)
{
    const struct kc_param *pa = *(const struct kc_param *const *)a;
    const struct kc_param *pb = *(const struct kc_param *const *)b;
    int c = strcmp(pa->name, pb->name);
    return c ? c : strcmp(pa->value, pb->value);
}

/* Pointers to params sorted by byte order of the name (then value, so that
 * repeated names canonicalise deterministically). Caller frees. */
static const struct kc_param **sorted_params(const struct kc_param *params,
                                             size_t n)
{
    const struct kc_param **v = calloc(n ? n : 1, sizeof(*v));
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++)
        v[i] = &params[i];
    qsort(v, n, sizeof(*v), cmp_param_name);
    return v;
}

/* name=value&... with both sides percent-encoded; params named skip are
 * left out; bare: an empty value is written as the name alone. */
static int canonical_query(struct kc_buf *out, const struct kc_param *params,
                           size_t n, const char *skip, bool bare)
{
    const struct kc_param **v = sorted_params(params, n);
    int rc = -1;
    bool first = true;
    if (!v)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (skip && !strcmp(v[i]->name, skip))
            continue;
        if (!first && kc_buf_putc(out, '&'))
            goto out;
        first = false;
        if (kc_pct_encode(out, v[i]->name, strlen(v[i]->name)))
            goto out;
        if (bare && !*v[i]->value)
            continue;
        if (kc_buf_putc(out, '=') ||
            kc_pct_encode(out, v[i]->value, strlen(v[i]->value)))
            goto out;
    }
    rc = 0;
out:
    free(v);
    return rc;
}

int kc_sign_v1_canonical(struct kc_buf *out, const struct kc_param *params,
                         size_t n)
{
    return canonical_query(out, params, n, "Signature", false);
}

int kc_sign_v1_string_to_sign(struct kc_buf *out, const char *method,
                              const struct kc_param *params, size_t n)
{
    struct kc_buf canon;
    int rc = -1;
    kc_buf_init(&canon, SIGN_MAX);
    if (kc_sign_v1_canonical(&canon, params, n))
        goto out;
    if (kc_buf_puts(out, method) || kc_buf_puts(out, "&%2F&") ||
        kc_pct_encode(out, canon.data ? canon.data : "", canon.len))
        goto out;
    rc = 0;
out:
    kc_buf_dispose(&canon);
    return rc;
}

int kc_sign_v1(const char *secret, const char *method,
               const struct kc_param *params, size_t n, char out[29])
{
    struct kc_buf sts, key;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    int rc = -1;
    kc_buf_init(&sts, SIGN_MAX * 3);
    kc_buf_init(&key, 0);
    if (kc_sign_v1_string_to_sign(&sts, method, params, n) ||
        kc_buf_puts(&key, secret) || kc_buf_putc(&key, '&'))
        goto out;
    mdlen = hmac(HMAC_SHA1, key.data, key.len, sts.data, sts.len, md);
    if (!mdlen)
        goto out;
    EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
    rc = 0;
out:
    OPENSSL_cleanse(key.data, key.len);
    kc_buf_dispose(&key);
    kc_buf_dispose(&sts);
    return rc;
}

/* A header name lower-cased into a fresh string; caller frees. */
static char *lower_dup(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        d[i] = (char)tolower((unsigned char)s[i]);
    return d;
}

/* A copy of v without leading and trailing white space; caller frees. */
static char *trim_dup(const char *v)
{
    size_t n = strlen(v);
    while (n && isspace((unsigned char)*v))
        v++, n--;
    while (n && isspace((unsigned char)v[n - 1]))
        n--;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, v, n);
        d[n] = '\0';
    }
    return d;
}

/* Writes sorted headers v as "name:v1,v2\n" lines into hdrs and their
 * names as "a;b" into names. */
static int write_headers(struct kc_buf *hdrs, struct kc_buf *names,
                         const struct kc_param *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && !strcmp(v[i]->name, v[i - 1]->name)) {
            kc_buf_putc(hdrs, ',');
        } else {
            if (i > 0) {
                kc_buf_putc(hdrs, '\n');
                kc_buf_putc(names, ';');
            }
            kc_buf_puts(hdrs, v[i]->name);
            kc_buf_putc(hdrs, ':');
            kc_buf_puts(names, v[i]->name);
        }
        kc_buf_puts(hdrs, v[i]->value);
    }
    if (n)
        kc_buf_putc(hdrs, '\n');
    /* kc_buf failures are sticky: one look covers every append above. */
    return hdrs->failed || names->failed ? -1 : 0;
}

/* Canonical headers ("name:v1,v2\n" sorted) and the SignedHeaders list. */
static int canonical_headers(struct kc_buf *hdrs, struct kc_buf *names,
                             const struct kc_param *headers, size_t n)
{
    struct kc_param *low = calloc(n ? n : 1, sizeof(*low));
    /* Owned copies: lower-case names and trimmed values, sorted below. */
    char **lnames = calloc(n ? n : 1, sizeof(*lnames));
    char **lvals = calloc(n ? n : 1, sizeof(*lvals));
    const struct kc_param **v = NULL;
    int rc = -1;
    if (!low || !lnames || !lvals)
        goto out;
    for (size_t i = 0; i < n; i++) {
        lnames[i] = lower_dup(headers[i].name);
        lvals[i] = trim_dup(headers[i].value);
        low[i].name = lnames[i];
        low[i].value = lvals[i];
        if (!lnames[i] || !lvals[i])
            goto out;
    }
    v = sorted_params(low, n);
    if (!v)
        goto out;
    rc = write_headers(hdrs, names, v, n);
out:
    for (size_t i = 0; i < n; i++) {
        free(lnames ? lnames[i] : NULL);
        free(lvals ? lvals[i] : NULL);
    }
    free(lnames);
    free(lvals);
    free(low);
    free(v);
    return rc;
}

static int v3_canonical(struct kc_buf *out, struct kc_buf *names,
                        const struct kc_v3_input *in)
{
    struct kc_buf hdrs;
    int rc = -1;
    kc_buf_init(&hdrs, SIGN_MAX);
    if (kc_buf_puts(out, in->method) || kc_buf_putc(out, '\n') ||
        kc_buf_puts(out, in->path) || kc_buf_putc(out, '\n') ||
        canonical_query(out, in->query, in->nquery, NULL,
                        in->bare_empty_values) ||
        kc_buf_putc(out, '\n'))
        goto out;
    if (canonical_headers(&hdrs, names, in->headers, in->nheaders))
        goto out;
    if (kc_buf_append(out, hdrs.data ? hdrs.data : "", hdrs.len) ||
        kc_buf_putc(out, '\n') ||
        kc_buf_append(out, kc_buf_str(names), names->len) ||
        kc_buf_putc(out, '\n') || kc_buf_puts(out, in->payload_sha256))
        goto out;
    rc = 0;
out:
    kc_buf_dispose(&hdrs);
    return rc;
}

int kc_sign_v3_canonical_request(struct kc_buf *out,
                                 const struct kc_v3_input *in)
{
    struct kc_buf names;
    kc_buf_init(&names, SIGN_MAX);
    int rc = v3_canonical(out, &names, in);
    kc_buf_dispose(&names);
    return rc;
}

int kc_sign_v3(const char *secret, const struct kc_v3_input *in,
               struct kc_buf *signed_headers, char sig_hex[65])
{
    struct kc_buf cr, sts;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char crhash[65];
    int rc = -1;
    kc_buf_init(&cr, SIGN_MAX * 4);
    kc_buf_init(&sts, 0);
    if (v3_canonical(&cr, signed_headers, in))
        goto out;
    kc_sha256_hex(kc_buf_str(&cr), cr.len, crhash);
    if (kc_buf_puts(&sts, "ACS3-HMAC-SHA256\n") || kc_buf_puts(&sts, crhash))
        goto out;
    mdlen = hmac(HMAC_SHA256, secret, strlen(secret), sts.data, sts.len, md);
    if (!mdlen)
        goto out;
    kc_hex(md, mdlen, sig_hex);
    rc = 0;
out:
    kc_buf_dispose(&cr);
    kc_buf_dispose(&sts);
    return rc;
}

bool kc_sign_equal(const char *a, const char *b)
{
    size_t n = strlen(a);
    if (n != strlen(b))
        return false;
    return CRYPTO_memcmp(a, b, n) == 0;
}
