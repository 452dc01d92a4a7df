/* Unit tests of kc_catalog: loading, validation, message matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "kc/catalog.h"
#include "kc/codec.h"

#define CATALOG KC_SOURCE_DIR "/suite/catalog.json"

static void test_load_real(void **state)
{
    struct kc_catalog *c = NULL;
    char err[256] = "";
    const struct kc_catalog_entry *e;

    (void)state;
    assert_int_equal(kc_catalog_load(&c, CATALOG, err, sizeof(err)), 0);
    assert_non_null(c);
    assert_int_equal(c->nentries, 32);
    /* the extra table: found like a common code, flagged, with a source */
    assert_true(c->nextras >= 30);
    e = kc_catalog_find(c, "SignatureNonceUsed");
    assert_non_null(e);
    assert_true(e->extra);
    assert_non_null(e->source);
    assert_false(kc_catalog_find(c, "Forbidden.KeyNotFound")->extra);
    assert_non_null(kc_catalog_source_find(c, "docs-head"));
    assert_null(kc_catalog_source_find(c, "a-blog"));
    assert_non_null(c->suite_version);
    e = kc_catalog_find(c, "Forbidden.KeyNotFound");
    assert_non_null(e);
    assert_int_equal(e->http_status, 404);
    assert_string_equal(e->messages[0], "The specified Key is not found.");
    e = kc_catalog_find(c, "IllegalTimestamp");
    assert_non_null(e);
    assert_int_equal(e->nmessages, 2);
    assert_null(kc_catalog_find(c, "NoSuchCode"));
    assert_null(kc_catalog_find(c, "forbidden.keynotfound"));
    assert_true(kc_catalog_has_placeholder(
        kc_catalog_find(c, "MissingParameter"), "parameter name"));
    assert_false(kc_catalog_has_placeholder(
        kc_catalog_find(c, "MissingParameter"), "parameter"));
    assert_false(kc_catalog_has_placeholder(
        kc_catalog_find(c, "InternalFailure"), "parameter name"));
    kc_catalog_free(c);
}

/* The hash is the SHA-256 of the file bytes, computed independently. */
static void test_sha256(void **state)
{
    struct kc_catalog *c = NULL;
    static unsigned char buf[1 << 20];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char hex[65], err[256];
    size_t n;
    FILE *f = fopen(CATALOG, "rb");

    (void)state;
    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    assert_int_equal(EVP_Digest(buf, n, md, &mdlen, EVP_sha256(), NULL), 1);
    assert_int_equal(mdlen, 32);
    for (size_t i = 0; i < mdlen; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    assert_int_equal(kc_catalog_load(&c, CATALOG, err, sizeof(err)), 0);
    assert_string_equal(c->sha256, hex);
    kc_catalog_free(c);
}

struct match_row {
    const char *tmpl;
    const char *msg;
    const char *arg; /* value bound to "parameter name", or NULL */
    bool want;
};

static const struct match_row match_rows[] = {
    {"Internal Failure.", "Internal Failure.", NULL, true},
    {"Internal Failure.", "  Internal Failure.\n", NULL, true},
    {"Internal Failure.", "Internal  Failure.", NULL, false},
    {"Internal Failure.", "internal failure.", NULL, false},
    {"Internal Failure.", "Internal Failure", NULL, false},
    {"Internal Failure.", "Internal Failure. ", NULL, true},
    {"Internal Failure.", "Deviant: Internal Failure.", NULL, false},
    {"Internal Failure.", "", NULL, false},
    {"P \"<parameter name>\" is needed.", "P \"KeyId\" is needed.", NULL, true},
    {"P \"<parameter name>\" is needed.", "P \"KeyId\" is needed.", "KeyId",
     true},
    {"P \"<parameter name>\" is needed.", "P \"Plaintext\" is needed.", "KeyId",
     false},
    {"P \"<parameter name>\" is needed.", "P \"\" is needed.", NULL, false},
    {"P \"<parameter name>\" is needed.", "P \"Key Id\" is needed.", NULL,
     false},
    {"P \"<parameter name>\" is needed.", "P \"a\"b\" is needed.", NULL, false},
    {"P \"<parameter name>\" is needed.", "P \"x.y-z_1\" is needed.", NULL,
     true},
    {"P \"<parameter name>\" is needed.", "P \"\" is needed.", "", true},
    {"P \"<parameter name>\" is needed.", "P \"KeyId\" is needed. ", NULL,
     true},
    /* a token followed by literal text it could swallow */
    {"key <parameter name>.", "key abc.", NULL, true},
    {"key <parameter name>.", "key abc", NULL, false},
    {"key <parameter name>.", "key .", NULL, false},
    /* a '<' that is no placeholder stays literal */
    {"a < b", "a < b", NULL, true},
    {"a <> b", "a <> b", NULL, true},
    {"a <> b", "a x b", NULL, false},
};

static void test_match_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(match_rows) / sizeof(match_rows[0]); i++) {
        const struct match_row *r = &match_rows[i];
        struct kc_arg arg = {"parameter name", r->arg};
        bool got =
            kc_catalog_match_template(r->tmpl, r->msg, &arg, r->arg ? 1 : 0);
        if (got != r->want)
            fail_msg("row %zu: \"%s\" vs \"%s\": got %d", i, r->tmpl, r->msg,
                     got);
    }
}

