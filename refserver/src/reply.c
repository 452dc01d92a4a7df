/* rs_reply: error table, envelopes and success bodies in JSON and XML. */
#include "rs/reply.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs/deviate.h"
#include "kc/checkname.h"
#include "kc/codec.h"

/* Answers are small; this only stops a runaway result from growing. */
#define REPLY_MAX   (8u << 20)
#define XML_DECL    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define CT_JSON     "application/json;charset=utf-8"
#define CT_XML      "text/xml;charset=utf-8"
#define PLACEHOLDER "<parameter name>"

/* The error table, indexed by enum rs_err_code; [RS_ERR_NONE] stays empty.
 * One entry per code, laid out alike (hence no clang-format here). */
/* clang-format off */
static const struct rs_errdef errors[RS_ERR_COUNT] = {
    /* The seed's table, in its order, messages verbatim. */
    [RS_ERR_INTERNAL_FAILURE] =
        {"InternalFailure", 500, "Internal Failure.", true},
    [RS_ERR_SERVICE_UNAVAILABLE_TEMPORARY] =
        {"ServiceUnavailableTemporary", 503,
         "Service Unavailable Temporary.",
         true},
    [RS_ERR_INVALID_ACCESS_KEY_ID_NOT_FOUND] =
        {"InvalidAccessKeyId.NotFound", 404,
         "The AccessKey ID provided does not exist in our records.",
         true},
    [RS_ERR_FORBIDDEN_KEY_NOT_FOUND] =
        {"Forbidden.KeyNotFound", 404, "The specified Key is not found.", true},
    [RS_ERR_FORBIDDEN_KEY_VERSION_NOT_FOUND] =
        {"Forbidden.KeyVersionNotFound", 404,
         "The specified Key version is not found.",
         true},
    [RS_ERR_FORBIDDEN_ALIAS_NOT_FOUND] =
        {"Forbidden.AliasNotFound", 404,
         "The specified Alias is not found.",
         true},
    [RS_ERR_FORBIDDEN_NO_PERMISSION] =
        {"Forbidden.NoPermission", 403,
         "This operation is forbidden by permission system.",
         true},
    [RS_ERR_FORBIDDEN_ACCESS_KEY] =
        {"Forbidden.AccessKey", 403, "This AccessKey is not enabled.", true},
    [RS_ERR_UNSUPPORTED_HTTP_METHOD] =
        {"UnsupportedHTTPMethod", 403,
         "This http method is not supported.",
         true},
    [RS_ERR_FORBIDDEN_UBSMS_INVALID_USERID] =
        {"Forbidden.UbsmsInvalidUserid", 403,
         "Userid Invalid For Ubsms.",
         true},
    [RS_ERR_FORBIDDEN_UBSMS_INVALID_BID] =
        {"Forbidden.UbsmsInvalidBid", 403,
         "Your account partner does not have KMS Service.",
         true},
    [RS_ERR_FORBIDDEN_KMS_SERVICE_NOT_ENABLED] =
        {"Forbidden.KmsServiceNotEnabled", 403,
         "Kms service is not Enabled for current user. Please get access "
         "permission first.",
         true},
    [RS_ERR_FORBIDDEN_PROHIBITED_BY_RISK_CONTROL] =
        {"Forbidden.ProhibitedByRiskControl", 403,
         "Current user is Prohibited By Risk Control.",
         true},
    [RS_ERR_FORBIDDEN_IN_DEBT_OVERDUE] =
        {"Forbidden.InDebtOverdue", 403,
         "Current user is indebted Overdue.",
         true},
    [RS_ERR_FORBIDDEN_IN_DEBT] =
        {"Forbidden.InDebt", 403, "Current user is indebted.", true},
    [RS_ERR_PARSE_REQUEST_PARAMETER_EXCEPTION] =
        {"ParseRequestParameterException", 400,
         "Server parse parameters exception. Please check your input params.",
         true},
    [RS_ERR_MISSING_PARAMETER] =
        {"MissingParameter", 400,
         "The parameter \"" PLACEHOLDER "\" is needed but not provided.",
         true},
    [RS_ERR_INVALID_PARAMETER] =
        {"InvalidParameter", 400,
         "The specified parameter \"" PLACEHOLDER "\" is not valid.",
         true},
    [RS_ERR_INCOMPLETE_SIGNATURE] =
        {"IncompleteSignature", 400,
         "The request signature does not conform to Alibaba Cloud standards.",
         true},
    [RS_ERR_ILLEGAL_TIMESTAMP] =
        {"IllegalTimestamp", 400,
         "The input parameter \"Timestamp\" that is required for processing "
         "this request is not supplied.",
         true},
    [RS_ERR_REJECTED_LIMIT_EXCEEDED] =
        {"Rejected.LimitExceeded", 400,
         "The request was rejected because user create resource limit was "
         "exceeded.",
         true},
    [RS_ERR_ALIAS_ALREADY_EXISTS] =
        {"AliasAlreadyExists", 400, "AliasName Already Exists.", true},
    [RS_ERR_INVALID_KEY_MATERIAL] =
        {"InvalidKeyMaterial", 400, "key material is invalid.", true},
    [RS_ERR_INVALID_IMPORT_TOKEN] =
        {"InvalidImportToken", 400, "import token is invalid.", true},
    [RS_ERR_EXPIRED_IMPORT_TOKEN] =
        {"ExpiredImportToken", 400, "import token is expired.", true},
    [RS_ERR_UNSUPPORTED_ORIGIN] =
        {"Unsupported.Origin", 400,
         "This key origin is not valid for this api.",
         true},
    [RS_ERR_UNSUPPORTED_ALIAS] =
        {"Unsupported.Alias", 400, "Alias is not valid for this api.", true},
    [RS_ERR_UNSUPPORTED_PROTECTION_LEVEL] =
        {"Unsupported.ProtectionLevel", 400,
         "This protection level is not valid for this region",
         true},
    [RS_ERR_REJECTED_STATE_MODIFIED_FAILED] =
        {"Rejected.StateModifiedFailed", 409,
         "Keystate modified failed.",
         true},
    [RS_ERR_REJECTED_DISABLED] =
        {"Rejected.Disabled", 409,
         "The request was rejected because the key state is Disabled.",
         true},
    [RS_ERR_REJECTED_PENDING_DELETION] =
        {"Rejected.PendingDeletion", 409,
         "The request was rejected because the key state is PendingDeletion.",
         true},
    [RS_ERR_REJECTED_PENDING_IMPORT] =
        {"Rejected.PendingImport", 409,
         "The request was rejected because the key state is PendingImport.",
         true},
    /* Outside the seed: gateway errors (texts as real gateways send them)
     * and the server's own size limit. */
    [RS_ERR_SIGNATURE_NONCE_USED] =
        {"SignatureNonceUsed", 400,
         "Specified signature nonce was used already.",
         false},
    [RS_ERR_INVALID_API_NOT_FOUND] =
        {"InvalidApi.NotFound", 404,
         "Specified api is not found,please check your url and method.",
         false},
    [RS_ERR_REQUEST_TOO_LARGE] =
        {"RequestTooLarge", 413,
         "The request is larger than the server accepts.",
         false},
    /* Throttling: the KMS API reference (ScheduleKeyDeletion, UpdateAlias)
     * and the gateway's flow control; answered under --throttle. */
    [RS_ERR_THROTTLING] =
        {"Throttling", 400,
         "Request was denied due to request throttling.",
         false},
};
/* clang-format on */

