/* kc_check: every check passes on a correct answer and fails, alone where
 * possible, on a crafted wrong one. Table-driven: one row per check and
 * failure mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/catalog.h"
#include "kc/check.h"
#include "kc/target.h"

static const char catalog_json[] =
    "{\"api_version\":\"2016-01-20\",\"errors\":["
    "{\"code\":\"Forbidden.KeyNotFound\",\"http_status\":404,"
    "\"message\":[\"The specified Key is not found.\"]},"
    "{\"code\":\"MissingParameter\",\"http_status\":400,"
    "\"message\":[\"The parameter <parameter name> needed but no "
    "provided.\"]}]}";

static const char envelopes_json[] =
    "{\"kms\":{\"description\":\"d\",\"fields\":{"
    "\"HttpStatus\":{\"type\":\"number\",\"required\":true},"
    "\"Code\":{\"type\":\"string\",\"required\":true},"
    "\"Message\":{\"type\":\"string\",\"required\":true},"
    "\"RequestId\":{\"type\":\"string\",\"required\":true},"
    "\"HostId\":{\"type\":\"string\",\"required\":false}},"
    "\"other_fields\":false,\"xml_roots\":[\"KMS\"]}}";

#define RID "3b237773-bc2c-4bea-95fc-319a1a5baa68"
#define JSON_OK                                                                \
    "{\"HttpStatus\":404,\"Code\":\"Forbidden.KeyNotFound\",\"Message\":"      \
    "\"The specified Key is not found.\",\"RequestId\":\"" RID "\"}"
#define XML_OK                                                                 \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><KMS><HttpStatus>404"           \
    "</HttpStatus><Code>Forbidden.KeyNotFound</Code><Message>The specified "   \
    "Key is not found.</Message><RequestId>" RID "</RequestId></KMS>"

struct row {
    const char *what;
    bool xml;
    long status;
    const char *ct;
    const char *hdr_rid;
    const char *body;
    int want;   /* the check that must fail, -1: none */
    bool alone; /* and no other check */
};

