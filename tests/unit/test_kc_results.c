/* Unit tests of the results file (reports/results.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "kc/codec.h"
#include "kc/err.h"
#include "kc/json.h"
#include "kc/junit.h"
#include "kc/results.h"
#include "kc_report_fixture.h"
#include "kc_test_tmp.h"

/* A report with every field of the model set somewhere. */
static struct kc_report *full_report(void)
{
    struct kc_report *r = fx_report("kms-refserver");
    kc_report_set_prop(r, "kmsconf.suite_version", "1.2.0");
    kc_report_set_prop(r, "kmsconf.cases_sha256", "bbbb");
    kc_report_set_prop(r, "kmsconf.retries", "3");
    kc_report_set_prop(r, "custom.empty", "");
    struct kc_testcase *tc =
        fx_case(r, "Forbidden.KeyNotFound", "not-found/describe", "json",
                KC_OUTCOME_FAIL, "status,code");
    kc_report_setstr(&tc->level, "core");
    kc_report_setstr(&tc->action, "DescribeKey");
    kc_report_setstr(&tc->request_id, "11111111-2222-3333-4444-555555555555");
    kc_report_setstr(&tc->transcript, "> POST /\n< HTTP/1.1 404\n");
    kc_report_setstr(&tc->message_template, "seed");
    kc_testcase_add_failure(tc, "message", "no detail", NULL);
    tc->time_s = 0.125;
    tc = fx_case(r, "Forbidden.KeyNotFound", "not-found/describe", "xml",
                 KC_OUTCOME_PASS, NULL);
    kc_report_setstr(&tc->level, "core");
    kc_report_setstr(&tc->message_template, "api-metadata");
    tc->retries = 2;
    tc = fx_case(r, "Forbidden.InDebt", "account/in-debt", "json",
                 KC_OUTCOME_SKIP, NULL);
    kc_report_setstr(&tc->level, "account");
    tc = fx_case(r, "InternalFailure", "faults/internal", "xml",
                 KC_OUTCOME_ERROR, "setup");
    kc_report_setstr(&tc->level, "faults");
    /* another producer's testcase: names that its fields do not give */
    tc = kc_report_add_case(r);
    kc_report_setstr(&tc->classname, "tests.test_api");
    kc_report_setstr(&tc->name, "test_list");
    kc_testcase_derive(tc);
    tc->time_s = 2;
    return r;
}