_Static_assert(RS_DEV_PARITY == 1u << (KC_CHECKNAME_COUNT - 1),
               "one RS_DEV_* bit per kc_checkname_at name");

static atomic_uint deviant_counter;

const struct rs_errdef *rs_reply_def(enum rs_err_code code)
{
    if (code <= RS_ERR_NONE || code >= RS_ERR_COUNT)
        return NULL;
    return &errors[code];
}

const struct rs_errdef *rs_reply_find(const char *code)
{
    for (int c = RS_ERR_NONE + 1; code && c < RS_ERR_COUNT; c++) {
        if (!strcmp(errors[c].code, code))
            return &errors[c];
    }
    return NULL;
}

size_t rs_reply_count(void)
{
    return RS_ERR_COUNT - 1;
}

const struct rs_errdef *rs_reply_at(size_t i)
{
    return i < rs_reply_count() ? &errors[RS_ERR_NONE + 1 + i] : NULL;
}

unsigned rs_reply_check_bit(const char *name)
{
    for (size_t i = 0; i < KC_CHECKNAME_COUNT; i++) {
        if (!strcmp(kc_checkname_at(i), name))
            return 1u << i;
    }
    return rs_deviate_bit(name);
}

const char *rs_reply_check_name(unsigned bit)
{
    for (size_t i = 0; i < KC_CHECKNAME_COUNT; i++) {
        if (bit == 1u << i)
            return kc_checkname_at(i);
    }
    return rs_deviate_name(bit);
}

