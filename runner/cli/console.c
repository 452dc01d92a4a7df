/* kc_console: progress lines and the run summary. */
#include "console.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kc/claims.h"
#include "kc/levels.h"

#define TALLY_MAX 128 /* names a summary table counts; more are left out */
#define CLOCK_MAX 32  /* "h:mm:ss", also of absurd durations */

/* SGR sequences of the outcomes. */
#define SGR_GREEN  "\033[32m"
#define SGR_RED    "\033[31m"
#define SGR_YELLOW "\033[33m"
#define SGR_RESET  "\033[0m"
#define CLEAR_LINE "\r\033[K"

struct kc_console {
    FILE *out;
    enum kc_verbosity v;
    bool live;
    bool color;
    kc_console_clock_fn clock;
    void *clock_ctx;
    double t0; /* when the clock (re)started */
    size_t total;
    size_t done;
    size_t failed;
    pthread_mutex_t lock;
};

static double monotonic_s(void *ctx)
{
    struct timespec ts;

    (void)ctx;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether $name is set to something else than "". */
static bool env_set(const char *name)
{
    const char *v = getenv(name);
    return v && *v;
}

static bool want_color(FILE *out, enum kc_color color)
{
    if (color != KC_COLOR_AUTO)
        return color == KC_COLOR_ALWAYS;
    return isatty(fileno(out)) && !env_set("NO_COLOR");
}

struct kc_console *kc_console_new(FILE *out, const struct kc_console_opts *o,
                                  size_t total)
{
    struct kc_console *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->out = out;
    c->v = o->verbosity;
    c->total = total;
    c->live = o->live ? *o->live : isatty(fileno(out)) && !env_set("CI");
    c->color = want_color(out, o->color);
    c->clock = o->clock ? o->clock : monotonic_s;
    c->clock_ctx = o->clock_ctx;
    c->t0 = c->clock(c->clock_ctx);
    if (pthread_mutex_init(&c->lock, NULL)) {
        free(c);
        return NULL;
    }
    return c;
}

void kc_console_free(struct kc_console *c)
{
    if (!c)
        return;
    pthread_mutex_destroy(&c->lock);
    free(c);
}

void kc_console_start(struct kc_console *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->t0 = c->clock(c->clock_ctx);
    pthread_mutex_unlock(&c->lock);
}

bool kc_console_colored(const struct kc_console *c)
{
    return c && c->color;
}

int kc_console_color_parse(const char *s, enum kc_color *out)
{
    static const char *const names[] = {"auto", "always", "never"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (!strcmp(s, names[i])) {
            *out = (enum kc_color)i;
            return 0;
        }
    }
    return -1;
}

static const char *outcome_word(enum kc_outcome o)
{
    switch (o) {
    case KC_OUTCOME_PASS:
        return "PASS";
    case KC_OUTCOME_FAIL:
        return "FAIL";
    case KC_OUTCOME_ERROR:
        return "ERROR";
    case KC_OUTCOME_SKIP:
        break;
    }
    return "SKIP";
}

static const char *outcome_sgr(enum kc_outcome o)
{
    switch (o) {
    case KC_OUTCOME_PASS:
        return SGR_GREEN;
    case KC_OUTCOME_FAIL:
    case KC_OUTCOME_ERROR:
        return SGR_RED;
    case KC_OUTCOME_SKIP:
        break;
    }
    return SGR_YELLOW;
}

/* Writes text, in colour sgr when c colours and sgr is not NULL. */
static void put_colored(const struct kc_console *c, const char *sgr,
                        const char *text)
{
    if (c->color && sgr)
        fprintf(c->out, "%s%s%s", sgr, text, SGR_RESET);
    else
        fputs(text, c->out);
}

/* Writes s with control characters (terminal escapes from a hostile
 * answer) shown as '?'; newlines kept when multiline. */
static void put_safe(FILE *out, const char *s, bool multiline)
{
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        bool ok = ch >= 0x20 && ch != 0x7f;
        if (multiline && (ch == '\n' || ch == '\t'))
            ok = true;
        fputc(ok ? ch : '?', out);
    }
}

