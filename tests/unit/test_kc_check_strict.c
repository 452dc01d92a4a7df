/* kc_check, strict rules (docs/checks.md, "One reading of every answer"):
 * for each rule the bytes that break it fail exactly the intended check
 * with a message naming the ambiguity, and the legitimate variations
 * (benign twins) pass. Table-driven. */
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
    "\"message\":[\"The specified Key is not found.\"]}]}";

static const char envelopes_json[] =
    "{\"kms\":{\"description\":\"d\",\"fields\":{"
    "\"HttpStatus\":{\"type\":\"number\",\"required\":true},"
    "\"Code\":{\"type\":\"string\",\"required\":true},"
    "\"Message\":{\"type\":\"string\",\"required\":true},"
    "\"RequestId\":{\"type\":\"string\",\"required\":true},"
    "\"HostId\":{\"type\":\"string\",\"required\":false}},"
    "\"other_fields\":false,\"xml_roots\":[\"KMS\"]}}";

#define RID  "3b237773-bc2c-4bea-95fc-319a1a5baa68"
#define URID "3B237773-BC2C-4BEA-95FC-319A1A5BAA68"
#define CODE "\"Code\":\"Forbidden.KeyNotFound\""
#define MSG  "\"Message\":\"The specified Key is not found.\""
#define JSON_FIELDS                                                            \
    "\"HttpStatus\":404," CODE "," MSG ",\"RequestId\":\"" RID "\""
#define JSON_OK "{" JSON_FIELDS "}"
#define XML_FIELDS                                                             \
    "<HttpStatus>404</HttpStatus><Code>Forbidden.KeyNotFound</Code>"           \
    "<Message>The specified Key is not found.</Message>"                       \
    "<RequestId>" RID "</RequestId>"
#define XML_OK                                                                 \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><KMS>" XML_FIELDS "</KMS>"
#define CT_J "application/json;charset=utf-8"
#define CT_X "text/xml;charset=utf-8"

/* Body bytes with a length (they may hold NUL). */
#define B(s) s, sizeof(s) - 1

struct row {
    const char *what;
    bool xml;
    const char *ct;
    unsigned ct_count;
    const char *hdr_rid;
    unsigned rid_count;
    const char *body;
    size_t len;
    int want;         /* the only check that must fail; -1: none */
    const char *text; /* part of its message */
};