/* Appends n bytes of s to the text of out (*used bytes of outlen), cutting
 * what does not fit; out stays terminated. What snprintf would do, without
 * parsing a format for every field of every answer. */
static void text_add(char *out, size_t outlen, size_t *used, const char *s,
                     size_t n)
{
    size_t room = outlen - 1 - *used;
    if (n > room)
        n = room;
    memcpy(out + *used, s, n);
    *used += n;
    out[*used] = '\0';
}

/* out = a then b, cut to outlen (which is at least 1). */
static void text_join(char *out, size_t outlen, const char *a, const char *b)
{
    size_t used = 0;
    out[0] = '\0';
    text_add(out, outlen, &used, a, strlen(a));
    text_add(out, outlen, &used, b, strlen(b));
}

void rs_reply_message(char *out, size_t outlen, const struct rs_errdef *def,
                      const char *arg)
{
    const char *p = strstr(def->message, PLACEHOLDER);
    size_t used = 0;
    if (!p) {
        text_join(out, outlen, def->message, "");
        return;
    }
    out[0] = '\0';
    text_add(out, outlen, &used, def->message, (size_t)(p - def->message));
    text_join(out + used, outlen - used, arg ? arg : "",
              p + strlen(PLACEHOLDER));
}

/* Escapes text for XML content. Characters XML 1.0 cannot carry (C0
 * controls other than tab, LF, CR) become U+FFFD. */
/* The escape of c in XML content, or NULL when c stands for itself. */
static const char *xml_escape_of(unsigned char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&apos;";
    case '\t':
    case '\n':
    case '\r':
        return NULL;
    default:
        return c < 0x20 ? "\xEF\xBF\xBD" : NULL;
    }
}

/* Escapes text for XML content, copying the runs between escapes whole.
 * Characters XML 1.0 cannot carry (C0 controls other than tab, LF, CR)
 * become U+FFFD. */
static int xml_escape(struct kc_buf *b, const char *s)
{
    const char *run = s;
    for (;; s++) {
        unsigned char c = (unsigned char)*s;
        const char *esc = c ? xml_escape_of(c) : NULL;
        if (c && !esc)
            continue;
        if (kc_buf_append(b, run, (size_t)(s - run)) ||
            (esc && kc_buf_puts(b, esc)))
            return -1;
        if (!c)
            return 0;
        run = s + 1;
    }
}

/* "<name>" (close: "</name>"). */
static int xml_tag(struct kc_buf *b, const char *name, bool close)
{
    if (kc_buf_puts(b, close ? "</" : "<") || kc_buf_puts(b, name) ||
        kc_buf_putc(b, '>'))
        return -1;
    return 0;
}

static int xml_text_elem(struct kc_buf *b, const char *name, const char *text)
{
    if (xml_tag(b, name, false) || xml_escape(b, text) ||
        xml_tag(b, name, true))
        return -1;
    return 0;
}

static int xml_number(struct kc_buf *b, double v)
{
    if (v > -9.0e15 && v < 9.0e15 && (double)(long long)v == v)
        return kc_buf_printf(b, "%lld", (long long)v);
    return kc_buf_printf(b, "%.17g", v);
}

static int xml_value(struct kc_buf *b, const char *name, const cJSON *v);

/* The members of an object as child elements. */
static int xml_members(struct kc_buf *b, const cJSON *obj)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, obj)
    {
        if (!it->string)
            continue;
        if (cJSON_IsArray(it)) {
            const cJSON *el;
            cJSON_ArrayForEach(el, it)
            {
                if (xml_value(b, it->string, el))
                    return -1;
            }
        } else if (xml_value(b, it->string, it)) {
            return -1;
        }
    }
    return 0;
}

static int xml_value(struct kc_buf *b, const char *name, const cJSON *v)
{
    if (cJSON_IsString(v))
        return xml_text_elem(b, name, v->valuestring);
    if (xml_tag(b, name, false))
        return -1;
    int rc = 0;
    if (cJSON_IsNumber(v))
        rc = xml_number(b, v->valuedouble);
    else if (cJSON_IsBool(v))
        rc = kc_buf_puts(b, cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsObject(v) || cJSON_IsArray(v))
        rc = xml_members(b, v); /* nested arrays: elements keep no name */
    if (rc || xml_tag(b, name, true))
        return -1;
    return 0;
}

