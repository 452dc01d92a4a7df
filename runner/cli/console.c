/* kc_console: progress lines and the run summary. */
#include "console.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kc/levels.h"

struct kc_console {
    FILE *out;
    enum kc_verbosity v;
    bool live;
    size_t total;
    size_t done;
    size_t failed;
    pthread_mutex_t lock;
};

struct kc_console *kc_console_new(FILE *out, enum kc_verbosity v,
                                  const bool *live, size_t total)
{
    struct kc_console *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->out = out;
    c->v = v;
    c->total = total;
    if (live) {
        c->live = *live;
    } else {
        const char *ci = getenv("CI");
        c->live = isatty(fileno(out)) && !(ci && *ci);
    }
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

static void print_line(struct kc_console *c, const struct kc_testcase *tc)
{
    fprintf(c->out, "%-5s ", outcome_word(tc->outcome));
    put_safe(c->out, tc->classname, false);
    fputs("  ", c->out);
    put_safe(c->out, tc->name, false);
    fputc('\n', c->out);
    for (size_t i = 0; i < tc->nfailures; i++) {
        fputs("      ", c->out);
        put_safe(c->out, tc->failures[i].check, false);
        fputs(": ", c->out);
        put_safe(c->out, tc->failures[i].message, false);
        fputc('\n', c->out);
    }
    if (tc->outcome == KC_OUTCOME_SKIP && tc->skip_type) {
        fputs("      ", c->out);
        put_safe(c->out, tc->skip_type, false);
        fputs(": ", c->out);
        put_safe(c->out, tc->skip_reason, false);
        fputc('\n', c->out);
    }
    if (c->v == KC_VERBOSE && tc->transcript) {
        put_safe(c->out, tc->transcript, true);
        fputc('\n', c->out);
    }
}

void kc_console_testcase(struct kc_console *c, const struct kc_testcase *tc)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->done++;
    if (tc->outcome == KC_OUTCOME_FAIL || tc->outcome == KC_OUTCOME_ERROR)
        c->failed++;
    if (c->v == KC_QUIET)
        goto out;
    if (c->live && c->v != KC_VERBOSE) {
        /* failures scroll above the progress line, passes only count */
        if (tc->outcome == KC_OUTCOME_FAIL || tc->outcome == KC_OUTCOME_ERROR) {
            fputs("\r\033[K", c->out);
            print_line(c, tc);
        }
        fprintf(c->out, "\r[%zu/%zu] %zu failed", c->done, c->total, c->failed);
    } else {
        print_line(c, tc);
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
    fprintf(c->out, "%s%s\n", c->live ? "\r\033[K" : "", line);
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

/* A small name -> count table for the summary. */
struct tally {
    const char *name[128];
    size_t count[128];
    size_t n;
};

static void tally_add(struct tally *t, const char *name)
{
    if (!name)
        return;
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->name[i], name)) {
            t->count[i]++;
            return;
        }
    if (t->n == 128)
        return;
    t->name[t->n] = name;
    t->count[t->n++] = 1;
}

static void tally_print(FILE *out, const char *title, const struct tally *t)
{
    if (!t->n)
        return;
    fprintf(out, "%s:\n", title);
    for (size_t i = 0; i < t->n; i++)
        fprintf(out, "  %-40s %zu\n", t->name[i], t->count[i]);
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

void kc_console_summary(struct kc_console *c, const struct kc_report *r,
                        const char *report_path, const char *stopped)
{
    struct tally by_check = {0}, by_code = {0};
    for (size_t i = 0; i < r->ncases; i++) {
        const struct kc_testcase *tc = &r->cases[i];
        if (tc->outcome != KC_OUTCOME_FAIL && tc->outcome != KC_OUTCOME_ERROR)
            continue;
        tally_add(&by_code, tc->code);
        for (size_t k = 0; k < tc->nfailures; k++)
            tally_add(&by_check, tc->failures[k].check);
    }
    pthread_mutex_lock(&c->lock);
    if (c->live && c->v != KC_QUIET)
        fputs("\r\033[K", c->out);
    fprintf(c->out,
            "\n%zu testcases: %zu passed, %zu failed, %zu errors, %zu "
            "skipped%s%s%s\n",
            r->ncases, kc_report_count(r, KC_OUTCOME_PASS),
            kc_report_count(r, KC_OUTCOME_FAIL),
            kc_report_count(r, KC_OUTCOME_ERROR),
            kc_report_count(r, KC_OUTCOME_SKIP), stopped ? " (" : "",
            stopped ? stopped : "", stopped ? ")" : "");
    const char *retries = kc_report_prop(r, "kmsconf.retries");
    size_t flaky = 0;
    for (size_t i = 0; i < r->ncases; i++)
        flaky += r->cases[i].outcome == KC_OUTCOME_PASS && r->cases[i].retries;
    if (retries && strcmp(retries, "0"))
        fprintf(c->out,
                "throttled: %s answers retried; %zu testcases passed only "
                "after retries (flaky)\n",
                retries, flaky);
    print_levels(c->out, r);
    tally_print(c->out, "failures by check", &by_check);
    tally_print(c->out, "failures by code", &by_code);
    if (report_path)
        fprintf(c->out, "report: %s\n", report_path);
    fflush(c->out);
    pthread_mutex_unlock(&c->lock);
}
