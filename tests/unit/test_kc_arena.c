/* Unit tests of the string arena (reports/arena.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kc/arena.h"

/* Copies survive later ones, across blocks and past a block's size; NULL
 * stays NULL; allocations are zeroed and aligned. */
static void test_strings(void **state)
{
    (void)state;
    struct kc_arena a = {0};
    char *v[5000], buf[32];
    int oom = 0;
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof(buf), "case-%d", i);
        v[i] = kc_arena_strdup(&a, buf, &oom);
        assert_non_null(v[i]);
    }
    char *big = malloc(200000);
    assert_non_null(big);
    memset(big, 'x', 199999);
    big[199999] = '\0';
    char *b = kc_arena_strdup(&a, big, &oom);
    assert_non_null(b);
    assert_string_equal(b, big);
    assert_null(kc_arena_strdup(&a, NULL, &oom));
    assert_int_equal(oom, 0);
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof(buf), "case-%d", i);
        assert_string_equal(v[i], buf);
    }
    kc_arena_strdup(&a, "odd", &oom);
    double *d = kc_arena_alloc(&a, 3 * sizeof(*d));
    assert_non_null(d);
    assert_int_equal((uintptr_t)d % _Alignof(max_align_t), 0);
    assert_true(d[0] == 0 && d[2] == 0);
    free(big);
    kc_arena_free(&a);
    assert_null(a.head);
    kc_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
