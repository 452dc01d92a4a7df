/*
 * rs_ops: the KMS operations of kms-refserver.
 *
 * Every operation checks, in this order: required parameters
 * (MissingParameter), parameter types (ParseRequestParameterException),
 * parameter values (InvalidParameter), the key reference (Unsupported.Alias,
 * Forbidden.AliasNotFound, Forbidden.KeyNotFound), the key's origin
 * (Unsupported.Origin), the key's state (Rejected.*), then the operation's
 * own conditions. docs/refserver.md, section "Operations", lists the
 * choices made here.
 */
#include "rs/ops.h"

#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "kc/codec.h"
#include "rs/crypto.h"
#include "rs/store.h"

#define MAX_DESCRIPTION 8192
#define MAX_PLAINTEXT   6144
#define MAX_CONTEXT     8192
#define MAX_PARAM_B64   65536
#define DAY_S           86400L

struct op {
    struct rs_store *st;
    const struct rs_call *call;
    struct rs_result *out;
    struct rs_scope *sc;
};

typedef int (*op_fn)(struct op *o);

/* ---- results -------------------------------------------------------- */

/* Records a documented error; returns 0 (the call itself succeeded). */
static int fail(struct op *o, enum rs_err_code code, const char *arg)
{
    o->out->error = code;
    size_t n = arg ? strlen(arg) : 0;
    if (n >= sizeof(o->out->arg))
        n = sizeof(o->out->arg) - 1;
    if (n)
        memcpy(o->out->arg, arg, n);
    o->out->arg[n] = '\0';
    return 0;
}

/* Records a documented error; returns 1 (for checks that return 0 when
 * the request passed them). */
static int reject(struct op *o, enum rs_err_code code, const char *arg)
{
    fail(o, code, arg);
    return 1;
}

/* Hands body over as the success result; -1 when it is NULL (OOM). */
static int succeed(struct op *o, cJSON *body)
{
    if (!body)
        return -1;
    o->out->body = body;
    return 0;
}

/* JSON builder that remembers a failed allocation. */
struct jb {
    cJSON *obj;
    bool ok;
};

static void jb_str(struct jb *b, const char *name, const char *value)
{
    if (b->ok && !cJSON_AddStringToObject(b->obj, name, value))
        b->ok = false;
}

static void jb_num(struct jb *b, const char *name, double value)
{
    if (b->ok && !cJSON_AddNumberToObject(b->obj, name, value))
        b->ok = false;
}

static void jb_time(struct jb *b, const char *name, time_t t)
{
    char buf[21] = "";
    if (t > 0)
        kc_time_format(t, buf);
    jb_str(b, name, buf);
}

/* Adds item under name (taking it); a NULL item marks the builder failed. */
static void jb_add(struct jb *b, const char *name, cJSON *item)
{
    if (!item || !b->ok || !cJSON_AddItemToObject(b->obj, name, item)) {
        cJSON_Delete(item);
        b->ok = false;
    }
}

static struct jb jb_new(void)
{
    struct jb b = {cJSON_CreateObject(), true};
    b.ok = b.obj != NULL;
    return b;
}

/* The built object, or NULL (everything freed) when something failed. */
static cJSON *jb_done(struct jb *b)
{
    if (b->ok)
        return b->obj;
    cJSON_Delete(b->obj);
    return NULL;
}

/* Ends a builder: its object as the success result when rc is 0, else
 * freed; -1 when rc or the builder failed. */
static int finish(struct op *o, struct jb *b, int rc)
{
    cJSON *body = jb_done(b);
    if (rc != 0) {
        cJSON_Delete(body);
        return -1;
    }
    return succeed(o, body);
}

/* ---- parameters ----------------------------------------------------- */

/* The value of a parameter, NULL when absent or empty. */
static const char *param(const struct op *o, const char *name)
{
    for (size_t i = 0; i < o->call->nparams; i++) {
        const struct kc_param *p = &o->call->params[i];
        if (p->name && strcmp(p->name, name) == 0)
            return p->value && *p->value ? p->value : NULL;
    }
    return NULL;
}