static void assert_str_same(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void assert_case_same(const struct kc_testcase *a,
                             const struct kc_testcase *b)
{
    assert_str_same(a->classname, b->classname);
    assert_str_same(a->name, b->name);
    assert_str_same(a->case_id, b->case_id);
    assert_str_same(a->format, b->format);
    assert_str_same(a->code, b->code);
    assert_str_same(a->level, b->level);
    assert_str_same(a->action, b->action);
    assert_int_equal(a->outcome, b->outcome);
    assert_true(a->time_s == b->time_s);
    assert_int_equal(a->nfailures, b->nfailures);
    for (size_t i = 0; i < a->nfailures; i++) {
        assert_str_same(a->failures[i].check, b->failures[i].check);
        assert_str_same(a->failures[i].message, b->failures[i].message);
        assert_str_same(a->failures[i].detail, b->failures[i].detail);
    }
    assert_str_same(a->skip_type, b->skip_type);
    assert_str_same(a->skip_reason, b->skip_reason);
    assert_str_same(a->request_id, b->request_id);
    assert_str_same(a->transcript, b->transcript);
    assert_str_same(a->message_template, b->message_template);
    assert_int_equal(a->retries, b->retries);
}

/* a and b hold the same model (both sorted). */
static void assert_report_same(const struct kc_report *a,
                               const struct kc_report *b)
{
    assert_str_same(a->name, b->name);
    assert_str_same(a->timestamp, b->timestamp);
    assert_true(a->time_s == b->time_s);
    assert_int_equal(a->nprops, b->nprops);
    for (size_t i = 0; i < a->nprops; i++)
        assert_str_same(a->props[i].value, kc_report_prop(b, a->props[i].name));
    assert_int_equal(a->ncases, b->ncases);
    for (size_t i = 0; i < a->ncases; i++)
        assert_case_same(&a->cases[i], &b->cases[i]);
}

static struct kc_report *round_trip(const struct kc_report *r, char **text)
{
    char err[KC_ERR_MAX] = "";
    struct kc_report *back = NULL;
    assert_int_equal(kc_results_write_mem(r, text, err, sizeof(err)), 0);
    if (kc_results_read_mem(*text, strlen(*text), "rt.json", 0, &back, err,
                            sizeof(err)))
        fail_msg("%s", err);
    return back;
}

static void test_round_trip(void **state)
{
    (void)state;
    struct kc_report *r = full_report();
    char *text = NULL;
    struct kc_report *back = round_trip(r, &text);
    kc_report_sort(r);
    assert_report_same(r, back);
    /* the suite object and the levels are there too */
    assert_non_null(strstr(text, "\"schema\": \"kmsconf-results/1\""));
    assert_non_null(strstr(text, "\"version\": \"1.2.0\""));
    assert_non_null(strstr(text, "\"cases_sha256\": \"bbbb\""));
    assert_non_null(strstr(text, "\"summary\": \"fail (1 of 1 failed)\""));
    assert_non_null(strstr(text, "\"flaky\": 1"));
    /* written again, the text is the same */
    char *again = NULL, err[KC_ERR_MAX];
    assert_int_equal(kc_results_write_mem(back, &again, err, sizeof(err)), 0);
    assert_string_equal(text, again);
    free(again);
    free(text);
    kc_report_free(back);
    kc_report_free(r);
}

/* The level and claim properties are the "levels" and "claims" members,
 * not manifest entries; without a target manifest there is no "claims". */
static void test_derived_props_left_out(void **state)
{
    (void)state;
    struct kc_report *r = fx_report(NULL);
    kc_report_set_prop(r, "kmsconf.level.core.json", "pass (1)");
    kc_report_set_prop(r, "kmsconf.claim.level.core", "claimed, passing");
    char *text = NULL;
    struct kc_report *back = round_trip(r, &text);
    assert_null(strstr(text, "kmsconf.level."));
    assert_null(strstr(text, "kmsconf.claim."));
    assert_null(strstr(text, "\"claims\""));
    assert_null(kc_report_prop(back, "kmsconf.level.core.json"));
    assert_int_equal(back->nprops, r->nprops - 2);
    free(text);
    kc_report_free(back);
    kc_report_free(r);
}

/* A target that states claims: each claim against the testcases. */
static void test_claims(void **state)
{
    (void)state;
    struct kc_report *r = full_report();
    kc_report_set_prop(r, "kmsconf.vendor", "Example");
    kc_report_set_prop(r, "kmsconf.claims.levels", "core,account");
    kc_report_set_prop(r, "kmsconf.claims.actions", "DescribeKey");
    char *text = NULL;
    struct kc_report *back = round_trip(r, &text);
    assert_non_null(strstr(text, "{\"kind\": \"level\", \"name\": \"core\", "
                                 "\"state\": \"claimed but failing\""));
    assert_non_null(strstr(text, "{\"kind\": \"level\", \"name\": "
                                 "\"account\", \"state\": \"claimed but "
                                 "partial (skipped testcases)\""));
    assert_non_null(strstr(text, "{\"kind\": \"action\", \"name\": "
                                 "\"DescribeKey\", \"state\": \"claimed "
                                 "but failing\""));
    assert_string_equal(kc_report_prop(back, "kmsconf.claims.levels"),
                        "core,account");
    free(text);
    kc_report_free(back);
    kc_report_free(r);
}

static void test_no_transcript(void **state)
{
    (void)state;
    struct kc_report *r = full_report(), *back = NULL;
    char *text = NULL, err[KC_ERR_MAX];
    assert_int_equal(kc_results_write_mem(r, &text, err, sizeof(err)), 0);
    assert_int_equal(kc_results_read_mem(text, strlen(text), "t.json",
                                         KC_JUNIT_READ_NO_TRANSCRIPT, &back,
                                         err, sizeof(err)),
                     0);
    for (size_t i = 0; i < back->ncases; i++)
        assert_null(back->cases[i].transcript);
    const struct kc_testcase *tc = kc_report_find(
        back, "kmsconf.Forbidden.KeyNotFound", "not-found/describe [json]");
    assert_non_null(tc);
    assert_non_null(tc->request_id);
    free(text);
    kc_report_free(back);
    kc_report_free(r);
}

/* Control characters survive exactly; invalid UTF-8 becomes \xNN; the
 * document stays valid JSON. */
static void test_hostile_strings(void **state)
{
    (void)state;
    struct kc_report *r = fx_report("t\x1b[31mred");
    struct kc_testcase *tc =
        fx_case(r, "Code", "hostile", "json", KC_OUTCOME_FAIL, NULL);
    const char *ctl = "a\x01\x1f\x7f\"\\\n\t\r]]></x>";
    kc_report_setstr(&tc->transcript, ctl);
    kc_testcase_add_failure(tc, "message",
                            "bad \xC0\xAF|\xFF|\xED\xA0\x80|\xE2\x82",
                            "\xF0\x9F\x98\x80 ok");
    char *text = NULL, err[KC_ERR_MAX];
    struct kc_report *back = round_trip(r, &text);
    cJSON *doc = kc_json_parse(text, strlen(text), "h.json", err, sizeof(err));
    assert_non_null(doc);
    cJSON_Delete(doc);
    assert_true(kc_utf8_valid(text, strlen(text)));
    assert_string_equal(back->cases[0].transcript, ctl);
    assert_string_equal(back->cases[0].failures[0].message,
                        "bad \\xC0\\xAF|\\xFF|\\xED\\xA0\\x80|\\xE2\\x82");
    assert_string_equal(back->cases[0].failures[0].detail,
                        "\xF0\x9F\x98\x80 ok");
    assert_string_equal(kc_report_prop(back, "kmsconf.target"), "t\x1b[31mred");
    free(text);
    kc_report_free(back);
    kc_report_free(r);
}

/* A small valid document; the malformed ones are edits of it. */
#define DOC_HEAD "{\"schema\": \"kmsconf-results/1\", \"manifest\": {}, "
#define DOC_CASE                                                               \
    "{\"id\": \"a\", \"format\": \"json\", \"code\": \"C\", \"outcome\": "     \
    "\"fail\", \"time_s\": 0.5, \"checks\": [{\"check\": \"status\", "         \
    "\"verdict\": \"fail\", \"message\": \"m\"}]}"
#define DOC_TOTALS                                                             \
    "\"totals\": {\"tests\": 1, \"passed\": 0, \"failed\": 1, \"errors\": 0, " \
    "\"skipped\": 0, \"time_s\": 1}"
#define DOC_OK DOC_HEAD DOC_TOTALS ", \"testcases\": [" DOC_CASE "]}"

struct bad {
    const char *doc;
    const char *error; /* the whole line */
};

static const struct bad bad_docs[] = {
    {"[]", "m.json: $: expected an object"},
    {"{\"manifest\": {}}", "m.json: $: missing member \"schema\""},
    {"{\"schema\": 1}", "m.json: $.schema: expected a string"},
    {"{\"schema\": \"kmsconf-results/2\"}",
     "m.json: $.schema: schema version 2 is not supported: this kmsconf "
     "reads kmsconf-results/1.x"},
    {"{\"schema\": \"kmsconf-results/2.1\"}",
     "m.json: $.schema: schema version 2 is not supported: this kmsconf "
     "reads kmsconf-results/1.x"},
    {"{\"schema\": \"other/1\"}",
     "m.json: $.schema: not a kmsconf results file ('other/1')"},
    {"{\"schema\": \"kmsconf-results/1.\"}",
     "m.json: $.schema: malformed schema version 'kmsconf-results/1.'"},
    {"{\"schema\": \"kmsconf-results/one\"}",
     "m.json: $.schema: malformed schema version 'kmsconf-results/one'"},
    {"{\"schema\": \"kmsconf-results/1\", \"schema\": \"x\"}",
     "m.json: $.schema: repeated member"},
    {"{\"schema\": \"kmsconf-results/1\"}",
     "m.json: $: missing member \"manifest\""},
    {"{\"schema\": \"kmsconf-results/1\", \"manifest\": {\"kmsconf.version\": "
     "1}}",
     "m.json: $.manifest[\"kmsconf.version\"]: expected a string"},
    {"{\"schema\": \"kmsconf-results/1\", \"manifest\": {\"kmsconf.level.d\": "
     "\"x\"}}",
     "m.json: $.manifest[\"kmsconf.level.d\"]: a name kmsconf keeps for the "
     "levels and claims it computes (they go in \"levels\" and \"claims\")"},
    {"{\"schema\": \"kmsconf-results/1\", \"manifest\": {\"kmsconf.claim.\": "
     "\"\"}}",
     "m.json: $.manifest[\"kmsconf.claim.\"]: a name kmsconf keeps for the "
     "levels and claims it computes (they go in \"levels\" and \"claims\")"},
    {"{\"schema\": \"kmsconf-results/1\", \"manifest\": [], }",
     "m.json: line 1, column 49: invalid JSON"},
    {"{\"schema\": \"kmsconf-results/1\", \"manifest\": []}",
     "m.json: $.manifest: expected an object"},
    {"{\"schema\": \"kmsconf-results/1\", \"name\": \"\xC3\x28\", "
     "\"manifest\": {}}",
     "m.json: $.name: not valid UTF-8"},
    {DOC_HEAD DOC_TOTALS "}", "m.json: $: missing member \"testcases\""},
    {DOC_HEAD "\"testcases\": {}}", "m.json: $.testcases: expected an array"},
    {DOC_HEAD "\"testcases\": [1]}",
     "m.json: $.testcases[0]: expected an object"},
    {DOC_HEAD "\"testcases\": [{\"outcome\": \"pass\"}]}",
     "m.json: $.testcases[0]: missing member \"id\""},
    {DOC_HEAD "\"testcases\": [{\"id\": \"a\", \"outcome\": \"ok\"}]}",
     "m.json: $.testcases[0].outcome: 'ok' is not pass, fail, error or skip"},
    {DOC_HEAD "\"testcases\": [{\"id\": \"a\", \"outcome\": \"pass\"}]}",
     "m.json: $.testcases[0]: missing member \"time_s\""},
    {DOC_HEAD "\"testcases\": [{\"id\": \"a\", \"outcome\": \"pass\", "
              "\"time_s\": \"1\"}]}",
     "m.json: $.testcases[0].time_s: expected a number"},
    {DOC_HEAD "\"testcases\": [{\"id\": \"a\", \"outcome\": \"pass\", "
              "\"time_s\": -1}]}",
     "m.json: $.testcases[0].time_s: expected a number of seconds, at least 0"},
    {DOC_HEAD "\"testcases\": [{\"id\": \"a\", \"outcome\": \"pass\", "
              "\"time_s\": 1, \"retries\": 1.5}]}",
     "m.json: $.testcases[0].retries: expected an integer"},
    {DOC_HEAD "\"testcases\": [{\"id\": \"a\", \"outcome\": \"pass\", "
              "\"time_s\": 1, \"retries\": -1}]}",
     "m.json: $.testcases[0].retries: expected an integer from 0 to 1000000"},
    {DOC_HEAD "\"testcases\": [{\"id\": \"a\", \"id\": \"b\"}]}",
     "m.json: $.testcases[0].id: repeated member"},
    {DOC_HEAD "\"testcases\": [{\"id\": 7}]}",
     "m.json: $.testcases[0].id: expected a string"},
    {DOC_HEAD "\"testcases\": [{\"id\": \"a\", \"outcome\": \"pass\", "
              "\"time_s\": 1, \"transcript\": \"\xFF\"}]}",
     "m.json: $.testcases[0].transcript: not valid UTF-8"},
    {DOC_HEAD "\"testcases\": [{\"id\": \"a\", \"outcome\": \"pass\", "
              "\"time_s\": 1, \"checks\": [{\"check\": \"status\", "
              "\"verdict\": \"fail\", \"message\": \"m\"}]}]}",
     "m.json: $.testcases[0].checks: failed checks in a testcase whose "
     "outcome is pass"},
    {DOC_HEAD "\"testcases\": [{\"id\": \"a\", \"outcome\": \"error\", "
              "\"time_s\": 1, \"checks\": [{\"check\": \"setup\", "
              "\"verdict\": \"fail\", \"message\": \"m\"}]}]}",
     "m.json: $.testcases[0].checks[0].verdict: 'fail' in a testcase whose "
     "outcome is error"},
    {DOC_HEAD "\"testcases\": [{\"id\": \"a\", \"outcome\": \"fail\", "
              "\"time_s\": 1, \"checks\": [{\"check\": \"status\", "
              "\"verdict\": \"fail\"}]}]}",
     "m.json: $.testcases[0].checks[0]: missing member \"message\""},
    {DOC_HEAD "\"testcases\": [{\"id\": \"a\", \"outcome\": \"fail\", "
              "\"time_s\": 1, \"checks\": {}}]}",
     "m.json: $.testcases[0].checks: expected an array"},
    {DOC_HEAD "\"testcases\": [{\"id\": \"a\", \"outcome\": \"fail\", "
              "\"time_s\": 1, \"skip\": {\"type\": \"x\"}}]}",
     "m.json: $.testcases[0].skip: a skip in a testcase whose outcome is "
     "fail"},
    {DOC_HEAD "\"testcases\": [{\"id\": \"a\", \"outcome\": \"skip\", "
              "\"time_s\": 1, \"skip\": {\"reason\": false}}]}",
     "m.json: $.testcases[0].skip.reason: expected a string"},
    {DOC_HEAD "\"testcases\": [" DOC_CASE "]}",
     "m.json: $: missing member \"totals\""},
    {DOC_HEAD "\"totals\": {\"tests\": 2, \"passed\": 0, \"failed\": 1, "
              "\"errors\": 0, \"skipped\": 0, \"time_s\": 1}, "
              "\"testcases\": [" DOC_CASE "]}",
     "m.json: $.totals.tests: 2, but the file holds 1 testcases"},
    {DOC_HEAD "\"totals\": {\"tests\": 1, \"passed\": 1, \"failed\": 0, "
              "\"errors\": 0, \"skipped\": 0, \"time_s\": 1}, "
              "\"testcases\": [" DOC_CASE "]}",
     "m.json: $.totals.passed: 1, but the testcases hold 0"},
    {DOC_HEAD "\"totals\": {\"tests\": 1, \"passed\": 0, \"failed\": 1, "
              "\"errors\": 0, \"time_s\": 1}, "
              "\"testcases\": [" DOC_CASE "]}",
     "m.json: $.totals: missing member \"skipped\""},
    {DOC_HEAD "\"suite\": {\"version\": 1}, " DOC_TOTALS
              ", \"testcases\": [" DOC_CASE "]}",
     "m.json: $.suite.version: expected a string"},
    {DOC_HEAD "\"levels\": [], " DOC_TOTALS ", \"testcases\": [" DOC_CASE "]}",
     "m.json: $.levels: expected an object"},
    {DOC_HEAD "\"claims\": {}, " DOC_TOTALS ", \"testcases\": [" DOC_CASE "]}",
     "m.json: $.claims: expected an array"},
    {"", "m.json: invalid JSON (empty file)"},
};

static void test_malformed(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
        struct kc_report *r = (struct kc_report *)1;
        char err[KC_ERR_MAX] = "";
        const struct bad *b = &bad_docs[i];
        int rc = kc_results_read_mem(b->doc, strlen(b->doc), "m.json", 0, &r,
                                     err, sizeof(err));
        if (rc != -1 || strcmp(err, b->error))
            fail_msg("document %zu: rc %d, '%s', expected '%s'", i, rc, err,
                     b->error);
        assert_null(r);
    }
}

