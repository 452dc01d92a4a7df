/* kc_plan: the chain cost of a case and the longest-chain-first order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kc/plan.h"

static char act[] = "DescribeKey", until[] = "${expiry}";

/* A case of nsetup request steps, a probe and nteardown request steps. */
static void make(struct kc_case *c, struct kc_step *steps, size_t nsetup,
                 size_t nteardown, long wait_ms)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < nsetup + nteardown; i++)
        steps[i] = (struct kc_step){.action = act};
    c->setup = steps;
    c->nsetup = nsetup;
    c->teardown = steps + nsetup;
    c->nteardown = nteardown;
    c->probe = (struct kc_step){.action = act, .wait_ms = wait_ms};
}

static void test_chain_ms(void **state)
{
    (void)state;
    struct kc_case c;
    struct kc_step steps[4];

    make(&c, steps, 2, 1, 0);
    assert_int_equal(kc_plan_chain_ms(&c, 2, 50), 5 * 50);
    assert_int_equal(kc_plan_chain_ms(&c, 1, 50), 4 * 50);
    make(&c, steps, 0, 0, 300); /* the probe's wait counts per format */
    assert_int_equal(kc_plan_chain_ms(&c, 2, 50), 2 * 350);
    make(&c, steps, 2, 0, 0);
    steps[1] = (struct kc_step){.wait_until = until}; /* a pure wait */
    assert_int_equal(kc_plan_chain_ms(&c, 1, 50),
                     50 + KC_PLAN_WAIT_UNTIL_MS + 50);
}

static void test_order_longest_first(void **state)
{
    (void)state;
    struct kc_case c[4];
    struct kc_step s[4][4];
    const struct kc_case *cases[4] = {&c[0], &c[1], &c[2], &c[3]};
    size_t order[4];

    make(&c[0], s[0], 0, 0, 0);    /* 2 requests */
    make(&c[1], s[1], 1, 1, 0);    /* 4 requests, same as c[3] */
    make(&c[2], s[2], 1, 0, 2500); /* a long wait */
    make(&c[3], s[3], 1, 1, 0);
    assert_int_equal(kc_plan_order(cases, 4, 2, 50, order), 0);
    assert_int_equal(order[0], 2);
    assert_int_equal(order[1], 1); /* ties keep the given order */
    assert_int_equal(order[2], 3);
    assert_int_equal(order[3], 0);
    assert_int_equal(kc_plan_order(cases, 0, 2, 50, order), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_ms),
        cmocka_unit_test(test_order_longest_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
