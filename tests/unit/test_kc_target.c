/* Unit tests of kc_target: profiles, secret sources and refusals,
 * requirements, envelope rule sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kc/envelope.h"
#include "kc/target.h"
#include "kc/url.h"

static char *q(const char *s)
{
    char *r = strdup(s);
    for (char *p = r; p && *p; p++) {
        if (*p == '\'')
            *p = '"';
    }
    return r;
}

static int parse(struct kc_target **t, const char *s, const char *endpoint,
                 char *err, size_t errlen)
{
    char *json = q(s);
    int rc =
        kc_target_parse(t, json, strlen(json), "t.json", endpoint, err, errlen);
    free(json);
    return rc;
}

#define BASE "'name':'n','region':'r',"
#define CRED                                                                   \
    "'credentials':{'default':{'access_key_id':'id','access_key_secret_env':'" \
    "KC_T_SECRET'}}"

static void test_full_profile(void **state)
{
    struct kc_target *t = NULL;
    char err[512] = "";
    const char *secrets[4];

    (void)state;
    setenv("KC_T_SECRET", "s3cret", 1);
    setenv("KC_T_ID", "env-id", 1);
    assert_int_equal(
        parse(&t,
              "{'name':'kms-refserver','endpoint':'http://127.0.0.1:8080',"
              "'region':'cn-hangzhou','signature':'v3','method':'GET',"
              "'envelope':'relaxed','tls':{'verify':false,'cacert':'/ca.pem'},"
              "'allow_inline_secrets':true,'strict_messages':true,"
              "'credentials':{'default':{"
              "'access_key_id':'testid','access_key_secret':'testsecret'},"
              "'in-debt':{'access_key_id_env':'KC_T_ID','access_key_secret_"
              "env':'KC_T_SECRET'}},'capabilities':{'low-key-quota':true,"
              "'off':false,'region-without-hsm':'xx-nohsm-1','n':2}}",
              NULL, err, sizeof(err)),
        0);
    assert_string_equal(t->name, "kms-refserver");
    assert_string_equal(t->endpoint, "http://127.0.0.1:8080");
    assert_int_equal(t->signature, KC_SIGVER_V3);
    assert_string_equal(t->method, "GET");
    assert_string_equal(t->envelope, "relaxed");
    assert_false(t->tls_verify);
    assert_string_equal(t->tls_cacert, "/ca.pem");
    assert_true(t->strict_messages);
    assert_true(t->has_inline_secrets);
    assert_int_equal(t->ncreds, 2);
    assert_string_equal(kc_target_credential(t, "in-debt")->access_key_id,
                        "env-id");
    assert_string_equal(kc_target_credential(t, "in-debt")->access_key_secret,
                        "s3cret");
    assert_true(kc_target_credential(t, "default")->inline_secret);
    assert_null(kc_target_credential(t, "nope"));
    assert_string_equal(kc_target_capability(t, "low-key-quota"), "true");
    assert_string_equal(kc_target_capability(t, "region-without-hsm"),
                        "xx-nohsm-1");
    assert_string_equal(kc_target_capability(t, "n"), "2");
    assert_null(kc_target_capability(t, "off"));
    assert_int_equal(kc_target_secrets(t, secrets, 4), 2);
    assert_string_equal(secrets[0], "testsecret");
    assert_string_equal(secrets[1], "s3cret");
    assert_int_equal(kc_target_secrets(t, secrets, 1), 2);
    kc_target_free(t);
}

static void test_defaults(void **state)
{
    struct kc_target *t = NULL;
    char err[512] = "";

    (void)state;
    setenv("KC_T_SECRET", "s3cret", 1);
    assert_int_equal(
        parse(&t, "{" BASE "'endpoint':'https://kms.example.com'," CRED "}",
              NULL, err, sizeof(err)),
        0);
    assert_int_equal(t->signature, KC_SIGVER_V1);
    assert_string_equal(t->method, "POST");
    assert_string_equal(t->envelope, "kms");
    assert_true(t->tls_verify);
    assert_null(t->tls_cacert);
    assert_false(t->allow_inline_secrets);
    assert_false(t->strict_messages);
    assert_false(t->has_inline_secrets);
    assert_int_equal(t->ncaps, 0);
    assert_string_equal(t->source, "t.json");
    kc_target_free(t);
}

struct bad_row {
    const char *json;
    const char *endpoint;
    const char *err;
};

static const struct bad_row bad_rows[] = {
    {"{", NULL, "t.json: line 1, column 1: invalid JSON"},
    {"[]", NULL, "t.json: $: expected an object"},
    {"{" BASE "'endpoint':'http://x'," CRED ",'extra':1}", NULL,
     "t.json: $.extra: unknown key 'extra'"},
    {"{" BASE "'endpiont':'http://x'," CRED "}", NULL,
     "t.json: $.endpiont: unknown key 'endpiont' (did you mean "
     "'endpoint'?)"},
    {"{" BASE "'endpoint':'http://x','region':'r2'," CRED "}", NULL,
     "t.json: $.region: repeated key"},
    {"{'region':'r','endpoint':'http://x'," CRED "}", NULL,
     "t.json: $.name: missing required key"},
    {"{'name':'n','region':'r'," CRED "}", NULL,
     "t.json: $.endpoint: missing required key"},
    {"{" BASE "'endpoint':'ftp://x'," CRED "}", NULL,
     "t.json: $.endpoint: expected an http:// or https:// URL with a host"},
    {"{" BASE "'endpoint':'http://x','signature':'v2'," CRED "}", NULL,
     "t.json: $.signature: expected \"v1\" or \"v3\""},
    {"{" BASE "'endpoint':'http://x','method':'PUT'," CRED "}", NULL,
     "t.json: $.method: expected \"POST\" or \"GET\""},
    {"{" BASE "'endpoint':'http://x','tls':{'verify':'yes'}," CRED "}", NULL,
     "t.json: $.tls.verify: expected true or false"},
    {"{" BASE "'endpoint':'http://x','tls':{'ca':1}," CRED "}", NULL,
     "t.json: $.tls.ca: unknown key 'ca'"},
    {"{" BASE "'endpoint':'http://x','tls':{'verfiy':true}," CRED "}", NULL,
     "t.json: $.tls.verfiy: unknown key 'verfiy' (did you mean 'verify'?)"},
    {"{" BASE "'endpoint':'http://x'}", NULL,
     "t.json: $.credentials: missing required key"},
    {"{" BASE "'endpoint':'http://x','credentials':{}}", NULL,
     "t.json: $.credentials.default: missing required key"},
    {"{" BASE "'endpoint':'http://x','credentials':{'default':{'access_key_"
     "id':'i'}}}",
     NULL,
     "t.json: $.credentials.default.access_key_secret: give exactly one of "
     "access_key_secret, access_key_secret_env, access_key_secret_file"},
    {"{" BASE "'endpoint':'http://x','credentials':{'default':{'access_key_"
     "id':'i','access_key_secret_env':'A','access_key_secret_file':'f'}}}",
     NULL,
     "t.json: $.credentials.default.access_key_secret: give exactly one of "
     "access_key_secret, access_key_secret_env, access_key_secret_file"},
    {"{" BASE "'endpoint':'http://x','credentials':{'default':{'access_key_"
     "id':'i','access_key_secret_env':'KC_T_UNSET_VAR'}}}",
     NULL,
     "t.json: $.credentials.default.access_key_secret_env: environment "
     "variable KC_T_UNSET_VAR is not set"},
    {"{" BASE "'endpoint':'http://x','credentials':{'default':{'access_key_"
     "id':'i','secret':'s'}}}",
     NULL, "t.json: $.credentials.default.secret: unknown key 'secret'"},
    {"{" BASE "'endpoint':'http://x','credentials':{'default':{'access_key_"
     "id':'i','access_key_secret_env':'KC_T_SECRET'},'Bad Name':{}}}",
     NULL,
     "t.json: $.credentials[\"Bad Name\"]: bad credential name (expected "
     "[a-z0-9][a-z0-9._-]*)"},
    {"{" BASE "'endpoint':'http://x'," CRED ",'capabilities':{'x':[]}}", NULL,
     "t.json: $.capabilities.x: expected true, false, a string or a number"},
    /* inline secrets */
    {"{" BASE "'endpoint':'http://127.0.0.1:1','credentials':{'default':{"
     "'access_key_id':'i','access_key_secret':'s'}}}",
     NULL,
     "t.json: $.credentials.default.access_key_secret: inline secrets need "
     "allow_inline_secrets: true (use access_key_secret_env or _file)"},
    {"{" BASE "'endpoint':'https://kms.example.com','allow_inline_secrets':"
     "true,'credentials':{'default':{'access_key_id':'i','access_key_"
     "secret':'s'}}}",
     NULL,
     "t.json: $.credentials.default.access_key_secret: inline secrets are "
     "accepted only for a loopback endpoint (use access_key_secret_env or "
     "_file)"},
    /* --endpoint overrides and the rule is checked after it */
    {"{" BASE "'endpoint':'http://127.0.0.1:1','allow_inline_secrets':true,"
     "'credentials':{'default':{'access_key_id':'i','access_key_secret':'s'"
     "}}}",
     "http://10.0.0.1:8080",
     "t.json: $.credentials.default.access_key_secret: inline secrets are "
     "accepted only for a loopback endpoint (use access_key_secret_env or "
     "_file)"},
};

