/* kc_run: worker threads, case phases, testcases into the report. */
#include "kc/run.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "kc/bundle.h"
#include "kc/client.h"
#include "kc/codec.h"
#include "kc/err.h"
#include "kc/plan.h"
#include "kc/request.h"
#include "kc/url.h"
#include "kc/vars.h"
#include "kc/redact.h"
#include "kc/strict_xml.h"

#define TRANSCRIPT_MAX (256 * 1024)
#define TYPE_MAX       32 /* an error or skip type: "setup", "transport" */
#define MSG_MAX        (KC_ERR_MAX + 128) /* an error line with its step */
#define TITLE_MAX      128                /* "setup 2: CreateKey" */
#define NOTE_MAX       (MSG_MAX + 256)    /* a teardown note with the id */
#define FORMATS_MAX    2     /* one testcase per format: JSON and XML */
#define UUID_LEN       37    /* kc_uuid4: 36 characters + NUL */
#define HOST_MAX       256   /* the endpoint's host in the manifest */
#define LITS_MAX       8     /* an exchange's own secrets: signature, values */
#define TIMEOUT_MS     30000 /* kc_http's default exchange timeout */

/* State shared by the workers; lock guards next, report and stats. */
struct shared {
    const struct kc_run_opts *o;
    pthread_mutex_t lock;
    size_t next;
    struct kc_report *report;
    struct kc_run_stats *st;
    size_t *order; /* the cases' start order: longest chain first */
    struct kc_ridset *rids;
    struct kc_vars run_vars;
    bool oom;
    const char *label; /* the run label (run_vars' storage) */
    unsigned long seq; /* the last creating call's number */
    unsigned workers;  /* threads started */
    size_t in_a_row;   /* exchanges without an answer in a row (lock) */
    /* the abort (kc/run.h): abort_lock guards st->aborted, st->abort_reason
     * and grace_end_ms, taken after lock when both are */
    pthread_mutex_t abort_lock;
    atomic_int abort;       /* enum kc_run_abort; set once */
    struct timespec t0;     /* the start (CLOCK_MONOTONIC) */
    long long deadline_ms;  /* since t0; 0: none */
    long long grace_end_ms; /* since t0: the end of the teardowns' grace */
};

/* One step's exchange. */
struct exchange {
    bool built;           /* a request was built (and sent) */
    bool sent;            /* an HTTP answer arrived */
    char err[KC_ERR_MAX]; /* why not, one line */
    bool transport;       /* the failure was a transport error */
    bool not_sent;        /* held back: the run was aborted (kc/run.h) */
    struct kc_client_exchange call; /* the request sent and its answer */
    char *transcript;               /* redacted */
    char *lits[LITS_MAX]; /* its own secrets, owned: the signature sent and
                             the secret values of its parameters */
    size_t nlits;
    bool blind; /* out of memory taking lits: every text of it is "***" */
    struct kc_redact_scope *scope; /* the run's redactor and lits, made
                                      when a text of it is first scrubbed */
};

/* One case in flight. */
struct case_ctx {
    struct shared *sh;
    struct kc_http *http;
    const struct kc_case *c;
    struct kc_vars vars;
    struct kc_buf log; /* redacted setup/teardown transcript */
    bool keep_log;     /* the setup failed: the log is written, so built */
    struct kc_ledger_items made; /* what the case created, not removed */
    bool tearing_down;           /* in its teardown or cleanup */
    bool gave_up; /* met no answer in its teardown after the abort */
};

static long long now_ms(const struct shared *sh)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)(t.tv_sec - sh->t0.tv_sec) * 1000 +
           (t.tv_nsec - sh->t0.tv_nsec) / 1000000;
}

static bool interrupted(const struct shared *sh)
{
    return sh->o->stop && *sh->o->stop;
}

/* Aborts the run (the first reason stays); its teardowns' grace starts. */
static void set_abort(struct shared *sh, enum kc_run_abort kind,
                      const char *reason)
{
    pthread_mutex_lock(&sh->abort_lock);
    if (atomic_load(&sh->abort) == KC_RUN_NOT_ABORTED) {
        sh->st->aborted = kind;
        snprintf(sh->st->abort_reason, sizeof(sh->st->abort_reason), "%s",
                 reason);
        sh->grace_end_ms = now_ms(sh) + KC_RUN_GRACE_MS;
        atomic_store(&sh->abort, (int)kind);
    }
    pthread_mutex_unlock(&sh->abort_lock);
}

/* Whether the run was aborted; the deadline is checked here. */
static bool aborted(struct shared *sh)
{
    if (atomic_load(&sh->abort) != KC_RUN_NOT_ABORTED)
        return true;
    if (!sh->deadline_ms || now_ms(sh) < sh->deadline_ms)
        return false;
    set_abort(sh, KC_RUN_ABORT_DEADLINE, "the run's deadline passed");
    return true;
}

/* What is left of an aborted run's grace for teardowns, in ms. */
static long long grace_left_ms(struct shared *sh)
{
    pthread_mutex_lock(&sh->abort_lock);
    long long end = sh->grace_end_ms;
    pthread_mutex_unlock(&sh->abort_lock);
    return end - now_ms(sh);
}

static bool stopped(struct shared *sh)
{
    return interrupted(sh) || aborted(sh);
}

static void notify_note(const struct shared *sh, const char *line)
{
    const struct kc_run_observer *ob = &sh->o->observer;

    if (ob->note)
        ob->note(ob->ctx, line);
}

static void notify_testcase(const struct shared *sh,
                            const struct kc_testcase *tc)
{
    const struct kc_run_observer *ob = &sh->o->observer;

    if (ob->testcase)
        ob->testcase(ob->ctx, tc);
}

static void exchange_dispose(struct exchange *x)
{
    kc_client_exchange_dispose(&x->call);
    free(x->transcript);
    for (size_t i = 0; i < x->nlits; i++)
        free(x->lits[i]);
    kc_redact_scope_free(x->scope);
    memset(x, 0, sizeof(*x));
}

/* Sleeps ms, in slices so that an interrupt or an abort cuts it short
 * (unless uninterruptible, as in teardown: then only the end of an
 * aborted run's grace does). */
static void wait_ms(struct shared *sh, long ms, bool interruptible)
{
    while (ms > 0 && !(interruptible ? stopped(sh)
                                     : atomic_load(&sh->abort) &&
                                           grace_left_ms(sh) <= 0)) {
        long slice = ms < 50 ? ms : 50;
        struct timespec ts = {0, slice * 1000000L};
        nanosleep(&ts, NULL);
        ms -= slice;
    }
}

/* Expanded name/value pairs (values owned). */
struct xpairs {
    struct kc_param *v;
    char **vals;
    size_t n;
};

static void xpairs_dispose(struct xpairs *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->vals[i]);
    free(p->vals);
    free(p->v);
    memset(p, 0, sizeof(*p));
}

static int expand_pairs(const struct kc_vars *vars, const struct kc_kv *kv,
                        size_t n, struct xpairs *out, char *err, size_t el)
{
    memset(out, 0, sizeof(*out));
    if (!n)
        return 0;
    out->v = calloc(n, sizeof(*out->v));
    out->vals = calloc(n, sizeof(*out->vals));
    if (!out->v || !out->vals) {
        snprintf(err, el, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (kc_vars_expand(vars, kv[i].value, &out->vals[i], err, el))
            return -1;
        out->v[i].name = kv[i].name;
        out->v[i].value = out->vals[i];
        out->n = i + 1;
    }
    return 0;
}

static char *redact(const struct shared *sh, const char *s)
{
    return kc_redact_text(sh->o->redactor, s ? s : "", s ? strlen(s) : 0);
}

/* s scrubbed of the run's secrets and x's own (caller frees), or NULL. */
static char *redact_x(const struct shared *sh, struct exchange *x,
                      const char *s)
{
    size_t n = s ? strlen(s) : 0;
    /* most texts (a Code, a RequestId) cannot hold the exchange's own
     * secrets: they skip building its scope */
    if (!x->scope && !x->blind &&
        !kc_redact_may_hold((const char *const *)x->lits, x->nlits, s ? s : "",
                            n))
        return kc_redact_text(sh->o->redactor, s ? s : "", n);
    if (!x->blind && !x->scope)
        x->scope = kc_redact_scope_new(sh->o->redactor,
                                       (const char *const *)x->lits, x->nlits);
    if (!x->scope)
        x->blind = true;
    if (x->blind)
        return strdup(KC_REDACTED);
    return kc_redact_scoped(x->scope, s ? s : "", n);
}

/* Scrubs line (of size bytes) in place like redact_x; out of memory, it
 * is replaced by the redaction mark (nothing unscrubbed is left). */
static void redact_line(const struct shared *sh, struct exchange *x, char *line,
                        size_t size)
{
    char *r = redact_x(sh, x, line);
    snprintf(line, size, "%s", r ? r : KC_REDACTED);
    free(r);
}

/* Scrubs a probe's result of the run's secrets and x's own: its failure
 * messages and the fields it read (parity compares and quotes them). */
static void redact_result(const struct shared *sh, struct exchange *x,
                          struct kc_check_result *res)
{
    char **fields[] = {&res->code, &res->message, &res->request_id,
                       &res->http_status};
    for (size_t i = 0; i < res->nfailures; i++)
        redact_line(sh, x, res->failures[i].message,
                    sizeof(res->failures[i].message));
    for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
        if (!*fields[i])
            continue;
        char *r = redact_x(sh, x, *fields[i]);
        free(*fields[i]);
        *fields[i] = r ? r : strdup(KC_REDACTED);
    }
}

