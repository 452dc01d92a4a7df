/* Unit tests of shard merging (reports/merge.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kc_report_fixture.h"
#include "kc/merge.h"

static const char *const names[] = {"s1.xml", "s2.xml", "s3.xml"};

static void test_totals_and_props(void **state)
{
    (void)state;
    struct kc_report *in[3] = {fx_report("t"), fx_report("t"), fx_report("t")};
    kc_report_set_prop(in[0], "kmsconf.shard", "1/3");
    kc_report_set_prop(in[1], "kmsconf.shard", "2/3");
    kc_report_set_prop(in[2], "kmsconf.shard", "3/3");
    kc_report_set_prop(in[1], "kmsconf.started", "2026-11-27T23:59:00Z");
    kc_report_set_prop(in[2], "kmsconf.interrupted", "true");
    kc_report_set_prop(in[0], "kmsconf.interrupted", "false");
    kc_report_set_prop(in[1], "kmsconf.endpoint_host", "a");
    kc_report_set_prop(in[2], "kmsconf.endpoint_host", "b");
    kc_report_set_prop(in[0], "kmsconf.retries", "3");
    kc_report_set_prop(in[1], "kmsconf.retries", "0");
    kc_report_set_prop(in[2], "kmsconf.retries", "12");
    fx_case(in[0], "A", "a/1", "json", KC_OUTCOME_PASS, NULL);
    fx_case(in[0], "A", "a/1", "xml", KC_OUTCOME_FAIL, "status");
    fx_case(in[1], "B", "b/1", "json", KC_OUTCOME_ERROR, "setup");
    fx_case(in[1], "A", "a/1", "json", KC_OUTCOME_PASS, NULL); /* dup */
    fx_case(in[2], "C", "c/1", "json", KC_OUTCOME_SKIP, NULL);
    struct kc_report *out = NULL;
    char err[512];
    if (kc_merge(in, names, 3, false, &out, err, sizeof(err)) != KC_MERGE_OK)
        fail_msg("%s", err);
    assert_int_equal(out->ncases, 4);
    assert_int_equal(kc_report_count(out, KC_OUTCOME_PASS), 1);
    assert_int_equal(kc_report_count(out, KC_OUTCOME_FAIL), 1);
    assert_int_equal(kc_report_count(out, KC_OUTCOME_ERROR), 1);
    assert_int_equal(kc_report_count(out, KC_OUTCOME_SKIP), 1);
    assert_string_equal(out->cases[0].name, "a/1 [json]"); /* sorted */
    assert_null(kc_report_prop(out, "kmsconf.shard"));
    assert_string_equal(kc_report_prop(out, "kmsconf.started"),
                        "2026-11-27T23:59:00Z");
    assert_string_equal(kc_report_prop(out, "kmsconf.interrupted"), "true");
    assert_string_equal(kc_report_prop(out, "kmsconf.endpoint_host"), "a,b");
    assert_string_equal(kc_report_prop(out, "kmsconf.retries"), "15");
    assert_string_equal(kc_report_prop(out, "kmsconf.target"), "t");
    assert_true(out->time_s > 4.49 && out->time_s < 4.51);
    kc_report_free(out);
    for (int i = 0; i < 3; i++)
        kc_report_free(in[i]);
}

static void test_conflict(void **state)
{
    (void)state;
    struct kc_report *in[2] = {fx_report("t"), fx_report("t")};
    fx_case(in[0], "A", "a/1", "json", KC_OUTCOME_PASS, NULL);
    fx_case(in[1], "A", "a/1", "json", KC_OUTCOME_FAIL, "code");
    struct kc_report *out = NULL;
    char err[512] = "";
    assert_int_equal(kc_merge(in, names, 2, false, &out, err, sizeof(err)),
                     KC_MERGE_CONFLICT);
    assert_null(out);
    assert_string_equal(err, "conflict: testcase 'a/1 [json]' (kmsconf.A) is "
                             "pass in s1.xml but fail in s2.xml");
    /* same outcome, different failed checks: also a conflict */
    kc_report_free(in[0]);
    in[0] = fx_report("t");
    fx_case(in[0], "A", "a/1", "json", KC_OUTCOME_FAIL, "status");
    assert_int_equal(kc_merge(in, names, 2, true, &out, err, sizeof(err)),
                     KC_MERGE_CONFLICT);
    for (int i = 0; i < 2; i++)
        kc_report_free(in[i]);
}

static void test_catalogs(void **state)
{
    (void)state;
    struct kc_report *in[2] = {fx_report("t"), fx_report("t")};
    kc_report_set_prop(in[1], "kmsconf.catalog_sha256", "bbbbbbbbbbbbbbbbbb");
    struct kc_report *out = NULL;
    char err[512] = "";
    assert_int_equal(kc_merge(in, names, 2, false, &out, err, sizeof(err)),
                     KC_MERGE_CATALOGS_DIFFER);
    assert_non_null(strstr(err, "s1.xml and s2.xml were made with different "
                                "catalogs"));
    assert_int_equal(kc_merge(in, names, 2, true, &out, err, sizeof(err)),
                     KC_MERGE_OK);
    assert_non_null(
        strstr(kc_report_prop(out, "kmsconf.catalog_sha256"), ",bbbb"));
    kc_report_free(out);
    for (int i = 0; i < 2; i++)
        kc_report_free(in[i]);
}

static void test_no_input(void **state)
{
    (void)state;
    struct kc_report *out = NULL;
    char err[512] = "";
    assert_int_equal(kc_merge(NULL, NULL, 0, false, &out, err, sizeof(err)),
                     KC_MERGE_NO_INPUT);
    assert_null(out);
    assert_string_equal(err, "nothing to merge");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_totals_and_props),
        cmocka_unit_test(test_conflict),
        cmocka_unit_test(test_catalogs),
        cmocka_unit_test(test_no_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
