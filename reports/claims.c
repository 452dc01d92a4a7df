/* kc_claims: a target's claims against its results. */
#include "kc/claims.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ACTIONS 256 /* distinct probe actions a report is read for */

bool kc_claims_present(const struct kc_report *r)
{
    return kc_report_prop(r, "kmsconf.vendor") ||
           kc_report_prop(r, "kmsconf.product") ||
           kc_report_prop(r, "kmsconf.claims.levels") ||
           kc_report_prop(r, "kmsconf.claims.actions");
}

const char *kc_claims_state_name(enum kc_claim_state s)
{
    switch (s) {
    case KC_CLAIM_PASSING:
        return "claimed, passing";
    case KC_CLAIM_PARTIAL:
        return "claimed but partial (skipped testcases)";
    case KC_CLAIM_FAILING:
        return "claimed but failing";
    case KC_CLAIM_NOT_RUN:
        return "claimed but not run";
    case KC_CLAIM_UNCLAIMED_PASSING:
        break;
    }
    return "passing but not claimed";
}

bool kc_claims_listed(const char *list, const char *name)
{
    size_t n = strlen(name);

    for (const char *p = list; p && *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && !strncmp(p, name, n))
            return true;
        p += k + (p[k] == ',');
    }
    return false;
}

/* The testcases of one action, every format, extension left out. */
static struct kc_level_count action_count(const struct kc_report *r,
                                          const char *action)
{
    struct kc_level_count c = {0};

    for (size_t i = 0; i < r->ncases; i++) {
        const struct kc_testcase *tc = &r->cases[i];
        if (tc->action && !strcmp(tc->action, action) &&
            !(tc->level && !strcmp(tc->level, "extension")))
            kc_levels_add(&c, tc);
    }
    return c;
}

static struct kc_level_count level_count(const struct kc_levels *lv, size_t l)
{
    struct kc_level_count c = {0};

    for (size_t f = 0; f < KC_LEVELS_FORMATS; f++) {
        c.total += lv->c[l][f].total;
        c.passed += lv->c[l][f].passed;
        c.failed += lv->c[l][f].failed;
        c.skipped += lv->c[l][f].skipped;
    }
    return c;
}

static enum kc_claim_state state_of(const struct kc_level_count *c,
                                    bool claimed)
{
    enum kc_level_verdict v = kc_levels_verdict(c);

    if (!claimed)
        return KC_CLAIM_UNCLAIMED_PASSING;
    if (v == KC_VERDICT_PASS)
        return KC_CLAIM_PASSING;
    if (v == KC_VERDICT_PARTIAL)
        return KC_CLAIM_PARTIAL;
    return v == KC_VERDICT_FAIL ? KC_CLAIM_FAILING : KC_CLAIM_NOT_RUN;
}

static void emit(kc_claim_fn fn, void *ctx, bool is_action, const char *name,
                 struct kc_level_count c, bool claimed)
{
    struct kc_claim_row row = {is_action, name, state_of(&c, claimed), c};

    if (claimed || kc_levels_verdict(&c) == KC_VERDICT_PASS)
        fn(ctx, &row);
}

/* The probe actions of the report, once each, in first-seen order. */
static size_t report_actions(const struct kc_report *r, const char **out)
{
    size_t n = 0;

    for (size_t i = 0; i < r->ncases; i++) {
        const char *a = r->cases[i].action;
        bool seen = !a;
        for (size_t k = 0; k < n && !seen; k++)
            seen = !strcmp(out[k], a);
        if (!seen && n < MAX_ACTIONS)
            out[n++] = a;
    }
    return n;
}

/* Where the counts of a comparison come from: a report's testcases or a
 * tally of them. */
struct source {
    const struct kc_report *hdr; /* the claims' properties */
    const struct kc_levels *lv;
    const char *const *seen; /* the actions in first-seen order */
    size_t nseen;
    struct kc_level_count (*count)(const void *src, const char *action);
    const void *src;
};

/* The rows: claimed levels, claimed actions, then the levels and actions
 * that pass without a claim. */
static void compare(const struct source *s, kc_claim_fn fn, void *ctx)
{
    const char *levels = kc_report_prop(s->hdr, "kmsconf.claims.levels");
    const char *actions = kc_report_prop(s->hdr, "kmsconf.claims.actions");

    for (size_t l = 0; l + 1 < KC_LEVELS_N; l++) {
        if (kc_claims_listed(levels, kc_levels_name(l)))
            emit(fn, ctx, false, kc_levels_name(l), level_count(s->lv, l),
                 true);
    }
    for (const char *p = actions; p && *p;) {
        size_t k = strcspn(p, ",");
        char name[64];
        if (k < sizeof(name)) {
            memcpy(name, p, k);
            name[k] = '\0';
            emit(fn, ctx, true, name, s->count(s->src, name), true);
        }
        p += k + (p[k] == ',');
    }
    for (size_t l = 0; l + 1 < KC_LEVELS_N; l++) {
        if (!kc_claims_listed(levels, kc_levels_name(l)))
            emit(fn, ctx, false, kc_levels_name(l), level_count(s->lv, l),
                 false);
    }
    for (size_t k = 0; k < s->nseen; k++) {
        if (!kc_claims_listed(actions, s->seen[k]))
            emit(fn, ctx, true, s->seen[k], s->count(s->src, s->seen[k]),
                 false);
    }
}

