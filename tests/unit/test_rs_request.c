/* Unit tests of rs_request (parameter decoding) and of rs_auth's pure
 * parts (timestamp window, V3 header parsing, nonce memory). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rs/auth.h"
#include "rs/request.h"

static enum rs_parse_error parse(struct rs_params *p, const char *s)
{
    rs_params_init(p);
    return rs_params_parse(p, s, strlen(s));
}

static void test_plain(void **state)
{
    struct rs_params p;
    (void)state;
    assert_int_equal(parse(&p, "Action=DescribeKey&KeyId=alias%2Fmy%20key%2A"
                               "~%2B%C3%A9&Empty=&Bare&&Plus=a+b"),
                     RS_PARSE_OK);
    assert_int_equal(p.n, 5);
    assert_string_equal(rs_params_get(&p, "Action"), "DescribeKey");
    assert_string_equal(rs_params_get(&p, "KeyId"), "alias/my key*~+\xC3\xA9");
    assert_string_equal(rs_params_get(&p, "Empty"), "");
    assert_string_equal(rs_params_get(&p, "Bare"), "");
    assert_string_equal(rs_params_get(&p, "Plus"), "a b");
    assert_null(rs_params_get(&p, "Missing"));
    rs_params_dispose(&p);
}

static void test_errors(void **state)
{
    static const struct {
        const char *in;
        enum rs_parse_error want;
    } cases[] = {
        {"a=%zz", RS_PARSE_ESCAPE},         {"a=%4", RS_PARSE_ESCAPE},
        {"a=x%", RS_PARSE_ESCAPE},          {"%g1=x", RS_PARSE_ESCAPE},
        {"a=%C3%28", RS_PARSE_UTF8},        {"a=%FF", RS_PARSE_UTF8},
        {"a=%ED%A0%80", RS_PARSE_UTF8}, /* a surrogate */
        {"a=x%00y", RS_PARSE_UTF8},         {"=v", RS_PARSE_EMPTY},
        {"a=1&b=2&a=1", RS_PARSE_REPEATED}, {"a=1&%61=2", RS_PARSE_REPEATED},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rs_params p;
        assert_int_equal(parse(&p, cases[i].in), cases[i].want);
        rs_params_dispose(&p);
    }
}

static void test_query_and_body_repeat(void **state)
{
    struct rs_params p;
    (void)state;
    assert_int_equal(parse(&p, "Action=X"), RS_PARSE_OK);
    assert_int_equal(rs_params_parse(&p, "KeyId=k&Action=Y", 16),
                     RS_PARSE_REPEATED);
    rs_params_dispose(&p);
}

static void test_too_many(void **state)
{
    struct rs_params p;
    char buf[16];
    (void)state;
    rs_params_init(&p);
    for (int i = 0; i < RS_PARAMS_MAX; i++) {
        snprintf(buf, sizeof(buf), "p%d", i);
        assert_int_equal(rs_params_add(&p, buf, "v"), RS_PARSE_OK);
    }
    assert_int_equal(rs_params_add(&p, "one-more", "v"), RS_PARSE_TOO_MANY);
    assert_int_equal(rs_params_add(&p, "p1", "v"), RS_PARSE_REPEATED);
    rs_params_dispose(&p);
}

static void test_wants_xml(void **state)
{
    (void)state;
    assert_true(rs_request_wants_xml("a=1&Format=xml", 14));
    assert_true(rs_request_wants_xml("Format=XML", 10));
    assert_false(rs_request_wants_xml("Format=JSON&x=XML", 17));
    assert_false(rs_request_wants_xml("Format=xmlx", 11));
    assert_false(rs_request_wants_xml("", 0));
}

static void test_timestamp_window(void **state)
{
    time_t now = 1459134788; /* 2016-03-28T03:13:08Z */
    (void)state;
    assert_int_equal(rs_auth_timestamp("2016-03-28T03:13:08Z", now), 0);
    assert_int_equal(rs_auth_timestamp("2016-03-28T03:28:08Z", now), 0);
    assert_int_equal(rs_auth_timestamp("2016-03-28T02:58:08Z", now), 0);
    assert_int_equal(rs_auth_timestamp("2016-03-28T03:28:09Z", now), -1);
    assert_int_equal(rs_auth_timestamp("2016-03-28T02:58:07Z", now), -1);
    assert_int_equal(rs_auth_timestamp("2016-03-28 03:13:08", now), -1);
    assert_int_equal(rs_auth_timestamp("", now), -1);
    assert_int_equal(rs_auth_timestamp(NULL, now), -1);
}

static void test_v3_header(void **state)
{
    struct rs_v3_auth a;
    (void)state;
    assert_int_equal(
        rs_auth_v3_parse("ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;"
                         "x-acs-date, Signature=abc",
                         &a),
        0);
    assert_string_equal(a.credential, "ak");
    assert_string_equal(a.signed_headers, "host;x-acs-date");
    assert_string_equal(a.signature, "abc");
    rs_auth_v3_dispose(&a);
    assert_int_equal(rs_auth_v3_parse("ACS3-HMAC-SHA256 Credential=ak,"
                                      "Signature=abc",
                                      &a),
                     -1);
    assert_int_equal(rs_auth_v3_parse("ACS3-HMAC-SHA256 Credential=ak,"
                                      "Credential=b,SignedHeaders=h,"
                                      "Signature=abc",
                                      &a),
                     -1);
    assert_int_equal(rs_auth_v3_parse("ACS3-HMAC-SHA256 Credential=,"
                                      "SignedHeaders=h,Signature=abc",
                                      &a),
                     -1);
    assert_int_equal(rs_auth_v3_parse("Basic abc", &a), -1);
    assert_false(rs_auth_is_v3("ACS3-HMAC-SHA2567 x"));
    assert_true(rs_auth_is_v3("ACS3-HMAC-SHA256 x"));
}

