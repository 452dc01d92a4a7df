/* Unit tests of rs_reply: the error table (also against
 * suite/catalog.json), envelopes, success bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kc/codec.h"
#include "kc/err.h"
#include "kc/json.h"
#include "rs/reply.h"

#define RID      "3b237773-bc2c-4bea-95fc-319a1a5baa68"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define CATALOG  KC_SOURCE_DIR "/suite/catalog.json"
#define NCATALOG 32

static void test_table_has_the_seed(void **state)
{
    size_t documented = 0;
    (void)state;
    for (size_t i = 0; i < rs_reply_count(); i++)
        documented += rs_reply_at(i)->documented;
    assert_int_equal(documented, 32);
    assert_int_equal(rs_reply_find("Forbidden.InDebtOverdue")->status, 403);
    assert_int_equal(rs_reply_find("Rejected.PendingImport")->status, 409);
    assert_int_equal(rs_reply_find("ServiceUnavailableTemporary")->status, 503);
    assert_null(rs_reply_find("NoSuchCode"));
    assert_null(rs_reply_at(rs_reply_count()));
}

/* Every enum rs_err_code has its entry (no gap in the designated
 * initializers), under a name of its own, and iteration visits them in
 * enum order. */
static void test_every_code_has_an_entry(void **state)
{
    (void)state;
    assert_null(rs_reply_def(RS_ERR_NONE));
    assert_null(rs_reply_def(RS_ERR_COUNT));
    assert_int_equal(rs_reply_count(), RS_ERR_COUNT - 1);
    for (int c = RS_ERR_NONE + 1; c < RS_ERR_COUNT; c++) {
        const struct rs_errdef *def = rs_reply_def((enum rs_err_code)c);
        assert_non_null(def);
        assert_non_null(def->code);
        assert_non_null(def->message);
        assert_true(def->status >= 400 && def->status <= 599);
        assert_ptr_equal(rs_reply_find(def->code), def);
        assert_ptr_equal(rs_reply_at((size_t)(c - 1)), def);
    }
}

/*
 * Template matching as suite/catalog.json means it (runner/src/catalog.c):
 * a placeholder "<name>" matches one non-empty token (no white space, no
 * '"'), everything else byte for byte.
 */
static bool template_matches(const char *t, const char *m)
{
    const char *close = *t == '<' ? strchr(t, '>') : NULL;
    if (close) {
        for (size_t k = 1; m[k - 1] && m[k - 1] != ' ' && m[k - 1] != '"';
             k++) {
            if (template_matches(close + 1, m + k))
                return true;
        }
        return false;
    }
    if (!*t || *t != *m)
        return !*t && !*m;
    return template_matches(t + 1, m + 1);
}

/* Whether msg matches one of the templates of the catalog entry. */
static bool catalog_matches(const cJSON *entry, const char *msg)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(entry, "message"))
    {
        if (cJSON_IsString(t) && template_matches(t->valuestring, msg))
            return true;
    }
    return false;
}

/* The entry of code in the catalog's errors array, NULL when absent. */
static const cJSON *catalog_entry(const cJSON *errors, const char *code)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, errors)
    {
        const char *c = NULL;
        if (kc_json_string(e, "code", &c) == KC_JSON_OK && !strcmp(c, code))
            return e;
    }
    return NULL;
}

/* Every message the server can produce for def (with the placeholder
 * bound to some parameter names) matches a template of the entry. */
static void expect_messages_match(const struct rs_errdef *def,
                                  const cJSON *entry)
{
    static const char *const args[] = {"KeyId", "AliasName", "RegionId"};
    char msg[1024];
    for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
        rs_reply_message(msg, sizeof(msg), def, args[i]);
        if (!catalog_matches(entry, msg)) {
            print_error("%s: message \"%s\" matches no template of %s\n",
                        def->code, msg, CATALOG);
            fail();
        }
    }
}

/* The error table against suite/catalog.json: the same 32 codes, the
 * same HTTP status each, and messages the catalog's templates allow. */