/* Parameters whose values are secrets wherever they reappear. */
static bool secret_param(const char *name)
{
    return !strcmp(name, "Plaintext") || !strcmp(name, "AccessKeySecret") ||
           !strcmp(name, "SecurityToken");
}

static void add_lit(struct exchange *x, const char *v, bool *oom)
{
    if (!v || !v[0] || x->nlits >= LITS_MAX)
        return;
    if (!(x->lits[x->nlits] = strdup(v)))
        *oom = true;
    else
        x->nlits++;
}

/* Takes the exchange's own secrets: the signature its request carries and
 * the expanded values of its secret parameters. false when out of memory. */
static bool take_lits(struct exchange *x, const struct xpairs *params,
                      const struct xpairs *overrides)
{
    bool oom = false;
    add_lit(x, x->call.req.signature, &oom);
    for (size_t i = 0; i < params->n; i++)
        if (secret_param(params->v[i].name))
            add_lit(x, params->v[i].value, &oom);
    for (size_t i = 0; i < overrides->n; i++)
        if (secret_param(overrides->v[i].name))
            add_lit(x, overrides->v[i].value, &oom);
    return !oom;
}

static void make_transcript(const struct shared *sh,
                            const struct kc_request *req, struct exchange *x)
{
    struct kc_buf t;
    kc_buf_init(&t, TRANSCRIPT_MAX);
    kc_buf_puts(&t, kc_buf_str(&x->call.earlier)); /* retried attempts */
    kc_request_transcript(req, &t);
    if (x->sent)
        kc_client_answer_transcript(&x->call.resp, &t);
    else
        kc_buf_printf(&t, "! %s\n", x->err);
    x->transcript = redact_x(sh, x, kc_buf_str(&t));
    kc_buf_dispose(&t);
}

/* Counts the exchange; the circuit breaker trips here (kc/run.h). */
static void count_exchange(struct shared *sh, const struct exchange *x)
{
    const struct kc_http_resp *resp = &x->call.resp;
    char why[KC_RUN_ERROR_MAX];
    size_t bound = (size_t)KC_RUN_BREAKER_PER_WORKER * sh->workers;
    pthread_mutex_lock(&sh->lock);
    if (x->transcript)
        sh->st->transcripts++;
    if (x->sent) {
        sh->st->responses++;
        sh->in_a_row = 0;
    } else if (x->transport) {
        sh->st->transport_errors++;
        if (resp->result == KC_HTTP_UNREACHABLE)
            sh->st->unreachable++;
        if (resp->answered)
            sh->st->answered_badly++;
        bool none = !resp->answered || resp->result == KC_HTTP_TIMEOUT;
        sh->in_a_row = none ? sh->in_a_row + 1 : 0;
        if (!sh->st->first_transport_error[0])
            snprintf(sh->st->first_transport_error,
                     sizeof(sh->st->first_transport_error), "%.250s", x->err);
        if (none && sh->in_a_row == bound) {
            snprintf(why, sizeof(why),
                     "the target stopped answering: %zu exchanges in a row "
                     "got no answer (the last: %.150s)",
                     sh->in_a_row, x->err);
            set_abort(sh, KC_RUN_ABORT_UNANSWERED, why);
        }
    }
    pthread_mutex_unlock(&sh->lock);
}

/* The timeout of cx's next exchange in ms (0: the client's own), cut to
 * what is left of the deadline (a teardown: of the deadline and its grace),
 * or in an aborted run's teardown of its grace; -1 when none may be sent
 * (err says why). */
static long exchange_timeout(struct case_ctx *cx, char *err, size_t el)
{
    struct shared *sh = cx->sh;
    long base = sh->o->http.timeout_ms ? sh->o->http.timeout_ms : TIMEOUT_MS;
    long long left;
    if (!cx->tearing_down) {
        if (!sh->deadline_ms)
            return 0;
        left = sh->deadline_ms - now_ms(sh);
    } else if (atomic_load(&sh->abort) == KC_RUN_NOT_ABORTED) {
        if (!sh->deadline_ms) /* else: within the deadline and its grace */
            return 0;
        left = sh->deadline_ms + KC_RUN_GRACE_MS - now_ms(sh);
    } else {
        left = cx->gave_up ? 0 : grace_left_ms(sh);
    }
    if (left > 0)
        return left < base ? (long)left : 0;
    snprintf(err, el, "not sent: %s",
             !cx->tearing_down ? "the run's deadline passed"
             : cx->gave_up     ? "the run was aborted and an earlier step of "
                                 "this teardown got no answer"
                               : "the run was aborted and the grace for its "
                                 "teardowns passed");
    return -1;
}

/* The expanded parts of a step a request is built from. */
struct step_values {
    struct xpairs params;
    struct xpairs overrides;
    char *akid;
    char *raw;
};

static void step_values_dispose(struct step_values *v)
{
    xpairs_dispose(&v->params);
    xpairs_dispose(&v->overrides);
    free(v->akid);
    free(v->raw);
}

static int expand_step(const struct case_ctx *cx, const struct kc_step *s,
                       struct step_values *v, char *err, size_t el)
{
    memset(v, 0, sizeof(*v));
    if (expand_pairs(&cx->vars, s->params, s->nparams, &v->params, err, el) ||
        expand_pairs(&cx->vars, s->overrides, s->noverrides, &v->overrides, err,
                     el))
        return -1;
    if (s->access_key_id &&
        kc_vars_expand(&cx->vars, s->access_key_id, &v->akid, err, el))
        return -1;
    if (s->raw_query &&
        kc_vars_expand(&cx->vars, s->raw_query, &v->raw, err, el))
        return -1;
    return 0;
}

/* ---- what steps create and remove ---- */

/* The param's expanded value, or NULL. */
static const char *param_of(const struct step_values *v, const char *name)
{
    for (size_t i = 0; i < v->params.n; i++)
        if (!strcmp(v->params.v[i].name, name))
            return v->params.v[i].value;
    return NULL;
}

static bool is_action(const struct kc_step *s, const char *a, const char *b)
{
    return s->action && !s->raw_query &&
           (!strcmp(s->action, a) || (b && !strcmp(s->action, b)));
}

/* Applies one event to the case's list and appends it to the ledger. */
static void record(struct case_ctx *cx, const struct kc_ledger_entry *e)
{
    struct shared *sh = cx->sh;
    char err[KC_ERR_MAX], line[NOTE_MAX];
    if (kc_ledger_items_apply(&cx->made, e->event, e)) {
        pthread_mutex_lock(&sh->lock);
        sh->oom = true;
        pthread_mutex_unlock(&sh->lock);
    }
    if (!sh->o->ledger || !kc_ledger_append(sh->o->ledger, e, err, sizeof(err)))
        return;
    pthread_mutex_lock(&sh->lock);
    bool first = !sh->st->ledger_errors++;
    pthread_mutex_unlock(&sh->lock);
    snprintf(line, sizeof(line), "note: %s", err);
    if (first)
        notify_note(sh, line);
}