/* The valid document the malformed ones are made from is read, and so is
 * a later minor version with a member this reader does not know. */
static void test_minimal_and_minor(void **state)
{
    (void)state;
    struct kc_report *r = NULL;
    char err[KC_ERR_MAX] = "";
    if (kc_results_read_mem(DOC_OK, strlen(DOC_OK), "ok.json", 0, &r, err,
                            sizeof(err)))
        fail_msg("%s", err);
    assert_int_equal(r->ncases, 1);
    assert_string_equal(r->cases[0].classname, "kmsconf.C");
    assert_string_equal(r->cases[0].name, "a [json]");
    assert_int_equal(r->cases[0].nfailures, 1);
    kc_report_free(r);
    const char *minor =
        "{\"schema\": \"kmsconf-results/1.7\", \"new\": [1], "
        "\"manifest\": {}, " DOC_TOTALS ", \"testcases\": [" DOC_CASE "]}";
    if (kc_results_read_mem(minor, strlen(minor), "minor.json", 0, &r, err,
                            sizeof(err)))
        fail_msg("%s", err);
    kc_report_free(r);
}

static void test_truncated(void **state)
{
    (void)state;
    struct kc_report *full = full_report(), *r = NULL;
    char *text = NULL, err[KC_ERR_MAX];
    assert_int_equal(kc_results_write_mem(full, &text, err, sizeof(err)), 0);
    size_t len = strlen(text);
    for (size_t cut = 1; cut < len; cut += len / 7) {
        assert_int_equal(
            kc_results_read_mem(text, cut, "cut.json", 0, &r, err, sizeof(err)),
            -1);
        assert_non_null(strstr(err, "cut.json: line "));
        assert_non_null(strstr(err, ": invalid JSON"));
    }
    free(text);
    kc_report_free(full);
}

