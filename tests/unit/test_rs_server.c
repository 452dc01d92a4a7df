/*
 * In-process HTTP tests of kms-refserver's protocol layer: the server is
 * started on port 0 through rs_server_start and spoken to with libcurl,
 * requests signed with kc_sign (V1 and V3). One probe per protocol error
 * and per account condition, both formats, GET and POST, nonce reuse,
 * size limits, keep-alive, concurrency and the success path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pthread.h>

#include "kc/codec.h"
#include "kc/sign.h"
#include "rs/config.h"
#include "rs/handler.h"
#include "rs/reply.h"
#include "rs/reqlog.h"
#include "rs/server.h"

#define MAXP 40

static struct rs_config cfg;
static struct rs_server *srv;
static char base[128];

/* ---- requests --------------------------------------------------------- */

struct plist {
    char name[MAXP][64];
    char value[MAXP][1024];
    size_t n;
};

static void pset(struct plist *p, const char *n, const char *v)
{
    size_t i = 0;
    while (i < p->n && strcmp(p->name[i], n))
        i++;
    if (i == p->n) {
        assert_true(p->n < MAXP);
        p->n++;
    }
    snprintf(p->name[i], sizeof(p->name[i]), "%s", n);
    snprintf(p->value[i], sizeof(p->value[i]), "%s", v);
}

static void pdel(struct plist *p, const char *n)
{
    for (size_t i = 0; i < p->n; i++) {
        if (strcmp(p->name[i], n))
            continue;
        for (size_t j = i + 1; j < p->n; j++) {
            memcpy(p->name[j - 1], p->name[j], sizeof(p->name[j]));
            memcpy(p->value[j - 1], p->value[j], sizeof(p->value[j]));
        }
        p->n--;
        return;
    }
}

static void now_iso(char out[21], long offset)
{
    kc_time_format(time(NULL) + offset, out);
}

static void common(struct plist *p, const char *ak, const char *action,
                   bool xml)
{
    char ts[21], nonce[37];
    now_iso(ts, 0);
    kc_uuid4(nonce);
    p->n = 0;
    pset(p, "AccessKeyId", ak);
    pset(p, "Action", action);
    pset(p, "Format", xml ? "XML" : "JSON");
    pset(p, "SignatureMethod", "HMAC-SHA1");
    pset(p, "SignatureNonce", nonce);
    pset(p, "SignatureVersion", "1.0");
    pset(p, "Timestamp", ts);
    pset(p, "Version", "2016-01-20");
}

static size_t view(const struct plist *p, struct kc_param *out)
{
    for (size_t i = 0; i < p->n; i++) {
        out[i].name = p->name[i];
        out[i].value = p->value[i];
    }
    return p->n;
}

static void sign_v1(struct plist *p, const char *secret, const char *method)
{
    struct kc_param v[MAXP];
    char sig[29];
    pdel(p, "Signature");
    size_t n = view(p, v);
    assert_int_equal(kc_sign_v1(secret, method, v, n, sig), 0);
    pset(p, "Signature", sig);
}

static char *encode(const struct plist *p)
{
    struct kc_buf b;
    kc_buf_init(&b, 0);
    for (size_t i = 0; i < p->n; i++) {
        if (i)
            kc_buf_putc(&b, '&');
        kc_pct_encode(&b, p->name[i], strlen(p->name[i]));
        kc_buf_putc(&b, '=');
        kc_pct_encode(&b, p->value[i], strlen(p->value[i]));
    }
    return kc_buf_detach(&b);
}

struct resp {
    long status;
    char ctype[128];
    char hdr_id[128];
    struct kc_buf body;
};

static size_t on_body(char *d, size_t sz, size_t n, void *u)
{
    struct resp *r = u;
    return kc_buf_append(&r->body, d, sz * n) ? 0 : sz * n;
}

static void copy_header_value(char *out, size_t outlen, const char *line,
                              size_t n)
{
    const char *colon = memchr(line, ':', n);
    const char *v = colon + 1;
    size_t len = n - (size_t)(v - line);
    while (len && (*v == ' '))
        v++, len--;
    while (len && (v[len - 1] == '\r' || v[len - 1] == '\n'))
        len--;
    snprintf(out, outlen, "%.*s", (int)len, v);
}

static size_t on_header(char *d, size_t sz, size_t n, void *u)
{
    struct resp *r = u;
    size_t len = sz * n;
    if (len > 13 && !strncasecmp(d, "content-type:", 13))
        copy_header_value(r->ctype, sizeof(r->ctype), d, len);
    if (len > 17 && !strncasecmp(d, "x-acs-request-id:", 17))
        copy_header_value(r->hdr_id, sizeof(r->hdr_id), d, len);
    return len;
}

/* Sends one request on h (a fresh handle when NULL). */
static void http(CURL *h, const char *method, const char *query,
                 const char *body, struct curl_slist *headers, struct resp *r)
{
    char url[64 * 1024];
    bool own = !h;
    memset(r, 0, sizeof(*r));
    kc_buf_init(&r->body, 1u << 20);
    if (own)
        h = curl_easy_init();
    assert_non_null(h);
    snprintf(url, sizeof(url), "%s/%s%s", base, query ? "?" : "",
             query ? query : "");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
    assert_int_equal(curl_easy_perform(h), CURLE_OK);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    if (own)
        curl_easy_cleanup(h);
}