static struct kc_ledger_entry
entry_of(const struct case_ctx *cx, const struct kc_step *s, const char *event,
         enum kc_ledger_kind kind, const char *id, unsigned long seq)
{
    const struct kc_ledger_entry e = {.event = event,
                                      .seq = seq,
                                      .kind = kind,
                                      .id = id,
                                      .run = cx->sh->label,
                                      .credential = s->credential,
                                      .endpoint = cx->sh->o->target->endpoint};
    return e;
}

/* Before a creating call: its "sending" line; the seq to pair it with
 * (0 for any other call). */
static unsigned long record_sending(struct case_ctx *cx,
                                    const struct kc_step *s,
                                    const struct step_values *v)
{
    unsigned long seq;
    bool key = is_action(s, "CreateKey", NULL);
    if (!key && !is_action(s, "CreateAlias", NULL))
        return 0;
    pthread_mutex_lock(&cx->sh->lock);
    seq = ++cx->sh->seq;
    pthread_mutex_unlock(&cx->sh->lock);
    const char *alias = key ? NULL : param_of(v, "AliasName");
    if (!key && !alias)
        return 0; /* nothing can be created without a name */
    struct kc_ledger_entry e = entry_of(
        cx, s, "sending", key ? KC_LEDGER_KEY : KC_LEDGER_ALIAS, alias, seq);
    record(cx, &e);
    return seq;
}

/* The KeyId of a JSON CreateKey answer (caller frees), or NULL. */
static char *created_key_id(const struct exchange *x)
{
    char *id = NULL, err[KC_ERR_MAX];
    cJSON *body = cJSON_ParseWithLength(kc_buf_str(&x->call.resp.body),
                                        x->call.resp.body.len);
    if (body &&
        kc_vars_from_json(body, "KeyMetadata.KeyId", &id, err, sizeof(err)))
        id = NULL;
    cJSON_Delete(body);
    return id;
}

/* After a call with an answer: what it created or removed. */
static void record_answer(struct case_ctx *cx, const struct kc_step *s,
                          const struct step_values *v, const struct exchange *x,
                          unsigned long seq)
{
    bool ok = x->call.resp.status >= 200 && x->call.resp.status <= 299;
    bool key = is_action(s, "CreateKey", "ScheduleKeyDeletion");
    enum kc_ledger_kind kind = key ? KC_LEDGER_KEY : KC_LEDGER_ALIAS;
    const char *alias = param_of(v, "AliasName");
    if (seq && !ok) {
        struct kc_ledger_entry e = entry_of(cx, s, "refused", kind, alias, seq);
        record(cx, &e);
    } else if (seq && !key) {
        struct kc_ledger_entry e = entry_of(cx, s, "created", kind, alias, seq);
        record(cx, &e);
    } else if (seq) { /* no KeyId: the "sending" line stays open */
        char *id = created_key_id(x);
        struct kc_ledger_entry e = entry_of(cx, s, "created", kind, id, seq);
        if (id)
            record(cx, &e);
        free(id);
    } else if (ok && is_action(s, "ScheduleKeyDeletion", "DeleteAlias")) {
        const char *id = key ? param_of(v, "KeyId") : alias;
        struct kc_ledger_entry e = entry_of(cx, s, "removed", kind, id, 0);
        if (id)
            record(cx, &e);
    }
}

/* What a built and sent step left: its own secrets known to the redactor,
 * the answer recorded or the transport error kept (redacted). */
static void took_answer(struct case_ctx *cx, const struct kc_step *s,
                        const struct step_values *v, enum kc_client_status st,
                        unsigned long seq, struct exchange *x)
{
    x->built = true;
    if (!take_lits(x, &v->params, &v->overrides)) {
        x->blind = true;
        pthread_mutex_lock(&cx->sh->lock);
        cx->sh->oom = true;
        pthread_mutex_unlock(&cx->sh->lock);
    }
    if (st == KC_CLIENT_ANSWERED) {
        x->sent = true;
        record_answer(cx, s, v, x, seq);
        return;
    }
    char *e = redact_x(cx->sh, x, x->call.resp.error);
    x->transport = true;
    cx->gave_up =
        cx->gave_up || (cx->tearing_down && atomic_load(&cx->sh->abort) &&
                        !x->call.resp.answered);
    snprintf(x->err, sizeof(x->err), "%s", e ? e : "transport error");
    free(e);
}

/* Builds, signs and sends one step with its expanded values, retrying
 * throttled answers as rp says; its transcript is made now only when
 * asked (a probe's, always written). */
static void send_step(struct case_ctx *cx, const struct kc_step *s, bool xml,
                      bool transcript, const struct step_values *v,
                      const struct kc_retry_policy *rp, struct exchange *x)
{
    const struct kc_target *t = cx->sh->o->target;
    const struct kc_credential *cred = kc_target_credential(t, s->credential);
    const struct kc_client_step cs = {
        .method = s->method,
        .action = s->action,
        .xml = xml,
        .params = v->params.v,
        .nparams = v->params.n,
        .access_key_id = v->akid,
        .omit = s->omit,
        .overrides = v->overrides.v,
        .noverrides = v->overrides.n,
        .signature = s->signature,
        .raw_query = v->raw,
    };
    enum kc_client_status st;

    if (!cred) {
        snprintf(x->err, sizeof(x->err), "the target has no credential '%s'",
                 s->credential);
        return;
    }
    long timeout = exchange_timeout(cx, x->err, sizeof(x->err));
    if (timeout < 0) {
        x->not_sent = true;
        return;
    }
    kc_http_set_timeout(cx->http, timeout);
    unsigned long seq = record_sending(cx, s, v);
    st = kc_client_send(cx->http, t, cred, &cs, rp, &x->call, x->err,
                        sizeof(x->err));
    if (st == KC_CLIENT_NOT_BUILT) {
        if (seq) { /* nothing left: the "sending" line is closed */
            struct kc_ledger_entry e =
                entry_of(cx, s, "refused",
                         is_action(s, "CreateKey", NULL) ? KC_LEDGER_KEY
                                                         : KC_LEDGER_ALIAS,
                         param_of(v, "AliasName"), seq);
            record(cx, &e);
        }
        return;
    }
    took_answer(cx, s, v, st, seq, x);
    if (transcript)
        make_transcript(cx->sh, &x->call.req, x);
    count_exchange(cx->sh, x);
}

/* The margin past a wait_until time: the server's clock ticks in whole
 * seconds of its own, read a little after ours. */
#define WAIT_UNTIL_MARGIN_MS 100

/* How long to wait for s->wait_until, in ms (0 when already past), or -1
 * with x->err set. */
static long wait_until_ms(const struct case_ctx *cx, const struct kc_step *s,
                          struct exchange *x)
{
    char *when = NULL;
    time_t t;
    struct timespec now;
    long ms = -1;

    if (kc_vars_expand(&cx->vars, s->wait_until, &when, x->err, sizeof(x->err)))
        return -1;
    if (kc_time_parse(when, &t)) {
        kc_err_set(x->err, sizeof(x->err),
                   "wait_until: '%s' is not an ISO 8601 UTC time", when);
        goto out;
    }
    clock_gettime(CLOCK_REALTIME, &now);
    double d = ((double)t - (double)now.tv_sec) * 1000.0 -
               (double)now.tv_nsec / 1e6 + WAIT_UNTIL_MARGIN_MS;
    if (d > KC_CASE_WAIT_MAX_MS) {
        kc_err_set(x->err, sizeof(x->err),
                   "wait_until: %s is %.0f s away, past the %d s a step may "
                   "wait",
                   when, d / 1000.0, KC_CASE_WAIT_MAX_MS / 1000);
        goto out;
    }
    ms = d > 0 ? (long)d : 0;
out:
    free(when);
    return ms;
}

/* The retry policy of step s: interruptible backoffs (setup, probe) end
 * on an interrupt; a probe that expects a throttling code is sent once. */
static struct kc_retry_policy policy_of(const struct case_ctx *cx,
                                        const struct kc_step *s,
                                        bool interruptible)
{
    struct kc_retry_policy rp = cx->sh->o->retry;
    rp.stop = interruptible ? cx->sh->o->stop : NULL;
    if (s == &cx->c->probe && kc_retry_is_throttle_code(cx->c->error))
        rp.retries = 0;
    return rp;
}

