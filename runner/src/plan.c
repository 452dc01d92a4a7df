#include "kc/plan.h"

#include <stdlib.h>
#include <string.h>

/* Whether a step sends a request (a step may be only a wait). */
static bool sends(const struct kc_step *s)
{
    return s->action || s->raw_query;
}

static struct kc_plan_cred *cred_of(struct kc_plan *p, const char *name)
{
    for (size_t i = 0; i < p->ncreds; i++) {
        if (!strcmp(p->creds[i].name, name))
            return &p->creds[i];
    }
    return NULL;
}

static int count_creation(struct kc_plan *p, const struct kc_target *t,
                          const struct kc_step *s)
{
    bool key = s->action && !strcmp(s->action, "CreateKey");
    bool alias = s->action && !strcmp(s->action, "CreateAlias");
    const struct kc_credential *c = kc_target_credential(t, s->credential);
    struct kc_plan_cred *pc;

    if ((!key && !alias) || !c)
        return 0;
    pc = cred_of(p, c->name);
    if (!pc) {
        struct kc_plan_cred *grown =
            realloc(p->creds, (p->ncreds + 1) * sizeof(*grown));
        if (!grown)
            return -1;
        p->creds = grown;
        pc = &p->creds[p->ncreds++];
        *pc = (struct kc_plan_cred){c->name, 0, 0};
    }
    pc->keys += key;
    pc->aliases += alias;
    return 0;
}

static size_t count_steps(struct kc_plan *p, const struct kc_step *steps,
                          size_t n)
{
    size_t sent = 0;
    for (size_t i = 0; i < n; i++) {
        sent += sends(&steps[i]);
        p->waits_ms += (size_t)steps[i].wait_ms;
        p->wait_untils += steps[i].wait_until != NULL;
    }
    return sent;
}

static long steps_chain_ms(const struct kc_step *steps, size_t n, long rtt_ms)
{
    long ms = 0;
    for (size_t i = 0; i < n; i++) {
        ms += steps[i].wait_ms + (sends(&steps[i]) ? rtt_ms : 0);
        ms += steps[i].wait_until ? KC_PLAN_WAIT_UNTIL_MS : 0;
    }
    return ms;
}

long kc_plan_chain_ms(const struct kc_case *c, size_t formats, long rtt_ms)
{
    long probe = c->probe.wait_ms + (sends(&c->probe) ? rtt_ms : 0);
    return steps_chain_ms(c->setup, c->nsetup, rtt_ms) + (long)formats * probe +
           steps_chain_ms(c->teardown, c->nteardown, rtt_ms);
}

struct ranked {
    long ms;
    size_t index;
};

static int by_chain_desc(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->ms != y->ms)
        return x->ms > y->ms ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

int kc_plan_order(const struct kc_case *const *cases, size_t n, size_t formats,
                  long rtt_ms, size_t *order)
{
    struct ranked *r = calloc(n ? n : 1, sizeof(*r));
    if (!r)
        return -1;
    for (size_t i = 0; i < n; i++)
        r[i] = (struct ranked){kc_plan_chain_ms(cases[i], formats, rtt_ms), i};
    qsort(r, n, sizeof(*r), by_chain_desc);
    for (size_t i = 0; i < n; i++)
        order[i] = r[i].index;
    free(r);
    return 0;
}

static int add_skip(struct kc_plan *p, const struct kc_skip *sk)
{
    char reason[sizeof(sk->type) + sizeof(sk->reason) + 2];
    snprintf(reason, sizeof(reason), "%s: %s", sk->type, sk->reason);
    p->skipped++;
    for (size_t i = 0; i < p->nskips; i++) {
        if (!strcmp(p->skips[i].reason, reason)) {
            p->skips[i].cases++;
            return 0;
        }
    }
    struct kc_plan_skip *grown =
        realloc(p->skips, (p->nskips + 1) * sizeof(*grown));
    if (!grown)
        return -1;
    p->skips = grown;
    p->skips[p->nskips] = (struct kc_plan_skip){strdup(reason), 1};
    return p->skips[p->nskips++].reason ? 0 : -1;
}