/* A V1 request: GET with everything in the query, or POST with
 * everything in a form body (as pop-core sends it). */
static void send_v1(CURL *h, const char *method, const struct plist *p,
                    struct resp *r)
{
    char *enc = encode(p);
    struct curl_slist *hdr = NULL;
    if (!strcmp(method, "POST")) {
        hdr = curl_slist_append(
            NULL, "Content-Type: application/x-www-form-urlencoded");
        http(h, method, NULL, enc, hdr, r);
    } else {
        http(h, method, enc, NULL, NULL, r);
    }
    curl_slist_free_all(hdr);
    free(enc);
}

/* ---- answers ---------------------------------------------------------- */

static void xml_get(const char *body, const char *tag, char *out, size_t len)
{
    char open[64], close[64];
    snprintf(open, sizeof(open), "<%s>", tag);
    snprintf(close, sizeof(close), "</%s>", tag);
    const char *a = strstr(body, open);
    out[0] = '\0';
    if (!a)
        return;
    a += strlen(open);
    const char *b = strstr(a, close);
    assert_non_null(b);
    size_t o = 0;
    while (a < b && o + 1 < len) {
        static const struct {
            const char *ent;
            char c;
        } ents[] = {{"&quot;", '"'},
                    {"&amp;", '&'},
                    {"&lt;", '<'},
                    {"&gt;", '>'},
                    {"&apos;", '\''}};
        bool done = false;
        for (size_t i = 0; i < 5 && !done; i++) {
            size_t el = strlen(ents[i].ent);
            if (!strncmp(a, ents[i].ent, el)) {
                out[o++] = ents[i].c;
                a += el;
                done = true;
            }
        }
        if (!done)
            out[o++] = *a++;
    }
    out[o] = '\0';
}

static void check_id(const struct resp *r, const char *id)
{
    assert_true(kc_uuid_valid(id));
    for (const char *p = id; *p; p++)
        assert_false(*p >= 'A' && *p <= 'F');
    assert_string_equal(r->hdr_id, id);
}

/* Checks an error answer against the table, with arg for placeholders. */
static void expect_error(const struct resp *r, bool xml, const char *code,
                         const char *arg)
{
    const struct rs_errdef *def = rs_reply_find(code);
    char msg[512], got[512];
    assert_non_null(def);
    rs_reply_message(msg, sizeof(msg), def, arg);
    if (r->status != (long)def->status || !strstr(kc_buf_str(&r->body), code))
        print_error("want %s, got %ld %s\n", code, r->status,
                    kc_buf_str(&r->body));
    assert_int_equal(r->status, def->status);
    if (xml) {
        const char *b = kc_buf_str(&r->body);
        assert_string_equal(r->ctype, "text/xml;charset=utf-8");
        assert_non_null(strstr(b, "<KMS>"));
        xml_get(b, "HttpStatus", got, sizeof(got));
        assert_int_equal(strtol(got, NULL, 10), def->status);
        xml_get(b, "Code", got, sizeof(got));
        assert_string_equal(got, code);
        xml_get(b, "Message", got, sizeof(got));
        assert_string_equal(got, msg);
        xml_get(b, "RequestId", got, sizeof(got));
        check_id(r, got);
        return;
    }
    assert_string_equal(r->ctype, "application/json;charset=utf-8");
    cJSON *o = cJSON_Parse(kc_buf_str(&r->body));
    assert_non_null(o);
    assert_int_equal(cJSON_GetObjectItem(o, "HttpStatus")->valueint,
                     def->status);
    assert_string_equal(cJSON_GetObjectItem(o, "Code")->valuestring, code);
    assert_string_equal(cJSON_GetObjectItem(o, "Message")->valuestring, msg);
    check_id(r, cJSON_GetObjectItem(o, "RequestId")->valuestring);
    cJSON_Delete(o);
}

static void resp_dispose(struct resp *r)
{
    kc_buf_dispose(&r->body);
}

/* Builds, signs (V1) and sends; then checks the error in both formats
 * and with both methods. mutate may change the list before signing,
 * after_sign after it. */
typedef void (*mutate_fn)(struct plist *p);

static void probe(const char *ak, const char *secret, const char *action,
                  mutate_fn before, mutate_fn after, const char *code,
                  const char *arg)
{
    static const char *const methods[] = {"GET", "POST"};
    for (int x = 0; x < 2; x++) {
        for (int m = 0; m < 2; m++) {
            struct plist p;
            struct resp r;
            common(&p, ak, action, x == 1);
            if (before)
                before(&p);
            sign_v1(&p, secret, methods[m]);
            if (after)
                after(&p);
            send_v1(NULL, methods[m], &p, &r);
            expect_error(&r, x == 1, code, arg);
            resp_dispose(&r);
        }
    }
}

/* ---- fixtures --------------------------------------------------------- */

static int start(void **state)
{
    char err[256];
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rs_config_default(&cfg))
        return -1;
    if (rs_server_start(&srv, &cfg, "127.0.0.1:0", NULL, err, sizeof(err)) !=
        RS_SERVER_OK) {
        fprintf(stderr, "start: %s\n", err);
        return -1;
    }
    rs_server_url(srv, base, sizeof(base));
    return 0;
}

