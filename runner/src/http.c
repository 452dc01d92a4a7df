/* kc_http: bounded HTTP exchanges over libcurl, one easy handle per client. */
#include "kc/http.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

struct kc_http {
    CURL *easy;
    struct kc_http_opts opts;
    long timeout_ms; /* of the next exchanges (kc_http_set_timeout) */
    char *cacert;
};

/* Per-transfer state handed to the callbacks. */
struct xfer {
    struct kc_http_resp *resp;
    size_t max_body;
    size_t max_headers;
    bool toobig;
};

/* DNS answers and TLS sessions shared by every handle of the process, so
 * that a worker's first connection to a far endpoint resumes the TLS
 * session the preflight (or another worker) made instead of a full
 * handshake, and resolves no name twice. Connections stay per handle:
 * one keep-alive connection per worker. */
static CURLSH *g_share;
static pthread_mutex_t g_share_lock[CURL_LOCK_DATA_LAST];

static void share_lock(CURL *e, curl_lock_data d, curl_lock_access a, void *ud)
{
    (void)e;
    (void)a;
    (void)ud;
    pthread_mutex_lock(&g_share_lock[d]);
}

static void share_unlock(CURL *e, curl_lock_data d, void *ud)
{
    (void)e;
    (void)ud;
    pthread_mutex_unlock(&g_share_lock[d]);
}

static CURLSH *share_new(void)
{
    CURLSH *sh = curl_share_init();
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&g_share_lock[i], NULL);
    if (sh &&
        (curl_share_setopt(sh, CURLSHOPT_LOCKFUNC, share_lock) ||
         curl_share_setopt(sh, CURLSHOPT_UNLOCKFUNC, share_unlock) ||
         curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) ||
         curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION))) {
        curl_share_cleanup(sh);
        sh = NULL;
    }
    return sh;
}

int kc_http_global_init(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return -1;
    g_share = share_new(); /* without it, each handle keeps its own */
    return 0;
}

void kc_http_global_cleanup(void)
{
    if (g_share) {
        curl_share_cleanup(g_share);
        g_share = NULL;
        for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
            pthread_mutex_destroy(&g_share_lock[i]);
    }
    curl_global_cleanup();
}

struct kc_http *kc_http_new(const struct kc_http_opts *opts)
{
    struct kc_http *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->opts = *opts;
    if (!h->opts.connect_timeout_ms)
        h->opts.connect_timeout_ms = 10000;
    if (!h->opts.timeout_ms)
        h->opts.timeout_ms = 30000;
    h->timeout_ms = h->opts.timeout_ms;
    if (!h->opts.max_body)
        h->opts.max_body = KC_HTTP_MAX_BODY;
    if (!h->opts.max_headers)
        h->opts.max_headers = KC_HTTP_MAX_HEADERS;
    h->cacert = opts->cacert ? strdup(opts->cacert) : NULL;
    h->opts.cacert = h->cacert;
    h->easy = curl_easy_init();
    if (!h->easy || (opts->cacert && !h->cacert)) {
        kc_http_free(h);
        return NULL;
    }
    if (g_share)
        curl_easy_setopt(h->easy, CURLOPT_SHARE, g_share);
    return h;
}

void kc_http_set_timeout(struct kc_http *h, long timeout_ms)
{
    h->timeout_ms = timeout_ms > 0 ? timeout_ms : h->opts.timeout_ms;
}

void kc_http_free(struct kc_http *h)
{
    if (!h)
        return;
    if (h->easy)
        curl_easy_cleanup(h->easy);
    free(h->cacert);
    free(h);
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;
    if (x->resp->body.len + n > x->max_body ||
        kc_buf_append(&x->resp->body, ptr, n)) {
        x->toobig = true;
        return 0; /* aborts the transfer */
    }
    return n;
}

/* Copies a header's value (trimmed) when line is "name: value". */
static char *header_value(const char *line, size_t n, const char *name)
{
    size_t nl = strlen(name);
    if (n <= nl || line[nl] != ':' || strncasecmp(line, name, nl))
        return NULL;
    const char *v = line + nl + 1;
    const char *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && isspace((unsigned char)end[-1]))
        end--;
    char *out = malloc((size_t)(end - v) + 1);
    if (!out)
        return NULL;
    memcpy(out, v, (size_t)(end - v));
    out[end - v] = '\0';
    return out;
}