/* Sends one step (format JSON unless xml; its transcript made at once
 * when transcript). x is always initialised. */
static void exec_step(struct case_ctx *cx, const struct kc_step *s, bool xml,
                      bool interruptible, bool transcript, struct exchange *x)
{
    struct step_values v;
    const struct kc_retry_policy rp = policy_of(cx, s, interruptible);

    memset(x, 0, sizeof(*x));
    wait_ms(cx->sh, s->wait_ms, interruptible);
    if (s->wait_until) {
        long ms = wait_until_ms(cx, s, x);
        if (ms < 0)
            return;
        wait_ms(cx->sh, ms, interruptible);
    }
    if (!s->action && !s->raw_query) {
        x->sent = true; /* a pure wait */
        x->call.resp.status = 200;
        return;
    }
    if (expand_step(cx, s, &v, x->err, sizeof(x->err)) == 0)
        send_step(cx, s, xml, transcript, &v, &rp, x);
    step_values_dispose(&v);
}

static void answer_of(const struct exchange *x, bool xml, struct kc_answer *a)
{
    a->xml = xml;
    a->status = x->call.resp.status;
    a->content_type = x->call.resp.content_type;
    a->header_request_id = x->call.resp.request_id;
    a->body = kc_buf_str(&x->call.resp.body);
    a->body_len = x->call.resp.body.len;
    a->content_type_count = x->call.resp.content_type_count;
    a->request_id_count = x->call.resp.request_id_count;
}

/* Saves the step's variables from a JSON success body. */
static int save_vars(struct case_ctx *cx, const struct kc_step *s,
                     const struct exchange *x, char *err, size_t el)
{
    if (!s->nsaves)
        return 0;
    cJSON *body = cJSON_ParseWithLength(kc_buf_str(&x->call.resp.body),
                                        x->call.resp.body.len);
    int rc = body ? 0 : -1;
    if (!body)
        snprintf(err, el, "the answer is not JSON, cannot save variables");
    for (size_t i = 0; !rc && i < s->nsaves; i++) {
        char *val = NULL;
        rc = kc_vars_from_json(body, s->saves[i].value, &val, err, el);
        if (!rc && kc_vars_set(&cx->vars, s->saves[i].name, val))
            rc = -1;
        free(val);
    }
    cJSON_Delete(body);
    return rc;
}

/* Appends x under title to the case's log when the log is kept (the
 * setup failed), making x's transcript first; otherwise nothing is built
 * or redacted. */
static void log_append(struct case_ctx *cx, const char *title,
                       struct exchange *x)
{
    if (!cx->keep_log)
        return;
    if (x->built && !x->transcript) {
        make_transcript(cx->sh, &x->call.req, x);
        pthread_mutex_lock(&cx->sh->lock);
        cx->sh->st->transcripts++;
        pthread_mutex_unlock(&cx->sh->lock);
    }
    kc_buf_printf(&cx->log, "## %s\n%s", title,
                  x->transcript ? x->transcript : "");
    if (!x->transcript && x->err[0])
        kc_buf_printf(&cx->log, "! %s\n", x->err);
}

/* What happened before the probes. */
struct setup_result {
    bool ok;
    bool interrupted;
    char type[TYPE_MAX]; /* error type when !ok: "setup", "transport", "case" */
    char msg[MSG_MAX];   /* one line */
    /* RequestId problems of the answers, carried into the probes' results */
    struct kc_check_failure rid_fail[KC_CHECK_CARRIED_MAX];
    size_t nrid_fail;
};

/* kc_check_success through the bundle: the RequestId the answer put into
 * the run's set is kept, redacted, with its record number. */
static void keep_success_rid(struct shared *sh, struct exchange *x,
                             const struct kc_answer *a,
                             struct kc_check_result *res)
{
    struct kc_bundle *b = sh->o->bundle;
    unsigned long seq = kc_bundle_check_success(b, a, sh->rids, res);
    char *rid = res->request_id ? redact_x(sh, x, res->request_id) : NULL;
    if (res->request_id && (!rid || kc_bundle_add_rid(b, seq, rid))) {
        pthread_mutex_lock(&sh->lock);
        if (!sh->st->bundle_errors++)
            snprintf(sh->st->bundle_error, sizeof(sh->st->bundle_error),
                     "out of memory keeping a RequestId");
        pthread_mutex_unlock(&sh->lock);
    }
    free(rid);
}

/*
 * Checks the answer of setup or teardown step idx (phase names which)
 * like a success answer: its RequestId problems go to sr->rid_fail as
 * "<phase> step N: ..."; returns false, saying why, when the body is an
 * error envelope or not in the asked format (JSON, read strictly).
 */
static bool note_success_checks(struct case_ctx *cx, const char *phase,
                                size_t idx, struct exchange *x,
                                struct setup_result *sr, char *why,
                                size_t whylen)
{
    struct kc_answer a;
    struct kc_check_result res;
    bool ok = true;
    answer_of(x, false, &a);
    if (cx->sh->o->bundle)
        keep_success_rid(cx->sh, x, &a, &res);
    else
        kc_check_success(&a, cx->sh->rids, &res);
    for (size_t i = 0; i < res.nfailures; i++) {
        const struct kc_check_failure *r = &res.failures[i];
        if (r->check == KC_CHECK_FORMAT || r->check == KC_CHECK_ENVELOPE) {
            if (ok)
                snprintf(why, whylen, "%s%.280s",
                         r->check == KC_CHECK_FORMAT
                             ? "a body not in the asked format (JSON): "
                             : "",
                         r->message);
            ok = false;
        } else if (sr->nrid_fail < KC_CHECK_CARRIED_MAX) {
            struct kc_check_failure *f = &sr->rid_fail[sr->nrid_fail++];
            f->check = r->check;
            snprintf(f->message, sizeof(f->message), "%s step %zu: %.280s",
                     phase, idx + 1, r->message);
            redact_line(cx->sh, x, f->message, sizeof(f->message));
        }
    }
    kc_check_result_dispose(&res);
    if (!ok)
        redact_line(cx->sh, x, why, whylen);
    return ok;
}

static void setup_failed(struct setup_result *sr, const char *type)
{
    sr->ok = false;
    snprintf(sr->type, sizeof(sr->type), "%s", type);
}

/* Judges setup step i's exchange: an answer, a 2xx status, a success body
 * in the asked format (every answer enters the RequestId set), the
 * variables it saves. A failed step leaves sr->ok false with its type and
 * message. */
static void judge_setup_step(struct case_ctx *cx, size_t i, struct exchange *x,
                             struct setup_result *sr)
{
    const struct kc_step *s = &cx->c->setup[i];
    char err[KC_ERR_MAX] = "";
    bool answered = x->sent && (s->action || s->raw_query);
    bool body_ok = !answered ||
                   note_success_checks(cx, "setup", i, x, sr, err, sizeof(err));

    if (!x->sent) {
        setup_failed(sr, x->transport ? "transport" : "case");
        snprintf(sr->msg, sizeof(sr->msg), "setup step %zu (%s): %s", i + 1,
                 s->action ? s->action : "wait", x->err);
    } else if (x->call.resp.status < 200 || x->call.resp.status > 299) {
        setup_failed(sr, "setup");
        snprintf(sr->msg, sizeof(sr->msg),
                 "setup step %zu (%s) answered HTTP %ld", i + 1, s->action,
                 x->call.resp.status);
    } else if (!body_ok) {
        setup_failed(sr, "setup");
        snprintf(sr->msg, sizeof(sr->msg),
                 "setup step %zu (%s) answered HTTP %ld with %s", i + 1,
                 s->action ? s->action : "query", x->call.resp.status, err);
    } else if (answered && save_vars(cx, s, x, err, sizeof(err))) {
        setup_failed(sr, "setup");
        snprintf(sr->msg, sizeof(sr->msg), "setup step %zu (%s): %s", i + 1,
                 s->action, err);
    }
    if (!sr->ok)
        redact_line(cx->sh, x, sr->msg, sizeof(sr->msg));
}

static void setup_title(const struct kc_step *s, size_t i, char *title,
                        size_t len)
{
    snprintf(title, len, "setup %zu: %s", i + 1,
             s->action ? s->action : "wait");
}