static int stop(void **state)
{
    (void)state;
    rs_server_stop(srv);
    rs_config_dispose(&cfg);
    curl_global_cleanup();
    return 0;
}

/* ---- tests ------------------------------------------------------------ */

static void test_url_and_port(void **state)
{
    char want[64];
    (void)state;
    assert_int_not_equal(rs_server_port(srv), 0);
    snprintf(want, sizeof(want), "http://127.0.0.1:%u", rs_server_port(srv));
    assert_string_equal(base, want);
}

/* A malformed --listen is a usage error, told apart from a failed start
 * (here: the port the fixture's server holds). */
static void test_start_errors(void **state)
{
    struct rs_server *s2 = srv;
    char err[256], listen[64];
    (void)state;
    assert_int_equal(
        rs_server_start(&s2, &cfg, "nowhere", NULL, err, sizeof(err)),
        RS_SERVER_BAD_LISTEN);
    assert_null(s2);
    assert_string_equal(err,
                        "--listen nowhere: expected ADDR:PORT or [ADDR6]:PORT");
    snprintf(listen, sizeof(listen), "127.0.0.1:%u", rs_server_port(srv));
    assert_int_equal(rs_server_start(&s2, &cfg, listen, NULL, err, sizeof(err)),
                     RS_SERVER_CANNOT_START);
    assert_null(s2);
    assert_non_null(strstr(err, ": cannot listen: "));
}

static void test_unsupported_method(void **state)
{
    static const char *const methods[] = {"PUT", "DELETE", "PATCH", "OPTIONS"};
    (void)state;
    for (size_t i = 0; i < 4; i++) {
        for (int x = 0; x < 2; x++) {
            struct plist p;
            struct resp r;
            common(&p, "testid", "DescribeKey", x == 1);
            sign_v1(&p, "testsecret", methods[i]);
            send_v1(NULL, methods[i], &p, &r);
            expect_error(&r, x == 1, "UnsupportedHTTPMethod", NULL);
            resp_dispose(&r);
        }
    }
}

static void test_parse_errors(void **state)
{
    static const char *const raw[] = {
        "Action=DescribeKey&KeyId=%zz&Format=XML",
        "Action=DescribeKey&KeyId=%C3%28&Format=XML",
        "Action=DescribeKey&Action=DescribeKey&Format=XML",
        "Action=DescribeKey&=x&Format=XML",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
        struct resp r;
        http(NULL, "GET", raw[i], NULL, NULL, &r);
        expect_error(&r, true, "ParseRequestParameterException", NULL);
        resp_dispose(&r);
        /* the same in a form body answers JSON when asked so */
        char body[256];
        snprintf(body, sizeof(body), "%.*s", (int)(strlen(raw[i]) - 11),
                 raw[i]);
        struct curl_slist *h = curl_slist_append(
            NULL, "Content-Type: application/x-www-form-urlencoded");
        http(NULL, "POST", NULL, body, h, &r);
        expect_error(&r, false, "ParseRequestParameterException", NULL);
        resp_dispose(&r);
        curl_slist_free_all(h);
    }
}

static void test_repeated_across_query_and_body(void **state)
{
    struct plist p;
    struct resp r;
    struct curl_slist *h = curl_slist_append(
        NULL, "Content-Type: application/x-www-form-urlencoded");
    (void)state;
    common(&p, "testid", "DescribeKey", false);
    sign_v1(&p, "testsecret", "POST");
    char *enc = encode(&p);
    http(NULL, "POST", "Action=DescribeKey", enc, h, &r);
    expect_error(&r, false, "ParseRequestParameterException", NULL);
    resp_dispose(&r);
    free(enc);
    curl_slist_free_all(h);
}

static void omit_ak(struct plist *p)
{
    pdel(p, "AccessKeyId");
}
static void unknown_ak(struct plist *p)
{
    pset(p, "AccessKeyId", "unknown-abc");
}
static void corrupt_sig(struct plist *p)
{
    char *v = p->value[p->n - 1];
    v[0] = v[0] == 'A' ? 'B' : 'A';
}
static void omit_sig(struct plist *p)
{
    pdel(p, "Signature");
}
static void omit_ts(struct plist *p)
{
    pdel(p, "Timestamp");
}
static void old_ts(struct plist *p)
{
    pset(p, "Timestamp", "2001-01-01T00:00:00Z");
}
static void future_ts(struct plist *p)
{
    char ts[21];
    now_iso(ts, 16 * 60);
    pset(p, "Timestamp", ts);
}
static void bad_ts(struct plist *p)
{
    pset(p, "Timestamp", "yesterday");
}
static void omit_nonce(struct plist *p)
{
    pdel(p, "SignatureNonce");
}
static void omit_version(struct plist *p)
{
    pdel(p, "Version");
}
static void bad_version(struct plist *p)
{
    pset(p, "Version", "2014-05-26");
}
static void bad_format(struct plist *p)
{
    pset(p, "Format", "YAML");
}
static void omit_action(struct plist *p)
{
    pdel(p, "Action");
}
static void bad_region(struct plist *p)
{
    pset(p, "RegionId", "mars-north-1");
}
static void bad_method(struct plist *p)
{
    pset(p, "SignatureMethod", "HMAC-SHA256");
}
static void omit_sigmethod(struct plist *p)
{
    pdel(p, "SignatureMethod");
}
static void bad_sigversion(struct plist *p)
{
    pset(p, "SignatureVersion", "2.0");
}
static void wrong_secret(struct plist *p)
{
    struct kc_param v[MAXP];
    char sig[29];
    pdel(p, "Signature");
    size_t n = view(p, v);
    assert_int_equal(kc_sign_v1("not-the-secret", "GET", v, n, sig), 0);
    pset(p, "Signature", sig);
}