static void test_table_matches_catalog(void **state)
{
    char err[KC_ERR_MAX] = "";
    size_t documented = 0;
    (void)state;
    cJSON *root = kc_json_load(CATALOG, KC_JSON_FILE_MAX, err, sizeof(err));
    if (!root)
        print_error("%s\n", err);
    assert_non_null(root);
    const cJSON *errors = NULL;
    assert_int_equal(kc_json_array(root, "errors", &errors), KC_JSON_OK);
    assert_int_equal(cJSON_GetArraySize(errors), NCATALOG);
    for (size_t i = 0; i < rs_reply_count(); i++) {
        const struct rs_errdef *def = rs_reply_at(i);
        const cJSON *entry = catalog_entry(errors, def->code);
        long status = 0;
        if ((entry != NULL) != def->documented) {
            print_error("%s: documented=%d but %s in %s\n", def->code,
                        def->documented, entry ? "present" : "absent", CATALOG);
            fail();
        }
        if (!entry)
            continue;
        documented++;
        assert_int_equal(kc_json_long(entry, "http_status", 100, 599, &status),
                         KC_JSON_OK);
        if (status != (long)def->status) {
            print_error("%s: status %u, catalog says %ld\n", def->code,
                        def->status, status);
            fail();
        }
        expect_messages_match(def, entry);
    }
    /* and no catalog code is missing from the table */
    assert_int_equal(documented, NCATALOG);
    cJSON_Delete(root);
}

static void test_placeholder(void **state)
{
    char msg[256];
    (void)state;
    rs_reply_message(msg, sizeof(msg), rs_reply_find("MissingParameter"),
                     "KeyId");
    assert_string_equal(msg,
                        "The parameter \"KeyId\" is needed but not provided.");
    rs_reply_message(msg, sizeof(msg), rs_reply_find("InvalidParameter"),
                     "RegionId");
    assert_string_equal(msg,
                        "The specified parameter \"RegionId\" is not valid.");
    rs_reply_message(msg, sizeof(msg), rs_reply_find("InternalFailure"), "x");
    assert_string_equal(msg, "Internal Failure.");
}

static void test_error_json_bytes(void **state)
{
    struct rs_reply r;
    (void)state;
    assert_int_equal(rs_reply_error(&r, NULL, RS_FMT_JSON,
                                    RS_ERR_ILLEGAL_TIMESTAMP, NULL, RID),
                     0);
    assert_string_equal(
        r.body, "{\"HttpStatus\":400,\"Code\":\"IllegalTimestamp\","
                "\"Message\":\"The input parameter \\\"Timestamp\\\" that is "
                "required for processing this request is not supplied.\","
                "\"RequestId\":\"" RID "\"}");
    assert_int_equal(r.len, strlen(r.body));
    assert_int_equal(r.status, 400);
    assert_string_equal(r.content_type, "application/json;charset=utf-8");
    assert_string_equal(r.request_id, RID);
    assert_string_equal(r.header_id, RID);
    assert_string_equal(r.code, "IllegalTimestamp");
    rs_reply_dispose(&r);
}

static void test_error_xml_bytes(void **state)
{
    struct rs_reply r;
    (void)state;
    assert_int_equal(rs_reply_error(&r, NULL, RS_FMT_XML,
                                    RS_ERR_MISSING_PARAMETER, "KeyId", RID),
                     0);
    assert_string_equal(r.body,
                        XML_DECL "<KMS><HttpStatus>400</HttpStatus>"
                                 "<Code>MissingParameter</Code><Message>The "
                                 "parameter &quot;KeyId&quot; is needed but "
                                 "not provided.</Message><RequestId>" RID
                                 "</RequestId></KMS>");
    assert_string_equal(r.content_type, "text/xml;charset=utf-8");
    rs_reply_dispose(&r);
    assert_int_equal(rs_reply_error(&r, NULL, RS_FMT_XML,
                                    RS_ERR_INTERNAL_FAILURE, NULL, RID),
                     0);
    assert_int_equal(r.status, 500);
    assert_non_null(strstr(r.body, "<Message>Internal Failure.</Message>"));
    rs_reply_dispose(&r);
}

