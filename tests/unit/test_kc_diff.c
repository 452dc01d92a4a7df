/* Unit tests of report comparison (reports/diff.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kc/diff.h"
#include "kc_report_fixture.h"

/* One testcase per category, plus an unchanged one. */
static void build(struct kc_report *b, struct kc_report *n)
{
    fx_case(b, "A", "same", "json", KC_OUTCOME_PASS, NULL);
    fx_case(n, "A", "same", "json", KC_OUTCOME_PASS, NULL);
    fx_case(b, "A", "regress", "json", KC_OUTCOME_PASS, NULL);
    fx_case(n, "A", "regress", "json", KC_OUTCOME_FAIL, "status,code");
    fx_case(b, "A", "fixed", "xml", KC_OUTCOME_FAIL, "message");
    fx_case(n, "A", "fixed", "xml", KC_OUTCOME_PASS, NULL);
    fx_case(b, "B", "changed", "json", KC_OUTCOME_FAIL, "status");
    fx_case(n, "B", "changed", "json", KC_OUTCOME_FAIL, "status,envelope");
    fx_case(b, "B", "still", "json", KC_OUTCOME_FAIL, "status");
    fx_case(n, "B", "still", "json", KC_OUTCOME_FAIL, "status");
    fx_case(n, "C", "new-bad", "json", KC_OUTCOME_ERROR, "transport");
    fx_case(n, "C", "new-good", "json", KC_OUTCOME_PASS, NULL);
    fx_case(n, "C", "new-skip", "json", KC_OUTCOME_SKIP, NULL);
    fx_case(b, "D", "gone", "json", KC_OUTCOME_PASS, NULL);
    fx_case(b, "D", "to-skip", "json", KC_OUTCOME_PASS, NULL);
    fx_case(n, "D", "to-skip", "json", KC_OUTCOME_SKIP, NULL);
    fx_case(b, "D", "from-skip", "json", KC_OUTCOME_SKIP, NULL);
    fx_case(n, "D", "from-skip", "json", KC_OUTCOME_FAIL, "code");
    fx_case(b, "D", "reason", "json", KC_OUTCOME_SKIP, NULL);
    struct kc_testcase *tc =
        fx_case(n, "D", "reason", "json", KC_OUTCOME_SKIP, NULL);
    kc_report_setstr(&tc->skip_reason, "another reason");
}

static const struct kc_diff_entry *entry(const struct kc_diff *d,
                                         const char *name)
{
    for (size_t i = 0; i < d->nentries; i++) {
        const struct kc_diff_entry *e = &d->entries[i];
        const struct kc_testcase *k = e->cur ? e->cur : e->base;
        if (!strcmp(k->name, name))
            return e;
    }
    return NULL;
}

/* The entry's category, -1 when the testcase is not listed. */
static int cat_of(const struct kc_diff *d, const char *name)
{
    const struct kc_diff_entry *e = entry(d, name);
    return e ? (int)e->cat : -1;
}

static const char *checks_of(const struct kc_diff *d, const char *name)
{
    const struct kc_diff_entry *e = entry(d, name);
    return e && e->checks ? e->checks : "";
}

