/*
 * kc_results (see kc/results.h): the native results file, JSON. The
 * writer builds the document in a bounded buffer by hand (the order of its
 * members is fixed, so two runs diff well); the reader parses it with
 * kc_json and checks each member it knows for its type, naming the JSON
 * path of the first one it refuses.
 */
#include "kc/results.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/claims.h"
#include "kc/codec.h"
#include "kc/err.h"
#include "kc/file.h"
#include "kc/json.h"
#include "kc/levels.h"
#include "kc/outfile.h"

/* The largest document the writer builds: what the reader accepts. */
#define WRITE_MAX KC_RESULTS_MAX_BYTES
/* The manifest properties the "levels" and "claims" members replace. */
#define LEVEL_PROP_PREFIX "kmsconf.level."
#define CLAIM_PROP_PREFIX "kmsconf.claim."
/* Whether a property is one of those the levels and claims replace: never
 * written in the manifest, refused there by the reader. */
static bool is_derived(const char *name)
{
    return !strncmp(name, LEVEL_PROP_PREFIX, strlen(LEVEL_PROP_PREFIX)) ||
           !strncmp(name, CLAIM_PROP_PREFIX, strlen(CLAIM_PROP_PREFIX));
}

/* Room for a level's one-line description ("fail (3 of 95 failed, ...)"). */
#define LEVEL_DESC_MAX 128

/* ------------------------------------------------------------------ */
/* Writer                                                              */

/* Length of the valid UTF-8 sequence that starts at p (2..4), or 0. Never
 * reads past the string's NUL. */
static size_t utf8_seq(const unsigned char *p)
{
    size_t n = (*p & 0xE0) == 0xC0   ? 2
               : (*p & 0xF0) == 0xE0 ? 3
               : (*p & 0xF8) == 0xF0 ? 4
                                     : 0;
    for (size_t i = 1; i < n; i++) {
        if (!p[i])
            return 0;
    }
    return n && kc_utf8_valid((const char *)p, n) ? n : 0;
}

/* s as a JSON string: control characters escaped (they survive a round
 * trip), every byte that is not part of valid UTF-8 written as the text
 * \xNN (as the JUnit writer does), so the file is always valid JSON. */
static void put_str(struct kc_buf *b, const char *s)
{
    if (kc_utf8_valid(s, strlen(s))) {
        kc_buf_put_json_string(b, s);
        return;
    }
    struct kc_buf clean;
    kc_buf_init(&clean, WRITE_MAX);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = *p < 0x80 ? 1 : utf8_seq(p);
        if (n)
            kc_buf_append(&clean, p, n);
        else
            kc_buf_printf(&clean, "\\x%02X", *p);
        p += n ? n : 1;
    }
    if (clean.failed)
        b->failed = true;
    kc_buf_put_json_string(b, kc_buf_str(&clean));
    kc_buf_dispose(&clean);
}

/* ,\n<indent>"key": */
static void put_key(struct kc_buf *b, int indent, bool *first, const char *key)
{
    kc_buf_printf(b, "%s\n%*s", *first ? "" : ",", indent, "");
    *first = false;
    put_str(b, key);
    kc_buf_puts(b, ": ");
}

/* "key": "value", left out when value is NULL. */
static void put_member(struct kc_buf *b, int indent, bool *first,
                       const char *key, const char *value)
{
    if (!value)
        return;
    put_key(b, indent, first, key);
    put_str(b, value);
}

static double nonneg(double t)
{
    return (isfinite(t) && t > 0) ? t : 0.0;
}

/* Seconds to the millisecond, as in JUnit: the two formats total alike. */
static void put_time(struct kc_buf *b, int indent, bool *first, double t)
{
    put_key(b, indent, first, "time_s");
    kc_buf_printf(b, "%.3f", nonneg(t));
}

static void put_suite(struct kc_buf *b, const struct kc_report *r)
{
    static const char *const fields[][2] = {
        {"version", "kmsconf.suite_version"},
        {"catalog_sha256", "kmsconf.catalog_sha256"},
        {"cases_sha256", "kmsconf.cases_sha256"},
    };
    bool first = true;
    kc_buf_puts(b, "{");
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        put_member(b, 4, &first, fields[i][0], kc_report_prop(r, fields[i][1]));
    kc_buf_puts(b, first ? "}" : "\n  }");
}

static int cmp_prop_ptr(const void *a, const void *b)
{
    const struct kc_property *const *pa = a;
    const struct kc_property *const *pb = b;
    return strcmp((*pa)->name, (*pb)->name);
}