/* A whole decimal integer (optional leading '-'); 0 or -1. */
static int parse_long(const char *s, long *out)
{
    const char *d = s[0] == '-' ? s + 1 : s;
    if (!*d)
        return -1;
    for (const char *c = d; *c; c++) {
        if (*c < '0' || *c > '9')
            return -1;
    }
    errno = 0;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

/* "true" or "false", either case; 0 or -1. */
static int parse_bool(const char *s, bool *out)
{
    if (strcasecmp(s, "true") == 0)
        *out = true;
    else if (strcasecmp(s, "false") == 0)
        *out = false;
    else
        return -1;
    return 0;
}

static bool one_of(const char *s, const char *const *set)
{
    for (; *set; set++) {
        if (strcmp(s, *set) == 0)
            return true;
    }
    return false;
}

/* Optional integer parameter: 0 absent or parsed (*present tells), 1 when
 * the error is recorded. */
static int opt_long(struct op *o, const char *name, long *v, bool *present)
{
    const char *s = param(o, name);
    *present = s != NULL;
    if (s && parse_long(s, v) != 0)
        return reject(o, RS_ERR_PARSE_REQUEST_PARAMETER_EXCEPTION, "");
    return 0;
}

/* PageNumber (default 1, >= 1) and PageSize (default 20, 1..100). */
static int paging(struct op *o, long *page, long *size)
{
    bool has = false;
    *page = 1;
    *size = 20;
    if (opt_long(o, "PageNumber", page, &has) ||
        opt_long(o, "PageSize", size, &has))
        return 1;
    if (*page < 1)
        return reject(o, RS_ERR_INVALID_PARAMETER, "PageNumber");
    if (*size < 1 || *size > 100)
        return reject(o, RS_ERR_INVALID_PARAMETER, "PageSize");
    return 0;
}

/* The flattened form of EncryptionContext that older SDKs send
 * (EncryptionContext.<k>=<v>, one parameter per entry) as a JSON object
 * text; NULL when there is no such parameter. -1 when out of memory. */
static int flat_context(const struct op *o, char **out)
{
    static const char prefix[] = "EncryptionContext.";
    cJSON *obj = NULL;
    int rc = -1;
    *out = NULL;
    for (size_t i = 0; i < o->call->nparams; i++) {
        const struct kc_param *p = &o->call->params[i];
        if (!p->name || strncmp(p->name, prefix, sizeof(prefix) - 1) != 0)
            continue;
        if (!obj && !(obj = cJSON_CreateObject()))
            goto out;
        if (!cJSON_AddStringToObject(obj, p->name + sizeof(prefix) - 1,
                                     p->value ? p->value : ""))
            goto out;
    }
    if (obj && !(*out = cJSON_PrintUnformatted(obj)))
        goto out;
    rc = 0;
out:
    cJSON_Delete(obj);
    return rc;
}

/* Optional EncryptionContext in canonical form (*out NULL when absent):
 * the documented JSON string, or else the flattened form.
 * 0, 1 when the error is recorded, -1 when out of memory. */
static int context(struct op *o, char **out)
{
    char *flat = NULL;
    int rc = 0;
    *out = NULL;
    const char *s = param(o, "EncryptionContext");
    if (!s) {
        if (flat_context(o, &flat) != 0)
            return -1;
        s = flat;
    }
    if (!s)
        return 0;
    if (strlen(s) > MAX_CONTEXT) {
        rc = reject(o, RS_ERR_INVALID_PARAMETER, "EncryptionContext");
        goto out;
    }
    switch (rs_crypto_context_canon(s, out)) {
    case RS_CRYPTO_CANON_OK:
        rc = 0;
        break;
    case RS_CRYPTO_CANON_INVALID:
        rc = reject(o, RS_ERR_INVALID_PARAMETER, "EncryptionContext");
        break;
    case RS_CRYPTO_CANON_NOMEM:
        rc = -1;
        break;
    }
out:
    free(flat);
    return rc;
}

/* Alias names: "alias/" + 1..255 of [a-zA-Z0-9:/_-], not "alias/acs...". */
static bool alias_name_valid(const char *s)
{
    size_t n = strlen(s);
    if (n <= 6 || n > RS_ALIAS_NAME_MAX || strncmp(s, "alias/", 6) != 0)
        return false;
    if (strncmp(s, "alias/acs", 9) == 0)
        return false;
    for (size_t i = 6; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == ':' || c == '/' || c == '_' ||
                  c == '-';
        if (!ok)
            return false;
    }
    return true;
}

/* ---- key references ------------------------------------------------- */

static struct rs_key *by_alias(struct op *o, const char *name)
{
    struct rs_alias *a = rs_scope_alias(o->sc, name);
    return a ? rs_scope_key(o->sc, a->key_id) : NULL;
}

/* Resolves an ARN acs:kms:<region>:<account>:key/<id> or :alias/<name>. */
static int resolve_arn(struct op *o, const char *arn, bool aliases,
                       struct rs_key **k)
{
    const char *p = arn + strlen("acs:kms:");
    const char *c1 = strchr(p, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2)
        return reject(o, RS_ERR_INVALID_PARAMETER, "KeyId");
    const char *res = c2 + 1;
    bool is_alias = strncmp(res, "alias/", 6) == 0;
    if (!is_alias && strncmp(res, "key/", 4) != 0)
        return reject(o, RS_ERR_INVALID_PARAMETER, "KeyId");
    if (is_alias && !aliases)
        return reject(o, RS_ERR_UNSUPPORTED_ALIAS, "");
    const char *region = o->call->region, *account = o->call->account;
    bool mine = (size_t)(c1 - p) == strlen(region) &&
                strncmp(p, region, strlen(region)) == 0 &&
                (size_t)(c2 - c1 - 1) == strlen(account) &&
                strncmp(c1 + 1, account, strlen(account)) == 0;
    *k = !mine      ? NULL
         : is_alias ? by_alias(o, res)
                    : rs_scope_key(o->sc, res + 4);
    if (!*k)
        return reject(o,
                      is_alias ? RS_ERR_FORBIDDEN_ALIAS_NOT_FOUND
                               : RS_ERR_FORBIDDEN_KEY_NOT_FOUND,
                      "");
    return 0;
}

/* Finds the key a KeyId value names: a key id, an ARN or (when aliases is
 * true) alias/<name>. 0 with *k set, 1 when the error is recorded. */
static int resolve(struct op *o, const char *ref, bool aliases,
                   struct rs_key **k)
{
    *k = NULL;
    if (strncmp(ref, "acs:kms:", 8) == 0)
        return resolve_arn(o, ref, aliases, k);
    if (strncmp(ref, "alias/", 6) == 0) {
        if (!aliases)
            return reject(o, RS_ERR_UNSUPPORTED_ALIAS, "");
        *k = by_alias(o, ref);
        return *k ? 0 : reject(o, RS_ERR_FORBIDDEN_ALIAS_NOT_FOUND, "");
    }
    *k = rs_scope_key(o->sc, ref);
    return *k ? 0 : reject(o, RS_ERR_FORBIDDEN_KEY_NOT_FOUND, "");
}

/* The required KeyId, resolved. 0 or 1 (error recorded). */
static int key_param(struct op *o, bool aliases, struct rs_key **k)
{
    const char *ref = param(o, "KeyId");
    if (!ref)
        return reject(o, RS_ERR_MISSING_PARAMETER, "KeyId");
    return resolve(o, ref, aliases, k);
}

/* Encrypt/Decrypt/GenerateDataKey need an Enabled key. */
static int usable(struct op *o, const struct rs_key *k)
{
    switch (k->state) {
    case RS_ENABLED:
        return 0;
    case RS_DISABLED:
        return reject(o, RS_ERR_REJECTED_DISABLED, "");
    case RS_PENDING_DELETION:
        return reject(o, RS_ERR_REJECTED_PENDING_DELETION, "");
    case RS_PENDING_IMPORT:
        return reject(o, RS_ERR_REJECTED_PENDING_IMPORT, "");
    }
    return 0;
}

/* acs:kms:<region>:<account>:<kind><name>, truncated to cap. */
static void arn(const struct op *o, const char *kind, const char *name,
                char *out, size_t cap)
{
    int n = snprintf(out, cap, "acs:kms:%s:%s:%s%s", o->call->region,
                     o->call->account, kind, name);
    if (n < 0)
        out[0] = '\0';
}

/* ---- key metadata and lists ----------------------------------------- */

/* Fields as the API models them: DeleteDate only for PendingDeletion,
 * NextRotationDate and RotationInterval only with automatic rotation,
 * MaterialExpireTime "" when the material never expires. */
static cJSON *key_metadata(const struct op *o, const struct rs_key *k)
{
    char a[512];
    struct jb b = jb_new();
    arn(o, "key/", k->id, a, sizeof(a));
    jb_str(&b, "Arn", a);
    jb_str(&b, "AutomaticRotation", k->rotation ? "Enabled" : "Disabled");
    jb_time(&b, "CreationDate", k->created);
    jb_str(&b, "Creator", o->call->account);
    if (k->state == RS_PENDING_DELETION)
        jb_time(&b, "DeleteDate", k->delete_date);
    jb_str(&b, "DeletionProtection", "Disabled");
    jb_str(&b, "Description", k->description ? k->description : "");
    jb_str(&b, "KeyId", k->id);
    jb_str(&b, "KeySpec", k->key_spec);
    jb_str(&b, "KeyState", rs_state_name(k->state));
    jb_str(&b, "KeyUsage", "ENCRYPT/DECRYPT");
    jb_time(&b, "LastRotationDate", k->created);
    jb_time(&b, "MaterialExpireTime", k->material_expire);
    if (k->rotation)
        jb_time(&b, "NextRotationDate", k->created + k->rotation_s);
    jb_str(&b, "Origin", k->external ? "EXTERNAL" : "Aliyun_KMS");
    jb_str(&b, "PrimaryKeyVersion", k->versions[0].id);
    jb_str(&b, "ProtectionLevel", k->protection);
    if (k->rotation) {
        char interval[32];
        snprintf(interval, sizeof(interval), "%lds", k->rotation_s);
        jb_str(&b, "RotationInterval", interval);
    }
    return jb_done(&b);
}

static int reply_metadata(struct op *o, const struct rs_key *k)
{
    struct jb b = jb_new();
    jb_add(&b, "KeyMetadata", key_metadata(o, k));
    return succeed(o, jb_done(&b));
}

/* {outer: {inner: items}, TotalCount, PageNumber, PageSize}. */
static cJSON *page_body(const char *outer, const char *inner, cJSON *items,
                        size_t total, long page, long size)
{
    struct jb wrap = jb_new();
    jb_add(&wrap, inner, items);
    struct jb b = jb_new();
    jb_add(&b, outer, jb_done(&wrap));
    jb_num(&b, "TotalCount", (double)total);
    jb_num(&b, "PageNumber", (double)page);
    jb_num(&b, "PageSize", (double)size);
    return jb_done(&b);
}

/* Whether index i (0-based) is on the requested page. */
static bool on_page(size_t i, long page, long size)
{
    size_t first = (size_t)(page - 1) * (size_t)size;
    return i >= first && i - first < (size_t)size;
}

/* ---- operations: keys ----------------------------------------------- */

static const char *const key_specs[] = {"Aliyun_AES_256", "Aliyun_AES_128",
                                        "Aliyun_AES_192", "Aliyun_SM4", NULL};

/* RotationInterval: <integer><d|h|m|s>, 7 to 730 days. */
static int parse_interval(const char *s, long *out)
{
    size_t n = strlen(s);
    char num[24];
    if (n < 2 || n > sizeof(num))
        return -1;
    memcpy(num, s, n - 1);
    num[n - 1] = '\0';
    long v = 0, unit = 1;
    if (num[0] == '-' || parse_long(num, &v) != 0)
        return -1;
    switch (s[n - 1]) {
    case 'd':
        unit = DAY_S;
        break;
    case 'h':
        unit = 3600;
        break;
    case 'm':
        unit = 60;
        break;
    case 's':
        unit = 1;
        break;
    default:
        return -1;
    }
    if (v > 730 * DAY_S || v * unit < 7 * DAY_S || v * unit > 730 * DAY_S)
        return -1;
    *out = v * unit;
    return 0;
}

struct create_args {
    const char *spec, *origin, *protection, *description;
    bool rotation;
    long interval;
};

static int create_validate(struct op *o, struct create_args *a)
{
    static const char *const origins[] = {"Aliyun_KMS", "EXTERNAL", NULL};
    static const char *const levels[] = {"SOFTWARE", "HSM", NULL};
    const char *usage = param(o, "KeyUsage");
    const char *rot = param(o, "EnableAutomaticRotation");
    const char *interval = param(o, "RotationInterval");
    a->spec = param(o, "KeySpec") ? param(o, "KeySpec") : "Aliyun_AES_256";
    a->origin = param(o, "Origin") ? param(o, "Origin") : "Aliyun_KMS";
    a->protection =
        param(o, "ProtectionLevel") ? param(o, "ProtectionLevel") : "SOFTWARE";
    a->description = param(o, "Description");
    a->rotation = false;
    a->interval = 365 * DAY_S;
    if (rot && parse_bool(rot, &a->rotation) != 0)
        return reject(o, RS_ERR_PARSE_REQUEST_PARAMETER_EXCEPTION, "");
    if (a->rotation && !interval)
        return reject(o, RS_ERR_MISSING_PARAMETER, "RotationInterval");
    if (a->description && strlen(a->description) > MAX_DESCRIPTION)
        return reject(o, RS_ERR_INVALID_PARAMETER, "Description");
    if (!one_of(a->spec, key_specs))
        return reject(o, RS_ERR_INVALID_PARAMETER, "KeySpec");
    if (usage && strcmp(usage, "ENCRYPT/DECRYPT") != 0)
        return reject(o, RS_ERR_INVALID_PARAMETER, "KeyUsage");
    if (!one_of(a->origin, origins))
        return reject(o, RS_ERR_INVALID_PARAMETER, "Origin");
    if (!one_of(a->protection, levels))
        return reject(o, RS_ERR_INVALID_PARAMETER, "ProtectionLevel");
    if (interval && parse_interval(interval, &a->interval) != 0)
        return reject(o, RS_ERR_INVALID_PARAMETER, "RotationInterval");
    if (a->rotation && strcmp(a->origin, "EXTERNAL") == 0)
        return reject(o, RS_ERR_INVALID_PARAMETER, "EnableAutomaticRotation");
    if (strcmp(a->protection, "HSM") == 0 && !o->call->region_has_hsm)
        return reject(o, RS_ERR_UNSUPPORTED_PROTECTION_LEVEL, "");
    return 0;
}

/* Fills a new key from validated arguments; 0 or -1. */
static int create_fill(struct rs_key *k, const struct create_args *a)
{
    snprintf(k->key_spec, sizeof(k->key_spec), "%s", a->spec);
    snprintf(k->protection, sizeof(k->protection), "%s", a->protection);
    k->external = strcmp(a->origin, "EXTERNAL") == 0;
    k->rotation = a->rotation;
    k->rotation_s = a->rotation ? a->interval : 0;
    if (a->description) {
        k->description = strdup(a->description);
        if (!k->description)
            return -1;
    }
    if (k->external) {
        k->state = RS_PENDING_IMPORT;
        return 0;
    }
    k->state = RS_ENABLED;
    k->has_material = true;
    return rs_crypto_random(k->material, sizeof(k->material));
}

static int op_create_key(struct op *o)
{
    struct create_args a;
    if (create_validate(o, &a))
        return 0;
    if (rs_scope_live_keys(o->sc) >= o->call->key_quota)
        return fail(o, RS_ERR_REJECTED_LIMIT_EXCEEDED, "");
    struct rs_key *k = rs_key_new(o->call->now);
    if (!k)
        return -1;
    if (create_fill(k, &a) != 0) {
        rs_key_free(k);
        return -1;
    }
    size_t max_total = (size_t)o->call->key_quota * 2 + 64;
    if (rs_scope_add_key(o->sc, k, max_total) != 0)
        return -1;
    return reply_metadata(o, k);
}

static int op_describe_key(struct op *o)
{
    struct rs_key *k = NULL;
    if (key_param(o, true, &k))
        return 0;
    return reply_metadata(o, k);
}

static int op_list_keys(struct op *o)
{
    long page = 0, size = 0;
    if (paging(o, &page, &size))
        return 0;
    cJSON *items = cJSON_CreateArray();
    for (size_t i = 0; items && i < o->sc->nkeys; i++) {
        if (!on_page(i, page, size))
            continue;
        char a[512];
        arn(o, "key/", o->sc->keys[i]->id, a, sizeof(a));
        struct jb it = jb_new();
        jb_str(&it, "KeyId", o->sc->keys[i]->id);
        jb_str(&it, "KeyArn", a);
        cJSON *item = jb_done(&it);
        if (!item || !cJSON_AddItemToArray(items, item)) {
            cJSON_Delete(item);
            cJSON_Delete(items);
            return -1;
        }
    }
    return succeed(o,
                   page_body("Keys", "Key", items, o->sc->nkeys, page, size));
}

static int empty_reply(struct op *o)
{
    return succeed(o, cJSON_CreateObject());
}

/* EnableKey and DisableKey. */
static int set_enabled(struct op *o, bool enabled)
{
    struct rs_key *k = NULL;
    if (key_param(o, false, &k))
        return 0;
    if (k->state == RS_PENDING_DELETION || k->state == RS_PENDING_IMPORT)
        return fail(o, RS_ERR_REJECTED_STATE_MODIFIED_FAILED, "");
    k->state = enabled ? RS_ENABLED : RS_DISABLED;
    return empty_reply(o);
}

static int op_enable_key(struct op *o)
{
    return set_enabled(o, true);
}

static int op_disable_key(struct op *o)
{
    return set_enabled(o, false);
}

static int op_schedule_key_deletion(struct op *o)
{
    const char *ref = param(o, "KeyId");
    const char *days_s = param(o, "PendingWindowInDays");
    long days = 0;
    struct rs_key *k = NULL;
    if (!ref)
        return fail(o, RS_ERR_MISSING_PARAMETER, "KeyId");
    if (!days_s)
        return fail(o, RS_ERR_MISSING_PARAMETER, "PendingWindowInDays");
    if (parse_long(days_s, &days) != 0)
        return fail(o, RS_ERR_PARSE_REQUEST_PARAMETER_EXCEPTION, "");
    if (days < 7 || days > 366)
        return fail(o, RS_ERR_INVALID_PARAMETER, "PendingWindowInDays");
    if (resolve(o, ref, false, &k))
        return 0;
    if (k->state == RS_PENDING_DELETION)
        return fail(o, RS_ERR_REJECTED_STATE_MODIFIED_FAILED, "");
    k->state = RS_PENDING_DELETION;
    k->delete_date = o->call->now + days * DAY_S;
    return empty_reply(o);
}

static int op_cancel_key_deletion(struct op *o)
{
    struct rs_key *k = NULL;
    if (key_param(o, false, &k))
        return 0;
    if (k->state != RS_PENDING_DELETION)
        return fail(o, RS_ERR_REJECTED_STATE_MODIFIED_FAILED, "");
    k->state = k->has_material ? RS_ENABLED : RS_PENDING_IMPORT;
    k->delete_date = 0;
    return empty_reply(o);
}

static int op_update_key_description(struct op *o)
{
    struct rs_key *k = NULL;
    const char *desc = param(o, "Description");
    if (!param(o, "KeyId"))
        return fail(o, RS_ERR_MISSING_PARAMETER, "KeyId");
    if (!desc)
        return fail(o, RS_ERR_MISSING_PARAMETER, "Description");
    if (strlen(desc) > MAX_DESCRIPTION)
        return fail(o, RS_ERR_INVALID_PARAMETER, "Description");
    if (key_param(o, false, &k))
        return 0;
    if (k->state == RS_PENDING_DELETION)
        return fail(o, RS_ERR_REJECTED_PENDING_DELETION, "");
    char *copy = strdup(desc);
    if (!copy)
        return -1;
    free(k->description);
    k->description = copy;
    return empty_reply(o);
}

/* ---- operations: key versions --------------------------------------- */

static cJSON *version_item(const struct rs_key *k, const struct rs_version *v)
{
    struct jb b = jb_new();
    jb_str(&b, "KeyId", k->id);
    jb_str(&b, "KeyVersionId", v->id);
    jb_time(&b, "CreationDate", v->created);
    return jb_done(&b);
}

static int op_describe_key_version(struct op *o)
{
    const char *ref = param(o, "KeyId");
    const char *vid = param(o, "KeyVersionId");
    struct rs_key *k = NULL;
    if (!ref)
        return fail(o, RS_ERR_MISSING_PARAMETER, "KeyId");
    if (!vid)
        return fail(o, RS_ERR_MISSING_PARAMETER, "KeyVersionId");
    if (resolve(o, ref, false, &k))
        return 0;
    const struct rs_version *v = rs_key_version(k, vid);
    if (!v)
        return fail(o, RS_ERR_FORBIDDEN_KEY_VERSION_NOT_FOUND, "");
    struct jb b = jb_new();
    jb_add(&b, "KeyVersion", version_item(k, v));
    return succeed(o, jb_done(&b));
}

/* ListKeyVersions/ListAliasesByKeyId: KeyId must be given, then the
 * paging and the key are checked. 0, or 1 with the error recorded. */
static int paged_key(struct op *o, long *page, long *size, struct rs_key **k)
{
    if (!param(o, "KeyId"))
        return reject(o, RS_ERR_MISSING_PARAMETER, "KeyId");
    return paging(o, page, size) || key_param(o, false, k);
}

static int op_list_key_versions(struct op *o)
{
    long page = 0, size = 0;
    struct rs_key *k = NULL;
    if (paged_key(o, &page, &size, &k))
        return 0;
    cJSON *items = cJSON_CreateArray();
    for (size_t i = 0; items && i < k->nversions; i++) {
        if (!on_page(i, page, size))
            continue;
        cJSON *item = version_item(k, &k->versions[i]);
        if (!item || !cJSON_AddItemToArray(items, item)) {
            cJSON_Delete(item);
            cJSON_Delete(items);
            return -1;
        }
    }
    return succeed(o, page_body("KeyVersions", "KeyVersion", items,
                                k->nversions, page, size));
}

/* ---- operations: aliases -------------------------------------------- */

/* Required, well-formed AliasName; NULL when the error is recorded. */
static const char *alias_param(struct op *o)
{
    const char *name = param(o, "AliasName");
    if (!name) {
        fail(o, RS_ERR_MISSING_PARAMETER, "AliasName");
        return NULL;
    }
    if (!alias_name_valid(name)) {
        fail(o, RS_ERR_INVALID_PARAMETER, "AliasName");
        return NULL;
    }
    return name;
}

/* CreateAlias/UpdateAlias: AliasName then KeyId must be given, the name
 * valid, the key found and not pending deletion (else pending_code). The
 * alias name, or NULL with the error recorded. */
static const char *alias_and_key(struct op *o, enum rs_err_code pending_code,
                                 struct rs_key **k)
{
    if (!param(o, "AliasName")) {
        fail(o, RS_ERR_MISSING_PARAMETER, "AliasName");
        return NULL;
    }
    if (!param(o, "KeyId")) {
        fail(o, RS_ERR_MISSING_PARAMETER, "KeyId");
        return NULL;
    }
    const char *name = alias_param(o);
    if (!name || key_param(o, false, k))
        return NULL;
    if ((*k)->state == RS_PENDING_DELETION) {
        fail(o, pending_code, "");
        return NULL;
    }
    return name;
}

static int op_create_alias(struct op *o)
{
    struct rs_key *k = NULL;
    const char *name =
        alias_and_key(o, RS_ERR_REJECTED_STATE_MODIFIED_FAILED, &k);
    if (!name)
        return 0;
    if (rs_scope_alias(o->sc, name))
        return fail(o, RS_ERR_ALIAS_ALREADY_EXISTS, "");
    if (rs_scope_alias_count(o->sc, k->id) >= RS_ALIASES_PER_KEY)
        return fail(o, RS_ERR_REJECTED_LIMIT_EXCEEDED, "");
    if (rs_scope_add_alias(o->sc, name, k->id) != 0)
        return -1;
    return empty_reply(o);
}

static int op_update_alias(struct op *o)
{
    struct rs_key *k = NULL;
    const char *name = alias_and_key(o, RS_ERR_REJECTED_PENDING_DELETION, &k);
    if (!name)
        return 0;
    struct rs_alias *a = rs_scope_alias(o->sc, name);
    if (!a)
        return fail(o, RS_ERR_FORBIDDEN_ALIAS_NOT_FOUND, "");
    memcpy(a->key_id, k->id, sizeof(a->key_id));
    return empty_reply(o);
}

static int op_delete_alias(struct op *o)
{
    const char *name = alias_param(o);
    if (!name)
        return 0;
    struct rs_alias *a = rs_scope_alias(o->sc, name);
    if (!a)
        return fail(o, RS_ERR_FORBIDDEN_ALIAS_NOT_FOUND, "");
    rs_scope_remove_alias(o->sc, a);
    return empty_reply(o);
}

static cJSON *alias_item(const struct op *o, const struct rs_alias *a)
{
    char aa[512];
    arn(o, "", a->name, aa, sizeof(aa));
    struct jb it = jb_new();
    jb_str(&it, "AliasName", a->name);
    jb_str(&it, "AliasArn", aa);
    jb_str(&it, "KeyId", a->key_id);
    return jb_done(&it);
}

/* One page of the scope's aliases, all of them or those of key_id. */
static int alias_page(struct op *o, const char *key_id, long page, long size)
{
    size_t total = 0;
    cJSON *items = cJSON_CreateArray();
    for (size_t i = 0; items && i < o->sc->naliases; i++) {
        const struct rs_alias *a = &o->sc->aliases[i];
        if (key_id && strcmp(a->key_id, key_id) != 0)
            continue;
        if (!on_page(total++, page, size))
            continue;
        cJSON *item = alias_item(o, a);
        if (!item || !cJSON_AddItemToArray(items, item)) {
            cJSON_Delete(item);
            cJSON_Delete(items);
            return -1;
        }
    }
    return succeed(o, page_body("Aliases", "Alias", items, total, page, size));
}

static int op_list_aliases(struct op *o)
{
    long page = 0, size = 0;
    if (paging(o, &page, &size))
        return 0;
    return alias_page(o, NULL, page, size);
}

static int op_list_aliases_by_key_id(struct op *o)
{
    long page = 0, size = 0;
    struct rs_key *k = NULL;
    if (paged_key(o, &page, &size, &k))
        return 0;
    return alias_page(o, k->id, page, size);
}

/* ---- operations: cryptography --------------------------------------- */

/* Seals pt under k's primary version and builds the common result fields
 * (KeyId, KeyVersionId, CiphertextBlob) into b. 0 or -1. */
static int seal_into(struct jb *b, const struct rs_key *k, const char *ctx,
                     const unsigned char *pt, size_t n)
{
    size_t blen = 0;
    unsigned char *blob = rs_crypto_seal(k->material, k->id, k->versions[0].id,
                                         ctx, pt, n, &blen);
    char *b64 = blob ? kc_base64_encode(blob, blen) : NULL;
    free(blob);
    if (!b64)
        return -1;
    jb_str(b, "KeyId", k->id);
    jb_str(b, "KeyVersionId", k->versions[0].id);
    jb_str(b, "CiphertextBlob", b64);
    free(b64);
    return 0;
}

static int op_encrypt(struct op *o)
{
    int rc = 0;
    char *ctx = NULL;
    size_t n = 0;
    unsigned char *pt = NULL;
    struct rs_key *k = NULL;
    const char *pt64 = param(o, "Plaintext");
    if (!param(o, "KeyId"))
        return fail(o, RS_ERR_MISSING_PARAMETER, "KeyId");
    if (!pt64)
        return fail(o, RS_ERR_MISSING_PARAMETER, "Plaintext");
    rc = context(o, &ctx);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (strlen(pt64) <= MAX_PARAM_B64)
        pt = kc_base64_decode(pt64, strlen(pt64), &n);
    if (!pt || n > MAX_PLAINTEXT) {
        fail(o, RS_ERR_INVALID_PARAMETER, "Plaintext");
        goto out;
    }
    if (key_param(o, true, &k) || usable(o, k))
        goto out;
    struct jb b = jb_new();
    rc = finish(o, &b, seal_into(&b, k, ctx, pt, n));
out:
    if (pt)
        OPENSSL_cleanse(pt, n);
    free(pt);
    free(ctx);
    return rc;
}

/* Decodes and parses CiphertextBlob; the blob bytes (caller frees) or NULL
 * with the error recorded. */
static unsigned char *blob_param(struct op *o, struct rs_blob *parsed)
{
    const char *s = param(o, "CiphertextBlob");
    size_t n = 0;
    unsigned char *blob = NULL;
    if (strlen(s) <= MAX_PARAM_B64)
        blob = kc_base64_decode(s, strlen(s), &n);
    if (!blob || rs_crypto_blob_parse(blob, n, parsed) != 0) {
        free(blob);
        fail(o, RS_ERR_INVALID_PARAMETER, "CiphertextBlob");
        return NULL;
    }
    return blob;
}

static cJSON *decrypt_body(const struct rs_key *k, const char *vid,
                           const unsigned char *pt, size_t n)
{
    char *b64 = kc_base64_encode(pt, n);
    if (!b64)
        return NULL;
    struct jb b = jb_new();
    jb_str(&b, "KeyId", k->id);
    jb_str(&b, "KeyVersionId", vid);
    jb_str(&b, "Plaintext", b64);
    OPENSSL_cleanse(b64, strlen(b64));
    free(b64);
    return jb_done(&b);
}

static int op_decrypt(struct op *o)
{
    int rc = 0;
    char *ctx = NULL;
    unsigned char *blob = NULL, *pt = NULL;
    struct rs_blob parsed;
    struct rs_key *k = NULL;
    if (!param(o, "CiphertextBlob"))
        return fail(o, RS_ERR_MISSING_PARAMETER, "CiphertextBlob");
    rc = context(o, &ctx);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    blob = blob_param(o, &parsed);
    if (!blob)
        goto out;
    k = rs_scope_key(o->sc, parsed.key_id);
    if (!k) {
        fail(o, RS_ERR_FORBIDDEN_KEY_NOT_FOUND, "");
        goto out;
    }
    if (usable(o, k))
        goto out;
    rc = -1;
    pt = malloc(parsed.ct_len + 1);
    if (!pt)
        goto out;
    rc = 0;
    if (!rs_key_version(k, parsed.version_id) ||
        rs_crypto_open(k->material, blob, &parsed, ctx, pt) != 0) {
        fail(o, RS_ERR_INVALID_PARAMETER, "CiphertextBlob");
        goto out;
    }
    rc = succeed(o, decrypt_body(k, parsed.version_id, pt, parsed.ct_len));
out:
    if (pt)
        OPENSSL_cleanse(pt, parsed.ct_len);
    free(pt);
    free(blob);
    free(ctx);
    return rc;
}

/* NumberOfBytes / KeySpec of GenerateDataKey; 0 with *n set, or 1. */
static int data_key_size(struct op *o, size_t *n)
{
    static const char *const specs[] = {"AES_256", "AES_128", NULL};
    const char *spec = param(o, "KeySpec");
    long bytes = 0;
    bool has = false;
    if (opt_long(o, "NumberOfBytes", &bytes, &has))
        return 1;
    if (spec && !one_of(spec, specs))
        return reject(o, RS_ERR_INVALID_PARAMETER, "KeySpec");
    if (has && (bytes < 1 || bytes > 1024))
        return reject(o, RS_ERR_INVALID_PARAMETER, "NumberOfBytes");
    *n = has ? (size_t)bytes : spec && strcmp(spec, "AES_128") == 0 ? 16 : 32;
    return 0;
}

/* GenerateDataKey (with_plaintext) and GenerateDataKeyWithoutPlaintext. */
static int generate_data_key(struct op *o, bool with_plaintext)
{
    int rc = 0;
    char *ctx = NULL, *b64 = NULL;
    unsigned char dk[1024];
    size_t n = 0;
    struct rs_key *k = NULL;
    if (!param(o, "KeyId"))
        return fail(o, RS_ERR_MISSING_PARAMETER, "KeyId");
    if (data_key_size(o, &n))
        return 0;
    rc = context(o, &ctx);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (key_param(o, true, &k) || usable(o, k))
        goto out;
    rc = -1;
    if (rs_crypto_random(dk, n) != 0 || !(b64 = kc_base64_encode(dk, n)))
        goto out;
    struct jb b = jb_new();
    rc = seal_into(&b, k, ctx, dk, n);
    if (with_plaintext)
        jb_str(&b, "Plaintext", b64);
    rc = finish(o, &b, rc);
out:
    if (b64)
        OPENSSL_cleanse(b64, strlen(b64));
    free(b64);
    OPENSSL_cleanse(dk, sizeof(dk));
    free(ctx);
    return rc;
}

static int op_generate_data_key(struct op *o)
{
    return generate_data_key(o, true);
}

static int op_generate_data_key_without_plaintext(struct op *o)
{
    return generate_data_key(o, false);
}

/* ---- operations: import --------------------------------------------- */

/* The key of an import operation: resolved, EXTERNAL. 0 or 1. */
static int external_key(struct op *o, struct rs_key **k)
{
    if (key_param(o, false, k))
        return 1;
    if (!(*k)->external)
        return reject(o, RS_ERR_UNSUPPORTED_ORIGIN, "");
    return 0;
}

static int import_params(struct op *o, enum rs_wrap *alg)
{
    const char *algname = param(o, "WrappingAlgorithm");
    const char *spec = param(o, "WrappingKeySpec");
    if (!param(o, "KeyId"))
        return reject(o, RS_ERR_MISSING_PARAMETER, "KeyId");
    if (!algname)
        return reject(o, RS_ERR_MISSING_PARAMETER, "WrappingAlgorithm");
    if (!spec)
        return reject(o, RS_ERR_MISSING_PARAMETER, "WrappingKeySpec");
    if (rs_crypto_wrap_parse(algname, alg) != 0)
        return reject(o, RS_ERR_INVALID_PARAMETER, "WrappingAlgorithm");
    if (strcmp(spec, "RSA_2048") != 0)
        return reject(o, RS_ERR_INVALID_PARAMETER, "WrappingKeySpec");
    return 0;
}

/* Issues a token for k with pkey and builds the answer. */
static int issue_token(struct op *o, struct rs_key *k, enum rs_wrap alg,
                       EVP_PKEY *pkey)
{
    unsigned char rnd[24];
    char tok[2 * sizeof(rnd) + 1];
    char *pub = NULL;
    int rc = -1;
    /* Hex rather than base64: no '+' or '/' to trip up hand-made queries. */
    if (rs_crypto_random(rnd, sizeof(rnd)) != 0)
        goto out;
    kc_hex(rnd, sizeof(rnd), tok);
    pub = rs_crypto_public_b64(pkey);
    if (!pub)
        goto out;
    rs_key_add_token(k, tok, o->call->now, alg, pkey);
    struct jb b = jb_new();
    jb_str(&b, "KeyId", k->id);
    jb_str(&b, "ImportToken", tok);
    jb_str(&b, "PublicKey", pub);
    jb_time(&b, "TokenExpireTime", o->call->now + o->call->import_token_life_s);
    rc = succeed(o, jb_done(&b));
out:
    free(pub);
    return rc;
}

static int op_get_parameters_for_import(struct op *o)
{
    enum rs_wrap alg = RS_WRAP_PKCS1_V1_5;
    struct rs_key *k = NULL;
    if (import_params(o, &alg) || external_key(o, &k))
        return 0;
    /* The wrapping key may have to be generated: not under the lock. */
    rs_store_unlock(o->st);
    EVP_PKEY *pkey = rs_store_wrapping_key(o->st);
    rs_store_lock(o->st);
    if (!pkey)
        return -1;
    o->sc =
        rs_store_scope(o->st, o->call->account, o->call->region, o->call->now);
    int rc = -1;
    if (o->sc)
        rc = external_key(o, &k) ? 0 : issue_token(o, k, alg, pkey);
    EVP_PKEY_free(pkey);
    return rc;
}

/* KeyMaterialExpireUnix: absent or 0 = never, else in the future. */
static int material_expiry(struct op *o, time_t *out)
{
    long v = 0;
    bool has = false;
    if (opt_long(o, "KeyMaterialExpireUnix", &v, &has))
        return 1;
    if (has && (v < 0 || (v > 0 && v <= o->call->now)))
        return reject(o, RS_ERR_INVALID_PARAMETER, "KeyMaterialExpireUnix");
    *out = (time_t)v;
    return 0;
}

/* Checks the token and unwraps the material into out[32]; 0 or 1. */
static int unwrap_material(struct op *o, struct rs_key *k,
                           unsigned char out[RS_CRYPTO_KEY_LEN])
{
    const char *s = param(o, "EncryptedKeyMaterial");
    struct rs_token *t = rs_key_token(k, param(o, "ImportToken"));
    if (!t)
        return reject(o, RS_ERR_INVALID_IMPORT_TOKEN, "");
    if (o->call->now >= t->issued + o->call->import_token_life_s)
        return reject(o, RS_ERR_EXPIRED_IMPORT_TOKEN, "");
    size_t n = 0, len = 0;
    unsigned char plain[512];
    unsigned char *wrapped = NULL;
    if (strlen(s) <= MAX_PARAM_B64)
        wrapped = kc_base64_decode(s, strlen(s), &n);
    int bad = !wrapped ||
              rs_crypto_unwrap(t->pkey, t->alg, wrapped, n, plain,
                               sizeof(plain), &len) != 0 ||
              len != RS_CRYPTO_KEY_LEN;
    if (!bad)
        memcpy(out, plain, RS_CRYPTO_KEY_LEN);
    OPENSSL_cleanse(plain, sizeof(plain));
    free(wrapped);
    return bad ? reject(o, RS_ERR_INVALID_KEY_MATERIAL, "") : 0;
}

static int op_import_key_material(struct op *o)
{
    static const char *const required[] = {"KeyId", "EncryptedKeyMaterial",
                                           "ImportToken", NULL};
    struct rs_key *k = NULL;
    time_t expire = 0;
    unsigned char m[RS_CRYPTO_KEY_LEN], fp[32];
    for (size_t i = 0; required[i]; i++) {
        if (!param(o, required[i]))
            return fail(o, RS_ERR_MISSING_PARAMETER, required[i]);
    }
    if (material_expiry(o, &expire) || external_key(o, &k))
        return 0;
    if (k->state == RS_PENDING_DELETION)
        return fail(o, RS_ERR_REJECTED_STATE_MODIFIED_FAILED, "");
    if (unwrap_material(o, k, m))
        return 0;
    int rc = -1;
    if (!EVP_Digest(m, sizeof(m), fp, NULL, EVP_sha256(), NULL))
        goto out;
    rc = 0;
    if (k->imported_once && CRYPTO_memcmp(fp, k->fingerprint, 32) != 0) {
        fail(o, RS_ERR_INVALID_KEY_MATERIAL, "");
        goto out;
    }
    memcpy(k->material, m, sizeof(m));
    memcpy(k->fingerprint, fp, sizeof(fp));
    k->imported_once = k->has_material = true;
    k->material_expire = expire;
    if (k->state == RS_PENDING_IMPORT)
        k->state = RS_ENABLED;
    rc = empty_reply(o);
out:
    OPENSSL_cleanse(m, sizeof(m));
    return rc;
}

static int op_delete_key_material(struct op *o)
{
    struct rs_key *k = NULL;
    if (external_key(o, &k))
        return 0;
    OPENSSL_cleanse(k->material, sizeof(k->material));
    k->has_material = false;
    k->material_expire = 0;
    if (k->state != RS_PENDING_DELETION)
        k->state = RS_PENDING_IMPORT;
    return empty_reply(o);
}

/* ---- dispatch ------------------------------------------------------- */

static const struct {
    const char *action;
    op_fn fn;
} ops[] = {
    {"CancelKeyDeletion", op_cancel_key_deletion},
    {"CreateAlias", op_create_alias},
    {"CreateKey", op_create_key},
    {"Decrypt", op_decrypt},
    {"DeleteAlias", op_delete_alias},
    {"DeleteKeyMaterial", op_delete_key_material},
    {"DescribeKey", op_describe_key},
    {"DescribeKeyVersion", op_describe_key_version},
    {"DisableKey", op_disable_key},
    {"EnableKey", op_enable_key},
    {"Encrypt", op_encrypt},
    {"GenerateDataKey", op_generate_data_key},
    {"GenerateDataKeyWithoutPlaintext", op_generate_data_key_without_plaintext},
    {"GetParametersForImport", op_get_parameters_for_import},
    {"ImportKeyMaterial", op_import_key_material},
    {"ListAliases", op_list_aliases},
    {"ListAliasesByKeyId", op_list_aliases_by_key_id},
    {"ListKeyVersions", op_list_key_versions},
    {"ListKeys", op_list_keys},
    {"ScheduleKeyDeletion", op_schedule_key_deletion},
    {"UpdateAlias", op_update_alias},
    {"UpdateKeyDescription", op_update_key_description},
};

static op_fn find_op(const char *action)
{
    for (size_t i = 0; action && i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (strcmp(ops[i].action, action) == 0)
            return ops[i].fn;
    }
    return NULL;
}

bool rs_ops_known(const char *action)
{
    return find_op(action) != NULL;
}

int rs_ops_call(struct rs_store *st, const char *action,
                const struct rs_call *call, struct rs_result *out)
{
    out->body = NULL;
    out->error = RS_ERR_NONE;
    out->arg[0] = '\0';
    op_fn fn = find_op(action);
    if (!st || !call || !call->account || !call->region || !fn)
        return -1;
    struct op o = {st, call, out, NULL};
    int rc = -1;
    rs_store_lock(st);
    o.sc = rs_store_scope(st, call->account, call->region, call->now);
    if (o.sc)
        rc = fn(&o);
    rs_store_unlock(st);
    if (rc != 0) {
        cJSON_Delete(out->body);
        out->body = NULL;
        out->error = RS_ERR_NONE;
    }
    return rc;
}