static void test_ceilings(void **state)
{
    (void)state;
    struct kc_report *r = NULL;
    char err[KC_ERR_MAX];
    /* the length is refused before a byte is read */
    assert_int_equal(kc_results_read_mem("{}", KC_RESULTS_MAX_BYTES + 1,
                                         "big.json", 0, &r, err, sizeof(err)),
                     -1);
    assert_string_equal(err, "big.json: larger than 1073741824 bytes");
    assert_int_equal(
        kc_results_read_mem("{}\0{}", 5, "nul.json", 0, &r, err, sizeof(err)),
        -1);
    assert_string_equal(err, "nul.json: contains a NUL byte");
    /* one check more than the ceiling */
    struct kc_report *many = fx_report(NULL);
    struct kc_testcase *tc =
        fx_case(many, "C", "many", "json", KC_OUTCOME_FAIL, NULL);
    for (size_t i = 0; i <= KC_RESULTS_MAX_CHECKS; i++)
        kc_testcase_add_failure(tc, "status", "m", NULL);
    char *text = NULL;
    assert_int_equal(kc_results_write_mem(many, &text, err, sizeof(err)), 0);
    assert_int_equal(kc_results_read_mem(text, strlen(text), "many.json", 0, &r,
                                         err, sizeof(err)),
                     -1);
    assert_string_equal(
        err, "many.json: $.testcases[0].checks: more than 256 checks");
    free(text);
    kc_report_free(many);
}

