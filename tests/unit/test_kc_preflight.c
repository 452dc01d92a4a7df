/* kc_preflight against an in-test libmicrohttpd server on port 0 that
 * answers each way a wrong target answers: a KMS success, a wrong secret,
 * an unknown AccessKeyId, a refused Timestamp with a Date header far off,
 * an HTML page, another API's JSON, another product's RPC endpoint; plus a
 * closed port and a server that never answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kc/preflight.h"

#define RID "6e4a06f3-a2c5-4c1e-9d0a-1f0b3a2b4c5d"

/* What the server answers; set by each test before its request. */
struct answer {
    unsigned status;
    const char *ct;
    const char *body;
    long date_offset_s; /* Date header this far from now; 0: none */
};
static struct answer g_answer;

static enum MHD_Result handler(void *cls, struct MHD_Connection *c,
                               const char *url, const char *method,
                               const char *version, const char *upload,
                               size_t *upload_size, void **state)
{
    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    (void)upload;
    if (!*state) {
        *state = c;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(g_answer.body), (void *)(uintptr_t)g_answer.body,
        MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", g_answer.ct);
    if (g_answer.date_offset_s) {
        char date[64];
        time_t t = time(NULL) + g_answer.date_offset_s;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
        MHD_add_response_header(r, "Date", date);
    }
    enum MHD_Result rc = MHD_queue_response(c, g_answer.status, r);
    MHD_destroy_response(r);
    return rc;
}

struct fixture {
    struct MHD_Daemon *d;
    struct kc_target *t;
};

static struct kc_target *target_at(const char *endpoint)
{
    static const char json[] = "{\"name\":\"t\",\"endpoint\":\"http://"
                               "127.0.0.1:1\",\"region\":\"cn-hangzhou\","
                               "\"allow_inline_secrets\":true,\"credentials\":{"
                               "\"default\":{\"access_key_id\":\"myid\","
                               "\"access_key_secret\":\"mysecret\"},"
                               "\"wrong-secret\":{\"access_key_id\":\"myid\","
                               "\"access_key_secret\":\"other\"},"
                               "\"in-debt\":{\"access_key_id\":\"debtid\","
                               "\"access_key_secret\":\"debtsecret\"}}}";
    struct kc_target *t = NULL;
    char err[KC_ERR_MAX] = "";
    int rc = kc_target_parse(&t, json, sizeof(json) - 1, "t.json", endpoint,
                             err, sizeof(err));
    if (rc)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, 0);
    return t;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char base[64];
    f->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
                                MHD_USE_THREAD_PER_CONNECTION,
                            0, NULL, NULL, handler, NULL, MHD_OPTION_END);
    if (!f->d)
        return -1;
    const union MHD_DaemonInfo *i =
        MHD_get_daemon_info(f->d, MHD_DAEMON_INFO_BIND_PORT);
    snprintf(base, sizeof(base), "http://127.0.0.1:%u", i->port);
    f->t = target_at(base);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    MHD_stop_daemon(f->d);
    kc_target_free(f->t);
    free(f);
    return 0;
}

/* Sends the preflight of credential name with the server answering a. */
static enum kc_pf_verdict ask(struct fixture *f, const char *name,
                              struct answer a, struct kc_pf_result *res)
{
    struct kc_http_opts o = {.connect_timeout_ms = 2000, .timeout_ms = 5000};
    struct kc_http *h = kc_http_new(&o);
    g_answer = a;
    enum kc_pf_verdict v = kc_preflight_credential(
        h, f->t, kc_target_credential(f->t, name), NULL, res);
    kc_http_free(h);
    return v;
}

static const char *err_body(const char *code)
{
    static char b[256];
    snprintf(b, sizeof(b),
             "{\"HttpStatus\":400,\"Code\":\"%s\",\"Message\":\"m\","
             "\"RequestId\":\"" RID "\"}",
             code);
    return b;
}

