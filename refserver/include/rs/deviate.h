/*
 * rs_deviate: the deviations that break one strict rule of kmsconf
 * (docs/checks.md, "One reading of every answer") rather than one check.
 *
 * Their names are not check names, so they have their own list, named
 * after the rule they break ("json-duplicate-member", ...; table in
 * docs/architecture.md). They are bits of rs_deviations.checks above the
 * check bits of reply.h, given with --deviate NAME (rs_reply_check_bit
 * knows both lists) and, like every deviation, only with
 * --allow-deviations. Self-tests of the suite only.
 */
#ifndef RS_DEVIATE_H
#define RS_DEVIATE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "rs/reply.h"

/* The first bit, right above the check bits (one per kc_checkname_at). */
#define RS_DEVIATE_FIRST 10
#define RS_DEVIATE_COUNT 22 /* bits RS_DEVIATE_FIRST..31: the mask is full */

/* (macros: bit 31 is out of an enumerator's int range) */
/* error answers in JSON */
#define RS_DEV_JSON_TRAILING_BYTES     (1u << 10)
#define RS_DEV_JSON_DUPLICATE_MEMBER   (1u << 11)
#define RS_DEV_JSON_MEMBER_CASE        (1u << 12)
#define RS_DEV_JSON_INVALID_UTF8       (1u << 13)
#define RS_DEV_JSON_CONTROL_CHARACTER  (1u << 14)
#define RS_DEV_JSON_NUMBER_GRAMMAR     (1u << 15)
#define RS_DEV_JSON_WHITESPACE         (1u << 16)
#define RS_DEV_JSON_LONE_SURROGATE     (1u << 17)
#define RS_DEV_JSON_ESCAPED_NUL        (1u << 18)
#define RS_DEV_JSON_STATUS_NOT_INTEGER (1u << 19)
/* error answers in XML */
#define RS_DEV_XML_DUPLICATE_ELEMENT (1u << 20)
#define RS_DEV_XML_NESTED_ELEMENT    (1u << 21)
#define RS_DEV_XML_NAMESPACE         (1u << 22)
#define RS_DEV_XML_VERSION           (1u << 23)
/* headers of error answers */
#define RS_DEV_CONTENT_TYPE_TWICE      (1u << 24)
#define RS_DEV_REQUEST_ID_HEADER_TWICE (1u << 25)
#define RS_DEV_CONTENT_TYPE_PARAMETER  (1u << 26)
#define RS_DEV_CONTENT_TYPE_CHARSET    (1u << 27)
/* RequestIds */
#define RS_DEV_REQUEST_ID_CASE             (1u << 28)
#define RS_DEV_SUCCESS_REQUEST_ID_REPEATED (1u << 29)
/* success answers */
#define RS_DEV_SUCCESS_ERROR_ENVELOPE (1u << 30)
#define RS_DEV_SUCCESS_WRONG_FORMAT   (1u << 31)

/* Bit of a strict deviation name, 0 if none; rs_deviate_name is the
 * reverse (NULL if bit is not one strict deviation). Static storage. */
unsigned rs_deviate_bit(const char *name);
const char *rs_deviate_name(unsigned bit);

/* Under request-id-case: the RequestId of the next error answer, one UUID
 * in a new spelling of its case each time, into id; false otherwise. */
bool rs_deviate_error_id(const struct rs_deviations *dev, char id[37]);

/* Bends an error answer that rs_reply_error built (body, Content-Type,
 * repeated headers). 0, or -1 when out of memory (r is then disposed). */
int rs_deviate_error(struct rs_reply *r, const struct rs_deviations *dev,
                     enum rs_format fmt);

/* A success answer (rs_reply_success) under the success-* deviations of
 * dev (may be NULL). 0 or -1. */
int rs_deviate_success(struct rs_reply *out, const struct rs_deviations *dev,
                       enum rs_format fmt, const cJSON *result);

#endif