/* Files: written atomically, read back, and read_any tells the formats
 * apart by their content (the names say nothing). */
static void test_files_and_read_any(void **state)
{
    (void)state;
    struct kc_report *r = full_report(), *a = NULL, *b = NULL, *c = NULL;
    char err[KC_ERR_MAX] = "";
    const char *json = fx_tmp_path("results.xml"); /* a misleading name */
    const char *xml = fx_tmp_path("junit.json");
    if (kc_results_write(r, json, err, sizeof(err)) ||
        kc_junit_write(r, xml, false, err, sizeof(err)))
        fail_msg("%s", err);
    if (kc_results_read(json, 0, &a, err, sizeof(err)) ||
        kc_results_read_any(json, 0, &b, err, sizeof(err)) ||
        kc_results_read_any(xml, 0, &c, err, sizeof(err)))
        fail_msg("%s", err);
    kc_report_sort(r);
    assert_report_same(r, a);
    assert_report_same(r, b);
    assert_int_equal(c->ncases, r->ncases);
    for (size_t i = 0; i < r->ncases; i++) { /* the JUnit reader's model */
        assert_str_same(r->cases[i].name, c->cases[i].name);
        assert_int_equal(r->cases[i].outcome, c->cases[i].outcome);
        assert_int_equal(r->cases[i].nfailures, c->cases[i].nfailures);
    }
    kc_report_free(a);
    kc_report_free(b);
    kc_report_free(c);
    /* white space before the '{' */
    const char *spaced = fx_tmp_path("spaced");
    FILE *f = fopen(spaced, "w");
    assert_non_null(f);
    fputs(" \n\t" DOC_OK, f);
    fclose(f);
    if (kc_results_read_any(spaced, 0, &a, err, sizeof(err)))
        fail_msg("%s", err);
    assert_int_equal(a->ncases, 1);
    kc_report_free(a);
    /* the errors are the picked reader's */
    f = fopen(spaced, "w");
    fputs("{\"schema\": \"kmsconf-results/9\"}", f);
    fclose(f);
    assert_int_equal(kc_results_read_any(spaced, 0, &a, err, sizeof(err)), -1);
    assert_non_null(strstr(err, ": $.schema: schema version 9 is not"));
    assert_int_equal(
        kc_results_read_any(fx_tmp_path("none"), 0, &a, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "none: cannot open: "));
    kc_report_free(r);
}

