/* kc_report: the in-memory report model (see report.h). */
#include "kc/report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kc/codec.h"

/* The classname of kmsconf's testcases is this followed by the code. */
#define CLASSNAME_PREFIX     "kmsconf."
#define CLASSNAME_PREFIX_LEN (sizeof(CLASSNAME_PREFIX) - 1)
/* Longest JUnit name or classname derived here. */
#define JUNIT_NAME_MAX ((size_t)1 << 20)

struct kc_report *kc_report_new(const char *name)
{
    struct kc_report *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->name = strdup(name ? name : "kmsconf");
    if (!r->name) {
        free(r);
        return NULL;
    }
    return r;
}

static void failure_free(struct kc_failure *f)
{
    free(f->check);
    free(f->message);
    free(f->detail);
}

static void clear_failures(struct kc_testcase *tc)
{
    for (size_t i = 0; i < tc->nfailures; i++)
        failure_free(&tc->failures[i]);
    free(tc->failures);
    tc->failures = NULL;
    tc->nfailures = 0;
}

static void testcase_free(struct kc_testcase *tc)
{
    free(tc->classname);
    free(tc->name);
    free(tc->case_id);
    free(tc->format);
    free(tc->code);
    clear_failures(tc);
    free(tc->skip_type);
    free(tc->skip_reason);
    free(tc->request_id);
    free(tc->message_template);
    free(tc->level);
    free(tc->action);
    free(tc->transcript);
}

void kc_report_free(struct kc_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nprops; i++) {
        free(r->props[i].name);
        free(r->props[i].value);
    }
    free(r->props);
    for (size_t i = 0; i < r->ncases; i++)
        testcase_free(&r->cases[i]);
    free(r->cases);
    free(r->name);
    free(r->timestamp);
    free(r);
}

void kc_report_drop_cases(struct kc_report *r)
{
    for (size_t i = 0; i < r->ncases; i++)
        testcase_free(&r->cases[i]);
    r->ncases = 0;
    r->sorted = false;
}

int kc_report_setstr(char **field, const char *value)
{
    char *copy = NULL;
    if (value) {
        copy = strdup(value);
        if (!copy)
            return -1;
    }
    free(*field);
    *field = copy;
    return 0;
}

int kc_report_set_prop(struct kc_report *r, const char *name, const char *value)
{
    for (size_t i = 0; i < r->nprops; i++) {
        if (!strcmp(r->props[i].name, name))
            return kc_report_setstr(&r->props[i].value, value ? value : "");
    }
    struct kc_property *p =
        realloc(r->props, (r->nprops + 1) * sizeof(*r->props));
    if (!p)
        return -1;
    r->props = p;
    char *n = strdup(name);
    char *v = strdup(value ? value : "");
    if (!n || !v) {
        free(n);
        free(v);
        return -1;
    }
    r->props[r->nprops].name = n;
    r->props[r->nprops].value = v;
    r->nprops++;
    return 0;
}

const char *kc_report_prop(const struct kc_report *r, const char *name)
{
    for (size_t i = 0; i < r->nprops; i++) {
        if (!strcmp(r->props[i].name, name))
            return r->props[i].value;
    }
    return NULL;
}

struct kc_testcase *kc_report_add_case(struct kc_report *r)
{
    if (r->ncases == r->cases_cap) {
        size_t cap = r->cases_cap ? r->cases_cap * 2 : 16;
        struct kc_testcase *c = realloc(r->cases, cap * sizeof(*r->cases));
        if (!c)
            return NULL;
        r->cases = c;
        r->cases_cap = cap;
    }
    struct kc_testcase *tc = &r->cases[r->ncases++];
    memset(tc, 0, sizeof(*tc));
    r->sorted = false;
    return tc;
}

int kc_testcase_add_failure(struct kc_testcase *tc, const char *check,
                            const char *message, const char *detail)
{
    struct kc_failure *f =
        realloc(tc->failures, (tc->nfailures + 1) * sizeof(*tc->failures));
    if (!f)
        return -1;
    tc->failures = f;
    struct kc_failure *nf = &tc->failures[tc->nfailures];
    memset(nf, 0, sizeof(*nf));
    if (kc_report_setstr(&nf->check, check ? check : "failure") ||
        kc_report_setstr(&nf->message, message ? message : "") ||
        kc_report_setstr(&nf->detail, detail)) {
        failure_free(nf);
        return -1;
    }
    tc->nfailures++;
    return 0;
}

