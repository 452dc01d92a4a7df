/* kc_bverify: re-derives a bundle's verdicts from its recorded answers. */
#include "kc/bverify.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/catalog.h"
#include "kc/check.h"
#include "kc/codec.h"
#include "kc/envelope.h"
#include "kc/err.h"
#include "kc/file.h"
#include "kc/json.h"
#include "kc/junit.h"
#include "kc/report.h"
#include "kc/results.h"

#define FULL_MAX      4096
#define ENVELOPES_MAX 8 /* distinct envelope rule sets in one bundle */
#define ARGS_MAX      32
#define LINE_MAX_     512
#define REPORT_NAME   "report.xml"
#define RESULTS_NAME  "results.json"

/* One recorded answer and its re-derived verdict. */
struct rec {
    cJSON *doc; /* owns the strings below */
    char file[KC_BUNDLE_PATH_MAX];
    unsigned long seq;
    const char *case_id, *code;
    bool xml;
    bool judged;
    bool matched; /* a report testcase was compared with it */
    struct kc_check_result res;
};

struct verifier {
    const char *dir;
    kc_bundle_problem_fn fn;
    void *ctx;
    struct kc_catalog *cat;
    struct kc_envelope *envs[ENVELOPES_MAX];
    size_t nenvs;
    struct kc_report *report;  /* report.xml */
    struct kc_report *results; /* results.json */
    struct rec *recs;
    size_t nrecs;
    struct kc_ridset *rids;
    cJSON *success_rids; /* rids.json's array, in record order */
    cJSON *rids_doc;
    struct kc_bverify_stats *st;
};

/* Tells "<where>: <what>" as a difference. */
static void differ(struct verifier *v, const char *where, const char *what)
{
    char line[LINE_MAX_];
    kc_err_set(line, sizeof(line), "%s: %s", where, what);
    v->fn(v->ctx, line);
    v->st->differences++;
}

static const struct kc_envelope *
envelope_of(struct verifier *v, const char *name, char *err, size_t errlen)
{
    char path[FULL_MAX];
    if (!name)
        return NULL;
    for (size_t i = 0; i < v->nenvs; i++)
        if (!strcmp(v->envs[i]->name, name))
            return v->envs[i];
    if (v->nenvs == ENVELOPES_MAX) {
        kc_err_set(err, errlen, "more than %d envelope rule sets",
                   ENVELOPES_MAX);
        return NULL;
    }
    snprintf(path, sizeof(path), "%s/suite/envelopes.json", v->dir);
    if (kc_envelope_load(&v->envs[v->nenvs], path, name, err, errlen))
        return NULL;
    return v->envs[v->nenvs++];
}

/* A string member that may be null; *ok false when it is neither. */
static const char *opt_string(const cJSON *o, const char *key, bool *ok)
{
    const char *s = NULL;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, key);
    if (cJSON_IsNull(m))
        return NULL;
    if (kc_json_string(o, key, &s) != KC_JSON_OK)
        *ok = false;
    return s;
}

static bool read_counts(const cJSON *d, struct kc_answer *a)
{
    long st = 0, ctc = 0, ridc = 0;
    bool ok =
        kc_json_long(d, "status", 0, 999, &st) == KC_JSON_OK &&
        kc_json_long(d, "content_type_count", 0, 1000, &ctc) == KC_JSON_OK &&
        kc_json_long(d, "request_id_count", 0, 1000, &ridc) == KC_JSON_OK;
    a->status = st;
    a->content_type_count = (unsigned)ctc;
    a->request_id_count = (unsigned)ridc;
    return ok;
}

/* The answer and the expected error of r's document; body and args are
 * the caller's (free). false when a member is missing or mistyped. */
static bool read_answer(struct verifier *v, struct rec *r, struct kc_answer *a,
                        struct kc_expected_error *ex, struct kc_arg *args,
                        unsigned char **body, char *err, size_t errlen)
{
    const cJSON *d = r->doc, *jargs = NULL, *m;
    const char *fmt = NULL, *b64 = NULL;
    bool ok, seed = false;
    memset(a, 0, sizeof(*a));
    memset(ex, 0, sizeof(*ex));
    ok = kc_json_string(d, "case", &r->case_id) == KC_JSON_OK &&
         kc_json_string(d, "format", &fmt) == KC_JSON_OK &&
         kc_json_string(d, "code", &r->code) == KC_JSON_OK &&
         kc_json_object(d, "args", &jargs) == KC_JSON_OK &&
         kc_json_bool(d, "seed_only", &seed) == KC_JSON_OK &&
         kc_json_string(d, "body_b64", &b64) == KC_JSON_OK && read_counts(d, a);
    if (!ok)
        return false;
    r->xml = a->xml = !strcmp(fmt, "xml");
    a->content_type = opt_string(d, "content_type", &ok);
    a->header_request_id = opt_string(d, "request_id_header", &ok);
    const char *env = opt_string(d, "envelope", &ok);
    cJSON_ArrayForEach(m, jargs)
    {
        if (ex->nargs == ARGS_MAX || !cJSON_IsString(m))
            return false;
        args[ex->nargs].name = m->string;
        args[ex->nargs++].value = m->valuestring;
    }
    ex->args = args;
    kc_catalog_set_seed_only(v->cat, seed);
    ex->entry = kc_catalog_find(v->cat, r->code);
    ex->envelope = envelope_of(v, env, err, errlen);
    size_t blen = 0;
    *body = kc_base64_decode(b64, strlen(b64), &blen);
    a->body = (const char *)*body;
    a->body_len = blen;
    return ok && ex->entry && (!env || ex->envelope) && *body;
}

