/*
 * kc_levels: the conformance levels of the case library and a run's verdict
 * for each level and response format (docs/reports.md, "Levels").
 *
 * A testcase carries its case's level (struct kc_testcase.level). For one
 * level and one format: "pass" when every testcase passed, "partial" when
 * none failed but some were skipped (a known failure counts as skipped: a
 * level with skips is never shown as passed), "fail" when one failed or
 * erred, "not run" when the run holds none.
 *
 * Nothing here allocates; results live in caller-owned structs and buffers.
 */
#ifndef KC_LEVELS_H
#define KC_LEVELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kc/report.h"

/* core, key-lifecycle, aliases, import, account, faults, extension */
#define KC_LEVELS_N 7
/* json, xml */
#define KC_LEVELS_FORMATS 2

enum kc_level_verdict {
    KC_VERDICT_NOT_RUN,
    KC_VERDICT_PASS,
    KC_VERDICT_PARTIAL,
    KC_VERDICT_FAIL
};

struct kc_level_count {
    size_t total;
    size_t passed;
    size_t failed;  /* FAIL or ERROR */
    size_t skipped; /* SKIP, known failures included */
};

struct kc_levels {
    struct kc_level_count c[KC_LEVELS_N][KC_LEVELS_FORMATS];
    size_t unknown; /* testcases without a known level or format */
};

/* The level's name by index, in the order above (static storage); NULL
 * out of range. */
const char *kc_levels_name(size_t i);
/* The index of a level name, or -1. */
int kc_levels_index(const char *name);
/* "json" (0) or "xml" (1) (static storage); NULL out of range. */
const char *kc_levels_format(size_t f);

/* Counts tc into c by its outcome. */
void kc_levels_add(struct kc_level_count *c, const struct kc_testcase *tc);
/* Counts tc into *out by its level and format, as kc_levels_count counts
 * each testcase of a report (for a report read one testcase at a time;
 * *out starts zeroed). */
void kc_levels_add_case(struct kc_levels *out, const struct kc_testcase *tc);
/* Counts the testcases of r per level and format into *out. */
void kc_levels_count(const struct kc_report *r, struct kc_levels *out);
enum kc_level_verdict kc_levels_verdict(const struct kc_level_count *c);
/* "pass", "partial", "fail", "not run" (static storage). */
const char *kc_levels_verdict_name(enum kc_level_verdict v);
/* One line into buf: "pass (95)", "partial (5 of 95 skipped)",
 * "fail (3 of 95 failed)", "fail (3 of 95 failed, 2 skipped)", "not run". */
void kc_levels_describe(const struct kc_level_count *c, char *buf,
                        size_t buflen);

/* The level verdicts that differ between base and cur, one line each
 * ("  core xml: pass (97) -> fail (3 of 97 failed)") under a "levels:"
 * heading, or "levels: unchanged"; markdown writes a table instead. */
void kc_levels_print_changes(FILE *f, const struct kc_report *base,
                             const struct kc_report *cur, bool markdown);
/* The same on counts already made (kc_levels_add_case), for a caller that
 * streams the reports. */
void kc_levels_print_diff(FILE *f, const struct kc_levels *a,
                          const struct kc_levels *b, bool markdown);

#endif
