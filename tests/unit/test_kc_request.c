/* kc_request: V1 and V3 requests, their shaping (omit, override, corrupt,
 * absent, raw_query), and acceptance of valid signatures by kms-refserver
 * (in-process, port 0). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs/config.h"
#include "kc/http.h"
#include "kc/request.h"
#include "rs/server.h"

#define NOW   ((time_t)1700000000) /* 2023-11-14T22:13:20Z */
#define NONCE "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"

static const struct kc_param business[] = {{"KeyId", "alias/my key*~+"}};

static struct kc_req_spec base_spec(enum kc_sigver v, const char *method)
{
    struct kc_req_spec s = {
        .endpoint = "http://127.0.0.1:8080",
        .sigver = v,
        .method = method,
        .action = "DescribeKey",
        .format = "JSON",
        .params = business,
        .nparams = 1,
        .access_key_id = "testid",
        .secret = "testsecret",
        .now = NOW,
        .nonce = NONCE,
    };
    return s;
}

/* Decoded pairs of a form body or query string. */
struct pairs {
    struct kc_param v[32];
    char *mem[64];
    size_t n, nmem;
};

static void parse_pairs(struct pairs *p, const char *s)
{
    memset(p, 0, sizeof(*p));
    while (s && *s && p->n < 32) {
        size_t len = strcspn(s, "&");
        const char *eq = memchr(s, '=', len);
        assert_non_null(eq);
        char *n = kc_pct_decode(s, (size_t)(eq - s), false, NULL);
        char *v =
            kc_pct_decode(eq + 1, len - (size_t)(eq - s) - 1, false, NULL);
        p->mem[p->nmem++] = n;
        p->mem[p->nmem++] = v;
        p->v[p->n].name = n;
        p->v[p->n++].value = v;
        s = s[len] ? s + len + 1 : NULL;
    }
}

static void free_pairs(struct pairs *p)
{
    for (size_t i = 0; i < p->nmem; i++)
        free(p->mem[i]);
}

static const char *pair(const struct pairs *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->v[i].name, name))
            return p->v[i].value;
    return NULL;
}

/* Builds spec and checks that the V1 Signature equals a recomputation. */
static void build_v1(const struct kc_req_spec *s, struct kc_request *r,
                     struct pairs *p)
{
    char err[128];
    assert_int_equal(kc_request_build(s, r, err, sizeof(err)), 0);
    const char *q = r->body ? r->body : strchr(r->url, '?') + 1;
    parse_pairs(p, q);
}

static void test_v1_post(void **state)
{
    (void)state;
    struct kc_req_spec s = base_spec(KC_SIGVER_V1, "POST");
    struct kc_request r;
    struct pairs p;
    char sig[29];
    build_v1(&s, &r, &p);
    assert_string_equal(r.url, "http://127.0.0.1:8080/");
    assert_string_equal(kc_request_header(&r, "content-type"),
                        "application/x-www-form-urlencoded");
    assert_string_equal(pair(&p, "Format"), "JSON");
    assert_string_equal(pair(&p, "Version"), "2016-01-20");
    assert_string_equal(pair(&p, "AccessKeyId"), "testid");
    assert_string_equal(pair(&p, "SignatureMethod"), "HMAC-SHA1");
    assert_string_equal(pair(&p, "SignatureVersion"), "1.0");
    assert_string_equal(pair(&p, "Timestamp"), "2023-11-14T22:13:20Z");
    assert_string_equal(pair(&p, "SignatureNonce"), NONCE);
    assert_string_equal(pair(&p, "Action"), "DescribeKey");
    assert_string_equal(pair(&p, "KeyId"), "alias/my key*~+");
    assert_int_equal(kc_sign_v1("testsecret", "POST", p.v, p.n, sig), 0);
    assert_string_equal(pair(&p, "Signature"), sig);
    assert_string_equal(r.signature, sig); /* known to redaction */
    free_pairs(&p);
    kc_request_dispose(&r);
}

static void test_v1_get(void **state)
{
    (void)state;
    struct kc_req_spec s = base_spec(KC_SIGVER_V1, "GET");
    struct kc_request r;
    struct pairs p;
    char sig[29];
    build_v1(&s, &r, &p);
    assert_null(r.body);
    assert_non_null(strstr(r.url, "http://127.0.0.1:8080/?"));
    assert_int_equal(kc_sign_v1("testsecret", "GET", p.v, p.n, sig), 0);
    assert_string_equal(pair(&p, "Signature"), sig);
    free_pairs(&p);
    kc_request_dispose(&r);
}