static void judge(struct verifier *v, struct rec *r)
{
    struct kc_answer a;
    struct kc_expected_error ex;
    struct kc_arg args[ARGS_MAX];
    unsigned char *body = NULL;
    char err[KC_ERR_MAX] = "";
    if (!read_answer(v, r, &a, &ex, args, &body, err, sizeof(err))) {
        differ(v, r->file,
               err[0] ? err
                      : "not a recorded answer (a member is missing or "
                        "mistyped, or its code is not in the catalog)");
    } else {
        kc_check_error(&ex, &a, v->rids, &r->res);
        r->judged = true;
    }
    free(body);
}

static int seq_cmp(const void *x, const void *y)
{
    const struct rec *a = x, *b = y;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int load_recs(struct verifier *v, char *err, size_t errlen)
{
    char path[FULL_MAX];
    struct dirent **names = NULL;
    snprintf(path, sizeof(path), "%s/answers", v->dir);
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        kc_err_set(err, errlen, "%s: cannot read the folder", path);
        return -1;
    }
    v->recs = calloc((size_t)n + 1, sizeof(*v->recs));
    for (int i = 0; i < n; i++) {
        const char *nm = names[i]->d_name;
        if (v->recs && nm[0] != '.' && v->nrecs < KC_BUNDLE_FILES_MAX) {
            struct rec *r = &v->recs[v->nrecs];
            char rerr[KC_ERR_MAX];
            int k = snprintf(r->file, sizeof(r->file), "answers/%s", nm);
            if (k < 0 || (size_t)k >= sizeof(r->file))
                snprintf(r->file, sizeof(r->file), "answers/(a long name)");
            snprintf(path, sizeof(path), "%s/%s", v->dir, r->file);
            r->doc =
                kc_json_load(path, KC_BUNDLE_ANSWER_MAX, rerr, sizeof(rerr));
            long seq = 0;
            if (r->doc &&
                kc_json_long(r->doc, "seq", 1, 999999L, &seq) == KC_JSON_OK) {
                r->seq = (unsigned long)seq;
                v->nrecs++;
            } else {
                differ(v, r->file, r->doc ? "no record number (seq)" : rerr);
                cJSON_Delete(r->doc);
                r->doc = NULL;
            }
        }
        free(names[i]);
    }
    free(names);
    if (!v->recs)
        kc_err_set(err, errlen, "out of memory");
    return v->recs ? 0 : -1;
}

/* Puts the RequestIds of the success answers recorded before seq into the
 * set (*next: the first not yet put). */
static void put_success_rids(struct verifier *v, unsigned long seq,
                             const cJSON **next)
{
    for (; *next; *next = (*next)->next) {
        const cJSON *n = cJSON_GetArrayItem(*next, 0);
        const cJSON *id = cJSON_GetArrayItem(*next, 1);
        if (!cJSON_IsNumber(n) || !cJSON_IsString(id)) {
            differ(v, "rids.json", "an entry is not [number, \"RequestId\"]");
            continue;
        }
        if (n->valuedouble >= (double)seq)
            return;
        kc_ridset_insert(v->rids, id->valuestring);
    }
}

/* Judges the answers in their record order, so that request-id-unique
 * meets each RequestId in the order the run did (the setup and teardown
 * answers' among them). */
static void judge_all(struct verifier *v)
{
    char want[KC_BUNDLE_PATH_MAX];
    const cJSON *next = v->success_rids ? v->success_rids->child : NULL;
    qsort(v->recs, v->nrecs, sizeof(*v->recs), seq_cmp);
    for (size_t i = 0; i < v->nrecs; i++) {
        struct rec *r = &v->recs[i];
        put_success_rids(v, r->seq, &next);
        snprintf(want, sizeof(want), "answers/%06lu.json", r->seq);
        if (strcmp(want, r->file) != 0 || (i && r->seq == v->recs[i - 1].seq))
            differ(v, r->file, "its name does not match its record number");
        else
            judge(v, r);
    }
}

