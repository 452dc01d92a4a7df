#include "kc/preflight.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "kc/client.h"
#include "kc/strict_xml.h"

/* Codes that say what is wrong with the request's credentials or clock,
 * as the KMS Responses page and Alibaba's gateway document them. */
static const char *const bad_secret_codes[] = {
    "IncompleteSignature", "SignatureDoesNotMatch", "InvalidSignature"};
static const char *const unknown_id_codes[] = {"InvalidAccessKeyId.NotFound",
                                               "InvalidAccessKeyId"};
static const char *const clock_codes[] = {
    "IllegalTimestamp", "InvalidTimeStamp.Expired", "InvalidTimeStamp.Format"};
/* A KMS endpoint knows ListKeys: an RPC endpoint that does not is another
 * product's. */
static const char *const other_api_codes[] = {
    "InvalidAction.NotFound", "InvalidAction", "InvalidApi.NotFound",
    "InvalidProduct.NotFound"};

#define NAMES(a) (sizeof(a) / sizeof((a)[0]))

static bool code_in(const char *code, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(code, set[i]))
            return true;
    }
    return false;
}

/* The Date header of the raw header block, as seconds since the epoch;
 * -1 when absent or unreadable (curl_getdate reads RFC 9110 dates). */
static time_t date_header(const struct kc_buf *headers)
{
    const char *p = kc_buf_str(headers);
    char value[128];

    while (p && *p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > 5 && !strncasecmp(p, "date:", 5) && len - 5 < sizeof(value)) {
            memcpy(value, p + 5, len - 5);
            value[len - 5] = '\0';
            return curl_getdate(value, NULL);
        }
        p = eol ? eol + 1 : NULL;
    }
    return -1;
}

static void copy_str(char *dst, size_t n, const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    snprintf(dst, n, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

bool kc_preflight_name_shaped(const char *s)
{
    if (!(*s >= 'A' && *s <= 'Z'))
        return false;
    for (; *s; s++) {
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              (*s >= '0' && *s <= '9') || *s == '.'))
            return false;
    }
    return true;
}

static const char *what_body(const struct kc_http_resp *resp)
{
    const char *ct = resp->content_type ? resp->content_type : "";
    if (strstr(ct, "html") || !strncmp(kc_buf_str(&resp->body), "<!", 2) ||
        !strncasecmp(kc_buf_str(&resp->body), "<html", 5))
        return "an HTML page";
    if (!resp->body.len)
        return "an empty body";
    return "a body that is not a KMS JSON envelope";
}

static enum kc_pf_verdict no_answer(const struct kc_target *t,
                                    const struct kc_http_resp *resp,
                                    struct kc_pf_result *out)
{
    const char *why =
        resp->error[0] ? resp->error : kc_http_result_name(resp->result);
    bool unreachable = resp->result == KC_HTTP_UNREACHABLE ||
                       resp->result == KC_HTTP_TIMEOUT ||
                       resp->result == KC_HTTP_TLS;

    kc_err_set(out->line, sizeof(out->line), "%s: %s: %s", t->endpoint, why,
               unreachable ? "check the endpoint URL and that the server is up"
                           : "the server answered, but not as HTTP within "
                             "kmsconf's limits");
    return unreachable ? KC_PF_UNREACHABLE : KC_PF_BAD_ANSWER;
}

/* Judges a KMS error answer (out->code set) of credential cred. */
static enum kc_pf_verdict error_answer(const struct kc_credential *cred,
                                       struct kc_pf_result *out)
{
    const char *id = cred->access_key_id;

