/* kc_http + kc_check on exact bytes from the wire: a tiny in-test server
 * writes a canned answer. Headers the checks read are counted when sent
 * twice (a failure), and the legitimate variations of HTTP/1.1 pass:
 * chunked and close-delimited bodies, Connection: close, extra unrelated
 * headers, header names in any case, no x-acs-request-id header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kc/catalog.h"
#include "kc/check.h"
#include "kc/http.h"
#include "kc/target.h"

#define RID "3b237773-bc2c-4bea-95fc-319a1a5baa68"
#define BODY                                                                   \
    "{\"HttpStatus\":404,\"Code\":\"Forbidden.KeyNotFound\",\"Message\":"      \
    "\"The specified Key is not found.\",\"RequestId\":\"" RID "\"}"
#define BODY_LEN "144"

static const char catalog_json[] =
    "{\"api_version\":\"2016-01-20\",\"errors\":["
    "{\"code\":\"Forbidden.KeyNotFound\",\"http_status\":404,"
    "\"message\":[\"The specified Key is not found.\"]}]}";

static const char envelopes_json[] =
    "{\"kms\":{\"description\":\"d\",\"fields\":{"
    "\"HttpStatus\":{\"type\":\"number\",\"required\":true},"
    "\"Code\":{\"type\":\"string\",\"required\":true},"
    "\"Message\":{\"type\":\"string\",\"required\":true},"
    "\"RequestId\":{\"type\":\"string\",\"required\":true}},"
    "\"other_fields\":false,\"xml_roots\":[\"KMS\"]}}";

struct server {
    int fd;
    unsigned port;
    pthread_t thread;
    const char *answer; /* written to every connection, then closed */
};

/* Reads the request's head and its Content-Length body (the client's). */
static void read_request(int c)
{
    char buf[8192];
    size_t n = 0;
    long want = -1;
    while (n < sizeof(buf) - 1) {
        ssize_t r = read(c, buf + n, sizeof(buf) - 1 - n);
        if (r <= 0)
            return;
        n += (size_t)r;
        buf[n] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end && want < 0) {
            char *cl = strstr(buf, "Content-Length: ");
            want = (long)(end + 4 - buf) + (cl ? atol(cl + 16) : 0);
        }
        if (want >= 0 && (long)n >= want)
            return;
    }
}