static void test_v3_vector(void **state)
{
    /* The derived KMS vector of the research brief (section 3.3). */
    static const struct kc_param query[] = {{"KeyId", "key-abc"}};
    static const struct kc_param headers[] = {
        {"Host", "kms.cn-hangzhou.aliyuncs.com"},
        {"x-acs-action", "DescribeKey"},
        {"x-acs-version", "2016-01-20"},
        {"x-acs-date", "2023-10-26T10:22:32Z"},
        {"x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"},
        {"x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e464"
                                 "9b934ca495991b7852b855"},
        {"User-Agent", "not signed"},
    };
    struct rs_v3_auth a;
    (void)state;
    assert_int_equal(
        rs_auth_v3_parse("ACS3-HMAC-SHA256 Credential=YourAccessKeyId,"
                         "SignedHeaders=host;x-acs-action;x-acs-content-sha256;"
                         "x-acs-date;x-acs-signature-nonce;x-acs-version,"
                         "Signature=eb13ec21d46a5c5075efca26a1267a2c24ded6bf04"
                         "a8ad12ebf5641d5ffc77e4",
                         &a),
        0);
    assert_true(rs_auth_v3_ok("YourAccessKeySecret", "POST", query, 1, headers,
                              7, &a, headers[5].value));
    assert_false(rs_auth_v3_ok("wrong", "POST", query, 1, headers, 7, &a,
                               headers[5].value));
    assert_false(rs_auth_v3_ok("YourAccessKeySecret", "GET", query, 1, headers,
                               7, &a, headers[5].value));
    /* a common header that is sent but not signed */
    char list[] = "host;x-acs-action;x-acs-content-sha256;"
                  "x-acs-signature-nonce;x-acs-version";
    struct rs_v3_auth partial = a;
    partial.signed_headers = list;
    assert_false(rs_auth_v3_ok("YourAccessKeySecret", "POST", query, 1, headers,
                               7, &partial, headers[5].value));
    /* a signed header that is absent */
    assert_false(rs_auth_v3_ok("YourAccessKeySecret", "POST", query, 1,
                               headers + 1, 6, &a, headers[5].value));
    rs_auth_v3_dispose(&a);
}

static void test_nonces(void **state)
{
    struct rs_nonces *n = rs_nonces_new(3, 100);
    (void)state;
    assert_non_null(n);
    assert_int_equal(rs_nonces_use(n, "k", "a", 1000), RS_NONCE_NEW);
    assert_int_equal(rs_nonces_use(n, "k", "a", 1001), RS_NONCE_REUSED);
    assert_int_equal(rs_nonces_use(n, "k", "b", 1002), RS_NONCE_NEW);
    assert_int_equal(rs_nonces_use(n, "k", "a", 1099), RS_NONCE_REUSED);
    /* the same value from another AccessKeyId is its own nonce */
    assert_int_equal(rs_nonces_use(n, "other", "a", 1099), RS_NONCE_NEW);
    /* expired after the window */
    assert_int_equal(rs_nonces_use(n, "k", "a", 1100), RS_NONCE_NEW);
    /* bounded: a new one is refused, none is forgotten early */
    assert_int_equal(rs_nonces_use(n, "k", "c", 1101), RS_NONCE_NEW);
    assert_int_equal(rs_nonces_use(n, "k", "d", 1101), RS_NONCE_FULL);
    assert_int_equal(rs_nonces_use(n, "k", "b", 1101), RS_NONCE_REUSED);
    assert_int_equal(rs_nonces_use(n, "k", "d", 1101), RS_NONCE_FULL);
    /* room again once the oldest ("b", at 1002) has expired */
    assert_int_equal(rs_nonces_use(n, "k", "d", 1102), RS_NONCE_NEW);
    rs_nonces_free(n);
}

/* Issue 14, defect 10: account A floods the table; B's captured request
 * must still be refused as a replay, and A's own old nonces too. */
static void test_nonces_flood_other_account(void **state)
{
    struct rs_nonces *n = rs_nonces_new(50, 1800);
    char v[32];
    (void)state;
    assert_non_null(n);
    assert_int_equal(rs_nonces_use(n, "B", "captured", 1000), RS_NONCE_NEW);
    assert_int_equal(rs_nonces_use(n, "A", "a-first", 1000), RS_NONCE_NEW);
    int refused = 0;
    for (int i = 0; i < 10000; i++) {
        snprintf(v, sizeof(v), "flood-%d", i);
        enum rs_nonce_result r = rs_nonces_use(n, "A", v, 1001);
        assert_true(r == RS_NONCE_NEW || r == RS_NONCE_FULL);
        refused += r == RS_NONCE_FULL;
    }
    assert_int_equal(refused, 10000 - 49);
    assert_int_equal(rs_nonces_use(n, "B", "captured", 2799), RS_NONCE_REUSED);
    assert_int_equal(rs_nonces_use(n, "A", "a-first", 2799), RS_NONCE_REUSED);
    /* B still has room of its own */
    assert_int_equal(rs_nonces_use(n, "B", "fresh", 2799), RS_NONCE_NEW);
    rs_nonces_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_query_and_body_repeat),
        cmocka_unit_test(test_too_many),
        cmocka_unit_test(test_wants_xml),
        cmocka_unit_test(test_timestamp_window),
        cmocka_unit_test(test_v3_header),
        cmocka_unit_test(test_v3_vector),
        cmocka_unit_test(test_nonces),
        cmocka_unit_test(test_nonces_flood_other_account),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
