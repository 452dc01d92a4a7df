/* Unit tests of kc_vars: scopes, expansion, escapes, save paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kc/codec.h"
#include "kc/vars.h"

static char *expand_ok(const struct kc_vars *v, const char *in)
{
    char err[128] = "", *out = NULL;

    if (kc_vars_expand(v, in, &out, err, sizeof(err)) != 0)
        fail_msg("expanding \"%s\": %s", in, err);
    return out;
}

static void test_run_scope(void **state)
{
    struct kc_vars run, cs;
    char *s;

    (void)state;
    kc_vars_init(&run, NULL);
    kc_vars_init(&cs, &run);
    assert_int_equal(
        kc_vars_set_run(&run, "0123abcd-1111-2222-3333-444455556666"), 0);
    assert_int_equal(kc_vars_set(&cs, "case.id", "keys/x"), 0);
    assert_int_equal(kc_vars_set(&cs, "key", "k-1"), 0);
    s = expand_ok(&cs, "${run.label}/${case.id}/${key}/${run.id}");
    assert_string_equal(
        s, "kmsconf-0123abcd/keys/x/k-1/0123abcd-1111-2222-3333-444455556666");
    free(s);
    /* replacing a value; the child does not leak into the parent */
    assert_int_equal(kc_vars_set(&cs, "key", "k-2"), 0);
    assert_string_equal(kc_vars_get(&cs, "key"), "k-2");
    assert_null(kc_vars_get(&run, "key"));
    assert_int_equal(cs.n, 2);
    /* a child may shadow a parent value */
    assert_int_equal(kc_vars_set(&cs, "run.label", "other"), 0);
    assert_string_equal(kc_vars_get(&cs, "run.label"), "other");
    assert_string_equal(kc_vars_get(&run, "run.label"), "kmsconf-0123abcd");
    kc_vars_dispose(&cs);
    kc_vars_dispose(&run);
}

static void test_target_values(void **state)
{
    static char n1[] = "region-without-hsm", v1[] = "xx-nohsm-1";
    static char n2[] = "low-key-quota", v2[] = "true";
    static char region[] = "cn-hangzhou";
    struct kc_capability caps[] = {{n1, v1}, {n2, v2}};
    struct kc_target t;
    struct kc_vars v;
    char *s;

    (void)state;
    memset(&t, 0, sizeof(t));
    t.region = region;
    t.caps = caps;
    t.ncaps = 2;
    kc_vars_init(&v, NULL);
    assert_int_equal(kc_vars_set_target(&v, &t), 0);
    s = expand_ok(&v, "${target.region},${cap.region-without-hsm},"
                      "${cap.low-key-quota}");
    assert_string_equal(s, "cn-hangzhou,xx-nohsm-1,true");
    free(s);
    kc_vars_dispose(&v);
}

static void test_uuid_fresh(void **state)
{
    struct kc_vars v;
    char *s;

    (void)state;
    kc_vars_init(&v, NULL);
    s = expand_ok(&v, "${uuid} ${uuid}");
    assert_int_equal(strlen(s), 73);
    s[36] = '\0';
    assert_true(kc_uuid_valid(s));
    assert_true(kc_uuid_valid(s + 37));
    assert_string_not_equal(s, s + 37);
    free(s);
    kc_vars_dispose(&v);
}

struct exp_row {
    const char *in;
    const char *out; /* NULL: expect an error */
    const char *err;
};

static const struct exp_row exp_rows[] = {
    {"", "", NULL},
    {"plain", "plain", NULL},
    {"$", "$", NULL},
    {"a$b$", "a$b$", NULL},
    {"$${key}", "${key}", NULL},
    {"$$${key}", "$${key}", NULL},
    {"x$${", "x${", NULL},
    {"${key}${key}", "vv", NULL},
    {"{key}", "{key}", NULL},
    {"${nope}", NULL, "undefined variable ${nope}"},
    {"a${key", NULL, "unterminated ${"},
    {"${}", NULL, "empty ${}"},
    {"${a b}", NULL, "bad variable name in \"${a \""},
    {"${cap.none}", NULL, "undefined variable ${cap.none}"},
};

