/* kc_check: the named checks of error and success answers. */
#include "kc/check.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kc/checkname.h"

#include <cjson/cJSON.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "kc/codec.h"
#include "kc/err.h"
#include "kc/mediatype.h"
#include "kc/strict_json.h"
#include "kc/strict_xml.h"

#define MAX_FIELDS 64

/* The top-level members the checks read; the strict JSON scan tells for
 * each whether its value holds an escaped NUL or is a number written with
 * a fraction or an exponent. */
enum { W_CODE, W_MESSAGE, W_REQUEST_ID, W_HTTP_STATUS, W_COUNT };
static const char *const watched[W_COUNT] = {"Code", "Message", "RequestId",
                                             "HttpStatus"};

_Static_assert(KC_CHECK_COUNT == KC_CHECKNAME_COUNT,
               "enum kc_check follows kc_checkname_at");

const char *kc_check_name(enum kc_check c)
{
    const char *name = kc_checkname_at((size_t)c);

    return name ? name : "unknown";
}

/* ---- RequestId set ---- */

struct kc_ridset {
    pthread_mutex_t lock;
    char **slots; /* open addressing */
    size_t cap;
    size_t n;
};

struct kc_ridset *kc_ridset_new(void)
{
    struct kc_ridset *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->cap = 1024;
    s->slots = calloc(s->cap, sizeof(*s->slots));
    if (!s->slots || pthread_mutex_init(&s->lock, NULL)) {
        free(s->slots);
        free(s);
        return NULL;
    }
    return s;
}

void kc_ridset_free(struct kc_ridset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i]);
    free(s->slots);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static size_t fnv(const char *s)
{
    size_t h = (size_t)14695981039346656037ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
    return h;
}

/* Slot of id, or the empty slot where it belongs. Lock held. */
static size_t rid_slot(char **slots, size_t cap, const char *id)
{
    size_t i = fnv(id) & (cap - 1);
    while (slots[i] && strcmp(slots[i], id))
        i = (i + 1) & (cap - 1);
    return i;
}

static int rid_grow(struct kc_ridset *s)
{
    size_t cap = s->cap * 2;
    char **slots = calloc(cap, sizeof(*slots));
    if (!slots)
        return -1;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i])
            slots[rid_slot(slots, cap, s->slots[i])] = s->slots[i];
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return 0;
}

/* The key a RequestId is stored under: a UUID in lower case (either case
 * is the same UUID), anything else as it is. Caller frees. */
static char *rid_key(const char *id)
{
    char *k = strdup(id);
    if (k && kc_uuid_valid(k)) {
        for (char *p = k; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    }
    return k;
}

bool kc_ridset_insert(struct kc_ridset *s, const char *raw)
{
    bool fresh = true;
    char *id = rid_key(raw);
    if (!id)
        return true; /* out of memory: cannot judge, count as new */
    pthread_mutex_lock(&s->lock);
    if (2 * (s->n + 1) > s->cap && rid_grow(s))
        goto out; /* out of memory: cannot judge, count as new */
    size_t i = rid_slot(s->slots, s->cap, id);
    if (s->slots[i]) {
        fresh = false;
        goto out;
    }
    s->slots[i] = id;
    id = NULL;
    s->n++;
out:
    pthread_mutex_unlock(&s->lock);
    free(id);
    return fresh;
}

/* ---- body fields ---- */

enum field_kind { F_STRING, F_NUMBER, F_TEXT, F_OBJECT, F_OTHER };

struct field {
    char name[64];
    enum field_kind kind;
    char *text; /* NULL for F_OBJECT and F_OTHER */
};

struct fields {
    struct field v[MAX_FIELDS];
    size_t n;
    bool overflow;
    unsigned wflags[W_COUNT]; /* KC_STRICT_JSON_* of the watched members */
    char why[KC_ERR_MAX];     /* why the body has no one reading */
};

/* An empty set of fields (the entries past n are never read, so they are
 * not cleared: the set is some 5 KiB and made for every answer). NULL when
 * out of memory. */
static struct fields *fields_new(void)
{
    struct fields *f = malloc(sizeof(*f));
    if (!f)
        return NULL;
    f->n = 0;
    f->overflow = false;
    memset(f->wflags, 0, sizeof(f->wflags));
    f->why[0] = '\0';
    return f;
}

static void fields_dispose(struct fields *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i].text);
}