static void test_protocol_errors(void **state)
{
    (void)state;
    probe("testid", "testsecret", "DescribeKey", omit_ak, NULL,
          "MissingParameter", "AccessKeyId");
    probe("testid", "testsecret", "DescribeKey", unknown_ak, NULL,
          "InvalidAccessKeyId.NotFound", NULL);
    probe("testid", "testsecret", "DescribeKey", NULL, corrupt_sig,
          "IncompleteSignature", NULL);
    probe("testid", "testsecret", "DescribeKey", NULL, omit_sig,
          "IncompleteSignature", NULL);
    probe("testid", "testsecret", "DescribeKey", NULL, wrong_secret,
          "IncompleteSignature", NULL);
    probe("testid", "testsecret", "DescribeKey", omit_ts, NULL,
          "IllegalTimestamp", NULL);
    probe("testid", "testsecret", "DescribeKey", old_ts, NULL,
          "IllegalTimestamp", NULL);
    probe("testid", "testsecret", "DescribeKey", future_ts, NULL,
          "IllegalTimestamp", NULL);
    probe("testid", "testsecret", "DescribeKey", bad_ts, NULL,
          "IllegalTimestamp", NULL);
    probe("testid", "testsecret", "DescribeKey", omit_nonce, NULL,
          "MissingParameter", "SignatureNonce");
    probe("testid", "testsecret", "DescribeKey", omit_version, NULL,
          "MissingParameter", "Version");
    probe("testid", "testsecret", "DescribeKey", bad_version, NULL,
          "InvalidParameter", "Version");
    probe("testid", "testsecret", "DescribeKey", omit_action, NULL,
          "MissingParameter", "Action");
    probe("testid", "testsecret", "NoSuchAction", NULL, NULL,
          "InvalidApi.NotFound", NULL);
    probe("testid", "testsecret", "DescribeKey", bad_region, NULL,
          "InvalidParameter", "RegionId");
    probe("testid", "testsecret", "DescribeKey", bad_method, NULL,
          "InvalidParameter", "SignatureMethod");
    probe("testid", "testsecret", "DescribeKey", omit_sigmethod, NULL,
          "MissingParameter", "SignatureMethod");
    probe("testid", "testsecret", "DescribeKey", bad_sigversion, NULL,
          "InvalidParameter", "SignatureVersion");
}

/* tea's V1 (doRPCRequest): common parameters and Signature in the query,
 * the action's parameters in a form body, signed together. */
static void test_query_plus_form_body(void **state)
{
    struct plist p, q, b;
    struct resp r;
    struct curl_slist *h = curl_slist_append(
        NULL, "Content-Type: application/x-www-form-urlencoded");
    (void)state;
    common(&p, "testid", "DescribeKey", false);
    pset(&p, "KeyId", "alias/no such+key");
    sign_v1(&p, "testsecret", "POST");
    q.n = b.n = 0;
    for (size_t i = 0; i < p.n; i++)
        pset(strcmp(p.name[i], "KeyId") ? &q : &b, p.name[i], p.value[i]);
    char *qs = encode(&q);
    char *bs = encode(&b);
    http(NULL, "POST", qs, bs, h, &r);
    expect_error(&r, false, "Forbidden.AliasNotFound", NULL);
    resp_dispose(&r);
    /* the body is signed: changing it breaks the signature */
    free(bs);
    bs = strdup("KeyId=alias%2Fother");
    http(NULL, "POST", qs, bs, h, &r);
    expect_error(&r, false, "IncompleteSignature", NULL);
    resp_dispose(&r);
    free(qs);
    free(bs);
    curl_slist_free_all(h);
}

static void test_bad_format_answers_json(void **state)
{
    struct plist p;
    struct resp r;
    (void)state;
    common(&p, "testid", "DescribeKey", false);
    bad_format(&p);
    sign_v1(&p, "testsecret", "GET");
    send_v1(NULL, "GET", &p, &r);
    expect_error(&r, false, "InvalidParameter", "Format");
    resp_dispose(&r);
}

static void test_lower_case_format(void **state)
{
    struct plist p;
    struct resp r;
    (void)state;
    common(&p, "testid", "NoSuchAction", false);
    pset(&p, "Format", "xml");
    sign_v1(&p, "testsecret", "GET");
    send_v1(NULL, "GET", &p, &r);
    expect_error(&r, true, "InvalidApi.NotFound", NULL);
    resp_dispose(&r);
}

