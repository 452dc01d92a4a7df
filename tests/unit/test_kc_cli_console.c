/* Unit tests of kc_console (runner/cli/console.c): the live line with a
 * fake clock, colour, and the summary (duration, "none", skips by reason). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "console.h"

static double fake_clock(void *ctx)
{
    return *(const double *)ctx;
}

struct fixture {
    char *text;
    size_t len;
    FILE *out;
    double now;
    struct kc_report *r;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    f->out = open_memstream(&f->text, &f->len);
    f->r = kc_report_new("kmsconf");
    f->now = 100.0;
    *state = f;
    return f->out && f->r ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    if (f->out)
        fclose(f->out);
    free(f->text);
    kc_report_free(f->r);
    free(f);
    return 0;
}

/* The console's text so far. */
static const char *text(struct fixture *f)
{
    fflush(f->out);
    return f->text ? f->text : "";
}

static struct kc_console *console(struct fixture *f, enum kc_verbosity v,
                                  bool live, enum kc_color color, size_t total)
{
    struct kc_console_opts o = {v, &live, color, fake_clock, &f->now};
    struct kc_console *c = kc_console_new(f->out, &o, total);
    assert_non_null(c);
    return c;
}

/* Adds a testcase of case id with outcome o to the report. */
static const struct kc_testcase *add(struct fixture *f, const char *id,
                                     enum kc_outcome o)
{
    struct kc_testcase *tc = kc_report_add_case(f->r);
    assert_non_null(tc);
    assert_int_equal(
        kc_testcase_set_id(tc, id, "json", "Forbidden.KeyNotFound"), 0);
    tc->outcome = o;
    if (o == KC_OUTCOME_FAIL)
        assert_int_equal(
            kc_testcase_add_failure(tc, "status", "got 405, want 404", NULL),
            0);
    return tc;
}

static const struct kc_testcase *add_skip(struct fixture *f, const char *id,
                                          const char *type, const char *why)
{
    struct kc_testcase *tc = kc_report_add_case(f->r);
    assert_non_null(tc);
    assert_int_equal(kc_testcase_set_id(tc, id, "json", "Forbidden.InDebt"), 0);
    assert_int_equal(kc_testcase_set_skip(tc, type, why), 0);
    tc->outcome = KC_OUTCOME_SKIP;
    return tc;
}

static void live_line_has_rate_elapsed_and_eta(void **state)
{
    struct fixture *f = *state;
    struct kc_console *c = console(f, KC_NORMAL, true, KC_COLOR_NEVER, 10);

    kc_console_start(c);
    f->now += 2.0; /* 4 testcases in 2 s: 2.0/s, 6 left: 0:03 */
    for (int i = 0; i < 4; i++)
        kc_console_testcase(c, add(f, "a", KC_OUTCOME_PASS));
    assert_non_null(strstr(text(f),
                           "\r\033[K[4/10] 0 failed  2.0/s  0:02 elapsed  ETA "
                           "0:03"));
    assert_null(strstr(text(f), "PASS")); /* passes only count */
    f->now += 3600.0;
    kc_console_testcase(c, add(f, "b", KC_OUTCOME_FAIL));
    /* the line is cleared before the failure scrolls above it */
    assert_non_null(strstr(text(f), "ETA 0:03\r\033[KFAIL  kmsconf."));
    assert_non_null(strstr(text(f), "      status: got 405, want 404\n"));
    assert_non_null(strstr(text(f), "[5/10] 1 failed  0.00/s  1:00:02 "
                                    "elapsed  ETA 1:00:02"));
    assert_null(strstr(text(f), "\033[3")); /* no colour when never */
    kc_console_free(c);
}

static void nothing_measured_yet(void **state)
{
    struct fixture *f = *state;
    struct kc_console *c = console(f, KC_NORMAL, true, KC_COLOR_NEVER, 2);

    kc_console_testcase(c, add(f, "a", KC_OUTCOME_PASS));
    assert_non_null(strstr(text(f), "[1/2] 0 failed  -.-/s  0:00 elapsed  "
                                    "ETA -:--"));
    kc_console_free(c);
}

static void colour_by_outcome(void **state)
{
    struct fixture *f = *state;
    struct kc_console *c = console(f, KC_VERBOSE, false, KC_COLOR_ALWAYS, 3);

    assert_true(kc_console_colored(c));
    kc_console_testcase(c, add(f, "a", KC_OUTCOME_PASS));
    kc_console_testcase(c, add(f, "b", KC_OUTCOME_FAIL));
    kc_console_testcase(c, add_skip(f, "c", "missing-credential", "in-debt"));
    assert_non_null(strstr(text(f), "\033[32mPASS\033[0m  kmsconf."));
    assert_non_null(strstr(text(f), "\033[31mFAIL\033[0m  kmsconf."));
    assert_non_null(strstr(text(f), "\033[33mSKIP\033[0m  kmsconf."));
    f->r->time_s = 1.25;
    kc_console_summary(c, f->r, NULL, NULL);
    assert_non_null(strstr(text(f), "\033[32m1 passed\033[0m, \033[31m1 "
                                    "failed\033[0m, 0 errors, \033[33m1 "
                                    "skipped\033[0m in 1.2 s\n"));
    kc_console_free(c);
}

