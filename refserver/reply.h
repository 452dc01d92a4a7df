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

/* The error table: lookup by code (NULL when unknown), and iteration. */
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
 * Builds an error answer for code (unknown codes become InternalFailure)
 * with the placeholder bound to arg. request_id: the id to use, or NULL
 * for a fresh lower-case UUID. dev may be NULL (no deviations).
 * Returns 0, or -1 when out of memory (out is then empty).
 */
int rs_reply_error(struct rs_reply *out, const struct rs_deviations *dev,
                   enum rs_format fmt, const char *code, const char *arg,
                   const char *request_id);

/* Builds a 200 answer: RequestId followed by the fields of result (an
 * object, may be NULL). XML: arrays become repeated elements. 0 or -1. */
int rs_reply_success(struct rs_reply *out, enum rs_format fmt,
                     const cJSON *result, const char *request_id);

void rs_reply_dispose(struct rs_reply *r);

#endif