/* Runs the setup. The exchanges are kept until it ends: only when a step
 * fails are their transcripts made, into the case's log, which is then
 * kept for the teardown and clean-up too. */
static void run_setup(struct case_ctx *cx, struct setup_result *sr)
{
    const struct kc_case *c = cx->c;
    struct exchange *done = calloc(c->nsetup ? c->nsetup : 1, sizeof(*done));
    size_t n = 0;
    char title[TITLE_MAX];
    memset(sr, 0, sizeof(*sr));
    sr->ok = done != NULL;
    if (!done) {
        setup_failed(sr, "case");
        snprintf(sr->msg, sizeof(sr->msg), "out of memory");
        pthread_mutex_lock(&cx->sh->lock);
        cx->sh->oom = true;
        pthread_mutex_unlock(&cx->sh->lock);
    }
    for (size_t i = 0; i < c->nsetup && sr->ok; i++) {
        if (stopped(cx->sh)) {
            sr->interrupted = true;
            break;
        }
        struct exchange *x = &done[n++];
        exec_step(cx, &c->setup[i], false, true, false, x);
        if (x->not_sent || (!x->sent && !x->transport && stopped(cx->sh)))
            sr->interrupted = true; /* not sent: the run stopped meanwhile */
        else
            judge_setup_step(cx, i, x, sr);
        if (sr->interrupted)
            break;
    }
    cx->keep_log = !sr->ok;
    for (size_t i = 0; i < n; i++) {
        setup_title(&c->setup[i], i, title, sizeof(title));
        log_append(cx, title, &done[i]);
        exchange_dispose(&done[i]);
    }
    free(done);
}

/* The note for teardown step i whose answer x was not a clean success,
 * into line; line[0] is '\0' when there is nothing to say. */
static void teardown_note(struct case_ctx *cx, size_t i, struct exchange *x,
                          struct setup_result *tr, char *line, size_t linelen)
{
    const struct kc_step *s = &cx->c->teardown[i];
    char why[KC_ERR_MAX] = "";
    bool answered = x->sent && (s->action || s->raw_query);
    bool ok =
        x->sent && x->call.resp.status >= 200 && x->call.resp.status <= 299;
    bool body_ok = !answered || note_success_checks(cx, "teardown", i, x, tr,
                                                    why, sizeof(why));

    line[0] = '\0';
    if (!ok)
        snprintf(line, linelen, "note: %s teardown step %zu (%s): %s",
                 cx->c->id, i + 1, s->action ? s->action : "wait",
                 x->sent ? "answered an error" : x->err);
    else if (!body_ok)
        snprintf(line, linelen,
                 "note: %s teardown step %zu (%s): answered HTTP %ld with %s",
                 cx->c->id, i + 1, s->action ? s->action : "query",
                 x->call.resp.status, why);
    if (line[0])
        redact_line(cx->sh, x, line, linelen);
}

/* Runs the teardown; the RequestId problems of its answers go to
 * tr->rid_fail (every answer enters the run's RequestId set). */
static void run_teardown(struct case_ctx *cx, struct setup_result *tr)
{
    const struct kc_case *c = cx->c;
    memset(tr, 0, sizeof(*tr));
    cx->tearing_down = true;
    for (size_t i = 0; i < c->nteardown; i++) {
        const struct kc_step *s = &c->teardown[i];
        struct exchange x;
        char title[TITLE_MAX], line[NOTE_MAX];
        exec_step(cx, s, false, false, false, &x);
        snprintf(title, sizeof(title), "teardown %zu: %s", i + 1,
                 s->action ? s->action : "wait");
        log_append(cx, title, &x);
        teardown_note(cx, i, &x, tr, line, sizeof(line));
        if (line[0])
            notify_note(cx->sh, line);
        exchange_dispose(&x);
    }
}

/* ---- leftovers of a case that stopped early ---- */

/* Removes one leftover with the credential that created it; true when the
 * target answered 2xx. */
static bool remove_leftover(struct case_ctx *cx,
                            const struct kc_ledger_item *it, size_t n,
                            char *why, size_t whylen)
{
    bool key = it->kind == KC_LEDGER_KEY;
    char schedule[] = "ScheduleKeyDeletion", delete_alias[] = "DeleteAlias";
    struct kc_param p[2] = {{key ? "KeyId" : "AliasName", it->id},
                            {"PendingWindowInDays", "7"}};
    struct kc_step s = {.action = key ? schedule : delete_alias,
                        .credential = it->credential,
                        .signature = KC_SIG_VALID};
    struct step_values v = {.params = {.v = p, .n = key ? 2 : 1}};
    struct kc_retry_policy rp = cx->sh->o->retry;
    struct exchange x;
    char title[TITLE_MAX];
    memset(&x, 0, sizeof(x));
    rp.stop = NULL; /* the clean-up of an interrupted case runs in full */
    send_step(cx, &s, false, false, &v, &rp, &x);
    snprintf(title, sizeof(title), "cleanup %zu: %s", n, s.action);
    log_append(cx, title, &x);
    bool ok = x.sent && x.call.resp.status >= 200 && x.call.resp.status <= 299;
    if (!ok && x.sent)
        snprintf(why, whylen, "answered HTTP %ld", x.call.resp.status);
    else if (!ok)
        snprintf(why, whylen, "%s", x.err);
    exchange_dispose(&x);
    return ok;
}

/* After the teardown of a case that stopped early: removes what it created
 * and did not remove, aliases first (a key's alias goes before it). */
static void run_cleanup(struct case_ctx *cx)
{
    struct kc_ledger_items todo = cx->made; /* send_step records into made */
    size_t n = 0, removed = 0, failed = 0;
    char why[KC_ERR_MAX], line[NOTE_MAX];
    memset(&cx->made, 0, sizeof(cx->made));
    cx->tearing_down = true;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = todo.n; i-- > 0;) {
            const struct kc_ledger_item *it = &todo.v[i];
            if ((it->kind == KC_LEDGER_ALIAS) != (pass == 0))
                continue;
            if (!it->id) {
                snprintf(line, sizeof(line),
                         "note: %s: a CreateKey got no answer; 'kmsconf sweep "
                         "--label %s' removes what it may have created",
                         cx->c->id, cx->sh->label);
                notify_note(cx->sh, line);
                failed++;
                continue;
            }
            if (remove_leftover(cx, it, ++n, why, sizeof(why))) {
                removed++;
                continue;
            }
            failed++;
            snprintf(line, sizeof(line), "note: %s: cleanup of %s %s: %s",
                     cx->c->id, it->kind == KC_LEDGER_KEY ? "key" : "alias",
                     it->id, why);
            notify_note(cx->sh, line);
        }
    if (removed) {
        snprintf(line, sizeof(line),
                 "note: %s stopped early: removed %zu resource%s its "
                 "teardown left",
                 cx->c->id, removed, removed == 1 ? "" : "s");
        notify_note(cx->sh, line);
    }
    pthread_mutex_lock(&cx->sh->lock);
    cx->sh->st->cleaned += removed;
    cx->sh->st->cleanup_failed += failed;
    pthread_mutex_unlock(&cx->sh->lock);
    kc_ledger_items_dispose(&todo);
}

/* ---- testcases ---- */

/* A probe answer kept for the evidence bundle, redacted (owned). */
struct recorded {
    bool have;
    unsigned long seq; /* its record number (kc_bundle_check_error) */
    size_t nown;       /* failures of the checks; later ones are carried */
    long status;
    char *body; /* its strings redacted, owned */
    size_t body_len;
    char *content_type;
    char *rid_header;
    unsigned content_type_count, request_id_count;
    struct kc_arg *args; /* names borrowed from the case, values: vals */
    char **vals;
    size_t nargs;
};

static void recorded_dispose(struct recorded *r)
{
    free(r->body);
    free(r->content_type);
    free(r->rid_header);
    for (size_t i = 0; i < r->nargs; i++)
        free(r->vals[i]);
    free(r->vals);
    free(r->args);
    memset(r, 0, sizeof(*r));
}

struct tc_draft {
    bool xml;
    enum kc_outcome outcome;
    struct kc_check_result res;
    bool have_res;
    char type[TYPE_MAX];
    char msg[MSG_MAX];
    char *transcript; /* redacted, owned */
    char *request_id;
    double time_s;
    unsigned retries;    /* the probe's throttled answers retried */
    struct recorded ans; /* for the bundle (kc_run_opts.bundle) */
};