static void test_xml_escaping(void **state)
{
    struct rs_reply r;
    (void)state;
    assert_int_equal(rs_reply_error(&r, NULL, RS_FMT_XML,
                                    RS_ERR_INVALID_PARAMETER, "<a&b>'\"\x01",
                                    RID),
                     0);
    assert_non_null(strstr(r.body, "parameter &quot;&lt;a&amp;b&gt;&apos;"
                                   "&quot;\xEF\xBF\xBD&quot; is not valid."));
    rs_reply_dispose(&r);
}

static void test_unknown_code_is_internal(void **state)
{
    struct rs_reply r;
    (void)state;
    assert_int_equal(
        rs_reply_error(&r, NULL, RS_FMT_JSON, RS_ERR_COUNT, NULL, NULL), 0);
    assert_int_equal(r.status, 500);
    assert_string_equal(r.code, "InternalFailure");
    assert_true(kc_uuid_valid(r.request_id));
    rs_reply_dispose(&r);
    assert_int_equal(
        rs_reply_error(&r, NULL, RS_FMT_JSON, RS_ERR_NONE, NULL, NULL), 0);
    assert_string_equal(r.code, "InternalFailure");
    rs_reply_dispose(&r);
}

static void test_fresh_lowercase_ids(void **state)
{
    struct rs_reply a, b;
    (void)state;
    assert_int_equal(rs_reply_error(&a, NULL, RS_FMT_JSON,
                                    RS_ERR_FORBIDDEN_IN_DEBT, NULL, NULL),
                     0);
    assert_int_equal(rs_reply_success(&b, RS_FMT_JSON, NULL, NULL), 0);
    assert_true(kc_uuid_valid(a.request_id));
    assert_true(kc_uuid_valid(b.request_id));
    assert_string_not_equal(a.request_id, b.request_id);
    for (const char *p = a.request_id; *p; p++)
        assert_false(*p >= 'A' && *p <= 'F');
    rs_reply_dispose(&a);
    rs_reply_dispose(&b);
}

static void test_success_bodies(void **state)
{
    struct rs_reply r;
    cJSON *res = cJSON_Parse("{\"KeyMetadata\":{\"KeyId\":\"k-1\",\"Size\":3,"
                             "\"On\":true},\"Keys\":{\"Key\":[{\"KeyId\":"
                             "\"a\"},{\"KeyId\":\"b<\"}]},\"Empty\":\"\"}");
    (void)state;
    assert_non_null(res);
    assert_int_equal(rs_reply_success(&r, RS_FMT_JSON, res, RID), 0);
    assert_string_equal(
        r.body, "{\"RequestId\":\"" RID "\",\"KeyMetadata\":{\"KeyId\":"
                "\"k-1\",\"Size\":3,\"On\":true},\"Keys\":{\"Key\":[{\"KeyId\":"
                "\"a\"},{\"KeyId\":\"b<\"}]},\"Empty\":\"\"}");
    assert_int_equal(r.status, 200);
    rs_reply_dispose(&r);
    assert_int_equal(rs_reply_success(&r, RS_FMT_XML, res, RID), 0);
    assert_string_equal(r.body, XML_DECL
                        "<KMS><RequestId>" RID "</RequestId><KeyMetadata>"
                        "<KeyId>k-1</KeyId><Size>3</Size><On>true</On>"
                        "</KeyMetadata><Keys><Key><KeyId>a</KeyId></Key><Key>"
                        "<KeyId>b&lt;</KeyId></Key></Keys><Empty></Empty>"
                        "</KMS>");
    assert_string_equal(r.content_type, "text/xml;charset=utf-8");
    rs_reply_dispose(&r);
    cJSON_Delete(res);
}