static void test_match_entry_variants(void **state)
{
    struct kc_catalog *c = NULL;
    char err[256];
    const struct kc_catalog_entry *e;
    struct kc_arg args[] = {{"parameter name", "KeyId"}};

    (void)state;
    assert_int_equal(kc_catalog_load(&c, CATALOG, err, sizeof(err)), 0);
    e = kc_catalog_find(c, "IllegalTimestamp");
    assert_true(kc_catalog_match(e,
                                 "The input parameter \"Timestamp\" that is "
                                 "mandatory for processing this request is "
                                 "not supplied.",
                                 NULL, 0));
    assert_true(kc_catalog_match(e,
                                 "The input parameter \"Timestamp\" that is "
                                 "required for processing this request is "
                                 "not supplied.",
                                 NULL, 0));
    assert_false(kc_catalog_match(e, "Timestamp bad.", NULL, 0));
    e = kc_catalog_find(c, "InvalidParameter");
    assert_true(kc_catalog_match(
        e, "The specified parameter \"KeyId\" is not valid.", args, 1));
    assert_false(kc_catalog_match(
        e, "The specified parameter \"Plaintext\" is not valid.", args, 1));
    assert_false(kc_catalog_match(NULL, "x", NULL, 0));
    kc_catalog_free(c);
}

/* Other sources' wordings match, name their source, and go away with
 * seed_only; a wording no source shows still fails. */
static void test_documented_wordings(void **state)
{
    struct kc_catalog *c = NULL;
    char err[256];
    const struct kc_catalog_entry *e;
    struct kc_arg args[] = {{"parameter name", "KeyId"}};
    int w;

    (void)state;
    assert_int_equal(kc_catalog_load(&c, CATALOG, err, sizeof(err)), 0);
    e = kc_catalog_find(c, "InternalFailure");
    assert_int_equal(kc_catalog_match_which(e, "Internal Failure.", NULL, 0),
                     0);
    assert_string_equal(kc_catalog_template_source(e, 0), "seed");
    w = kc_catalog_match_which(e, "Internal Failure", NULL, 0);
    assert_true(w >= (int)e->nmessages);
    assert_non_null(strstr(kc_catalog_template_source(e, w), "api-docs.json"));
    assert_false(kc_catalog_match(e, "internal failure.", NULL, 0));
    assert_null(kc_catalog_template_source(e, -1));
    assert_null(
        kc_catalog_template_source(e, (int)(e->nmessages + e->ndocumented)));
    e = kc_catalog_find(c, "InvalidParameter");
    assert_true(
        kc_catalog_match(e, "The specified parameter is not valid.", args, 1));
    assert_true(kc_catalog_match(
        e, "The specified parameter KeyId is not valid.", args, 1));
    assert_false(kc_catalog_match(
        e, "The specified parameter Plaintext is not valid.", args, 1));
    e = kc_catalog_find(c, "InvalidKeyMaterial");
    assert_true(kc_catalog_match(e, "key material is invalid", NULL, 0));
    assert_false(kc_catalog_match(e, "key material is invalid!", NULL, 0));
    e = kc_catalog_find(c, "Forbidden.KeyNotFound");
    assert_false(
        kc_catalog_match(e, "The specified Key is not found", NULL, 0));
    e = kc_catalog_find(c, "Forbidden.NoPermission");
    assert_true(kc_catalog_match(e,
                                 "This operation for acs:kms:cn-hangzhou:123:"
                                 "key/k-1 is forbidden by permission system.",
                                 NULL, 0));
    kc_catalog_set_seed_only(c, true);
    assert_false(kc_catalog_match(e,
                                  "This operation for acs:kms:cn-hangzhou:123:"
                                  "key/k-1 is forbidden by permission system.",
                                  NULL, 0));
    assert_true(kc_catalog_match(
        e, "This operation is forbidden by permission system.", NULL, 0));
    e = kc_catalog_find(c, "InvalidKeyMaterial");
    assert_false(kc_catalog_match(e, "key material is invalid", NULL, 0));
    kc_catalog_set_seed_only(c, false);
    assert_true(kc_catalog_match(e, "key material is invalid", NULL, 0));
    kc_catalog_free(c);
}

struct bad_row {
    const char *json;
    const char *err;
};

#define E1 "{\"code\": \"A\", \"http_status\": 400, \"message\": [\"m\"]}"