static void test_account_conditions(void **state)
{
    static const struct {
        const char *suffix;
        const char *code;
    } cases[] = {
        {"-disabled", "Forbidden.AccessKey"},
        {"-noperm", "Forbidden.NoPermission"},
        {"-ubsms-userid", "Forbidden.UbsmsInvalidUserid"},
        {"-ubsms-bid", "Forbidden.UbsmsInvalidBid"},
        {"-notenabled", "Forbidden.KmsServiceNotEnabled"},
        {"-risk", "Forbidden.ProhibitedByRiskControl"},
        {"-indebt", "Forbidden.InDebt"},
        {"-overdue", "Forbidden.InDebtOverdue"},
        {"-fault500", "InternalFailure"},
        {"-fault503", "ServiceUnavailableTemporary"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char ak[64], secret[64];
        snprintf(ak, sizeof(ak), "testid%s", cases[i].suffix);
        snprintf(secret, sizeof(secret), "testsecret%s", cases[i].suffix);
        probe(ak, secret, "DescribeKey", NULL, NULL, cases[i].code, NULL);
    }
}

static void test_nonce_reuse(void **state)
{
    struct plist p;
    struct resp r;
    (void)state;
    common(&p, "testid", "NoSuchAction", false);
    sign_v1(&p, "testsecret", "GET");
    send_v1(NULL, "GET", &p, &r);
    expect_error(&r, false, "InvalidApi.NotFound", NULL);
    resp_dispose(&r);
    send_v1(NULL, "GET", &p, &r);
    expect_error(&r, false, "SignatureNonceUsed", NULL);
    resp_dispose(&r);
    /* a request that failed its signature did not use its nonce */
    common(&p, "testid", "NoSuchAction", true);
    sign_v1(&p, "testsecret", "GET");
    char good[29];
    snprintf(good, sizeof(good), "%.28s", p.value[p.n - 1]);
    corrupt_sig(&p);
    send_v1(NULL, "GET", &p, &r);
    expect_error(&r, true, "IncompleteSignature", NULL);
    resp_dispose(&r);
    pset(&p, "Signature", good);
    send_v1(NULL, "GET", &p, &r);
    expect_error(&r, true, "InvalidApi.NotFound", NULL);
    resp_dispose(&r);
}

/* prefix, then 'a' up to n bytes in all; caller frees. */
static char *padded(const char *prefix, size_t n)
{
    size_t plen = strlen(prefix);
    char *q = malloc(n + 1);
    assert_non_null(q);
    assert_true(plen <= n);
    memset(q, 'a', n);
    q[n] = '\0';
    memcpy(q, prefix, plen);
    return q;
}

static char *padded_query(size_t n)
{
    return padded("Format=XML&Pad=", n);
}

/* A query at RS_QUERY_MAX is read and checked, one byte more is refused in
 * the asked format: the connection memory has room for both. */
static void test_query_limit(void **state)
{
    struct resp r;
    char *q = padded_query(RS_QUERY_MAX);
    (void)state;
    http(NULL, "GET", q, NULL, NULL, &r);
    expect_error(&r, true, "MissingParameter", "AccessKeyId");
    resp_dispose(&r);
    free(q);
    q = padded_query(RS_QUERY_MAX + 1);
    http(NULL, "GET", q, NULL, NULL, &r);
    expect_error(&r, true, "RequestTooLarge", NULL);
    resp_dispose(&r);
    free(q);
}

/* A request line or headers past the connection memory get
 * libmicrohttpd's own 414 or 431, and the server goes on serving. */
static void test_header_limit(void **state)
{
    struct resp r;
    char *q = padded_query(64 * 1024);
    (void)state;
    http(NULL, "GET", q, NULL, NULL, &r);
    assert_int_equal(r.status, 414);
    resp_dispose(&r);
    free(q);
    q = padded("X-Pad: ", 64 * 1024);
    struct curl_slist *h = curl_slist_append(NULL, q);
    http(NULL, "GET", "Format=XML", NULL, h, &r);
    assert_int_equal(r.status, 431);
    resp_dispose(&r);
    curl_slist_free_all(h);
    free(q);
    http(NULL, "GET", "Format=XML", NULL, NULL, &r);
    expect_error(&r, true, "MissingParameter", "AccessKeyId");
    resp_dispose(&r);
}

/* Bodies do not go through the connection memory: one of 200 KiB (well
 * past it) is read whole, one past RS_BODY_MAX is refused. */
static void test_body_limit(void **state)
{
    struct resp r;
    size_t bn = 300 * 1024;
    char *body = malloc(bn + 1);
    (void)state;
    assert_non_null(body);
    memset(body, 'b', bn);
    body[bn] = '\0';
    memcpy(body, "Pad=", 4);
    struct curl_slist *h = curl_slist_append(
        NULL, "Content-Type: application/x-www-form-urlencoded");
    body[200 * 1024] = '\0';
    http(NULL, "POST", NULL, body, h, &r);
    expect_error(&r, false, "MissingParameter", "AccessKeyId");
    resp_dispose(&r);
    body[200 * 1024] = 'b';
    body[RS_BODY_MAX] = '\0';
    http(NULL, "POST", NULL, body, h, &r);
    expect_error(&r, false, "MissingParameter", "AccessKeyId");
    resp_dispose(&r);
    body[RS_BODY_MAX] = 'b';
    http(NULL, "POST", NULL, body, h, &r);
    expect_error(&r, false, "RequestTooLarge", NULL);
    resp_dispose(&r);
    curl_slist_free_all(h);
    free(body);
}

/* ---- V3 --------------------------------------------------------------- */

struct v3req {
    const char *action;
    const char *query; /* encoded */
    struct kc_param q[4];
    size_t nq;
    bool corrupt;
    bool bare;
    bool wrong_hash;
    bool omit_date;
};

static void send_v3(const struct v3req *v, const char *ak, const char *secret,
                    struct resp *r)
{
    char host[96], date[21], nonce[37], sha[65], sig[65];
    char hl[7][256];
    struct curl_slist *hdr = NULL;
    struct kc_buf names;
    kc_sha256_hex("", 0, sha);
    if (v->wrong_hash)
        sha[0] = sha[0] == '0' ? '1' : '0';
    snprintf(host, sizeof(host), "127.0.0.1:%u", rs_server_port(srv));
    now_iso(date, 0);
    kc_uuid4(nonce);
    struct kc_param h[] = {
        {"host", host},
        {"x-acs-action", v->action},
        {"x-acs-version", "2016-01-20"},
        {"x-acs-signature-nonce", nonce},
        {"x-acs-content-sha256", sha},
        {"x-acs-date", date},
    };
    size_t nh = v->omit_date ? 5 : 6;
    struct kc_v3_input in = {.method = "POST",
                             .path = "/",
                             .query = v->q,
                             .nquery = v->nq,
                             .headers = h,
                             .nheaders = nh,
                             .payload_sha256 = sha,
                             .bare_empty_values = v->bare};
    kc_buf_init(&names, 0);
    assert_int_equal(kc_sign_v3(secret, &in, &names, sig), 0);
    if (v->corrupt)
        sig[0] = sig[0] == 'a' ? 'b' : 'a';
    for (size_t i = 1; i < nh; i++) {
        snprintf(hl[i], sizeof(hl[i]), "%s: %s", h[i].name, h[i].value);
        hdr = curl_slist_append(hdr, hl[i]);
    }
    snprintf(hl[0], sizeof(hl[0]),
             "Authorization: ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,"
             "Signature=%s",
             ak, kc_buf_str(&names), sig);
    hdr = curl_slist_append(hdr, hl[0]);
    hdr = curl_slist_append(hdr, "Content-Type:");
    http(NULL, "POST", v->query, "", hdr, r);
    curl_slist_free_all(hdr);
    kc_buf_dispose(&names);
}

static void test_v3(void **state)
{
    struct resp r;
    struct v3req v = {
        .action = "DescribeKey",
        .query = "KeyId=00000000-0000-4000-8000-000000000000&"
                 "Empty=",
        .q = {{"KeyId", "00000000-0000-4000-8000-000000000000"}, {"Empty", ""}},
        .nq = 2};
    (void)state;
    send_v3(&v, "testid", "testsecret", &r);
    expect_error(&r, false, "Forbidden.KeyNotFound", NULL);
    resp_dispose(&r);
    v.bare = true; /* the other canonical form of an empty value */
    send_v3(&v, "testid", "testsecret", &r);
    expect_error(&r, false, "Forbidden.KeyNotFound", NULL);
    resp_dispose(&r);
    v.bare = false;
    v.corrupt = true;
    send_v3(&v, "testid", "testsecret", &r);
    expect_error(&r, false, "IncompleteSignature", NULL);
    resp_dispose(&r);
    v.corrupt = false;
    v.wrong_hash = true;
    send_v3(&v, "testid", "testsecret", &r);
    expect_error(&r, false, "IncompleteSignature", NULL);
    resp_dispose(&r);
    v.wrong_hash = false;
    v.omit_date = true;
    send_v3(&v, "testid", "testsecret", &r);
    expect_error(&r, false, "IllegalTimestamp", NULL);
    resp_dispose(&r);
    v.omit_date = false;
    send_v3(&v, "testid-risk", "testsecret-risk", &r);
    expect_error(&r, false, "Forbidden.ProhibitedByRiskControl", NULL);
    resp_dispose(&r);
    send_v3(&v, "testid-nobody", "x", &r);
    expect_error(&r, false, "InvalidAccessKeyId.NotFound", NULL);
    resp_dispose(&r);
    v.query = "KeyId=00000000-0000-4000-8000-000000000000&Format=XML";
    v.q[1] = (struct kc_param){"Format", "XML"};
    send_v3(&v, "testid", "testsecret", &r);
    expect_error(&r, true, "Forbidden.KeyNotFound", NULL);
    resp_dispose(&r);
}

/* ---- success path ----------------------------------------------------- */

static void call_ok(CURL *h, const char *method, const char *action,
                    const char *pname, const char *pval, bool xml,
                    struct resp *r)
{
    struct plist p;
    common(&p, "testid", action, xml);
    if (pname)
        pset(&p, pname, pval);
    sign_v1(&p, "testsecret", method);
    send_v1(h, method, &p, r);
    if (r->status != 200)
        print_error("%s: %ld %s\n", action, r->status, kc_buf_str(&r->body));
    assert_int_equal(r->status, 200);
}

static void test_success_path(void **state)
{
    struct resp r;
    char key[128], got[128];
    (void)state;
    call_ok(NULL, "POST", "CreateKey", "Description", "h1 test & <key>", false,
            &r);
    assert_string_equal(r.ctype, "application/json;charset=utf-8");
    cJSON *o = cJSON_Parse(kc_buf_str(&r.body));
    assert_non_null(o);
    check_id(&r, cJSON_GetObjectItem(o, "RequestId")->valuestring);
    cJSON *md = cJSON_GetObjectItem(o, "KeyMetadata");
    assert_non_null(md);
    snprintf(key, sizeof(key), "%s",
             cJSON_GetObjectItem(md, "KeyId")->valuestring);
    cJSON_Delete(o);
    resp_dispose(&r);
    call_ok(NULL, "GET", "DescribeKey", "KeyId", key, true, &r);
    assert_string_equal(r.ctype, "text/xml;charset=utf-8");
    const char *b = kc_buf_str(&r.body);
    assert_non_null(strstr(b, "<KMS><RequestId>"));
    xml_get(b, "RequestId", got, sizeof(got));
    check_id(&r, got);
    xml_get(b, "KeyId", got, sizeof(got));
    assert_string_equal(got, key);
    xml_get(b, "Description", got, sizeof(got));
    assert_string_equal(got, "h1 test & <key>");
    resp_dispose(&r);
}

/* ---- connections ------------------------------------------------------ */

static void test_keep_alive(void **state)
{
    CURL *h = curl_easy_init();
    long connects = 0, total = 0;
    (void)state;
    for (int i = 0; i < 100; i++) {
        struct plist p;
        struct resp r;
        common(&p, "testid", "NoSuchAction", i % 2);
        sign_v1(&p, "testsecret", i % 3 ? "GET" : "POST");
        send_v1(h, i % 3 ? "GET" : "POST", &p, &r);
        expect_error(&r, i % 2, "InvalidApi.NotFound", NULL);
        curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects);
        total += connects;
        resp_dispose(&r);
    }
    assert_int_equal(total, 1); /* one connection for all of them */
    curl_easy_cleanup(h);
}

