/* Unit tests of rs_config: built-in default, file format, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rs/config.h"
#include "rs/config_dump.h"
#include "rs/config_load.h"
#include "rs/reply.h"

static void test_default_table(void **state)
{
    static const struct {
        const char *id, *secret, *error;
        bool enabled;
        enum rs_fault fault;
    } want[] = {
        {"testid", "testsecret", NULL, true, RS_FAULT_NONE},
        {"testid-disabled", "testsecret-disabled", NULL, false, RS_FAULT_NONE},
        {"testid-noperm", "testsecret-noperm", "Forbidden.NoPermission", true,
         RS_FAULT_NONE},
        {"testid-ubsms-userid", "testsecret-ubsms-userid",
         "Forbidden.UbsmsInvalidUserid", true, RS_FAULT_NONE},
        {"testid-ubsms-bid", "testsecret-ubsms-bid",
         "Forbidden.UbsmsInvalidBid", true, RS_FAULT_NONE},
        {"testid-notenabled", "testsecret-notenabled",
         "Forbidden.KmsServiceNotEnabled", true, RS_FAULT_NONE},
        {"testid-risk", "testsecret-risk", "Forbidden.ProhibitedByRiskControl",
         true, RS_FAULT_NONE},
        {"testid-indebt", "testsecret-indebt", "Forbidden.InDebt", true,
         RS_FAULT_NONE},
        {"testid-overdue", "testsecret-overdue", "Forbidden.InDebtOverdue",
         true, RS_FAULT_NONE},
        {"testid-fault500", "testsecret-fault500", NULL, true,
         RS_FAULT_INTERNAL},
        {"testid-fault503", "testsecret-fault503", NULL, true,
         RS_FAULT_UNAVAILABLE},
        {"testid-quota", "testsecret-quota", NULL, true, RS_FAULT_NONE},
        {"testid-shorttoken", "testsecret-shorttoken", NULL, true,
         RS_FAULT_NONE},
    };
    struct rs_config c;
    char err[256];
    (void)state;
    assert_int_equal(rs_config_default(&c), 0);
    assert_int_equal(c.nkeys, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < c.nkeys; i++) {
        const struct rs_access_key *k = rs_config_key(&c, want[i].id);
        assert_non_null(k);
        assert_string_equal(k->secret, want[i].secret);
        assert_int_equal(k->enabled, want[i].enabled);
        assert_int_equal(k->fault, want[i].fault);
        const struct rs_account *a = rs_config_account(&c, k->account);
        assert_non_null(a);
        const struct rs_errdef *e =
            rs_reply_def(rs_config_condition_error(a->condition));
        if (want[i].error)
            assert_string_equal(e->code, want[i].error);
        else
            assert_null(e);
    }
    const struct rs_account *q =
        rs_config_account(&c, rs_config_key(&c, "testid-quota")->account);
    assert_int_equal(q->key_quota, 2);
    const struct rs_account *t =
        rs_config_account(&c, rs_config_key(&c, "testid-shorttoken")->account);
    assert_int_equal(t->import_token_lifetime_s, 1);
    assert_int_equal(
        rs_config_account(&c, rs_config_key(&c, "testid")->account)->key_quota,
        1000);
    assert_string_equal(c.default_region, "cn-hangzhou");
    assert_true(rs_config_region(&c, "cn-hangzhou")->hsm);
    assert_false(rs_config_region(&c, "xx-nohsm-1")->hsm);
    assert_null(rs_config_region(&c, "eu-nowhere"));
    assert_int_equal(c.deviations, 0);
    assert_int_equal(rs_config_validate(&c, err, sizeof(err)), 0);
    rs_config_dispose(&c);
}

static void test_round_trip(void **state)
{
    struct rs_config c, d;
    char err[256];
    (void)state;
    assert_int_equal(rs_config_default(&c), 0);
    assert_int_equal(rs_config_default(&d), 0);
    char *json = rs_config_dump_json(&c);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"testsecret-overdue\""));
    assert_int_equal(rs_config_load_json(&d, json, err, sizeof(err)), 0);
    char *again = rs_config_dump_json(&d);
    assert_string_equal(json, again);
    free(json);
    free(again);
    rs_config_dispose(&c);
    rs_config_dispose(&d);
}

static void test_valid_file(void **state)
{
    static const char doc[] =
        "{\"accounts\":[{\"id\":\"a1\",\"condition\":\"in-debt\","
        "\"key_quota\":5,\"import_token_lifetime_s\":60}],"
        "\"access_keys\":[{\"id\":\"k1\",\"secret\":\"s1\",\"account\":"
        "\"a1\",\"enabled\":false,\"fault\":\"unavailable\"}],"
        "\"regions\":[{\"id\":\"r1\",\"hsm\":true}],\"default_region\":\"r1\","
        "\"latency_ms\":25,\"deviations\":[\"status\",\"parity\"],"
        "\"deviate_codes\":[\"Forbidden.InDebt\"]}";
    struct rs_config c;
    char err[256];
    (void)state;
    assert_int_equal(rs_config_default(&c), 0);
    assert_int_equal(rs_config_load_json(&c, doc, err, sizeof(err)), 0);
    assert_int_equal(c.nkeys, 1);
    assert_null(rs_config_key(&c, "testid"));
    const struct rs_access_key *k = rs_config_key(&c, "k1");
    assert_false(k->enabled);
    assert_int_equal(k->fault, RS_FAULT_UNAVAILABLE);
    assert_int_equal(rs_config_account(&c, "a1")->condition, RS_COND_IN_DEBT);
    assert_int_equal(rs_config_account(&c, "a1")->key_quota, 5);
    assert_int_equal(c.latency_ms, 25);
    assert_int_equal(c.deviations, RS_DEV_STATUS | RS_DEV_PARITY);
    assert_int_equal(c.ndeviate_codes, 1);
    assert_string_equal(c.default_region, "r1");
    rs_config_dispose(&c);
}

static void test_partial_file_keeps_other_sections(void **state)
{
    struct rs_config c;
    char err[256];
    (void)state;
    assert_int_equal(rs_config_default(&c), 0);
    assert_int_equal(
        rs_config_load_json(&c, "{\"latency_ms\":3}", err, sizeof(err)), 0);
    assert_int_equal(c.latency_ms, 3);
    assert_non_null(rs_config_key(&c, "testid-risk"));
    rs_config_dispose(&c);
}

static void test_malformed(void **state)
{
    static const struct {
        const char *doc;
        const char *msg;
    } cases[] = {
        {"{\"accounts\":", "$: not valid JSON (line 1, column 13)"},
        {"[]", "$: expected an object"},
        {"{\"nope\":1}", "$.nope: unknown key"},
        {"{\"accounts\":{}}", "$.accounts: expected an array"},
        {"{\"accounts\":[{\"id\":\"\"}]}",
         "$.accounts[0].id: expected a non-empty string"},
        {"{\"accounts\":[{\"id\":\"a\",\"key_quota\":-1}]}",
         "$.accounts[0].key_quota: expected an integer 0..1000000"},
        {"{\"accounts\":[{\"id\":\"a\",\"key_quota\":1.5}]}",
         "$.accounts[0].key_quota: expected an integer 0..1000000"},
        {"{\"accounts\":[{\"id\":\"a\",\"color\":1}]}",
         "$.accounts[0].color: unknown key"},
        {"{\"access_keys\":[{\"id\":\"k\",\"secret\":\"s\"}]}",
         "$.access_keys[0].account: expected a non-empty string"},
        {"{\"access_keys\":[{\"id\":\"k\",\"secret\":\"s\",\"account\":\"x\"}]"
         "}",
         "$.access_keys[0].account: names no account of $.accounts"},
        {"{\"access_keys\":[{\"id\":\"k\",\"secret\":\"s\",\"account\":"
         "\"1000000000000001\",\"enabled\":\"yes\"}]}",
         "$.access_keys[0].enabled: expected true or false"},
        {"{\"access_keys\":[{\"id\":\"k\",\"secret\":\"s\",\"account\":"
         "\"1000000000000001\",\"fault\":\"boom\"}]}",
         "$.access_keys[0].fault: expected one of \"none\" .. "
         "\"unavailable\""},
        {"{\"default_region\":\"mars-1\"}",
         "$.default_region: names no region of $.regions"},
        {"{\"regions\":[{\"id\":\"a\"},{\"id\":\"a\"}]}",
         "$.regions[1].id: duplicate region id"},
        {"{\"latency_ms\":60001}",
         "$.latency_ms: expected an integer 0..60000"},
        {"{\"deviations\":[\"colour\"]}",
         "$.deviations[0]: not a deviation check name"},
        {"{\"deviate_codes\":[\"Nope\"]}",
         "$.deviate_codes[0]: not an error code kms-refserver answers"},
        /* the message stays one line whatever the key holds */
        {"{\"a\\nb\":1}", "$.a?b: unknown key"},
        {"{} x", "$: not valid JSON (line 1, column 4)"},
        {"", "$: not valid JSON (line 1, column 1)"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rs_config c;
        char err[256] = "";
        assert_int_equal(rs_config_default(&c), 0);
        assert_int_equal(
            rs_config_load_json(&c, cases[i].doc, err, sizeof(err)), -1);
        assert_string_equal(err, cases[i].msg);
        /* unchanged after a failure */
        assert_non_null(rs_config_key(&c, "testid"));
        assert_string_equal(c.default_region, "cn-hangzhou");
        rs_config_dispose(&c);
    }
}