static void put_manifest(struct kc_buf *b, const struct kc_report *r)
{
    const struct kc_property **p = calloc(r->nprops + 1, sizeof(*p));
    size_t n = 0;
    bool first = true;
    if (!p) {
        b->failed = true;
        return;
    }
    for (size_t i = 0; i < r->nprops; i++) {
        const char *name = r->props[i].name;
        if (!is_derived(name))
            p[n++] = &r->props[i];
    }
    qsort(p, n, sizeof(*p), cmp_prop_ptr);
    kc_buf_puts(b, "{");
    for (size_t i = 0; i < n; i++)
        put_member(b, 4, &first, p[i]->name, p[i]->value ? p[i]->value : "");
    kc_buf_puts(b, first ? "}" : "\n  }");
    free(p);
}

static void put_level(struct kc_buf *b, const struct kc_level_count *c)
{
    char desc[LEVEL_DESC_MAX];
    kc_levels_describe(c, desc, sizeof(desc));
    kc_buf_puts(b, "{\"verdict\": ");
    put_str(b, kc_levels_verdict_name(kc_levels_verdict(c)));
    kc_buf_puts(b, ", \"summary\": ");
    put_str(b, desc);
    kc_buf_printf(b,
                  ", \"total\": %zu, \"passed\": %zu, \"failed\": %zu, "
                  "\"skipped\": %zu}",
                  c->total, c->passed, c->failed, c->skipped);
}

/* Each level with testcases, and in it each format with testcases. */
static void put_levels(struct kc_buf *b, const struct kc_report *r)
{
    struct kc_levels lv;
    bool first = true;
    kc_levels_count(r, &lv);
    kc_buf_puts(b, "{");
    for (size_t l = 0; l < KC_LEVELS_N; l++) {
        bool ffirst = true;
        for (size_t f = 0; f < KC_LEVELS_FORMATS; f++) {
            if (!lv.c[l][f].total)
                continue;
            if (ffirst)
                put_key(b, 4, &first, kc_levels_name(l));
            kc_buf_puts(b, ffirst ? "{" : ",");
            ffirst = false;
            put_key(b, 6, &(bool){true}, kc_levels_format(f));
            put_level(b, &lv.c[l][f]);
        }
        if (!ffirst)
            kc_buf_puts(b, "\n    }");
    }
    kc_buf_puts(b, first ? "}" : "\n  }");
}

/* One "claims" entry per row of kc_claims_compare. */
struct claims_out {
    struct kc_buf *b;
    bool first;
};

static void put_claim_row(void *ctx, const struct kc_claim_row *row)
{
    struct claims_out *o = ctx;
    char desc[LEVEL_DESC_MAX];
    kc_levels_describe(&row->count, desc, sizeof(desc));
    kc_buf_puts(o->b, o->first ? "\n    {\"kind\": " : ",\n    {\"kind\": ");
    o->first = false;
    put_str(o->b, row->is_action ? "action" : "level");
    kc_buf_puts(o->b, ", \"name\": ");
    put_str(o->b, row->name);
    kc_buf_puts(o->b, ", \"state\": ");
    put_str(o->b, kc_claims_state_name(row->state));
    kc_buf_puts(o->b, ", \"summary\": ");
    put_str(o->b, desc);
    kc_buf_printf(o->b,
                  ", \"total\": %zu, \"passed\": %zu, \"failed\": %zu, "
                  "\"skipped\": %zu}",
                  row->count.total, row->count.passed, row->count.failed,
                  row->count.skipped);
}

/* The target's claims against the testcases, when it states a manifest
 * (the kmsconf.claim.* properties of the JUnit report). */
static void put_claims(struct kc_buf *b, const struct kc_report *r, bool *first)
{
    struct claims_out o = {.b = b, .first = true};
    if (!kc_claims_present(r))
        return;
    put_key(b, 2, first, "claims");
    kc_buf_puts(b, "[");
    kc_claims_compare(r, put_claim_row, &o);
    kc_buf_puts(b, o.first ? "]" : "\n  ]");
}

static size_t count_flaky(const struct kc_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->ncases; i++)
        n += r->cases[i].outcome == KC_OUTCOME_PASS && r->cases[i].retries;
    return n;
}

static void put_totals(struct kc_buf *b, const struct kc_report *r)
{
    kc_buf_printf(b,
                  "{\"tests\": %zu, \"passed\": %zu, \"failed\": %zu, "
                  "\"errors\": %zu, \"skipped\": %zu, \"flaky\": %zu, "
                  "\"time_s\": %.3f}",
                  r->ncases, kc_report_count(r, KC_OUTCOME_PASS),
                  kc_report_count(r, KC_OUTCOME_FAIL),
                  kc_report_count(r, KC_OUTCOME_ERROR),
                  kc_report_count(r, KC_OUTCOME_SKIP), count_flaky(r),
                  nonneg(r->time_s));
}

