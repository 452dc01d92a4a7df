/* kc_redact: secrets scrubbed from transcripts, by literal and by shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/redact.h"

static char *scrub(const struct kc_redactor *r, const char *in)
{
    char *out = kc_redact_text(r, in, strlen(in));
    assert_non_null(out);
    return out;
}

static void expect(const struct kc_redactor *r, const char *in,
                   const char *want)
{
    char *out = scrub(r, in);
    assert_string_equal(out, want);
    free(out);
}

static void test_literals(void **state)
{
    (void)state;
    struct kc_redactor *r = kc_redactor_new();
    assert_int_equal(kc_redactor_add(r, "testsecret"), 0);
    assert_int_equal(kc_redactor_add(r, "a b/c"), 0);
    assert_int_equal(kc_redactor_add(r, ""), 0);
    assert_int_equal(kc_redactor_add(r, NULL), 0);
    expect(r, "secret is testsecret.", "secret is ***.");
    expect(r, "x=a b/c&y=a%20b%2Fc", "x=***&y=***");
    expect(r, "nothing here", "nothing here");
    kc_redactor_free(r);
}

static void test_v1_transcript(void **state)
{
    (void)state;
    expect(NULL,
           "> Format=JSON&Action=Encrypt&Plaintext=aGVsbG8%3D&"
           "Signature=Wmh50eBqdBIP7qPWKA1%2Furz5Y5A%3D\n",
           "> Format=JSON&Action=Encrypt&Plaintext=***&Signature=***\n");
    expect(NULL, "> GET http://h/?Signature=abc&SignatureMethod=HMAC-SHA1",
           "> GET http://h/?Signature=***&SignatureMethod=HMAC-SHA1");
    expect(NULL, "&SecurityToken=tok123&x=1", "&SecurityToken=***&x=1");
}

static void test_v3_headers(void **state)
{
    (void)state;
    expect(NULL,
           "> Authorization: ACS3-HMAC-SHA256 Credential=testid,"
           "SignedHeaders=host;x-acs-date,Signature=0123abcdef\n"
           "> x-acs-security-token: abc.def\n",
           "> Authorization: ACS3-HMAC-SHA256 Credential=testid,"
           "SignedHeaders=host;x-acs-date,Signature=***\n"
           "> x-acs-security-token: ***\n");
}

static void test_answers(void **state)
{
    (void)state;
    expect(NULL, "{\"KeyId\":\"k\",\"Plaintext\": \"aGVs\\\"bG8=\",\"x\":1}",
           "{\"KeyId\":\"k\",\"Plaintext\": \"***\",\"x\":1}");
    expect(NULL, "<R><Plaintext>aGVsbG8=</Plaintext><K>1</K></R>",
           "<R><Plaintext>***</Plaintext><K>1</K></R>");
    expect(NULL, "{\"AccessKeySecret\":\"s\"}",
           "{\"AccessKeySecret\":\"***\"}");
    /* names that only start like a secret field stay */
    expect(NULL, "SignatureMethod=HMAC-SHA1&SignatureNonce=n",
           "SignatureMethod=HMAC-SHA1&SignatureNonce=n");
    expect(NULL, "{\"PlaintextLength\":\"3\"}", "{\"PlaintextLength\":\"3\"}");
}

static void test_truncated_input(void **state)
{
    (void)state;
    expect(NULL, "{\"Plaintext\":\"unterminated", "{\"Plaintext\":\"***");
    expect(NULL, "<Plaintext>abc", "<Plaintext>***");
    expect(NULL, "Signature=", "Signature=***");
    expect(NULL, "", "");
}

/* One exchange's V1 signature, as kc_request signs it: base64 with '/',
 * '+' and '='; the server echoes it back in every way it may. */
#define SIG     "Wmh50eBq/dBIP7+qPWKA1urz5Y5A="
#define SIG_PCT "Wmh50eBq%2FdBIP7%2BqPWKA1urz5Y5A%3D"

static void expect_x(const struct kc_redactor *r, const char *lit,
                     const char *in, const char *want)
{
    const char *lits[] = {lit};
    char *out = kc_redact_text_with(r, lits, 1, in, strlen(in));
    assert_non_null(out);
    assert_string_equal(out, want);
    free(out);
}

static void test_echo_header(void **state)
{
    (void)state;
    expect_x(NULL, SIG, "< X-Echo: " SIG "\n< X-Q: a=" SIG_PCT "\n",
             "< X-Echo: ***\n< X-Q: a=***\n");
}

