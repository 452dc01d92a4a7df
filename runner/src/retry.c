/* kc_retry: throttling codes, retry hints, backoff delays. */
#include "kc/retry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#define SLICE_MS  50L
#define VALUE_MAX 128 /* a header value we read */

bool kc_retry_is_throttle_code(const char *code)
{
    return code && (!strcmp(code, "Throttling") ||
                    (!strncmp(code, "Throttling.", 11) && code[11]) ||
                    !strcmp(code, "Rejected.Throttling"));
}

/* The text of the first <Code> element (no attributes) of an XML body. */
static void xml_code(const char *body, size_t len, char *out, size_t outlen)
{
    static const char open[] = "<Code>", close[] = "</Code>";
    const char *end = body + len;
    for (const char *p = body; p + sizeof(open) - 1 <= end; p++) {
        if (memcmp(p, open, sizeof(open) - 1))
            continue;
        const char *v = p + sizeof(open) - 1;
        for (const char *q = v; q + sizeof(close) - 1 <= end; q++) {
            if (*q == '<') {
                if (!memcmp(q, close, sizeof(close) - 1))
                    snprintf(out, outlen, "%.*s", (int)(q - v), v);
                return;
            }
        }
        return;
    }
}

void kc_retry_answer_code(const char *body, size_t len, char *out,
                          size_t outlen)
{
    if (!outlen)
        return;
    out[0] = '\0';
    if (!body || !len)
        return;
    cJSON *root = cJSON_ParseWithLength(body, len);
    if (root) {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(root, "Code");
        if (cJSON_IsString(c))
            snprintf(out, outlen, "%s", c->valuestring);
        cJSON_Delete(root);
        return;
    }
    xml_code(body, len, out, outlen);
}

/* The value of header name (the last one) in a raw block, trimmed, into
 * out; false when absent or too long. */
static bool header_value(const char *headers, const char *name, char *out,
                         size_t outlen)
{
    size_t nlen = strlen(name);
    bool found = false;
    for (const char *p = headers; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > nlen && !strncasecmp(p, name, nlen) && p[nlen] == ':') {
            const char *v = p + nlen + 1;
            size_t vlen = len - nlen - 1;
            while (vlen && (*v == ' ' || *v == '\t'))
                v++, vlen--;
            while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == ' ' ||
                            v[vlen - 1] == '\t'))
                vlen--;
            found = vlen < outlen;
            if (found)
                snprintf(out, outlen, "%.*s", (int)vlen, v);
        }
        p = eol ? eol + 1 : NULL;
    }
    return found;
}

/* A non-negative decimal; -1 when s is not one. Large values saturate. */
static long decimal(const char *s)
{
    long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        if (v < KC_RETRY_AFTER_MAX_MS * 10)
            v = v * 10 + (*s - '0');
    }
    return v;
}

static long bounded(long ms)
{
    return ms > KC_RETRY_AFTER_MAX_MS ? KC_RETRY_AFTER_MAX_MS : ms;
}

long kc_retry_after_ms(const char *headers, time_t now)
{
    char v[VALUE_MAX];
    long n;
    if (!headers)
        return -1;
    if (header_value(headers, "x-acs-retry-after", v, sizeof(v)) &&
        (n = decimal(v)) >= 0)
        return bounded(n);
    if (!header_value(headers, "Retry-After", v, sizeof(v)))
        return -1;
    if ((n = decimal(v)) >= 0)
        return bounded(n > KC_RETRY_AFTER_MAX_MS ? n : n * 1000);
    time_t when = curl_getdate(v, NULL);
    if (when == -1)
        return -1;
    double d = difftime(when, now);
    return d <= 0 ? 0
                  : bounded(d > 1e6 ? KC_RETRY_AFTER_MAX_MS : (long)d * 1000);
}

static uint64_t next_random(uint64_t *s)
{
    uint64_t x = *s ? *s : 0x2545f4914f6cdd1dULL;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

long kc_retry_delay_ms(const struct kc_retry_policy *p, unsigned n,
                       long hint_ms, uint64_t *rng)
{
    long base = p->base_ms > 0 ? p->base_ms : KC_RETRY_BASE_MS;
    long cap = p->cap_ms > 0 ? p->cap_ms : KC_RETRY_CAP_MS;
    long ceiling = base;
    if (hint_ms >= 0)
        return bounded(hint_ms);
    for (unsigned i = 1; i < n && ceiling < cap; i++)
        ceiling *= 2;
    if (ceiling > cap)
        ceiling = cap;
    return (long)(next_random(rng) % (uint64_t)(ceiling + 1));
}

bool kc_retry_sleep(long ms, volatile sig_atomic_t *stop)
{
    while (ms > 0) {
        if (stop && *stop)
            return false;
        long slice = ms < SLICE_MS ? ms : SLICE_MS;
        struct timespec ts = {0, slice * 1000000L};
        nanosleep(&ts, NULL);
        ms -= slice;
    }
    return !(stop && *stop);
}