static void test_deviations(void **state)
{
    static const char *const codes[] = {"Forbidden.InDebt"};
    struct rs_deviations d = {.checks = RS_DEV_CODE | RS_DEV_MESSAGE |
                                        RS_DEV_ENVELOPE | RS_DEV_PARITY,
                              .codes = codes,
                              .ncodes = 1};
    struct rs_reply r;
    (void)state;
    assert_int_equal(
        rs_reply_error(&r, &d, RS_FMT_XML, RS_ERR_FORBIDDEN_IN_DEBT, NULL, RID),
        0);
    assert_int_equal(r.status, 404);
    assert_string_equal(r.body, XML_DECL
                        "<KMS><Code>Forbidden.InDebt.Deviant</Code>"
                        "<Message>Deviant: Current user is indebted."
                        "</Message><RequestId>" RID "</RequestId></KMS>");
    rs_reply_dispose(&r);
    /* parity: another documented wording in XML, where the code has one */
    d.checks = RS_DEV_PARITY;
    assert_int_equal(rs_reply_error(&r, &d, RS_FMT_XML,
                                    RS_ERR_MISSING_PARAMETER, "KeyId", RID),
                     0);
    assert_non_null(
        strstr(r.body, "<Message>The parameter needed but no provided.<"));
    rs_reply_dispose(&r);
    assert_int_equal(rs_reply_error(&r, &d, RS_FMT_JSON,
                                    RS_ERR_MISSING_PARAMETER, "KeyId", RID),
                     0);
    assert_non_null(strstr(r.body, "is needed but not provided."));
    rs_reply_dispose(&r);
    d.checks = RS_DEV_CODE | RS_DEV_MESSAGE | RS_DEV_ENVELOPE | RS_DEV_PARITY;
    /* parity only bends XML; the code list only its codes */
    assert_int_equal(rs_reply_error(&r, &d, RS_FMT_JSON,
                                    RS_ERR_FORBIDDEN_IN_DEBT, NULL, RID),
                     0);
    assert_non_null(strstr(r.body, "\"Deviant: Current user is indebted.\""));
    rs_reply_dispose(&r);
    assert_int_equal(
        rs_reply_error(&r, &d, RS_FMT_JSON, RS_ERR_INTERNAL_FAILURE, NULL, RID),
        0);
    assert_int_equal(r.status, 500);
    rs_reply_dispose(&r);

    d = (struct rs_deviations){.checks = RS_DEV_STATUS | RS_DEV_REQUEST_ID |
                                         RS_DEV_CONTENT_TYPE | RS_DEV_FORMAT};
    assert_int_equal(
        rs_reply_error(&r, &d, RS_FMT_JSON, RS_ERR_INTERNAL_FAILURE, NULL, RID),
        0);
    assert_int_equal(r.status, 501);
    assert_non_null(strstr(r.request_id, "not-a-uuid-"));
    assert_string_equal(r.request_id, r.header_id);
    assert_string_equal(r.content_type, "text/plain");
    assert_int_equal(r.len, strlen(r.body) / 2);
    rs_reply_dispose(&r);

    d = (struct rs_deviations){.checks = RS_DEV_REQUEST_ID_HEADER |
                                         RS_DEV_REQUEST_ID_UNIQUE};
    kc_uuid4(d.fixed_id);
    assert_int_equal(rs_reply_error(&r, &d, RS_FMT_JSON,
                                    RS_ERR_INTERNAL_FAILURE, NULL, NULL),
                     0);
    assert_string_equal(r.request_id, d.fixed_id);
    assert_true(kc_uuid_valid(r.header_id));
    assert_string_not_equal(r.header_id, r.request_id);
    rs_reply_dispose(&r);
}

static void test_check_names(void **state)
{
    static const char *const names[] = {"status",
                                        "code",
                                        "message",
                                        "request-id",
                                        "request-id-header",
                                        "request-id-unique",
                                        "envelope",
                                        "format",
                                        "content-type",
                                        "parity"};
    (void)state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        unsigned bit = rs_reply_check_bit(names[i]);
        assert_int_not_equal(bit, 0);
        assert_string_equal(rs_reply_check_name(bit), names[i]);
    }
    assert_int_equal(rs_reply_check_bit("nope"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_has_the_seed),
        cmocka_unit_test(test_every_code_has_an_entry),
        cmocka_unit_test(test_table_matches_catalog),
        cmocka_unit_test(test_placeholder),
        cmocka_unit_test(test_error_json_bytes),
        cmocka_unit_test(test_error_xml_bytes),
        cmocka_unit_test(test_xml_escaping),
        cmocka_unit_test(test_unknown_code_is_internal),
        cmocka_unit_test(test_fresh_lowercase_ids),
        cmocka_unit_test(test_success_bodies),
        cmocka_unit_test(test_deviations),
        cmocka_unit_test(test_check_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
