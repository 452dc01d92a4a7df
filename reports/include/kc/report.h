/*
 * kc_report: the in-memory model of one kmsconf report.
 *
 * The runner fills it, the JUnit writer serialises it, the JUnit reader
 * rebuilds it from a file (ours or another producer's), and diff, merge,
 * expectation and matrix work on it. Every string is owned by the report and
 * freed by kc_report_free().
 */
#ifndef KC_REPORT_H
#define KC_REPORT_H

#include <stdbool.h>
#include <stddef.h>

enum kc_outcome {
    KC_OUTCOME_PASS = 0,
    KC_OUTCOME_FAIL,  /* one or more checks failed */
    KC_OUTCOME_ERROR, /* the case could not be carried out (setup failed,
                         target unreachable, ...) */
    KC_OUTCOME_SKIP
};

/* One failed check of a testcase. */
struct kc_failure {
    char *check;   /* stable check name: "status", "code", ... */
    char *message; /* one line */
    char *detail;  /* full diagnosis, may be NULL */
};

/*
 * A testcase is known by its case id, format and error code. Its JUnit
 * names, the key that sorting, kc_report_find, diff and merge use, follow
 * from them: classname "kmsconf.<code>", name "<case id> [<format>]"
 * (kc_testcase_set_id fills both sides, the JUnit writer derives missing
 * names the same way). A testcase read from a file keeps the names as read
 * (another producer's are arbitrary) and gets the fields that the names
 * yield (kc_testcase_derive).
 */
struct kc_testcase {
    char *classname; /* JUnit classname, "kmsconf.<code>" for ours */
    char *name;      /* JUnit name, "<case id> [json]" or "<case id> [xml]" */
    char *case_id;   /* "<case id>" */
    char *format;    /* "json" or "xml", NULL when unknown */
    char *code;      /* the expected error code, NULL when unknown */
    char *level;     /* the case's conformance level ("core", ... "extension"),
                        NULL when unknown */
    char *action;    /* the probe's API action ("Encrypt"), NULL when unknown */
    enum kc_outcome outcome;
    double time_s;
    struct kc_failure *failures; /* outcome FAIL: one per failed check;
                                    ERROR: one entry, check = error type */
    size_t nfailures;
    char *skip_type;   /* e.g. "missing-credential", "expected-failure" */
    char *skip_reason; /* one line */
    char *request_id;  /* of the probe answer, may be NULL */
    char *transcript;  /* redacted request/response text, may be NULL */
    /* The source of the catalog template the probe's Message matched:
     * "seed", or where Alibaba documents that wording; NULL when none
     * matched or the Message was not judged. */
    char *message_template;
    /* Throttled answers of the probe that were retried. A PASS with
     * retries > 0 passed only after retries: flaky, and still a pass
     * (JUnit <flakyFailure>, docs/reports.md). */
    unsigned retries;
};

struct kc_property {
    char *name;
    char *value;
};

struct kc_report {
    char *name;                /* suite name, "kmsconf" */
    struct kc_property *props; /* run manifest, in insertion order */
    size_t nprops;
    struct kc_testcase *cases;
    size_t ncases;
    char *timestamp; /* ISO 8601 start time, may be NULL */
    double time_s;
    bool sorted;      /* set by kc_report_sort, cleared by kc_report_add_case */
    size_t cases_cap; /* allocated slots of cases (private) */
};

/* A new empty report named name (NULL: "kmsconf"); NULL when out of memory.
 * The caller frees it with kc_report_free (NULL allowed). */
struct kc_report *kc_report_new(const char *name);
void kc_report_free(struct kc_report *r);

/* Adds or replaces a manifest property. 0 or -1 (out of memory). */
int kc_report_set_prop(struct kc_report *r, const char *name,
                       const char *value);
const char *kc_report_prop(const struct kc_report *r, const char *name);

/* Appends an empty testcase and returns it, owned by r (NULL when out of
 * memory); the caller sets its identity with kc_testcase_set_id and fills
 * the other fields with strdup'ed strings. The pointer is valid until the
 * next kc_report_add_case or kc_report_copy_case on r. */