static void put_checks(struct kc_buf *b, const struct kc_testcase *tc)
{
    const char *verdict = tc->outcome == KC_OUTCOME_ERROR ? "error" : "fail";
    bool first = true;
    put_key(b, 6, &(bool){false}, "checks");
    kc_buf_puts(b, "[");
    for (size_t i = 0; i < tc->nfailures; i++) {
        const struct kc_failure *f = &tc->failures[i];
        bool mfirst = true;
        kc_buf_printf(b, "%s\n        {", first ? "" : ",");
        first = false;
        put_member(b, 10, &mfirst, "check", f->check ? f->check : "");
        put_member(b, 10, &mfirst, "verdict", verdict);
        put_member(b, 10, &mfirst, "message", f->message ? f->message : "");
        put_member(b, 10, &mfirst, "detail", f->detail);
        kc_buf_puts(b, "\n        }");
    }
    kc_buf_puts(b, first ? "]" : "\n      ]");
}

static void put_skip(struct kc_buf *b, const struct kc_testcase *tc)
{
    bool first = true;
    put_key(b, 6, &(bool){false}, "skip");
    kc_buf_puts(b, "{");
    put_member(b, 8, &first, "type", tc->skip_type);
    put_member(b, 8, &first, "reason", tc->skip_reason);
    kc_buf_puts(b, first ? "}" : "\n      }");
}

/* A testcase's JUnit names are written only when they are not the ones
 * its id, format and code give (another producer's report). */
static void put_junit_names(struct kc_buf *b, const struct kc_testcase *tc,
                            bool *first)
{
    struct kc_testcase bare = {
        .case_id = tc->case_id, .format = tc->format, .code = tc->code};
    char *cls = NULL, *name = NULL;
    if (kc_testcase_junit_names(&bare, &cls, &name)) {
        b->failed = true;
        return;
    }
    if (tc->classname && (!cls || strcmp(cls, tc->classname)))
        put_member(b, 6, first, "junit_classname", tc->classname);
    if (tc->name && (!name || strcmp(name, tc->name)))
        put_member(b, 6, first, "junit_name", tc->name);
    free(cls);
    free(name);
}

static void put_testcase(struct kc_buf *b, const struct kc_testcase *tc)
{
    bool first = true;
    kc_buf_puts(b, "{");
    put_member(b, 6, &first, "id", tc->case_id ? tc->case_id : "");
    put_member(b, 6, &first, "format", tc->format);
    put_member(b, 6, &first, "code", tc->code);
    put_member(b, 6, &first, "level", tc->level);
    put_member(b, 6, &first, "action", tc->action);
    put_junit_names(b, tc, &first);
    put_member(b, 6, &first, "outcome", kc_outcome_name(tc->outcome));
    put_time(b, 6, &first, tc->time_s);
    put_key(b, 6, &first, "retries");
    kc_buf_printf(b, "%u", tc->retries);
    put_member(b, 6, &first, "request_id", tc->request_id);
    put_member(b, 6, &first, "message_template", tc->message_template);
    if (tc->outcome == KC_OUTCOME_FAIL || tc->outcome == KC_OUTCOME_ERROR)
        put_checks(b, tc);
    if (tc->outcome == KC_OUTCOME_SKIP)
        put_skip(b, tc);
    put_member(b, 6, &first, "transcript", tc->transcript);
    kc_buf_puts(b, "\n    }");
}

/* A testcase and the JUnit names it is sorted by. */
struct named {
    const struct kc_testcase *tc;
    struct kc_testcase key; /* only classname and name */
};

static int cmp_named(const void *a, const void *b)
{
    const struct named *const *pa = a;
    const struct named *const *pb = b;
    return kc_testcase_cmp(&(*pa)->key, &(*pb)->key);
}

/* all[i] gets r->cases[i] and its JUnit names (caller frees them and the
 * arrays), order the same sorted by them, as the JUnit writer writes
 * testcases. 0 or -1 (out of memory). */
static int sort_cases(const struct kc_report *r, struct named *all,
                      const struct named **order)
{
    for (size_t i = 0; i < r->ncases; i++) {
        all[i].tc = &r->cases[i];
        if (kc_testcase_junit_names(all[i].tc, &all[i].key.classname,
                                    &all[i].key.name))
            return -1;
        order[i] = &all[i];
    }
    qsort(order, r->ncases, sizeof(*order), cmp_named);
    return 0;
}

static void put_testcases(struct kc_buf *b, const struct kc_report *r)
{
    struct named *all = calloc(r->ncases + 1, sizeof(*all));
    const struct named **order = calloc(r->ncases + 1, sizeof(*order));
    if (!all || !order || sort_cases(r, all, order)) {
        b->failed = true;
        goto out;
    }
    kc_buf_puts(b, "[");
    for (size_t i = 0; i < r->ncases && !b->failed; i++) {
        kc_buf_puts(b, i ? ",\n    " : "\n    ");
        put_testcase(b, order[i]->tc);
    }
    kc_buf_puts(b, r->ncases ? "\n  ]" : "]");
out:
    for (size_t i = 0; all && i < r->ncases; i++) {
        free(all[i].key.classname);
        free(all[i].key.name);
    }
    free(all);
    free(order);
}

