/*
 * Verdicts true to real Alibaba Cloud KMS (issue 9): the real answers of
 * tests/data/real-answers replayed through the checks with the project's
 * own catalog and envelope rule sets, each getting the verdict
 * verdicts.json records; parity judged on what the contract fixes; the
 * envelope's tolerated AccessDeniedDetail object; gateway wordings only
 * under the rule set for the gateway.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "kc/catalog.h"
#include "kc/check.h"
#include "kc/envelope.h"
#include "kc/file.h"

#define DATA KC_SOURCE_DIR "/tests/data/real-answers/"
#define RID  "3b237773-bc2c-4bea-95fc-319a1a5baa68"

struct fx {
    struct kc_catalog *cat;   /* suite/catalog.json */
    struct kc_catalog *extra; /* codes beyond the 32, from sources.json */
    struct kc_envelope *kms, *relaxed;
};

static char *slurp(const char *path, size_t *len)
{
    char err[256];
    char *s = kc_file_read(path, 1u << 24, 0, len, err, sizeof(err));
    if (!s)
        fprintf(stderr, "%s\n", err);
    return s;
}

/* A catalog of sources.json's "extra" codes: each code's documented
 * templates as its messages, its status (400 where none is documented:
 * the gateway's, as the quoted answers show). */
static struct kc_catalog *extra_catalog(void)
{
    size_t len = 0;
    char err[256];
    char *text = slurp(KC_SOURCE_DIR "/suite/sources.json", &len);
    cJSON *src = text ? cJSON_ParseWithLength(text, len) : NULL;
    cJSON *out = cJSON_CreateObject(), *errors = cJSON_CreateArray(), *e;
    struct kc_catalog *cat = NULL;
    cJSON_AddStringToObject(out, "api_version", "2016-01-20");
    cJSON_AddItemToObject(out, "errors", errors);
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(src, "extra"))
    {
        const cJSON *st = cJSON_GetObjectItem(e, "http_status"), *m;
        cJSON *o = cJSON_CreateObject(), *msgs = cJSON_CreateArray();
        cJSON_ArrayForEach(m, cJSON_GetObjectItem(e, "messages"))
            cJSON_AddItemToArray(msgs,
                                 cJSON_CreateString(cJSON_GetStringValue(
                                     cJSON_GetObjectItem(m, "template"))));
        if (!cJSON_GetArraySize(msgs) ||
            strchr(cJSON_GetStringValue(cJSON_GetObjectItem(e, "code")), '{')) {
            cJSON_Delete(o);
            cJSON_Delete(msgs);
            continue;
        }
        cJSON_AddItemToObject(
            o, "code", cJSON_Duplicate(cJSON_GetObjectItem(e, "code"), 1));
        cJSON_AddNumberToObject(o, "http_status",
                                cJSON_IsNumber(st) ? st->valuedouble : 400);
        cJSON_AddItemToObject(o, "message", msgs);
        cJSON_AddItemToArray(errors, o);
    }
    char *json = cJSON_PrintUnformatted(out);
    if (json && kc_catalog_parse(&cat, json, strlen(json), "sources.json extra",
                                 err, sizeof(err)))
        fprintf(stderr, "%s\n", err);
    free(json);
    cJSON_Delete(out);
    cJSON_Delete(src);
    free(text);
    return cat;
}

