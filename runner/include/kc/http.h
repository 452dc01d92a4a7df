/*
 * kc_http: one HTTP exchange with a target, over libcurl.
 *
 * A kc_http is a client owned by one thread (one easy handle reused across
 * requests, so keep-alive connections are reused; no handle is shared
 * between threads). Proxies come from the environment as curl users expect
 * (http_proxy, https_proxy, no_proxy): libcurl's default, left on.
 * Every answer is bounded: body by opts.max_body, headers by
 * opts.max_headers; a larger answer aborts the transfer with KC_HTTP_TOOBIG.
 */
#ifndef KC_HTTP_H
#define KC_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "kc/codec.h"

#define KC_HTTP_MAX_BODY    (1024 * 1024)
#define KC_HTTP_MAX_HEADERS (64 * 1024)

struct kc_http_opts {
    long connect_timeout_ms; /* 0: 10 s */
    long timeout_ms;         /* whole exchange; 0: 30 s */
    bool insecure;           /* skip TLS peer and host verification */
    const char *cacert;      /* CA bundle file, NULL: system default */
    size_t max_body;         /* 0: KC_HTTP_MAX_BODY */
    size_t max_headers;      /* 0: KC_HTTP_MAX_HEADERS */
};

enum kc_http_result {
    KC_HTTP_OK = 0,
    KC_HTTP_UNREACHABLE, /* connection refused, host not found */
    KC_HTTP_TIMEOUT,
    KC_HTTP_TOOBIG, /* body or headers over the cap */
    KC_HTTP_TLS,    /* certificate or handshake failure */
    KC_HTTP_FAILED  /* anything else (see resp.error) */
};

/* A request; every pointer is borrowed for the call. */
struct kc_http_req {
    const char *method; /* "GET", "POST", ... */
    const char *url;
    const char *const *headers; /* "Name: value" lines */
    size_t nheaders;
    const char *body; /* may be NULL */
    size_t body_len;
};

/* An answer; filled by kc_http_send, released by kc_http_resp_dispose. */
struct kc_http_resp {
    enum kc_http_result result;
    long status;
    char *content_type; /* NULL when absent; the last one when repeated */
    char *request_id;   /* x-acs-request-id, NULL when absent; the last */
    unsigned content_type_count; /* how many Content-Type headers came */
    unsigned request_id_count;   /* how many x-acs-request-id headers came */
    struct kc_buf headers;       /* raw response header block */
    struct kc_buf body;
    long new_connections; /* 0 when a kept-alive connection was reused */
    char protocol[12];    /* "HTTP/1.1", "HTTP/2", ...; "" without answer */
    /* The server sent something of an answer: a byte of it, or one libcurl
     * refused as not HTTP/1.x (HTTP/0.9). False for a refused connection,
     * a timeout or a connection closed or reset before any byte. */
    bool answered;
    double time_s;
    char error[256]; /* one line when result != KC_HTTP_OK */
};

/* Process-wide libcurl setup; call once before threads start. 0 or -1.
 * Handles made after it share DNS answers and TLS sessions (a libcurl
 * share), not connections. Cleanup after every handle is freed. */
int kc_http_global_init(void);
void kc_http_global_cleanup(void);

/* A client; NULL when out of memory. opts is copied (cacert too). */
struct kc_http *kc_http_new(const struct kc_http_opts *opts);
void kc_http_free(struct kc_http *h);

/* The timeout of the next exchanges on h, in ms (a run's deadline or its
 * teardown grace cuts it short); 0 restores the one of the options. */
void kc_http_set_timeout(struct kc_http *h, long timeout_ms);

/* Sends req and fills resp (always initialised, dispose it even on error).
 * Returns resp->result. */
enum kc_http_result kc_http_send(struct kc_http *h,
                                 const struct kc_http_req *req,
                                 struct kc_http_resp *resp);
void kc_http_resp_dispose(struct kc_http_resp *resp);

/* Stable short name of a result: "ok", "unreachable", "timeout", ... */
const char *kc_http_result_name(enum kc_http_result r);

#endif
