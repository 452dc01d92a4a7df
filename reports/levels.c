/* kc_levels: per-level, per-format verdicts of a run. */
#include "kc/levels.h"

#include <stdio.h>
#include <string.h>

static const char *const level_names[KC_LEVELS_N] = {
    "core",    "key-lifecycle", "aliases",  "import",
    "account", "faults",        "extension"};

static const char *const format_names[KC_LEVELS_FORMATS] = {"json", "xml"};

const char *kc_levels_name(size_t i)
{
    return i < KC_LEVELS_N ? level_names[i] : NULL;
}

int kc_levels_index(const char *name)
{
    for (size_t i = 0; name && i < KC_LEVELS_N; i++) {
        if (!strcmp(name, level_names[i]))
            return (int)i;
    }
    return -1;
}

const char *kc_levels_format(size_t f)
{
    return f < KC_LEVELS_FORMATS ? format_names[f] : NULL;
}

static int format_index(const char *format)
{
    for (size_t f = 0; format && f < KC_LEVELS_FORMATS; f++) {
        if (!strcmp(format, format_names[f]))
            return (int)f;
    }
    return -1;
}

void kc_levels_add(struct kc_level_count *c, const struct kc_testcase *tc)
{
    c->total++;
    if (tc->outcome == KC_OUTCOME_PASS)
        c->passed++;
    else if (tc->outcome == KC_OUTCOME_SKIP)
        c->skipped++;
    else
        c->failed++;
}

void kc_levels_add_case(struct kc_levels *lv, const struct kc_testcase *tc)
{
    int l = kc_levels_index(tc->level), f = format_index(tc->format);
    if (l < 0 || f < 0)
        lv->unknown++;
    else
        kc_levels_add(&lv->c[l][f], tc);
}

void kc_levels_count(const struct kc_report *r, struct kc_levels *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < r->ncases; i++)
        kc_levels_add_case(out, &r->cases[i]);
}

enum kc_level_verdict kc_levels_verdict(const struct kc_level_count *c)
{
    if (!c->total)
        return KC_VERDICT_NOT_RUN;
    if (c->failed)
        return KC_VERDICT_FAIL;
    return c->skipped ? KC_VERDICT_PARTIAL : KC_VERDICT_PASS;
}

const char *kc_levels_verdict_name(enum kc_level_verdict v)
{
    switch (v) {
    case KC_VERDICT_PASS:
        return "pass";
    case KC_VERDICT_PARTIAL:
        return "partial";
    case KC_VERDICT_FAIL:
        return "fail";
    case KC_VERDICT_NOT_RUN:
        break;
    }
    return "not run";
}

void kc_levels_describe(const struct kc_level_count *c, char *buf,
                        size_t buflen)
{
    enum kc_level_verdict v = kc_levels_verdict(c);
    const char *name = kc_levels_verdict_name(v);

    switch (v) {
    case KC_VERDICT_PASS:
        snprintf(buf, buflen, "%s (%zu)", name, c->total);
        break;
    case KC_VERDICT_PARTIAL:
        snprintf(buf, buflen, "%s (%zu of %zu skipped)", name, c->skipped,
                 c->total);
        break;
    case KC_VERDICT_FAIL:
        if (c->skipped)
            snprintf(buf, buflen, "%s (%zu of %zu failed, %zu skipped)", name,
                     c->failed, c->total, c->skipped);
        else
            snprintf(buf, buflen, "%s (%zu of %zu failed)", name, c->failed,
                     c->total);
        break;
    case KC_VERDICT_NOT_RUN:
        snprintf(buf, buflen, "%s", name);
        break;
    }
}

void kc_levels_print_changes(FILE *f, const struct kc_report *base,
                             const struct kc_report *cur, bool markdown)
{
    struct kc_levels a, b;

    kc_levels_count(base, &a);
    kc_levels_count(cur, &b);
    kc_levels_print_diff(f, &a, &b, markdown);
}

void kc_levels_print_diff(FILE *f, const struct kc_levels *a,
                          const struct kc_levels *b, bool markdown)
{
    char va[128], vb[128];
    size_t n = 0;

    for (size_t l = 0; l < KC_LEVELS_N; l++) {
        for (size_t fm = 0; fm < KC_LEVELS_FORMATS; fm++) {
            kc_levels_describe(&a->c[l][fm], va, sizeof(va));
            kc_levels_describe(&b->c[l][fm], vb, sizeof(vb));
            if (!strcmp(va, vb))
                continue;
            if (!n++)
                fputs(markdown ? "\n| Level | Format | Base | New |\n"
                                 "|---|---|---|---|\n"
                               : "\nlevels:\n",
                      f);
            fprintf(
                f, markdown ? "| %s | %s | %s | %s |\n" : "  %s %s: %s -> %s\n",
                kc_levels_name(l), kc_levels_format(fm), va, vb);
        }
    }
    if (!n)
        fputs(markdown ? "\nLevels: unchanged.\n" : "\nlevels: unchanged\n", f);
}
