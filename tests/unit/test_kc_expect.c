/* Unit tests of expectation files (reports/expect.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <unistd.h>

#include "kc/expect.h"
#include "kc/junit.h"
#include "kc/results.h"
#include "kc_report_fixture.h"
#include "kc_test_tmp.h"

/* 2026-11-28 12:00:00 UTC */
#define NOW ((time_t)1795867200)

static struct kc_expect *parse(const char *json)
{
    struct kc_expect *e = NULL;
    char err[512];
    if (kc_expect_parse(json, "x.json", &e, err, sizeof(err)))
        fail_msg("%s", err);
    return e;
}

static void test_apply(void **state)
{
    (void)state;
    struct kc_report *r = fx_report("t");
    fx_case(r, "A", "known", "json", KC_OUTCOME_FAIL, "status,code");
    fx_case(r, "A", "known", "xml", KC_OUTCOME_FAIL, "status");
    fx_case(r, "A", "partial", "json", KC_OUTCOME_FAIL, "status,message");
    fx_case(r, "A", "other", "json", KC_OUTCOME_FAIL, "status");
    fx_case(r, "A", "err", "json", KC_OUTCOME_ERROR, "setup");
    struct kc_expect *e = parse(
        "{\"version\": 1, \"expectations\": ["
        "{\"case\": \"known\", \"reason\": \"vendor answers 400\"},"
        "{\"case\": \"partial\", \"format\": \"json\", \"check\": \"status\","
        " \"reason\": \"status differs\", \"expires\": \"2026-11-28\"},"
        "{\"case\": \"err\", \"check\": \"setup\", \"reason\": \"no quota\","
        " \"issue\": \"https://example.com/1\"}]}");
    struct kc_expect_outcome o;
    assert_int_equal(kc_expect_apply(e, r, NOW, &o), 0);
    assert_int_equal(o.applied, 3);
    assert_int_equal(o.stale, 0);
    assert_int_equal(o.expired, 0); /* valid through its day */
    assert_int_equal(r->cases[0].outcome, KC_OUTCOME_SKIP);
    assert_string_equal(r->cases[0].skip_type, "expected-failure");
    assert_string_equal(r->cases[0].skip_reason,
                        "vendor answers 400 (checks: status, code)");
    assert_int_equal(r->cases[1].outcome, KC_OUTCOME_SKIP);
    /* only one of two checks known: stays a failure */
    assert_int_equal(r->cases[2].outcome, KC_OUTCOME_FAIL);
    assert_int_equal(r->cases[3].outcome, KC_OUTCOME_FAIL);
    assert_int_equal(r->cases[4].outcome, KC_OUTCOME_SKIP);
    kc_expect_outcome_dispose(&o);
    kc_expect_free(e);
    kc_report_free(r);
}

static void test_stale_and_unmatched(void **state)
{
    (void)state;
    struct kc_report *r = fx_report("t");
    fx_case(r, "A", "now-passes", "json", KC_OUTCOME_PASS, NULL);
    fx_case(r, "A", "now-passes", "xml", KC_OUTCOME_PASS, NULL);
    fx_case(r, "A", "other-check", "json", KC_OUTCOME_FAIL, "code");
    fx_case(r, "A", "skipped", "json", KC_OUTCOME_SKIP, NULL);
    struct kc_expect *e =
        parse("{\"expectations\": ["
              "{\"case\": \"now-passes\", \"reason\": \"r1\"},"
              "{\"case\": \"other-check\", \"check\": \"status\", \"reason\": "
              "\"r2\"},"
              "{\"case\": \"skipped\", \"reason\": \"r3\"},"
              "{\"case\": \"not-in-run\", \"reason\": \"r4\"}]}");
    struct kc_expect_outcome o;
    assert_int_equal(kc_expect_apply(e, r, NOW, &o), 0);
    assert_int_equal(o.applied, 0);
    assert_int_equal(o.stale, 2);
    assert_int_equal(o.unmatched, 2);
    assert_string_equal(o.stale_ids[0], "now-passes");
    assert_string_equal(o.stale_ids[1], "other-check status");
    assert_int_equal(r->cases[2].outcome, KC_OUTCOME_FAIL);
    kc_expect_outcome_dispose(&o);
    kc_expect_free(e);
    kc_report_free(r);
}

