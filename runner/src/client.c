/* kc_client: build, sign and send one step. */
#include "kc/client.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "kc/err.h"
#include "kc/pace.h"

#define DEFAULT_METHOD "POST"

static const char *method_of(const struct kc_target *t,
                             const struct kc_client_step *s)
{
    if (s->method)
        return s->method;
    return t->method ? t->method : DEFAULT_METHOD;
}

enum kc_client_status kc_client_call(struct kc_http *http,
                                     const struct kc_target *t,
                                     const struct kc_credential *cred,
                                     const struct kc_client_step *step,
                                     struct kc_client_exchange *x, char *err,
                                     size_t errlen)
{
    struct kc_req_spec spec = {
        .endpoint = t->endpoint,
        .sigver = t->signature,
        .method = method_of(t, step),
        .action = step->action,
        .format = step->xml ? "XML" : "JSON",
        .params = step->params,
        .nparams = step->nparams,
        .access_key_id =
            step->access_key_id ? step->access_key_id : cred->access_key_id,
        .secret = cred->access_key_secret,
        .omit = step->omit,
        .overrides = step->overrides,
        .noverrides = step->noverrides,
        .signature = step->signature,
        .raw_query = step->raw_query,
    };
    struct kc_http_req hreq;

    memset(x, 0, sizeof(*x));
    if (kc_request_build(&spec, &x->req, err, errlen) != 0)
        return KC_CLIENT_NOT_BUILT;
    hreq = (struct kc_http_req){
        x->req.method,   x->req.url,  (const char *const *)x->req.headers,
        x->req.nheaders, x->req.body, x->req.body_len};
    if (kc_http_send(http, &hreq, &x->resp) != KC_HTTP_OK)
        return KC_CLIENT_NO_ANSWER;
    return KC_CLIENT_ANSWERED;
}

void kc_client_exchange_dispose(struct kc_client_exchange *x)
{
    kc_request_dispose(&x->req);
    kc_http_resp_dispose(&x->resp);
    kc_buf_dispose(&x->earlier);
}

void kc_client_answer_transcript(const struct kc_http_resp *resp,
                                 struct kc_buf *out)
{
    kc_buf_printf(out, "< HTTP %ld\n", resp->status);
    const char *h = kc_buf_str(&resp->headers);
    /* header lines, prefixed, without the status line */
    const char *p = strchr(h, '\n');
    while (p && p[1] && p[1] != '\r' && p[1] != '\n') {
        const char *e = strchr(p + 1, '\n');
        size_t n = e ? (size_t)(e - p - 1) : strlen(p + 1);
        while (n && p[n] == '\r')
            n--;
        kc_buf_printf(out, "< %.*s\n", (int)n, p + 1);
        p = e;
    }
    kc_buf_printf(out, "<\n< %s\n", kc_buf_str(&resp->body));
}

/* Whether the n bytes at s hold word (NUL bytes included). */
static bool holds(const char *s, size_t n, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = s, *end = s + n;
         (size_t)(end - p) >= wl && (p = memchr(p, word[0], (size_t)(end - p)));
         p++) {
        if ((size_t)(end - p) >= wl && !memcmp(p, word, wl))
            return true;
    }
    return false;
}

bool kc_client_throttled(const struct kc_http_resp *resp, char *code,
                         size_t codelen)
{
    const char *body = kc_buf_str(&resp->body);
    if (codelen)
        code[0] = '\0';
    /* every throttling code holds "Throttling": an answer without it is
     * not read at all (most answers are not throttled) */
    if ((resp->status >= 200 && resp->status <= 299) ||
        !holds(body, resp->body.len, "Throttling"))
        return false;
    kc_retry_answer_code(body, resp->body.len, code, codelen);
    return kc_retry_is_throttle_code(code);
}

static uint64_t jitter_seed(const void *salt)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t s = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^
                 (uint64_t)(uintptr_t)salt;
    return s ? s : 1;
}

/* One attempt, paced (rp->pace) when there is a policy; *throttled says
 * whether it answered a throttling code (into code). */
static enum kc_client_status
attempt(struct kc_http *http, const struct kc_target *t,
        const struct kc_credential *cred, const struct kc_client_step *step,
        const struct kc_retry_policy *rp, struct kc_client_exchange *x,
        char *code, bool *throttled, char *err, size_t errlen)
{
    struct kc_pace *pace = rp ? rp->pace : NULL;
    unsigned long ticket = 0;
    *throttled = false;
    code[0] = '\0';
    if (pace && !kc_pace_acquire(pace, rp->stop, &ticket)) {
        memset(x, 0, sizeof(*x));
        kc_err_set(err, errlen, "interrupted before it was sent");
        return KC_CLIENT_NOT_BUILT;
    }
    enum kc_client_status st =
        kc_client_call(http, t, cred, step, x, err, errlen);
    if (st == KC_CLIENT_ANSWERED)
        *throttled = kc_client_throttled(&x->resp, code, KC_RETRY_CODE_MAX);
    if (pace)
        kc_pace_release(pace, ticket, *throttled);
    return st;
}

enum kc_client_status kc_client_send(struct kc_http *http,
                                     const struct kc_target *t,
                                     const struct kc_credential *cred,
                                     const struct kc_client_step *step,
                                     const struct kc_retry_policy *rp,
                                     struct kc_client_exchange *x, char *err,
                                     size_t errlen)
{
    struct kc_buf earlier;
    char code[KC_RETRY_CODE_MAX];
    uint64_t rng = jitter_seed(x);
    unsigned retries = 0;
    bool cut = false, throttled = false;
    enum kc_client_status st;

    kc_buf_init(&earlier, KC_CLIENT_EARLIER_MAX);
    for (;;) {
        st = attempt(http, t, cred, step, rp, x, code, &throttled, err, errlen);
        if (!throttled || !rp || retries >= rp->retries)
            break;
        long hint = kc_retry_after_ms(kc_buf_str(&x->resp.headers), time(NULL));
        long delay = kc_retry_delay_ms(rp, retries + 1, hint, &rng);
        if (!kc_retry_sleep(delay, rp->stop)) {
            kc_buf_printf(&earlier,
                          "~ throttled (%s): retry %u of %u was due in %ld "
                          "ms; interrupted, the answer below stands\n",
                          code, retries + 1, rp->retries, delay);
            cut = true;
            break;
        }
        retries++;
        if (rp->retried)
            atomic_fetch_add(rp->retried, 1UL);
        kc_request_transcript(&x->req, &earlier);
        kc_client_answer_transcript(&x->resp, &earlier);
        kc_buf_printf(&earlier,
                      "~ throttled (%s): retry %u of %u after %ld ms%s\n", code,
                      retries, rp->retries, delay,
                      hint >= 0 ? " (the server's retry-after)" : "");
        kc_client_exchange_dispose(x);
    }
    x->retries = retries;
    x->retry_cut = cut;
    x->earlier = earlier;
    return st;
}