static void set_ids(struct rs_reply *r, const char *body_id,
                    const char *header_id)
{
    text_join(r->request_id, sizeof(r->request_id), body_id, "");
    text_join(r->header_id, sizeof(r->header_id), header_id, "");
}

static bool code_deviates(const struct rs_deviations *dev, const char *code)
{
    for (size_t i = 0; i < dev->ncodes; i++) {
        if (!strcmp(dev->codes[i], code))
            return true;
    }
    return false;
}

/* The visible parts of an error answer, after the deviations. */
struct err_parts {
    unsigned status;
    char code[96];
    char message[1200];
    char body_id[48];
    char header_id[48];
    bool with_status;
};

/* The parity deviation's XML text: another wording that Alibaba documents
 * for the same code (suite/catalog.json), so that each answer alone passes
 * the message check and only the two together disagree; NULL for the codes
 * with a single wording, whose XML answers stay as they are. */
static const char *other_wording(const struct rs_errdef *def)
{
    static const char *const alt[][2] = {
        /* the seed's second template */
        {"IllegalTimestamp", "The input parameter \"Timestamp\" that is "
                             "mandatory for processing this request is not "
                             "supplied."},
        /* Alibaba's API metadata and API reference pages */
        {"MissingParameter", "The parameter needed but no provided."},
        {"InvalidParameter", "The specified parameter is not valid."},
        {"InvalidAccessKeyId.NotFound",
         "The Access Key ID provided does not exist in our records."},
        {"Forbidden.NoPermission",
         "This operation is forbidden by permission system"},
        {"InternalFailure", "Internal Failure"},
        {"Rejected.LimitExceeded", "The request was rejected because user "
                                   "create resource limit was exceeded"},
        {"InvalidKeyMaterial", "key material is invalid"},
        {"InvalidImportToken", "import token is invalid"},
        {"ExpiredImportToken", "import token is expired"},
        {"Unsupported.Origin", "This key origin is not valid for this api"},
    };
    for (size_t i = 0; i < sizeof(alt) / sizeof(alt[0]); i++)
        if (!strcmp(alt[i][0], def->code))
            return alt[i][1];
    return NULL;
}

static void err_parts_fill(struct err_parts *p, const struct rs_deviations *d,
                           enum rs_format fmt, const struct rs_errdef *def,
                           const char *arg, const char *request_id)
{
    unsigned c = d ? d->checks : 0;
    char msg[1024];
    char id[37];
    if (rs_deviate_error_id(d, id)) /* request-id-case */
        request_id = id;
    else if (!request_id) {
        kc_uuid4(id);
        request_id = id;
    }
    rs_reply_message(msg, sizeof(msg), def, arg);
    const char *other = other_wording(def);
    if ((c & RS_DEV_PARITY) && fmt == RS_FMT_XML && other)
        text_join(msg, sizeof(msg), other, "");
    p->status = def->status;
    if ((c & RS_DEV_STATUS) || (d && code_deviates(d, def->code)))
        p->status++;
    text_join(p->code, sizeof(p->code), def->code,
              (c & RS_DEV_CODE) ? ".Deviant" : "");
    text_join(p->message, sizeof(p->message),
              (c & RS_DEV_MESSAGE) ? "Deviant: " : "", msg);
    if (c & RS_DEV_REQUEST_ID_UNIQUE)
        request_id = d->fixed_id;
    text_join(p->body_id, sizeof(p->body_id), request_id, "");
    if (c & RS_DEV_REQUEST_ID)
        snprintf(p->body_id, sizeof(p->body_id), "not-a-uuid-%u",
                 atomic_fetch_add(&deviant_counter, 1u) + 1u);
    text_join(p->header_id, sizeof(p->header_id), p->body_id, "");
    if (c & RS_DEV_REQUEST_ID_HEADER)
        kc_uuid4(p->header_id);
    p->with_status = !(c & RS_DEV_ENVELOPE);
}

/* The JSON envelope, written directly (no tree to build, print and free):
 * the same members in the same order as cJSON would print them. */