int kc_results_write_mem(const struct kc_report *r, char **out, char *err,
                         size_t errlen)
{
    struct kc_buf b;
    bool first = true;
    kc_buf_init(&b, WRITE_MAX);
    kc_buf_puts(&b, "{");
    put_member(&b, 2, &first, "schema", KC_RESULTS_SCHEMA);
    put_member(&b, 2, &first, "name",
               r->name && r->name[0] ? r->name : "kmsconf");
    put_member(&b, 2, &first, "timestamp", r->timestamp);
    put_key(&b, 2, &first, "suite");
    put_suite(&b, r);
    put_key(&b, 2, &first, "manifest");
    put_manifest(&b, r);
    put_key(&b, 2, &first, "levels");
    put_levels(&b, r);
    put_claims(&b, r, &first);
    put_key(&b, 2, &first, "totals");
    put_totals(&b, r);
    put_key(&b, 2, &first, "testcases");
    put_testcases(&b, r);
    kc_buf_puts(&b, "\n}\n");
    *out = kc_buf_take(&b);
    if (!*out) {
        kc_err_set(err, errlen,
                   "cannot serialise the results (out of memory or larger "
                   "than %zu bytes)",
                   WRITE_MAX);
        return -1;
    }
    return 0;
}

int kc_results_write(const struct kc_report *r, const char *path, char *err,
                     size_t errlen)
{
    char *text = NULL;
    int rc = 0;
    if (kc_results_write_mem(r, &text, err, errlen))
        return -1;
    if (!strcmp(path, "-")) {
        if (fputs(text, stdout) == EOF || fflush(stdout)) {
            kc_err_set(err, errlen, "stdout: cannot write the results");
            rc = -1;
        }
    } else {
        rc = kc_outfile_write(path, text, strlen(text), err, errlen);
    }
    free(text);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Reader                                                              */

struct rd {
    const char *name; /* the file, for errors */
    unsigned flags;   /* enum kc_junit_read_flags */
    struct kc_report *r;
    char *err;
    size_t errlen;
};

/* "<file>: <path>: <what>"; returns -1. */
static int refuse(const struct rd *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int refuse(const struct rd *c, const char *path, const char *fmt, ...)
{
    char what[KC_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    kc_err_set(c->err, c->errlen, "%s: %s: %s", c->name, path, what);
    return -1;
}

static int oom(const struct rd *c)
{
    kc_err_set(c->err, c->errlen, "%s: out of memory", c->name);
    return -1;
}

/* Refuses a member of status st (key of base): absent when required, or
 * of another type than want. 1 when absent and optional, 0 when present. */
static int judge(const struct rd *c, enum kc_json_status st, const char *base,
                 const char *key, bool required, const char *want)
{
    char path[KC_JSON_PATH_MAX];
    if (st == KC_JSON_OK)
        return 0;
    if (st == KC_JSON_ABSENT && !required)
        return 1;
    kc_json_path_key(path, sizeof(path), base, key);
    if (st == KC_JSON_ABSENT)
        return refuse(c, base, "missing member \"%s\"", key);
    return refuse(c, path, "expected %s", want);
}

/* A string member, valid UTF-8 (*out NULL when absent and optional). */
static int get_str(const struct rd *c, const cJSON *obj, const char *base,
                   const char *key, bool required, const char **out)
{
    char path[KC_JSON_PATH_MAX];
    *out = NULL;
    int rc = judge(c, kc_json_string(obj, key, out), base, key, required,
                   "a string");
    if (rc)
        return rc < 0 ? -1 : 0;
    if (!kc_utf8_valid(*out, strlen(*out))) {
        kc_json_path_key(path, sizeof(path), base, key);
        return refuse(c, path, "not valid UTF-8");
    }
    return 0;
}

/* An integer member in [0, max] (*out 0 when absent and optional). */
static int get_count(const struct rd *c, const cJSON *obj, const char *base,
                     const char *key, bool required, long max, long *out)
{
    char path[KC_JSON_PATH_MAX];
    *out = 0;
    enum kc_json_status st = kc_json_long(obj, key, 0, max, out);
    if (st == KC_JSON_OUT_OF_RANGE) {
        kc_json_path_key(path, sizeof(path), base, key);
        return refuse(c, path, "expected an integer from 0 to %ld", max);
    }
    return judge(c, st, base, key, required, "an integer") < 0 ? -1 : 0;
}

/* A required "time_s": a number of seconds, at least 0. */
static int get_time(const struct rd *c, const cJSON *obj, const char *base,
                    double *out)
{
    char path[KC_JSON_PATH_MAX];
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, "time_s");
    kc_json_path_key(path, sizeof(path), base, "time_s");
    if (!it)
        return refuse(c, base, "missing member \"time_s\"");
    if (!cJSON_IsNumber(it))
        return refuse(c, path, "expected a number");
    if (!isfinite(it->valuedouble) || it->valuedouble < 0)
        return refuse(c, path, "expected a number of seconds, at least 0");
    *out = it->valuedouble;
    return 0;
}

/* obj is an object without a repeated member. */
static int check_object(const struct rd *c, const cJSON *obj, const char *path)
{
    char at[KC_JSON_PATH_MAX];
    if (!cJSON_IsObject(obj))
        return refuse(c, path, "expected an object");
    const cJSON *dup = kc_json_first_repeated(obj);
    if (!dup)
        return 0;
    kc_json_path_key(at, sizeof(at), path, dup->string);
    return refuse(c, at, "repeated member");
}

/* An optional object member whose own members are all strings (*out NULL
 * when absent). */
static int get_object(const struct rd *c, const cJSON *obj, const char *base,
                      const char *key, bool required, const cJSON **out)
{
    char path[KC_JSON_PATH_MAX];
    *out = NULL;
    int rc = judge(c, kc_json_object(obj, key, out), base, key, required,
                   "an object");
    if (rc)
        return rc < 0 ? -1 : 0;
    kc_json_path_key(path, sizeof(path), base, key);
    return check_object(c, *out, path);
}

static int rd_schema(const struct rd *c, const cJSON *root)
{
    const char *s;
    char *end = NULL;
    const size_t plen = strlen(KC_RESULTS_SCHEMA_NAME);
    if (get_str(c, root, "$", "schema", true, &s))
        return -1;
    if (strncmp(s, KC_RESULTS_SCHEMA_NAME, plen) != 0)
        return refuse(c, "$.schema", "not a kmsconf results file ('%s')", s);
    const char *v = s + plen;
    errno = 0;
    unsigned long major = strtoul(v, &end, 10);
    if (v[0] < '0' || v[0] > '9' || errno ||
        (*end == '.' && (end[1] < '0' || end[1] > '9')))
        return refuse(c, "$.schema", "malformed schema version '%s'", s);
    if (*end == '.')
        strtoul(end + 1, &end, 10);
    if (*end)
        return refuse(c, "$.schema", "malformed schema version '%s'", s);
    if (major != KC_RESULTS_SCHEMA_MAJOR)
        return refuse(c, "$.schema",
                      "schema version %lu is not supported: this kmsconf "
                      "reads %s.x",
                      major, KC_RESULTS_SCHEMA);
    return 0;
}

/* The members of obj (at path) are strings, valid UTF-8. */
static int check_strings(const struct rd *c, const cJSON *obj, const char *path)
{
    char at[KC_JSON_PATH_MAX];
    const cJSON *it;
    cJSON_ArrayForEach(it, obj)
    {
        kc_json_path_key(at, sizeof(at), path, it->string);
        if (!kc_utf8_valid(it->string, strlen(it->string)))
            return refuse(c, at, "a member name that is not valid UTF-8");
        if (!cJSON_IsString(it))
            return refuse(c, at, "expected a string");
        if (!kc_utf8_valid(it->valuestring, strlen(it->valuestring)))
            return refuse(c, at, "not valid UTF-8");
    }
    return 0;
}

/* "suite" (optional; it repeats manifest properties), "levels" and
 * "claims" (optional; computed from the testcases again by whoever needs
 * them) are only checked for their type; "manifest" becomes the
 * properties. */
static int rd_manifest(const struct rd *c, const cJSON *root)
{
    const cJSON *suite, *levels, *claims, *man, *it;
    size_t n = 0;
    if (get_object(c, root, "$", "suite", false, &suite) ||
        (suite && check_strings(c, suite, "$.suite")) ||
        get_object(c, root, "$", "levels", false, &levels) ||
        judge(c, kc_json_array(root, "claims", &claims), "$", "claims", false,
              "an array") < 0 ||
        get_object(c, root, "$", "manifest", true, &man) ||
        check_strings(c, man, "$.manifest"))
        return -1;
    cJSON_ArrayForEach(it, man)
    {
        if (++n > KC_RESULTS_MAX_PROPS)
            return refuse(c, "$.manifest", "more than %d properties",
                          KC_RESULTS_MAX_PROPS);
        if (is_derived(it->string)) {
            char at[KC_JSON_PATH_MAX];
            kc_json_path_key(at, sizeof(at), "$.manifest", it->string);
            return refuse(c, at,
                          "a name kmsconf keeps for the levels and claims it "
                          "computes (they go in \"levels\" and \"claims\")");
        }
        if (kc_report_set_prop(c->r, it->string, it->valuestring))
            return oom(c);
    }
    return 0;
}

static int parse_outcome(const char *s, enum kc_outcome *out)
{
    static const enum kc_outcome all[] = {KC_OUTCOME_PASS, KC_OUTCOME_FAIL,
                                          KC_OUTCOME_ERROR, KC_OUTCOME_SKIP};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (!strcmp(s, kc_outcome_name(all[i]))) {
            *out = all[i];
            return 0;
        }
    }
    return -1;
}

/* One entry of "checks" at path into tc. */
static int rd_check(const struct rd *c, const cJSON *obj, const char *path,
                    struct kc_testcase *tc)
{
    const char *check, *verdict, *message, *detail;
    const char *want = tc->outcome == KC_OUTCOME_ERROR ? "error" : "fail";
    char at[KC_JSON_PATH_MAX];
    if (check_object(c, obj, path) ||
        get_str(c, obj, path, "check", true, &check) ||
        get_str(c, obj, path, "verdict", true, &verdict) ||
        get_str(c, obj, path, "message", true, &message) ||
        get_str(c, obj, path, "detail", false, &detail))
        return -1;
    if (strcmp(verdict, want)) {
        kc_json_path_key(at, sizeof(at), path, "verdict");
        return refuse(c, at, "'%s' in a testcase whose outcome is %s", verdict,
                      kc_outcome_name(tc->outcome));
    }
    return kc_testcase_add_failure(tc, check, message, detail) ? oom(c) : 0;
}

/* "checks": only a failed or erred testcase has them. */
static int rd_checks(const struct rd *c, const cJSON *obj, const char *base,
                     struct kc_testcase *tc)
{
    const cJSON *arr, *it;
    char path[KC_JSON_PATH_MAX], at[KC_JSON_PATH_MAX];
    size_t i = 0;
    int rc = judge(c, kc_json_array(obj, "checks", &arr), base, "checks", false,
                   "an array");
    if (rc)
        return rc < 0 ? -1 : 0;
    kc_json_path_key(path, sizeof(path), base, "checks");
    if (tc->outcome != KC_OUTCOME_FAIL && tc->outcome != KC_OUTCOME_ERROR &&
        cJSON_GetArraySize(arr) > 0)
        return refuse(c, path,
                      "failed checks in a testcase whose outcome "
                      "is %s",
                      kc_outcome_name(tc->outcome));
    cJSON_ArrayForEach(it, arr)
    {
        if (i >= KC_RESULTS_MAX_CHECKS)
            return refuse(c, path, "more than %d checks",
                          KC_RESULTS_MAX_CHECKS);
        kc_json_path_index(at, sizeof(at), path, i++);
        if (rd_check(c, it, at, tc))
            return -1;
    }
    return 0;
}

/* "skip": only a skipped testcase has it. */
static int rd_skip(const struct rd *c, const cJSON *obj, const char *base,
                   struct kc_testcase *tc)
{
    const cJSON *skip;
    const char *type, *reason;
    char path[KC_JSON_PATH_MAX];
    if (get_object(c, obj, base, "skip", false, &skip))
        return -1;
    if (!skip)
        return 0;
    kc_json_path_key(path, sizeof(path), base, "skip");
    if (tc->outcome != KC_OUTCOME_SKIP)
        return refuse(c, path, "a skip in a testcase whose outcome is %s",
                      kc_outcome_name(tc->outcome));
    if (get_str(c, skip, path, "type", false, &type) ||
        get_str(c, skip, path, "reason", false, &reason))
        return -1;
    if (kc_report_setstr(&tc->skip_type, type) ||
        kc_report_setstr(&tc->skip_reason, reason))
        return oom(c);
    return 0;
}

/* The string members of a testcase, by index. */
enum {
    TS_ID,
    TS_FORMAT,
    TS_CODE,
    TS_LEVEL,
    TS_ACTION,
    TS_CLASSNAME,
    TS_NAME,
    TS_REQUEST_ID,
    TS_TEMPLATE,
    TS_TRANSCRIPT,
    TS_OUTCOME,
    TS_N
};

static const char *const tc_keys[TS_N] = {
    "id",         "format",     "code",
    "level",      "action",     "junit_classname",
    "junit_name", "request_id", "message_template",
    "transcript", "outcome",
};

/* The identity and the strings of s into tc. 0, or -1 (out of memory). */
static int fill_testcase(struct kc_testcase *tc, const char *const *s,
                         unsigned flags)
{
    if (kc_testcase_set_id(tc, s[TS_ID], s[TS_FORMAT], s[TS_CODE]))
        return -1;
    if (s[TS_CLASSNAME] && kc_report_setstr(&tc->classname, s[TS_CLASSNAME]))
        return -1;
    if (s[TS_NAME] && kc_report_setstr(&tc->name, s[TS_NAME]))
        return -1;
    const char *transcript =
        (flags & KC_JUNIT_READ_NO_TRANSCRIPT) ? NULL : s[TS_TRANSCRIPT];
    if (kc_report_setstr(&tc->level, s[TS_LEVEL]) ||
        kc_report_setstr(&tc->action, s[TS_ACTION]) ||
        kc_report_setstr(&tc->request_id, s[TS_REQUEST_ID]) ||
        kc_report_setstr(&tc->message_template, s[TS_TEMPLATE]) ||
        kc_report_setstr(&tc->transcript, transcript))
        return -1;
    return 0;
}

static int rd_testcase(const struct rd *c, const cJSON *obj, const char *path)
{
    const char *s[TS_N];
    enum kc_outcome o;
    long retries;
    double t;
    char at[KC_JSON_PATH_MAX];
    if (check_object(c, obj, path))
        return -1;
    for (size_t i = 0; i < TS_N; i++) {
        if (get_str(c, obj, path, tc_keys[i], i == TS_ID || i == TS_OUTCOME,
                    &s[i]))
            return -1;
    }
    kc_json_path_key(at, sizeof(at), path, "outcome");
    if (parse_outcome(s[TS_OUTCOME], &o))
        return refuse(c, at, "'%s' is not pass, fail, error or skip",
                      s[TS_OUTCOME]);
    if (get_time(c, obj, path, &t) ||
        get_count(c, obj, path, "retries", false, KC_RESULTS_MAX_RETRIES,
                  &retries))
        return -1;
    struct kc_testcase *tc = kc_report_add_case(c->r);
    if (!tc || fill_testcase(tc, s, c->flags))
        return oom(c);
    tc->outcome = o;
    tc->time_s = t;
    tc->retries = (unsigned)retries;
    return rd_checks(c, obj, path, tc) || rd_skip(c, obj, path, tc) ? -1 : 0;
}

static int rd_testcases(const struct rd *c, const cJSON *root)
{
    const cJSON *arr, *it;
    char at[KC_JSON_PATH_MAX];
    size_t i = 0;
    if (judge(c, kc_json_array(root, "testcases", &arr), "$", "testcases", true,
              "an array"))
        return -1;
    cJSON_ArrayForEach(it, arr)
    {
        if (i >= KC_RESULTS_MAX_CASES)
            return refuse(c, "$.testcases", "more than %zu testcases",
                          KC_RESULTS_MAX_CASES);
        kc_json_path_index(at, sizeof(at), "$.testcases", i++);
        if (rd_testcase(c, it, at))
            return -1;
    }
    return 0;
}

/* "totals" must agree with the testcases read. */
static int rd_totals(const struct rd *c, const cJSON *root)
{
    static const char *const keys[] = {"passed", "failed", "errors", "skipped"};
    static const enum kc_outcome outcomes[] = {
        KC_OUTCOME_PASS, KC_OUTCOME_FAIL, KC_OUTCOME_ERROR, KC_OUTCOME_SKIP};
    const cJSON *t;
    long v;
    char at[KC_JSON_PATH_MAX];
    if (get_object(c, root, "$", "totals", true, &t) ||
        get_count(c, t, "$.totals", "tests", true, LONG_MAX, &v))
        return -1;
    if ((size_t)v != c->r->ncases)
        return refuse(c, "$.totals.tests",
                      "%ld, but the file holds %zu "
                      "testcases",
                      v, c->r->ncases);
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        size_t n = kc_report_count(c->r, outcomes[i]);
        if (get_count(c, t, "$.totals", keys[i], true, LONG_MAX, &v))
            return -1;
        kc_json_path_key(at, sizeof(at), "$.totals", keys[i]);
        if ((size_t)v != n)
            return refuse(c, at, "%ld, but the testcases hold %zu", v, n);
    }
    return get_count(c, t, "$.totals", "flaky", false, LONG_MAX, &v) ||
                   get_time(c, t, "$.totals", &c->r->time_s)
               ? -1
               : 0;
}