struct kc_testcase *kc_report_add_case(struct kc_report *r);
/* Appends a failure to tc, copying the strings (detail may be NULL). */
int kc_testcase_add_failure(struct kc_testcase *tc, const char *check,
                            const char *message, const char *detail);

/* Sorts testcases by (classname, name): reports are deterministic. */
void kc_report_sort(struct kc_report *r);

/* Counts by outcome. */
size_t kc_report_count(const struct kc_report *r, enum kc_outcome o);

/* What the testcases of one error code say in a report, every format
 * together; a testcase's code is its code, else its classname (another
 * producer's). */
enum kc_code_state {
    KC_CODE_NONE = 0, /* none ran, or every one was skipped */
    KC_CODE_PASS,     /* at least one passed, none failed or erred */
    KC_CODE_FAIL      /* one failed or erred */
};
enum kc_code_state kc_report_code_state(const struct kc_report *r,
                                        const char *code);
/* The score of r: how many of codes[0..n) are KC_CODE_PASS in r. The one
 * score of the matrix, the site and its badges. */
size_t kc_report_score(const struct kc_report *r, const char *const *codes,
                       size_t n);

/* "pass", "fail", "error", "skip". */
const char *kc_outcome_name(enum kc_outcome o);

/* Replaces *field by a copy of value (NULL allowed). 0 or -1. */
int kc_report_setstr(char **field, const char *value);

/* Makes tc one of kmsconf's own testcases: copies case_id, format and code
 * and sets classname and name from them (see struct kc_testcase). 0 or -1
 * (out of memory). */
int kc_testcase_set_id(struct kc_testcase *tc, const char *case_id,
                       const char *format, const char *code);

/* The JUnit names of tc, as malloc'ed copies the caller frees: its
 * classname and name when set, otherwise derived from code ("kmsconf.<code>")
 * and from case_id and format ("<case id> [<format>]", "<case id>" without a
 * format); NULL where there is nothing to derive from. 0 or -1 (out of
 * memory, both NULL). */
int kc_testcase_junit_names(const struct kc_testcase *tc, char **classname,
                            char **name);

/* The inverse, for a testcase read from a file: fills case_id, format and
 * code from name and classname when they are NULL: "<id> [json]" gives id
 * and format, "kmsconf.<Code>" gives the code, another name is the id. */
int kc_testcase_derive(struct kc_testcase *tc);

/* Turns tc into a skipped testcase (failures dropped). 0 or -1. */
int kc_testcase_set_skip(struct kc_testcase *tc, const char *type,
                         const char *reason);

/* Drops the transcript of every passing testcase (its RequestId stays)
 * but a flaky one's (retries > 0: its transcript shows the retries): what
 * `kmsconf run` keeps unless --transcripts all (or -v) is given. */
void kc_report_drop_passing_transcripts(struct kc_report *r);

/* Frees every testcase of r and leaves it with none (its properties stay):
 * what a streaming reader does after handing a testcase on. */
void kc_report_drop_cases(struct kc_report *r);

/*
 * A streaming reader's callback, called once per testcase in the order of
 * the file: hdr is the report read so far (name, timestamp, time and
 * properties; a kmsconf report has all of them before its first testcase,
 * another producer's may add more later) and holds no testcase; tc is the
 * testcase, owned by the reader and freed when the callback returns. The
 * callback may take fields over (setting them NULL) or copy tc with
 * kc_report_copy_case. 0 goes on; any other value stops the read.
 */
typedef int (*kc_report_each_fn)(void *ud, const struct kc_report *hdr,
                                 struct kc_testcase *tc);

/* Appends a deep copy of tc to r; NULL when out of memory. */
struct kc_testcase *kc_report_copy_case(struct kc_report *r,
                                        const struct kc_testcase *tc);

/* The testcase with this classname and name, or NULL. Linear unless the
 * report is sorted (then binary search): call kc_report_sort first. */
const struct kc_testcase *kc_report_find(const struct kc_report *r,
                                         const char *classname,
                                         const char *name);

/* Order of testcases: classname, then name (strcmp; NULL sorts first). */
int kc_testcase_cmp(const struct kc_testcase *a, const struct kc_testcase *b);

#endif