static const struct row rows[] = {
    /* ---- JSON: exactly one value and nothing after it ---- */
    {"json-trailing-bytes", false, CT_J, 1, RID, 1,
     B(JSON_OK "\n{\"Code\":\"Deviant\"}"), KC_CHECK_FORMAT,
     "after the JSON value"},
    {"twin: trailing white space", false, CT_J, 1, RID, 1, B(JSON_OK "\r\n"),
     -1, NULL},
    /* ---- JSON: every member once ---- */
    {"json-duplicate-member", false, CT_J, 1, RID, 1,
     B("{" JSON_FIELDS ",\"Code\":\"Forbidden.KeyNotFound.Deviant\"}"),
     KC_CHECK_FORMAT, "member \"Code\" appears twice (readers disagree"},
    {"twin: reordered members", false, CT_J, 1, RID, 1,
     B("{\"RequestId\":\"" RID "\"," MSG "," CODE ",\"HttpStatus\":404}"), -1,
     NULL},
    {"json-member-case", false, CT_J, 1, RID, 1,
     B("{" JSON_FIELDS ",\"code\":\"Deviant\"}"), KC_CHECK_FORMAT,
     "differ only in case"},
    {"twin: HostId tolerated", false, CT_J, 1, RID, 1,
     B("{" JSON_FIELDS ",\"HostId\":\"kms.example\"}"), -1, NULL},
    /* ---- JSON: valid UTF-8 ---- */
    {"json-invalid-utf8", false, CT_J, 1, RID, 1,
     B("{" JSON_FIELDS ",\"HostId\":\"kms\xC0\xAF\"}"), KC_CHECK_FORMAT,
     "invalid UTF-8"},
    {"twin: UTF-8 HostId", false, CT_J, 1, RID, 1,
     B("{" JSON_FIELDS ",\"HostId\":\"k\xC3\xA9ms \xE2\x82\xAC\"}"), -1, NULL},
    /* ---- JSON: no raw control characters in strings ---- */
    {"json-control-character", false, CT_J, 1, RID, 1,
     B("{" JSON_FIELDS ",\"HostId\":\"kms\thost\"}"), KC_CHECK_FORMAT,
     "raw control character 0x09"},
    {"twin: escaped tab", false, CT_J, 1, RID, 1,
     B("{" JSON_FIELDS ",\"HostId\":\"kms\\thost\"}"), -1, NULL},
    /* ---- JSON: numbers in RFC 8259 grammar ---- */
    {"json-number-grammar", false, CT_J, 1, RID, 1,
     B("{\"HttpStatus\":0404," CODE "," MSG ",\"RequestId\":\"" RID "\"}"),
     KC_CHECK_FORMAT, "number '0404' is not RFC 8259 grammar"},
    {"json-number-grammar: 404.", false, CT_J, 1, RID, 1,
     B("{\"HttpStatus\":404.," CODE "," MSG ",\"RequestId\":\"" RID "\"}"),
     KC_CHECK_FORMAT, "number '404.' is not RFC 8259 grammar"},
    /* ---- JSON: only RFC 8259 white space, no byte order mark ---- */
    {"json-whitespace", false, CT_J, 1, RID, 1, B("{\f" JSON_FIELDS "}"),
     KC_CHECK_FORMAT, "0x0c is not JSON white space"},
    {"json-whitespace: BOM", false, CT_J, 1, RID, 1, B("\xEF\xBB\xBF" JSON_OK),
     KC_CHECK_FORMAT, "byte order mark"},
    {"twin: pretty-printed", false, CT_J, 1, RID, 1,
     B("{\n    \"HttpStatus\": 404,\n    " CODE ",\n\t" MSG
       ",\r\n    \"RequestId\" : \"" RID "\"\n}\n"),
     -1, NULL},
    /* ---- JSON: no unpaired surrogate escape ---- */
    {"json-lone-surrogate", false, CT_J, 1, RID, 1,
     B("{" JSON_FIELDS ",\"HostId\":\"\\ud800\"}"), KC_CHECK_FORMAT,
     "unpaired surrogate escape \\ud800"},
    {"twin: surrogate pair", false, CT_J, 1, RID, 1,
     B("{" JSON_FIELDS ",\"HostId\":\"\\ud83d\\ude00\"}"), -1, NULL},
    /* ---- JSON: a Code or Message holding an escaped NUL is no match ---- */
    {"json-escaped-nul: Code", false, CT_J, 1, RID, 1,
     B("{\"HttpStatus\":404,\"Code\":\"Forbidden.KeyNotFound\\u0000.X\"," MSG
       ",\"RequestId\":\"" RID "\"}"),
     KC_CHECK_CODE, "Code holds an escaped NUL"},
    {"json-escaped-nul: Message", false, CT_J, 1, RID, 1,
     B("{\"HttpStatus\":404," CODE ",\"Message\":\"The specified Key is not "
       "found.\\u0000 Or is it?\",\"RequestId\":\"" RID "\"}"),
     KC_CHECK_MESSAGE, "Message holds an escaped NUL"},
    {"json-escaped-nul: RequestId", false, CT_J, 1, NULL, 1,
     B("{\"HttpStatus\":404," CODE "," MSG ",\"RequestId\":\"" RID
       "\\u0000x\"}"),
     KC_CHECK_REQUEST_ID, "RequestId holds an escaped NUL"},
    {"twin: escaped characters in Code", false, CT_J, 1, RID, 1,
     B("{\"HttpStatus\":404,\"Code\":\"Forbidden\\u002eKeyNotFound\"," MSG
       ",\"RequestId\":\"" RID "\"}"),
     -1, NULL},
    /* ---- JSON: HttpStatus an integer literal ---- */
    {"json-status-not-integer", false, CT_J, 1, RID, 1,
     B("{\"HttpStatus\":404.0," CODE "," MSG ",\"RequestId\":\"" RID "\"}"),
     KC_CHECK_ENVELOPE, "HttpStatus is written with a fraction or an exponent"},
    {"json-status-not-integer: exponent", false, CT_J, 1, RID, 1,
     B("{\"HttpStatus\":4.04e2," CODE "," MSG ",\"RequestId\":\"" RID "\"}"),
     KC_CHECK_ENVELOPE, "fraction or an exponent"},
    /* ---- XML: every envelope element once ---- */
    {"xml-duplicate-element", true, CT_X, 1, RID, 1,
     B("<KMS>" XML_FIELDS "<Code>Forbidden.KeyNotFound.Deviant</Code></KMS>"),
     KC_CHECK_FORMAT, "element <Code> appears twice under <KMS>"},
    {"twin: no declaration, reordered", true, CT_X, 1, RID, 1,
     B("<KMS><RequestId>" RID "</RequestId><Message>The specified Key is not "
       "found.</Message><Code>Forbidden.KeyNotFound</Code><HttpStatus>404"
       "</HttpStatus></KMS>"),
     -1, NULL},
    /* ---- XML: as a direct child of the documented root ---- */
    {"xml-nested-element", true, CT_X, 1, RID, 1,
     B("<KMS><Detail><Code>Deviant</Code></Detail>" XML_FIELDS "</KMS>"),
     KC_CHECK_FORMAT, "element <Code> is nested in <Detail>"},
    {"twin: comments and CDATA", true, CT_X, 1, RID, 1,
     B("<?xml version=\"1.0\"?>\n<!-- answer -->\n<KMS>\n  <HttpStatus>404"
       "</HttpStatus>\n  <Code><![CDATA[Forbidden.KeyNotFound]]></Code>\n  "
       "<Message>The specified <!-- x -->Key is not found.</Message>\n  "
       "<RequestId>" RID "</RequestId>\n</KMS>\n"),
     -1, NULL},
    /* ---- XML: in no namespace ---- */
    {"xml-namespace", true, CT_X, 1, RID, 1,
     B("<KMS xmlns=\"urn:deviant:kms\">" XML_FIELDS "</KMS>"), KC_CHECK_FORMAT,
     "is in namespace 'urn:deviant:kms'"},
    {"twin: unused namespace declaration", true, CT_X, 1, RID, 1,
     B("<KMS "
       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" XML_FIELDS
       "</KMS>"),
     -1, NULL},
    /* ---- XML 1.0 ---- */
    {"xml-version", true, CT_X, 1, RID, 1,
     B("<?xml version=\"1.1\" encoding=\"UTF-8\"?><KMS>" XML_FIELDS "</KMS>"),
     KC_CHECK_FORMAT, "XML version \"1.1\""},
    /* ---- a header the checks read sent twice ---- */
    {"content-type-twice", false, CT_J, 2, RID, 1, B(JSON_OK),
     KC_CHECK_CONTENT_TYPE, "Content-Type sent 2 times"},
    {"request-id-header-twice", false, CT_J, 1, RID, 2, B(JSON_OK),
     KC_CHECK_REQUEST_ID_HEADER, "x-acs-request-id sent 2 times"},
    {"twin: no x-acs-request-id header", false, CT_J, 1, NULL, 0, B(JSON_OK),
     -1, NULL},
    /* ---- Content-Type: only a charset parameter, once ---- */
    {"content-type-parameter", false, CT_J ";profile=deviant", 1, RID, 1,
     B(JSON_OK), KC_CHECK_CONTENT_TYPE,
     "has a parameter other than charset (profile)"},
    {"content-type-parameter: charset twice", false,
     "application/json;charset=utf-8;charset=iso-8859-1", 1, RID, 1, B(JSON_OK),
     KC_CHECK_CONTENT_TYPE, "gives charset 2 times"},
    {"content-type: comma list", false, "application/json, text/plain", 1, RID,
     1, B(JSON_OK), KC_CHECK_CONTENT_TYPE, "does not fit JSON"},
    {"twin: no charset", false, "application/json", 1, RID, 1, B(JSON_OK), -1,
     NULL},
    {"twin: RFC 9110 spelling", false, "Application/JSON ; Charset=\"UTF-8\"",
     1, RID, 1, B(JSON_OK), -1, NULL},
    {"twin: application/xml", true, "application/xml", 1, RID, 1, B(XML_OK), -1,
     NULL},
    /* ---- Content-Type: the charset names what the body is ---- */
    {"content-type-charset: JSON", false, "application/json;charset=iso-8859-1",
     1, RID, 1, B(JSON_OK), KC_CHECK_CONTENT_TYPE,
     "charset 'iso-8859-1' does not name the body's encoding, utf-8"},
    {"content-type-charset: XML", true, "text/xml;charset=iso-8859-1", 1, RID,
     1, B(XML_OK), KC_CHECK_CONTENT_TYPE,
     "charset 'iso-8859-1' does not name the body's encoding, UTF-8"},
    {"twin: charset as declared", true, "text/xml; charset=ISO-8859-1", 1, RID,
     1,
     B("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><KMS>" XML_FIELDS
       "</KMS>"),
     -1, NULL},
    {"twin: charset, no declaration", true, "application/xml;charset=utf-8", 1,
     RID, 1, B("<KMS>" XML_FIELDS "</KMS>"), -1, NULL},
    /* ---- upper-case RequestIds ---- */
    {"twin: upper-case RequestId", false, CT_J, 1, URID, 1,
     B("{\"HttpStatus\":404," CODE "," MSG ",\"RequestId\":\"" URID "\"}"), -1,
     NULL},
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
    struct kc_answer a = {r->xml,  404,    r->ct,       r->hdr_rid,
                          r->body, r->len, r->ct_count, r->rid_count};
    struct kc_ridset *rids = kc_ridset_new();
    struct kc_check_result res;
    kc_check_error(&ex, &a, rids, &res);
    if (r->want < 0 && res.nfailures)
        fail_msg("%s: unexpected failure %s: %s", r->what,
                 kc_check_name(res.failures[0].check), res.failures[0].message);
    if (r->want >= 0 &&
        (res.nfailures != 1 || res.failures[0].check != (enum kc_check)r->want))
        fail_msg("%s: %zu failures, the first %s (%s), expected only %s",
                 r->what, res.nfailures,
                 res.nfailures ? kc_check_name(res.failures[0].check) : "-",
                 res.nfailures ? res.failures[0].message : "",
                 kc_check_name((enum kc_check)r->want));
    if (r->want >= 0 && !strstr(res.failures[0].message, r->text))
        fail_msg("%s: message \"%s\" lacks \"%s\"", r->what,
                 res.failures[0].message, r->text);
    for (size_t i = 0; i < res.nfailures; i++)
        assert_null(strpbrk(res.failures[i].message, "\r\n"));
    kc_check_result_dispose(&res);
    kc_ridset_free(rids);
}

