/* kc_pace: the shared rate spaces attempts (a lower bound on the time
 * they take, never an upper one), the concurrency limit halves once per
 * wave of throttled answers and recovers one step per limit clean answers,
 * and a wait ends at once when the stop flag is set. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "kc/pace.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct sender {
    struct kc_pace *p;
    int n;
};

static void *send_some(void *arg)
{
    struct sender *s = arg;
    for (int i = 0; i < s->n; i++) {
        unsigned long t = 0;
        if (kc_pace_acquire(s->p, NULL, &t))
            kc_pace_release(s->p, t, false);
    }
    return NULL;
}

static void rate_is_shared(void **state)
{
    struct kc_pace *p = kc_pace_new(50.0, 4);
    struct sender s = {p, 5};
    pthread_t th[4];
    (void)state;
    assert_non_null(p);
    double t0 = now_s();
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, send_some, &s), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    /* 20 attempts at 50 per second: at least 19 intervals of 20 ms */
    assert_true(now_s() - t0 >= 0.379);
    kc_pace_free(p);
}

static void limit_adapts(void **state)
{
    struct kc_pace *p = kc_pace_new(0.0, 8);
    unsigned long t[8];
    (void)state;
    assert_int_equal(kc_pace_limit(p), 8);
    for (int i = 0; i < 8; i++)
        assert_true(kc_pace_acquire(p, NULL, &t[i]));
    /* one burst of throttled answers: one cut */
    for (int i = 0; i < 8; i++)
        kc_pace_release(p, t[i], true);
    assert_int_equal(kc_pace_limit(p), 4);
    /* a later attempt throttled: another cut, down to 1 at the least */
    for (int k = 0; k < 4; k++) {
        assert_true(kc_pace_acquire(p, NULL, &t[0]));
        kc_pace_release(p, t[0], true);
    }
    assert_int_equal(kc_pace_limit(p), 1);
    assert_int_equal(kc_pace_lowest(p), 1);
    /* additive recovery: +1 per `limit` clean answers, up to 8 */
    for (int k = 0; k < 1 + 2 + 3; k++) {
        assert_true(kc_pace_acquire(p, NULL, &t[0]));
        kc_pace_release(p, t[0], false);
    }
    assert_int_equal(kc_pace_limit(p), 4);
    for (int k = 0; k < 100; k++) {
        assert_true(kc_pace_acquire(p, NULL, &t[0]));
        kc_pace_release(p, t[0], false);
    }
    assert_int_equal(kc_pace_limit(p), 8);
    assert_int_equal(kc_pace_lowest(p), 1);
    kc_pace_free(p);
}

static void waits_end_on_stop(void **state)
{
    volatile sig_atomic_t stop = 1;
    struct kc_pace *p = kc_pace_new(0.0, 1);
    struct kc_pace *slow = kc_pace_new(0.1, 1); /* a slot every 10 s */
    unsigned long t = 0, u = 0;
    (void)state;
    assert_true(kc_pace_acquire(p, NULL, &t));
    double t0 = now_s();
    assert_false(kc_pace_acquire(p, &stop, &u)); /* no place: stopped */
    kc_pace_release(p, t, false);
    assert_true(kc_pace_acquire(slow, NULL, &t)); /* the first slot: now */
    kc_pace_release(slow, t, false);
    assert_false(kc_pace_acquire(slow, &stop, &u)); /* 10 s away */
    assert_true(now_s() - t0 < 5.0);
    stop = 0;
    assert_true(kc_pace_acquire(p, &stop, &u)); /* the place is free */
    kc_pace_release(p, u, false);
    kc_pace_free(p);
    kc_pace_free(slow);
    kc_pace_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rate_is_shared),
        cmocka_unit_test(limit_adapts),
        cmocka_unit_test(waits_end_on_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
