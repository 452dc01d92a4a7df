/* rs_deviate: the strict deviations of kms-refserver, by name and by the
 * bytes each one puts into an answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rs/deviate.h"
#include "kc/codec.h"
#include "rs/reply.h"

static void test_names(void **state)
{
    (void)state;
    unsigned all = 0;
    for (unsigned i = 0; i < RS_DEVIATE_COUNT; i++) {
        unsigned bit = 1u << (RS_DEVIATE_FIRST + i);
        const char *name = rs_deviate_name(bit);
        assert_non_null(name);
        assert_int_equal(rs_deviate_bit(name), bit);
        /* --deviate and the configuration know them through rs_reply */
        assert_int_equal(rs_reply_check_bit(name), bit);
        assert_string_equal(rs_reply_check_name(bit), name);
        all |= bit;
    }
    assert_int_equal(rs_reply_check_bit("json-duplicate-member"),
                     RS_DEV_JSON_DUPLICATE_MEMBER);
    assert_int_equal(rs_deviate_bit("status"), 0);
    assert_int_equal(rs_deviate_bit("nope"), 0);
    assert_null(rs_deviate_name(RS_DEV_STATUS));
    assert_int_equal(all & RS_DEV_PARITY, 0);
}

static char *error_body(unsigned bits, enum rs_format fmt, struct rs_reply *r)
{
    struct rs_deviations d = {bits, NULL, 0, ""};
    assert_int_equal(rs_reply_error(r, &d, fmt, RS_ERR_FORBIDDEN_KEY_NOT_FOUND,
                                    NULL,
                                    "3b237773-bc2c-4bea-95fc-319a1a5baa68"),
                     0);
    assert_int_equal(strlen(r->body), r->len);
    return r->body;
}

static void test_error_bytes(void **state)
{
    (void)state;
    static const struct {
        unsigned bit;
        enum rs_format fmt;
        const char *want;
    } t[] = {
        {RS_DEV_JSON_TRAILING_BYTES, RS_FMT_JSON,
         "baa68\"}\n{\"Code\":\"Deviant\"}"},
        {RS_DEV_JSON_DUPLICATE_MEMBER, RS_FMT_JSON,
         "baa68\",\"Code\":\"Deviant\"}"},
        {RS_DEV_JSON_MEMBER_CASE, RS_FMT_JSON, ",\"code\":\"Deviant\"}"},
        {RS_DEV_JSON_INVALID_UTF8, RS_FMT_JSON, "\"HostId\":\"kms\xC0\xAF\"}"},
        {RS_DEV_JSON_CONTROL_CHARACTER, RS_FMT_JSON, "\"kms\thost\"}"},
        {RS_DEV_JSON_NUMBER_GRAMMAR, RS_FMT_JSON, "{\"HttpStatus\":0404,"},
        {RS_DEV_JSON_WHITESPACE, RS_FMT_JSON, "{\f\"HttpStatus\":404,"},
        {RS_DEV_JSON_LONE_SURROGATE, RS_FMT_JSON, "\"HostId\":\"\\ud800\"}"},
        {RS_DEV_JSON_ESCAPED_NUL, RS_FMT_JSON,
         "\"Code\":\"Forbidden.KeyNotFound\\u0000.Deviant\",\"Message\""},
        {RS_DEV_JSON_STATUS_NOT_INTEGER, RS_FMT_JSON,
         "\"HttpStatus\":404.0,\"Code\""},
        {RS_DEV_XML_DUPLICATE_ELEMENT, RS_FMT_XML,
         "</RequestId><Code>Deviant</Code></KMS>"},
        {RS_DEV_XML_NESTED_ELEMENT, RS_FMT_XML,
         "<KMS><Detail><Code>Deviant</Code></Detail><HttpStatus>"},
        {RS_DEV_XML_NAMESPACE, RS_FMT_XML, "<KMS xmlns=\"urn:deviant:kms\">"},
        {RS_DEV_XML_VERSION, RS_FMT_XML, "<?xml version=\"1.1\" encoding"},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct rs_reply r, plain;
        const char *b = error_body(t[i].bit, t[i].fmt, &r);
        if (!strstr(b, t[i].want))
            fail_msg("%s: '%s' lacks '%s'", rs_deviate_name(t[i].bit), b,
                     t[i].want);
        /* the other format is left as it is */
        enum rs_format other =
            t[i].fmt == RS_FMT_JSON ? RS_FMT_XML : RS_FMT_JSON;
        char *bent = strdup(error_body(t[i].bit, other, &plain));
        rs_reply_dispose(&plain);
        assert_string_equal(bent, error_body(0, other, &plain));
        free(bent);
        rs_reply_dispose(&plain);
        rs_reply_dispose(&r);
    }
}