static void test_expired(void **state)
{
    (void)state;
    struct kc_report *r = fx_report("t");
    fx_case(r, "A", "old", "json", KC_OUTCOME_FAIL, "status");
    struct kc_expect *e =
        parse("{\"expectations\": [{\"case\": \"old\", \"reason\": \"temp\","
              " \"expires\": \"2026-11-27\"}]}");
    struct kc_expect_outcome o;
    assert_int_equal(kc_expect_apply(e, r, NOW, &o), 0);
    assert_int_equal(o.applied, 0);
    assert_int_equal(o.expired, 1);
    assert_int_equal(o.stale, 0);
    assert_string_equal(o.expired_ids[0], "old");
    assert_int_equal(r->cases[0].outcome, KC_OUTCOME_FAIL);
    assert_non_null(strstr(r->cases[0].failures[0].message,
                           "expected-failure entry expired 2026-11-27: temp"));
    kc_expect_outcome_dispose(&o);
    kc_expect_free(e);
    kc_report_free(r);
}

/* 100,000 failing testcases and 50,000 entries, one per even case: with
 * the entries scanned for every testcase this is 5e9 comparisons, past the
 * test's TIMEOUT (tests/unit/CMakeLists.txt); with the case index, a
 * fraction of a second. */
static void test_apply_is_linear(void **state)
{
    enum { CASES = 100000, ENTRIES = CASES / 2 };
    (void)state;
    struct kc_report *r = fx_report("t");
    char id[32];
    for (size_t i = 0; i < CASES; i++) {
        snprintf(id, sizeof(id), "c/%zu", i);
        fx_case(r, "A", id, "json", KC_OUTCOME_FAIL, "status");
    }
    struct kc_expect *e = calloc(1, sizeof(*e));
    assert_non_null(e);
    e->entries = calloc(ENTRIES, sizeof(*e->entries));
    assert_non_null(e->entries);
    e->nentries = ENTRIES;
    for (size_t k = 0; k < ENTRIES; k++) {
        snprintf(id, sizeof(id), "c/%zu", 2 * (ENTRIES - 1 - k));
        e->entries[k].case_id = strdup(id);
        e->entries[k].reason = strdup("known");
        assert_non_null(e->entries[k].case_id);
    }
    struct kc_expect_outcome o;
    assert_int_equal(kc_expect_apply(e, r, NOW, &o), 0);
    assert_int_equal(o.applied, ENTRIES);
    assert_int_equal(o.stale + o.unmatched, 0);
    for (size_t i = 0; i < CASES; i++)
        assert_int_equal(r->cases[i].outcome,
                         i % 2 ? KC_OUTCOME_FAIL : KC_OUTCOME_SKIP);
    kc_expect_outcome_dispose(&o);
    kc_expect_free(e);
    kc_report_free(r);
}

static void bad(const char *json, const char *needle)
{
    struct kc_expect *e = NULL;
    char err[512] = "";
    assert_int_equal(kc_expect_parse(json, "exp.json", &e, err, sizeof(err)),
                     -1);
    assert_null(e);
    if (strncmp(err, "exp.json", 8) || !strstr(err, needle))
        fail_msg("error lacks '%s': %s", needle, err);
}