#define THREADS    8
#define PER_THREAD 40

struct hammer {
    char ids[PER_THREAD][128];
    int ok;
};

static void *hammer_run(void *arg)
{
    struct hammer *hm = arg;
    CURL *h = curl_easy_init();
    for (int i = 0; i < PER_THREAD; i++) {
        struct plist p;
        struct resp r;
        const char *action = i % 4 ? "DescribeKey" : "CreateKey";
        common(&p, "testid", action, false);
        if (i % 4)
            pset(&p, "KeyId", "00000000-0000-4000-8000-000000000001");
        sign_v1(&p, "testsecret", "POST");
        char *enc = encode(&p);
        struct curl_slist *hd = curl_slist_append(
            NULL, "Content-Type: application/x-www-form-urlencoded");
        memset(&r, 0, sizeof(r));
        kc_buf_init(&r.body, 1u << 20);
        curl_easy_setopt(h, CURLOPT_URL, base);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, enc);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &r);
        curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
        if (curl_easy_perform(h) == CURLE_OK) {
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
            bool want =
                i % 4 ? r.status == 404 &&
                            strstr(kc_buf_str(&r.body), "Forbidden.KeyNotFound")
                      : r.status == 200;
            hm->ok += want && kc_uuid_valid(r.hdr_id);
            snprintf(hm->ids[i], sizeof(hm->ids[i]), "%s", r.hdr_id);
        }
        curl_slist_free_all(hd);
        free(enc);
        kc_buf_dispose(&r.body);
    }
    curl_easy_cleanup(h);
    return NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void test_concurrent(void **state)
{
    static struct hammer hm[THREADS];
    pthread_t t[THREADS];
    (void)state;
    memset(hm, 0, sizeof(hm));
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, hammer_run, &hm[i]), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    static char all[THREADS * PER_THREAD][128];
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(hm[i].ok, PER_THREAD);
        memcpy(all[i * PER_THREAD], hm[i].ids, sizeof(hm[i].ids));
    }
    qsort(all, THREADS * PER_THREAD, sizeof(all[0]), cmp_str);
    for (int i = 1; i < THREADS * PER_THREAD; i++)
        assert_string_not_equal(all[i - 1], all[i]);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *slow_one(void *arg)
{
    struct resp *r = arg;
    struct plist p;
    common(&p, "testid", "NoSuchAction", false);
    sign_v1(&p, "testsecret", "GET");
    char *enc = encode(&p);
    CURL *h = curl_easy_init();
    char url[1024];
    kc_buf_init(&r->body, 4096);
    snprintf(url, sizeof(url), "%s/?%s", (const char *)r->ctype, enc);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_cleanup(h);
    free(enc);
    return NULL;
}