/* Keeps the last value of header name and counts its occurrences (a
 * header sent twice is for the checks to judge). */
static void take_header(char **slot, unsigned *count, const char *line,
                        size_t n, const char *name)
{
    char *v = header_value(line, n, name);
    if (!v)
        return;
    free(*slot);
    *slot = v;
    (*count)++;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;
    if (n >= 5 && !strncmp(ptr, "HTTP/", 5)) {
        /* a new response (after 100 Continue or a redirect): start over */
        x->resp->headers.len = 0;
        free(x->resp->content_type);
        free(x->resp->request_id);
        x->resp->content_type = NULL;
        x->resp->request_id = NULL;
        x->resp->content_type_count = 0;
        x->resp->request_id_count = 0;
    }
    if (x->resp->headers.len + n > x->max_headers ||
        kc_buf_append(&x->resp->headers, ptr, n)) {
        x->toobig = true;
        return 0;
    }
    take_header(&x->resp->content_type, &x->resp->content_type_count, ptr, n,
                "content-type");
    take_header(&x->resp->request_id, &x->resp->request_id_count, ptr, n,
                "x-acs-request-id");
    return n;
}

static enum kc_http_result classify(CURLcode rc, bool toobig)
{
    if (toobig)
        return KC_HTTP_TOOBIG;
    switch (rc) {
    case CURLE_OK:
        return KC_HTTP_OK;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return KC_HTTP_UNREACHABLE;
    case CURLE_OPERATION_TIMEDOUT:
        return KC_HTTP_TIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
        return KC_HTTP_TLS;
    default:
        return KC_HTTP_FAILED;
    }
}

/* Whether the server sent something of an answer (kc_http_resp.answered):
 * bytes of it, or an answer libcurl refused before handing any over. */
static bool got_answer(CURL *e, CURLcode rc, const struct kc_http_resp *resp,
                       bool toobig)
{
    char *ip = NULL;
    if (toobig || resp->headers.len || resp->body.len ||
        rc == CURLE_WEIRD_SERVER_REPLY)
        return true;
    /* HTTP/0.9: refused as a protocol after the connection was made */
    return rc == CURLE_UNSUPPORTED_PROTOCOL &&
           curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip &&
           ip[0];
}

/* The HTTP version the answer came in (doctor shows it). */
static void protocol_of(CURL *e, struct kc_http_resp *resp)
{
    long v = 0;
    const char *name = "";
    curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &v);
    if (v == CURL_HTTP_VERSION_1_0)
        name = "HTTP/1.0";
    else if (v == CURL_HTTP_VERSION_1_1)
        name = "HTTP/1.1";
    else if (v == CURL_HTTP_VERSION_2_0)
        name = "HTTP/2";
    else if (v == CURL_HTTP_VERSION_3)
        name = "HTTP/3";
    snprintf(resp->protocol, sizeof(resp->protocol), "%s", name);
}

static int set_options(struct kc_http *h, const struct kc_http_req *req,
                       struct curl_slist *hdrs, struct xfer *x)
{
    CURL *e = h->easy;
    int bad = 0;
    bad |= curl_easy_setopt(e, CURLOPT_URL, req->url) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                            h->opts.connect_timeout_ms < h->timeout_ms
                                ? h->opts.connect_timeout_ms
                                : h->timeout_ms) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->timeout_ms) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
    /* HTTP/2 where a TLS endpoint offers it (ALPN), HTTP/1.1 otherwise */
    bad |= curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
                            (long)CURL_HTTP_VERSION_2TLS) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER,
                            h->opts.insecure ? 0L : 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST,
                            h->opts.insecure ? 0L : 2L) != CURLE_OK;
    if (h->opts.cacert)
        bad |= curl_easy_setopt(e, CURLOPT_CAINFO, h->opts.cacert) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_WRITEDATA, x) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_HEADERDATA, x) != CURLE_OK;
    if (!strcmp(req->method, "GET") || !strcmp(req->method, "HEAD")) {
        bad |= curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) != CURLE_OK;
    } else {
        bad |= curl_easy_setopt(e, CURLOPT_POST, 1L) != CURLE_OK;
        bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDS,
                                req->body ? req->body : "") != CURLE_OK;
        bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                                (curl_off_t)(req->body ? req->body_len : 0)) !=
               CURLE_OK;
    }
    /* HEAD answers carry no body: do not wait for one (after HTTPGET,
       which resets it) */
    bad |= curl_easy_setopt(e, CURLOPT_NOBODY,
                            strcmp(req->method, "HEAD") ? 0L : 1L) != CURLE_OK;
    /* POST is implied above; any other verb is sent as written. */
    bad |= curl_easy_setopt(
               e, CURLOPT_CUSTOMREQUEST,
               (!strcmp(req->method, "GET") || !strcmp(req->method, "POST"))
                   ? NULL
                   : req->method) != CURLE_OK;
    return bad ? -1 : 0;
}