    if (code_in(out->code, bad_secret_codes, NAMES(bad_secret_codes))) {
        kc_err_set(out->line, sizeof(out->line),
                   "credential '%s' (AccessKeyId %.64s): the target rejected "
                   "the signature (%s): check its AccessKeySecret",
                   cred->name, id, out->code);
        return KC_PF_BAD_SECRET;
    }
    if (code_in(out->code, unknown_id_codes, NAMES(unknown_id_codes))) {
        kc_err_set(out->line, sizeof(out->line),
                   "credential '%s': the target does not know AccessKeyId "
                   "%.64s (%s): check the AccessKeyId and the endpoint's "
                   "region",
                   cred->name, id, out->code);
        return KC_PF_UNKNOWN_ID;
    }
    if (code_in(out->code, clock_codes, NAMES(clock_codes))) {
        if (out->have_offset &&
            labs(out->clock_offset_s) >= KC_PREFLIGHT_CLOCK_WARN_S)
            kc_err_set(out->line, sizeof(out->line),
                       "the target refused the Timestamp (%s): its clock and "
                       "this machine's differ by %ld s; fix the clock (the "
                       "window is 15 minutes)",
                       out->code, out->clock_offset_s);
        else
            kc_err_set(out->line, sizeof(out->line),
                       "the target refused the Timestamp (%s): check this "
                       "machine's clock (the window is 15 minutes)",
                       out->code);
        return KC_PF_CLOCK;
    }
    if (code_in(out->code, other_api_codes, NAMES(other_api_codes))) {
        kc_err_set(out->line, sizeof(out->line),
                   "the endpoint does not know the KMS action ListKeys (%s): "
                   "it is not a KMS endpoint; check the endpoint URL",
                   out->code);
        return KC_PF_NOT_KMS;
    }
    if (kc_retry_is_throttle_code(out->code)) {
        kc_err_set(out->line, sizeof(out->line),
                   "credential '%s': ListKeys answered HTTP %ld %s, also when "
                   "retried: the target throttles; retry more (--retries) "
                   "or send less (--rate, -j)",
                   cred->name, out->status, out->code);
        return KC_PF_REFUSED;
    }
    kc_err_set(out->line, sizeof(out->line),
               "credential '%s': ListKeys answered HTTP %ld %s", cred->name,
               out->status, out->code);
    return KC_PF_REFUSED;
}

/* Whether an answer carries the marks of the KMS RPC API: a RequestId in
 * the x-acs-request-id header or in the body. A malformed answer that has
 * them is the run's to judge (a conformance failure), not a wrong
 * endpoint. */
static bool kms_marks(const struct kc_http_resp *resp, const char *body_rid)
{
    return body_rid[0] || (resp->request_id && resp->request_id[0]) ||
           strstr(kc_buf_str(&resp->body), "RequestId");
}

static enum kc_pf_verdict judge(const struct kc_target *t,
                                const struct kc_credential *cred,
                                const struct kc_http_resp *resp,
                                struct kc_pf_result *out)
{
    cJSON *body =
        cJSON_ParseWithLength(kc_buf_str(&resp->body), resp->body.len);
    enum kc_pf_verdict v = KC_PF_NOT_KMS;
    bool ok = resp->status >= 200 && resp->status <= 299;

    if (cJSON_IsObject(body)) {
        copy_str(out->code, sizeof(out->code), body, "Code");
        if (out->code[0] && !kc_preflight_name_shaped(out->code))
            snprintf(out->code, sizeof(out->code),
                     "(a Code not shaped as "
                     "one)");
        copy_str(out->request_id, sizeof(out->request_id), body, "RequestId");
    }
    if (!kms_marks(resp, out->request_id)) {
        kc_err_set(out->line, sizeof(out->line),
                   "%s does not answer as the KMS RPC API: ListKeys got HTTP "
                   "%ld with %s and no RequestId; check the endpoint URL",
                   t->endpoint, resp->status, what_body(resp));
    } else if (ok) {
        v = KC_PF_OK;
        kc_err_set(out->line, sizeof(out->line),
                   "credential '%s': ListKeys answered HTTP %ld in %.0f ms",
                   cred->name, resp->status, out->rtt_ms);
    } else if (out->code[0]) {
        v = error_answer(cred, out);
    } else {
        v = KC_PF_REFUSED;
        kc_err_set(out->line, sizeof(out->line),
                   "credential '%s': ListKeys answered HTTP %ld with an error "
                   "the preflight cannot read (the run will judge it)",
                   cred->name, resp->status);
    }
    cJSON_Delete(body);
    return v;
}

