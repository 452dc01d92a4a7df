/*
 * kc_console: what `kmsconf run` prints while it runs and at the end.
 *
 * Live mode (stdout is a terminal and $CI is unset): one line rewritten in
 * place, "[106/356] 2 failed  41.3/s  0:02 elapsed  ETA 0:06", failing
 * testcases scrolled above it (the line is cleared first). Line mode (CI,
 * a pipe): one line per testcase, "PASS  kmsconf.<Code>  <case id> [json]"
 * (FAIL, ERROR likewise, each failed check on an indented line below).
 * Skipped testcases are counted by reason in the summary; verbose prints
 * each of them too, and the redacted transcripts; quiet prints only the
 * summary. Colour (PASS green, FAIL and ERROR red, SKIP yellow) only when
 * asked or when the stream is a terminal and NO_COLOR is unset or empty
 * (https://no-color.org). Thread-safe: the scheduler calls
 * kc_console_testcase from worker threads, through the observer of
 * kc_console_observer(). A CLI module.
 *
 * Example:
 *   struct kc_console_opts o = {.verbosity = KC_NORMAL};
 *   struct kc_console *c = kc_console_new(stdout, &o, ntestcases);
 *   ... kc_console_observer(c) in kc_run_opts ...
 *   kc_console_summary(c, report, "kmsconf-junit.xml", NULL);
 *   kc_console_free(c);
 */
#ifndef KC_CONSOLE_H
#define KC_CONSOLE_H

#include <stdbool.h>
#include <stdio.h>

#include "kc/report.h"
#include "kc/run.h"

enum kc_verbosity { KC_QUIET = 0, KC_NORMAL, KC_VERBOSE };

/* --color: auto (a terminal without NO_COLOR), always, never. */
enum kc_color { KC_COLOR_AUTO = 0, KC_COLOR_ALWAYS, KC_COLOR_NEVER };

/* A monotonic clock in seconds (tests pass a fake one). */
typedef double (*kc_console_clock_fn)(void *ctx);

struct kc_console_opts {
    enum kc_verbosity verbosity;
    const bool *live;          /* NULL: isatty(out) and $CI unset or empty */
    enum kc_color color;       /* KC_COLOR_AUTO: by isatty(out), NO_COLOR */
    kc_console_clock_fn clock; /* NULL: CLOCK_MONOTONIC */
    void *clock_ctx;
};

struct kc_console;

/* A console on out for total testcases; o is copied. NULL when out of
 * memory. The clock starts here and again at kc_console_start. */
struct kc_console *kc_console_new(FILE *out, const struct kc_console_opts *o,
                                  size_t total);
void kc_console_free(struct kc_console *c);

/* Restarts the clock of the rate, elapsed time and ETA (when the first
 * request of the run goes out, after the preflight). */
void kc_console_start(struct kc_console *c);

/* Whether c writes colour (its decision at kc_console_new). */
bool kc_console_colored(const struct kc_console *c);

/* Parses "auto", "always" or "never" into *out. 0, or -1. */
int kc_console_color_parse(const char *s, enum kc_color *out);

/* One finished testcase (its strings already redacted). */
void kc_console_testcase(struct kc_console *c, const struct kc_testcase *tc);
/* A free-form note (teardown problems, interrupt), one line. */
void kc_console_note(struct kc_console *c, const char *line);

/* Observer callbacks for kc_run_opts that forward to c. */
struct kc_run_observer kc_console_observer(struct kc_console *c);

/* The final summary, always (also quiet): counts and the run's duration
 * (r->time_s), failures by check and by code ("none" when none), the
 * skipped testcases grouped by reason, the report's path (may be NULL);
 * stopped, when not NULL, is said after the counts in parentheses
 * ("interrupted", "aborted: ..."). */
void kc_console_summary(struct kc_console *c, const struct kc_report *r,
                        const char *report_path, const char *stopped);

#endif
