/*
 * kc_check: the named checks of an answer (docs/checks.md).
 *
 * Each check has a stable name used in reports and expectation files. A
 * failed check is a result (one line), never an error of the runner. When
 * the body does not parse in the asked format only "format" fails; the
 * checks that read the body (code, message, request-id, request-id-header,
 * request-id-unique, envelope) are then not judged.
 *
 * Ownership: a kc_check_result owns the fields read from the body and is
 * released by kc_check_result_dispose. A kc_ridset is thread-safe.
 */
#ifndef KC_CHECK_H
#define KC_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "kc/catalog.h"
#include "kc/envelope.h"

enum kc_check {
    KC_CHECK_STATUS = 0,
    KC_CHECK_CODE,
    KC_CHECK_MESSAGE,
    KC_CHECK_REQUEST_ID,
    KC_CHECK_REQUEST_ID_HEADER,
    KC_CHECK_REQUEST_ID_UNIQUE,
    KC_CHECK_ENVELOPE,
    KC_CHECK_FORMAT,
    KC_CHECK_CONTENT_TYPE,
    KC_CHECK_PARITY,
    KC_CHECK_COUNT
};

/* "status", "code", ..., "parity". */
const char *kc_check_name(enum kc_check c);

/* An answer to check; every pointer borrowed. */
struct kc_answer {
    bool xml;                      /* asked format: false JSON, true XML */
    long status;                   /* HTTP status */
    const char *content_type;      /* NULL when absent */
    const char *header_request_id; /* x-acs-request-id, NULL when absent */
    const char *body;
    size_t body_len;
    /* how many times each header came (kc_http_resp); 0 or 1: once */
    unsigned content_type_count;
    unsigned request_id_count;
};

/* What the probe must answer (the catalog error it expects); borrowed. Not
 * to be confused with the expectation files of known failures (reports'
 * kc_expect). */
struct kc_expected_error {
    const struct kc_catalog_entry *entry; /* code, status, templates */
    const struct kc_arg *args;            /* placeholder bindings */
    size_t nargs;
    const struct kc_envelope *envelope;
};

/* Size of a failure message; a longer one is cut. */
#define KC_CHECK_MESSAGE_MAX 320

/* Failures a caller may add to a result after the checks (the scheduler
 * carries the RequestId problems of a case's setup answers into each of its
 * probes' results). */
#define KC_CHECK_CARRIED_MAX 8

/* The checks fail each check at most once per answer (each judges once,
 * kc_check_parity included), so a result holds at most KC_CHECK_COUNT
 * failures of its own, plus at most KC_CHECK_CARRIED_MAX carried ones:
 * the array cannot overflow. */
#define KC_CHECK_FAILURES_MAX (KC_CHECK_COUNT + KC_CHECK_CARRIED_MAX)

struct kc_check_failure {
    enum kc_check check;
    char message[KC_CHECK_MESSAGE_MAX]; /* one line */
};

struct kc_check_result {
    bool parsed; /* the body parsed in the asked format */
    char *code;  /* the body's fields as text; NULL when absent */
    char *message;
    char *request_id;
    char *http_status;
    unsigned cut; /* bit 1u << c: the field check c reads held an escaped
                     NUL (the field is then NULL, parity skips it) */
    /* the catalog template the Message matched (kc_catalog_match_which's
     * numbering), -1 when none did or the message was not judged */
    int tmpl;
    const char *tmpl_source; /* its source ("seed", ...), borrowed from
                                the catalog; NULL when tmpl is -1 */
    struct kc_check_failure failures[KC_CHECK_FAILURES_MAX];
    size_t nfailures;
};

/* The RequestIds seen in a run; UUIDs compare without regard to case. */
struct kc_ridset;
struct kc_ridset *kc_ridset_new(void);
void kc_ridset_free(struct kc_ridset *s);
/* True when id was new (and is now recorded); false when seen before. */
bool kc_ridset_insert(struct kc_ridset *s, const char *id);

/* Runs every check but parity on an error answer. rids may be NULL (no
 * uniqueness check). */
void kc_check_error(const struct kc_expected_error *ex,
                    const struct kc_answer *a, struct kc_ridset *rids,
                    struct kc_check_result *res);
/* Compares the JSON and XML results of one probe; a disagreement is added
 * as a parity failure to xml_res. */
void kc_check_parity(const struct kc_check_result *json_res,
                     struct kc_check_result *xml_res);
/* A success answer (setup, teardown), JSON: format (read strictly, as
 * kc_check_error does), envelope (fails when the body is an error
 * envelope: it has a Code), request-id, request-id-header and
 * request-id-unique. */
void kc_check_success(const struct kc_answer *a, struct kc_ridset *rids,
                      struct kc_check_result *res);

bool kc_check_failed(const struct kc_check_result *res, enum kc_check c);
void kc_check_result_dispose(struct kc_check_result *res);

/* True when the Content-Type (an RFC 9110 media type of the format, at
 * most one parameter, charset) fits; the charset's value is not judged. */
bool kc_check_content_type_ok(const char *content_type, bool xml);

#endif
