/* kc_retry: the throttling codes, the Code of an answer, the server's
 * retry hints and their bound, the backoff delays, interruptible sleeps. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "kc/retry.h"

static void throttle_codes(void **state)
{
    (void)state;
    assert_true(kc_retry_is_throttle_code("Throttling"));
    assert_true(kc_retry_is_throttle_code("Throttling.User"));
    assert_true(kc_retry_is_throttle_code("Rejected.Throttling"));
    assert_false(kc_retry_is_throttle_code("Throttling."));
    assert_false(kc_retry_is_throttle_code("ThrottlingX"));
    assert_false(kc_retry_is_throttle_code("Rejected.LimitExceeded"));
    assert_false(kc_retry_is_throttle_code("ServiceUnavailableTemporary"));
    assert_false(kc_retry_is_throttle_code(""));
    assert_false(kc_retry_is_throttle_code(NULL));
}

static void answer_codes(void **state)
{
    char code[KC_RETRY_CODE_MAX];
    static const char json[] = "{\"HttpStatus\":400,\"Code\":\"Throttling\"}";
    static const char xml[] = "<?xml version=\"1.0\"?>\n<KMS><HttpStatus>400"
                              "</HttpStatus><Code>Throttling.User</Code></KMS>";
    static const char open_only[] = "<KMS><Code>Throttling";
    (void)state;
    kc_retry_answer_code(json, sizeof(json) - 1, code, sizeof(code));
    assert_string_equal(code, "Throttling");
    kc_retry_answer_code(xml, sizeof(xml) - 1, code, sizeof(code));
    assert_string_equal(code, "Throttling.User");
    kc_retry_answer_code(open_only, sizeof(open_only) - 1, code, sizeof(code));
    assert_string_equal(code, "");
    kc_retry_answer_code("{\"Code\":7}", 10, code, sizeof(code));
    assert_string_equal(code, "");
    kc_retry_answer_code("", 0, code, sizeof(code));
    assert_string_equal(code, "");
}

static void hints(void **state)
{
    time_t now = 1700000000;
    (void)state;
    assert_int_equal(kc_retry_after_ms("HTTP/1.1 400 Bad\r\n\r\n", now), -1);
    assert_int_equal(kc_retry_after_ms(NULL, now), -1);
    /* Alibaba's gateway and SDKs: milliseconds */
    assert_int_equal(
        kc_retry_after_ms("HTTP/1.1 400 x\r\nX-Acs-Retry-After:  80 \r\n", now),
        80);
    /* RFC 9110: seconds, or an HTTP-date */
    assert_int_equal(
        kc_retry_after_ms("HTTP/1.1 429 x\r\nRetry-After: 2\r\n", now), 2000);
    assert_int_equal(
        kc_retry_after_ms(
            "HTTP/1.1 429 x\r\nRetry-After: Tue, 14 Nov 2023 22:13:25 GMT\r\n",
            now),
        5000);
    assert_int_equal(
        kc_retry_after_ms(
            "HTTP/1.1 429 x\r\nRetry-After: Tue, 14 Nov 2023 22:00:00 GMT\r\n",
            now),
        0);
    /* bounded, and nonsense is no hint */
    assert_int_equal(
        kc_retry_after_ms("HTTP/1.1 429 x\r\nRetry-After: 86400\r\n", now),
        KC_RETRY_AFTER_MAX_MS);
    assert_int_equal(kc_retry_after_ms("HTTP/1.1 429 x\r\nRetry-After: "
                                       "99999999999999999999999\r\n",
                                       now),
                     KC_RETRY_AFTER_MAX_MS);
    assert_int_equal(
        kc_retry_after_ms("HTTP/1.1 429 x\r\nRetry-After: -5\r\n", now), -1);
    assert_int_equal(
        kc_retry_after_ms("HTTP/1.1 429 x\r\nRetry-After: soon\r\n", now), -1);
    assert_int_equal(
        kc_retry_after_ms("HTTP/1.1 429 x\r\nRetry-Afterwards: 3\r\n", now),
        -1);
}

static void delays(void **state)
{
    const struct kc_retry_policy p = {.retries = 8};
    const struct kc_retry_policy small = {.base_ms = 10, .cap_ms = 35};
    uint64_t rng = 12345;
    (void)state;
    for (int i = 0; i < 200; i++) {
        for (unsigned n = 1; n <= 8; n++) {
            long ceiling = KC_RETRY_BASE_MS << (n - 1);
            long d = kc_retry_delay_ms(&p, n, -1, &rng);
            if (ceiling > KC_RETRY_CAP_MS)
                ceiling = KC_RETRY_CAP_MS;
            assert_true(d >= 0 && d <= ceiling);
        }
        assert_true(kc_retry_delay_ms(&small, 5, -1, &rng) <= 35);
    }
    /* full jitter: the draws spread over the whole range */
    long lo = 100000, hi = -1;
    for (int i = 0; i < 500; i++) {
        long d = kc_retry_delay_ms(&p, 3, -1, &rng);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    assert_true(lo < 80 && hi > 720);
    /* a hint wins, bounded */
    assert_int_equal(kc_retry_delay_ms(&p, 1, 1234, &rng), 1234);
    assert_int_equal(kc_retry_delay_ms(&p, 1, 0, &rng), 0);
    assert_int_equal(kc_retry_delay_ms(&p, 1, 10 * KC_RETRY_AFTER_MAX_MS, &rng),
                     KC_RETRY_AFTER_MAX_MS);
}

static void sleeps(void **state)
{
    volatile sig_atomic_t stop = 1;
    struct timespec a, b;
    (void)state;
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_false(kc_retry_sleep(KC_RETRY_AFTER_MAX_MS, &stop));
    clock_gettime(CLOCK_MONOTONIC, &b);
    assert_true(b.tv_sec - a.tv_sec < 2); /* not the 30 s asked for */
    stop = 0;
    assert_true(kc_retry_sleep(1, &stop));
    assert_true(kc_retry_sleep(0, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(throttle_codes), cmocka_unit_test(answer_codes),
        cmocka_unit_test(hints),          cmocka_unit_test(delays),
        cmocka_unit_test(sleeps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