static void test_bad_profiles(void **state)
{
    (void)state;
    setenv("KC_T_SECRET", "s3cret", 1);
    unsetenv("KC_T_UNSET_VAR");
    for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
        struct kc_target *t = (struct kc_target *)1;
        char err[512] = "";
        int rc =
            parse(&t, bad_rows[i].json, bad_rows[i].endpoint, err, sizeof(err));
        assert_int_equal(rc, -1);
        assert_null(t);
        if (strcmp(err, bad_rows[i].err) != 0)
            fail_msg("row %zu: got \"%s\"", i, err);
    }
}

static void test_endpoint_override(void **state)
{
    struct kc_target *t = NULL;
    char err[512] = "";
    const char *json = "{'name':'n','region':'r','allow_inline_secrets':true,"
                       "'credentials':{'default':{'access_key_id':'i',"
                       "'access_key_secret':'s'}}}";

    (void)state;
    /* no endpoint in the file: --endpoint gives it */
    assert_int_equal(parse(&t, json, "http://localhost:9", err, sizeof(err)),
                     0);
    assert_string_equal(t->endpoint, "http://localhost:9");
    /* the embedded server's URL replaces the placeholder */
    assert_int_equal(
        kc_target_set_endpoint(t, "http://127.0.0.1:40123", err, sizeof(err)),
        0);
    assert_string_equal(t->endpoint, "http://127.0.0.1:40123");
    assert_int_equal(
        kc_target_set_endpoint(t, "https://kms.example.com", err, sizeof(err)),
        -1);
    assert_string_equal(t->endpoint, "http://127.0.0.1:40123");
    assert_non_null(strstr(err, "loopback"));
    kc_target_free(t);
}