static char *failure_detail(const struct tc_draft *d)
{
    struct kc_buf b;
    kc_buf_init(&b, 0);
    kc_buf_puts(&b, "RequestId: ");
    kc_buf_puts(&b, d->request_id ? d->request_id : "(none)");
    kc_buf_puts(&b, "\n\n");
    kc_buf_puts(&b, d->transcript ? d->transcript : "");
    return kc_buf_detach(&b);
}

static int add_failure(const struct shared *sh, struct kc_testcase *tc,
                       const char *check, const char *msg, const char *detail)
{
    char *m = redact(sh, msg);
    int rc = m ? kc_testcase_add_failure(tc, check, m, detail) : -1;
    free(m);
    return rc;
}

/* The first failure carries the RequestId and the transcript; the others
 * point to it, so that a testcase failing several checks holds the
 * exchange once. */
static int fill_failures(const struct shared *sh, struct kc_testcase *tc,
                         const struct tc_draft *d)
{
    bool failed = d->outcome == KC_OUTCOME_ERROR ||
                  (d->outcome == KC_OUTCOME_FAIL && d->res.nfailures);
    char *detail = failed ? failure_detail(d) : NULL;
    char *ref = NULL;
    int rc = !failed || detail ? 0 : -1;
    if (!rc && d->outcome == KC_OUTCOME_ERROR)
        rc = add_failure(sh, tc, d->type, d->msg, detail);
    for (size_t i = 0;
         !rc && d->outcome == KC_OUTCOME_FAIL && i < d->res.nfailures; i++) {
        if (i == 1) {
            struct kc_buf b;
            kc_buf_init(&b, 0);
            kc_buf_printf(&b, "RequestId: %s\n(exchange: see check %s)\n",
                          d->request_id ? d->request_id : "(none)",
                          kc_check_name(d->res.failures[0].check));
            ref = kc_buf_take(&b);
            if (!ref) {
                rc = -1;
                break;
            }
        }
        rc = add_failure(sh, tc, kc_check_name(d->res.failures[i].check),
                         d->res.failures[i].message, i ? ref : detail);
    }
    free(ref);
    free(detail);
    return rc;
}

/* Appends one testcase to the report (lock held by the caller). */
static int emit(struct shared *sh, const struct kc_case *c,
                const struct tc_draft *d, struct kc_testcase **out)
{
    const char *fmt = d->xml ? "xml" : "json";
    struct kc_testcase *tc = kc_report_add_case(sh->report);
    if (!tc)
        return -1;
    *out = tc;
    tc->outcome = d->outcome;
    tc->time_s = d->time_s;
    tc->retries = d->retries;
    tc->request_id = d->request_id ? strdup(d->request_id) : NULL;
    tc->transcript = d->transcript ? strdup(d->transcript) : NULL;
    if (d->have_res && d->res.tmpl_source)
        tc->message_template = strdup(d->res.tmpl_source);
    tc->level = strdup(kc_level_name(c->level));
    /* an unknown action on purpose (InvalidApi.NotFound) is no API action
     * a target could claim */
    if (c->probe.action && strcmp(c->error, "InvalidApi.NotFound") != 0)
        tc->action = strdup(c->probe.action);
    if (d->outcome == KC_OUTCOME_SKIP) {
        tc->skip_type = strdup(d->type);
        tc->skip_reason = strdup(d->msg);
    }
    if (kc_testcase_set_id(tc, c->id, fmt, c->error))
        return -1;
    return fill_failures(sh, tc, d);
}

/* Appends the testcases of a case to the report and hands them to the
 * observer, under the report lock (the observer reads each one before
 * another worker can move the report's array). */
static void publish(struct case_ctx *cx, const struct tc_draft *d, size_t n)
{
    struct shared *sh = cx->sh;
    pthread_mutex_lock(&sh->lock);
    for (size_t i = 0; i < n; i++) {
        struct kc_testcase *tc = NULL;
        if (emit(sh, cx->c, &d[i], &tc))
            sh->oom = true;
        if (tc)
            notify_testcase(sh, tc);
    }
    pthread_mutex_unlock(&sh->lock);
}

static void set_all(struct tc_draft *d, size_t n, enum kc_outcome o,
                    const char *type, const char *msg);

/* The testcases of a case stopped before its probes: skipped, as
 * interrupted or aborted. */
static void skip_stopped(struct shared *sh, struct tc_draft *d, size_t n)
{
    char msg[MSG_MAX];
    if (interrupted(sh)) {
        set_all(d, n, KC_OUTCOME_SKIP, "interrupted",
                "the run was interrupted before the probe");
        return;
    }
    snprintf(msg, sizeof(msg), "the run was aborted before the probe: %s",
             sh->st->abort_reason);
    set_all(d, n, KC_OUTCOME_SKIP, "aborted", msg);
}

/* Builds and redacts the probe's transcript, once its verdict says the
 * report keeps it: a failing, erroring or retried (flaky) probe's, or
 * every one with kc_run_opts.passing_transcripts. */
static void probe_transcript(struct case_ctx *cx, struct exchange *x,
                             struct tc_draft *d)
{
    if (!x->built)
        return;
    make_transcript(cx->sh, &x->call.req, x);
    d->transcript = x->transcript;
    x->transcript = NULL;
    if (!d->transcript)
        return;
    pthread_mutex_lock(&cx->sh->lock);
    cx->sh->st->transcripts++;
    pthread_mutex_unlock(&cx->sh->lock);
}

/* Keeps the answer a of x for the bundle, redacted: its body, its
 * headers, the arguments of its expected error. */
static void keep_answer(struct shared *sh, struct exchange *x,
                        const struct kc_expected_error *ex,
                        const struct kc_answer *a, struct tc_draft *d)
{
    struct recorded *r = &d->ans;
    bool ok = true;
    r->nown = d->res.nfailures;
    r->status = a->status;
    r->content_type_count = a->content_type_count;
    r->request_id_count = a->request_id_count;
    r->body = redact_x(sh, x, a->body);
    r->body_len = r->body ? strlen(r->body) : 0;
    r->content_type = a->content_type ? redact_x(sh, x, a->content_type) : NULL;
    r->rid_header =
        a->header_request_id ? redact_x(sh, x, a->header_request_id) : NULL;
    ok = r->body && (!a->content_type || r->content_type) &&
         (!a->header_request_id || r->rid_header);
    if (ex->nargs) {
        r->args = calloc(ex->nargs, sizeof(*r->args));
        r->vals = calloc(ex->nargs, sizeof(*r->vals));
        ok = ok && r->args && r->vals;
    }
    for (size_t i = 0; ok && i < ex->nargs; i++) {
        r->vals[i] = redact(sh, ex->args[i].value);
        r->args[i].name = ex->args[i].name;
        r->args[i].value = r->vals[i] ? r->vals[i] : "";
        r->nargs = i + 1;
        ok = r->vals[i] != NULL;
    }
    r->have = ok;
}

/* Writes the recorded answers of a case's testcases into the bundle, with
 * the failures carried into their results after the checks (setup and
 * teardown RequestId problems; parity is re-derived, not carried). */
static void bundle_answers(struct case_ctx *cx, const struct tc_draft *d,
                           size_t n)
{
    const struct kc_run_opts *o = cx->sh->o;
    char err[KC_ERR_MAX];
    for (size_t i = 0; o->bundle && i < n; i++) {
        const struct recorded *r = &d[i].ans;
        struct kc_check_failure carried[KC_CHECK_FAILURES_MAX];
        size_t nc = 0;
        if (!r->have)
            continue;
        for (size_t k = r->nown; k < d[i].res.nfailures; k++)
            if (d[i].res.failures[k].check != KC_CHECK_PARITY)
                carried[nc++] = d[i].res.failures[k];
        struct kc_bundle_answer b = {cx->c->id,
                                     d[i].xml,
                                     cx->c->error,
                                     r->args,
                                     r->nargs,
                                     o->envelope ? o->envelope->name : NULL,
                                     o->target->strict_messages,
                                     r->status,
                                     r->content_type,
                                     r->content_type_count,
                                     r->rid_header,
                                     r->request_id_count,
                                     r->body,
                                     r->body_len,
                                     carried,
                                     nc};
        if (kc_bundle_add_answer(o->bundle, r->seq, &b, err, sizeof(err))) {
            pthread_mutex_lock(&cx->sh->lock);
            if (!cx->sh->st->bundle_errors++)
                snprintf(cx->sh->st->bundle_error,
                         sizeof(cx->sh->st->bundle_error), "%.200s", err);
            pthread_mutex_unlock(&cx->sh->lock);
        }
    }
}

