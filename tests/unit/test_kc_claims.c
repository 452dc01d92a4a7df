/* Unit tests of kc_claims: claimed and unclaimed levels and actions
 * against a report's testcases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kc/claims.h"

static void add(struct kc_report *r, const char *id, const char *level,
                const char *action, enum kc_outcome o)
{
    struct kc_testcase *tc = kc_report_add_case(r);

    assert_non_null(tc);
    assert_int_equal(
        kc_testcase_set_id(tc, id, "json", "Forbidden.KeyNotFound"), 0);
    tc->outcome = o;
    kc_report_setstr(&tc->level, level);
    if (action)
        kc_report_setstr(&tc->action, action);
}

struct seen {
    char lines[16][128];
    size_t n;
};

static void collect(void *ctx, const struct kc_claim_row *row)
{
    struct seen *s = ctx;

    assert_true(s->n < 16);
    snprintf(s->lines[s->n++], sizeof(s->lines[0]), "%s %s: %s",
             row->is_action ? "action" : "level", row->name,
             kc_claims_state_name(row->state));
}

static void test_compare(void **state)
{
    struct kc_report *r = kc_report_new("t");
    struct seen s = {0};

    (void)state;
    add(r, "c/1", "core", "DescribeKey", KC_OUTCOME_PASS);
    add(r, "c/2", "core", "Encrypt", KC_OUTCOME_FAIL);
    add(r, "a/1", "account", "ListKeys", KC_OUTCOME_SKIP);
    add(r, "a/2", "account", "ListKeys", KC_OUTCOME_PASS);
    add(r, "al/1", "aliases", "CreateAlias", KC_OUTCOME_PASS);
    /* extension testcases count for no action */
    add(r, "x/1", "extension", "Decrypt", KC_OUTCOME_FAIL);
    add(r, "x/2", "extension", "DescribeKey", KC_OUTCOME_FAIL);
    assert_false(kc_claims_present(r));
    kc_report_set_prop(r, "kmsconf.claims.levels", "core,account,import");
    kc_report_set_prop(r, "kmsconf.claims.actions", "Encrypt,ListKeys,Sign");
    assert_true(kc_claims_present(r));
    kc_claims_compare(r, collect, &s);
    assert_int_equal(s.n, 9);
    assert_string_equal(s.lines[0], "level core: claimed but failing");
    assert_string_equal(s.lines[1], "level import: claimed but not run");
    assert_string_equal(s.lines[2], "level account: claimed but partial "
                                    "(skipped testcases)");
    assert_string_equal(s.lines[3], "action Encrypt: claimed but failing");
    assert_string_equal(s.lines[4], "action ListKeys: claimed but partial "
                                    "(skipped testcases)");
    assert_string_equal(s.lines[5], "action Sign: claimed but not run");
    assert_string_equal(s.lines[6], "level aliases: passing but not claimed");
    assert_string_equal(s.lines[7],
                        "action DescribeKey: passing but not claimed");
    assert_string_equal(s.lines[8],
                        "action CreateAlias: passing but not claimed");
    kc_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