static void test_secret_file(void **state)
{
    char dir[] = "/tmp/kc_target_test_XXXXXX", path[512], prof[512];
    struct kc_target *t = NULL;
    char err[512] = "";
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/secret", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("file-secret\n", f);
    fclose(f);
    snprintf(prof, sizeof(prof), "%s/t.json", dir);
    f = fopen(prof, "w");
    assert_non_null(f);
    /* a relative secret file is found next to the profile */
    fputs("{\"name\":\"n\",\"region\":\"r\",\"endpoint\":\"https://k.example"
          "\",\"credentials\":{\"default\":{\"access_key_id\":\"i\","
          "\"access_key_secret_file\":\"secret\"}}}",
          f);
    fclose(f);
    assert_int_equal(kc_target_load(&t, prof, NULL, err, sizeof(err)), 0);
    assert_string_equal(t->creds[0].access_key_secret, "file-secret");
    assert_false(t->creds[0].inline_secret);
    kc_target_free(t);
    /* issue 14 defect 5: the first line is the secret; blank lines after it
     * are dropped, a second non-empty line is an error that names the file
     * and shows neither line */
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("file-secret\r\n\n \t\n", f);
    fclose(f);
    assert_int_equal(kc_target_load(&t, prof, NULL, err, sizeof(err)), 0);
    assert_string_equal(t->creds[0].access_key_secret, "file-secret");
    kc_target_free(t);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("file-secret\nsecond-part\n", f);
    fclose(f);
    assert_int_equal(kc_target_load(&t, prof, NULL, err, sizeof(err)), -1);
    assert_null(t);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "a second non-empty line"));
    assert_null(strstr(err, "file-secret"));
    assert_null(strstr(err, "second-part"));
    unlink(path);
    assert_int_equal(kc_target_load(&t, prof, NULL, err, sizeof(err)), -1);
    assert_non_null(
        strstr(err, "$.credentials.default.access_key_secret_file: "));
    assert_non_null(strstr(err, "cannot open"));
    unlink(prof);
    rmdir(dir);
}

