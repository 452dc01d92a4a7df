/* Unit tests of kc_select: globs, tags, read-only, stable shards. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kc/select.h"

#define NCASES 500

static char ids[NCASES][32];
static char tag_ro[] = "read-only", tag_keys[] = "keys", tag_slow[] = "slow";
static char *tags_a[] = {tag_ro, tag_keys};
static char *tags_b[] = {tag_slow};

static void fill(struct kc_caseset *set, size_t n)
{
    set->cases = calloc(n, sizeof(*set->cases));
    assert_non_null(set->cases);
    set->n = n;
    for (size_t i = 0; i < n; i++) {
        snprintf(ids[i], sizeof(ids[i]), "%s/case-%03zu",
                 i % 3 ? "keys" : "protocol", i);
        set->cases[i].id = ids[i];
        if (i % 2) {
            set->cases[i].tags = tags_a;
            set->cases[i].ntags = 2;
        } else if (i % 5 == 0) {
            set->cases[i].tags = tags_b;
            set->cases[i].ntags = 1;
        }
    }
}

static size_t count(const struct kc_select *s, const struct kc_caseset *set)
{
    const struct kc_case **v = NULL;
    size_t n = 0;

    assert_int_equal(kc_select_apply(s, set, &v, &n), 0);
    for (size_t i = 1; i < n; i++)
        assert_true(v[i - 1] < v[i]); /* set order kept */
    free(v);
    return n;
}

static void test_filters(void **state)
{
    struct kc_caseset set = {0};
    struct kc_select s;
    char err[128];

    (void)state;
    fill(&set, 30);
    kc_select_init(&s);
    assert_int_equal(count(&s, &set), 30);
    assert_int_equal(kc_select_add_only(&s, "protocol/*", err, sizeof(err)), 0);
    assert_int_equal(count(&s, &set), 10);
    assert_int_equal(
        kc_select_add_only(&s, "keys/case-00[12]", err, sizeof(err)), 0);
    assert_int_equal(count(&s, &set), 12);
    kc_select_dispose(&s);

    kc_select_init(&s);
    s.read_only = true;
    assert_int_equal(count(&s, &set), 15);
    assert_int_equal(kc_select_add_skip_tag(&s, "keys", err, sizeof(err)), 0);
    assert_int_equal(count(&s, &set), 0);
    kc_select_dispose(&s);

    kc_select_init(&s);
    assert_int_equal(kc_select_add_tag(&s, "slow", err, sizeof(err)), 0);
    assert_int_equal(count(&s, &set), 3); /* 0, 10, 20 */
    assert_int_equal(kc_select_add_tag(&s, "keys", err, sizeof(err)), 0);
    assert_int_equal(count(&s, &set), 18);
    assert_int_equal(kc_select_add_skip_tag(&s, "read-only", err, sizeof(err)),
                     0);
    assert_int_equal(count(&s, &set), 3);
    assert_int_equal(kc_select_add_tag(&s, "", err, sizeof(err)), -1);
    assert_string_equal(err, "--tag: expected a non-empty value");
    kc_select_dispose(&s);
    free(set.cases);
}

/* The shards of N partition the set exactly, for several N. */
static void test_shards_partition(void **state)
{
    struct kc_caseset set = {0};
    static unsigned hits[NCASES];
    char spec[32], err[128];

    (void)state;
    fill(&set, NCASES);
    for (unsigned n = 1; n <= 7; n++) {
        size_t total = 0;
        memset(hits, 0, sizeof(hits));
        for (unsigned i = 1; i <= n; i++) {
            struct kc_select s;
            kc_select_init(&s);
            snprintf(spec, sizeof(spec), "%u/%u", i, n);
            assert_int_equal(kc_select_set_shard(&s, spec, err, sizeof(err)),
                             0);
            for (size_t k = 0; k < set.n; k++) {
                if (kc_select_match(&s, &set.cases[k])) {
                    hits[k]++;
                    total++;
                }
            }
            /* no shard is empty or badly skewed at this size */
            if (n > 1) {
                size_t c = count(&s, &set);
                assert_true(c > NCASES / n / 2 && c < 2 * NCASES / n);
            }
            kc_select_dispose(&s);
        }
        assert_int_equal(total, NCASES);
        for (size_t k = 0; k < NCASES; k++)
            assert_int_equal(hits[k], 1);
    }
    free(set.cases);
}

/* A case's shard depends on its id only (adding cases moves nothing). */
static void test_shards_stable(void **state)
{
    (void)state;
    assert_int_equal(kc_select_shard_of("keys/a", 4),
                     kc_select_shard_of("keys/a", 4));
    /* FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c */
    assert_int_equal(kc_select_shard_of("a", 1000),
                     (unsigned)(0xaf63dc4c8601ec8cull % 1000u));
    assert_int_equal(kc_select_shard_of("anything", 1), 0);
}

static void test_shard_syntax(void **state)
{
    static const char *const bad[] = {"",     "1",       "0/4",  "5/4",
                                      "1/0",  "a/4",     "1/4x", "-1/4",
                                      "1//4", "1/99999", " 1/4"};
    struct kc_select s;
    char err[128];

    (void)state;
    kc_select_init(&s);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (kc_select_set_shard(&s, bad[i], err, sizeof(err)) != -1)
            fail_msg("\"%s\" accepted", bad[i]);
        assert_non_null(strstr(err, "--shard: expected I/N"));
    }
    assert_int_equal(kc_select_set_shard(&s, "4/4", err, sizeof(err)), 0);
    assert_int_equal(s.shard_index, 4);
    assert_int_equal(s.shard_count, 4);
    kc_select_dispose(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_shards_partition),
        cmocka_unit_test(test_shards_stable),
        cmocka_unit_test(test_shard_syntax),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