enum kc_pf_verdict kc_preflight_credential(struct kc_http *http,
                                           const struct kc_target *t,
                                           const struct kc_credential *cred,
                                           const struct kc_retry_policy *rp,
                                           struct kc_pf_result *out)
{
    static const struct kc_param page = {"PageSize", "1"};
    const struct kc_client_step step = {.action = "ListKeys",
                                        .params = &page,
                                        .nparams = 1,
                                        .signature = KC_SIG_VALID};
    struct kc_client_exchange x;
    char err[KC_ERR_MAX] = "";
    enum kc_client_status st;

    memset(out, 0, sizeof(*out));
    out->credential = cred->name;
    st = kc_client_send(http, t, cred, &step, rp, &x, err, sizeof(err));
    out->status = x.resp.status;
    out->rtt_ms = x.resp.time_s * 1000.0;
    if (st == KC_CLIENT_NOT_BUILT) {
        kc_err_set(out->line, sizeof(out->line),
                   "credential '%s': cannot build the request: %s", cred->name,
                   err);
        out->verdict = KC_PF_BAD_ANSWER;
    } else if (st == KC_CLIENT_NO_ANSWER) {
        out->verdict = no_answer(t, &x.resp, out);
    } else {
        time_t date = date_header(&x.resp.headers);
        if (date != -1) {
            out->have_offset = true;
            out->clock_offset_s = (long)(date - time(NULL));
        }
        out->verdict = judge(t, cred, &x.resp, out);
    }
    kc_client_exchange_dispose(&x);
    return out->verdict;
}

bool kc_preflight_fatal(const char *name, enum kc_pf_verdict v)
{
    bool deflt = !strcmp(name, "default");

    switch (v) {
    case KC_PF_OK:
        return false;
    case KC_PF_REFUSED:
        return deflt;
    case KC_PF_BAD_SECRET:
        return strcmp(name, "wrong-secret") != 0;
    default:
        return true;
    }
}

enum kc_exit kc_preflight_exit(enum kc_pf_verdict v)
{
    if (v == KC_PF_OK)
        return KC_EXIT_OK;
    return v == KC_PF_UNREACHABLE ? KC_EXIT_UNREACHABLE : KC_EXIT_USAGE;
}

const char *kc_preflight_verdict_name(enum kc_pf_verdict v)
{
    static const char *const names[] = {"ok",      "refused",    "unreachable",
                                        "not-kms", "bad-secret", "unknown-id",
                                        "clock",   "bad-answer"};
    return (size_t)v < NAMES(names) ? names[v] : "?";
}

/* Adds name to names[*n] unless it is there (at most max). */
static void add_name(const char **names, size_t *n, size_t max,
                     const char *name)
{
    for (size_t i = 0; i < *n; i++) {
        if (!strcmp(names[i], name))
            return;
    }
    if (*n < max)
        names[(*n)++] = name;
}

/* The credential names the cases use, "default" first; caller frees. */
static const char **used_credentials(const struct kc_target *t,
                                     const struct kc_case *const *cases,
                                     size_t n, size_t *count)
{
    const char *one[KC_CASE_CREDENTIALS_MAX];
    const char **names = calloc(t->ncreds + 1, sizeof(*names));

    *count = 0;
    if (!names)
        return NULL;
    add_name(names, count, t->ncreds + 1, "default");
    for (size_t i = 0; i < n; i++) {
        size_t k = kc_case_credentials(cases[i], one, KC_CASE_CREDENTIALS_MAX);
        for (size_t j = 0; j < k; j++) {
            if (kc_target_credential(t, one[j]))
                add_name(names, count, t->ncreds + 1, one[j]);
        }
    }
    return names;
}