static void test_expand_table(void **state)
{
    struct kc_vars v;

    (void)state;
    kc_vars_init(&v, NULL);
    assert_int_equal(kc_vars_set(&v, "key", "v"), 0);
    for (size_t i = 0; i < sizeof(exp_rows) / sizeof(exp_rows[0]); i++) {
        char err[128] = "", *out = (char *)1;
        int rc = kc_vars_expand(&v, exp_rows[i].in, &out, err, sizeof(err));
        if (exp_rows[i].out) {
            if (rc != 0 || strcmp(out, exp_rows[i].out) != 0)
                fail_msg("row %zu: rc %d, err %s", i, rc, err);
            free(out);
        } else {
            assert_int_equal(rc, -1);
            assert_null(out);
            if (strcmp(err, exp_rows[i].err) != 0)
                fail_msg("row %zu: got \"%s\"", i, err);
        }
    }
    kc_vars_dispose(&v);
}

static void collect(void *ctx, const char *name)
{
    char *acc = ctx;
    strcat(acc, name);
    strcat(acc, ";");
}

static void test_scan(void **state)
{
    char acc[256] = "", err[128];

    (void)state;
    assert_int_equal(kc_vars_scan("a${x}$${y}${cap.z}$${run.id}${uuid}",
                                  collect, acc, err, sizeof(err)),
                     0);
    assert_string_equal(acc, "x;cap.z;uuid;");
    assert_int_equal(kc_vars_scan("${x", collect, acc, err, sizeof(err)), -1);
    assert_string_equal(err, "unterminated ${");
    assert_true(kc_vars_is_builtin("run.id"));
    assert_true(kc_vars_is_builtin("cap.x"));
    assert_false(kc_vars_is_builtin("cap."));
    assert_false(kc_vars_is_builtin("key"));
    assert_false(kc_vars_is_builtin("run"));
}

struct path_row {
    const char *path;
    const char *out; /* NULL: error */
    const char *err;
};

static const struct path_row path_rows[] = {
    {"KeyMetadata.KeyId", "k-1", NULL},
    {"Keys.Key.1.KeyId", "k-3", NULL},
    {"Keys.Key.0.KeyId", "k-2", NULL},
    {"TotalCount", "2", NULL},
    {"Ratio", "0.5", NULL},
    {"Big", "12345678901", NULL},
    {"Truncated", "false", NULL},
    {"Odd.key", "dotless", NULL},
    {"Keys.Key.2.KeyId", NULL, "no Keys.Key.2.KeyId in the answer"},
    {"Keys.Key.x", NULL, "no Keys.Key.x in the answer"},
    {"Missing", NULL, "no Missing in the answer"},
    {"KeyMetadata", NULL,
     "KeyMetadata in the answer is not a scalar, not a "
     "value"},
    {"Nothing", NULL, "Nothing in the answer is null, not a value"},
    {"a..b", NULL, "bad path \"a..b\""},
    {"", NULL, "bad path \"\""},
    {".a", NULL, "bad path \".a\""},
};

static void test_from_json(void **state)
{
    cJSON *body = cJSON_Parse(
        "{\"KeyMetadata\":{\"KeyId\":\"k-1\"},\"Keys\":{\"Key\":[{\"KeyId\":"
        "\"k-2\"},{\"KeyId\":\"k-3\"}]},\"TotalCount\":2,\"Ratio\":0.5,"
        "\"Big\":12345678901,\"Truncated\":false,\"Nothing\":null,"
        "\"Odd\":{\"key\":\"dotless\"}}");

    (void)state;
    assert_non_null(body);
    for (size_t i = 0; i < sizeof(path_rows) / sizeof(path_rows[0]); i++) {
        char err[128] = "", *out = (char *)1;
        int rc =
            kc_vars_from_json(body, path_rows[i].path, &out, err, sizeof(err));
        if (path_rows[i].out) {
            if (rc != 0 || strcmp(out, path_rows[i].out) != 0)
                fail_msg("row %zu: rc %d err %s", i, rc, err);
            free(out);
        } else {
            assert_int_equal(rc, -1);
            assert_null(out);
            if (strcmp(err, path_rows[i].err) != 0)
                fail_msg("row %zu: got \"%s\"", i, err);
        }
    }
    cJSON_Delete(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_scope),  cmocka_unit_test(test_target_values),
        cmocka_unit_test(test_uuid_fresh), cmocka_unit_test(test_expand_table),
        cmocka_unit_test(test_scan),       cmocka_unit_test(test_from_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
