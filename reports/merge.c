/* kc_merge: combining shard reports (see merge.h). */
#include "kc/merge.h"
#include "merge_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/codec.h"
#include "kc/err.h"

/* Longest merged property value. */
#define MERGE_PROP_MAX ((size_t)1 << 20)

struct merge_src {
    const struct kc_testcase *tc;
    size_t from;
};

static int cmp_merge_src(const void *a, const void *b)
{
    const struct merge_src *x = a, *y = b;
    int c = kc_testcase_cmp(x->tc, y->tc);
    if (c)
        return c;
    return x->from < y->from ? -1 : x->from > y->from;
}

/* 0 when the inputs that name a catalog name the same one; -1 (err set)
 * otherwise. */
static int check_catalogs(struct kc_report *const *in, const char *const *names,
                          size_t n, char *err, size_t errlen)
{
    const char *first = NULL;
    size_t fi = 0;
    for (size_t i = 0; i < n; i++) {
        const char *c = kc_report_prop(in[i], "kmsconf.catalog_sha256");
        if (!c)
            continue;
        if (!first) {
            first = c;
            fi = i;
        } else if (strcmp(first, c)) {
            kc_err_set(err, errlen,
                       "%s and %s were made with different catalogs "
                       "(kmsconf.catalog_sha256 %.12s... vs %.12s...); use "
                       "--force to merge anyway",
                       names[fi], names[i], first, c);
            return -1;
        }
    }
    return 0;
}

/* Appends v to the ","-joined list in b unless it is already there (an
 * empty value only to an empty list). */
/* Appends the element v[0..vl) unless b holds it already. */
static void append_element(struct kc_buf *b, const char *v, size_t vl)
{
    for (const char *p = kc_buf_str(b); *p;) {
        size_t l = strcspn(p, ",");
        if (l == vl && !strncmp(p, v, l))
            return;
        p += l + (p[l] == ',');
    }
    if (!(vl == 0 && b->len))
        kc_buf_printf(b, "%s%.*s", b->len ? "," : "", (int)vl, v);
}

/* Appends each comma-separated element of v that b lacks: values that are
 * lists (kmsconf.claims.levels) merge into their union. */
static void append_distinct(struct kc_buf *b, const char *v)
{
    do {
        size_t l = strcspn(v, ",");
        append_element(b, v, l);
        v += l + (v[l] == ',');
    } while (*v);
}

/* Of two kmsconf.interrupted values, the one to keep: "true" wins. */
static const char *interrupted_of(const char *best, const char *v)
{
    if (!best || !strcmp(v, "true"))
        return best && !strcmp(best, "true") ? best : v;
    return best;
}

/* kmsconf.retries of the shards added up ("0" when none reads). */
static char *sum_of(struct kc_report *const *in, size_t n, const char *name)
{
    unsigned long long sum = 0;
    char out[24];
    for (size_t i = 0; i < n; i++) {
        const char *v = kc_report_prop(in[i], name);
        char *end = NULL;
        unsigned long long x = v ? strtoull(v, &end, 10) : 0;
        if (v && *v >= '0' && *v <= '9' && !*end && sum + x >= sum)
            sum += x;
    }
    snprintf(out, sizeof(out), "%llu", sum);
    return strdup(out);
}

/* The merged value of property name over all inputs. NULL: drop. */
static char *merged_prop(struct kc_report *const *in, size_t n,
                         const char *name)
{
    if (!strcmp(name, "kmsconf.shard"))
        return NULL;
    if (!strcmp(name, "kmsconf.retries"))
        return sum_of(in, n, name);
    struct kc_buf b;
    kc_buf_init(&b, MERGE_PROP_MAX);
    const char *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *v = kc_report_prop(in[i], name);
        if (!v)
            continue;
        if (!strcmp(name, "kmsconf.started")) {
            if (!best || strcmp(v, best) < 0)
                best = v;
        } else if (!strcmp(name, "kmsconf.interrupted")) {
            best = interrupted_of(best, v);
        } else {
            append_distinct(&b, v); /* in order of appearance */
        }
    }
    if (best)
        kc_buf_puts(&b, best);
    return kc_buf_take(&b);
}

static int merge_props(struct kc_report *out, struct kc_report *const *in,
                       size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t p = 0; p < in[i]->nprops; p++) {
            const char *name = in[i]->props[p].name;
            if (kc_report_prop(out, name) || !strcmp(name, "kmsconf.shard"))
                continue;
            char *v = merged_prop(in, n, name);
            int rc = v ? kc_report_set_prop(out, name, v) : -1;
            free(v);
            if (rc)
                return -1;
        }
    }
    return 0;
}

