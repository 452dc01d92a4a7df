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

/* Every row on one line each, into a growing text. */
struct rows {
    char *text;
    size_t len, n;
};

static void append(void *ctx, const struct kc_claim_row *row)
{
    struct rows *r = ctx;
    char line[160];
    int k = snprintf(line, sizeof(line), "%s %s: %s %zu/%zu\n",
                     row->is_action ? "action" : "level", row->name,
                     kc_claims_state_name(row->state), row->count.passed,
                     row->count.total);
    r->text = realloc(r->text, r->len + (size_t)k + 1);
    assert_non_null(r->text);
    memcpy(r->text + r->len, line, (size_t)k + 1);
    r->len += (size_t)k;
    r->n++;
}

/* A tally of thousands of distinct actions (as a hostile report may name)
 * gives the rows of the report itself: a claimed action seen late is
 * counted, unclaimed ones are the first 256 seen. */
static void test_tally_many_actions(void **state)
{
    struct kc_report *r = kc_report_new("t");
    struct kc_claims_tally t = {0};
    struct rows whole = {0}, tallied = {0};
    char id[32], action[32];

    (void)state;
    for (int i = 0; i < 3000; i++) {
        snprintf(id, sizeof(id), "c/%d", i);
        snprintf(action, sizeof(action), "Act%04d", i % 2500);
        add(r, id, "core", action,
            i == 2999 ? KC_OUTCOME_FAIL : KC_OUTCOME_PASS);
    }
    kc_report_set_prop(r, "kmsconf.claims.levels", "core");
    kc_report_set_prop(r, "kmsconf.claims.actions", "Act0499,Act2400,Act0003");
    for (size_t i = 0; i < r->ncases; i++)
        assert_int_equal(kc_claims_tally_add(&t, &r->cases[i]), 0);
    assert_int_equal(t.nactions, 2500);
    kc_claims_compare(r, append, &whole);
    kc_claims_compare_tally(r, &t, append, &tallied);
    assert_int_equal(whole.n, 1 + 3 + 255); /* Act0003 is claimed */
    assert_string_equal(whole.text, tallied.text);
    assert_non_null(strstr(whole.text, "action Act0499: claimed but failing "
                                       "1/2\n"));
    assert_non_null(strstr(whole.text, "action Act2400: claimed, passing"));
    kc_claims_tally_dispose(&t);
    free(whole.text);
    free(tallied.text);
    kc_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_tally_many_actions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