static const struct row rows[] = {
    {"json ok", false, 404, "application/json;charset=utf-8", RID, JSON_OK, -1,
     true},
    {"xml ok", true, 404, "text/xml;charset=utf-8", NULL, XML_OK, -1, true},
    {"xml ok, application/xml", true, 404, "application/xml", RID, XML_OK, -1,
     true},
    {"status", false, 400, "application/json", RID,
     "{\"HttpStatus\":400,\"Code\":\"Forbidden.KeyNotFound\",\"Message\":"
     "\"The specified Key is not found.\",\"RequestId\":\"" RID "\"}",
     KC_CHECK_STATUS, true},
    {"code", false, 404, "application/json", RID,
     "{\"HttpStatus\":404,\"Code\":\"Forbidden.KeyNotFound.X\",\"Message\":"
     "\"The specified Key is not found.\",\"RequestId\":\"" RID "\"}",
     KC_CHECK_CODE, true},
    {"message", false, 404, "application/json", RID,
     "{\"HttpStatus\":404,\"Code\":\"Forbidden.KeyNotFound\",\"Message\":"
     "\"Key not found.\",\"RequestId\":\"" RID "\"}",
     KC_CHECK_MESSAGE, true},
    {"request-id not a uuid", false, 404, "application/json", NULL,
     "{\"HttpStatus\":404,\"Code\":\"Forbidden.KeyNotFound\",\"Message\":"
     "\"The specified Key is not found.\",\"RequestId\":\"abc\"}",
     KC_CHECK_REQUEST_ID, true},
    {"request-id-header", false, 404, "application/json",
     "00000000-0000-0000-0000-000000000000", JSON_OK,
     KC_CHECK_REQUEST_ID_HEADER, true},
    {"envelope: HttpStatus missing", false, 404, "application/json", RID,
     "{\"Code\":\"Forbidden.KeyNotFound\",\"Message\":"
     "\"The specified Key is not found.\",\"RequestId\":\"" RID "\"}",
     KC_CHECK_ENVELOPE, true},
    {"envelope: result data", false, 404, "application/json", RID,
     "{\"HttpStatus\":404,\"Code\":\"Forbidden.KeyNotFound\",\"Message\":"
     "\"The specified Key is not found.\",\"RequestId\":\"" RID
     "\",\"KeyMetadata\":{}}",
     KC_CHECK_ENVELOPE, true},
    {"envelope: HttpStatus a string", false, 404, "application/json", RID,
     "{\"HttpStatus\":\"404\",\"Code\":\"Forbidden.KeyNotFound\","
     "\"Message\":\"The specified Key is not found.\",\"RequestId\":\"" RID
     "\"}",
     KC_CHECK_ENVELOPE, true},
    {"envelope: HttpStatus differs", false, 404, "application/json", RID,
     "{\"HttpStatus\":403,\"Code\":\"Forbidden.KeyNotFound\",\"Message\":"
     "\"The specified Key is not found.\",\"RequestId\":\"" RID "\"}",
     KC_CHECK_ENVELOPE, true},
    {"envelope: HostId tolerated", false, 404, "application/json", RID,
     "{\"HttpStatus\":404,\"Code\":\"Forbidden.KeyNotFound\",\"Message\":"
     "\"The specified Key is not found.\",\"RequestId\":\"" RID
     "\",\"HostId\":\"kms.example\"}",
     -1, true},
    {"format: json cut", false, 404, "application/json", RID,
     "{\"HttpStatus\":404,\"Code\":\"Forb", KC_CHECK_FORMAT, true},
    {"format: json array", false, 404, "application/json", RID, "[1]",
     KC_CHECK_FORMAT, true},
    {"format: xml cut", true, 404, "text/xml", RID,
     "<?xml version=\"1.0\"?><KMS><Code>", KC_CHECK_FORMAT, true},
    {"format: xml root", true, 404, "text/xml", RID,
     "<Error><Code>Forbidden.KeyNotFound</Code></Error>", KC_CHECK_FORMAT,
     true},
    {"format: xml with a DOCTYPE", true, 404, "text/xml", RID,
     "<!DOCTYPE KMS [<!ENTITY e \"Forbidden.KeyNotFound\">]><KMS>"
     "<HttpStatus>404</HttpStatus><Code>&e;</Code><Message>The specified "
     "Key is not found.</Message><RequestId>" RID "</RequestId></KMS>",
     KC_CHECK_FORMAT, true},
    {"content-type json for xml", true, 404, "application/json", RID, XML_OK,
     KC_CHECK_CONTENT_TYPE, true},
    {"content-type missing", false, 404, NULL, RID, JSON_OK,
     KC_CHECK_CONTENT_TYPE, true},
    {"content-type text/plain", false, 404, "text/plain", RID, JSON_OK,
     KC_CHECK_CONTENT_TYPE, true},
};

struct fx {
    struct kc_catalog *cat;
    struct kc_envelope *env;
};