static int rd_root(const struct rd *c, const cJSON *root)
{
    const char *name, *ts;
    if (check_object(c, root, "$") || rd_schema(c, root) ||
        get_str(c, root, "$", "name", false, &name) ||
        get_str(c, root, "$", "timestamp", false, &ts))
        return -1;
    if ((name && kc_report_setstr(&c->r->name, name)) ||
        kc_report_setstr(&c->r->timestamp, ts))
        return oom(c);
    if (rd_manifest(c, root) || rd_testcases(c, root) || rd_totals(c, root))
        return -1;
    kc_report_sort(c->r);
    return 0;
}

int kc_results_read_mem(const char *data, size_t len, const char *name,
                        unsigned flags, struct kc_report **out, char *err,
                        size_t errlen)
{
    int rc = -1;
    cJSON *root = NULL;
    struct rd c = {.name = name, .flags = flags, .err = err, .errlen = errlen};
    *out = NULL;
    if (len > KC_RESULTS_MAX_BYTES) {
        kc_err_set(err, errlen, "%s: larger than %zu bytes", name,
                   KC_RESULTS_MAX_BYTES);
        goto out;
    }
    if (memchr(data, '\0', len)) {
        kc_err_set(err, errlen, "%s: contains a NUL byte", name);
        goto out;
    }
    root = kc_json_parse(data, len, name, err, errlen);
    if (!root)
        goto out;
    c.r = kc_report_new("kmsconf");
    if (!c.r) {
        oom(&c);
        goto out;
    }
    if (rd_root(&c, root))
        goto out;
    *out = c.r;
    c.r = NULL;
    rc = 0;
out:
    kc_report_free(c.r);
    cJSON_Delete(root);
    return rc;
}