static int pair_cmp(const void *x, const void *y)
{
    const struct rec *a = *(const struct rec *const *)x;
    const struct rec *b = *(const struct rec *const *)y;
    int c = strcmp(a->case_id, b->case_id);
    if (!c)
        c = strcmp(a->code, b->code);
    return c ? c : (int)a->xml - (int)b->xml;
}

/* Parity between the JSON and the XML answer of each case. */
static int parity_all(struct verifier *v)
{
    size_t n = 0;
    struct rec **p = calloc(v->nrecs + 1, sizeof(*p));
    if (!p)
        return -1;
    for (size_t i = 0; i < v->nrecs; i++)
        if (v->recs[i].judged)
            p[n++] = &v->recs[i];
    qsort(p, n, sizeof(*p), pair_cmp);
    for (size_t i = 0; i + 1 < n; i++) {
        if (!p[i]->xml && p[i + 1]->xml &&
            !strcmp(p[i]->case_id, p[i + 1]->case_id) &&
            !strcmp(p[i]->code, p[i + 1]->code))
            kc_check_parity(&p[i]->res, &p[i + 1]->res);
    }
    free(p);
    return 0;
}

static bool check_named(const char *name, enum kc_check *out)
{
    for (int c = 0; c < KC_CHECK_COUNT; c++) {
        if (!strcmp(kc_check_name((enum kc_check)c), name)) {
            *out = (enum kc_check)c;
            return true;
        }
    }
    return false;
}

/* Adds the failures the run carried into r's result (setup and teardown
 * RequestId problems). */
static void add_carried(struct verifier *v, struct rec *r)
{
    const cJSON *arr = NULL, *m;
    if (kc_json_array(r->doc, "carried", &arr) != KC_JSON_OK) {
        differ(v, r->file, "no carried failures array");
        return;
    }
    cJSON_ArrayForEach(m, arr)
    {
        const char *name = NULL, *msg = NULL;
        enum kc_check c;
        struct kc_check_result *res = &r->res;
        if (kc_json_string(m, "check", &name) != KC_JSON_OK ||
            kc_json_string(m, "message", &msg) != KC_JSON_OK ||
            !check_named(name, &c) || c == KC_CHECK_PARITY ||
            res->nfailures >= KC_CHECK_FAILURES_MAX) {
            differ(v, r->file, "a carried failure is malformed");
            continue;
        }
        res->failures[res->nfailures].check = c;
        snprintf(res->failures[res->nfailures].message,
                 sizeof(res->failures[0].message), "%s", msg);
        res->nfailures++;
    }
}

static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* "pass", or "fail: <check>, <check>" with the names sorted. */
static void verdict_text(const char **names, size_t n, char *out, size_t size)
{
    size_t len;
    qsort(names, n, sizeof(*names), str_cmp);
    snprintf(out, size, "%s", n ? "fail:" : "pass");
    for (size_t i = 0; i < n && (len = strlen(out)) < size; i++)
        snprintf(out + len, size - len, "%s %s", i ? "," : "", names[i]);
}

/* Where a difference of rep is: "<case> [fmt]" for the report,
 * "results.json: <case> [fmt]" for the results file. */
static void where_of(const struct verifier *v, const struct kc_report *rep,
                     const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s%s%s", rep == v->report ? "" : RESULTS_NAME,
             rep == v->report ? "" : ": ", name);
}

static void compare_one(struct verifier *v, const struct kc_report *rep,
                        struct rec *r, bool *seen)
{
    const char *mine[KC_CHECK_FAILURES_MAX], *theirs[KC_CHECK_FAILURES_MAX];
    char cls[LINE_MAX_], name[LINE_MAX_], a[LINE_MAX_], b[LINE_MAX_];
    char where[LINE_MAX_ + 32];
    size_t n = 0;
    snprintf(cls, sizeof(cls), "kmsconf.%s", r->code);
    snprintf(name, sizeof(name), "%s [%s]", r->case_id,
             r->xml ? "xml" : "json");
    const struct kc_testcase *tc = kc_report_find(rep, cls, name);
    where_of(v, rep, name, where, sizeof(where));
    if (!tc) {
        differ(v, where, "recorded, but not in the report");
        return;
    }
    seen[tc - rep->cases] = true;
    for (size_t i = 0; i < r->res.nfailures; i++)
        mine[i] = kc_check_name(r->res.failures[i].check);
    verdict_text(mine, r->res.nfailures, a, sizeof(a));
    if (tc->outcome == KC_OUTCOME_FAIL || tc->outcome == KC_OUTCOME_PASS) {
        for (size_t i = 0; i < tc->nfailures && n < KC_CHECK_FAILURES_MAX; i++)
            theirs[n++] = tc->failures[i].check ? tc->failures[i].check : "";
        verdict_text(theirs, n, b, sizeof(b));
    } else {
        snprintf(b, sizeof(b), "%s", kc_outcome_name(tc->outcome));
    }
    v->st->testcases += rep == v->report;
    if (strcmp(a, b) != 0) {
        char both[2 * LINE_MAX_ + 64];
        snprintf(both, sizeof(both), "the report says %s, the answer gives %s",
                 b, a);
        differ(v, where, both);
    }
}