static void *serve(void *arg)
{
    struct server *s = arg;
    for (;;) {
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            return NULL;
        read_request(c);
        size_t len = strlen(s->answer), off = 0;
        while (off < len) {
            ssize_t w = write(c, s->answer + off, len - off);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        close(c);
    }
}

struct fx {
    struct server srv;
    struct kc_catalog *cat;
    struct kc_envelope *env;
};

static int setup(void **state)
{
    static struct fx f;
    struct sockaddr_in a = {0};
    socklen_t alen = sizeof(a);
    char err[256];
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    f.srv.fd = socket(AF_INET, SOCK_STREAM, 0);
    if (f.srv.fd < 0 || bind(f.srv.fd, (struct sockaddr *)&a, sizeof(a)) ||
        listen(f.srv.fd, 8) ||
        getsockname(f.srv.fd, (struct sockaddr *)&a, &alen))
        return -1;
    f.srv.port = ntohs(a.sin_port);
    if (kc_catalog_parse(&f.cat, catalog_json, sizeof(catalog_json) - 1,
                         "catalog", err, sizeof(err)) ||
        kc_envelope_parse(&f.env, envelopes_json, sizeof(envelopes_json) - 1,
                          "envelopes", "kms", err, sizeof(err)) ||
        kc_http_global_init() ||
        pthread_create(&f.srv.thread, NULL, serve, &f.srv))
        return -1;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    shutdown(f->srv.fd, SHUT_RDWR);
    close(f->srv.fd);
    pthread_join(f->srv.thread, NULL);
    kc_catalog_free(f->cat);
    kc_envelope_free(f->env);
    kc_http_global_cleanup();
    return 0;
}

struct row {
    const char *what;
    const char *answer;
    unsigned ct_count, rid_count;
    int want; /* the only check that fails; -1 none */
};

static const struct row rows[] = {
    {"Content-Length",
     "HTTP/1.1 404 Not Found\r\nContent-Type: "
     "application/json;charset=utf-8\r\nx-acs-request-id: "
     "" RID "\r\nContent-Length: " BODY_LEN "\r\n\r\n" BODY,
     1, 1, -1},
    {"chunked",
     "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
     "Transfer-Encoding: chunked\r\nx-acs-request-id: " RID "\r\n\r\n"
     "10\r\n{\"HttpStatus\":40\r\n80\r\n4,\"Code\":\"Forbidden.KeyNotFound\","
     "\"Message\":\"The specified Key is not found.\",\"RequestId\":\"" RID
     "\"}\r\n0\r\n\r\n",
     1, 1, -1},
    {"close-delimited, Connection: close",
     "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Type: "
     "application/json\r\n\r\n" BODY,
     1, 0, -1},
    {"HTTP/1.0 close-delimited",
     "HTTP/1.0 404 Not Found\r\nContent-Type: application/json\r\n\r\n" BODY, 1,
     0, -1},
    {"extra headers, names in any case",
     "HTTP/1.1 404 Not Found\r\nServer: kms\r\nDate: Mon, 01 Jan 2024 "
     "00:00:00 GMT\r\nCONTENT-TYPE: application/json\r\nX-Content-Type-"
     "Options: nosniff\r\nContent-Type-Options: x\r\nX-Acs-Request-Id: " RID
     "\r\nx-acs-request-id-2: other\r\nSet-Cookie: a=b\r\nContent-Length: "
     "" BODY_LEN "\r\n\r\n" BODY,
     1, 1, -1},
    {"Content-Type twice",
     "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Type: "
     "application/json\r\nContent-Length: " BODY_LEN "\r\n\r\n" BODY,
     2, 0, KC_CHECK_CONTENT_TYPE},
    {"x-acs-request-id twice",
     "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
     "x-acs-request-id: 00000000-0000-4000-8000-000000000000\r\n"
     "X-ACS-REQUEST-ID: " RID "\r\nContent-Length: " BODY_LEN "\r\n\r\n" BODY,
     1, 2, KC_CHECK_REQUEST_ID_HEADER},
};

static void check_row(struct fx *f, const struct row *r)
{
    char url[64];
    struct kc_http_opts o = {0};
    struct kc_http *h = kc_http_new(&o);
    struct kc_http_req req = {"POST", url, NULL, 0, "a=b", 3};
    struct kc_http_resp resp;
    struct kc_check_result res;
    struct kc_expected_error ex = {
        kc_catalog_find(f->cat, "Forbidden.KeyNotFound"), NULL, 0, f->env};
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/", f->srv.port);
    f->srv.answer = r->answer;
    if (kc_http_send(h, &req, &resp) != KC_HTTP_OK)
        fail_msg("%s: %s", r->what, resp.error);
    assert_int_equal(resp.content_type_count, r->ct_count);
    assert_int_equal(resp.request_id_count, r->rid_count);
    assert_string_equal(kc_buf_str(&resp.body), BODY);
    struct kc_answer a = {false,
                          resp.status,
                          resp.content_type,
                          resp.request_id,
                          kc_buf_str(&resp.body),
                          resp.body.len,
                          resp.content_type_count,
                          resp.request_id_count};
    kc_check_error(&ex, &a, NULL, &res);
    if (r->want < 0 && res.nfailures)
        fail_msg("%s: %s", r->what, res.failures[0].message);
    if (r->want >= 0 &&
        (res.nfailures != 1 || res.failures[0].check != (enum kc_check)r->want))
        fail_msg("%s: %zu failures, expected only %s", r->what, res.nfailures,
                 kc_check_name((enum kc_check)r->want));
    kc_check_result_dispose(&res);
    kc_http_resp_dispose(&resp);
    kc_http_free(h);
}

static void test_wire(void **state)
{
    struct fx *f = *state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        check_row(f, &rows[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