/* --latency-ms delays each answer without holding up other connections. */
static void test_latency_is_per_connection(void **state)
{
    struct rs_config slow;
    struct rs_server *s2;
    char err[256], url[128];
    struct resp r[6];
    pthread_t t[6];
    (void)state;
    assert_int_equal(rs_config_default(&slow), 0);
    slow.latency_ms = 400;
    assert_int_equal(
        rs_server_start(&s2, &slow, "127.0.0.1:0", NULL, err, sizeof(err)), 0);
    rs_server_url(s2, url, sizeof(url));
    double t0 = now_s();
    for (int i = 0; i < 6; i++) {
        memset(&r[i], 0, sizeof(r[i]));
        snprintf(r[i].ctype, sizeof(r[i].ctype), "%s", url);
        pthread_create(&t[i], NULL, slow_one, &r[i]);
    }
    for (int i = 0; i < 6; i++)
        pthread_join(t[i], NULL);
    double took = now_s() - t0;
    for (int i = 0; i < 6; i++) {
        assert_int_equal(r[i].status, 404);
        kc_buf_dispose(&r[i].body);
    }
    assert_true(took >= 0.39);
    assert_true(took < 2.0); /* in series it would be 2.4 s */
    rs_server_stop(s2);
    rs_config_dispose(&slow);
}