static void test_categories(void **state)
{
    (void)state;
    struct kc_report *b = fx_report("t"), *n = fx_report("t");
    build(b, n);
    struct kc_diff *d = NULL;
    assert_int_equal(kc_diff_compute(b, n, &d), 0);
    assert_int_equal(d->unchanged, 2);
    for (unsigned c = 0; c < KC_DIFF_NCATS; c++)
        assert_int_equal(d->counts[c], 1);
    assert_int_equal(cat_of(d, "regress [json]"), KC_DIFF_REGRESSION);
    assert_string_equal(checks_of(d, "regress [json]"), "status, code");
    assert_int_equal(cat_of(d, "fixed [xml]"), KC_DIFF_FIX);
    assert_int_equal(cat_of(d, "changed [json]"), KC_DIFF_CHANGED);
    assert_string_equal(checks_of(d, "changed [json]"), "envelope");
    assert_int_equal(cat_of(d, "new-bad [json]"), KC_DIFF_NEW_FAILING);
    assert_int_equal(cat_of(d, "new-good [json]"), KC_DIFF_NEW_PASSING);
    assert_int_equal(cat_of(d, "new-skip [json]"), KC_DIFF_ADDED);
    assert_int_equal(cat_of(d, "gone [json]"), KC_DIFF_REMOVED);
    const struct kc_diff_entry *gone = entry(d, "gone [json]");
    assert_true(gone && !gone->cur && gone->base);
    assert_int_equal(cat_of(d, "to-skip [json]"), KC_DIFF_SKIPPED);
    assert_int_equal(cat_of(d, "from-skip [json]"), KC_DIFF_UNSKIPPED);
    assert_int_equal(cat_of(d, "reason [json]"), KC_DIFF_SKIP_REASON);
    assert_null(entry(d, "same [json]"));
    assert_null(entry(d, "still [json]"));
    /* ordered by category */
    for (size_t i = 1; i < d->nentries; i++)
        assert_true(d->entries[i - 1].cat <= d->entries[i].cat);
    kc_diff_free(d);
    kc_report_free(b);
    kc_report_free(n);
}

static void test_fail_on(void **state)
{
    (void)state;
    unsigned m = 0;
    char err[512];
    assert_int_equal(kc_diff_parse_cats("regression", &m, err, sizeof(err)), 0);
    assert_int_equal(m, 1u << KC_DIFF_REGRESSION);
    assert_int_equal(
        kc_diff_parse_cats("new-failing,removed", &m, err, sizeof(err)), 0);
    assert_int_equal(m, (1u << KC_DIFF_NEW_FAILING) | (1u << KC_DIFF_REMOVED));
    assert_int_equal(kc_diff_parse_cats("new", &m, err, sizeof(err)), 0);
    assert_int_equal(m, (1u << KC_DIFF_NEW_FAILING) |
                            (1u << KC_DIFF_NEW_PASSING) |
                            (1u << KC_DIFF_ADDED));
    assert_int_equal(
        kc_diff_parse_cats("regression,bogus", &m, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "'bogus'"));

    struct kc_report *b = fx_report("t"), *n = fx_report("t");
    fx_case(b, "A", "x", "json", KC_OUTCOME_PASS, NULL);
    fx_case(n, "A", "x", "json", KC_OUTCOME_PASS, NULL);
    fx_case(b, "A", "y", "json", KC_OUTCOME_PASS, NULL);
    struct kc_diff *d = NULL;
    assert_int_equal(kc_diff_compute(b, n, &d), 0);
    assert_false(kc_diff_fails(d, 1u << KC_DIFF_REGRESSION));
    assert_true(kc_diff_fails(d, 1u << KC_DIFF_REMOVED));
    kc_diff_free(d);
    /* identical reports: nothing */
    assert_int_equal(kc_diff_compute(b, b, &d), 0);
    assert_int_equal(d->nentries, 0);
    assert_int_equal(d->unchanged, 2);
    kc_diff_free(d);
    kc_report_free(b);
    kc_report_free(n);
}

static char *render(int how, const struct kc_diff *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    if (how == 0)
        kc_diff_print_text(f, d, "base.xml", "new.xml");
    else if (how == 1)
        kc_diff_print_markdown(f, d, "base.xml", "new.xml");
    else
        assert_int_equal(kc_diff_print_json(f, d, "base.xml", "new.xml",
                                            1u << KC_DIFF_REGRESSION),
                         0);
    fclose(f);
    return buf;
}

