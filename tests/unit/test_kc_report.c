/* Unit tests of the report model (reports/report.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kc_report_fixture.h"

static void test_props(void **state)
{
    (void)state;
    struct kc_report *r = kc_report_new(NULL);
    assert_non_null(r);
    assert_string_equal(r->name, "kmsconf");
    assert_null(kc_report_prop(r, "kmsconf.target"));
    assert_int_equal(kc_report_set_prop(r, "kmsconf.target", "a"), 0);
    assert_int_equal(kc_report_set_prop(r, "kmsconf.region", "r"), 0);
    assert_int_equal(kc_report_set_prop(r, "kmsconf.target", "b"), 0);
    assert_int_equal(r->nprops, 2);
    assert_string_equal(kc_report_prop(r, "kmsconf.target"), "b");
    assert_string_equal(r->props[0].name, "kmsconf.target");
    kc_report_free(r);
    kc_report_free(NULL);
}

static void test_cases_sort_count_find(void **state)
{
    (void)state;
    struct kc_report *r = fx_report("t");
    fx_case(r, "Zeta", "z/1", "json", KC_OUTCOME_PASS, NULL);
    fx_case(r, "Alpha", "a/2", "xml", KC_OUTCOME_FAIL, "status,code");
    fx_case(r, "Alpha", "a/2", "json", KC_OUTCOME_ERROR, "setup");
    fx_case(r, "Alpha", "a/1", "json", KC_OUTCOME_SKIP, NULL);
    assert_int_equal(r->ncases, 4);
    assert_int_equal(kc_report_count(r, KC_OUTCOME_PASS), 1);
    assert_int_equal(kc_report_count(r, KC_OUTCOME_FAIL), 1);
    assert_int_equal(kc_report_count(r, KC_OUTCOME_ERROR), 1);
    assert_int_equal(kc_report_count(r, KC_OUTCOME_SKIP), 1);
    kc_report_sort(r);
    assert_string_equal(r->cases[0].name, "a/1 [json]");
    assert_string_equal(r->cases[1].name, "a/2 [json]");
    assert_string_equal(r->cases[2].name, "a/2 [xml]");
    assert_string_equal(r->cases[3].classname, "kmsconf.Zeta");
    const struct kc_testcase *tc =
        kc_report_find(r, "kmsconf.Alpha", "a/2 [xml]");
    assert_non_null(tc);
    assert_int_equal(tc->nfailures, 2);
    assert_string_equal(tc->failures[1].check, "code");
    assert_null(kc_report_find(r, "kmsconf.Alpha", "a/3 [xml]"));
    kc_report_free(r);
}

/* A code passes when one testcase passed and none failed or erred, every
 * format together; skips alone are no pass; the score counts the passing
 * codes of the list only. */
static void test_code_state_and_score(void **state)
{
    (void)state;
    struct kc_report *r = fx_report("t");
    fx_case(r, "Pass", "p/1", "json", KC_OUTCOME_PASS, NULL);
    fx_case(r, "Pass", "p/1", "xml", KC_OUTCOME_SKIP, NULL);
    fx_case(r, "Fail", "f/1", "json", KC_OUTCOME_PASS, NULL);
    fx_case(r, "Fail", "f/1", "xml", KC_OUTCOME_FAIL, "status");
    fx_case(r, "Error", "e/1", "json", KC_OUTCOME_ERROR, "setup");
    fx_case(r, "Skip", "s/1", "json", KC_OUTCOME_SKIP, NULL);
    fx_case(r, "Other", "o/1", "json", KC_OUTCOME_PASS, NULL);
    assert_int_equal(kc_report_code_state(r, "Pass"), KC_CODE_PASS);
    assert_int_equal(kc_report_code_state(r, "Fail"), KC_CODE_FAIL);
    assert_int_equal(kc_report_code_state(r, "Error"), KC_CODE_FAIL);
    assert_int_equal(kc_report_code_state(r, "Skip"), KC_CODE_NONE);
    assert_int_equal(kc_report_code_state(r, "Absent"), KC_CODE_NONE);
    static const char *const codes[] = {"Pass", "Fail", "Error", "Skip",
                                        "Absent"};
    assert_int_equal(kc_report_score(r, codes, 5), 1);
    assert_int_equal(kc_report_score(r, codes, 0), 0);
    kc_report_free(r);
}