static void success_is_ok(void **state)
{
    struct kc_pf_result r;
    struct answer a = {200, "application/json",
                       "{\"RequestId\":\"" RID "\",\"TotalCount\":0}", 3};
    assert_int_equal(ask(*state, "default", a, &r), KC_PF_OK);
    assert_string_equal(r.request_id, RID);
    assert_true(r.have_offset);
    assert_true(r.clock_offset_s >= 1 && r.clock_offset_s <= 5);
    assert_false(kc_preflight_fatal("default", r.verdict));
    assert_int_equal(kc_preflight_exit(r.verdict), KC_EXIT_OK);
}

static void wrong_secret_names_the_fix(void **state)
{
    struct kc_pf_result r;
    struct answer a = {400, "application/json", err_body("IncompleteSignature"),
                       0};
    assert_int_equal(ask(*state, "default", a, &r), KC_PF_BAD_SECRET);
    assert_non_null(strstr(r.line, "check its AccessKeySecret"));
    assert_non_null(strstr(r.line, "myid"));
    assert_null(strstr(r.line, "mysecret"));
    assert_true(kc_preflight_fatal("default", r.verdict));
    /* The credential that exists to be wrong is not a reason to stop. */
    assert_false(kc_preflight_fatal("wrong-secret", r.verdict));
    assert_int_equal(kc_preflight_exit(r.verdict), KC_EXIT_USAGE);
    a.body = err_body("SignatureDoesNotMatch");
    assert_int_equal(ask(*state, "default", a, &r), KC_PF_BAD_SECRET);
}

static void unknown_id(void **state)
{
    struct kc_pf_result r;
    struct answer a = {404, "application/json",
                       err_body("InvalidAccessKeyId.NotFound"), 0};
    assert_int_equal(ask(*state, "default", a, &r), KC_PF_UNKNOWN_ID);
    assert_non_null(strstr(r.line, "does not know AccessKeyId myid"));
    assert_true(kc_preflight_fatal("in-debt", r.verdict));
}

static void clock_says_by_how_much(void **state)
{
    struct kc_pf_result r;
    struct answer a = {400, "application/json", err_body("IllegalTimestamp"),
                       -3600};
    assert_int_equal(ask(*state, "default", a, &r), KC_PF_CLOCK);
    assert_true(r.clock_offset_s <= -3598 && r.clock_offset_s >= -3602);
    assert_non_null(strstr(r.line, "differ by -3"));
    assert_non_null(strstr(r.line, "fix the clock"));
    a.date_offset_s = 0;
    a.body = err_body("InvalidTimeStamp.Expired");
    assert_int_equal(ask(*state, "default", a, &r), KC_PF_CLOCK);
    assert_non_null(strstr(r.line, "check this machine's clock"));
}

static void not_kms(void **state)
{
    struct kc_pf_result r;
    struct answer html = {200, "text/html",
                          "<!DOCTYPE html><html><body>hi</body></html>", 0};
    struct answer other = {404, "application/json",
                           "{\"error\":\"not found\",\"status\":404}", 0};
    struct answer rpc = {404, "application/json",
                         err_body("InvalidAction.NotFound"), 0};
    struct answer empty = {200, "application/json", "", 0};
    assert_int_equal(ask(*state, "default", html, &r), KC_PF_NOT_KMS);
    assert_non_null(strstr(r.line, "an HTML page"));
    assert_non_null(strstr(r.line, "does not answer as the KMS RPC API"));
    assert_int_equal(ask(*state, "default", other, &r), KC_PF_NOT_KMS);
    assert_int_equal(ask(*state, "default", rpc, &r), KC_PF_NOT_KMS);
    assert_non_null(strstr(r.line, "not a KMS endpoint"));
    assert_int_equal(ask(*state, "default", empty, &r), KC_PF_NOT_KMS);
    assert_int_equal(kc_preflight_exit(r.verdict), KC_EXIT_USAGE);
}

/* An account condition answers its documented error: only the default
 * credential must work. */