/* "      what: detail" below a testcase's line. */
static void put_detail(FILE *out, const char *what, const char *detail)
{
    fputs("      ", out);
    put_safe(out, what, false);
    fputs(": ", out);
    put_safe(out, detail, false);
    fputc('\n', out);
}

static void print_line(struct kc_console *c, const struct kc_testcase *tc)
{
    const char *word = outcome_word(tc->outcome);

    put_colored(c, outcome_sgr(tc->outcome), word);
    fprintf(c->out, "%*s", (int)(6 - strlen(word)), "");
    put_safe(c->out, tc->classname, false);
    fputs("  ", c->out);
    put_safe(c->out, tc->name, false);
    fputc('\n', c->out);
    for (size_t i = 0; i < tc->nfailures; i++)
        put_detail(c->out, tc->failures[i].check, tc->failures[i].message);
    if (tc->outcome == KC_OUTCOME_SKIP && tc->skip_type)
        put_detail(c->out, tc->skip_type, tc->skip_reason);
    if (c->v == KC_VERBOSE && tc->transcript) {
        put_safe(c->out, tc->transcript, true);
        fputc('\n', c->out);
    }
}

/* s seconds as "m:ss", or "h:mm:ss" from an hour on, into buf. */
static const char *clock_text(double s, char *buf, size_t len)
{
    unsigned long t = s > 0 && s < 1e9 ? (unsigned long)s : 0;

    if (t >= 3600)
        snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
    return buf;
}

/* The live line: "[done/total] N failed  R/s  m:ss elapsed  ETA m:ss"
 * (the rate and ETA once a testcase took measurable time). */
static void print_progress(struct kc_console *c)
{
    char el[CLOCK_MAX], eta[CLOCK_MAX], failed[32];
    double elapsed = c->clock(c->clock_ctx) - c->t0;
    double rate = elapsed > 0.001 ? (double)c->done / elapsed : 0;
    size_t left = c->total > c->done ? c->total - c->done : 0;

    snprintf(failed, sizeof(failed), "%zu failed", c->failed);
    fprintf(c->out, "%s[%zu/%zu] ", CLEAR_LINE, c->done, c->total);
    put_colored(c, c->failed ? SGR_RED : NULL, failed);
    if (rate > 0) /* two decimals below one a second: not "0.0/s" */
        fprintf(c->out, rate < 1 ? "  %.2f/s" : "  %.1f/s", rate);
    else
        fputs("  -.-/s", c->out);
    fprintf(c->out, "  %s elapsed  ETA %s", clock_text(elapsed, el, sizeof(el)),
            rate > 0 ? clock_text((double)left / rate, eta, sizeof(eta))
                     : "-:--");
}

static bool is_failure(enum kc_outcome o)
{
    return o == KC_OUTCOME_FAIL || o == KC_OUTCOME_ERROR;
}

void kc_console_testcase(struct kc_console *c, const struct kc_testcase *tc)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->done++;
    c->failed += is_failure(tc->outcome);
    if (c->v == KC_QUIET)
        goto out;
    if (c->live && c->v != KC_VERBOSE) {
        /* failures scroll above the progress line, the rest only count */
        if (is_failure(tc->outcome)) {
            fputs(CLEAR_LINE, c->out);
            print_line(c, tc);
        }
        print_progress(c);
    } else if (tc->outcome != KC_OUTCOME_SKIP || c->v == KC_VERBOSE) {
        print_line(c, tc); /* skips are counted in the summary */
    }
    fflush(c->out);
out:
    pthread_mutex_unlock(&c->lock);
}

void kc_console_note(struct kc_console *c, const char *line)
{
    if (!c || c->v == KC_QUIET)
        return;
    pthread_mutex_lock(&c->lock);
    fprintf(c->out, "%s%s\n", c->live ? CLEAR_LINE : "", line);
    if (c->live && c->v != KC_VERBOSE && c->done)
        print_progress(c);
    fflush(c->out);
    pthread_mutex_unlock(&c->lock);
}

static void observe_testcase(void *ctx, const struct kc_testcase *tc)
{
    kc_console_testcase(ctx, tc);
}

static void observe_note(void *ctx, const char *line)
{
    kc_console_note(ctx, line);
}

struct kc_run_observer kc_console_observer(struct kc_console *c)
{
    struct kc_run_observer ob = {observe_testcase, observe_note, c};