static void test_rows(void **state)
{
    const struct fx *f = *state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        check_row(f, &rows[i]);
}

/* RequestId uniqueness compares UUIDs without case; other ids exactly. */
static void test_request_id_case(void **state)
{
    (void)state;
    struct kc_ridset *rids = kc_ridset_new();
    assert_true(kc_ridset_insert(rids, RID));
    assert_false(kc_ridset_insert(rids, URID));
    assert_false(
        kc_ridset_insert(rids, "3b237773-BC2C-4bea-95FC-319a1a5baa68"));
    assert_true(kc_ridset_insert(rids, "not-a-uuid"));
    assert_true(kc_ridset_insert(rids, "NOT-A-UUID"));
    assert_false(kc_ridset_insert(rids, "not-a-uuid"));
    kc_ridset_free(rids);
}

/* Escaped NUL: parity does not compare a field that has no one reading. */
static void test_parity_skips_cut(void **state)
{
    const struct fx *f = *state;
    static const char json[] =
        "{\"HttpStatus\":404,\"Code\":\"Forbidden.KeyNotFound\\u0000.X\"," MSG
        ",\"RequestId\":\"" RID "\"}";
    struct kc_expected_error ex = {
        kc_catalog_find(f->cat, "Forbidden.KeyNotFound"), NULL, 0, f->env};
    struct kc_answer j = {false, 404, CT_J, NULL, B(json), 1, 1};
    struct kc_answer x = {true, 404, CT_X, NULL, B(XML_OK), 1, 1};
    struct kc_check_result rj, rx;
    kc_check_error(&ex, &j, NULL, &rj);
    kc_check_error(&ex, &x, NULL, &rx);
    kc_check_parity(&rj, &rx);
    assert_int_equal(rj.nfailures, 1);
    assert_true(kc_check_failed(&rj, KC_CHECK_CODE));
    assert_null(rj.code);
    assert_int_equal(rx.nfailures, 0);
    kc_check_result_dispose(&rj);
    kc_check_result_dispose(&rx);
}

