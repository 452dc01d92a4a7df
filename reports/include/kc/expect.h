/*
 * kc_expect: expectation files (known failures of a target), see
 * docs/expectations.md.
 *
 *   {"expectations": [{"case": "keys/x", "format": "xml", "check": "message",
 *                      "reason": "...", "expires": "2027-01-31"}]}
 */
#ifndef KC_EXPECT_H
#define KC_EXPECT_H

#include <stddef.h>
#include <time.h>

#include "kc/report.h"

#define KC_EXPECT_MAX_BYTES ((size_t)4 * 1024 * 1024)

struct kc_expect_entry {
    char *case_id; /* required */
    char *format;  /* "json", "xml" or NULL (both) */
    char *check;   /* a check name (or error type), NULL: any */
    char *reason;  /* required */
    char *issue;   /* optional link or ticket */
    char *expires; /* "YYYY-MM-DD" or NULL; valid through that day (UTC) */
};

struct kc_expect {
    char *path;
    struct kc_expect_entry *entries;
    size_t nentries;
};

struct kc_expect_outcome {
    size_t applied;   /* testcases turned into expected-failure skips */
    size_t stale;     /* entries whose case now passes (or fails otherwise) */
    size_t expired;   /* entries past their date that matched a failure */
    size_t unmatched; /* entries whose case is not in the report */
    char **stale_ids; /* "case [format] check" of each stale entry */
    char **expired_ids;
};

/* Loads and validates a file. 0, or -1 with "<path>: <json path>: <problem>"
 * in err. Free with kc_expect_free. */
int kc_expect_load(const char *path, struct kc_expect **out, char *err,
                   size_t errlen);
/* Same from a buffer; name is used in errors. */
int kc_expect_parse(const char *text, const char *name, struct kc_expect **out,
                    char *err, size_t errlen);
void kc_expect_free(struct kc_expect *e);

/* Applies e to a finished report at time now: a failing testcase whose every
 * failed check is covered by unexpired entries becomes skipped (type
 * "expected-failure", reason the entries' reasons); a failure covered by an
 * expired entry stays and its message says so. Fills out (dispose with
 * kc_expect_outcome_dispose). 0 or -1 (out of memory). */
int kc_expect_apply(const struct kc_expect *e, struct kc_report *r, time_t now,
                    struct kc_expect_outcome *out);
void kc_expect_outcome_dispose(struct kc_expect_outcome *o);

/* An expectation file listing every failed check of r (one entry per case,
 * format and check, sorted), as a malloc'ed JSON text. NULL when out of
 * memory. */
char *kc_expect_from_report(const struct kc_report *r);

/* The same built from a stream of testcases, keeping only the failed
 * checks: memory grows with the failures, not with the report. Add every
 * testcase in file order (kc_expect_gen_add copies what it keeps), then
 * take the text. The text is kc_expect_from_report's, byte for byte, with
 * a final newline. */
struct kc_expect_gen;
/* NULL when out of memory; free with kc_expect_gen_free (NULL allowed). */
struct kc_expect_gen *kc_expect_gen_new(void);
void kc_expect_gen_free(struct kc_expect_gen *g);
/* 0 or -1 (out of memory). */
int kc_expect_gen_add(struct kc_expect_gen *g, const struct kc_testcase *tc);
/* The file of the testcases added, the reason naming hdr's kmsconf.target:
 * malloc'ed (caller frees), *len bytes; NULL when out of memory. */
char *kc_expect_gen_text(struct kc_expect_gen *g, const struct kc_report *hdr,
                         size_t *len);
/* The file of the report at path (JUnit XML or results JSON), streamed
 * with kc_results_each_any: 0 with *text (caller frees, *len bytes), or -1
 * with err (the reader's, or "out of memory"). */
int kc_expect_from_file(const char *path, char **text, size_t *len, char *err,
                        size_t errlen);

#endif