static void no_escape_without_a_terminal(void **state)
{
    struct fixture *f = *state;
    /* auto on a memory stream: not a terminal, so neither live nor colour */
    struct kc_console_opts o = {KC_NORMAL, NULL, KC_COLOR_AUTO, fake_clock,
                                &f->now};
    struct kc_console *c = kc_console_new(f->out, &o, 3);

    assert_non_null(c);
    assert_false(kc_console_colored(c));
    kc_console_testcase(c, add(f, "a", KC_OUTCOME_PASS));
    kc_console_testcase(c, add(f, "b", KC_OUTCOME_FAIL));
    kc_console_note(c, "teardown: something");
    kc_console_summary(c, f->r, "r.xml", "interrupted");
    assert_null(strchr(text(f), '\033'));
    assert_null(strchr(text(f), '\r'));
    assert_non_null(strstr(text(f), "PASS  kmsconf.Forbidden.KeyNotFound  a "
                                    "[json]\n"));
    kc_console_free(c);
}

static void summary_always_says_everything(void **state)
{
    struct fixture *f = *state;
    struct kc_console *c = console(f, KC_QUIET, false, KC_COLOR_NEVER, 6);

    add(f, "a", KC_OUTCOME_PASS);
    add_skip(f, "b", "missing-credential", "in-debt");
    add_skip(f, "c", "missing-capability", "region-without-hsm");
    add_skip(f, "d", "missing-credential", "in-debt");
    add_skip(f, "e", "expected-failure", "known failure: one");
    add_skip(f, "f", "expected-failure", "known failure: two");
    f->r->time_s = 3.21;
    kc_console_summary(c, f->r, "r.xml", NULL);
    assert_string_equal(
        text(f), "\n6 testcases: 1 passed, 0 failed, 0 errors, 5 skipped in "
                 "3.2 s\n"
                 "failures by check: none\n"
                 "failures by code: none\n"
                 "skipped 5: requires credential in-debt (2), requires "
                 "capability region-without-hsm (1), expected-failure (2)\n"
                 "report: r.xml\n");
    kc_console_free(c);
}

static void failures_are_tallied(void **state)
{
    struct fixture *f = *state;
    struct kc_console *c = console(f, KC_QUIET, false, KC_COLOR_NEVER, 2);

    add(f, "a", KC_OUTCOME_FAIL);
    add(f, "b", KC_OUTCOME_FAIL);
    kc_console_summary(c, f->r, NULL, "aborted: x");
    assert_non_null(strstr(text(f), "2 testcases: 0 passed, 2 failed, 0 "
                                    "errors, 0 skipped (aborted: x) in 0.0 "
                                    "s\n"));
    assert_non_null(strstr(text(f), "failures by check:\n  status"));
    assert_non_null(strstr(text(f), "failures by code:\n  "
                                    "Forbidden.KeyNotFound"));
    assert_null(strstr(text(f), "skipped 0"));
    kc_console_free(c);
}

static void skips_one_line_each_only_when_verbose(void **state)
{
    struct fixture *f = *state;
    struct kc_console *c = console(f, KC_NORMAL, false, KC_COLOR_NEVER, 1);

    kc_console_testcase(c, add_skip(f, "b", "missing-credential", "in-debt"));
    assert_string_equal(text(f), "");
    kc_console_free(c);
    c = console(f, KC_VERBOSE, false, KC_COLOR_NEVER, 1);
    kc_console_testcase(c, add_skip(f, "b", "missing-credential", "in-debt"));
    assert_string_equal(text(f), "SKIP  kmsconf.Forbidden.InDebt  b [json]\n"
                                 "      missing-credential: in-debt\n");
    kc_console_free(c);
}

static void color_words(void **state)
{
    enum kc_color k = KC_COLOR_AUTO;
    (void)state;
    assert_int_equal(kc_console_color_parse("always", &k), 0);
    assert_int_equal(k, KC_COLOR_ALWAYS);
    assert_int_equal(kc_console_color_parse("never", &k), 0);
    assert_int_equal(k, KC_COLOR_NEVER);
    assert_int_equal(kc_console_color_parse("auto", &k), 0);
    assert_int_equal(k, KC_COLOR_AUTO);
    assert_int_equal(kc_console_color_parse("yes", &k), -1);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(live_line_has_rate_elapsed_and_eta),
        T(nothing_measured_yet),
        T(colour_by_outcome),
        T(no_escape_without_a_terminal),
        T(summary_always_says_everything),
        T(failures_are_tallied),
        T(skips_one_line_each_only_when_verbose),
        cmocka_unit_test(color_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