int kc_results_read(const char *path, unsigned flags, struct kc_report **out,
                    char *err, size_t errlen)
{
    size_t len = 0;
    *out = NULL;
    char *text = kc_file_read(path, KC_RESULTS_MAX_BYTES, KC_FILE_TEXT, &len,
                              err, errlen);
    if (!text)
        return -1;
    int rc = kc_results_read_mem(text, len, path, flags, out, err, errlen);
    free(text);
    return rc;
}

/* The rest of f after head, read with the ceiling, then parsed. */
static int read_json_stream(FILE *f, const char *head, size_t n,
                            const char *path, unsigned flags,
                            struct kc_report **out, char *err, size_t errlen)
{
    struct kc_buf b;
    int rc = -1;
    kc_buf_init(&b, KC_RESULTS_MAX_BYTES);
    kc_buf_append(&b, head, n);
    enum kc_buf_read_status st =
        b.failed ? KC_BUF_READ_FULL : kc_buf_read(&b, f);
    if (st == KC_BUF_READ_ERROR)
        kc_err_set(err, errlen, "%s: cannot read: %s", path, strerror(errno));
    else if (st == KC_BUF_READ_FULL)
        kc_err_set(err, errlen, "%s: larger than %zu bytes (or out of memory)",
                   path, KC_RESULTS_MAX_BYTES);
    else
        rc = kc_results_read_mem(kc_buf_str(&b), b.len, path, flags, out, err,
                                 errlen);
    kc_buf_dispose(&b);
    return rc;
}