int kc_testcase_set_skip(struct kc_testcase *tc, const char *type,
                         const char *reason)
{
    if (kc_report_setstr(&tc->skip_type, type) ||
        kc_report_setstr(&tc->skip_reason, reason))
        return -1;
    clear_failures(tc);
    tc->outcome = KC_OUTCOME_SKIP;
    return 0;
}

void kc_report_drop_passing_transcripts(struct kc_report *r)
{
    for (size_t i = 0; i < r->ncases; i++) {
        struct kc_testcase *tc = &r->cases[i];
        if (tc->outcome != KC_OUTCOME_PASS || tc->retries)
            continue; /* a flaky pass keeps the retries it shows */
        free(tc->transcript);
        tc->transcript = NULL;
    }
}

static int strcmp_null(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

int kc_testcase_cmp(const struct kc_testcase *a, const struct kc_testcase *b)
{
    int c = strcmp_null(a->classname, b->classname);
    return c ? c : strcmp_null(a->name, b->name);
}

static int cmp_cases(const void *a, const void *b)
{
    return kc_testcase_cmp(a, b);
}

void kc_report_sort(struct kc_report *r)
{
    if (r->ncases > 1)
        qsort(r->cases, r->ncases, sizeof(*r->cases), cmp_cases);
    r->sorted = true;
}

size_t kc_report_count(const struct kc_report *r, enum kc_outcome o)
{
    size_t n = 0;
    for (size_t i = 0; i < r->ncases; i++)
        n += r->cases[i].outcome == o;
    return n;
}

enum kc_code_state kc_report_code_state(const struct kc_report *r,
                                        const char *code)
{
    enum kc_code_state st = KC_CODE_NONE;

    for (size_t i = 0; i < r->ncases; i++) {
        const struct kc_testcase *tc = &r->cases[i];
        const char *c = tc->code ? tc->code : tc->classname;
        if (!c || strcmp(c, code) != 0)
            continue;
        if (tc->outcome == KC_OUTCOME_FAIL || tc->outcome == KC_OUTCOME_ERROR)
            return KC_CODE_FAIL;
        if (tc->outcome == KC_OUTCOME_PASS)
            st = KC_CODE_PASS;
    }
    return st;
}

size_t kc_report_score(const struct kc_report *r, const char *const *codes,
                       size_t n)
{
    size_t passed = 0;

    for (size_t c = 0; c < n; c++)
        passed += kc_report_code_state(r, codes[c]) == KC_CODE_PASS;
    return passed;
}

const char *kc_outcome_name(enum kc_outcome o)
{
    switch (o) {
    case KC_OUTCOME_PASS:
        return "pass";
    case KC_OUTCOME_FAIL:
        return "fail";
    case KC_OUTCOME_ERROR:
        return "error";
    case KC_OUTCOME_SKIP:
        return "skip";
    }
    return "unknown";
}

/* The classname tc is written under (see kc_testcase_junit_names). */
static int junit_classname(const struct kc_testcase *tc, char **out)
{
    *out = NULL;
    if (tc->classname) {
        *out = strdup(tc->classname);
    } else if (tc->code) {
        struct kc_buf b;
        kc_buf_init(&b, JUNIT_NAME_MAX);
        kc_buf_printf(&b, CLASSNAME_PREFIX "%s", tc->code);
        *out = kc_buf_take(&b);
    } else {
        return 0;
    }
    return *out ? 0 : -1;
}

/* The name tc is written under (see kc_testcase_junit_names). */
static int junit_name(const struct kc_testcase *tc, char **out)
{
    *out = NULL;
    if (tc->name) {
        *out = strdup(tc->name);
    } else if (tc->case_id) {
        struct kc_buf b;
        kc_buf_init(&b, JUNIT_NAME_MAX);
        kc_buf_puts(&b, tc->case_id);
        if (tc->format)
            kc_buf_printf(&b, " [%s]", tc->format);
        *out = kc_buf_take(&b);
    } else {
        return 0;
    }
    return *out ? 0 : -1;
}

int kc_testcase_junit_names(const struct kc_testcase *tc, char **classname,
                            char **name)
{
    *name = NULL;
    if (junit_classname(tc, classname))
        return -1;
    if (junit_name(tc, name)) {
        free(*classname);
        *classname = NULL;
        return -1;
    }
    return 0;
}

int kc_testcase_set_id(struct kc_testcase *tc, const char *case_id,
                       const char *format, const char *code)
{
    char *classname = NULL, *name = NULL;
    if (kc_report_setstr(&tc->case_id, case_id) ||
        kc_report_setstr(&tc->format, format) ||
        kc_report_setstr(&tc->code, code))
        return -1;
    free(tc->classname);
    free(tc->name);
    tc->classname = NULL;
    tc->name = NULL;
    if (kc_testcase_junit_names(tc, &classname, &name))
        return -1;
    tc->classname = classname;
    tc->name = name;
    return 0;
}

/* case_id and format from a name "<id> [<format>]", or the name as id. */
static int derive_from_name(struct kc_testcase *tc)
{
    const char *open = strrchr(tc->name, '[');
    size_t n = strlen(tc->name);
    if (open && open > tc->name && open[-1] == ' ' && tc->name[n - 1] == ']') {
        if (!tc->case_id) {
            tc->case_id = strndup(tc->name, (size_t)(open - 1 - tc->name));
            if (!tc->case_id)
                return -1;
        }
        if (!tc->format) {
            tc->format =
                strndup(open + 1, (size_t)(tc->name + n - 1 - open - 1));
            if (!tc->format)
                return -1;
        }
        return 0;
    }
    if (!tc->case_id)
        return kc_report_setstr(&tc->case_id, tc->name);
    return 0;
}

int kc_testcase_derive(struct kc_testcase *tc)
{
    if (tc->name && derive_from_name(tc))
        return -1;
    if (!tc->code && tc->classname &&
        !strncmp(tc->classname, CLASSNAME_PREFIX, CLASSNAME_PREFIX_LEN))
        return kc_report_setstr(&tc->code,
                                tc->classname + CLASSNAME_PREFIX_LEN);
    return 0;
}

static int copy_case(struct kc_testcase *d, const struct kc_testcase *s)
{
    d->outcome = s->outcome;
    d->time_s = s->time_s;
    d->retries = s->retries;
    if (kc_report_setstr(&d->classname, s->classname) ||
        kc_report_setstr(&d->name, s->name) ||
        kc_report_setstr(&d->case_id, s->case_id) ||
        kc_report_setstr(&d->format, s->format) ||
        kc_report_setstr(&d->code, s->code) ||
        kc_report_setstr(&d->level, s->level) ||
        kc_report_setstr(&d->action, s->action) ||
        kc_report_setstr(&d->skip_type, s->skip_type) ||
        kc_report_setstr(&d->skip_reason, s->skip_reason) ||
        kc_report_setstr(&d->request_id, s->request_id) ||
        kc_report_setstr(&d->message_template, s->message_template) ||
        kc_report_setstr(&d->transcript, s->transcript))
        return -1;
    for (size_t i = 0; i < s->nfailures; i++) {
        const struct kc_failure *f = &s->failures[i];
        if (kc_testcase_add_failure(d, f->check, f->message, f->detail))
            return -1;
    }
    return 0;
}

struct kc_testcase *kc_report_copy_case(struct kc_report *r,
                                        const struct kc_testcase *tc)
{
    struct kc_testcase *d = kc_report_add_case(r);
    if (!d)
        return NULL;
    if (copy_case(d, tc)) {
        testcase_free(d);
        r->ncases--;
        return NULL;
    }
    return d;
}

const struct kc_testcase *kc_report_find(const struct kc_report *r,
                                         const char *classname,
                                         const char *name)
{
    struct kc_testcase key = {.classname = (char *)(uintptr_t)classname,
                              .name = (char *)(uintptr_t)name};
    if (r->sorted) {
        return bsearch(&key, r->cases, r->ncases, sizeof(*r->cases), cmp_cases);
    }
    for (size_t i = 0; i < r->ncases; i++) {
        if (!kc_testcase_cmp(&key, &r->cases[i]))
            return &r->cases[i];
    }
    return NULL;
}