static int setup(void **state)
{
    static struct fx f;
    char err[256];
    if (kc_catalog_parse(&f.cat, catalog_json, sizeof(catalog_json) - 1,
                         "catalog", err, sizeof(err)) ||
        kc_envelope_parse(&f.env, envelopes_json, sizeof(envelopes_json) - 1,
                          "envelopes", "kms", err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    kc_catalog_free(f->cat);
    kc_envelope_free(f->env);
    return 0;
}

static void check_row(const struct fx *f, const struct row *r)
{
    struct kc_expected_error ex = {
        kc_catalog_find(f->cat, "Forbidden.KeyNotFound"), NULL, 0, f->env};
    struct kc_answer a = {r->xml,  r->status,       r->ct, r->hdr_rid,
                          r->body, strlen(r->body), 0,     0};
    struct kc_ridset *rids = kc_ridset_new();
    struct kc_check_result res;
    kc_check_error(&ex, &a, rids, &res);
    if (r->want < 0 && res.nfailures) {
        fail_msg("%s: unexpected failure %s: %s", r->what,
                 kc_check_name(res.failures[0].check), res.failures[0].message);
    }
    if (r->want >= 0 && !kc_check_failed(&res, (enum kc_check)r->want))
        fail_msg("%s: check %s did not fail", r->what,
                 kc_check_name((enum kc_check)r->want));
    if (r->want >= 0 && r->alone && res.nfailures != 1)
        fail_msg("%s: %zu checks failed, expected only %s", r->what,
                 res.nfailures, kc_check_name((enum kc_check)r->want));
    for (size_t i = 0; i < res.nfailures; i++)
        assert_null(strchr(res.failures[i].message, '\n'));
    kc_check_result_dispose(&res);
    kc_ridset_free(rids);
}

static void test_table(void **state)
{
    const struct fx *f = *state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        check_row(f, &rows[i]);
}

static void test_request_id_unique(void **state)
{
    const struct fx *f = *state;
    struct kc_expected_error ex = {
        kc_catalog_find(f->cat, "Forbidden.KeyNotFound"), NULL, 0, f->env};
    struct kc_answer a = {
        false, 404, "application/json", RID, JSON_OK, strlen(JSON_OK), 0, 0};
    struct kc_ridset *rids = kc_ridset_new();
    struct kc_check_result r1, r2;
    kc_check_error(&ex, &a, rids, &r1);
    kc_check_error(&ex, &a, rids, &r2);
    assert_int_equal(r1.nfailures, 0);
    assert_int_equal(r2.nfailures, 1);
    assert_true(kc_check_failed(&r2, KC_CHECK_REQUEST_ID_UNIQUE));
    kc_check_result_dispose(&r1);
    kc_check_result_dispose(&r2);
    /* many ids: the set grows and still finds them */
    char id[37];
    for (int i = 0; i < 5000; i++) {
        snprintf(id, sizeof(id), "%08d-0000-0000-0000-000000000000", i);
        assert_true(kc_ridset_insert(rids, id));
    }
    assert_false(
        kc_ridset_insert(rids, "00004999-0000-0000-0000-000000000000"));
    kc_ridset_free(rids);
}

static void test_message_args(void **state)
{
    const struct fx *f = *state;
    const struct kc_arg args[] = {{"parameter name", "KeyId"}};
    const char *body_ok =
        "{\"HttpStatus\":400,\"Code\":\"MissingParameter\",\"Message\":"
        "\"The parameter KeyId needed but no provided.\",\"RequestId\":\"" RID
        "\"}";
    const char *body_bad =
        "{\"HttpStatus\":400,\"Code\":\"MissingParameter\",\"Message\":"
        "\"The parameter Plaintext needed but no "
        "provided.\",\"RequestId\":\"" RID "\"}";
    struct kc_expected_error ex = {kc_catalog_find(f->cat, "MissingParameter"),
                                   args, 1, f->env};
    struct kc_answer a = {
        false, 400, "application/json", NULL, body_ok, strlen(body_ok), 0, 0};
    struct kc_check_result res;
    kc_check_error(&ex, &a, NULL, &res);
    assert_int_equal(res.nfailures, 0);
    kc_check_result_dispose(&res);
    a.body = body_bad;
    a.body_len = strlen(body_bad);
    kc_check_error(&ex, &a, NULL, &res);
    assert_true(kc_check_failed(&res, KC_CHECK_MESSAGE));
    assert_int_equal(res.nfailures, 1);
    kc_check_result_dispose(&res);
}

/* Each check fails at most once per answer, so KC_CHECK_FAILURES_MAX leaves
 * room for the KC_CHECK_CARRIED_MAX failures the scheduler adds. */
static void test_each_check_once(void **state)
{
    const struct fx *f = *state;
    struct kc_expected_error ex = {
        kc_catalog_find(f->cat, "Forbidden.KeyNotFound"), NULL, 0, f->env};
    const char *bad = "{\"HttpStatus\":\"x\",\"Code\":\"Wrong\",\"Message\":"
                      "\"no\",\"RequestId\":\"not-a-uuid\",\"Extra\":1}";
    struct kc_answer a = {false, 500, "text/plain", "other", bad, strlen(bad),
                          0,     0};
    struct kc_answer j = {
        false, 404, "application/json", NULL, JSON_OK, strlen(JSON_OK), 0, 0};
    struct kc_ridset *rids = kc_ridset_new();
    struct kc_check_result rj, rx;
    size_t seen[KC_CHECK_COUNT] = {0};

    assert_true(kc_ridset_insert(rids, "not-a-uuid"));
    kc_check_error(&ex, &j, NULL, &rj);
    kc_check_error(&ex, &a, rids, &rx);
    kc_check_parity(&rj, &rx);
    assert_true(rx.nfailures >= KC_CHECK_COUNT - 1);
    assert_true(rx.nfailures <= KC_CHECK_COUNT);
    for (size_t i = 0; i < rx.nfailures; i++)
        assert_int_equal(++seen[rx.failures[i].check], 1);
    assert_int_equal(sizeof(rx.failures) / sizeof(rx.failures[0]),
                     KC_CHECK_COUNT + KC_CHECK_CARRIED_MAX);
    kc_check_result_dispose(&rj);
    kc_check_result_dispose(&rx);
    kc_ridset_free(rids);
}

static void test_parity(void **state)
{
    const struct fx *f = *state;
    struct kc_expected_error ex = {
        kc_catalog_find(f->cat, "Forbidden.KeyNotFound"), NULL, 0, f->env};
    const char *xml_space =
        "<KMS><HttpStatus>404</HttpStatus><Code>Forbidden.KeyNotFound</Code>"
        "<Message>The specified Key is not found. </Message><RequestId>"
        "a0000000-0000-0000-0000-000000000000</RequestId></KMS>";
    struct kc_answer j = {
        false, 404, "application/json", NULL, JSON_OK, strlen(JSON_OK), 0, 0};
    struct kc_answer x = {true,           404, "text/xml", NULL, XML_OK,
                          strlen(XML_OK), 0,   0};
    struct kc_check_result rj, rx;
    kc_check_error(&ex, &j, NULL, &rj);
    kc_check_error(&ex, &x, NULL, &rx);
    kc_check_parity(&rj, &rx);
    assert_int_equal(rj.nfailures + rx.nfailures, 0);
    kc_check_result_dispose(&rx);
    x.body = xml_space;
    x.body_len = strlen(xml_space);
    kc_check_error(&ex, &x, NULL, &rx);
    assert_int_equal(rx.nfailures, 0); /* the message check trims */
    kc_check_parity(&rj, &rx);
    assert_int_equal(rx.nfailures, 0); /* and so does parity */
    kc_check_result_dispose(&rx);
    /* a wording no template has, on one side: compared as text */
    const char *xml_other =
        "<KMS><HttpStatus>404</HttpStatus><Code>Forbidden.KeyNotFound</Code>"
        "<Message>The specified key is not found.</Message><RequestId>"
        "a0000000-0000-0000-0000-000000000000</RequestId></KMS>";
    x.body = xml_other;
    x.body_len = strlen(xml_other);
    kc_check_error(&ex, &x, NULL, &rx);
    assert_true(kc_check_failed(&rx, KC_CHECK_MESSAGE));
    kc_check_parity(&rj, &rx);
    assert_true(kc_check_failed(&rx, KC_CHECK_PARITY));
    kc_check_result_dispose(&rj);
    kc_check_result_dispose(&rx);
}

static void test_success(void **state)
{
    (void)state;
    const char *ok = "{\"RequestId\":\"" RID "\",\"KeyMetadata\":{}}";
    const char *bad = "{\"KeyMetadata\":{}}";
    struct kc_answer a = {false, 200, "application/json", NULL, ok, strlen(ok),
                          0,     0};
    struct kc_check_result res;
    kc_check_success(&a, NULL, &res);
    assert_int_equal(res.nfailures, 0);
    kc_check_result_dispose(&res);
    a.body = bad;
    a.body_len = strlen(bad);
    kc_check_success(&a, NULL, &res);
    assert_true(kc_check_failed(&res, KC_CHECK_REQUEST_ID));
    kc_check_result_dispose(&res);
}

static void test_names(void **state)
{
    (void)state;
    const char *want[] = {"status",
                          "code",
                          "message",
                          "request-id",
                          "request-id-header",
                          "request-id-unique",
                          "envelope",
                          "format",
                          "content-type",
                          "parity"};
    for (int i = 0; i < KC_CHECK_COUNT; i++)
        assert_string_equal(kc_check_name((enum kc_check)i), want[i]);
    assert_true(
        kc_check_content_type_ok("Application/JSON; charset=UTF-8", false));
    assert_false(kc_check_content_type_ok("application/json; foo=bar", false));
    assert_false(kc_check_content_type_ok("application/jsonx", false));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_request_id_unique),
        cmocka_unit_test(test_message_args),
        cmocka_unit_test(test_parity),
        cmocka_unit_test(test_each_check_once),
        cmocka_unit_test(test_success),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