static void refused_matters_for_default_only(void **state)
{
    struct kc_pf_result r;
    struct answer a = {403, "application/json", err_body("Forbidden.InDebt"),
                       0};
    assert_int_equal(ask(*state, "in-debt", a, &r), KC_PF_REFUSED);
    assert_false(kc_preflight_fatal("in-debt", r.verdict));
    assert_true(kc_preflight_fatal("default", r.verdict));
    assert_non_null(strstr(r.line, "Forbidden.InDebt"));
}

/* Text from the server reaches the console only shaped as a code: an
 * answer that echoes a signature (V1 base64, V3 hex) in Code or Message
 * does not print it. */
static void echoed_text_is_not_printed(void **state)
{
    struct kc_pf_result r;
    static const char v1[] =
        "{\"Code\":\"kRA2cnpJVacIhDMzg/IvPCaP+Bk=\",\"Message\":"
        "\"canary-message\",\"RequestId\":\"" RID "\"}";
    static const char v3[] =
        "{\"Code\":"
        "\"4f1c9a0e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a29180706f5e4d3c2b1a09f8e\","
        "\"RequestId\":\"" RID "\"}";
    struct answer a = {403, "application/json", v1, 0};
    assert_int_equal(ask(*state, "in-debt", a, &r), KC_PF_REFUSED);
    assert_null(strstr(r.line, "kRA2cnpJ"));
    assert_null(strstr(r.line, "canary-message"));
    a.body = v3;
    assert_int_equal(ask(*state, "in-debt", a, &r), KC_PF_REFUSED);
    assert_null(strstr(r.line, "4f1c9a0e"));
    assert_true(kc_preflight_name_shaped("Forbidden.KeyNotFound"));
    assert_true(kc_preflight_name_shaped("HttpStatus"));
    assert_false(kc_preflight_name_shaped("4f1c9a0e"));
    assert_false(kc_preflight_name_shaped("kRA2cnpJVacI="));
    assert_false(kc_preflight_name_shaped("A+b/c="));
    assert_false(kc_preflight_name_shaped(""));
}

static void closed_port_and_silence(void **state)
{
    (void)state;
    struct kc_pf_result r;
    struct kc_http_opts o = {.connect_timeout_ms = 2000, .timeout_ms = 500};
    struct kc_http *h = kc_http_new(&o);
    /* A port that was just closed. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sa);
    char url[64];
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", ntohs(sa.sin_port));
    struct kc_target *t = target_at(url);
    close(s);
    assert_int_equal(kc_preflight_credential(
                         h, t, kc_target_credential(t, "default"), NULL, &r),
                     KC_PF_UNREACHABLE);
    assert_non_null(strstr(r.line, "check the endpoint URL"));
    assert_int_equal(kc_preflight_exit(r.verdict), KC_EXIT_UNREACHABLE);
    kc_target_free(t);
    /* A server that accepts and never answers: bounded by the timeout. */
    s = socket(AF_INET, SOCK_STREAM, 0);
    sa.sin_port = 0;
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(s, 4), 0);
    len = sizeof(sa);
    assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &len), 0);
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", ntohs(sa.sin_port));
    t = target_at(url);
    assert_int_equal(kc_preflight_credential(
                         h, t, kc_target_credential(t, "default"), NULL, &r),
                     KC_PF_UNREACHABLE);
    kc_target_free(t);
    close(s);
    kc_http_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(success_is_ok),
        cmocka_unit_test(wrong_secret_names_the_fix),
        cmocka_unit_test(unknown_id),
        cmocka_unit_test(clock_says_by_how_much),
        cmocka_unit_test(not_kms),
        cmocka_unit_test(refused_matters_for_default_only),
        cmocka_unit_test(echoed_text_is_not_printed),
        cmocka_unit_test(closed_port_and_silence),
    };
    assert_int_equal(kc_http_global_init(), 0);
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    kc_http_global_cleanup();
    return rc;
}