static void test_error_headers(void **state)
{
    (void)state;
    struct rs_reply r;
    error_body(RS_DEV_CONTENT_TYPE_TWICE | RS_DEV_REQUEST_ID_HEADER_TWICE,
               RS_FMT_JSON, &r);
    assert_string_equal(r.extra_content_type, "text/plain");
    assert_string_equal(r.content_type, "application/json;charset=utf-8");
    assert_true(kc_uuid_valid(r.extra_header_id));
    assert_string_not_equal(r.extra_header_id, r.header_id);
    rs_reply_dispose(&r);
    error_body(RS_DEV_CONTENT_TYPE_PARAMETER, RS_FMT_XML, &r);
    assert_string_equal(r.content_type,
                        "text/xml;charset=utf-8;profile=deviant");
    rs_reply_dispose(&r);
    error_body(RS_DEV_CONTENT_TYPE_CHARSET, RS_FMT_JSON, &r);
    assert_string_equal(r.content_type, "application/json;charset=iso-8859-1");
    rs_reply_dispose(&r);
    error_body(0, RS_FMT_JSON, &r);
    assert_null(r.extra_content_type);
    assert_string_equal(r.extra_header_id, "");
    rs_reply_dispose(&r);
}

static void test_request_id_case(void **state)
{
    (void)state;
    char a[37], b[37];
    struct rs_deviations d = {RS_DEV_REQUEST_ID_CASE, NULL, 0, ""};
    assert_true(rs_deviate_error_id(&d, a));
    assert_true(rs_deviate_error_id(&d, b));
    assert_true(kc_uuid_valid(a));
    assert_string_not_equal(a, b);
    assert_int_equal(strcasecmp(a, b), 0);
    d.checks = 0;
    assert_false(rs_deviate_error_id(&d, a));
    struct rs_reply r;
    d.checks = RS_DEV_REQUEST_ID_CASE;
    assert_int_equal(rs_reply_error(&r, &d, RS_FMT_JSON,
                                    RS_ERR_INTERNAL_FAILURE, NULL, NULL),
                     0);
    assert_int_equal(strcasecmp(r.request_id, a), 0);
    assert_string_equal(r.request_id, r.header_id);
    rs_reply_dispose(&r);
}

static void test_success(void **state)
{
    (void)state;
    struct rs_deviations d = {0, NULL, 0,
                              "00000000-0000-4000-8000-000000000000"};
    struct rs_reply r;
    cJSON *res = cJSON_Parse("{\"KeyId\":\"k\"}");
    assert_int_equal(rs_deviate_success(&r, &d, RS_FMT_JSON, res), 0);
    assert_string_not_equal(r.request_id, d.fixed_id);
    assert_non_null(strstr(r.body, "\"KeyId\":\"k\""));
    rs_reply_dispose(&r);
    d.checks = RS_DEV_SUCCESS_REQUEST_ID_REPEATED;
    assert_int_equal(rs_deviate_success(&r, &d, RS_FMT_JSON, res), 0);
    assert_string_equal(r.request_id, d.fixed_id);
    rs_reply_dispose(&r);
    d.checks = RS_DEV_SUCCESS_ERROR_ENVELOPE;
    assert_int_equal(rs_deviate_success(&r, &d, RS_FMT_JSON, res), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"Code\":\"InternalFailure\""));
    rs_reply_dispose(&r);
    d.checks = RS_DEV_SUCCESS_WRONG_FORMAT;
    assert_int_equal(rs_deviate_success(&r, &d, RS_FMT_JSON, res), 0);
    assert_non_null(strstr(r.body, "<KeyId>k</KeyId>"));
    assert_string_equal(r.content_type, "text/xml;charset=utf-8");
    rs_reply_dispose(&r);
    assert_int_equal(rs_deviate_success(&r, NULL, RS_FMT_XML, res), 0);
    assert_non_null(strstr(r.body, "<KeyId>k</KeyId>"));
    rs_reply_dispose(&r);
    cJSON_Delete(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_error_bytes),
        cmocka_unit_test(test_error_headers),
        cmocka_unit_test(test_request_id_case),
        cmocka_unit_test(test_success),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