/* A pipe: read_any reads both formats from a stream it opens once. */
static void read_pipe(const char *text, size_t want_cases)
{
    int fds[2];
    char path[64], err[KC_ERR_MAX] = "";
    struct kc_report *r = NULL;
    assert_int_equal(pipe(fds), 0);
    /* small enough for the pipe's buffer: no writer process needed */
    assert_int_equal(write(fds[1], text, strlen(text)), (ssize_t)strlen(text));
    close(fds[1]);
    snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
    if (kc_results_read_any(path, 0, &r, err, sizeof(err)))
        fail_msg("%s", err);
    close(fds[0]);
    assert_int_equal(r->ncases, want_cases);
    kc_report_free(r);
}

static void test_read_any_pipe(void **state)
{
    (void)state;
    struct kc_report *r = fx_report(NULL);
    char *xml = NULL, err[KC_ERR_MAX];
    fx_case(r, "C", "a", "json", KC_OUTCOME_PASS, NULL);
    fx_case(r, "C", "a", "xml", KC_OUTCOME_FAIL, "status");
    assert_int_equal(kc_junit_write_mem(r, false, &xml, err, sizeof(err)), 0);
    read_pipe("\n" DOC_OK, 1);
    read_pipe(xml, 2);
    free(xml);
    kc_report_free(r);
}