static const struct bad_row bad_rows[] = {
    {"", "t.json: invalid JSON (empty file)"},
    {"{\"errors\": [", "t.json: line 1, column 12: invalid JSON"},
    {"[]", "t.json: $: expected an object"},
    {"{}", "t.json: $.errors: expected a non-empty array"},
    {"{\"errors\": [1]}", "t.json: $.errors[0]: expected an object"},
    {"{\"errors\": [{\"code\": 1}]}",
     "t.json: $.errors[0].code: expected a non-empty string"},
    {"{\"errors\": [{\"code\": \"A\", \"http_status\": 99, \"message\": "
     "[\"m\"]}]}",
     "t.json: $.errors[0].http_status: expected an HTTP status (100..599)"},
    {"{\"errors\": [{\"code\": \"A\", \"http_status\": 400, \"message\": "
     "[]}]}",
     "t.json: $.errors[0].message: expected a non-empty array of strings"},
    {"{\"errors\": [{\"code\": \"A\", \"http_status\": 400, \"message\": "
     "[\"m\", 2]}]}",
     "t.json: $.errors[0].message[1]: expected a non-empty string"},
    {"{\"errors\": [{\"code\": \"A\", \"http_status\": 400, \"message\": "
     "[\"m\"], \"x\": 1}]}",
     "t.json: $.errors[0].x: unknown key"},
    {"{\"errors\": [{\"code\": \"A\", \"http_status\": 400, \"message\": "
     "[\"m\"]}, {\"code\": \"A\", \"http_status\": 400, \"message\": "
     "[\"m\"]}]}",
     "t.json: $.errors[1].code: duplicate code"},
    {"{\"errors\": [{\"code\": \"A\", \"http_status\": 400, \"message\": "
     "[\"m\"], \"documented\": []}]}",
     "t.json: $.errors[0].documented: expected a non-empty array of wordings"},
    {"{\"errors\": [{\"code\": \"A\", \"http_status\": 400, \"message\": "
     "[\"m\"], \"documented\": [{\"template\": \"n\", \"scope\": "
     "\"kms\"}]}]}",
     "t.json: $.errors[0].documented[0].source: expected a non-empty string"},
    {"{\"errors\": [{\"code\": \"A\", \"http_status\": 400, \"message\": "
     "[\"m\"], \"documented\": [{\"template\": \"n\", \"scope\": "
     "\"kms-sdk-client\", \"source\": \"s\"}]}]}",
     "t.json: $.errors[0].documented[0].scope: expected \"kms\" or "
     "\"gateway\""},
    {"{\"errors\": [{\"code\": \"A\", \"http_status\": 400, \"message\": "
     "[\"m\"], \"documented\": [{\"template\": \"n\", \"scope\": "
     "\"kms\", \"source\": \"s\", \"y\": 1}]}]}",
     "t.json: $.errors[0].documented[0].y: unknown key"},
    /* the root: suite version, cited documents, the extra table */
    {"{\"errors\": [" E1 "], \"z\": 1}", "t.json: $.z: unknown key"},
    {"{\"suite_version\": \"1 0\", \"errors\": [" E1 "]}",
     "t.json: $.suite_version: expected a version such as \"1.2.0\" "
     "([0-9A-Za-z.+-], at most 64)"},
    {"{\"suite_version\": 1, \"errors\": [" E1 "]}",
     "t.json: $.suite_version: expected a version such as \"1.2.0\" "
     "([0-9A-Za-z.+-], at most 64)"},
    {"{\"sources\": {}, \"errors\": [" E1 "]}",
     "t.json: $.sources: expected a non-empty object of documents"},
    {"{\"sources\": {\"Docs\": \"x\"}, \"errors\": [" E1 "]}",
     "t.json: $.sources.Docs: bad document name (expected [a-z0-9-]+)"},
    {"{\"sources\": {\"docs\": \"two\\nlines\"}, \"errors\": [" E1 "]}",
     "t.json: $.sources.docs: expected one non-empty line"},
    {"{\"errors\": [{\"code\": \"A\", \"http_status\": 400, "
     "\"message\": [\"m\"], \"source\": \"s\"}]}",
     "t.json: $.errors[0].source: unknown key (a common error's source is "
     "the seed)"},
    {"{\"errors\": [" E1 "], \"extra\": [{\"code\": \"B\", \"http_status\": "
     "400, \"message\": [\"m\"]}]}",
     "t.json: $.extra[0].source: expected a non-empty string"},
    {"{\"errors\": [" E1 "], \"extra\": [{\"code\": \"A\", \"http_status\": "
     "400, \"message\": [\"m\"], \"source\": \"s\"}]}",
     "t.json: $.extra[0].code: duplicate code"},
    {"{\"errors\": [" E1 "], \"extra\": []}",
     "t.json: $.extra: expected a non-empty array"},
};

static void test_bad_catalogs(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
        struct kc_catalog *c = (struct kc_catalog *)1;
        char err[256] = "";
        int rc =
            kc_catalog_parse(&c, bad_rows[i].json, strlen(bad_rows[i].json),
                             "t.json", err, sizeof(err));
        assert_int_equal(rc, -1);
        assert_null(c);
        if (strcmp(err, bad_rows[i].err) != 0)
            fail_msg("row %zu: got \"%s\"", i, err);
    }
}

static void test_missing_file(void **state)
{
    struct kc_catalog *c = NULL;
    char err[256] = "";

    (void)state;
    assert_int_equal(
        kc_catalog_load(&c, "/nonexistent/c.json", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/c.json: cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_real),
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_match_table),
        cmocka_unit_test(test_match_entry_variants),
        cmocka_unit_test(test_documented_wordings),
        cmocka_unit_test(test_bad_catalogs),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