static struct kc_level_count report_count(const void *src, const char *action)
{
    return action_count(src, action);
}

/* ------------------------------------------------------------------ */
/* The same comparison on a tally                                      */

struct kc_claims_action {
    char *name;
    struct kc_level_count count; /* extension left out */
};

/* FNV-1a of a name: where its action sits in the index. */
static size_t name_hash(const char *name)
{
    uint64_t h = 14695981039346656037u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return (size_t)h;
}

/* The index slot of name: its action's, or the empty one it would take. */
static size_t *index_slot(const struct kc_claims_tally *t, const char *name)
{
    size_t mask = t->index_cap - 1, i = name_hash(name) & mask;
    while (t->index[i] && strcmp(t->actions[t->index[i] - 1].name, name))
        i = (i + 1) & mask;
    return &t->index[i];
}

/* Doubles the index (or makes its first one); -1 when out of memory. */
static int index_grow(struct kc_claims_tally *t)
{
    size_t cap = t->index_cap ? t->index_cap * 2 : 64;
    size_t *old = t->index, old_cap = t->index_cap;
    t->index = calloc(cap, sizeof(*t->index));
    if (!t->index) {
        t->index = old;
        return -1;
    }
    t->index_cap = cap;
    for (size_t k = 0; k < old_cap; k++) {
        if (old[k])
            *index_slot(t, t->actions[old[k] - 1].name) = old[k];
    }
    free(old);
    return 0;
}

/* The entry of action in t, added when new; NULL when out of memory. A
 * hash index keeps each lookup constant: a hostile report may name a new
 * action in every testcase. */
static struct kc_claims_action *tally_action(struct kc_claims_tally *t,
                                             const char *action)
{
    if ((t->nactions + 1) * 2 > t->index_cap && index_grow(t))
        return NULL;
    size_t *slot = index_slot(t, action);
    if (*slot)
        return &t->actions[*slot - 1];
    if (t->nactions == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct kc_claims_action *a = realloc(t->actions, cap * sizeof(*a));
        if (!a)
            return NULL;
        t->actions = a;
        t->cap = cap;
    }
    struct kc_claims_action *a = &t->actions[t->nactions];
    a->name = strdup(action);
    if (!a->name)
        return NULL;
    memset(&a->count, 0, sizeof(a->count));
    *slot = ++t->nactions;
    return a;
}

int kc_claims_tally_add(struct kc_claims_tally *t, const struct kc_testcase *tc)
{
    kc_levels_add_case(&t->lv, tc);
    if (!tc->action)
        return 0;
    /* the last one seen first: a sorted report holds runs of one action */
    struct kc_claims_action *a =
        t->nactions && !strcmp(t->actions[t->nactions - 1].name, tc->action)
            ? &t->actions[t->nactions - 1]
            : tally_action(t, tc->action);
    if (!a) {
        t->failed = true;
        return -1;
    }
    if (!(tc->level && !strcmp(tc->level, "extension")))
        kc_levels_add(&a->count, tc);
    return 0;
}

void kc_claims_tally_dispose(struct kc_claims_tally *t)
{
    for (size_t k = 0; k < t->nactions; k++)
        free(t->actions[k].name);
    free(t->actions);
    free(t->index);
    memset(t, 0, sizeof(*t));
}

static struct kc_level_count tally_count(const struct kc_claims_tally *t,
                                         const char *action)
{
    struct kc_level_count none = {0};
    if (!t->index_cap)
        return none;
    size_t k = *index_slot(t, action);
    return k ? t->actions[k - 1].count : none;
}

static struct kc_level_count tally_count_of(const void *src, const char *action)
{
    return tally_count(src, action);
}

void kc_claims_compare_tally(const struct kc_report *hdr,
                             const struct kc_claims_tally *t, kc_claim_fn fn,
                             void *ctx)
{
    /* as report_actions: the first MAX_ACTIONS actions seen */
    const char *seen[MAX_ACTIONS];
    size_t n = 0;
    for (; n < t->nactions && n < MAX_ACTIONS; n++)
        seen[n] = t->actions[n].name;
    struct source s = {hdr, &t->lv, seen, n, tally_count_of, t};
    compare(&s, fn, ctx);
}

void kc_claims_compare(const struct kc_report *r, kc_claim_fn fn, void *ctx)
{
    const char *seen[MAX_ACTIONS];
    struct kc_levels lv;

    kc_levels_count(r, &lv);
    struct source s = {r, &lv, seen, report_actions(r, seen), report_count, r};
    compare(&s, fn, ctx);
}