/* A results file read whole, its testcases then handed to each in sorted
 * order: 0, 1 (each stopped) or -1, as kc_junit_each. */
static int each_json(FILE *f, const char *head, size_t n, const char *path,
                     unsigned flags, kc_report_each_fn each, void *ud,
                     struct kc_report **hdr, char *err, size_t errlen)
{
    struct kc_report *r = NULL, *held = NULL;
    int rc = read_json_stream(f, head, n, path, flags, &held, err, errlen);
    if (rc == 0 && !(r = kc_report_new(held->name))) {
        kc_err_set(err, errlen, "%s: out of memory", path);
        rc = -1;
    }
    if (rc == 0) { /* the header without the testcases, which held keeps */
        r->props = held->props;
        r->nprops = held->nprops;
        r->timestamp = held->timestamp;
        r->time_s = held->time_s;
        held->props = NULL;
        held->nprops = 0;
        held->timestamp = NULL;
    }
    for (size_t i = 0; rc == 0 && i < held->ncases; i++)
        rc = each(ud, r, &held->cases[i]) ? 1 : 0;
    kc_report_free(held);
    if (rc >= 0)
        *hdr = r;
    else
        kc_report_free(r);
    return rc;
}

/* Opens path, takes its first bytes and reads it with the reader its
 * content calls for: into *out, or with each set, testcase by testcase. */