static void test_v1_omit_override(void **state)
{
    (void)state;
    const struct kc_param ov[] = {{"Timestamp", "2001-01-01T00:00:00Z"}};
    struct kc_req_spec s = base_spec(KC_SIGVER_V1, "POST");
    s.omit = KC_COMMON_SIGNATURE_NONCE | KC_COMMON_VERSION;
    s.overrides = ov;
    s.noverrides = 1;
    struct kc_request r;
    struct pairs p;
    char sig[29];
    build_v1(&s, &r, &p);
    assert_null(pair(&p, "SignatureNonce"));
    assert_null(pair(&p, "Version"));
    assert_string_equal(pair(&p, "Timestamp"), "2001-01-01T00:00:00Z");
    /* signed as sent */
    assert_int_equal(kc_sign_v1("testsecret", "POST", p.v, p.n, sig), 0);
    assert_string_equal(pair(&p, "Signature"), sig);
    free_pairs(&p);
    kc_request_dispose(&r);
}

static void test_v1_corrupt_absent(void **state)
{
    (void)state;
    struct kc_req_spec s = base_spec(KC_SIGVER_V1, "POST");
    struct kc_request r1, r2, r3;
    struct pairs p1, p2, p3;
    build_v1(&s, &r1, &p1);
    s.signature = KC_SIG_CORRUPT;
    build_v1(&s, &r2, &p2);
    const char *good = pair(&p1, "Signature"), *bad = pair(&p2, "Signature");
    assert_string_not_equal(good, bad);
    assert_string_equal(good + 1, bad + 1); /* only the first char flipped */
    assert_string_equal(r2.signature, bad); /* the one sent */
    s.signature = KC_SIG_ABSENT;
    build_v1(&s, &r3, &p3);
    assert_null(pair(&p3, "Signature"));
    assert_null(r3.signature);
    s.signature = KC_SIG_VALID;
    s.omit = KC_COMMON_SIGNATURE;
    free_pairs(&p3);
    kc_request_dispose(&r3);
    build_v1(&s, &r3, &p3);
    assert_null(pair(&p3, "Signature"));
    free_pairs(&p1);
    free_pairs(&p2);
    free_pairs(&p3);
    kc_request_dispose(&r1);
    kc_request_dispose(&r2);
    kc_request_dispose(&r3);
}

static void test_raw_query(void **state)
{
    (void)state;
    struct kc_req_spec s = base_spec(KC_SIGVER_V1, "GET");
    struct kc_request r;
    char err[128];
    s.raw_query = "Action=DescribeKey&KeyId=%ZZbad";
    s.format = "XML";
    assert_int_equal(kc_request_build(&s, &r, err, sizeof(err)), 0);
    assert_string_equal(r.url,
                        "http://127.0.0.1:8080/?Action=DescribeKey&KeyId=%ZZbad"
                        "&Format=XML");
    assert_null(r.body);
    assert_int_equal(r.nheaders, 0);
    kc_request_dispose(&r);
    s.raw_query = "Format=JSON&Action=X";
    assert_int_equal(kc_request_build(&s, &r, err, sizeof(err)), 0);
    assert_string_equal(r.url, "http://127.0.0.1:8080/?Format=JSON&Action=X");
    kc_request_dispose(&r);
}

static void test_bad_endpoint(void **state)
{
    (void)state;
    struct kc_req_spec s = base_spec(KC_SIGVER_V1, "POST");
    struct kc_request r;
    char err[128] = "";
    s.endpoint = "ftp://example.com";
    assert_int_equal(kc_request_build(&s, &r, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "ftp://example.com"));
}

/* The signed headers of a V3 request, from its header lines. */
static size_t v3_signed(const struct kc_request *r, struct kc_param *h)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nheaders; i++) {
        const char *line = r->headers[i];
        if (!strncmp(line, "Authorization", 13))
            continue;
        static char names[16][64];
        size_t nl = strcspn(line, ":");
        snprintf(names[n], sizeof(names[n]), "%.*s", (int)nl, line);
        h[n].name = names[n];
        h[n++].value = line + nl + 2;
    }
    return n;
}

static void test_v3(void **state)
{
    (void)state;
    struct kc_req_spec s = base_spec(KC_SIGVER_V3, "POST");
    struct kc_request r;
    struct pairs q;
    struct kc_param h[16];
    struct kc_buf signed_h;
    char err[128], sig[65], hash[65], want[512];
    assert_int_equal(kc_request_build(&s, &r, err, sizeof(err)), 0);
    assert_null(r.body);
    assert_string_equal(kc_request_header(&r, "host"), "127.0.0.1:8080");
    assert_string_equal(kc_request_header(&r, "x-acs-action"), "DescribeKey");
    assert_string_equal(kc_request_header(&r, "x-acs-version"), "2016-01-20");
    assert_string_equal(kc_request_header(&r, "x-acs-date"),
                        "2023-11-14T22:13:20Z");
    assert_string_equal(kc_request_header(&r, "x-acs-signature-nonce"), NONCE);
    kc_sha256_hex("", 0, hash);
    assert_string_equal(kc_request_header(&r, "x-acs-content-sha256"), hash);
    parse_pairs(&q, strchr(r.url, '?') + 1);
    assert_string_equal(pair(&q, "Format"), "JSON");
    assert_string_equal(pair(&q, "KeyId"), "alias/my key*~+");
    size_t nh = v3_signed(&r, h);
    struct kc_v3_input in = {"POST", "/", q.v, q.n, h, nh, hash, false};
    kc_buf_init(&signed_h, 0);
    assert_int_equal(kc_sign_v3("testsecret", &in, &signed_h, sig), 0);
    snprintf(want, sizeof(want),
             "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=%s,"
             "Signature=%s",
             kc_buf_str(&signed_h), sig);
    assert_string_equal(kc_request_header(&r, "Authorization"), want);
    assert_string_equal(r.signature, sig);
    kc_buf_dispose(&signed_h);
    free_pairs(&q);
    kc_request_dispose(&r);
}