static void test_echo_json(void **state)
{
    (void)state;
    /* raw with "\/", raw with "/", percent-encoded inside a quoted query */
    expect_x(NULL, SIG,
             "{\"Message\":\"Wmh50eBq\\/dBIP7+qPWKA1urz5Y5A=\",\"A\":\"" SIG
             "\",\"Q\":\"x=1&Signature=" SIG_PCT "\"}",
             "{\"Message\":\"***\",\"A\":\"***\",\"Q\":\"x=1&Signature=***");
    expect_x(NULL, SIG, "{\"M\":\"POST \\u0026Signature=" SIG_PCT "\"}",
             "{\"M\":\"POST \\u0026Signature=***\"}");
}

static void test_echo_xml(void **state)
{
    (void)state;
    expect_x(NULL, SIG, "<Message>" SIG "</Message>", "<Message>***</Message>");
    expect_x(NULL, SIG,
             "<Message>Action=X&amp;Signature=" SIG_PCT
             "&amp;Format=XML</Message>",
             "<Message>Action=X&amp;Signature=***&amp;Format=XML</Message>");
    /* a secret with XML-special characters, escaped by the echo */
    expect_x(NULL, "a&b<c\"d", "<M>a&amp;b&lt;c&quot;d a&amp;b&lt;c\"d</M>",
             "<M>*** ***</M>");
}

static void test_echo_amp_shape(void **state)
{
    (void)state;
    /* no literal known: the shape after "&amp;" still goes */
    expect(NULL, "<M>a=1&amp;Signature=" SIG_PCT "&amp;b=2</M>",
           "<M>a=1&amp;Signature=***&amp;b=2</M>");
}

static void test_echo_percent(void **state)
{
    (void)state;
    /* upper- and lower-case hex, and encoded twice (a string to sign) */
    expect_x(NULL, SIG,
             "q " SIG_PCT " "
             "Wmh50eBq%2fdBIP7%2bqPWKA1urz5Y5A%3d",
             "q *** ***");
    expect_x(NULL, SIG, "s=Wmh50eBq%252FdBIP7%252BqPWKA1urz5Y5A%253D!",
             "s=***!");
    /* a V3 signature (hex) echoed outside its header */
    expect_x(NULL, "0123abcdef0123abcdef", "{\"M\":\"0123abcdef0123abcdef\"}",
             "{\"M\":\"***\"}");
}

static void test_registered_forms(void **state)
{
    (void)state;
    /* a registered secret in its JSON and percent-encoded-twice forms */
    struct kc_redactor *r = kc_redactor_new();
    assert_int_equal(kc_redactor_add(r, "ab/c+d="), 0);
    expect(r, "{\"S\":\"ab\\/c+d=\"}", "{\"S\":\"***\"}");
    expect(r, "x ab%252Fc%252Bd%253D y", "x *** y");
    kc_redactor_free(r);
}

static void test_exchange_literals_do_not_stay(void **state)
{
    (void)state;
    struct kc_redactor *r = kc_redactor_new();
    assert_int_equal(kc_redactor_add(r, "testsecret"), 0);
    expect_x(r, SIG, "testsecret " SIG, "*** ***");
    /* the next exchange does not carry that signature: the redactor was
     * only read */
    expect(r, "testsecret " SIG, "*** " SIG);
    const char *none[] = {NULL, ""};
    char *out = kc_redact_text_with(r, none, 2, "ab", 2);
    assert_string_equal(out, "ab");
    free(out);
    kc_redactor_free(r);
}

static void test_overlapping_literals(void **state)
{
    (void)state;
    /* every byte of every occurrence goes, also where two overlap or one
     * holds another: no tail of a secret is left behind */
    struct kc_redactor *r = kc_redactor_new();
    assert_int_equal(kc_redactor_add(r, "abcd"), 0);
    assert_int_equal(kc_redactor_add(r, "cdef"), 0);
    assert_int_equal(kc_redactor_add(r, "xyz"), 0);
    expect(r, "1 abcdef 2", "1 *** 2");
    expect(r, "abcdabcd-xyzxyz", "******-******");
    expect_x(r, "bcdefg", "abcdefgh", "***h");
    expect_x(r, "y", "xyz y", "*** ***");
    kc_redactor_free(r);
}

