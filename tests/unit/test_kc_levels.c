/* Unit tests of kc_levels: counting, verdicts, and the JUnit properties
 * the writer derives from the testcases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kc/junit.h"
#include "kc/levels.h"
#include "kc/report.h"

static void add(struct kc_report *r, const char *id, const char *fmt,
                const char *level, enum kc_outcome o)
{
    struct kc_testcase *tc = kc_report_add_case(r);

    assert_non_null(tc);
    assert_int_equal(kc_testcase_set_id(tc, id, fmt, "Forbidden.KeyNotFound"),
                     0);
    tc->outcome = o;
    if (o == KC_OUTCOME_SKIP) {
        kc_report_setstr(&tc->skip_type, "missing-credential");
        kc_report_setstr(&tc->skip_reason, "low-quota");
    }
    if (level)
        kc_report_setstr(&tc->level, level);
}

/* core: all pass; account: one skip; key-lifecycle: one failure, one
 * error and one skip; aliases: json only; two without a level. */
static struct kc_report *sample(void)
{
    struct kc_report *r = kc_report_new("t");

    assert_non_null(r);
    for (int f = 0; f < 2; f++) {
        const char *fmt = f ? "xml" : "json";
        add(r, "c/1", fmt, "core", KC_OUTCOME_PASS);
        add(r, "c/2", fmt, "core", KC_OUTCOME_PASS);
        add(r, "a/1", fmt, "account", KC_OUTCOME_PASS);
        add(r, "a/2", fmt, "account", KC_OUTCOME_SKIP);
        add(r, "k/1", fmt, "key-lifecycle", KC_OUTCOME_PASS);
        add(r, "k/2", fmt, "key-lifecycle",
            f ? KC_OUTCOME_ERROR : KC_OUTCOME_FAIL);
        add(r, "k/3", fmt, "key-lifecycle", KC_OUTCOME_SKIP);
        add(r, "o/1", fmt, NULL, KC_OUTCOME_PASS);
    }
    add(r, "al/1", "json", "aliases", KC_OUTCOME_PASS);
    return r;
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(kc_levels_name(0), "core");
    assert_string_equal(kc_levels_name(KC_LEVELS_N - 1), "extension");
    assert_null(kc_levels_name(KC_LEVELS_N));
    assert_int_equal(kc_levels_index("import"), 3);
    assert_int_equal(kc_levels_index("Core"), -1);
    assert_int_equal(kc_levels_index(NULL), -1);
    assert_string_equal(kc_levels_format(1), "xml");
    assert_null(kc_levels_format(2));
}

static void test_count_and_verdicts(void **state)
{
    struct kc_report *r = sample();
    struct kc_levels lv;
    char buf[128];
    int core = kc_levels_index("core"), acc = kc_levels_index("account");
    int kl = kc_levels_index("key-lifecycle"), al = kc_levels_index("aliases");

    (void)state;
    kc_levels_count(r, &lv);
    assert_int_equal(lv.unknown, 2);
    assert_int_equal(lv.c[core][0].total, 2);
    assert_int_equal(kc_levels_verdict(&lv.c[core][1]), KC_VERDICT_PASS);
    kc_levels_describe(&lv.c[core][1], buf, sizeof(buf));
    assert_string_equal(buf, "pass (2)");
    /* a level with a skip is never a pass */
    assert_int_equal(kc_levels_verdict(&lv.c[acc][0]), KC_VERDICT_PARTIAL);
    kc_levels_describe(&lv.c[acc][0], buf, sizeof(buf));
    assert_string_equal(buf, "partial (1 of 2 skipped)");
    /* a failure and an error both fail the level */
    assert_int_equal(kc_levels_verdict(&lv.c[kl][0]), KC_VERDICT_FAIL);
    assert_int_equal(kc_levels_verdict(&lv.c[kl][1]), KC_VERDICT_FAIL);
    kc_levels_describe(&lv.c[kl][1], buf, sizeof(buf));
    assert_string_equal(buf, "fail (1 of 3 failed, 1 skipped)");
    /* a format the run did not send */
    assert_int_equal(kc_levels_verdict(&lv.c[al][1]), KC_VERDICT_NOT_RUN);
    kc_levels_describe(&lv.c[al][1], buf, sizeof(buf));
    assert_string_equal(buf, "not run");
    kc_levels_describe(&lv.c[al][0], buf, sizeof(buf));
    assert_string_equal(buf, "pass (1)");
    kc_report_free(r);
}

/* The writer states each level from the testcases; a stale property of
 * the same name (a report read back, then filtered) is not repeated. */
static void test_junit_properties(void **state)
{
    struct kc_report *r = sample();
    char *xml = NULL, err[256];

    (void)state;
    assert_int_equal(
        kc_report_set_prop(r, "kmsconf.level.core.json", "fail (9 of 9)"), 0);
    assert_int_equal(kc_junit_write_mem(r, false, &xml, err, sizeof(err)), 0);
    assert_non_null(strstr(
        xml,
        "<property name=\"kmsconf.level.core.json\" value=\"pass (2)\"/>"));
    assert_null(strstr(xml, "fail (9 of 9)"));
    assert_non_null(strstr(xml,
                           "<property name=\"kmsconf.level.key-lifecycle.xml\" "
                           "value=\"fail (1 of 3 failed, 1 skipped)\"/>"));
    assert_non_null(strstr(xml, "name=\"kmsconf.level.aliases.json\""));
    assert_null(strstr(xml, "name=\"kmsconf.level.aliases.xml\""));
    assert_null(strstr(xml, "name=\"kmsconf.level.import."));
    free(xml);
    kc_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_count_and_verdicts),
        cmocka_unit_test(test_junit_properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
