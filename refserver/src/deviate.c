/* rs_deviate: answers bent so that exactly one strict rule of kmsconf
 * fails (docs/architecture.md, "Deviations"). */
#include "rs/deviate.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/checkname.h"
#include "kc/codec.h"

_Static_assert(RS_DEVIATE_FIRST == KC_CHECKNAME_COUNT,
               "strict deviations start right above the check bits");
_Static_assert(RS_DEVIATE_FIRST + RS_DEVIATE_COUNT == 32,
               "one name per bit up to the last of the mask");

/* In bit order from RS_DEVIATE_FIRST. */
static const char *const names[RS_DEVIATE_COUNT] = {
    "json-trailing-bytes",    "json-duplicate-member",
    "json-member-case",       "json-invalid-utf8",
    "json-control-character", "json-number-grammar",
    "json-whitespace",        "json-lone-surrogate",
    "json-escaped-nul",       "json-status-not-integer",
    "xml-duplicate-element",  "xml-nested-element",
    "xml-namespace",          "xml-version",
    "content-type-twice",     "request-id-header-twice",
    "content-type-parameter", "content-type-charset",
    "request-id-case",        "success-request-id-repeated",
    "success-error-envelope", "success-wrong-format",
};

/* request-id-case: one UUID with 31 letters, spelled in case n. */
#define CASE_BASE "abcdefab-cdef-4abc-adef-abcdefabcdef"

static atomic_uint case_counter;

unsigned rs_deviate_bit(const char *name)
{
    for (unsigned i = 0; i < RS_DEVIATE_COUNT; i++) {
        if (!strcmp(names[i], name))
            return 1u << (RS_DEVIATE_FIRST + i);
    }
    return 0;
}

const char *rs_deviate_name(unsigned bit)
{
    for (unsigned i = 0; i < RS_DEVIATE_COUNT; i++) {
        if (bit == 1u << (RS_DEVIATE_FIRST + i))
            return names[i];
    }
    return NULL;
}

bool rs_deviate_error_id(const struct rs_deviations *dev, char id[37])
{
    if (!dev || !(dev->checks & RS_DEV_REQUEST_ID_CASE))
        return false;
    unsigned n = atomic_fetch_add(&case_counter, 1u);
    unsigned k = 0;
    memcpy(id, CASE_BASE, sizeof(CASE_BASE));
    for (char *p = id; *p; p++) {
        if (*p >= 'a' && *p <= 'f' && ((n >> k++) & 1u))
            *p = (char)(*p - 'a' + 'A');
    }
    return true;
}

/* Where an edit goes: next to the first or the last occurrence of its
 * anchor, or at the end of the body. */
enum where { AFTER_FIRST, BEFORE_FIRST, BEFORE_LAST, AT_END };

struct body_edit {
    unsigned bit;
    enum rs_format fmt;
    enum where where;
    const char *anchor;
    size_t cut; /* bytes removed at the place before text goes in */
    const char *text;
};

/* Each breaks one rule and leaves the answer as kmsconf read it before
 * the rule (the first Code, the last header, ...). */
static const struct body_edit edits[] = {
    {RS_DEV_JSON_TRAILING_BYTES, RS_FMT_JSON, AT_END, NULL, 0,
     "\n{\"Code\":\"Deviant\"}"},
    {RS_DEV_JSON_DUPLICATE_MEMBER, RS_FMT_JSON, BEFORE_LAST, "}", 0,
     ",\"Code\":\"Deviant\""},
    {RS_DEV_JSON_MEMBER_CASE, RS_FMT_JSON, BEFORE_LAST, "}", 0,
     ",\"code\":\"Deviant\""},
    {RS_DEV_JSON_INVALID_UTF8, RS_FMT_JSON, BEFORE_LAST, "}", 0,
     ",\"HostId\":\"kms\xC0\xAF\""},
    {RS_DEV_JSON_CONTROL_CHARACTER, RS_FMT_JSON, BEFORE_LAST, "}", 0,
     ",\"HostId\":\"kms\thost\""},
    {RS_DEV_JSON_NUMBER_GRAMMAR, RS_FMT_JSON, AFTER_FIRST, "\"HttpStatus\":", 0,
     "0"},
    {RS_DEV_JSON_WHITESPACE, RS_FMT_JSON, AFTER_FIRST, "{", 0, "\f"},
    {RS_DEV_JSON_LONE_SURROGATE, RS_FMT_JSON, BEFORE_LAST, "}", 0,
     ",\"HostId\":\"\\ud800\""},
    {RS_DEV_JSON_ESCAPED_NUL, RS_FMT_JSON, BEFORE_FIRST, "\",\"Message\":", 0,
     "\\u0000.Deviant"},
    {RS_DEV_JSON_STATUS_NOT_INTEGER, RS_FMT_JSON, BEFORE_FIRST, ",\"Code\":", 0,
     ".0"},
    {RS_DEV_XML_DUPLICATE_ELEMENT, RS_FMT_XML, BEFORE_LAST, "</KMS>", 0,
     "<Code>Deviant</Code>"},
    {RS_DEV_XML_NESTED_ELEMENT, RS_FMT_XML, AFTER_FIRST, "<KMS>", 0,
     "<Detail><Code>Deviant</Code></Detail>"},
    {RS_DEV_XML_NAMESPACE, RS_FMT_XML, AFTER_FIRST, "<KMS", 0,
     " xmlns=\"urn:deviant:kms\""},
    {RS_DEV_XML_VERSION, RS_FMT_XML, AFTER_FIRST, "version=\"1.", 1, "1"},
};

