/* rs_crypto: GCM blobs, encryption contexts, RSA wrapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rs/crypto.h"

static const unsigned char key1[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
static const unsigned char key2[32] = {2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
static const char *const vid = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

static unsigned char *seal(const char *ctx, const char *pt, size_t *n)
{
    unsigned char *b = rs_crypto_seal(key1, "key-abc", vid, ctx,
                                      (const unsigned char *)pt, strlen(pt), n);
    assert_non_null(b);
    return b;
}

/* Opens blob with key and context; returns the plaintext or NULL. */
static char *open_blob(const unsigned char *key, const unsigned char *b,
                       size_t n, const char *ctx)
{
    struct rs_blob p;
    if (rs_crypto_blob_parse(b, n, &p) != 0)
        return NULL;
    char *out = calloc(1, p.ct_len + 1);
    assert_non_null(out);
    if (rs_crypto_open(key, b, &p, ctx, (unsigned char *)out) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

static void round_trip(void **state)
{
    (void)state;
    size_t n = 0;
    unsigned char *b = seal("{\"a\":\"b\"}", "hello world", &n);
    struct rs_blob p;
    assert_int_equal(rs_crypto_blob_parse(b, n, &p), 0);
    assert_string_equal(p.key_id, "key-abc");
    assert_string_equal(p.version_id, vid);
    assert_int_equal(p.ct_len, 11);
    char *pt = open_blob(key1, b, n, "{\"a\":\"b\"}");
    assert_non_null(pt);
    assert_string_equal(pt, "hello world");
    free(pt);
    /* Two seals of one plaintext differ (random IV). */
    size_t n2 = 0;
    unsigned char *b2 = seal("{\"a\":\"b\"}", "hello world", &n2);
    assert_int_equal(n, n2);
    assert_memory_not_equal(b, b2, n);
    free(b2);
    free(b);
}

static void empty_plaintext_and_context(void **state)
{
    (void)state;
    size_t n = 0;
    unsigned char *b = seal(NULL, "", &n);
    char *pt = open_blob(key1, b, n, "");
    assert_non_null(pt);
    assert_string_equal(pt, "");
    free(pt);
    free(b);
}

static void wrong_key_or_context(void **state)
{
    (void)state;
    size_t n = 0;
    unsigned char *b = seal("{\"a\":\"b\"}", "secret", &n);
    assert_null(open_blob(key2, b, n, "{\"a\":\"b\"}"));
    assert_null(open_blob(key1, b, n, "{\"a\":\"c\"}"));
    assert_null(open_blob(key1, b, n, NULL));
    free(b);
    b = seal(NULL, "secret", &n);
    assert_null(open_blob(key1, b, n, "{\"a\":\"b\"}"));
    free(b);
}

static void every_byte_is_authenticated(void **state)
{
    (void)state;
    size_t n = 0;
    unsigned char *b = seal(NULL, "tamper me", &n);
    for (size_t i = 0; i < n; i++) {
        b[i] ^= 0x01;
        char *pt = open_blob(key1, b, n, NULL);
        assert_null(pt);
        b[i] ^= 0x01;
    }
    char *pt = open_blob(key1, b, n, NULL);
    assert_non_null(pt);
    free(pt);
    /* Truncated or extended blobs fail too. */
    assert_null(open_blob(key1, b, n - 1, NULL));
    free(b);
}

static void foreign_blobs(void **state)
{
    (void)state;
    struct rs_blob p;
    const unsigned char junk[] = "hello, this is not a blob of ours at all";
    assert_int_equal(rs_crypto_blob_parse(junk, sizeof(junk), &p), -1);
    assert_int_equal(rs_crypto_blob_parse(junk, 0, &p), -1);
    unsigned char short_blob[] = {'K', 'C', 'B', 1, 7, 'k', 'e', 'y'};
    assert_int_equal(rs_crypto_blob_parse(short_blob, sizeof(short_blob), &p),
                     -1);
    size_t n = 0;
    assert_null(
        rs_crypto_seal(key1, "", vid, NULL, (const unsigned char *)"x", 1, &n));
    assert_null(rs_crypto_seal(key1, "key-abc", "short", NULL,
                               (const unsigned char *)"x", 1, &n));
}

static void context_canonical_form(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        enum rs_crypto_canon rc;
        const char *out;
    } cases[] = {
        {"{\"b\":\"2\",\"a\":\"1\"}", RS_CRYPTO_CANON_OK,
         "{\"a\":\"1\",\"b\":\"2\"}"},
        {" { \"a\" : \"1\" } ", RS_CRYPTO_CANON_OK, "{\"a\":\"1\"}"},
        {"{}", RS_CRYPTO_CANON_OK, "{}"},
        {"{\"a\":1}", RS_CRYPTO_CANON_INVALID, NULL},
        {"{\"a\":{\"b\":\"c\"}}", RS_CRYPTO_CANON_INVALID, NULL},
        {"[\"a\"]", RS_CRYPTO_CANON_INVALID, NULL},
        {"\"a\"", RS_CRYPTO_CANON_INVALID, NULL},
        {"{\"a\":\"1\",\"a\":\"2\"}", RS_CRYPTO_CANON_INVALID, NULL},
        {"{\"a\":\"1\"", RS_CRYPTO_CANON_INVALID, NULL},
        {"{\"a\":\"1\"} x", RS_CRYPTO_CANON_INVALID, NULL},
        {"", RS_CRYPTO_CANON_INVALID, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = NULL;
        assert_int_equal(rs_crypto_context_canon(cases[i].in, &out),
                         cases[i].rc);
        if (cases[i].out)
            assert_string_equal(out, cases[i].out);
        else
            assert_null(out);
        free(out);
    }
}

static void wrap_names(void **state)
{
    (void)state;
    enum rs_wrap w;
    assert_int_equal(rs_crypto_wrap_parse("RSAES_PKCS1_V1_5", &w), 0);
    assert_int_equal(w, RS_WRAP_PKCS1_V1_5);
    assert_int_equal(rs_crypto_wrap_parse("RSAES_OAEP_SHA_1", &w), 0);
    assert_int_equal(w, RS_WRAP_OAEP_SHA_1);
    assert_int_equal(rs_crypto_wrap_parse("RSAES_OAEP_SHA_256", &w), 0);
    assert_int_equal(w, RS_WRAP_OAEP_SHA_256);
    assert_int_equal(rs_crypto_wrap_parse("SM2PKE", &w), -1);
    assert_int_equal(rs_crypto_wrap_parse("rsaes_oaep_sha_1", &w), -1);
}

static void wrap_unwrap(void **state)
{
    (void)state;
    EVP_PKEY *pk = rs_crypto_rsa_generate();
    assert_non_null(pk);
    char *pub = rs_crypto_public_b64(pk);
    assert_non_null(pub);
    assert_true(strlen(pub) > 300); /* 294 bytes of DER */
    free(pub);
    unsigned char m[32], w[512], out[512];
    memset(m, 0x5a, sizeof(m));
    enum rs_wrap algs[] = {RS_WRAP_PKCS1_V1_5, RS_WRAP_OAEP_SHA_1,
                           RS_WRAP_OAEP_SHA_256};
    for (size_t i = 0; i < 3; i++) {
        size_t wl = 0, ol = 0;
        assert_int_equal(rs_crypto_wrap(pk, algs[i], m, 32, w, sizeof(w), &wl),
                         0);
        assert_int_equal(wl, 256);
        assert_int_equal(
            rs_crypto_unwrap(pk, algs[i], w, wl, out, sizeof(out), &ol), 0);
        assert_int_equal(ol, 32);
        assert_memory_equal(out, m, 32);
        /* Another OAEP hash does not unwrap. */
        if (algs[i] != RS_WRAP_PKCS1_V1_5) {
            enum rs_wrap other = algs[i] == RS_WRAP_OAEP_SHA_1
                                     ? RS_WRAP_OAEP_SHA_256
                                     : RS_WRAP_OAEP_SHA_1;
            assert_int_equal(
                rs_crypto_unwrap(pk, other, w, wl, out, sizeof(out), &ol), -1);
        }
    }
    size_t ol = 0;
    assert_int_equal(rs_crypto_unwrap(pk, RS_WRAP_OAEP_SHA_256, m, sizeof(m),
                                      out, sizeof(out), &ol),
                     -1);
    EVP_PKEY_free(pk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(empty_plaintext_and_context),
        cmocka_unit_test(wrong_key_or_context),
        cmocka_unit_test(every_byte_is_authenticated),
        cmocka_unit_test(foreign_blobs),
        cmocka_unit_test(context_canonical_form),
        cmocka_unit_test(wrap_names),
        cmocka_unit_test(wrap_unwrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