static void fields_add(struct fields *f, const char *name, enum field_kind kind,
                       const char *text)
{
    if (f->n == MAX_FIELDS) {
        f->overflow = true;
        return;
    }
    struct field *x = &f->v[f->n++];
    snprintf(x->name, sizeof(x->name), "%s", name);
    x->kind = kind;
    x->text = text ? strdup(text) : NULL;
    if (text && !x->text)
        x->kind = F_OTHER;
}

static const struct field *field_get(const struct fields *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->v[i].name, name))
            return &f->v[i];
    return NULL;
}

static void json_member(struct fields *f, const cJSON *m)
{
    char num[32];
    if (cJSON_IsString(m)) {
        fields_add(f, m->string, F_STRING, m->valuestring);
    } else if (cJSON_IsNumber(m) && m->valuedouble > -1e15 &&
               m->valuedouble < 1e15 &&
               (double)(long long)m->valuedouble == m->valuedouble) {
        snprintf(num, sizeof(num), "%.0f", m->valuedouble);
        fields_add(f, m->string, F_NUMBER, num);
    } else {
        fields_add(f, m->string, cJSON_IsObject(m) ? F_OBJECT : F_OTHER, NULL);
    }
}

/* The body read strictly (kc/strict_json.h), then by cJSON. */
static bool parse_json(const char *body, size_t len, struct fields *f)
{
    struct kc_strict_json_watch w[W_COUNT];
    for (size_t i = 0; i < W_COUNT; i++)
        w[i].name = watched[i];
    if (kc_strict_json_scan(body, len, w, W_COUNT, f->why, sizeof(f->why)))
        return false;
    for (size_t i = 0; i < W_COUNT; i++)
        f->wflags[i] = w[i].flags;
    cJSON *root = cJSON_ParseWithLength(body, len);
    bool ok = cJSON_IsObject(root) &&
              !kc_strict_json_names(root, f->why, sizeof(f->why));
    if (!root)
        kc_err_set(f->why, sizeof(f->why), "body is not a JSON object");
    for (const cJSON *m = ok ? root->child : NULL; m; m = m->next)
        json_member(f, m);
    cJSON_Delete(root);
    return ok;
}

static bool has_element_child(const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return true;
    return false;
}

/* The element names that must appear once, as direct children of the
 * root: the rule set's fields and the ones the checks read. */
static size_t envelope_names(const struct kc_envelope *env,
                             const char *names[MAX_FIELDS + W_COUNT])
{
    size_t n = 0;
    for (size_t i = 0; i < W_COUNT; i++)
        names[n++] = watched[i];
    for (size_t i = 0; env && i < env->nfields && n < MAX_FIELDS + W_COUNT; i++)
        names[n++] = env->fields[i].name;
    return n;
}

/* The body read strictly (kc/strict_xml.h): a documented root whose
 * direct children are the fields. */
static bool parse_xml(const char *body, size_t len,
                      const struct kc_envelope *env, struct fields *f)
{
    const char *names[MAX_FIELDS + W_COUNT];
    size_t nnames = envelope_names(env, names);
    xmlDoc *doc = kc_strict_xml_read(body, len, f->why, sizeof(f->why));
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    bool ok = root &&
              (!env || kc_envelope_xml_root_ok(env, (const char *)root->name));
    if (doc && !ok)
        kc_err_set(f->why, sizeof(f->why),
                   "body is not well-formed XML with a documented root");
    if (ok &&
        kc_strict_xml_envelope(root, names, nnames, f->why, sizeof(f->why)))
        ok = false;
    for (xmlNode *c = ok ? root->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (has_element_child(c)) {
            fields_add(f, (const char *)c->name, F_OBJECT, NULL);
            continue;
        }
        xmlChar *t = xmlNodeGetContent(c);
        fields_add(f, (const char *)c->name, F_TEXT, t ? (const char *)t : "");
        xmlFree(t);
    }
    xmlFreeDoc(doc);
    return ok;
}