static void test_from_env(void **state)
{
    struct kc_target *t = NULL;
    char err[512] = "";

    (void)state;
    unsetenv("KMSCONF_ACCESS_KEY_ID");
    assert_int_equal(
        kc_target_from_env(&t, "https://kms.example.com", err, sizeof(err)),
        -1);
    assert_string_equal(err, "--endpoint: $.credentials.default.access_key_"
                             "id_env: environment variable "
                             "KMSCONF_ACCESS_KEY_ID is not set");
    setenv("KMSCONF_ACCESS_KEY_ID", "eid", 1);
    setenv("KMSCONF_ACCESS_KEY_SECRET", "esecret", 1);
    setenv("KMSCONF_REGION", "eu-central-1", 1);
    assert_int_equal(
        kc_target_from_env(&t, "https://kms.example.com", err, sizeof(err)), 0);
    assert_int_equal(t->ncreds, 1);
    assert_string_equal(t->creds[0].name, "default");
    assert_string_equal(t->creds[0].access_key_id, "eid");
    assert_string_equal(t->creds[0].access_key_secret, "esecret");
    assert_string_equal(t->region, "eu-central-1");
    assert_string_equal(t->source, "--endpoint");
    kc_target_free(t);
    unsetenv("KMSCONF_REGION");
    assert_int_equal(kc_target_from_env(&t, "not a url", err, sizeof(err)), -1);
}

static void test_loopback(void **state)
{
    char host[64];

    (void)state;
    assert_true(kc_url_is_loopback("http://127.0.0.1:8080"));
    assert_true(kc_url_is_loopback("http://127.1.2.3/"));
    assert_true(kc_url_is_loopback("http://localhost"));
    assert_true(kc_url_is_loopback("http://[::1]:99"));
    assert_false(kc_url_is_loopback("http://127.0.0.1.example.com"));
    assert_false(kc_url_is_loopback("http://128.0.0.1"));
    assert_false(kc_url_is_loopback("http://localhost.example.com"));
    assert_false(kc_url_is_loopback("https://kms.cn-hangzhou.aliyuncs.com"));
    assert_false(kc_url_is_loopback("garbage"));
    /* issue 14 defect 13: octets are bounded, the IPv6 loopback in any form */
    assert_false(kc_url_is_loopback("http://127.0.0.999/"));
    assert_false(kc_url_is_loopback("http://127.256.0.1/"));
    assert_false(kc_url_is_loopback("http://127.0.0.1.1/"));
    assert_false(kc_url_is_loopback("http://127.0.0.1x/"));
    assert_true(kc_url_is_loopback("http://127.255.255.254/"));
    assert_true(kc_url_is_loopback("http://[0:0:0:0:0:0:0:1]:8/"));
    assert_true(kc_url_is_loopback("http://[::0001]/"));
    assert_false(kc_url_is_loopback("http://[::2]/"));
    assert_false(kc_url_is_loopback("http://[::ffff:7f00:1]/"));
    kc_url_host("https://user@kms.example.com:443/x", host, sizeof(host));
    assert_string_equal(host, "kms.example.com");
}