static void test_deviating_server(void **state)
{
    struct rs_config d;
    struct rs_server *s2;
    char err[256], saved[128];
    struct plist p;
    struct resp r;
    (void)state;
    assert_int_equal(rs_config_default(&d), 0);
    d.deviations = RS_DEV_CODE;
    assert_int_equal(
        rs_server_start(&s2, &d, "127.0.0.1:0", NULL, err, sizeof(err)), 0);
    snprintf(saved, sizeof(saved), "%s", base);
    rs_server_url(s2, base, sizeof(base));
    common(&p, "testid-indebt", "DescribeKey", false);
    sign_v1(&p, "testsecret-indebt", "GET");
    send_v1(NULL, "GET", &p, &r);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(kc_buf_str(&r.body), "Forbidden.InDebt.Deviant"));
    resp_dispose(&r);
    snprintf(base, sizeof(base), "%s", saved);
    rs_server_stop(s2);
    rs_config_dispose(&d);
}

/* The request log: one JSON line per request, no secrets. */
static void test_request_log(void **state)
{
    struct rs_server *s2;
    struct rs_reqlog *log;
    char err[256], saved[128], line[2048];
    char path[] = "/tmp/test_rs_server_log_XXXXXX";
    struct plist p;
    struct resp r;
    (void)state;
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    log = rs_reqlog_open(path);
    assert_non_null(log);
    assert_int_equal(
        rs_server_start(&s2, &cfg, "127.0.0.1:0", log, err, sizeof(err)), 0);
    snprintf(saved, sizeof(saved), "%s", base);
    rs_server_url(s2, base, sizeof(base));
    common(&p, "testid", "Encrypt", true);
    pset(&p, "KeyId", "00000000-0000-4000-8000-000000000002");
    pset(&p, "Plaintext", "c2VjcmV0LXBsYWludGV4dA==");
    sign_v1(&p, "testsecret", "POST");
    send_v1(NULL, "POST", &p, &r);
    expect_error(&r, true, "Forbidden.KeyNotFound", NULL);
    char id[128];
    snprintf(id, sizeof(id), "%s", r.hdr_id);
    resp_dispose(&r);
    http(NULL, "PUT", NULL, NULL, NULL, &r);
    resp_dispose(&r);
    snprintf(base, sizeof(base), "%s", saved);
    rs_server_stop(s2);
    rs_reqlog_close(log);

    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof(line), f));
    cJSON *o = cJSON_Parse(line);
    assert_non_null(o);
    assert_string_equal(cJSON_GetObjectItem(o, "method")->valuestring, "POST");
    assert_string_equal(cJSON_GetObjectItem(o, "action")->valuestring,
                        "Encrypt");
    assert_string_equal(cJSON_GetObjectItem(o, "format")->valuestring, "XML");
    assert_int_equal(cJSON_GetObjectItem(o, "status")->valueint, 404);
    assert_string_equal(cJSON_GetObjectItem(o, "code")->valuestring,
                        "Forbidden.KeyNotFound");
    assert_string_equal(cJSON_GetObjectItem(o, "request_id")->valuestring, id);
    assert_non_null(cJSON_GetObjectItem(o, "time"));
    cJSON_Delete(o);
    assert_null(strstr(line, "testsecret"));
    assert_null(strstr(line, "c2VjcmV0"));
    assert_null(strstr(line, p.value[p.n - 1])); /* the signature */
    assert_non_null(fgets(line, sizeof(line), f));
    assert_non_null(strstr(line, "\"code\":\"UnsupportedHTTPMethod\""));
    assert_null(fgets(line, sizeof(line), f));
    fclose(f);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_and_port),
        cmocka_unit_test(test_start_errors),
        cmocka_unit_test(test_unsupported_method),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_repeated_across_query_and_body),
        cmocka_unit_test(test_protocol_errors),
        cmocka_unit_test(test_query_plus_form_body),
        cmocka_unit_test(test_bad_format_answers_json),
        cmocka_unit_test(test_lower_case_format),
        cmocka_unit_test(test_account_conditions),
        cmocka_unit_test(test_nonce_reuse),
        cmocka_unit_test(test_query_limit),
        cmocka_unit_test(test_header_limit),
        cmocka_unit_test(test_body_limit),
        cmocka_unit_test(test_v3),
        cmocka_unit_test(test_success_path),
        cmocka_unit_test(test_keep_alive),
        cmocka_unit_test(test_concurrent),
        cmocka_unit_test(test_latency_is_per_connection),
        cmocka_unit_test(test_deviating_server),
        cmocka_unit_test(test_request_log),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