static int setup(void **state)
{
    static struct fx f;
    char err[256];
    const char *env = KC_SOURCE_DIR "/suite/envelopes.json";
    if (kc_catalog_load(&f.cat, KC_SOURCE_DIR "/suite/catalog.json", err,
                        sizeof(err)) ||
        kc_envelope_load(&f.kms, env, "kms", err, sizeof(err)) ||
        kc_envelope_load(&f.relaxed, env, "relaxed", err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    f.extra = extra_catalog();
    *state = &f;
    return f.extra ? 0 : -1;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    kc_catalog_free(f->cat);
    kc_catalog_free(f->extra);
    kc_envelope_free(f->kms);
    kc_envelope_free(f->relaxed);
    return 0;
}

static const struct kc_catalog_entry *entry(const struct fx *f,
                                            const char *code)
{
    const struct kc_catalog_entry *e = kc_catalog_find(f->cat, code);
    return e ? e : kc_catalog_find(f->extra, code);
}

/* The checks of body as an answer with status, in the format its file
 * name ends with. */
static void judge(const struct fx *f, const char *code, const char *body,
                  size_t len, bool xml, long status,
                  const struct kc_envelope *env, struct kc_check_result *res)
{
    const struct kc_catalog_entry *e = entry(f, code);
    assert_non_null(e);
    struct kc_expected_error ex = {e, NULL, 0, env};
    struct kc_answer a = {
        .xml = xml,
        .status = status,
        .content_type =
            xml ? "text/xml;charset=UTF-8" : "application/json;charset=UTF-8",
        .body = body,
        .body_len = len,
    };
    kc_check_error(&ex, &a, NULL, res);
}

static void print_failures(const char *what, const struct kc_check_result *r)
{
    for (size_t i = 0; i < r->nfailures; i++)
        fprintf(stderr, "%s: %s: %s\n", what,
                kc_check_name(r->failures[i].check), r->failures[i].message);
}

/* Every failed check is one verdicts.json expects, and every expected one
 * failed. */
static void assert_verdict(const char *file, const struct kc_check_result *r,
                           const cJSON *fails)
{
    const cJSON *w;
    bool ok = (size_t)cJSON_GetArraySize(fails) == r->nfailures;
    cJSON_ArrayForEach(w, fails)
    {
        const char *want =
            cJSON_GetStringValue(cJSON_GetObjectItem(w, "check"));
        bool found = false;
        for (size_t i = 0; want && i < r->nfailures; i++)
            found |= !strcmp(kc_check_name(r->failures[i].check), want);
        ok &= found;
    }
    if (!ok)
        print_failures(file, r);
    assert_true(ok);
}

static void test_real_answers(void **state)
{
    const struct fx *f = *state;
    size_t len = 0, n = 0;
    char *text = slurp(DATA "verdicts.json", &len);
    cJSON *v = text ? cJSON_ParseWithLength(text, len) : NULL, *a;
    assert_non_null(v);
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(v, "answers"))
    {
        const char *file = cJSON_GetStringValue(cJSON_GetObjectItem(a, "file"));
        const char *env =
            cJSON_GetStringValue(cJSON_GetObjectItem(a, "envelope"));
        char path[512];
        size_t blen = 0;
        snprintf(path, sizeof(path), DATA "%s", file);
        char *body = slurp(path, &blen);
        assert_non_null(body);
        struct kc_check_result r;
        judge(f, cJSON_GetStringValue(cJSON_GetObjectItem(a, "code")), body,
              blen, strstr(file, ".xml") != NULL,
              (long)cJSON_GetNumberValue(cJSON_GetObjectItem(a, "status")),
              !strcmp(env, "kms") ? f->kms : f->relaxed, &r);
        assert_verdict(file, &r, cJSON_GetObjectItem(a, "fails"));
        kc_check_result_dispose(&r);
        free(body);
        n++;
    }
    assert_int_equal(n, 15); /* every file of the folder has its verdict */
    cJSON_Delete(v);
    free(text);
}

/* The KMS Responses page's own JSON and XML samples: every check passes,
 * parity included (the XML sample has a space before </Message>). */
static void test_seed_samples_agree(void **state)
{
    const struct fx *f = *state;
    size_t jl = 0, xl = 0;
    char *j = slurp(DATA "IllegalTimestamp-2.json", &jl);
    char *x = slurp(DATA "IllegalTimestamp-3.xml", &xl);
    struct kc_check_result rj, rx;
    judge(f, "IllegalTimestamp", j, jl, false, 400, f->kms, &rj);
    judge(f, "IllegalTimestamp", x, xl, true, 400, f->kms, &rx);
    kc_check_parity(&rj, &rx);
    print_failures("json", &rj);
    print_failures("xml", &rx);
    assert_int_equal(rj.nfailures + rx.nfailures, 0);
    assert_string_equal(rx.tmpl_source, "seed");
    kc_check_result_dispose(&rj);
    kc_check_result_dispose(&rx);
    free(j);
    free(x);
}

static char *json_error(const char *code, long status, const char *message,
                        const char *more)
{
    char *s = NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "HttpStatus", (double)status);
    cJSON_AddStringToObject(o, "Code", code);
    cJSON_AddStringToObject(o, "Message", message);
    cJSON_AddStringToObject(o, "RequestId", RID);
    if (more)
        cJSON_AddItemToObject(o, "AccessDeniedDetail", cJSON_Parse(more));
    s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static char *xml_error(const char *code, long status, const char *message,
                       const char *more)
{
    static const char fmt[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><KMS><HttpStatus>%ld"
        "</HttpStatus><Code>%s</Code><Message>%s</Message><RequestId>" RID
        "</RequestId>%s</KMS>";
    more = more ? more : "";
    size_t n = sizeof(fmt) + 24 + strlen(code) + strlen(message) + strlen(more);
    char *s = malloc(n);
    if (s)
        snprintf(s, n, fmt, status, code, message, more);
    return s;
}

/* parity of a JSON and an XML answer with these messages (xm as XML text): the
 * number of parity failures, each answer alone having passed */
static size_t parity_of(const struct fx *f, const struct kc_envelope *env,
                        const char *code, long status, const char *jm,
                        const char *xm)
{
    char *j = json_error(code, status, jm, NULL);
    char *x = xml_error(code, status, xm, NULL);
    struct kc_check_result rj, rx;
    judge(f, code, j, strlen(j), false, status, env, &rj);
    judge(f, code, x, strlen(x), true, status, env, &rx);
    print_failures("json", &rj);
    print_failures("xml", &rx);
    assert_int_equal(rj.nfailures + rx.nfailures, 0);
    kc_check_parity(&rj, &rx);
    size_t n = rx.nfailures;
    if (n)
        assert_true(kc_check_failed(&rx, KC_CHECK_PARITY));
    kc_check_result_dispose(&rj);
    kc_check_result_dispose(&rx);
    free(j);
    free(x);
    return n;
}

static void test_parity_per_request_parts(void **state)
{
    const struct fx *f = *state;
    /* the same wording, white space around it aside */
    assert_int_equal(parity_of(f, f->kms, "Forbidden.KeyNotFound", 404,
                               "The specified Key is not found.",
                               "The specified Key is not found. "),
                     0);
    /* the gateway's wording names each request's own string to sign */
    assert_int_equal(
        parity_of(f, f->relaxed, "IncompleteSignature", 400,
                  "The request signature does not conform to Aliyun standards. "
                  "server string to sign is: GET&%2F&Format%3DJSON",
                  "The request signature does not conform to Aliyun standards. "
                  "server string to sign is: GET&amp;%2F&amp;Format%3DXML"),
        0);
    /* two wordings, each documented, are still two */
    assert_int_equal(parity_of(f, f->kms, "Forbidden.NoPermission", 403,
                               "This operation is forbidden by permission "
                               "system.",
                               "This operation is forbidden by permission "
                               "system"),
                     1);
    assert_int_equal(parity_of(f, f->kms, "IllegalTimestamp", 400,
                               "The input parameter \"Timestamp\" that is "
                               "required for processing this request is not "
                               "supplied.",
                               "The input parameter \"Timestamp\" that is "
                               "mandatory for processing this request is not "
                               "supplied."),
                     1);
}

/* A wording of scope "gateway" passes only under the gateway's rule set. */
static void test_gateway_wordings(void **state)
{
    const struct fx *f = *state;
    const char *m = "The request signature does not conform to Aliyun "
                    "standards. server string to sign is: GET&%2F";
    char *j = json_error("IncompleteSignature", 400, m, NULL);
    struct kc_check_result r;
    judge(f, "IncompleteSignature", j, strlen(j), false, 400, f->kms, &r);
    assert_int_equal(r.nfailures, 1);
    assert_true(kc_check_failed(&r, KC_CHECK_MESSAGE));
    kc_check_result_dispose(&r);
    judge(f, "IncompleteSignature", j, strlen(j), false, 400, f->relaxed, &r);
    assert_int_equal(r.nfailures, 0);
    assert_non_null(strstr(r.tmpl_source, "fog-aliyun"));
    kc_check_result_dispose(&r);
    free(j);
}

/* strict_messages: the seed's templates only; the documented wording
 * without its final period fails then, and passes otherwise. */
static void test_strict_messages(void **state)
{
    const struct fx *f = *state;
    char *j =
        json_error("Forbidden.NoPermission", 403,
                   "This operation is forbidden by permission system", NULL);
    struct kc_check_result r;
    judge(f, "Forbidden.NoPermission", j, strlen(j), false, 403, f->kms, &r);
    assert_int_equal(r.nfailures, 0);
    assert_non_null(strstr(r.tmpl_source, "api-metadata"));
    kc_check_result_dispose(&r);
    kc_catalog_set_seed_only(f->cat, true);
    judge(f, "Forbidden.NoPermission", j, strlen(j), false, 403, f->kms, &r);
    kc_catalog_set_seed_only(f->cat, false);
    assert_int_equal(r.nfailures, 1);
    assert_true(kc_check_failed(&r, KC_CHECK_MESSAGE));
    kc_check_result_dispose(&r);
    free(j);
}

static void test_access_denied_detail(void **state)
{
    const struct fx *f = *state;
    const char *code = "Forbidden.NoPermission";
    const char *m = "This operation is forbidden by permission system.";
    const char *detail = "{\"PolicyType\":\"AccountLevelIdentityBasedPolicy\","
                         "\"AuthAction\":\"kms:DescribeKey\"}";
    const char *xdetail = "<AccessDeniedDetail><PolicyType>"
                          "AccountLevelIdentityBasedPolicy</PolicyType>"
                          "<AuthAction>kms:DescribeKey</AuthAction>"
                          "</AccessDeniedDetail>";
    struct {
        char *body;
        bool xml;
        size_t want; /* envelope failures */
    } rows[] = {
        {json_error(code, 403, m, detail), false, 0},
        {xml_error(code, 403, m, xdetail), true, 0},
        {json_error(code, 403, m, "\"kms:DescribeKey\""), false, 1},
        {xml_error(code, 403, m,
                   "<AccessDeniedDetail>kms:DescribeKey</AccessDeniedDetail>"),
         true, 1},
        /* another object is still result data in an error */
        {xml_error(code, 403, m, "<KeyMetadata><KeyId>k</KeyId></KeyMetadata>"),
         true, 1},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct kc_check_result r;
        judge(f, code, rows[i].body, strlen(rows[i].body), rows[i].xml, 403,
              f->kms, &r);
        if (r.nfailures != rows[i].want)
            print_failures(rows[i].body, &r);
        assert_int_equal(r.nfailures, rows[i].want);
        if (rows[i].want)
            assert_true(kc_check_failed(&r, KC_CHECK_ENVELOPE));
        kc_check_result_dispose(&r);
        free(rows[i].body);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_answers),
        cmocka_unit_test(test_seed_samples_agree),
        cmocka_unit_test(test_parity_per_request_parts),
        cmocka_unit_test(test_gateway_wordings),
        cmocka_unit_test(test_strict_messages),
        cmocka_unit_test(test_access_denied_detail),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
