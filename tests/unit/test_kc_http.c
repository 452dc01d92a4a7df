/* kc_http against a tiny in-test libmicrohttpd server on port 0: answers
 * and headers captured, the body cap enforced, keep-alive reuse observed,
 * timeouts bounded, a closed port reported as unreachable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kc/http.h"

#define BIG_SIZE (2 * 1024 * 1024)

struct fixture {
    struct MHD_Daemon *d;
    char base[64];
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
                             const char *body, size_t len, const char *ct)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", ct);
    MHD_add_response_header(r, "x-acs-request-id",
                            "6e4a06f3-a2c5-4c1e-9d0a-1f0b3a2b4c5d");
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c,
                               const char *url, const char *method,
                               const char *version, const char *upload,
                               size_t *upload_size, void **state)
{
    (void)cls;
    (void)method;
    (void)version;
    (void)upload;
    if (!*state) { /* first call: headers only */
        *state = c;
        return MHD_YES;
    }
    if (*upload_size) { /* body data: consume, answer on the last call */
        *upload_size = 0;
        return MHD_YES;
    }
    if (!strcmp(url, "/big")) {
        char *big = malloc(BIG_SIZE);
        memset(big, 'x', BIG_SIZE);
        enum MHD_Result rc = reply(c, 200, big, BIG_SIZE, "text/plain");
        free(big);
        return rc;
    }
    if (!strcmp(url, "/slow")) {
        struct timespec ts = {1, 0};
        nanosleep(&ts, NULL);
    }
    const char *body =
        "{\"RequestId\":\"6e4a06f3-a2c5-4c1e-9d0a-1f0b3a2b4c5d\"}";
    return reply(c, 404, body, strlen(body), "application/json");
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
                                MHD_USE_THREAD_PER_CONNECTION,
                            0, NULL, NULL, handler, NULL, MHD_OPTION_END);
    if (!f->d)
        return -1;
    const union MHD_DaemonInfo *i =
        MHD_get_daemon_info(f->d, MHD_DAEMON_INFO_BIND_PORT);
    snprintf(f->base, sizeof(f->base), "http://127.0.0.1:%u",
             (unsigned)i->port);
    *state = f;
    return kc_http_global_init();
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    MHD_stop_daemon(f->d);
    free(f);
    kc_http_global_cleanup();
    return 0;
}

static enum kc_http_result get(struct kc_http *h, const char *base,
                               const char *path, struct kc_http_resp *resp)
{
    char url[128];
    snprintf(url, sizeof(url), "%s%s", base, path);
    const char *hdr[] = {"X-Test: 1"};
    struct kc_http_req req = {"POST", url, hdr, 1, "a=b", 3};
    return kc_http_send(h, &req, resp);
}

static void test_answer_captured(void **state)
{
    struct fixture *f = *state;
    struct kc_http_opts o = {0};
    struct kc_http *h = kc_http_new(&o);
    struct kc_http_resp resp;
    assert_int_equal(get(h, f->base, "/ok", &resp), KC_HTTP_OK);
    assert_int_equal(resp.status, 404);
    assert_string_equal(resp.content_type, "application/json");
    assert_string_equal(resp.request_id,
                        "6e4a06f3-a2c5-4c1e-9d0a-1f0b3a2b4c5d");
    assert_non_null(strstr(kc_buf_str(&resp.body), "RequestId"));
    kc_http_resp_dispose(&resp);
    kc_http_free(h);
}

static void test_connection_reused(void **state)
{
    struct fixture *f = *state;
    struct kc_http_opts o = {0};
    struct kc_http *h = kc_http_new(&o);
    struct kc_http_resp resp;
    assert_int_equal(get(h, f->base, "/ok", &resp), KC_HTTP_OK);
    assert_int_equal(resp.new_connections, 1);
    kc_http_resp_dispose(&resp);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(get(h, f->base, "/ok", &resp), KC_HTTP_OK);
        assert_int_equal(resp.new_connections, 0); /* kept alive */
        kc_http_resp_dispose(&resp);
    }
    kc_http_free(h);
}