static int plan_case(struct kc_plan *p, const struct kc_target *t,
                     const struct kc_case *c, size_t formats)
{
    struct kc_skip sk;

    p->cases++;
    p->testcases += formats;
    if (!kc_target_can_run(t, c, &sk))
        return add_skip(p, &sk);
    size_t untils = p->wait_untils;
    size_t requests = count_steps(p, c->setup, c->nsetup) +
                      formats * sends(&c->probe) +
                      count_steps(p, c->teardown, c->nteardown);
    p->requests += requests;
    p->waits_ms += formats * (size_t)c->probe.wait_ms;
    long chain = kc_plan_chain_ms(c, formats, KC_PLAN_RTT_MS);
    if (!p->longest_id || chain > (long)p->longest_requests * KC_PLAN_RTT_MS +
                                      p->longest_waits_ms) {
        p->longest_id = c->id;
        p->longest_requests = requests;
        p->longest_waits_ms = chain - (long)requests * KC_PLAN_RTT_MS;
        p->longest_wait_untils = p->wait_untils - untils;
    }
    for (size_t i = 0; i < c->nsetup; i++) {
        if (count_creation(p, t, &c->setup[i]))
            return -1;
    }
    return 0;
}

/* The credentials the preflight sends for: "default" and those the
 * runnable cases use, each once (as kc_preflight_run picks them). */
static size_t preflight_requests(const struct kc_target *t,
                                 const struct kc_case *const *cases, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < t->ncreds; i++) {
        const char *name = t->creds[i].name;
        bool used = !strcmp(name, "default");
        for (size_t k = 0; k < n && !used; k++) {
            const char *names[KC_CASE_CREDENTIALS_MAX];
            size_t m =
                kc_case_credentials(cases[k], names, KC_CASE_CREDENTIALS_MAX);
            for (size_t j = 0; j < m && !used; j++)
                used = !strcmp(names[j], name);
        }
        count += used;
    }
    return count;
}

int kc_plan_make(struct kc_plan *p, const struct kc_target *t,
                 const struct kc_case *const *cases, size_t n, bool json,
                 bool xml, bool preflight)
{
    size_t formats = (size_t)json + (size_t)xml;

    memset(p, 0, sizeof(*p));
    for (size_t i = 0; i < n; i++) {
        if (plan_case(p, t, cases[i], formats)) {
            kc_plan_dispose(p);
            return -1;
        }
    }
    if (preflight) {
        p->preflight = preflight_requests(t, cases, n);
        p->requests += p->preflight;
    }
    return 0;
}

void kc_plan_dispose(struct kc_plan *p)
{
    for (size_t i = 0; i < p->nskips; i++)
        free(p->skips[i].reason);
    free(p->skips);
    free(p->creds);
    memset(p, 0, sizeof(*p));
}

static void totals(const struct kc_plan *p, size_t *keys, size_t *aliases)
{
    *keys = *aliases = 0;
    for (size_t i = 0; i < p->ncreds; i++) {
        *keys += p->creds[i].keys;
        *aliases += p->creds[i].aliases;
    }
}

void kc_plan_print_line(const struct kc_plan *p, FILE *out)
{
    size_t keys, aliases;
    totals(p, &keys, &aliases);
    fprintf(out,
            "plan: %zu cases, %zu testcases, %zu requests, %zu keys and %zu "
            "aliases created (keys scheduled for deletion, 7-day window), "
            "%zu cases skipped\n",
            p->cases, p->testcases, p->requests, keys, aliases, p->skipped);
}

void kc_plan_print(const struct kc_plan *p, FILE *out)
{
    kc_plan_print_line(p, out);
    fprintf(out,
            "requests: %zu (%zu preflight), waits: %.1f s in all and %zu "
            "until a time the target names\n",
            p->requests, p->preflight, (double)p->waits_ms / 1000.0,
            p->wait_untils);
    if (p->longest_id)
        fprintf(out,
                "longest chain: %s, %zu requests one after another, "
                "%.1f s of fixed waits and %zu until a time the target "
                "names (%.1f s each): %.2f s at %d ms a request\n",
                p->longest_id, p->longest_requests,
                (double)(p->longest_waits_ms -
                         (long)p->longest_wait_untils * KC_PLAN_WAIT_UNTIL_MS) /
                    1000.0,
                p->longest_wait_untils, KC_PLAN_WAIT_UNTIL_MS / 1000.0,
                (double)((long)p->longest_requests * KC_PLAN_RTT_MS +
                         p->longest_waits_ms) /
                    1000.0,
                KC_PLAN_RTT_MS);
    for (size_t i = 0; i < p->ncreds; i++)
        fprintf(out,
                "credential %s: creates %zu keys (Description = the run "
                "label; teardown schedules their deletion, 7 days) and %zu "
                "aliases (deleted by teardown)\n",
                p->creds[i].name, p->creds[i].keys, p->creds[i].aliases);
    for (size_t i = 0; i < p->nskips; i++)
        fprintf(out, "skipped: %zu cases: %s\n", p->skips[i].cases,
                p->skips[i].reason);
    fprintf(out, "nothing was sent\n");
}