static struct curl_slist *build_headers(const struct kc_http_req *req)
{
    /* no "Expect: 100-continue" round trip */
    struct curl_slist *l = curl_slist_append(NULL, "Expect:");
    for (size_t i = 0; l && i < req->nheaders; i++) {
        struct curl_slist *n = curl_slist_append(l, req->headers[i]);
        if (!n) {
            curl_slist_free_all(l);
            return NULL;
        }
        l = n;
    }
    return l;
}

static void resp_init(struct kc_http_resp *resp, const struct kc_http *h)
{
    memset(resp, 0, sizeof(*resp));
    kc_buf_init(&resp->headers, h->opts.max_headers + 1);
    kc_buf_init(&resp->body, h->opts.max_body + 1);
}

enum kc_http_result kc_http_send(struct kc_http *h,
                                 const struct kc_http_req *req,
                                 struct kc_http_resp *resp)
{
    resp_init(resp, h);
    struct xfer x = {resp, h->opts.max_body, h->opts.max_headers, false};
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdrs = build_headers(req);
    if (!hdrs || set_options(h, req, hdrs, &x) ||
        curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK) {
        resp->result = KC_HTTP_FAILED;
        snprintf(resp->error, sizeof(resp->error),
                 "cannot set up the request to %s", req->url);
        goto out;
    }
    CURLcode rc = curl_easy_perform(h->easy);
    /* libcurl refuses a header line over CURL_MAX_HTTP_HEADER with "Out of
       memory"; after the status line that is an answer over a cap */
    bool long_line = rc == CURLE_OUT_OF_MEMORY && resp->headers.len > 0;
    resp->result = classify(rc, x.toobig || long_line);
    resp->answered = got_answer(h->easy, rc, resp, x.toobig || long_line);
    curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &resp->status);
    curl_easy_getinfo(h->easy, CURLINFO_NUM_CONNECTS, &resp->new_connections);
    curl_easy_getinfo(h->easy, CURLINFO_TOTAL_TIME, &resp->time_s);
    protocol_of(h->easy, resp);
    if (long_line)
        snprintf(resp->error, sizeof(resp->error),
                 "answer larger than the cap (a header line over libcurl's "
                 "%d bytes)",
                 CURL_MAX_HTTP_HEADER);
    else if (resp->result == KC_HTTP_TOOBIG)
        snprintf(resp->error, sizeof(resp->error),
                 "answer larger than the cap (%zu bytes of body, %zu of "
                 "headers)",
                 h->opts.max_body, h->opts.max_headers);
    else if (resp->result != KC_HTTP_OK)
        snprintf(resp->error, sizeof(resp->error), "%s: %.200s",
                 kc_http_result_name(resp->result),
                 errbuf[0] ? errbuf : curl_easy_strerror(rc));
out:
    curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(h->easy, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdrs);
    return resp->result;
}

void kc_http_resp_dispose(struct kc_http_resp *resp)
{
    free(resp->content_type);
    free(resp->request_id);
    kc_buf_dispose(&resp->headers);
    kc_buf_dispose(&resp->body);
    memset(resp, 0, sizeof(*resp));
}

const char *kc_http_result_name(enum kc_http_result r)
{
    switch (r) {
    case KC_HTTP_OK:
        return "ok";
    case KC_HTTP_UNREACHABLE:
        return "unreachable";
    case KC_HTTP_TIMEOUT:
        return "timeout";
    case KC_HTTP_TOOBIG:
        return "too-big";
    case KC_HTTP_TLS:
        return "tls";
    case KC_HTTP_FAILED:
        break;
    }
    return "failed";
}
