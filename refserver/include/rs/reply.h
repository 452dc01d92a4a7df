/*
 * rs_reply: the answers of kms-refserver.
 *
 * Holds the one table of error codes (the seed's 32 documented errors plus
 * the few protocol errors outside it), fills message placeholders, and
 * writes error envelopes and success bodies in JSON or XML (root <KMS>).
 * Error answers may be bent on purpose by the deviations of
 * docs/architecture.md (self-tests of the suite only).
 */
#ifndef RS_REPLY_H
#define RS_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

enum rs_format { RS_FMT_JSON, RS_FMT_XML };

/*
 * The error codes kms-refserver answers: the seed's 32 documented errors in
 * the seed's order, then the protocol errors outside it. Each indexes the
 * error table of reply.c (code, HTTP status, message template), the only
 * place where a code is spelled as a string; RS_ERR_NONE means no error.
 */
enum rs_err_code {
    RS_ERR_NONE = 0,
    RS_ERR_INTERNAL_FAILURE,
    RS_ERR_SERVICE_UNAVAILABLE_TEMPORARY,
    RS_ERR_INVALID_ACCESS_KEY_ID_NOT_FOUND,
    RS_ERR_FORBIDDEN_KEY_NOT_FOUND,
    RS_ERR_FORBIDDEN_KEY_VERSION_NOT_FOUND,
    RS_ERR_FORBIDDEN_ALIAS_NOT_FOUND,
    RS_ERR_FORBIDDEN_NO_PERMISSION,
    RS_ERR_FORBIDDEN_ACCESS_KEY,
    RS_ERR_UNSUPPORTED_HTTP_METHOD,
    RS_ERR_FORBIDDEN_UBSMS_INVALID_USERID,
    RS_ERR_FORBIDDEN_UBSMS_INVALID_BID,
    RS_ERR_FORBIDDEN_KMS_SERVICE_NOT_ENABLED,
    RS_ERR_FORBIDDEN_PROHIBITED_BY_RISK_CONTROL,
    RS_ERR_FORBIDDEN_IN_DEBT_OVERDUE,
    RS_ERR_FORBIDDEN_IN_DEBT,
    RS_ERR_PARSE_REQUEST_PARAMETER_EXCEPTION,
    RS_ERR_MISSING_PARAMETER,
    RS_ERR_INVALID_PARAMETER,
    RS_ERR_INCOMPLETE_SIGNATURE,
    RS_ERR_ILLEGAL_TIMESTAMP,
    RS_ERR_REJECTED_LIMIT_EXCEEDED,
    RS_ERR_ALIAS_ALREADY_EXISTS,
    RS_ERR_INVALID_KEY_MATERIAL,
    RS_ERR_INVALID_IMPORT_TOKEN,
    RS_ERR_EXPIRED_IMPORT_TOKEN,
    RS_ERR_UNSUPPORTED_ORIGIN,
    RS_ERR_UNSUPPORTED_ALIAS,
    RS_ERR_UNSUPPORTED_PROTECTION_LEVEL,
    RS_ERR_REJECTED_STATE_MODIFIED_FAILED,
    RS_ERR_REJECTED_DISABLED,
    RS_ERR_REJECTED_PENDING_DELETION,
    RS_ERR_REJECTED_PENDING_IMPORT,
    /* outside the seed */
    RS_ERR_SIGNATURE_NONCE_USED,
    RS_ERR_INVALID_API_NOT_FOUND,
    RS_ERR_REQUEST_TOO_LARGE,
    RS_ERR_THROTTLING,
    RS_ERR_COUNT /* not a code: one past the last */
};

struct rs_errdef {
    const char *code;
    unsigned status;
    /* The seed's text verbatim; "<parameter name>" marks the placeholder. */
    const char *message;
    bool documented; /* one of the seed's 32 */
};

/* Deviation checks (bit per name, see rs_reply_check_bit). */
enum {
    RS_DEV_STATUS = 1u << 0,
    RS_DEV_CODE = 1u << 1,
    RS_DEV_MESSAGE = 1u << 2,
    RS_DEV_REQUEST_ID = 1u << 3,
    RS_DEV_REQUEST_ID_HEADER = 1u << 4,
    RS_DEV_REQUEST_ID_UNIQUE = 1u << 5,
    RS_DEV_ENVELOPE = 1u << 6,
    RS_DEV_FORMAT = 1u << 7,
    RS_DEV_CONTENT_TYPE = 1u << 8,
    RS_DEV_PARITY = 1u << 9,
};

struct rs_deviations {
    unsigned checks;          /* RS_DEV_* bits */
    const char *const *codes; /* --deviate-code values (borrowed) */
    size_t ncodes;
    char fixed_id[37]; /* the one RequestId of request-id-unique */
};

/* An answer ready to send. Owns body; release with rs_reply_dispose. */
struct rs_reply {
    unsigned status;
    char *body;
    size_t len;
    const char *content_type; /* static */
    const char *code;         /* error code (static), "" on success */
    char request_id[48];      /* RequestId in the body */
    char header_id[48];       /* value of x-acs-request-id */
    /* deviations (deviate.h): a Content-Type and an x-acs-request-id sent
     * before the ones above; NULL and "" for none */
    const char *extra_content_type;
    char extra_header_id[48];
};

/* The error table (static storage): the entry of a code (NULL for
 * RS_ERR_NONE and out of range), lookup by name (NULL when unknown), and
 * iteration over the rs_reply_count() codes, rs_reply_at(i) being the entry
 * of code RS_ERR_NONE + 1 + i. */
const struct rs_errdef *rs_reply_def(enum rs_err_code code);
const struct rs_errdef *rs_reply_find(const char *code);
size_t rs_reply_count(void);
const struct rs_errdef *rs_reply_at(size_t i);

/* Bit of a deviation name: a check name ("status", "request-id", ...) or a
 * strict rule's (deviate.h: "json-duplicate-member", ...), 0 if none;
 * rs_reply_check_name is the reverse (NULL if bit is not a single one). */
unsigned rs_reply_check_bit(const char *name);
const char *rs_reply_check_name(unsigned bit);

/* The message of def with "<parameter name>" replaced by arg, into out
 * (truncated to outlen). */
void rs_reply_message(char *out, size_t outlen, const struct rs_errdef *def,
                      const char *arg);

/*
 * Builds an error answer for code (RS_ERR_NONE and values out of range
 * become InternalFailure) with the placeholder bound to arg. request_id: the id
 * to use, or NULL for a fresh lower-case UUID. dev may be NULL (no deviations).
 * Returns 0, or -1 when out of memory (out is then empty).
 */
int rs_reply_error(struct rs_reply *out, const struct rs_deviations *dev,
                   enum rs_format fmt, enum rs_err_code code, const char *arg,
                   const char *request_id);

/* Builds a 200 answer: RequestId followed by the fields of result (an
 * object, may be NULL). XML: arrays become repeated elements. 0 or -1. */
int rs_reply_success(struct rs_reply *out, enum rs_format fmt,
                     const cJSON *result, const char *request_id);

void rs_reply_dispose(struct rs_reply *r);

#endif