static int read_any(const char *path, unsigned flags, kc_report_each_fn each,
                    void *ud, struct kc_report **out, char *err, size_t errlen)
{
    int rc = -1;
    char *head = malloc(KC_JUNIT_HEAD_BYTES);
    FILE *f = NULL;
    *out = NULL;
    if (!head) {
        kc_err_set(err, errlen, "%s: out of memory", path);
        goto out;
    }
    f = kc_file_open(path, 0, err, errlen);
    if (!f)
        goto out;
    size_t n = fread(head, 1, KC_JUNIT_HEAD_BYTES, f), i = 0;
    if (n < KC_JUNIT_HEAD_BYTES && ferror(f)) {
        kc_err_set(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        goto out;
    }
    while (i < n && strchr(" \t\r\n", head[i]) && head[i])
        i++;
    bool json = i < n && head[i] == '{';
    if (each && json)
        rc = each_json(f, head, n, path, flags, each, ud, out, err, errlen);
    else if (each)
        rc = kc_junit_each(f, head, n, path, flags, each, ud, out, err, errlen);
    else if (json)
        rc = read_json_stream(f, head, n, path, flags, out, err, errlen);
    else
        rc = kc_junit_read_stream(f, head, n, path, flags, out, err, errlen);
out:
    if (f)
        fclose(f);
    free(head);
    return rc;
}

int kc_results_read_any(const char *path, unsigned flags,
                        struct kc_report **out, char *err, size_t errlen)
{
    return read_any(path, flags, NULL, NULL, out, err, errlen);
}

int kc_results_each_any(const char *path, unsigned flags,
                        kc_report_each_fn each, void *ud,
                        struct kc_report **hdr, char *err, size_t errlen)
{
    return read_any(path, flags, each, ud, hdr, err, errlen);
}