static void test_suite_targets(void **state)
{
    struct kc_target *t = NULL;
    char err[512] = "";
    static const char *const names[] = {
        "default",           "disabled-key",
        "no-permission",     "ubsms-invalid-userid",
        "ubsms-invalid-bid", "kms-not-enabled",
        "risk-control",      "in-debt",
        "in-debt-overdue",   "fault-internal",
        "fault-unavailable", "low-quota",
        "short-token",       "wrong-secret"};

    (void)state;
    assert_int_equal(kc_target_load(&t,
                                    KC_SOURCE_DIR "/suite/targets/"
                                                  "refserver.json",
                                    NULL, err, sizeof(err)),
                     0);
    assert_int_equal(t->ncreds, sizeof(names) / sizeof(names[0]));
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        assert_non_null(kc_target_credential(t, names[i]));
    assert_string_equal(kc_target_credential(t, "in-debt")->access_key_id,
                        "testid-indebt");
    assert_string_equal(kc_target_credential(t, "wrong-secret")->access_key_id,
                        "testid");
    assert_string_equal(kc_target_capability(t, "region-without-hsm"),
                        "xx-nohsm-1");
    assert_non_null(kc_target_capability(t, "fault-injection"));
    assert_non_null(kc_target_capability(t, "short-import-token"));
    assert_non_null(kc_target_capability(t, "low-key-quota"));
    kc_target_free(t);

    setenv("VENDOR_ACCESS_KEY_ID", "a", 1);
    setenv("VENDOR_ACCESS_KEY_SECRET", "b", 1);
    setenv("VENDOR_NOPERM_ID", "c", 1);
    assert_int_equal(kc_target_load(&t,
                                    KC_SOURCE_DIR "/suite/targets/"
                                                  "example-vendor.json",
                                    NULL, err, sizeof(err)),
                     -1);
    /* its no-permission secret file does not exist here */
    assert_non_null(strstr(err, "access_key_secret_file"));
}

static struct kc_case make_case(char **creds, size_t ncreds, char **caps,
                                size_t ncaps)
{
    struct kc_case c;

    memset(&c, 0, sizeof(c));
    c.req_credentials = creds;
    c.nreq_credentials = ncreds;
    c.req_capabilities = caps;
    c.nreq_capabilities = ncaps;
    return c;
}

static void test_can_run(void **state)
{
    static char in_debt[] = "in-debt", dflt[] = "default",
                hsm[] = "region-"
                        "without-hsm";
    static char act[] = "Encrypt", quota[] = "low-key-quota";
    char *creds[] = {dflt, in_debt};
    char *caps[] = {quota, hsm};
    struct kc_target *t = NULL;
    struct kc_skip skip;
    struct kc_case c;
    char err[512];

    (void)state;
    setenv("KC_T_SECRET", "s3cret", 1);
    assert_int_equal(parse(&t,
                           "{" BASE "'endpoint':'http://x'," CRED
                           ",'capabilities':{'low-key-quota':true,'region-"
                           "without-hsm':false}}",
                           NULL, err, sizeof(err)),
                     0);
    c = make_case(creds, 1, caps, 1);
    assert_true(kc_target_can_run(t, &c, &skip));
    c = make_case(creds, 2, caps, 1);
    assert_false(kc_target_can_run(t, &c, &skip));
    assert_string_equal(skip.type, "missing-credential");
    assert_string_equal(skip.reason, "in-debt");
    c = make_case(creds, 1, caps, 2);
    assert_false(kc_target_can_run(t, &c, &skip));
    assert_string_equal(skip.type, "missing-capability");
    assert_string_equal(skip.reason, "region-without-hsm");
    /* a step's credential counts as a requirement too */
    c = make_case(creds, 1, caps, 1);
    c.probe.action = act;
    c.probe.credential = in_debt;
    assert_false(kc_target_can_run(t, &c, NULL));
    kc_target_free(t);
}