static void test_renderings(void **state)
{
    (void)state;
    struct kc_report *b = fx_report("t"), *n = fx_report("t");
    build(b, n);
    struct kc_diff *d = NULL;
    assert_int_equal(kc_diff_compute(b, n, &d), 0);
    char *t = render(0, d);
    assert_non_null(strstr(t, "Regressions (1):\n  kmsconf.A  regress [json]: "
                              "pass -> fail  failing checks: status, code\n"));
    assert_non_null(strstr(t, "Removed (1):\n  kmsconf.D  gone [json]: pass "
                              "-> absent\n"));
    char *m = render(1, d);
    assert_non_null(strstr(m, "#### Regressions (1)"));
    assert_non_null(strstr(m, "| `regress [json]` | A | pass | fail | "
                              "failing checks: status, code |"));
    char *j = render(2, d);
    assert_non_null(strstr(j, "\"failing\":\ttrue"));
    assert_non_null(strstr(j, "\"category\":\t\"regression\""));
    /* deterministic */
    char *t2 = render(0, d);
    assert_string_equal(t, t2);
    free(t);
    free(t2);
    free(m);
    free(j);
    kc_diff_free(d);
    kc_report_free(b);
    kc_report_free(n);
}

/* Reports unfit to gate on: a testcase twice in either, NEW interrupted
 * (by the property or by interrupt skips) or with fewer testcases. */
static void test_check_inputs(void **state)
{
    (void)state;
    char err[512] = "";
    struct kc_report *b = fx_report("t"), *n = fx_report("t");
    fx_case(b, "A", "one", "json", KC_OUTCOME_PASS, NULL);
    fx_case(b, "A", "two", "json", KC_OUTCOME_PASS, NULL);
    fx_case(n, "A", "one", "json", KC_OUTCOME_PASS, NULL);
    fx_case(n, "A", "two", "json", KC_OUTCOME_FAIL, "status");
    assert_int_equal(
        kc_diff_check_inputs(b, n, "b.xml", "n.xml", err, sizeof(err)), 0);
    kc_report_set_prop(n, "kmsconf.interrupted", "false");
    assert_int_equal(
        kc_diff_check_inputs(b, n, "b.xml", "n.xml", err, sizeof(err)), 0);

    /* fewer testcases in NEW; more is fine */
    assert_int_equal(
        kc_diff_check_inputs(n, b, "n.xml", "b.xml", err, sizeof(err)), 0);
    fx_case(b, "A", "three", "json", KC_OUTCOME_PASS, NULL);
    assert_int_equal(
        kc_diff_check_inputs(b, n, "b.xml", "n.xml", err, sizeof(err)), -1);
    assert_string_equal(err, "n.xml has 2 testcases, 1 fewer than b.xml (3): "
                             "a partial run cannot show the regressions of "
                             "what it left out");
    fx_case(n, "A", "three", "json", KC_OUTCOME_PASS, NULL);

    /* interrupted: by the property, or by its interrupt skips */
    kc_report_set_prop(n, "kmsconf.interrupted", "true");
    assert_int_equal(
        kc_diff_check_inputs(b, n, "b.xml", "n.xml", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "n.xml is the report of an interrupted run "
                                "(kmsconf.interrupted=true, 0 testcases"));
    kc_report_set_prop(n, "kmsconf.interrupted", "false");
    struct kc_testcase *tc = &n->cases[2];
    assert_int_equal(kc_testcase_set_skip(tc, "interrupted", "stopped"), 0);
    assert_int_equal(
        kc_diff_check_inputs(b, n, "b.xml", "n.xml", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "kmsconf.interrupted=false, 1 testcases"));
    assert_int_equal(
        kc_diff_check_inputs(n, b, "n.xml", "b.xml", err, sizeof(err)), 0);

    /* a duplicate in either report, wherever it lies */
    fx_case(b, "A", "one", "json", KC_OUTCOME_FAIL, "code");
    assert_int_equal(
        kc_diff_check_inputs(b, b, "b.xml", "n.xml", err, sizeof(err)), -1);
    assert_string_equal(err, "b.xml holds testcase 'kmsconf.A' 'one [json]' "
                             "more than once: a report with duplicates "
                             "cannot be compared (combine shards with "
                             "kmsconf merge)");
    assert_int_equal(
        kc_diff_check_inputs(n, b, "n.xml", "b.xml", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "b.xml holds testcase"));
    kc_report_free(b);
    kc_report_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_categories),
        cmocka_unit_test(test_fail_on),
        cmocka_unit_test(test_renderings),
        cmocka_unit_test(test_check_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