/* One credential's preflight, on a thread of its own. */
struct pf_job {
    const struct kc_target *t;
    const struct kc_http_opts *http_opts;
    const struct kc_retry_policy *rp;
    const struct kc_credential *cred; /* NULL: not declared, nothing sent */
    bool oom;
    struct kc_pf_result res;
};

static void *pf_thread(void *arg)
{
    struct pf_job *j = arg;
    struct kc_http *http = kc_http_new(j->http_opts);
    if (!http) {
        j->oom = true;
        return NULL;
    }
    kc_preflight_credential(http, j->t, j->cred, j->rp, &j->res);
    kc_http_free(http);
    return NULL;
}

/* Runs jobs[0..n) at once (each credential's round trip overlaps the
 * others'); a job whose thread cannot start runs here. */
static void pf_run_all(struct pf_job *jobs, size_t n)
{
    pthread_t *th = calloc(n ? n : 1, sizeof(*th));
    bool *started = calloc(n ? n : 1, sizeof(*started));
    kc_strict_xml_init();
    for (size_t i = 0; i < n; i++) {
        if (!jobs[i].cred)
            continue;
        started[i] =
            th && started && !pthread_create(&th[i], NULL, pf_thread, &jobs[i]);
        if (!started[i])
            pf_thread(&jobs[i]);
    }
    for (size_t i = 0; i < n && th && started; i++) {
        if (started[i])
            pthread_join(th[i], NULL);
    }
    free(th);
    free(started);
}

/* Judges the results in order; the first fatal one decides. */
static enum kc_exit pf_judge(const struct pf_job *jobs, size_t n, FILE *out,
                             FILE *err, bool verbose)
{
    enum kc_exit rc = KC_EXIT_OK;
    for (size_t i = 0; i < n && rc == KC_EXIT_OK; i++) {
        const struct kc_pf_result *res = &jobs[i].res;
        if (!jobs[i].cred)
            continue; /* no default credential: the run says so */
        if (jobs[i].oom) {
            fprintf(err, "kmsconf run: out of memory\n");
            return KC_EXIT_USAGE;
        }
        if (verbose)
            fprintf(out, "preflight: %s: %s\n",
                    kc_preflight_verdict_name(res->verdict), res->line);
        if (kc_preflight_fatal(jobs[i].cred->name, res->verdict)) {
            fprintf(err, "kmsconf run: preflight: %s\n", res->line);
            rc = kc_preflight_exit(res->verdict);
        }
    }
    return rc;
}

enum kc_exit kc_preflight_run(const struct kc_target *t,
                              const struct kc_http_opts *http_opts,
                              const struct kc_retry_policy *rp,
                              const struct kc_case *const *cases, size_t n,
                              FILE *out, FILE *err, bool verbose)
{
    size_t count = 0;
    const char **names = used_credentials(t, cases, n, &count);
    struct pf_job *jobs = calloc(count ? count : 1, sizeof(*jobs));
    enum kc_exit rc = KC_EXIT_USAGE;

    if (!names || !jobs) {
        fprintf(err, "kmsconf run: out of memory\n");
        goto out;
    }
    for (size_t i = 0; i < count; i++)
        jobs[i] = (struct pf_job){
            .t = t,
            .http_opts = http_opts,
            .rp = rp,
            .cred = kc_target_credential(t, names[i]),
        };
    /* "default" alone first: an endpoint that is down or not KMS is said
     * once, without a request per credential */
    pf_run_all(jobs, count ? 1 : 0);
    rc = pf_judge(jobs, count ? 1 : 0, out, err, verbose);
    if (rc == KC_EXIT_OK && count > 1) {
        pf_run_all(jobs + 1, count - 1);
        rc = pf_judge(jobs + 1, count - 1, out, err, verbose);
    }
out:
    free(jobs);
    free(names);
    return rc;
}