/* Compares the verdicts of rep (report.xml or results.json) with the
 * answers'. */
static int compare_all(struct verifier *v, const struct kc_report *rep)
{
    char where[LINE_MAX_ + 32];
    bool *seen = calloc(rep->ncases + 1, sizeof(*seen));
    if (!seen)
        return -1;
    for (size_t i = 0; i < v->nrecs; i++)
        if (v->recs[i].judged)
            compare_one(v, rep, &v->recs[i], seen);
    for (size_t i = 0; i < rep->ncases; i++) {
        const struct kc_testcase *tc = &rep->cases[i];
        if (seen[i] ||
            (tc->outcome != KC_OUTCOME_PASS && tc->outcome != KC_OUTCOME_FAIL))
            continue;
        where_of(v, rep, tc->name ? tc->name : "(unnamed)", where,
                 sizeof(where));
        differ(v, where, "judged in the report, but no answer is recorded");
    }
    free(seen);
    return 0;
}

static void problem_fwd(void *ctx, const char *line)
{
    struct verifier *v = ctx;
    v->fn(v->ctx, line);
    v->st->files_problems++;
}

static int load_suite(struct verifier *v, char *err, size_t errlen)
{
    char path[FULL_MAX];
    snprintf(path, sizeof(path), "%s/suite/catalog.json", v->dir);
    if (kc_catalog_load(&v->cat, path, err, errlen))
        return -1;
    snprintf(path, sizeof(path), "%s/%s", v->dir, REPORT_NAME);
    if (kc_junit_read(path, &v->report, err, errlen))
        return -1;
    snprintf(path, sizeof(path), "%s/%s", v->dir, RESULTS_NAME);
    if (kc_results_read(path, 0, &v->results, err, errlen))
        return -1;
    snprintf(path, sizeof(path), "%s/rids.json", v->dir);
    v->rids_doc = kc_json_load(path, KC_BUNDLE_ANSWER_MAX, err, errlen);
    if (!v->rids_doc)
        return -1;
    v->success_rids =
        cJSON_GetObjectItemCaseSensitive(v->rids_doc, "success_request_ids");
    if (!cJSON_IsArray(v->success_rids)) {
        kc_err_set(err, errlen, "%s: $.success_request_ids: not an array",
                   path);
        return -1;
    }
    v->rids = kc_ridset_new();
    if (!v->rids)
        kc_err_set(err, errlen, "out of memory");
    return v->rids ? 0 : -1;
}

static void verifier_dispose(struct verifier *v)
{
    for (size_t i = 0; i < v->nrecs; i++) {
        if (v->recs[i].judged)
            kc_check_result_dispose(&v->recs[i].res);
        cJSON_Delete(v->recs[i].doc);
    }
    free(v->recs);
    for (size_t i = 0; i < v->nenvs; i++)
        kc_envelope_free(v->envs[i]);
    kc_ridset_free(v->rids);
    cJSON_Delete(v->rids_doc);
    kc_report_free(v->report);
    kc_report_free(v->results);
    kc_catalog_free(v->cat);
}

int kc_bverify_run(const char *dir, const char *key, kc_bundle_problem_fn fn,
                   void *ctx, struct kc_bverify_stats *st, char *err,
                   size_t errlen)
{
    struct verifier v = {.dir = dir, .fn = fn, .ctx = ctx, .st = st};
    int rc = -1;
    memset(st, 0, sizeof(*st));
    if (kc_bundle_check_files(dir, key, problem_fwd, &v, err, errlen) < 0)
        goto out;
    if (load_suite(&v, err, errlen) || load_recs(&v, err, errlen)) {
        /* a bundle that does not load after a file was changed: tampered */
        if (st->files_problems) {
            fn(ctx, err);
            rc = 1;
        }
        goto out;
    }
    judge_all(&v);
    for (size_t i = 0; i < v.nrecs; i++)
        if (v.recs[i].judged)
            add_carried(&v, &v.recs[i]);
    if (parity_all(&v) || compare_all(&v, v.report) ||
        compare_all(&v, v.results)) {
        kc_err_set(err, errlen, "out of memory");
        goto out;
    }
    st->answers = v.nrecs;
    rc = st->files_problems || st->differences ? 1 : 0;
out:
    verifier_dispose(&v);
    return rc;
}