/* What a streaming callback saw: the names in order, the properties the
 * header held at the first testcase; it stops after stop_after of them. */
struct seen {
    char names[8][96];
    size_t n, stop_after, held;
    bool had_target;
};

static int on_case(void *ud, const struct kc_report *hdr,
                   struct kc_testcase *tc)
{
    struct seen *s = ud;
    if (s->n == 0)
        s->had_target = kc_report_prop(hdr, "kmsconf.target") != NULL;
    s->held += hdr->ncases;
    if (s->n < 8)
        snprintf(s->names[s->n], sizeof(s->names[0]), "%s|%s", tc->classname,
                 tc->name);
    free(tc->name); /* taken over: the reader must not free it again */
    tc->name = NULL;
    return ++s->n == s->stop_after;
}

/* kc_results_each_any hands on every testcase, one at a time, with the
 * header first: in the file's order for JUnit, sorted for a results file;
 * a non-zero return stops it (1), a bad file is the reader's error. */
static void test_each_any(void **state)
{
    (void)state;
    struct kc_report *r = fx_report("t"), *hdr = NULL;
    char err[KC_ERR_MAX] = "";
    fx_case(r, "B", "b", "xml", KC_OUTCOME_PASS, NULL);
    fx_case(r, "A", "a", "json", KC_OUTCOME_FAIL, "status");
    fx_case(r, "A", "a", "xml", KC_OUTCOME_PASS, NULL);
    const char *json = fx_tmp_path("each.json"), *xml = fx_tmp_path("each.xml");
    if (kc_results_write(r, json, err, sizeof(err)) ||
        kc_junit_write(r, xml, false, err, sizeof(err)))
        fail_msg("%s", err);
    for (int k = 0; k < 2; k++) {
        struct seen s = {0};
        int rc = kc_results_each_any(k ? xml : json, 0, on_case, &s, &hdr, err,
                                     sizeof(err));
        if (rc)
            fail_msg("%d %s", rc, err);
        assert_int_equal(s.n, 3);
        assert_int_equal(s.held, 0); /* the header never holds a testcase */
        assert_true(s.had_target);
        assert_string_equal(s.names[0], "kmsconf.A|a [json]");
        assert_string_equal(s.names[2], "kmsconf.B|b [xml]");
        assert_int_equal(hdr->ncases, 0);
        assert_string_equal(kc_report_prop(hdr, "kmsconf.target"), "t");
        kc_report_free(hdr);
        struct seen stop = {.stop_after = 2};
        assert_int_equal(kc_results_each_any(k ? xml : json, 0, on_case, &stop,
                                             &hdr, err, sizeof(err)),
                         1);
        assert_int_equal(stop.n, 2);
        kc_report_free(hdr);
    }
    /* another producer's order is the file's */
    const char *foreign = fx_tmp_path("foreign.xml");
    FILE *f = fopen(foreign, "w");
    assert_non_null(f);
    fputs("<testsuite name=\"s\"><testcase classname=\"z\" name=\"2\"/>"
          "<testcase classname=\"a\" name=\"1\"/></testsuite>",
          f);
    fclose(f);
    struct seen s = {0};
    if (kc_results_each_any(foreign, 0, on_case, &s, &hdr, err, sizeof(err)))
        fail_msg("%s", err);
    assert_string_equal(s.names[0], "z|2");
    assert_string_equal(s.names[1], "a|1");
    kc_report_free(hdr);
    /* a problem after the testcases handed on fails the read */
    f = fopen(foreign, "w");
    fputs("<testsuite><testcase classname=\"z\" name=\"2\"/><testcase/>"
          "</testsuite>",
          f);
    fclose(f);
    s.n = 0;
    hdr = (struct kc_report *)1;
    assert_int_equal(
        kc_results_each_any(foreign, 0, on_case, &s, &hdr, err, sizeof(err)),
        -1);
    assert_null(hdr);
    assert_int_equal(s.n, 1);
    assert_non_null(strstr(err, "<testcase> without a name"));
    kc_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_derived_props_left_out),
        cmocka_unit_test(test_claims),
        cmocka_unit_test(test_no_transcript),
        cmocka_unit_test(test_hostile_strings),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_minimal_and_minor),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_ceilings),
        cmocka_unit_test(test_files_and_read_any),
        cmocka_unit_test(test_read_any_pipe),
        cmocka_unit_test(test_each_any),
    };
    return cmocka_run_group_tests(tests, fx_tmp_setup, fx_tmp_teardown);
}
