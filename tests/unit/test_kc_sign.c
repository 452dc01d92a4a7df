/* Signatures V1 and V3 against the published vectors (docs/protocol.md
 * names their sources) and canonicalisation edge cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kc/sign.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void expect_v1(const char *secret, const char *method,
                      const struct kc_param *p, size_t n, const char *want)
{
    char sig[29];
    assert_int_equal(kc_sign_v1(secret, method, p, n, sig), 0);
    assert_string_equal(sig, want);
}

/* V1-a: the generic RPC documentation example (ECS DescribeRegions). */
static void v1_ecs_example(void **state)
{
    (void)state;
    const struct kc_param p[] = {
        {"Version", "2014-05-26"},
        {"Timestamp", "2016-02-23T12:46:24Z"},
        {"SignatureVersion", "1.0"},
        {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
        {"SignatureMethod", "HMAC-SHA1"},
        {"Format", "XML"},
        {"Action", "DescribeRegions"},
        {"AccessKeyId", "testid"},
    };
    struct kc_buf sts;
    kc_buf_init(&sts, 0);
    assert_int_equal(kc_sign_v1_string_to_sign(&sts, "GET", p, N(p)), 0);
    assert_string_equal(
        kc_buf_str(&sts),
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3D"
        "XML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-"
        "44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-"
        "02-23T12%253A46%253A24Z%26Version%3D2014-05-26");
    kc_buf_dispose(&sts);
    expect_v1("testsecret", "GET", p, N(p), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
}

/* V1-b: the same with the key spelled "TimeStamp" (older page). */
static void v1_ecs_timestamp_spelling(void **state)
{
    (void)state;
    const struct kc_param p[] = {
        {"AccessKeyId", "testid"},
        {"Action", "DescribeRegions"},
        {"Format", "XML"},
        {"SignatureMethod", "HMAC-SHA1"},
        {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
        {"SignatureVersion", "1.0"},
        {"TimeStamp", "2016-02-23T12:46:24Z"},
        {"Version", "2014-05-26"},
    };
    expect_v1("testsecret", "GET", p, N(p), "CT9X0VtwR86fNWSnsc6v8YGOjuE=");
}

/* V1-c: the KMS CreateKey example, corrected value; Signature is skipped. */
static void v1_kms_createkey(void **state)
{
    (void)state;
    const struct kc_param p[] = {
        {"Action", "CreateKey"},
        {"SignatureVersion", "1.0"},
        {"Format", "json"},
        {"Version", "2016-01-20"},
        {"AccessKeyId", "testid"},
        {"SignatureMethod", "HMAC-SHA1"},
        {"Timestamp", "2016-03-28T03:13:08Z"},
        {"Signature", "ignored-by-canonicalisation"},
    };
    expect_v1("testsecret", "GET", p, N(p), "41wk2SSX1GJh7fwnc5eqOfiJPFg=");
}

/* V1-d and V1-e: SDK unit vectors. */
static void v1_sdk_vectors(void **state)
{
    (void)state;
    const struct kc_param d[] = {{"test", "ok"}};
    expect_v1("accessKeySecret", "", d, N(d), "jHx/oHoHNrbVfhncHEvPdHXZwHU=");
    const struct kc_param e[] = {{"query", "test"}, {"body", "test"}};
    expect_v1("secret", "GET", e, N(e), "XlUyV4sXjOuX5FnjUz9IF9tm5rU=");
}

/* Derived vectors with space, '*', '~', '+' and multi-byte UTF-8. */
static void v1_edge_characters(void **state)
{
    (void)state;
    const struct kc_param p[] = {
        {"AccessKeyId", "testid"},
        {"Action", "DescribeKey"},
        {"Format", "JSON"},
        {"KeyId", "alias/my key*~+\xc3\xa9"},
        {"SignatureMethod", "HMAC-SHA1"},
        {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
        {"SignatureVersion", "1.0"},
        {"Timestamp", "2016-03-28T03:13:08Z"},
        {"Version", "2016-01-20"},
    };
    struct kc_buf c;
    kc_buf_init(&c, 0);
    assert_int_equal(kc_sign_v1_canonical(&c, p, N(p)), 0);
    assert_non_null(
        strstr(kc_buf_str(&c), "&KeyId=alias%2Fmy%20key%2A~%2B%C3%A9&"));
    kc_buf_dispose(&c);
    expect_v1("testsecret", "GET", p, N(p), "pq4uSaNtYmusojfJUNSsULopCe4=");
    expect_v1("testsecret", "POST", p, N(p), "EfHGjjjyXoJAjJ73UWahxISu12A=");
}

static void v1_encrypt_post(void **state)
{
    (void)state;
    const struct kc_param p[] = {
        {"AccessKeyId", "testid"},
        {"Action", "Encrypt"},
        {"EncryptionContext", "{\"Example\":\"Example\"}"},
        {"Format", "JSON"},
        {"KeyId", "key-abc"},
        {"Plaintext", "SGVsbG8gd29ybGQ="},
        {"SignatureMethod", "HMAC-SHA1"},
        {"SignatureNonce", "n-1"},
        {"SignatureVersion", "1.0"},
        {"Timestamp", "2016-03-28T03:13:08Z"},
        {"Version", "2016-01-20"},
    };
    expect_v1("testsecret", "POST", p, N(p), "Wmh50eBqdBIP7qPWKA1/urZ5Y5A=");
}

/* An empty value is signed as "Key=". */
static void v1_empty_value(void **state)
{
    (void)state;
    const struct kc_param p[] = {{"b", ""}, {"a", "1"}};
    struct kc_buf c;
    kc_buf_init(&c, 0);
    assert_int_equal(kc_sign_v1_canonical(&c, p, N(p)), 0);
    assert_string_equal(kc_buf_str(&c), "a=1&b=");
    kc_buf_dispose(&c);
}

static void expect_v3(const struct kc_v3_input *in, const char *secret,
                      const char *names, const char *want)
{
    struct kc_buf sh;
    char sig[65];
    kc_buf_init(&sh, 0);
    assert_int_equal(kc_sign_v3(secret, in, &sh, sig), 0);
    assert_string_equal(kc_buf_str(&sh), names);
    assert_string_equal(sig, want);
    kc_buf_dispose(&sh);
}

#define EMPTY_SHA256                                                           \
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* The official V3 example (RunInstances), both published date/nonce pairs. */
static void v3_official_example(void **state)
{
    (void)state;
    const struct kc_param q[] = {
        {"RegionId", "cn-shanghai"},
        {"ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"},
    };
    struct kc_param h[] = {
        {"host", "ecs.cn-shanghai.aliyuncs.com"},
        {"x-acs-action", "RunInstances"},
        {"x-acs-version", "2014-05-26"},
        {"x-acs-date", "2023-10-26T10:22:32Z"},
        {"x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"},
        {"x-acs-content-sha256", EMPTY_SHA256},
    };
    struct kc_v3_input in = {"POST", "/",          q,    N(q), h,
                             N(h),   EMPTY_SHA256, false};
    struct kc_buf cr;
    char hash[65];
    kc_buf_init(&cr, 0);
    assert_int_equal(kc_sign_v3_canonical_request(&cr, &in), 0);
    kc_sha256_hex(kc_buf_str(&cr), cr.len, hash);
    assert_string_equal(
        hash,
        "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259");
    kc_buf_dispose(&cr);
    const char *names = "host;x-acs-action;x-acs-content-sha256;x-acs-date;"
                        "x-acs-signature-nonce;x-acs-version";
    expect_v3(
        &in, "YourAccessKeySecret", names,
        "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
    h[3].value = "2023-10-26T09:01:01Z";
    h[4].value = "d410180a5abf7fe235dd9b74aca91fc0";
    expect_v3(
        &in, "YourAccessKeySecret", names,
        "e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804");
}

/* Derived KMS DescribeKey vector; header names in mixed case. */
static void v3_kms_describekey(void **state)
{
    (void)state;
    const struct kc_param q[] = {{"KeyId", "key-abc"}};
    const struct kc_param h[] = {
        {"Host", "kms.cn-hangzhou.aliyuncs.com"},
        {"x-acs-action", "DescribeKey"},
        {"x-acs-version", "2016-01-20"},
        {"X-Acs-Date", "2023-10-26T10:22:32Z"},
        {"x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"},
        {"x-acs-content-sha256", EMPTY_SHA256},
    };
    struct kc_v3_input in = {"POST", "/",          q,    N(q), h,
                             N(h),   EMPTY_SHA256, false};
    expect_v3(
        &in, "YourAccessKeySecret",
        "host;x-acs-action;x-acs-content-sha256;x-acs-date;"
        "x-acs-signature-nonce;x-acs-version",
        "eb13ec21d46a5c5075efca26a1267a2c24ded6bf04a8ad12ebf5641d5ffc77e4");
}

/* Repeated headers join sorted values with ','; empty query values take
 * either canonical form. */
static void v3_canonical_forms(void **state)
{
    (void)state;
    const struct kc_param q[] = {{"test", "ok"}, {"empty", ""}};
    const struct kc_param h[] = {{"x-acs-test", " https "},
                                 {"X-ACS-TEST", "http"}};
    struct kc_v3_input in = {"GET", "/", q, N(q), h, N(h), "abc", false};
    struct kc_buf cr;
    kc_buf_init(&cr, 0);
    assert_int_equal(kc_sign_v3_canonical_request(&cr, &in), 0);
    assert_string_equal(kc_buf_str(&cr), "GET\n/\nempty=&test=ok\n"
                                         "x-acs-test:http,https\n\n"
                                         "x-acs-test\nabc");
    kc_buf_dispose(&cr);
    in.bare_empty_values = true;
    kc_buf_init(&cr, 0);
    assert_int_equal(kc_sign_v3_canonical_request(&cr, &in), 0);
    assert_non_null(strstr(kc_buf_str(&cr), "\nempty&test=ok\n"));
    kc_buf_dispose(&cr);
}

static void constant_time_equal(void **state)
{
    (void)state;
    assert_true(kc_sign_equal("abc", "abc"));
    assert_false(kc_sign_equal("abc", "abd"));
    assert_false(kc_sign_equal("abc", "abcd"));
    assert_true(kc_sign_equal("", ""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(v1_ecs_example),
        cmocka_unit_test(v1_ecs_timestamp_spelling),
        cmocka_unit_test(v1_kms_createkey),
        cmocka_unit_test(v1_sdk_vectors),
        cmocka_unit_test(v1_edge_characters),
        cmocka_unit_test(v1_encrypt_post),
        cmocka_unit_test(v1_empty_value),
        cmocka_unit_test(v3_official_example),
        cmocka_unit_test(v3_kms_describekey),
        cmocka_unit_test(v3_canonical_forms),
        cmocka_unit_test(constant_time_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