/* Success answers (setup, teardown): read as strictly; an error envelope
 * fails envelope. */
static void test_success(void **state)
{
    (void)state;
    static const struct {
        const char *body;
        int want;
        const char *text;
    } t[] = {
        {"{\"RequestId\":\"" RID "\",\"KeyMetadata\":{\"KeyId\":\"k\"}}", -1,
         NULL},
        {"{\n  \"KeyMetadata\": {\"KeyId\": \"k\"},\n  \"RequestId\": \"" URID
         "\"\n}",
         -1, NULL},
        {"{" JSON_FIELDS "}", KC_CHECK_ENVELOPE,
         "an error envelope (Code 'Forbidden.KeyNotFound')"},
        {"{\"RequestId\":\"" RID "\",\"KeyMetadata\":{\"KeyId\":\"a\","
         "\"KeyId\":\"b\"}}",
         KC_CHECK_FORMAT, "member \"KeyId\" appears twice in \"KeyMetadata\""},
        {"{\"RequestId\":\"" RID "\"} trailing", KC_CHECK_FORMAT,
         "after the JSON value"},
        {"<KMS><RequestId>" RID "</RequestId></KMS>", KC_CHECK_FORMAT,
         "body is not a JSON object"},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct kc_answer a = {
            false, 200, CT_J, NULL, t[i].body, strlen(t[i].body), 1, 1};
        struct kc_check_result res;
        kc_check_success(&a, NULL, &res);
        if (t[i].want < 0 && res.nfailures)
            fail_msg("success %zu: %s", i, res.failures[0].message);
        if (t[i].want >= 0 &&
            (!kc_check_failed(&res, (enum kc_check)t[i].want) ||
             !strstr(res.failures[0].message, t[i].text)))
            fail_msg("success %zu: %s", i,
                     res.nfailures ? res.failures[0].message : "passed");
        kc_check_result_dispose(&res);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_request_id_case),
        cmocka_unit_test(test_parity_skips_cut),
        cmocka_unit_test(test_success),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
