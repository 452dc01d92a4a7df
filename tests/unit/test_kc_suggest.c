/* Unit tests of kc_suggest: edit distance and "did you mean". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kc/suggest.h"

static const char *const commands[] = {"run",  "lint",  "list",
                                       "diff", "merge", "matrix"};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void distance_counts_each_edit_once(void **state)
{
    (void)state;
    assert_int_equal(kc_suggest_distance("run", "run"), 0);
    assert_int_equal(kc_suggest_distance("rnu", "run"), 1);  /* swap */
    assert_int_equal(kc_suggest_distance("rn", "run"), 1);   /* insert */
    assert_int_equal(kc_suggest_distance("runn", "run"), 1); /* delete */
    assert_int_equal(kc_suggest_distance("ran", "run"), 1);  /* replace */
    assert_int_equal(kc_suggest_distance("--jbos", "--jobs"), 1);
    assert_int_equal(kc_suggest_distance("", "abc"), 3);
}

static void distance_refuses_overlong_words(void **state)
{
    char big[KC_SUGGEST_WORD_MAX + 2];
    (void)state;
    for (size_t i = 0; i < sizeof(big) - 1; i++)
        big[i] = 'a';
    big[sizeof(big) - 1] = '\0';
    assert_true(kc_suggest_distance(big, "a") == SIZE_MAX);
}

static void suggests_the_nearest_typo(void **state)
{
    (void)state;
    assert_string_equal(kc_suggest("rnu", commands, NCOMMANDS), "run");
    assert_string_equal(kc_suggest("mrege", commands, NCOMMANDS), "merge");
    assert_string_equal(kc_suggest("matrx", commands, NCOMMANDS), "matrix");
    /* "lsit" is one swap from list, two edits from lint */
    assert_string_equal(kc_suggest("lsit", commands, NCOMMANDS), "list");
}

static void suggests_nothing_far_or_exact(void **state)
{
    (void)state;
    assert_null(kc_suggest("zzzzzz", commands, NCOMMANDS));
    assert_null(kc_suggest("x", commands, NCOMMANDS));   /* too short */
    assert_null(kc_suggest("run", commands, NCOMMANDS)); /* not a typo */
    assert_null(kc_suggest("rnu", commands, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(distance_counts_each_edit_once),
        cmocka_unit_test(distance_refuses_overlong_words),
        cmocka_unit_test(suggests_the_nearest_typo),
        cmocka_unit_test(suggests_nothing_far_or_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