static char *error_json(const struct err_parts *p)
{
    struct kc_buf b;
    kc_buf_init(&b, REPLY_MAX);
    kc_buf_putc(&b, '{');
    if (p->with_status)
        kc_buf_printf(&b, "\"HttpStatus\":%u,", p->status);
    kc_buf_puts(&b, "\"Code\":");
    kc_buf_put_json_string(&b, p->code);
    kc_buf_puts(&b, ",\"Message\":");
    kc_buf_put_json_string(&b, p->message);
    kc_buf_puts(&b, ",\"RequestId\":");
    kc_buf_put_json_string(&b, p->body_id);
    kc_buf_putc(&b, '}');
    return kc_buf_take(&b); /* NULL if any append failed */
}

static char *error_xml(const struct err_parts *p)
{
    struct kc_buf b;
    kc_buf_init(&b, REPLY_MAX);
    if (kc_buf_puts(&b, XML_DECL "<KMS>") ||
        (p->with_status &&
         kc_buf_printf(&b, "<HttpStatus>%u</HttpStatus>", p->status)) ||
        xml_text_elem(&b, "Code", p->code) ||
        xml_text_elem(&b, "Message", p->message) ||
        xml_text_elem(&b, "RequestId", p->body_id) ||
        kc_buf_puts(&b, "</KMS>")) {
        kc_buf_dispose(&b);
        return NULL;
    }
    return kc_buf_detach(&b);
}

int rs_reply_error(struct rs_reply *out, const struct rs_deviations *dev,
                   enum rs_format fmt, enum rs_err_code code, const char *arg,
                   const char *request_id)
{
    const struct rs_errdef *def = rs_reply_def(code);
    struct err_parts p;
    memset(out, 0, sizeof(*out));
    if (!def)
        def = rs_reply_def(RS_ERR_INTERNAL_FAILURE);
    err_parts_fill(&p, dev, fmt, def, arg, request_id);
    out->body = fmt == RS_FMT_XML ? error_xml(&p) : error_json(&p);
    if (!out->body)
        return -1;
    out->len = strlen(out->body);
    if (dev && (dev->checks & RS_DEV_FORMAT))
        out->len /= 2;
    out->status = p.status;
    out->code = def->code;
    out->content_type = fmt == RS_FMT_XML ? CT_XML : CT_JSON;
    if (dev && (dev->checks & RS_DEV_CONTENT_TYPE))
        out->content_type = "text/plain";
    set_ids(out, p.body_id, p.header_id);
    return rs_deviate_error(out, dev, fmt); /* the strict rules' */
}

static char *success_json(const cJSON *result, const char *id)
{
    cJSON *o = cJSON_CreateObject();
    char *s = NULL;
    const cJSON *it;
    if (!o || !cJSON_AddStringToObject(o, "RequestId", id))
        goto out;
    cJSON_ArrayForEach(it, result)
    {
        cJSON *copy = cJSON_Duplicate(it, true);
        if (!copy || !it->string) {
            cJSON_Delete(copy);
            goto out;
        }
        cJSON_AddItemToObject(o, it->string, copy);
    }
    s = cJSON_PrintUnformatted(o);
out:
    cJSON_Delete(o);
    return s;
}

static char *success_xml(const cJSON *result, const char *id)
{
    struct kc_buf b;
    kc_buf_init(&b, REPLY_MAX);
    if (kc_buf_puts(&b, XML_DECL "<KMS>") ||
        xml_text_elem(&b, "RequestId", id) ||
        (result && xml_members(&b, result)) || kc_buf_puts(&b, "</KMS>")) {
        kc_buf_dispose(&b);
        return NULL;
    }
    return kc_buf_detach(&b);
}

int rs_reply_success(struct rs_reply *out, enum rs_format fmt,
                     const cJSON *result, const char *request_id)
{
    char id[37];
    memset(out, 0, sizeof(*out));
    if (!request_id) {
        kc_uuid4(id);
        request_id = id;
    }
    out->body = fmt == RS_FMT_XML ? success_xml(result, request_id)
                                  : success_json(result, request_id);
    if (!out->body)
        return -1;
    out->len = strlen(out->body);
    out->status = 200;
    out->code = "";
    out->content_type = fmt == RS_FMT_XML ? CT_XML : CT_JSON;
    set_ids(out, request_id, request_id);
    return 0;
}

void rs_reply_dispose(struct rs_reply *r)
{
    if (!r)
        return;
    free(r->body);
    memset(r, 0, sizeof(*r));
}