static void test_envelopes(void **state)
{
    struct kc_envelope *e = NULL;
    char err[512] = "";
    const struct kc_envelope_field *f;
    const char *bad;

    (void)state;
    assert_int_equal(kc_envelope_load(&e, KC_SOURCE_DIR "/suite/envelopes.json",
                                      "kms", err, sizeof(err)),
                     0);
    f = kc_envelope_field(e, "HttpStatus");
    assert_non_null(f);
    assert_true(f->required);
    assert_int_equal(f->type, KC_FIELD_NUMBER);
    assert_true(kc_envelope_field(e, "RequestId")->required);
    assert_false(kc_envelope_field(e, "HostId")->required);
    assert_false(kc_envelope_field(e, "Recommend")->required);
    assert_null(kc_envelope_field(e, "Data"));
    assert_false(e->allow_other_fields);
    assert_true(kc_envelope_xml_root_ok(e, "KMS"));
    assert_false(kc_envelope_xml_root_ok(e, "Error"));
    kc_envelope_free(e);
    assert_int_equal(kc_envelope_load(&e, KC_SOURCE_DIR "/suite/envelopes.json",
                                      "relaxed", err, sizeof(err)),
                     0);
    assert_false(kc_envelope_field(e, "HttpStatus")->required);
    assert_true(kc_envelope_xml_root_ok(e, "Error"));
    kc_envelope_free(e);
    assert_int_equal(kc_envelope_load(&e, KC_SOURCE_DIR "/suite/envelopes.json",
                                      "nope", err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "$.nope: no envelope rule set of that name"));
    bad = "{\"x\":{\"fields\":{\"A\":{\"type\":\"int\"}},"
          "\"xml_roots\":[\"KMS\"]}}";
    assert_int_equal(kc_envelope_parse(&e, bad, strlen(bad), "e.json", "x", err,
                                       sizeof(err)),
                     -1);
    assert_string_equal(err, "e.json: $.x.fields.A.type: expected \"string\", "
                             "\"number\" or \"object\"");
}

/* Every prefix of a profile is refused cleanly (no crash, no leak). */
static void test_truncations(void **state)
{
    char *json = q("{'name':'n','region':'r','endpoint':'http://127.0.0.1:1',"
                   "'allow_inline_secrets':true,'tls':{'verify':true,"
                   "'cacert':null},'credentials':{'default':{'access_key_id':"
                   "'i','access_key_secret':'s'}},'capabilities':{'a':true,"
                   "'b':'x'}}");
    size_t len = strlen(json);

    (void)state;
    for (size_t cut = 0; cut <= len; cut++) {
        struct kc_target *t = NULL;
        char err[512] = "";
        int rc =
            kc_target_parse(&t, json, cut, "t.json", NULL, err, sizeof(err));
        assert_int_equal(rc, cut == len ? 0 : -1);
        assert_true(cut == len || strncmp(err, "t.json: ", 8) == 0);
        kc_target_free(t);
    }
    free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_profile),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_bad_profiles),
        cmocka_unit_test(test_endpoint_override),
        cmocka_unit_test(test_secret_file),
        cmocka_unit_test(test_from_env),
        cmocka_unit_test(test_loopback),
        cmocka_unit_test(test_suite_targets),
        cmocka_unit_test(test_can_run),
        cmocka_unit_test(test_envelopes),
        cmocka_unit_test(test_truncations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
