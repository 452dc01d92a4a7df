/* rs_ops_keys: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey,
 * ScheduleKeyDeletion, CancelKeyDeletion, UpdateKeyDescription. */
#include "ops_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs/crypto.h"

#define MAX_DESCRIPTION    8192
#define DAY_S              86400L
#define ROTATION_MIN_DAYS  7
#define ROTATION_MAX_DAYS  730
#define ROTATION_DEFAULT_S (365 * DAY_S)
#define PENDING_MIN_DAYS   7
#define PENDING_MAX_DAYS   366
/* A scope holds at most twice the quota plus this many keys, counting
 * those pending deletion; past that the oldest of these goes first. */
#define TOTAL_KEYS_EXTRA 64

static const char *const key_specs[] = {"Aliyun_AES_256", "Aliyun_AES_128",
                                        "Aliyun_AES_192", "Aliyun_SM4", NULL};

struct create_args {
    const char *spec, *origin, *protection, *description, *usage;
    const char *interval_text; /* RotationInterval as given */
    bool rotation;
    long interval; /* seconds */
};

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
    if (num[0] == '-' || rs_op_parse_long(num, &v) != 0)
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
    if (v > ROTATION_MAX_DAYS * DAY_S || v * unit < ROTATION_MIN_DAYS * DAY_S ||
        v * unit > ROTATION_MAX_DAYS * DAY_S)
        return -1;
    *out = v * unit;
    return 0;
}

static const char *or_default(const char *value, const char *dflt)
{
    return value ? value : dflt;
}

/* CreateKey's parameters with their defaults into a; the type of
 * EnableAutomaticRotation, and RotationInterval given along with it. */
static int create_read(struct rs_op *o, struct create_args *a)
{
    const char *rot = rs_op_param(o, "EnableAutomaticRotation");
    a->spec = or_default(rs_op_param(o, "KeySpec"), "Aliyun_AES_256");
    a->origin = or_default(rs_op_param(o, "Origin"), "Aliyun_KMS");
    a->protection = or_default(rs_op_param(o, "ProtectionLevel"), "SOFTWARE");
    a->description = rs_op_param(o, "Description");
    a->usage = rs_op_param(o, "KeyUsage");
    a->interval_text = rs_op_param(o, "RotationInterval");
    a->rotation = false;
    a->interval = ROTATION_DEFAULT_S;
    if (rot && rs_op_parse_bool(rot, &a->rotation) != 0)
        return rs_op_reject(o, RS_ERR_PARSE_REQUEST_PARAMETER_EXCEPTION, "");
    if (a->rotation && !a->interval_text)
        return rs_op_reject(o, RS_ERR_MISSING_PARAMETER, "RotationInterval");
    return 0;
}

/* The value of each parameter on its own. */
static int create_check_values(struct rs_op *o, struct create_args *a)
{
    static const char *const origins[] = {"Aliyun_KMS", "EXTERNAL", NULL};
    static const char *const levels[] = {"SOFTWARE", "HSM", NULL};
    if (a->description && strlen(a->description) > MAX_DESCRIPTION)
        return rs_op_reject(o, RS_ERR_INVALID_PARAMETER, "Description");
    if (!rs_op_one_of(a->spec, key_specs))
        return rs_op_reject(o, RS_ERR_INVALID_PARAMETER, "KeySpec");
    if (a->usage && strcmp(a->usage, "ENCRYPT/DECRYPT") != 0)
        return rs_op_reject(o, RS_ERR_INVALID_PARAMETER, "KeyUsage");
    if (!rs_op_one_of(a->origin, origins))
        return rs_op_reject(o, RS_ERR_INVALID_PARAMETER, "Origin");
    if (!rs_op_one_of(a->protection, levels))
        return rs_op_reject(o, RS_ERR_INVALID_PARAMETER, "ProtectionLevel");
    if (a->interval_text && parse_interval(a->interval_text, &a->interval))
        return rs_op_reject(o, RS_ERR_INVALID_PARAMETER, "RotationInterval");
    return 0;
}