static void test_derive(void **state)
{
    (void)state;
    struct kc_report *r = kc_report_new("x");
    struct kc_testcase *tc = kc_report_add_case(r);
    kc_report_setstr(&tc->classname, "kmsconf.Forbidden.KeyNotFound");
    kc_report_setstr(&tc->name, "keys/describe-missing [xml]");
    assert_int_equal(kc_testcase_derive(tc), 0);
    assert_string_equal(tc->case_id, "keys/describe-missing");
    assert_string_equal(tc->format, "xml");
    assert_string_equal(tc->code, "Forbidden.KeyNotFound");
    tc = kc_report_add_case(r);
    kc_report_setstr(&tc->classname, "tests.test_keys");
    kc_report_setstr(&tc->name, "test_create[param]");
    assert_int_equal(kc_testcase_derive(tc), 0);
    assert_string_equal(tc->case_id, "test_create[param]");
    assert_null(tc->format);
    assert_null(tc->code);
    kc_report_free(r);
}

static void test_set_id_and_junit_names(void **state)
{
    (void)state;
    struct kc_report *r = kc_report_new("x");
    struct kc_testcase *tc = kc_report_add_case(r);
    assert_int_equal(
        kc_testcase_set_id(tc, "keys/describe-missing", "xml", "Forbidden.X"),
        0);
    assert_string_equal(tc->classname, "kmsconf.Forbidden.X");
    assert_string_equal(tc->name, "keys/describe-missing [xml]");
    assert_string_equal(tc->case_id, "keys/describe-missing");
    assert_string_equal(tc->format, "xml");
    assert_string_equal(tc->code, "Forbidden.X");
    /* the names follow the fields when they change */
    assert_int_equal(kc_testcase_set_id(tc, "a/b", "json", "C"), 0);
    assert_string_equal(tc->classname, "kmsconf.C");
    assert_string_equal(tc->name, "a/b [json]");

    char *cls = NULL, *name = NULL;
    /* set names win (a foreign testcase keeps what it was read with) */
    kc_report_setstr(&tc->classname, "tests.test_keys");
    kc_report_setstr(&tc->name, "test_create[param]");
    assert_int_equal(kc_testcase_junit_names(tc, &cls, &name), 0);
    assert_string_equal(cls, "tests.test_keys");
    assert_string_equal(name, "test_create[param]");
    free(cls);
    free(name);
    /* missing names are derived; without a format the name is the id */
    tc = kc_report_add_case(r);
    kc_report_setstr(&tc->case_id, "only/id");
    assert_int_equal(kc_testcase_junit_names(tc, &cls, &name), 0);
    assert_null(cls);
    assert_string_equal(name, "only/id");
    free(name);
    kc_report_setstr(&tc->code, "Code");
    kc_report_setstr(&tc->format, "json");
    assert_int_equal(kc_testcase_junit_names(tc, &cls, &name), 0);
    assert_string_equal(cls, "kmsconf.Code");
    assert_string_equal(name, "only/id [json]");
    free(cls);
    free(name);
    /* and kc_testcase_derive reads them back */
    struct kc_testcase *back = kc_report_add_case(r);
    kc_report_setstr(&back->classname, "kmsconf.Code");
    kc_report_setstr(&back->name, "only/id [json]");
    assert_int_equal(kc_testcase_derive(back), 0);
    assert_string_equal(back->case_id, "only/id");
    assert_string_equal(back->format, "json");
    assert_string_equal(back->code, "Code");
    kc_report_free(r);
}

static void test_copy_and_skip(void **state)
{
    (void)state;
    struct kc_report *a = fx_report("t");
    struct kc_report *b = kc_report_new("kmsconf");
    struct kc_testcase *tc =
        fx_case(a, "C", "c/1", "json", KC_OUTCOME_FAIL, "status");
    kc_report_setstr(&tc->transcript, "POST / HTTP/1.1");
    struct kc_testcase *cp = kc_report_copy_case(b, &a->cases[0]);
    assert_non_null(cp);
    assert_string_equal(cp->failures[0].detail, "expected X\ngot Y");
    assert_string_equal(cp->transcript, "POST / HTTP/1.1");
    assert_int_equal(kc_testcase_set_skip(cp, "expected-failure", "known"), 0);
    assert_int_equal(cp->outcome, KC_OUTCOME_SKIP);
    assert_int_equal(cp->nfailures, 0);
    assert_int_equal(a->cases[0].nfailures, 1);
    assert_string_equal(kc_outcome_name(KC_OUTCOME_ERROR), "error");
    kc_report_free(a);
    kc_report_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_props),
        cmocka_unit_test(test_cases_sort_count_find),
        cmocka_unit_test(test_code_state_and_score),
        cmocka_unit_test(test_derive),
        cmocka_unit_test(test_set_id_and_junit_names),
        cmocka_unit_test(test_copy_and_skip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
