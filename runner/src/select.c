#include "kc/select.h"

#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHARD_MAX 10000u

void kc_select_init(struct kc_select *s)
{
    memset(s, 0, sizeof(*s));
}

static void strs_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void kc_select_dispose(struct kc_select *s)
{
    strs_free(s->only, s->nonly);
    strs_free(s->tags, s->ntags);
    strs_free(s->skip_tags, s->nskip_tags);
    memset(s, 0, sizeof(*s));
}

static int push(char ***v, size_t *n, const char *what, const char *value,
                char *err, size_t errlen)
{
    char **nv;
    char *copy;

    if (!value || !value[0]) {
        snprintf(err, errlen, "%s: expected a non-empty value", what);
        return -1;
    }
    copy = strdup(value);
    nv = copy ? realloc(*v, (*n + 1) * sizeof(char *)) : NULL;
    if (!nv) {
        free(copy);
        snprintf(err, errlen, "%s: out of memory", what);
        return -1;
    }
    nv[(*n)++] = copy;
    *v = nv;
    return 0;
}

int kc_select_add_only(struct kc_select *s, const char *glob, char *err,
                       size_t errlen)
{
    return push(&s->only, &s->nonly, "--only", glob, err, errlen);
}

int kc_select_add_tag(struct kc_select *s, const char *tag, char *err,
                      size_t errlen)
{
    return push(&s->tags, &s->ntags, "--tag", tag, err, errlen);
}

int kc_select_add_skip_tag(struct kc_select *s, const char *tag, char *err,
                           size_t errlen)
{
    return push(&s->skip_tags, &s->nskip_tags, "--skip-tag", tag, err, errlen);
}

/* A decimal number 1..SHARD_MAX spanning exactly [s, end). */
static unsigned parse_uint(const char *s, const char *end)
{
    unsigned v = 0;

    if (s == end || end - s > 5)
        return 0;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10u + (unsigned)(*s - '0');
    }
    return v <= SHARD_MAX ? v : 0;
}

int kc_select_set_shard(struct kc_select *s, const char *spec, char *err,
                        size_t errlen)
{
    const char *slash = spec ? strchr(spec, '/') : NULL;
    unsigned i, n;

    if (!slash) {
        snprintf(err, errlen, "--shard: expected I/N (e.g. 1/4), got \"%s\"",
                 spec ? spec : "");
        return -1;
    }
    i = parse_uint(spec, slash);
    n = parse_uint(slash + 1, slash + strlen(slash));
    if (!i || !n || i > n) {
        snprintf(err, errlen,
                 "--shard: expected I/N with 1 <= I <= N <= %u, got \"%s\"",
                 SHARD_MAX, spec);
        return -1;
    }
    s->shard_index = i;
    s->shard_count = n;
    return 0;
}

unsigned kc_select_shard_of(const char *id, unsigned n)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a 64 */

    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        h ^= *p;
        h *= 1099511628211u;
    }
    return n ? (unsigned)(h % n) : 0;
}

static bool any_glob(char *const *globs, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++) {
        if (fnmatch(globs[i], id, 0) == 0)
            return true;
    }
    return false;
}

static bool any_tag(char *const *tags, size_t n, const struct kc_case *c)
{
    for (size_t i = 0; i < n; i++) {
        if (kc_case_has_tag(c, tags[i]))
            return true;
    }
    return false;
}

bool kc_select_match(const struct kc_select *s, const struct kc_case *c)
{
    if (s->nonly && !any_glob(s->only, s->nonly, c->id))
        return false;
    if (s->ntags && !any_tag(s->tags, s->ntags, c))
        return false;
    if (any_tag(s->skip_tags, s->nskip_tags, c))
        return false;
    if (s->read_only && !kc_case_has_tag(c, "read-only"))
        return false;
    if (s->shard_count &&
        kc_select_shard_of(c->id, s->shard_count) != s->shard_index - 1)
        return false;
    return true;
}

int kc_select_apply(const struct kc_select *s, const struct kc_caseset *set,
                    const struct kc_case ***out, size_t *nout)
{
    const struct kc_case **v = NULL;
    size_t n = 0;

    *out = NULL;
    *nout = 0;
    if (set->n) {
        v = calloc(set->n, sizeof(*v));
        if (!v)
            return -1;
    }
    for (size_t i = 0; i < set->n; i++) {
        if (kc_select_match(s, &set->cases[i]))
            v[n++] = &set->cases[i];
    }
    if (n == 0) {
        free(v);
        v = NULL;
    }
    *out = v;
    *nout = n;
    return 0;
}