    return ob;
}

/* A small (name, detail) -> count table for the summary, in the order
 * names first appear. detail may be NULL. */
struct tally {
    const char *name[TALLY_MAX];
    const char *detail[TALLY_MAX];
    size_t count[TALLY_MAX];
    size_t n;
};

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static void tally_add(struct tally *t, const char *name, const char *detail)
{
    if (!name)
        return;
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->name[i], name) && same(t->detail[i], detail)) {
            t->count[i]++;
            return;
        }
    if (t->n == TALLY_MAX)
        return;
    t->name[t->n] = name;
    t->detail[t->n] = detail;
    t->count[t->n++] = 1;
}

/* "title: none", or "title:" and one "  name  count" line each. */
static void tally_print(FILE *out, const char *title, const struct tally *t)
{
    if (!t->n) {
        fprintf(out, "%s: none\n", title);
        return;
    }
    fprintf(out, "%s:\n", title);
    for (size_t i = 0; i < t->n; i++) {
        fputs("  ", out);
        put_safe(out, t->name[i], false);
        fprintf(out, "%*s %zu\n",
                (int)(strlen(t->name[i]) < 40 ? 40 - strlen(t->name[i]) : 0),
                "", t->count[i]);
    }
}

/* Skips are grouped by what they lack (the type and the missing name) or
 * else by type alone ("interrupted", "expected-failure"). */
static void tally_skip(struct tally *t, const struct kc_testcase *tc)
{
    const char *type = tc->skip_type ? tc->skip_type : "skipped";
    bool lacks = !strcmp(type, "missing-credential") ||
                 !strcmp(type, "missing-capability");

    tally_add(t, type, lacks ? tc->skip_reason : NULL);
}

/* "skipped 12: requires credential low-quota (8), interrupted (4)". */
static void skips_print(FILE *out, const struct tally *t, size_t nskipped)
{
    if (!nskipped)
        return;
    fprintf(out, "skipped %zu: ", nskipped);
    for (size_t i = 0; i < t->n; i++) {
        const char *n = t->name[i];
        if (i)
            fputs(", ", out);
        if (!strcmp(n, "missing-credential"))
            fputs("requires credential ", out);
        else if (!strcmp(n, "missing-capability"))
            fputs("requires capability ", out);
        else
            put_safe(out, n, false);
        put_safe(out, t->detail[i], false);
        fprintf(out, " (%zu)", t->count[i]);
    }
    fputc('\n', out);
}

/* "N testcases: P passed, F failed, E errors, S skipped (stopped) in T s",
 * each count in its outcome's colour when not 0. */
static void print_counts(struct kc_console *c, const struct kc_report *r,
                         const char *stopped)
{
    static const struct {
        enum kc_outcome o;
        const char *what;
    } parts[] = {{KC_OUTCOME_PASS, "passed"},
                 {KC_OUTCOME_FAIL, "failed"},
                 {KC_OUTCOME_ERROR, "errors"},
                 {KC_OUTCOME_SKIP, "skipped"}};
    char text[64];

    fprintf(c->out, "\n%zu testcases: ", r->ncases);
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        size_t n = kc_report_count(r, parts[i].o);
        snprintf(text, sizeof(text), "%zu %s", n, parts[i].what);
        fputs(i ? ", " : "", c->out);
        put_colored(c, n ? outcome_sgr(parts[i].o) : NULL, text);
    }
    if (stopped) {
        fputs(" (", c->out);
        put_safe(c->out, stopped, false);
        fputc(')', c->out);
    }
    fprintf(c->out, " in %.1f s\n", r->time_s > 0 ? r->time_s : 0.0);
}

/* The throttling line, when answers were retried. */
static void print_retries(FILE *out, const struct kc_report *r)
{
    const char *retries = kc_report_prop(r, "kmsconf.retries");
    size_t flaky = 0;

    if (!retries || !strcmp(retries, "0"))
        return;
    for (size_t i = 0; i < r->ncases; i++)
        flaky += r->cases[i].outcome == KC_OUTCOME_PASS && r->cases[i].retries;
    fprintf(out,
            "throttled: %s answers retried; %zu testcases passed only "
            "after retries (flaky)\n",
            retries, flaky);
}