static void probe_one(struct case_ctx *cx, const struct kc_expected_error *ex,
                      struct tc_draft *d)
{
    struct exchange x;
    if (aborted(cx->sh)) {
        skip_stopped(cx->sh, d, 1);
        return;
    }
    exec_step(cx, &cx->c->probe, d->xml, true, false, &x);
    d->time_s = x.call.resp.time_s;
    d->retries = x.call.retries;
    if (!x.sent && !x.transport && stopped(cx->sh)) { /* never sent */
        d->outcome = KC_OUTCOME_SKIP;
        snprintf(d->type, sizeof(d->type), "interrupted");
        snprintf(d->msg, sizeof(d->msg),
                 "the run was interrupted before the probe");
        exchange_dispose(&x);
        return;
    }
    if (!x.sent) {
        d->outcome = KC_OUTCOME_ERROR;
        snprintf(d->type, sizeof(d->type), "%s",
                 x.transport ? "transport" : "case");
        snprintf(d->msg, sizeof(d->msg), "probe: %s", x.err);
        probe_transcript(cx, &x, d);
        exchange_dispose(&x);
        return;
    }
    struct kc_answer a;
    answer_of(&x, d->xml, &a);
    if (cx->sh->o->bundle) {
        d->ans.seq = kc_bundle_check_error(cx->sh->o->bundle, ex, &a,
                                           cx->sh->rids, &d->res);
        keep_answer(cx->sh, &x, ex, &a, d);
    } else {
        kc_check_error(ex, &a, cx->sh->rids, &d->res);
    }
    d->have_res = true;
    redact_result(cx->sh, &x, &d->res);
    if (d->res.request_id)
        d->request_id = strdup(d->res.request_id);
    if (d->res.nfailures || x.call.retries || cx->sh->o->passing_transcripts)
        probe_transcript(cx, &x, d);
    exchange_dispose(&x);
}

/* Binds expect.args (values expanded) for the message check. */
static int bind_args(struct case_ctx *cx, struct xpairs *xp,
                     struct kc_arg **args, char *err, size_t el)
{
    const struct kc_step *p = &cx->c->probe;
    *args = NULL;
    if (expand_pairs(&cx->vars, p->expect_args, p->nexpect_args, xp, err, el))
        return -1;
    if (!xp->n)
        return 0;
    *args = calloc(xp->n, sizeof(**args));
    if (!*args)
        return -1;
    for (size_t i = 0; i < xp->n; i++) {
        (*args)[i].name = xp->v[i].name;
        (*args)[i].value = xp->v[i].value;
    }
    return 0;
}

static void set_all(struct tc_draft *d, size_t n, enum kc_outcome o,
                    const char *type, const char *msg)
{
    for (size_t i = 0; i < n; i++) {
        d[i].outcome = o;
        snprintf(d[i].type, sizeof(d[i].type), "%s", type);
        snprintf(d[i].msg, sizeof(d[i].msg), "%s", msg);
    }
}

static void run_probes(struct case_ctx *cx, struct tc_draft *d, size_t n,
                       const struct setup_result *sr)
{
    const struct kc_run_opts *o = cx->sh->o;
    struct xpairs xp;
    struct kc_arg *args = NULL;
    char err[KC_ERR_MAX] = "";
    const struct kc_catalog_entry *e =
        kc_catalog_find(o->catalog, cx->c->error);
    if (!e || bind_args(cx, &xp, &args, err, sizeof(err))) {
        set_all(d, n, KC_OUTCOME_ERROR, "case",
                e ? err : "the case's error code is not in the catalog");
        goto out;
    }
    struct kc_expected_error ex = {e, args, xp.n, o->envelope};
    for (size_t i = 0; i < n; i++) {
        probe_one(cx, &ex, &d[i]);
        for (size_t k = 0; k < sr->nrid_fail && d[i].have_res; k++) {
            struct kc_check_result *r = &d[i].res;
            /* always true: KC_CHECK_FAILURES_MAX leaves room for them */
            if (r->nfailures < sizeof(r->failures) / sizeof(r->failures[0]))
                r->failures[r->nfailures++] = sr->rid_fail[k];
        }
    }
    if (n == FORMATS_MAX && d[0].have_res && d[1].have_res)
        kc_check_parity(&d[0].res, &d[1].res);
    for (size_t i = 0; i < n; i++)
        if (d[i].have_res)
            d[i].outcome =
                d[i].res.nfailures ? KC_OUTCOME_FAIL : KC_OUTCOME_PASS;
out:
    free(args);
    xpairs_dispose(&xp);
}

/* The teardown's RequestId problems join the failures of testcases whose
 * probe was judged. */
static void add_teardown_failures(struct tc_draft *d, size_t n,
                                  const struct setup_result *tr)
{
    for (size_t i = 0; i < n; i++) {
        struct kc_check_result *r = &d[i].res;
        for (size_t k = 0; k < tr->nrid_fail && d[i].have_res; k++) {
            if (r->nfailures < KC_CHECK_FAILURES_MAX)
                r->failures[r->nfailures++] = tr->rid_fail[k];
            d[i].outcome = KC_OUTCOME_FAIL;
        }
    }
}

static size_t drafts_init(const struct kc_run_opts *o,
                          struct tc_draft d[FORMATS_MAX])
{
    size_t n = 0;
    memset(d, 0, FORMATS_MAX * sizeof(*d));
    if (o->json)
        d[n++].xml = false;
    if (o->xml)
        d[n++].xml = true;
    return n;
}

static void run_case(struct shared *sh, struct kc_http *http,
                     const struct kc_case *c)
{
    struct case_ctx cx = {.sh = sh, .http = http, .c = c};
    struct tc_draft d[FORMATS_MAX];
    struct kc_skip skip;
    size_t n = drafts_init(sh->o, d);
    kc_vars_init(&cx.vars, &sh->run_vars);
    kc_buf_init(&cx.log, TRANSCRIPT_MAX);
    if (kc_vars_set(&cx.vars, "case.id", c->id)) {
        sh->oom = true;
        goto out;
    }
    if (!kc_target_can_run(sh->o->target, c, &skip)) {
        set_all(d, n, KC_OUTCOME_SKIP, skip.type, skip.reason);
    } else {
        struct setup_result sr;
        run_setup(&cx, &sr);
        if (sr.interrupted || (sr.ok && stopped(sh)))
            skip_stopped(sh, d, n);
        else if (!sr.ok)
            set_all(d, n, KC_OUTCOME_ERROR, sr.type, sr.msg);
        else
            run_probes(&cx, d, n, &sr);
        struct setup_result tr;
        run_teardown(&cx, &tr);
        add_teardown_failures(d, n, &tr);
        if (!sr.ok || stopped(sh))
            run_cleanup(&cx);
        if (!sr.ok)
            for (size_t i = 0; i < n; i++)
                if (!d[i].transcript)
                    d[i].transcript = strdup(kc_buf_str(&cx.log));
    }
    bundle_answers(&cx, d, n);
    publish(&cx, d, n);
out:
    for (size_t i = 0; i < n; i++) {
        recorded_dispose(&d[i].ans);
        kc_check_result_dispose(&d[i].res);
        free(d[i].transcript);
        free(d[i].request_id);
    }
    kc_vars_dispose(&cx.vars);
    kc_buf_dispose(&cx.log);
    kc_ledger_items_dispose(&cx.made);
}

static void *worker_main(void *arg)
{
    struct shared *sh = arg;
    struct kc_http *http = kc_http_new(&sh->o->http);
    if (!http) {
        pthread_mutex_lock(&sh->lock);
        sh->oom = true;
        pthread_mutex_unlock(&sh->lock);
        return NULL;
    }
    for (;;) {
        bool stop = stopped(sh);
        size_t i = 0;
        pthread_mutex_lock(&sh->lock);
        stop = stop || sh->oom || sh->next >= sh->o->ncases;
        if (!stop) /* next: the first case that never started */
            i = sh->next++;
        pthread_mutex_unlock(&sh->lock);
        if (stop)
            break;
        run_case(sh, http, sh->o->cases[sh->order[i]]);
    }
    kc_http_free(http);
    return NULL;
}