static void test_v3_shaping(void **state)
{
    (void)state;
    struct kc_req_spec s = base_spec(KC_SIGVER_V3, "POST");
    struct kc_request r;
    char err[128];
    s.omit = KC_COMMON_ACTION | KC_COMMON_TIMESTAMP;
    s.signature = KC_SIG_ABSENT;
    assert_int_equal(kc_request_build(&s, &r, err, sizeof(err)), 0);
    assert_null(kc_request_header(&r, "x-acs-action"));
    assert_null(kc_request_header(&r, "x-acs-date"));
    assert_null(strstr(kc_request_header(&r, "Authorization"), "Signature="));
    assert_null(r.signature);
    kc_request_dispose(&r);
    const struct kc_param ov[] = {{"Version", "2099-01-01"}};
    s = base_spec(KC_SIGVER_V3, "POST");
    s.overrides = ov;
    s.noverrides = 1;
    s.omit = KC_COMMON_FORMAT | KC_COMMON_ACCESS_KEY_ID;
    assert_int_equal(kc_request_build(&s, &r, err, sizeof(err)), 0);
    assert_string_equal(kc_request_header(&r, "x-acs-version"), "2099-01-01");
    assert_null(strstr(r.url, "Format="));
    assert_null(strstr(kc_request_header(&r, "Authorization"), "Credential"));
    kc_request_dispose(&r);
}

/* Sends a built request to an in-process kms-refserver; its HTTP status. */
static long send_to(const char *url, enum kc_sigver v, const char *method,
                    enum kc_sigmode mode)
{
    struct kc_req_spec s = base_spec(v, method);
    const struct kc_param none[] = {{"KeyId", "key-does-not-exist"}};
    struct kc_request r;
    struct kc_http_opts o = {0};
    struct kc_http_resp resp;
    char err[128];
    s.endpoint = url;
    s.now = 0;
    s.nonce = NULL;
    s.params = none;
    s.signature = mode;
    assert_int_equal(kc_request_build(&s, &r, err, sizeof(err)), 0);
    struct kc_http *h = kc_http_new(&o);
    struct kc_http_req req = {
        r.method,   r.url,  (const char *const *)r.headers,
        r.nheaders, r.body, r.body_len};
    assert_int_equal(kc_http_send(h, &req, &resp), KC_HTTP_OK);
    long status = resp.status;
    if (mode == KC_SIG_VALID) /* the signature passed: the key is unknown */
        assert_non_null(
            strstr(kc_buf_str(&resp.body), "Forbidden.KeyNotFound"));
    kc_http_resp_dispose(&resp);
    kc_http_free(h);
    kc_request_dispose(&r);
    return status;
}

static void test_refserver_accepts(void **state)
{
    (void)state;
    struct rs_config cfg;
    struct rs_server *srv = NULL;
    char err[256], url[128];
    assert_int_equal(rs_config_default(&cfg), 0);
    assert_int_equal(
        rs_server_start(&srv, &cfg, "127.0.0.1:0", NULL, err, sizeof(err)), 0);
    rs_server_url(srv, url, sizeof(url));
    kc_http_global_init();
    assert_int_equal(send_to(url, KC_SIGVER_V1, "POST", KC_SIG_VALID), 404);
    assert_int_equal(send_to(url, KC_SIGVER_V1, "GET", KC_SIG_VALID), 404);
    assert_int_equal(send_to(url, KC_SIGVER_V3, "POST", KC_SIG_VALID), 404);
    assert_int_equal(send_to(url, KC_SIGVER_V3, "GET", KC_SIG_VALID), 404);
    assert_int_equal(send_to(url, KC_SIGVER_V1, "POST", KC_SIG_CORRUPT), 400);
    assert_int_equal(send_to(url, KC_SIGVER_V3, "POST", KC_SIG_CORRUPT), 400);
    kc_http_global_cleanup();
    rs_server_stop(srv);
    rs_config_dispose(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v1_post),
        cmocka_unit_test(test_v1_get),
        cmocka_unit_test(test_v1_omit_override),
        cmocka_unit_test(test_v1_corrupt_absent),
        cmocka_unit_test(test_raw_query),
        cmocka_unit_test(test_bad_endpoint),
        cmocka_unit_test(test_v3),
        cmocka_unit_test(test_v3_shaping),
        cmocka_unit_test(test_refserver_accepts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