/* CreateKey's checks in the documented order; 0 or 1. */
static int create_validate(struct rs_op *o, struct create_args *a)
{
    if (create_read(o, a) || create_check_values(o, a))
        return 1;
    if (a->rotation && strcmp(a->origin, "EXTERNAL") == 0)
        return rs_op_reject(o, RS_ERR_INVALID_PARAMETER,
                            "EnableAutomaticRotation");
    if (strcmp(a->protection, "HSM") == 0 && !o->call->region_has_hsm)
        return rs_op_reject(o, RS_ERR_UNSUPPORTED_PROTECTION_LEVEL, "");
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

/* Fields as the API models them: DeleteDate only for PendingDeletion,
 * NextRotationDate and RotationInterval only with automatic rotation,
 * MaterialExpireTime "" when the material never expires. */
static cJSON *key_metadata(const struct rs_op *o, const struct rs_key *k)
{
    char a[RS_OP_ARN_MAX];
    struct rs_jb b = rs_jb_new();
    rs_op_arn(o, "key/", k->id, a, sizeof(a));
    rs_jb_str(&b, "Arn", a);
    rs_jb_str(&b, "AutomaticRotation", k->rotation ? "Enabled" : "Disabled");
    rs_jb_time(&b, "CreationDate", k->created);
    rs_jb_str(&b, "Creator", o->call->account);
    if (k->state == RS_PENDING_DELETION)
        rs_jb_time(&b, "DeleteDate", k->delete_date);
    rs_jb_str(&b, "DeletionProtection", "Disabled");
    rs_jb_str(&b, "Description", k->description ? k->description : "");
    rs_jb_str(&b, "KeyId", k->id);
    rs_jb_str(&b, "KeySpec", k->key_spec);
    rs_jb_str(&b, "KeyState", rs_state_name(k->state));
    rs_jb_str(&b, "KeyUsage", "ENCRYPT/DECRYPT");
    rs_jb_time(&b, "LastRotationDate", k->created);
    rs_jb_time(&b, "MaterialExpireTime", k->material_expire);
    if (k->rotation)
        rs_jb_time(&b, "NextRotationDate", k->created + k->rotation_s);
    rs_jb_str(&b, "Origin", k->external ? "EXTERNAL" : "Aliyun_KMS");
    rs_jb_str(&b, "PrimaryKeyVersion", k->versions[0].id);
    rs_jb_str(&b, "ProtectionLevel", k->protection);
    if (k->rotation) {
        char interval[32];
        snprintf(interval, sizeof(interval), "%lds", k->rotation_s);
        rs_jb_str(&b, "RotationInterval", interval);
    }
    return rs_jb_done(&b);
}

static int reply_metadata(struct rs_op *o, const struct rs_key *k)
{
    struct rs_jb b = rs_jb_new();
    rs_jb_add(&b, "KeyMetadata", key_metadata(o, k));
    return rs_op_succeed(o, rs_jb_done(&b));
}

int rs_ops_keys_create(struct rs_op *o)
{
    struct create_args a;
    if (create_validate(o, &a))
        return 0;
    if (rs_scope_live_keys(o->sc) >= o->call->key_quota)
        return rs_op_fail(o, RS_ERR_REJECTED_LIMIT_EXCEEDED, "");
    struct rs_key *k = rs_key_new(o->call->now);
    if (!k)
        return -1;
    if (create_fill(k, &a) != 0) {
        rs_key_free(k);
        return -1;
    }
    size_t max_total = (size_t)o->call->key_quota * 2 + TOTAL_KEYS_EXTRA;
    if (rs_scope_add_key(o->sc, k, max_total) != 0)
        return -1;
    return reply_metadata(o, k);
}

int rs_ops_keys_describe(struct rs_op *o)
{
    struct rs_key *k = NULL;
    if (rs_op_key_param(o, true, &k))
        return 0;
    return reply_metadata(o, k);
}

int rs_ops_keys_list(struct rs_op *o)
{
    long page = 0, size = 0;
    /* metadata and docs cn.zh-CN Key/ListKeys.md: 1 to 100 (the older API
     * list page's "no more than 101" is superseded). */
    if (rs_op_paging(o, 1, 100, &page, &size))
        return 0;
    cJSON *items = cJSON_CreateArray();
    for (size_t i = 0; items && i < o->sc->nkeys; i++) {
        if (!rs_op_on_page(i, page, size))
            continue;
        char a[RS_OP_ARN_MAX];
        rs_op_arn(o, "key/", o->sc->keys[i]->id, a, sizeof(a));
        struct rs_jb it = rs_jb_new();
        rs_jb_str(&it, "KeyId", o->sc->keys[i]->id);
        rs_jb_str(&it, "KeyArn", a);
        cJSON *item = rs_jb_done(&it);
        if (!item || !cJSON_AddItemToArray(items, item)) {
            cJSON_Delete(item);
            cJSON_Delete(items);
            return -1;
        }
    }
    return rs_op_succeed(
        o, rs_op_page_body("Keys", "Key", items, o->sc->nkeys, page, size));
}

/* EnableKey and DisableKey. */
static int set_enabled(struct rs_op *o, bool enabled)
{
    struct rs_key *k = NULL;
    if (rs_op_key_param(o, false, &k))
        return 0;
    if (k->state == RS_PENDING_DELETION || k->state == RS_PENDING_IMPORT)
        return rs_op_fail(o, RS_ERR_REJECTED_STATE_MODIFIED_FAILED, "");
    k->state = enabled ? RS_ENABLED : RS_DISABLED;
    return rs_op_empty(o);
}

int rs_ops_keys_enable(struct rs_op *o)
{
    return set_enabled(o, true);
}

int rs_ops_keys_disable(struct rs_op *o)
{
    return set_enabled(o, false);
}

int rs_ops_keys_schedule_deletion(struct rs_op *o)
{
    const char *ref = rs_op_param(o, "KeyId");
    const char *days_s = rs_op_param(o, "PendingWindowInDays");
    long days = 0;
    struct rs_key *k = NULL;
    if (!ref)
        return rs_op_fail(o, RS_ERR_MISSING_PARAMETER, "KeyId");
    if (!days_s)
        return rs_op_fail(o, RS_ERR_MISSING_PARAMETER, "PendingWindowInDays");
    if (rs_op_parse_long(days_s, &days) != 0)
        return rs_op_fail(o, RS_ERR_PARSE_REQUEST_PARAMETER_EXCEPTION, "");
    if (days < PENDING_MIN_DAYS || days > PENDING_MAX_DAYS)
        return rs_op_fail(o, RS_ERR_INVALID_PARAMETER, "PendingWindowInDays");
    if (rs_op_resolve(o, ref, false, &k))
        return 0;
    if (k->state == RS_PENDING_DELETION)
        return rs_op_fail(o, RS_ERR_REJECTED_STATE_MODIFIED_FAILED, "");
    k->state = RS_PENDING_DELETION;
    k->delete_date = o->call->now + days * DAY_S;
    rs_scope_key_changed(o->sc, k);
    return rs_op_empty(o);
}

int rs_ops_keys_cancel_deletion(struct rs_op *o)
{
    struct rs_key *k = NULL;
    if (rs_op_key_param(o, false, &k))
        return 0;
    if (k->state != RS_PENDING_DELETION)
        return rs_op_fail(o, RS_ERR_REJECTED_STATE_MODIFIED_FAILED, "");
    k->state = k->has_material ? RS_ENABLED : RS_PENDING_IMPORT;
    k->delete_date = 0;
    rs_scope_key_changed(o->sc, k);
    return rs_op_empty(o);
}

int rs_ops_keys_update_description(struct rs_op *o)
{
    struct rs_key *k = NULL;
    const char *desc = rs_op_param(o, "Description");
    if (!rs_op_param(o, "KeyId"))
        return rs_op_fail(o, RS_ERR_MISSING_PARAMETER, "KeyId");
    if (!desc)
        return rs_op_fail(o, RS_ERR_MISSING_PARAMETER, "Description");
    if (strlen(desc) > MAX_DESCRIPTION)
        return rs_op_fail(o, RS_ERR_INVALID_PARAMETER, "Description");
    if (rs_op_key_param(o, false, &k))
        return 0;
    if (k->state == RS_PENDING_DELETION)
        return rs_op_fail(o, RS_ERR_REJECTED_PENDING_DELETION, "");
    char *copy = strdup(desc);
    if (!copy)
        return -1;
    free(k->description);
    k->description = copy;
    return rs_op_empty(o);
}