static int start_workers(struct shared *sh, char *err, size_t errlen)
{
    unsigned jobs = sh->o->jobs ? sh->o->jobs : 1;
    if (jobs > sh->o->ncases)
        jobs = sh->o->ncases ? (unsigned)sh->o->ncases : 1;
    pthread_t *t = calloc(jobs, sizeof(*t));
    unsigned started = 0;
    sh->workers = jobs;
    kc_strict_xml_init();
    int rc = t ? 0 : -1;
    for (; !rc && started < jobs; started++)
        if (pthread_create(&t[started], NULL, worker_main, sh)) {
            rc = -1;
            break;
        }
    if (rc) { /* the ones running finish the queue */
        snprintf(err, errlen, "cannot start worker threads");
        pthread_mutex_lock(&sh->lock);
        sh->oom = true;
        pthread_mutex_unlock(&sh->lock);
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    free(t);
    return rc;
}

/* After an abort: the testcases of the cases that never started, skipped
 * as not run (not told to the observer: the summary counts them). */
static void add_not_run(struct shared *sh)
{
    struct tc_draft d[FORMATS_MAX];
    char msg[MSG_MAX];
    size_t n = drafts_init(sh->o, d);
    snprintf(msg, sizeof(msg), "the run was aborted: %s", sh->st->abort_reason);
    set_all(d, n, KC_OUTCOME_SKIP, "not-run", msg);
    for (size_t i = sh->next; i < sh->o->ncases && !sh->oom; i++)
        for (size_t k = 0; k < n; k++) {
            struct kc_testcase *tc = NULL;
            if (emit(sh, sh->o->cases[sh->order[i]], &d[k], &tc))
                sh->oom = true;
            else
                sh->st->not_run++;
        }
}

int kc_run_execute(const struct kc_run_opts *o, struct kc_report *r,
                   struct kc_run_stats *st, char *err, size_t errlen)
{
    struct shared sh = {.o = o, .report = r, .st = st};
    char run_id[UUID_LEN];
    int rc = -1;
    memset(st, 0, sizeof(*st));
    kc_vars_init(&sh.run_vars, NULL);
    sh.rids = kc_ridset_new();
    if (o->run_id)
        snprintf(run_id, sizeof(run_id), "%s", o->run_id);
    else
        kc_uuid4(run_id);
    sh.order = calloc(o->ncases ? o->ncases : 1, sizeof(*sh.order));
    if (!sh.rids || !sh.order ||
        kc_plan_order(o->cases, o->ncases, (size_t)o->json + o->xml,
                      KC_PLAN_RTT_MS, sh.order) ||
        pthread_mutex_init(&sh.lock, NULL)) {
        snprintf(err, errlen, "out of memory");
        goto out_free;
    }
    if (pthread_mutex_init(&sh.abort_lock, NULL)) {
        pthread_mutex_destroy(&sh.lock);
        snprintf(err, errlen, "out of memory");
        goto out_free;
    }
    atomic_init(&sh.abort, KC_RUN_NOT_ABORTED);
    clock_gettime(CLOCK_MONOTONIC, &sh.t0);
    sh.deadline_ms = o->max_time_ms > 0 ? o->max_time_ms : 0;
    if (kc_vars_set_run(&sh.run_vars, run_id) ||
        kc_vars_set_target(&sh.run_vars, o->target) ||
        !(sh.label = kc_vars_get(&sh.run_vars, "run.label"))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    rc = start_workers(&sh, err, errlen);
    st->interrupted = interrupted(&sh);
    if (!rc && atomic_load(&sh.abort) != KC_RUN_NOT_ABORTED)
        add_not_run(&sh);
    if (!rc && sh.oom) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    kc_report_sort(r);
out:
    pthread_mutex_destroy(&sh.abort_lock);
    pthread_mutex_destroy(&sh.lock);
out_free:
    free(sh.order);
    kc_ridset_free(sh.rids);
    kc_vars_dispose(&sh.run_vars);
    return rc;
}

/* The target's manifest and claims, those it states (docs/reports.md,
 * "Claims"). */
static int manifest_props(struct kc_report *r, const struct kc_manifest *m)
{
    static const char *const names[] = {
        "kmsconf.vendor",  "kmsconf.product",       "kmsconf.product_version",
        "kmsconf.contact", "kmsconf.claims.levels", "kmsconf.claims.actions"};
    const char *values[6];
    int rc = 0;

    if (!m)
        return 0;
    values[0] = m->vendor;
    values[1] = m->product;
    values[2] = m->version;
    values[3] = m->contact;
    values[4] = m->levels;
    values[5] = m->actions;
    for (size_t i = 0; i < 6; i++) {
        if (values[i])
            rc |= kc_report_set_prop(r, names[i], values[i]);
    }
    return rc;
}

int kc_run_manifest(struct kc_report *r, const struct kc_run_opts *o,
                    const char *started, const char *shard, bool interrupted)
{
    char host[HOST_MAX];
    const struct kc_target *t = o->target;
    kc_url_host(t->endpoint, host, sizeof(host));
    const char *formats = o->json && o->xml ? "json,xml"
                          : o->xml          ? "xml"
                                            : "json";
    char cases_sha[65] = "";
    int rc = 0;
    if (o->cases_sha256)
        snprintf(cases_sha, sizeof(cases_sha), "%s", o->cases_sha256);
    else
        rc = kc_cases_digest(o->cases, o->ncases, cases_sha);
    rc |= kc_report_set_prop(r, "kmsconf.version", KC_VERSION);
    rc |= kc_report_set_prop(
        r, "kmsconf.suite_version",
        o->catalog->suite_version ? o->catalog->suite_version : "unversioned");
    rc |= kc_report_set_prop(r, "kmsconf.catalog_sha256", o->catalog->sha256);
    rc |= kc_report_set_prop(r, "kmsconf.cases_sha256", cases_sha);
    rc |= kc_report_set_prop(r, "kmsconf.target", t->name);
    rc |= kc_report_set_prop(r, "kmsconf.endpoint_host", host);
    rc |= kc_report_set_prop(r, "kmsconf.region", t->region);
    rc |= kc_report_set_prop(r, "kmsconf.signature",
                             t->signature == KC_SIGVER_V3 ? "v3" : "v1");
    rc |= kc_report_set_prop(r, "kmsconf.formats", formats);
    rc |= kc_report_set_prop(r, "kmsconf.envelope", t->envelope);
    rc |= kc_report_set_prop(r, "kmsconf.messages",
                             t->strict_messages ? "seed" : "documented");
    rc |= kc_report_set_prop(r, "kmsconf.started", started);
    rc |= kc_report_set_prop(r, "kmsconf.interrupted",
                             interrupted ? "true" : "false");
    rc |= kc_report_set_prop(r, "kmsconf.shard", shard ? shard : "1/1");
    rc |= manifest_props(r, t->manifest);
    return rc ? -1 : 0;
}

enum kc_exit kc_run_exit(const struct kc_report *r,
                         const struct kc_run_stats *st, bool stale)
{
    if (st->interrupted || st->aborted == KC_RUN_ABORT_DEADLINE)
        return KC_EXIT_INTERRUPTED;
    if (st->aborted == KC_RUN_ABORT_UNANSWERED ||
        (!st->responses && !st->answered_badly && st->transport_errors))
        return KC_EXIT_UNREACHABLE;
    if (kc_report_count(r, KC_OUTCOME_FAIL) ||
        kc_report_count(r, KC_OUTCOME_ERROR))
        return KC_EXIT_NONCONFORMANT;
    return stale ? KC_EXIT_STALE : KC_EXIT_OK;
}

const char *kc_run_abort_name(enum kc_run_abort a)
{
    switch (a) {
    case KC_RUN_ABORT_UNANSWERED:
        return "unanswered";
    case KC_RUN_ABORT_DEADLINE:
        return "deadline";
    case KC_RUN_NOT_ABORTED:
        break;
    }
    return "false";
}
