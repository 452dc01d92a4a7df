/* kc_case: the case model, its lifetime and lookups. */
#include "kc/case.h"

#include <stdlib.h>
#include <string.h>

#include "kc/codec.h"
#include "kc/levels.h"

#define CASESET_FIRST_CAP 64

/* ---- names ---- */

static bool lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* The names are kc_levels' (the report tools read them back). */
_Static_assert(KC_NLEVELS == KC_LEVELS_N, "one level list");

const char *kc_level_name(enum kc_level l)
{
    return kc_levels_name((size_t)l);
}

int kc_level_parse(const char *name, enum kc_level *out)
{
    int i = kc_levels_index(name);

    if (i < 0)
        return -1;
    *out = (enum kc_level)i;
    return 0;
}

bool kc_case_name_valid(const char *name)
{
    if (!name || !lower_alnum(name[0]))
        return false;
    for (const char *p = name + 1; *p; p++) {
        if (!lower_alnum(*p) && *p != '.' && *p != '_' && *p != '-')
            return false;
    }
    return true;
}

bool kc_case_id_valid(const char *id)
{
    if (!id || !*id)
        return false;
    for (const char *p = id; *p; p++) {
        if (!lower_alnum(*p) && !strchr("./_-", *p))
            return false;
    }
    return true;
}

/* ---- model lifetime ---- */

static void kvs_free(struct kc_kv *kv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(kv[i].name);
        free(kv[i].value);
    }
    free(kv);
}

static void strs_free(char **s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

void kc_case_step_dispose(struct kc_step *s)
{
    free(s->action);
    kvs_free(s->params, s->nparams);
    free(s->credential);
    free(s->access_key_id);
    free(s->method);
    kvs_free(s->overrides, s->noverrides);
    free(s->raw_query);
    free(s->wait_until);
    kvs_free(s->saves, s->nsaves);
    free(s->expect_error);
    kvs_free(s->expect_args, s->nexpect_args);
    memset(s, 0, sizeof(*s));
}

void kc_case_dispose(struct kc_case *c)
{
    free(c->id);
    free(c->error);
    free(c->summary);
    free(c->file);
    for (size_t i = 0; i < c->nsources; i++) {
        free(c->sources[i].ref);
        free(c->sources[i].at);
    }
    free(c->sources);
    free(c->extension);
    strs_free(c->tags, c->ntags);
    strs_free(c->req_credentials, c->nreq_credentials);
    strs_free(c->req_capabilities, c->nreq_capabilities);
    for (size_t i = 0; i < c->nsetup; i++)
        kc_case_step_dispose(&c->setup[i]);
    free(c->setup);
    kc_case_step_dispose(&c->probe);
    for (size_t i = 0; i < c->nteardown; i++)
        kc_case_step_dispose(&c->teardown[i]);
    free(c->teardown);
    memset(c, 0, sizeof(*c));
}

/* ---- the set ---- */

void kc_caseset_init(struct kc_caseset *set)
{
    memset(set, 0, sizeof(*set));
}

void kc_caseset_dispose(struct kc_caseset *set)
{
    for (size_t i = 0; i < set->n; i++)
        kc_case_dispose(&set->cases[i]);
    free(set->cases);
    memset(set, 0, sizeof(*set));
}

int kc_caseset_add(struct kc_caseset *set, struct kc_case *c)
{
    if (set->n == set->cap) {
        size_t ncap = set->cap ? set->cap * 2 : CASESET_FIRST_CAP;
        struct kc_case *nc = realloc(set->cases, ncap * sizeof(*nc));
        if (!nc)
            return -1;
        set->cases = nc;
        set->cap = ncap;
    }
    set->cases[set->n++] = *c;
    memset(c, 0, sizeof(*c));
    return 0;
}

static int cmp_case(const void *a, const void *b)
{
    const struct kc_case *x = a, *y = b;
    int r = strcmp(x->id, y->id);
    return r ? r : strcmp(x->file, y->file);
}

int kc_caseset_finish(struct kc_caseset *set, struct kc_issues *issues)
{
    int rc = 0;

    if (set->n > 1)
        qsort(set->cases, set->n, sizeof(*set->cases), cmp_case);
    for (size_t i = 1; i < set->n; i++) {
        if (strcmp(set->cases[i - 1].id, set->cases[i].id) != 0)
            continue;
        if (kc_issues_add(issues, "%s: $.id: duplicate id \"%s\" (also in %s)",
                          set->cases[i].file, set->cases[i].id,
                          set->cases[i - 1].file) != 0)
            return -1;
        rc = 1;
    }
    return rc;
}

const struct kc_case *kc_caseset_find(const struct kc_caseset *set,
                                      const char *id)
{
    size_t lo = 0, hi = set->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(id, set->cases[mid].id);
        if (r == 0)
            return &set->cases[mid];
        if (r < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static int cmp_case_ptr(const void *a, const void *b)
{
    const struct kc_case *const *x = a;
    const struct kc_case *const *y = b;
    return strcmp((*x)->id, (*y)->id);
}

int kc_cases_digest(const struct kc_case *const *v, size_t n, char out[65])
{
    const struct kc_case **sorted = calloc(n ? n : 1, sizeof(*sorted));
    struct kc_buf b;
    int rc = -1;

    kc_buf_init(&b, 0);
    if (!sorted)
        goto out;
    memcpy(sorted, v, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), cmp_case_ptr);
    for (size_t i = 0; i < n; i++)
        kc_buf_printf(&b, "%s %s\n", sorted[i]->id, sorted[i]->sha256);
    if (b.failed)
        goto out;
    kc_sha256_hex(b.len ? kc_buf_str(&b) : "", b.len, out);
    rc = 0;
out:
    kc_buf_dispose(&b);
    free(sorted);
    return rc;
}

bool kc_case_has_tag(const struct kc_case *c, const char *tag)
{
    for (size_t i = 0; i < c->ntags; i++) {
        if (!strcmp(c->tags[i], tag))
            return true;
    }
    return false;
}

static void add_unique(const char **out, size_t max, size_t *n,
                       const char *name)
{
    for (size_t i = 0; i < *n && i < max; i++) {
        if (!strcmp(out[i], name))
            return;
    }
    if (*n < max)
        out[*n] = name;
    (*n)++;
}

static void step_creds(const struct kc_step *s, size_t ns, const char **out,
                       size_t max, size_t *n)
{
    for (size_t i = 0; i < ns; i++) {
        if (s[i].credential && (s[i].action || s[i].raw_query))
            add_unique(out, max, n, s[i].credential);
    }
}

size_t kc_case_credentials(const struct kc_case *c, const char **out,
                           size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < c->nreq_credentials; i++)
        add_unique(out, max, &n, c->req_credentials[i]);
    step_creds(c->setup, c->nsetup, out, max, &n);
    step_creds(&c->probe, 1, out, max, &n);
    step_creds(c->teardown, c->nteardown, out, max, &n);
    return n;
}