/* Byte offset of an edit's place in body, or -1 when its anchor is not
 * there. */
static long place(const struct body_edit *e, const char *body, size_t len)
{
    const char *at = e->anchor ? strstr(body, e->anchor) : NULL;
    if (e->where == AT_END)
        return (long)len;
    if (!at)
        return -1;
    if (e->where == AFTER_FIRST)
        return (long)(at - body + (long)strlen(e->anchor));
    if (e->where == BEFORE_LAST) {
        for (const char *n = at; n; n = strstr(n + 1, e->anchor))
            at = n;
    }
    return (long)(at - body);
}

static int apply_edit(struct rs_reply *r, const struct body_edit *e)
{
    long at = place(e, r->body, r->len);
    size_t n = strlen(e->text);
    if (at < 0 || (size_t)at + e->cut > r->len)
        return 0;
    char *b = realloc(r->body, r->len + n + 1);
    if (!b)
        return -1;
    memmove(b + at + n, b + at + e->cut, r->len - (size_t)at - e->cut + 1);
    memcpy(b + at, e->text, n);
    r->body = b;
    r->len = r->len - e->cut + n;
    return 0;
}

static void bend_headers(struct rs_reply *r, unsigned c, enum rs_format fmt)
{
    bool xml = fmt == RS_FMT_XML;
    if (c & RS_DEV_CONTENT_TYPE_PARAMETER)
        r->content_type = xml ? "text/xml;charset=utf-8;profile=deviant"
                              : "application/json;charset=utf-8;profile="
                                "deviant";
    if (c & RS_DEV_CONTENT_TYPE_CHARSET)
        r->content_type = xml ? "text/xml;charset=iso-8859-1"
                              : "application/json;charset=iso-8859-1";
    if (c & RS_DEV_CONTENT_TYPE_TWICE)
        r->extra_content_type = "text/plain"; /* sent first, then the real */
    if (c & RS_DEV_REQUEST_ID_HEADER_TWICE)
        kc_uuid4(r->extra_header_id); /* sent first, then the body's */
}

int rs_deviate_error(struct rs_reply *r, const struct rs_deviations *dev,
                     enum rs_format fmt)
{
    unsigned c = dev ? dev->checks : 0;
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        if ((c & edits[i].bit) && edits[i].fmt == fmt &&
            apply_edit(r, &edits[i])) {
            rs_reply_dispose(r);
            return -1;
        }
    }
    bend_headers(r, c, fmt);
    return 0;
}

int rs_deviate_success(struct rs_reply *out, const struct rs_deviations *dev,
                       enum rs_format fmt, const cJSON *result)
{
    unsigned c = dev ? dev->checks : 0;
    const char *id =
        (c & RS_DEV_SUCCESS_REQUEST_ID_REPEATED) ? dev->fixed_id : NULL;
    if (c & RS_DEV_SUCCESS_ERROR_ENVELOPE) {
        if (rs_reply_error(out, NULL, fmt, RS_ERR_INTERNAL_FAILURE, NULL, id))
            return -1;
        out->status = 200; /* an error envelope in a 2xx answer */
        return 0;
    }
    if (c & RS_DEV_SUCCESS_WRONG_FORMAT)
        fmt = fmt == RS_FMT_XML ? RS_FMT_JSON : RS_FMT_XML;
    return rs_reply_success(out, fmt, result, id);
}