static void test_malformed(void **state)
{
    (void)state;
    bad("{\"expectations\": [", "exp.json:1: not valid JSON");
    bad("[]", "$: must be an object");
    bad("{}", "$.expectations: missing");
    bad("{\"expectations\": [], \"x\": 1}", "$.x: unknown key");
    bad("{\"version\": 2, \"expectations\": []}", "$.version: must be 1");
    bad("{\"expectations\": [{\"reason\": \"r\"}]}",
        "$.expectations[0]: missing \"case\"");
    bad("{\"expectations\": [{\"case\": \"a\"}]}",
        "$.expectations[0]: missing \"reason\"");
    bad("{\"expectations\": [{\"case\": \"a\", \"reason\": \"\"}]}",
        "$.expectations[0].reason: must be a non-empty string");
    bad("{\"expectations\": [{\"case\": \"a\", \"reason\": \"r\", "
        "\"format\": \"yaml\"}]}",
        "$.expectations[0].format");
    bad("{\"expectations\": [{\"case\": \"a\", \"reason\": \"r\"},"
        "{\"case\": \"b\", \"reason\": \"r\", \"expires\": \"2027-02-30\"}]}",
        "$.expectations[1].expires: \"2027-02-30\" is not a date");
    bad("{\"expectations\": [{\"case\": \"a\", \"reason\": \"r\", "
        "\"typo\": 1}]}",
        "$.expectations[0].typo: unknown key");
    bad("{\"expectations\": [{\"case\": \"a\", \"reason\": \"r\"},"
        "{\"case\": \"a\", \"reason\": \"s\"}]}",
        "$.expectations[1]: duplicates $.expectations[0]");
    struct kc_expect *e = NULL;
    char err[256];
    assert_int_equal(
        kc_expect_load("/nonexistent/e.json", &e, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/e.json: cannot open"));
}

static void test_from_report(void **state)
{
    (void)state;
    struct kc_report *r = fx_report("vendor-x");
    fx_case(r, "B", "b/1", "xml", KC_OUTCOME_FAIL, "status,code");
    fx_case(r, "A", "a/1", "json", KC_OUTCOME_ERROR, "setup");
    fx_case(r, "A", "a/2", "json", KC_OUTCOME_PASS, NULL);
    char *text = kc_expect_from_report(r);
    assert_non_null(text);
    struct kc_expect *e = parse(text);
    assert_int_equal(e->nentries, 3);
    assert_string_equal(e->entries[0].case_id, "a/1");
    assert_string_equal(e->entries[1].check, "code");
    assert_string_equal(e->entries[2].check, "status");
    assert_string_equal(e->entries[2].reason,
                        "vendor-x: status check failed for b/1");
    /* applying it to the same report hides every failure */
    struct kc_expect_outcome o;
    assert_int_equal(kc_expect_apply(e, r, NOW, &o), 0);
    assert_int_equal(o.applied, 2);
    assert_int_equal(o.stale, 0);
    assert_int_equal(kc_report_count(r, KC_OUTCOME_FAIL) +
                         kc_report_count(r, KC_OUTCOME_ERROR),
                     0);
    kc_expect_outcome_dispose(&o);
    kc_expect_free(e);
    free(text);
    kc_report_free(r);
}

/* Another producer's report, out of order: duplicate testcases whose
 * failed checks have other messages, a check failed twice in one testcase,
 * no format, a case id from the bare name, control characters. */
static const char foreign_xml[] =
    "<?xml version=\"1.0\"?>\n<testsuite name=\"x\"><properties><property "
    "name=\"kmsconf.target\" value=\"vendor &quot;y&quot;\"/></properties>\n"
    "<testcase classname=\"b.B\" name=\"t [xml]\"><failure message=\"two\" "
    "type=\"status\">x</failure></testcase>\n"
    "<testcase classname=\"a.A\" name=\"t [xml]\"><failure message=\"one\" "
    "type=\"status\">x</failure></testcase>\n"
    "<testcase classname=\"a.A\" name=\"plain\"><error message=\"tab&#9;"
    "nl&#10;\\ q&quot;\" type=\"setup\"/></testcase>\n"
    "<testcase classname=\"a.A\" name=\"t [xml]\"><failure message=\"three\" "
    "type=\"status\">x</failure></testcase>\n"
    "<testcase classname=\"c.C\" name=\"ok [json]\"/>\n"
    "<testcase classname=\"c.C\" name=\"s [json]\"><skipped/></testcase>\n"
    "<testcase classname=\"a.A\" name=\"e [json]\"><failure message=\"\" "
    "type=\"code\">x</failure></testcase>\n"
    "</testsuite>\n";

/* Streamed, the file is the one of the report read whole (plus the final
 * newline the command writes), for a foreign unsorted file, ours (JUnit
 * and results JSON), and one with no failure. */
static void check_same(const char *path)
{
    char err[256], *text = NULL;
    size_t len = 0;
    struct kc_report *r = NULL;
    assert_int_equal(kc_results_read_any(path, KC_JUNIT_READ_NO_TRANSCRIPT, &r,
                                         err, sizeof(err)),
                     0);
    char *whole = kc_expect_from_report(r);
    assert_non_null(whole);
    assert_int_equal(kc_expect_from_file(path, &text, &len, err, sizeof(err)),
                     0);
    assert_int_equal(len, strlen(text));
    assert_int_equal(text[len - 1], '\n');
    text[len - 1] = '\0';
    assert_string_equal(text, whole);
    free(text);
    free(whole);
    kc_report_free(r);
}

static void test_from_file_same(void **state)
{
    (void)state;
    char *p = fx_tmp_file(foreign_xml, sizeof(foreign_xml) - 1);
    check_same(p);
    /* the duplicate's first message, as the sorted whole read gives it */
    char err[256], *text = NULL;
    size_t len = 0;
    assert_int_equal(kc_expect_from_file(p, &text, &len, err, sizeof(err)), 0);
    assert_non_null(strstr(text, "\"reason\":\t\"vendor \\\"y\\\": one\""));
    assert_null(strstr(text, ": two"));
    assert_non_null(strstr(text, "\"case\":\t\"plain\",\n\t\t\t\"check\""));
    free(text);
    unlink(p);
    free(p);

    struct kc_report *r = fx_report("kms-refserver");
    fx_case(r, "Forbidden.KeyNotFound", "keys/b", "xml", KC_OUTCOME_FAIL,
            "message,code");
    fx_case(r, "Forbidden.KeyNotFound", "keys/a", "json", KC_OUTCOME_ERROR,
            "setup");
    fx_case(r, "InternalFailure", "faults/x", "json", KC_OUTCOME_PASS, NULL);
    char *xml = NULL, *json = NULL;
    assert_int_equal(kc_junit_write_mem(r, false, &xml, err, sizeof(err)), 0);
    assert_int_equal(kc_results_write_mem(r, &json, err, sizeof(err)), 0);
    p = fx_tmp_file(xml, strlen(xml));
    check_same(p);
    unlink(p);
    free(p);
    p = fx_tmp_file(json, strlen(json));
    check_same(p);
    unlink(p);
    free(p);
    free(xml);
    free(json);
    kc_report_free(r);
    r = fx_report(NULL);
    fx_case(r, "InternalFailure", "faults/x", "json", KC_OUTCOME_PASS, NULL);
    assert_int_equal(kc_junit_write_mem(r, false, &xml, err, sizeof(err)), 0);
    p = fx_tmp_file(xml, strlen(xml));
    check_same(p);
    unlink(p);
    free(p);
    free(xml);
    kc_report_free(r);
}

/* A report cut in the middle: the reader's error, no text. */
static void test_from_file_error(void **state)
{
    (void)state;
    char err[256] = "", dummy[] = "x", *text = dummy;
    size_t len = 0;
    char *p = fx_tmp_file(foreign_xml, sizeof(foreign_xml) / 2);
    assert_int_equal(kc_expect_from_file(p, &text, &len, err, sizeof(err)), -1);
    assert_null(text);
    assert_non_null(strstr(err, p));
    unlink(p);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_apply),
        cmocka_unit_test(test_stale_and_unmatched),
        cmocka_unit_test(test_expired),
        cmocka_unit_test(test_apply_is_linear),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_from_report),
        cmocka_unit_test(test_from_file_same),
        cmocka_unit_test(test_from_file_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