static void test_body_cap(void **state)
{
    struct fixture *f = *state;
    struct kc_http_opts o = {.max_body = 1024 * 1024};
    struct kc_http *h = kc_http_new(&o);
    struct kc_http_resp resp;
    assert_int_equal(get(h, f->base, "/big", &resp), KC_HTTP_TOOBIG);
    assert_true(resp.body.len <= 1024 * 1024);
    assert_non_null(strstr(resp.error, "cap"));
    kc_http_resp_dispose(&resp);
    kc_http_free(h);
}

static void test_header_cap(void **state)
{
    struct fixture *f = *state;
    struct kc_http_opts o = {.max_headers = 16};
    struct kc_http *h = kc_http_new(&o);
    struct kc_http_resp resp;
    assert_int_equal(get(h, f->base, "/ok", &resp), KC_HTTP_TOOBIG);
    kc_http_resp_dispose(&resp);
    kc_http_free(h);
}

static void test_timeout_bounded(void **state)
{
    struct fixture *f = *state;
    struct kc_http_opts o = {.timeout_ms = 200};
    struct kc_http *h = kc_http_new(&o);
    struct kc_http_resp resp;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(get(h, f->base, "/slow", &resp), KC_HTTP_TIMEOUT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) +
               (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(s < 0.9);
    assert_string_equal(kc_http_result_name(resp.result), "timeout");
    kc_http_resp_dispose(&resp);
    kc_http_free(h);
}

static void test_head_no_body(void **state)
{
    struct fixture *f = *state;
    struct kc_http_opts o = {.timeout_ms = 2000};
    struct kc_http *h = kc_http_new(&o);
    struct kc_http_resp resp;
    char url[128];
    snprintf(url, sizeof(url), "%s/ok", f->base);
    struct kc_http_req head = {"HEAD", url, NULL, 0, NULL, 0};
    assert_int_equal(kc_http_send(h, &head, &resp), KC_HTTP_OK);
    assert_int_equal(resp.status, 404);
    assert_int_equal(resp.body.len, 0);
    kc_http_resp_dispose(&resp);
    /* the handle is reused for an ordinary request afterwards */
    assert_int_equal(get(h, f->base, "/ok", &resp), KC_HTTP_OK);
    assert_true(resp.body.len > 0);
    kc_http_resp_dispose(&resp);
    kc_http_free(h);
}

static void test_tls_failure(void **state)
{
    struct fixture *f = *state;
    struct kc_http_opts o = {.timeout_ms = 2000};
    struct kc_http *h = kc_http_new(&o);
    struct kc_http_resp resp;
    char url[128];
    /* TLS to a plain-HTTP port: the handshake fails, verification is on */
    snprintf(url, sizeof(url), "https%s/ok", f->base + 4);
    struct kc_http_req req = {"GET", url, NULL, 0, NULL, 0};
    assert_int_equal(kc_http_send(h, &req, &resp), KC_HTTP_TLS);
    assert_string_equal(kc_http_result_name(resp.result), "tls");
    kc_http_resp_dispose(&resp);
    kc_http_free(h);
}

static void test_unreachable(void **state)
{
    (void)state;
    /* a port that nothing listens on: bind one with MHD, then stop it */
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
                         handler, NULL, MHD_OPTION_END);
    assert_non_null(d);
    unsigned port =
        (unsigned)MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    MHD_stop_daemon(d);
    char base[64];
    snprintf(base, sizeof(base), "http://127.0.0.1:%u", port);
    struct kc_http_opts o = {0};
    struct kc_http *h = kc_http_new(&o);
    struct kc_http_resp resp;
    assert_int_equal(get(h, base, "/", &resp), KC_HTTP_UNREACHABLE);
    assert_true(resp.error[0] != '\0');
    kc_http_resp_dispose(&resp);
    kc_http_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answer_captured),
        cmocka_unit_test(test_connection_reused),
        cmocka_unit_test(test_body_cap),
        cmocka_unit_test(test_header_cap),
        cmocka_unit_test(test_timeout_bounded),
        cmocka_unit_test(test_head_no_body),
        cmocka_unit_test(test_tls_failure),
        cmocka_unit_test(test_unreachable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