static void test_file_errors(void **state)
{
    struct rs_config c;
    char err[512];
    char path[] = "/tmp/test_rs_config_XXXXXX";
    (void)state;
    assert_int_equal(rs_config_default(&c), 0);
    assert_int_equal(
        rs_config_load_file(&c, "/nonexistent/x.json", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/x.json: cannot open"));
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\"latency_ms\":\"x\"}", f);
    fclose(f);
    assert_int_equal(rs_config_load_file(&c, path, err, sizeof(err)), -1);
    assert_non_null(strstr(err, ": $.latency_ms: expected an integer"));
    assert_int_equal(strncmp(err, path, strlen(path)), 0);
    remove(path);
    rs_config_dispose(&c);
}

/* Writes n bytes of c (then tail) to a fresh temporary file at path. */
static void write_temp(char *path, char c, size_t n, const char *tail)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        fputc(c, f);
    fwrite(tail, 1, strlen(tail) + 1, f); /* with its NUL */
    fclose(f);
}

/* The file errors are kc_file_read's, naming the file and the ceiling. */
static void test_file_wording(void **state)
{
    struct rs_config c;
    char err[512], want[600];
    char big[] = "/tmp/test_rs_config_XXXXXX";
    char nul[] = "/tmp/test_rs_config_XXXXXX";
    (void)state;
    assert_int_equal(rs_config_default(&c), 0);
    write_temp(big, ' ', RS_CONFIG_FILE_MAX, "{}");
    assert_int_equal(rs_config_load_file(&c, big, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: larger than %u bytes", big,
             (unsigned)RS_CONFIG_FILE_MAX);
    assert_string_equal(err, want);
    write_temp(nul, ' ', 1, "{}");
    assert_int_equal(rs_config_load_file(&c, nul, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: contains a NUL byte", nul);
    assert_string_equal(err, want);
    assert_int_equal(rs_config_load_file(&c, "/tmp", err, sizeof(err)), -1);
    assert_string_equal(err, "/tmp: cannot read: Is a directory");
    remove(big);
    remove(nul);
    rs_config_dispose(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_table),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_valid_file),
        cmocka_unit_test(test_partial_file_keeps_other_sections),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_file_wording),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
