/*
 * kc-bench-loop: the least a runner can do per request, as a yardstick for
 * kmsconf's own cost (bench/bench.sh divides both instruction counts by
 * the requests sent).
 *
 *   kc-bench-loop URL N [KEYS]
 *
 * Creates KEYS keys first (default 0), then sends N V1-signed POST requests
 * (DescribeKey of an unknown key, JSON and XML in turn: an error answer, as
 * most of the suite's probes get, and a lookup that finds nothing) on one
 * keep-alive libcurl handle, reading each answer into a bounded buffer.
 * Nothing is checked or recorded beyond the HTTP status. Exit 0 when every
 * request got an answer, 1 otherwise, 2 on a usage error.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "kc/codec.h"
#include "kc/sign.h"

#define ANSWER_MAX (1u << 20)
#define NPARAMS    10
#define KEYS_MAX   1000000ul

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    return kc_buf_append(arg, data, size * n) ? 0 : size * n;
}

/* The form body of request i (a CreateKey, or a DescribeKey of an unknown
 * key), signed; 0 or -1 (out of memory). */
static int build_body(struct kc_buf *body, size_t i, bool create)
{
    char ts[21], nonce[37], key[37], sig[29];
    kc_time_format(time(NULL), ts);
    kc_uuid4(nonce);
    kc_uuid4(key);
    struct kc_param p[NPARAMS + 1] = {
        {"Action", create ? "CreateKey" : "DescribeKey"},
        {create ? "Description" : "KeyId", create ? "kc-bench-loop" : key},
        {"Format", i % 2 ? "XML" : "JSON"},
        {"Version", "2016-01-20"},
        {"AccessKeyId", "testid"},
        {"SignatureMethod", "HMAC-SHA1"},
        {"Timestamp", ts},
        {"SignatureVersion", "1.0"},
        {"SignatureNonce", nonce},
        {"RegionId", "cn-hangzhou"},
    };
    if (kc_sign_v1("testsecret", "POST", p, NPARAMS, sig))
        return -1;
    p[NPARAMS] = (struct kc_param){"Signature", sig};
    for (size_t k = 0; k <= NPARAMS; k++) {
        if ((k && kc_buf_putc(body, '&')) ||
            kc_pct_encode(body, p[k].name, strlen(p[k].name)) ||
            kc_buf_putc(body, '=') ||
            kc_pct_encode(body, p[k].value, strlen(p[k].value)))
            return -1;
    }
    return 0;
}

/* One exchange on e: 0 when an answer came back. */
static int exchange(CURL *e, size_t i, bool create)
{
    struct kc_buf body, answer;
    long status = 0;
    int rc = -1;
    kc_buf_init(&body, 0);
    kc_buf_init(&answer, ANSWER_MAX);
    if (build_body(&body, i, create))
        goto out;
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, kc_buf_str(&body));
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &answer);
    if (curl_easy_perform(e) == CURLE_OK &&
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
        status > 0)
        rc = 0;
out:
    kc_buf_dispose(&body);
    kc_buf_dispose(&answer);
    return rc;
}

/* A decimal count in [lo, hi], or -1. */
static long count_arg(const char *s, unsigned long lo, unsigned long hi)
{
    char *end = NULL;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || *s == '-' || v < lo || v > hi)
        return -1;
    return (long)v;
}

int main(int argc, char **argv)
{
    long n = argc >= 3 ? count_arg(argv[2], 1, KEYS_MAX) : -1;
    long keys = argc == 4 ? count_arg(argv[3], 0, KEYS_MAX) : 0;
    if (argc < 3 || argc > 4 || n < 0 || keys < 0) {
        fprintf(stderr, "usage: kc-bench-loop URL N [KEYS] (1 <= N, 0 <= "
                        "KEYS, both at most 1000000)\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *e = curl_easy_init();
    struct curl_slist *h = curl_slist_append(
        NULL, "Content-Type: application/x-www-form-urlencoded");
    size_t failed = 0;
    if (!e || !h) {
        fprintf(stderr, "kc-bench-loop: out of memory\n");
        failed = 1;
        goto out;
    }
    curl_easy_setopt(e, CURLOPT_URL, argv[1]);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    for (size_t i = 0; i < (size_t)keys; i++)
        failed += exchange(e, i, true) != 0;
    for (size_t i = 0; i < (size_t)n; i++)
        failed += exchange(e, i, false) != 0;
    fprintf(stderr,
            "kc-bench-loop: %ld keys created, %ld requests, %zu without an "
            "answer\n",
            keys, n, failed);
out:
    curl_slist_free_all(h);
    curl_easy_cleanup(e);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