static void test_many_literals_long_text(void **state)
{
    (void)state;
    /* 200 secrets sharing a long prefix, a 64 KiB text full of near
     * misses: one pass finds the one that is there */
    struct kc_redactor *r = kc_redactor_new();
    char sec[64];
    for (int i = 0; i < 200; i++) {
        snprintf(sec, sizeof(sec), "prefixprefixprefix%03d", i);
        assert_int_equal(kc_redactor_add(r, sec), 0);
    }
    size_t n = 64 * 1024;
    char *text = malloc(n + 1);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        text[i] = "prefix"[i % 6];
    memcpy(text + n / 2, "prefixprefixprefix123", 21);
    text[n] = '\0';
    char *out = scrub(r, text);
    assert_null(strstr(out, "123"));
    assert_non_null(strstr(out, "***"));
    assert_int_equal(strlen(out), n - 21 + 3);
    free(out);
    free(text);
    kc_redactor_free(r);
}

/* kc_redact_may_hold: true for every form of a literal, false for a text
 * that holds none, conservative for a literal without a 4-byte run; where
 * it says false, the exchange's scope would not have changed the text. */
static void test_may_hold(void **state)
{
    (void)state;
    const char *lits[] = {"AbC+dE/fG=hIj12345="};
    static const char *const forms[] = {
        "Signature=AbC+dE/fG=hIj12345=&x",
        "{\"Signature\":\"AbC+dE\\/fG=hIj12345=\"}",
        "Signature=AbC%2BdE%2FfG%3DhIj12345%3D",
        "Signature=AbC%2bdE%2ffG%3dhIj12345%3d",
        "Signature%3DAbC%252BdE%252FfG%253DhIj12345%253D",
        "<Sig>AbC+dE/fG=hIj12345=</Sig>"};
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
        assert_true(kc_redact_may_hold(lits, 1, forms[i], strlen(forms[i])));
    static const char *const none[] = {
        "", "Forbidden.KeyNotFound", "4C467B38-3910-447D-87BC-AC049166F216",
        "The specified Key is not found.", "hIj1234"};
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        assert_false(kc_redact_may_hold(lits, 1, none[i], strlen(none[i])));
        char *with =
            kc_redact_text_with(NULL, lits, 1, none[i], strlen(none[i]));
        char *without = kc_redact_text(NULL, none[i], strlen(none[i]));
        assert_string_equal(with, without);
        free(with);
        free(without);
    }
    const char *shortrun[] = {"a+b/c"};
    assert_true(kc_redact_may_hold(shortrun, 1, "xyz", 3));
    assert_false(kc_redact_may_hold(NULL, 0, "xyz", 3));
    /* the run is searched in all n bytes, past a NUL too */
    static const char nul[] = "x\0hIj12345";
    assert_true(kc_redact_may_hold(lits, 1, nul, sizeof(nul) - 1));
}

static void test_scope(void **state)
{
    (void)state;
    /* one exchange's scope, used for each of its texts */
    struct kc_redactor *r = kc_redactor_new();
    assert_int_equal(kc_redactor_add(r, "testsecret"), 0);
    const char *lits[] = {SIG, NULL, "pt"};
    struct kc_redact_scope *sc = kc_redact_scope_new(r, lits, 3);
    assert_non_null(sc);
    for (int i = 0; i < 2; i++) {
        const char *in = "testsecret <M>" SIG_PCT "</M> pt";
        char *out = kc_redact_scoped(sc, in, strlen(in));
        assert_string_equal(out, "*** <M>***</M> ***");
        free(out);
    }
    kc_redact_scope_free(sc);
    sc = kc_redact_scope_new(NULL, NULL, 0); /* shapes only */
    char *out = kc_redact_scoped(sc, "Signature=x&y", 13);
    assert_string_equal(out, "Signature=***&y");
    free(out);
    kc_redact_scope_free(sc);
    kc_redactor_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_v1_transcript),
        cmocka_unit_test(test_v3_headers),
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_truncated_input),
        cmocka_unit_test(test_echo_header),
        cmocka_unit_test(test_echo_json),
        cmocka_unit_test(test_echo_xml),
        cmocka_unit_test(test_echo_amp_shape),
        cmocka_unit_test(test_echo_percent),
        cmocka_unit_test(test_registered_forms),
        cmocka_unit_test(test_exchange_literals_do_not_stay),
        cmocka_unit_test(test_overlapping_literals),
        cmocka_unit_test(test_many_literals_long_text),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_may_hold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