/* One line per level the run holds: its verdict per format. The extension
 * level (expectations no source documents) is said to stand apart. */
static void print_levels(FILE *out, const struct kc_report *r)
{
    struct kc_levels lv;
    char json[128], xml[128];
    bool any = false;

    kc_levels_count(r, &lv);
    for (size_t l = 0; l < KC_LEVELS_N; l++) {
        if (!lv.c[l][0].total && !lv.c[l][1].total)
            continue;
        if (!any)
            fprintf(out, "levels (json | xml):\n");
        any = true;
        kc_levels_describe(&lv.c[l][0], json, sizeof(json));
        kc_levels_describe(&lv.c[l][1], xml, sizeof(xml));
        fprintf(out, "  %-14s %s | %s\n", kc_levels_name(l), json, xml);
    }
    if (lv.c[KC_LEVELS_N - 1][0].total || lv.c[KC_LEVELS_N - 1][1].total)
        fprintf(out, "  (extension: expectations no source documents, "
                     "apart from conformance)\n");
}

/* Claimed rows one per line; what passes unclaimed, levels and actions
 * gathered on one line each (the first pass prints the claims). */
struct claim_print {
    FILE *out;
    int pass; /* 0: claimed rows, 1: unclaimed levels, 2: actions */
    size_t n;
};

static void print_claim(void *ctx, const struct kc_claim_row *row)
{
    struct claim_print *p = ctx;
    bool unclaimed = row->state == KC_CLAIM_UNCLAIMED_PASSING;
    char counts[128];

    if (p->pass == 0 && !unclaimed) {
        kc_levels_describe(&row->count, counts, sizeof(counts));
        fprintf(p->out, "  %s %s: %s: %s\n",
                row->is_action ? "action" : "level", row->name,
                kc_claims_state_name(row->state), counts);
    } else if (p->pass > 0 && unclaimed && row->is_action == (p->pass == 2)) {
        fprintf(p->out, "%s%s", p->n++ ? ", " : "", row->name);
    }
}

/* The target's claims against the results, when its profile has a
 * manifest. */
static void print_claims(FILE *out, const struct kc_report *r)
{
    static const char *const heads[] = {"", "levels", "actions"};
    const char *who = kc_report_prop(r, "kmsconf.product");
    struct claim_print p = {out, 0, 0};

    if (!kc_claims_present(r))
        return;
    fprintf(out, "claims%s%s:\n", who ? " of " : "", who ? who : "");
    kc_claims_compare(r, print_claim, &p);
    for (p.pass = 1; p.pass <= 2; p.pass++) {
        p.n = 0;
        fprintf(out, "  passing but not claimed, %s: ", heads[p.pass]);
        kc_claims_compare(r, print_claim, &p);
        fprintf(out, "%s\n", p.n ? "" : "none");
    }
}

void kc_console_summary(struct kc_console *c, const struct kc_report *r,
                        const char *report_path, const char *stopped)
{
    struct tally *t = calloc(3, sizeof(*t)); /* by check, by code, skips */
    size_t nskipped = 0;

    for (size_t i = 0; t && i < r->ncases; i++) {
        const struct kc_testcase *tc = &r->cases[i];
        nskipped += tc->outcome == KC_OUTCOME_SKIP;
        if (tc->outcome == KC_OUTCOME_SKIP)
            tally_skip(&t[2], tc);
        if (!is_failure(tc->outcome))
            continue;
        tally_add(&t[1], tc->code, NULL);
        for (size_t k = 0; k < tc->nfailures; k++)
            tally_add(&t[0], tc->failures[k].check, NULL);
    }
    pthread_mutex_lock(&c->lock);
    if (c->live && c->v != KC_QUIET)
        fputs(CLEAR_LINE, c->out);
    print_counts(c, r, stopped);
    print_retries(c->out, r);
    print_levels(c->out, r);
    print_claims(c->out, r);
    if (t) {
        tally_print(c->out, "failures by check", &t[0]);
        tally_print(c->out, "failures by code", &t[1]);
        skips_print(c->out, &t[2], nskipped);
    }
    if (report_path)
        fprintf(c->out, "report: %s\n", report_path);
    fflush(c->out);
    pthread_mutex_unlock(&c->lock);
    free(t);
}
