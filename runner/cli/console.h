/*
 * kc_console: what `kmsconf run` prints while it runs and at the end.
 *
 * Live mode (stdout is a terminal and $CI is unset): one updating line
 * "[done/total] N failed", failing testcases printed above it. Line mode (CI):
 * one line per testcase, "PASS  kmsconf.<Code>  <case id> [json]" (FAIL, ERROR,
 * SKIP likewise, each failed check on an indented line below). Verbose adds the
 * redacted transcripts; quiet prints only the summary. Thread-safe: the
 * scheduler calls kc_console_testcase from worker threads, through the
 * observer of kc_console_observer(). A CLI module.
 */
#ifndef KC_CONSOLE_H
#define KC_CONSOLE_H

#include <stdbool.h>
#include <stdio.h>

#include "kc/report.h"
#include "kc/run.h"

enum kc_verbosity { KC_QUIET = 0, KC_NORMAL, KC_VERBOSE };

struct kc_console;

/* live: NULL picks by isatty(stdout) and $CI. NULL when out of memory. */
struct kc_console *kc_console_new(FILE *out, enum kc_verbosity v,
                                  const bool *live, size_t total);
void kc_console_free(struct kc_console *c);

/* One finished testcase (its strings already redacted). */
void kc_console_testcase(struct kc_console *c, const struct kc_testcase *tc);
/* A free-form note (teardown problems, interrupt), one line. */
void kc_console_note(struct kc_console *c, const char *line);

/* Observer callbacks for kc_run_opts that forward to c. */
struct kc_run_observer kc_console_observer(struct kc_console *c);

/* The final summary: counts, failures by check and by code, the report's
 * path (may be NULL); stopped, when not NULL, is said after the counts in
 * parentheses ("interrupted", "aborted: ..."). */
void kc_console_summary(struct kc_console *c, const struct kc_report *r,
                        const char *report_path, const char *stopped);

#endif