/* ---- results ---- */

static void fail(struct kc_check_result *res, enum kc_check c, const char *fmt,
                 ...) __attribute__((format(printf, 3, 4)));

static void fail(struct kc_check_result *res, enum kc_check c, const char *fmt,
                 ...)
{
    /* Cannot happen: each check fails at most once (kc/check.h). */
    if (res->nfailures == sizeof(res->failures) / sizeof(res->failures[0]))
        return;
    struct kc_check_failure *f = &res->failures[res->nfailures++];
    f->check = c;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof(f->message), fmt, ap);
    va_end(ap);
    for (char *p = f->message; *p; p++) /* one line */
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

bool kc_check_failed(const struct kc_check_result *res, enum kc_check c)
{
    for (size_t i = 0; i < res->nfailures; i++)
        if (res->failures[i].check == c)
            return true;
    return false;
}

void kc_check_result_dispose(struct kc_check_result *res)
{
    free(res->code);
    free(res->message);
    free(res->request_id);
    free(res->http_status);
    memset(res, 0, sizeof(*res));
}

/* The text of a string-like field, copied; NULL when absent or mistyped. */
static char *text_of(const struct fields *f, const char *name, bool number)
{
    const struct field *x = field_get(f, name);
    if (!x || !x->text)
        return NULL;
    if (x->kind == F_OTHER || x->kind == F_OBJECT ||
        (number && x->kind == F_STRING) || (!number && x->kind == F_NUMBER))
        return NULL;
    return strdup(x->text);
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

static bool type_ok(const struct field *x, enum kc_field_type t)
{
    switch (x->kind) {
    case F_STRING:
        return t == KC_FIELD_STRING;
    case F_NUMBER:
        return t == KC_FIELD_NUMBER;
    case F_TEXT:
        return t == KC_FIELD_STRING || all_digits(x->text);
    case F_OBJECT:
        return t == KC_FIELD_OBJECT;
    case F_OTHER:
        break;
    }
    return false;
}

static void check_envelope(const struct kc_envelope *env,
                           const struct fields *f, long status,
                           struct kc_check_result *res)
{
    if (f->overflow) {
        fail(res, KC_CHECK_ENVELOPE, "more than %d fields in the body",
             MAX_FIELDS);
        return;
    }
    for (size_t i = 0; i < env->nfields; i++) {
        const struct kc_envelope_field *r = &env->fields[i];
        if (r->required && !field_get(f, r->name)) {
            fail(res, KC_CHECK_ENVELOPE, "field %s is missing", r->name);
            return;
        }
    }
    for (size_t i = 0; i < f->n; i++) {
        const struct kc_envelope_field *r =
            kc_envelope_field(env, f->v[i].name);
        if (!r && !env->allow_other_fields) {
            fail(res, KC_CHECK_ENVELOPE,
                 "unexpected field %s in an error body (result data?)",
                 f->v[i].name);
            return;
        }
        if (r && !type_ok(&f->v[i], r->type)) {
            fail(res, KC_CHECK_ENVELOPE, "field %s is not a%s", r->name,
                 r->type == KC_FIELD_NUMBER   ? " number"
                 : r->type == KC_FIELD_OBJECT ? "n object"
                                              : " string");
            return;
        }
    }
    if (f->wflags[W_HTTP_STATUS] & KC_STRICT_JSON_NOT_INTEGER) {
        fail(res, KC_CHECK_ENVELOPE,
             "HttpStatus is written with a fraction or an exponent (integer "
             "readers such as Go's encoding/json refuse it)");
        return;
    }
    char *hs = text_of(f, "HttpStatus", true);
    if (hs && strtol(hs, NULL, 10) != status)
        fail(res, KC_CHECK_ENVELOPE,
             "HttpStatus %s differs from the HTTP status %ld", hs, status);
    free(hs);
}

/* Whether ct parses (RFC 9110) into the media type of the format. */
static bool media_fits(const char *ct, bool xml, struct kc_mediatype *m)
{
    if (!ct || kc_mediatype_parse(ct, m, NULL, 0))
        return false;
    if (xml)
        return (!strcmp(m->type, "text") && !strcmp(m->subtype, "xml")) ||
               (!strcmp(m->type, "application") && !strcmp(m->subtype, "xml"));
    return !strcmp(m->type, "application") && !strcmp(m->subtype, "json");
}

/* The first parameter that is not charset, or NULL. */
static const char *other_param(const struct kc_mediatype *m)
{
    for (size_t i = 0; i < m->nparams; i++) {
        if (strcmp(m->params[i].name, "charset"))
            return m->params[i].name;
    }
    return NULL;
}

bool kc_check_content_type_ok(const char *ct, bool xml)
{
    struct kc_mediatype m;
    size_t ncharset = 0;
    if (!media_fits(ct, xml, &m) || other_param(&m))
        return false;
    kc_mediatype_param(&m, "charset", &ncharset);
    return ncharset <= 1;
}

/* The charset, when given, names what the body is: UTF-8 for JSON (RFC
 * 8259), the document's own encoding for XML. */
static void check_charset(const struct kc_answer *a,
                          const struct kc_mediatype *m,
                          struct kc_check_result *res)
{
    char enc[KC_STRICT_XML_ENCODING_MAX] = "utf-8";
    const char *cs = kc_mediatype_param(m, "charset", NULL);
    if (!cs)
        return;
    if (a->xml)
        kc_strict_xml_encoding(a->body, a->body_len, enc, sizeof(enc));
    if (strcasecmp(cs, enc))
        fail(res, KC_CHECK_CONTENT_TYPE,
             "Content-Type charset '%.40s' does not name the body's encoding, "
             "%s (readers that trust the header decode the body otherwise)",
             cs, enc);
}

static void check_content_type(const struct kc_answer *a,
                               struct kc_check_result *res)
{
    struct kc_mediatype m;
    size_t ncharset = 0;
    const char *other;
    if (a->content_type_count > 1) {
        fail(res, KC_CHECK_CONTENT_TYPE,
             "Content-Type sent %u times (clients disagree on which one "
             "counts)",
             a->content_type_count);
    } else if (!media_fits(a->content_type, a->xml, &m)) {
        fail(res, KC_CHECK_CONTENT_TYPE,
             "Content-Type '%.100s' does not fit %s",
             a->content_type ? a->content_type : "(none)",
             a->xml ? "XML (text/xml or application/xml)"
                    : "JSON (application/json)");
    } else if ((other = other_param(&m)) != NULL) {
        fail(res, KC_CHECK_CONTENT_TYPE,
             "Content-Type '%.100s' has a parameter other than charset "
             "(%.40s)",
             a->content_type, other);
    } else if (kc_mediatype_param(&m, "charset", &ncharset) && ncharset > 1) {
        fail(res, KC_CHECK_CONTENT_TYPE,
             "Content-Type '%.100s' gives charset %zu times (readers "
             "disagree on which counts)",
             a->content_type, ncharset);
    } else {
        check_charset(a, &m, res);
    }
}

static void check_transport(const struct kc_expected_error *ex,
                            const struct kc_answer *a,
                            struct kc_check_result *res)
{
    if (a->status != ex->entry->http_status)
        fail(res, KC_CHECK_STATUS, "HTTP status %ld, expected %d", a->status,
             ex->entry->http_status);
    check_content_type(a, res);
}

#define CUT_BY_NUL                                                             \
    "holds an escaped NUL (C readers cut it there, other readers do not)"

static void check_request_ids(const struct kc_answer *a, struct kc_ridset *rids,
                              struct kc_check_result *res)
{
    const char *rid = res->request_id;
    if (res->cut & (1u << KC_CHECK_REQUEST_ID))
        fail(res, KC_CHECK_REQUEST_ID, "RequestId " CUT_BY_NUL);
    else if (!rid)
        fail(res, KC_CHECK_REQUEST_ID, "no RequestId in the body");
    else if (!kc_uuid_valid(rid))
        fail(res, KC_CHECK_REQUEST_ID, "RequestId '%.80s' is not a UUID", rid);
    if (a->request_id_count > 1)
        fail(res, KC_CHECK_REQUEST_ID_HEADER,
             "x-acs-request-id sent %u times (clients disagree on which one "
             "counts)",
             a->request_id_count);
    else if (rid && a->header_request_id && strcmp(rid, a->header_request_id))
        fail(res, KC_CHECK_REQUEST_ID_HEADER,
             "x-acs-request-id '%.80s' differs from the body's RequestId "
             "'%.80s'",
             a->header_request_id, rid);
    if (rid && rids && !kc_ridset_insert(rids, rid))
        fail(res, KC_CHECK_REQUEST_ID_UNIQUE,
             "RequestId '%.80s' was already seen in this run", rid);
}

static void check_fields(const struct kc_expected_error *ex,
                         struct kc_check_result *res)
{
    const char *want = ex->entry->code;
    if (res->cut & (1u << KC_CHECK_CODE))
        fail(res, KC_CHECK_CODE, "Code " CUT_BY_NUL);
    else if (!res->code)
        fail(res, KC_CHECK_CODE, "no Code in the body, expected %s", want);
    else if (strcmp(res->code, want))
        fail(res, KC_CHECK_CODE, "Code %.100s, expected %s", res->code, want);
    if (res->cut & (1u << KC_CHECK_MESSAGE))
        fail(res, KC_CHECK_MESSAGE, "Message " CUT_BY_NUL);
    else if (!res->message)
        fail(res, KC_CHECK_MESSAGE, "no Message in the body");
    else if ((res->tmpl = kc_catalog_match_scoped(
                  ex->entry, res->message, ex->args, ex->nargs,
                  ex->envelope && ex->envelope->gateway_wordings)) < 0)
        fail(res, KC_CHECK_MESSAGE,
             "Message '%.120s' matches no template of %s", res->message, want);
    else
        res->tmpl_source = kc_catalog_template_source(ex->entry, res->tmpl);
}

static void drop_if(bool cond, char **text)
{
    if (cond) {
        free(*text);
        *text = NULL;
    }
}

static bool read_body(const struct kc_answer *a, const struct kc_envelope *env,
                      struct fields *f, struct kc_check_result *res)
{
    res->parsed = a->xml ? parse_xml(a->body, a->body_len, env, f)
                         : parse_json(a->body, a->body_len, f);
    if (!res->parsed)
        return false;
    /* a field cut at an escaped NUL has no one reading: none is kept
       (by[] follows W_CODE, W_MESSAGE, W_REQUEST_ID) */
    static const enum kc_check by[] = {KC_CHECK_CODE, KC_CHECK_MESSAGE,
                                       KC_CHECK_REQUEST_ID};
    for (size_t i = 0; i < sizeof(by) / sizeof(by[0]); i++)
        if (f->wflags[i] & KC_STRICT_JSON_ESCAPED_NUL)
            res->cut |= 1u << by[i];
    res->code = text_of(f, "Code", false);
    res->message = text_of(f, "Message", false);
    res->request_id = text_of(f, "RequestId", false);
    res->http_status = text_of(f, "HttpStatus", true);
    drop_if(res->cut & (1u << KC_CHECK_CODE), &res->code);
    drop_if(res->cut & (1u << KC_CHECK_MESSAGE), &res->message);
    drop_if(res->cut & (1u << KC_CHECK_REQUEST_ID), &res->request_id);
    return true;
}

void kc_check_error(const struct kc_expected_error *ex,
                    const struct kc_answer *a, struct kc_ridset *rids,
                    struct kc_check_result *res)
{
    memset(res, 0, sizeof(*res));
    res->tmpl = -1;
    struct fields *fp = fields_new();
    check_transport(ex, a, res);
    if (!fp || !read_body(a, ex->envelope, fp, res)) {
        fail(res, KC_CHECK_FORMAT, "%s",
             fp && fp->why[0] ? fp->why
             : a->xml         ? "body is not well-formed XML with a documented "
                                "root"
                              : "body is not a JSON object");
        goto out;
    }
    check_fields(ex, res);
    check_request_ids(a, rids, res);
    if (ex->envelope)
        check_envelope(ex->envelope, fp, a->status, res);
out:
    if (fp)
        fields_dispose(fp);
    free(fp);
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Whether field c has no one reading on either side (escaped NUL). */
static bool cut(const struct kc_check_result *j,
                const struct kc_check_result *x, enum kc_check c)
{
    return ((j->cut | x->cut) & (1u << c)) != 0;
}

/* a and b equal but for white space around the whole text */
static bool same_trimmed(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    while (isspace((unsigned char)*a))
        a++;
    while (isspace((unsigned char)*b))
        b++;
    size_t na = strlen(a), nb = strlen(b);
    while (na && isspace((unsigned char)a[na - 1]))
        na--;
    while (nb && isspace((unsigned char)b[nb - 1]))
        nb--;
    return na == nb && !memcmp(a, b, na);
}

/* The two Messages say the same: both matched one template (its unbound
 * placeholders, such as a string to sign, may differ per request, and the
 * two formats are two requests), or, when either matched none, the texts
 * are equal but for white space around them (the message check's own
 * reading). Two wordings, each documented, are still two. */
static bool same_message(const struct kc_check_result *j,
                         const struct kc_check_result *x)
{
    if (j->tmpl >= 0 && x->tmpl >= 0)
        return j->tmpl == x->tmpl;
    return same_trimmed(j->message, x->message);
}

void kc_check_parity(const struct kc_check_result *j, struct kc_check_result *x)
{
    if (!j->parsed || !x->parsed)
        return;
    if (!cut(j, x, KC_CHECK_CODE) && !same(j->code, x->code))
        fail(x, KC_CHECK_PARITY, "Code differs: JSON '%.80s', XML '%.80s'",
             j->code ? j->code : "", x->code ? x->code : "");
    else if (!cut(j, x, KC_CHECK_MESSAGE) && !same_message(j, x))
        fail(x, KC_CHECK_PARITY, "Message differs: JSON '%.120s', XML '%.120s'",
             j->message ? j->message : "", x->message ? x->message : "");
    else if (!same(j->http_status, x->http_status))
        fail(x, KC_CHECK_PARITY, "HttpStatus differs: JSON %s, XML %s",
             j->http_status ? j->http_status : "(none)",
             x->http_status ? x->http_status : "(none)");
}

void kc_check_success(const struct kc_answer *a, struct kc_ridset *rids,
                      struct kc_check_result *res)
{
    struct fields *fp = fields_new();
    memset(res, 0, sizeof(*res));
    res->tmpl = -1;
    if (!fp || !read_body(a, NULL, fp, res)) {
        fail(res, KC_CHECK_FORMAT, "%s",
             fp && fp->why[0] ? fp->why : "success body is not a JSON object");
        goto out;
    }
    /* a 2xx answer that is an error envelope did not succeed */
    if (field_get(fp, "Code"))
        fail(res, KC_CHECK_ENVELOPE, "an error envelope (Code '%.80s')",
             res->code ? res->code : "(not a string)");
    check_request_ids(a, rids, res);
out:
    if (fp)
        fields_dispose(fp);
    free(fp);
}
