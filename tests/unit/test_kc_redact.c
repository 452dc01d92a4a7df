/* kc_redact: secrets scrubbed from transcripts, by literal and by shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_v1_transcript),
        cmocka_unit_test(test_v3_headers),
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_truncated_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