static bool same_failures(const struct kc_testcase *a,
                          const struct kc_testcase *b)
{
    if (a->nfailures != b->nfailures)
        return false;
    for (size_t i = 0; i < a->nfailures; i++) {
        if (strcmp(a->failures[i].check, b->failures[i].check))
            return false;
    }
    return true;
}

bool kc_merge_same_result(const struct kc_testcase *a,
                          const struct kc_testcase *b)
{
    if (a->outcome != b->outcome)
        return false;
    if (a->outcome == KC_OUTCOME_SKIP)
        return !strcmp(a->skip_type ? a->skip_type : "",
                       b->skip_type ? b->skip_type : "");
    return same_failures(a, b);
}

/* The testcases of all inputs into out, each once. */
static enum kc_merge_status merge_cases(struct kc_report *out,
                                        struct kc_report *const *in,
                                        const char *const *names, size_t n,
                                        char *err, size_t errlen)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += in[i]->ncases;
    struct merge_src *s = calloc(total + 1, sizeof(*s));
    if (!s)
        return KC_MERGE_OUT_OF_MEMORY;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < in[i]->ncases; j++)
            s[k++] = (struct merge_src){&in[i]->cases[j], i};
    }
    qsort(s, total, sizeof(*s), cmp_merge_src);
    enum kc_merge_status rc = KC_MERGE_OK;
    for (k = 0; k < total && rc == KC_MERGE_OK; k++) {
        if (k && !kc_testcase_cmp(s[k - 1].tc, s[k].tc)) {
            if (kc_merge_same_result(s[k - 1].tc, s[k].tc))
                continue;
            kc_merge_conflict(err, errlen, s[k - 1].tc, names[s[k - 1].from],
                              s[k].tc, names[s[k].from]);
            rc = KC_MERGE_CONFLICT;
            break;
        }
        if (!kc_report_copy_case(out, s[k].tc))
            rc = KC_MERGE_OUT_OF_MEMORY;
    }
    free(s);
    return rc;
}

void kc_merge_conflict(char *err, size_t errlen, const struct kc_testcase *a,
                       const char *a_name, const struct kc_testcase *b,
                       const char *b_name)
{
    kc_err_set(err, errlen,
               "conflict: testcase '%s' (%s) is %s in %s but %s in %s", b->name,
               b->classname, kc_outcome_name(a->outcome), a_name,
               kc_outcome_name(b->outcome), b_name);
}

enum kc_merge_status kc_merge_header(struct kc_report *const *in,
                                     const char *const *names, size_t n,
                                     bool force, struct kc_report **out,
                                     char *err, size_t errlen)
{
    enum kc_merge_status rc = KC_MERGE_OUT_OF_MEMORY;
    *out = NULL;
    if (n == 0) {
        kc_err_set(err, errlen, "nothing to merge");
        return KC_MERGE_NO_INPUT;
    }
    if (!force && check_catalogs(in, names, n, err, errlen))
        return KC_MERGE_CATALOGS_DIFFER;
    struct kc_report *r = kc_report_new(in[0]->name);
    if (!r)
        goto out;
    for (size_t i = 0; i < n; i++) {
        r->time_s += in[i]->time_s;
        const char *ts = in[i]->timestamp;
        if (ts && (!r->timestamp || strcmp(ts, r->timestamp) < 0) &&
            kc_report_setstr(&r->timestamp, ts))
            goto out;
    }
    if (merge_props(r, in, n))
        goto out;
    rc = KC_MERGE_OK;
    *out = r;
    r = NULL;
out:
    if (rc == KC_MERGE_OUT_OF_MEMORY)
        kc_err_set(err, errlen, "out of memory");
    kc_report_free(r);
    return rc;
}

enum kc_merge_status kc_merge(struct kc_report *const *in,
                              const char *const *names, size_t n, bool force,
                              struct kc_report **out, char *err, size_t errlen)
{
    struct kc_report *r = NULL;
    enum kc_merge_status rc =
        kc_merge_header(in, names, n, force, &r, err, errlen);
    *out = NULL;
    if (rc != KC_MERGE_OK)
        return rc;
    rc = merge_cases(r, in, names, n, err, errlen);
    if (rc == KC_MERGE_OUT_OF_MEMORY)
        kc_err_set(err, errlen, "out of memory");
    if (rc != KC_MERGE_OK) {
        kc_report_free(r);
        return rc;
    }
    kc_report_sort(r);
    *out = r;
    return KC_MERGE_OK;
}
