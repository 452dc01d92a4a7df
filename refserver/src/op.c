/* rs_op: the operation in progress and what the operation families share. */
#include "op.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rs/crypto.h"

#define MAX_CONTEXT       8192 /* bytes of an EncryptionContext */
#define PAGE_SIZE_DEFAULT 10   /* every List* page and the metadata say 10 */

int rs_op_fail(struct rs_op *o, enum rs_err_code code, const char *arg)
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

int rs_op_reject(struct rs_op *o, enum rs_err_code code, const char *arg)
{
    rs_op_fail(o, code, arg);
    return 1;
}

int rs_op_succeed(struct rs_op *o, cJSON *body)
{
    if (!body)
        return -1;
    o->out->body = body;
    return 0;
}

int rs_op_finish(struct rs_op *o, struct rs_jb *b, int rc)
{
    cJSON *body = rs_jb_done(b);
    if (rc != 0) {
        cJSON_Delete(body);
        return -1;
    }
    return rs_op_succeed(o, body);
}

const char *rs_op_param(const struct rs_op *o, const char *name)
{
    for (size_t i = 0; i < o->call->nparams; i++) {
        const struct kc_param *p = &o->call->params[i];
        if (p->name && strcmp(p->name, name) == 0)
            return p->value && *p->value ? p->value : NULL;
    }
    return NULL;
}

int rs_op_parse_long(const char *s, long *out)
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

int rs_op_parse_bool(const char *s, bool *out)
{
    if (strcasecmp(s, "true") == 0)
        *out = true;
    else if (strcasecmp(s, "false") == 0)
        *out = false;
    else
        return -1;
    return 0;
}

bool rs_op_one_of(const char *s, const char *const *set)
{
    for (; *set; set++) {
        if (strcmp(s, *set) == 0)
            return true;
    }
    return false;
}

int rs_op_opt_long(struct rs_op *o, const char *name, long *v, bool *present)
{
    const char *s = rs_op_param(o, name);
    *present = s != NULL;
    if (s && rs_op_parse_long(s, v) != 0)
        return rs_op_reject(o, RS_ERR_PARSE_REQUEST_PARAMETER_EXCEPTION, "");
    return 0;
}

int rs_op_paging(struct rs_op *o, long size_min, long size_max, long *page,
                 long *size)
{
    bool has = false;
    *page = 1;
    *size = PAGE_SIZE_DEFAULT;
    if (rs_op_opt_long(o, "PageNumber", page, &has) ||
        rs_op_opt_long(o, "PageSize", size, &has))
        return 1;
    if (*page < 1)
        return rs_op_reject(o, RS_ERR_INVALID_PARAMETER, "PageNumber");
    if (*size < size_min || *size > size_max)
        return rs_op_reject(o, RS_ERR_INVALID_PARAMETER, "PageSize");
    return 0;
}

/* The flattened form of EncryptionContext that older SDKs send
 * (EncryptionContext.<k>=<v>, one parameter per entry) as a JSON object
 * text; NULL when there is no such parameter. -1 when out of memory. */
static int flat_context(const struct rs_op *o, char **out)
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

int rs_op_context(struct rs_op *o, char **out)
{
    char *flat = NULL;
    int rc = 0;
    *out = NULL;
    const char *s = rs_op_param(o, "EncryptionContext");
    if (!s) {
        if (flat_context(o, &flat) != 0)
            return -1;
        s = flat;
    }
    if (!s)
        return 0;
    if (strlen(s) > MAX_CONTEXT) {
        rc = rs_op_reject(o, RS_ERR_INVALID_PARAMETER, "EncryptionContext");
        goto out;
    }
    switch (rs_crypto_context_canon(s, out)) {
    case RS_CRYPTO_CANON_OK:
        rc = 0;
        break;
    case RS_CRYPTO_CANON_INVALID:
        rc = rs_op_reject(o, RS_ERR_INVALID_PARAMETER, "EncryptionContext");
        break;
    case RS_CRYPTO_CANON_NOMEM:
        rc = -1;
        break;
    }
out:
    free(flat);
    return rc;
}

static struct rs_key *by_alias(struct rs_op *o, const char *name)
{
    struct rs_alias *a = rs_scope_alias(o->sc, name);
    return a ? rs_scope_key(o->sc, a->key_id) : NULL;
}

/* Resolves an ARN acs:kms:<region>:<account>:key/<id> or :alias/<name>. */
static int resolve_arn(struct rs_op *o, const char *arn, bool aliases,
                       struct rs_key **k)
{
    const char *p = arn + strlen("acs:kms:");
    const char *c1 = strchr(p, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2)
        return rs_op_reject(o, RS_ERR_INVALID_PARAMETER, "KeyId");
    const char *res = c2 + 1;
    bool is_alias = strncmp(res, "alias/", 6) == 0;
    if (!is_alias && strncmp(res, "key/", 4) != 0)
        return rs_op_reject(o, RS_ERR_INVALID_PARAMETER, "KeyId");
    if (is_alias && !aliases)
        return rs_op_reject(o, RS_ERR_UNSUPPORTED_ALIAS, "");
    const char *region = o->call->region, *account = o->call->account;
    bool mine = (size_t)(c1 - p) == strlen(region) &&
                strncmp(p, region, strlen(region)) == 0 &&
                (size_t)(c2 - c1 - 1) == strlen(account) &&
                strncmp(c1 + 1, account, strlen(account)) == 0;
    *k = !mine      ? NULL
         : is_alias ? by_alias(o, res)
                    : rs_scope_key(o->sc, res + 4);
    if (!*k)
        return rs_op_reject(o,
                            is_alias ? RS_ERR_FORBIDDEN_ALIAS_NOT_FOUND
                                     : RS_ERR_FORBIDDEN_KEY_NOT_FOUND,
                            "");
    return 0;
}

int rs_op_resolve(struct rs_op *o, const char *ref, bool aliases,
                  struct rs_key **k)
{
    *k = NULL;
    if (strncmp(ref, "acs:kms:", 8) == 0)
        return resolve_arn(o, ref, aliases, k);
    if (strncmp(ref, "alias/", 6) == 0) {
        if (!aliases)
            return rs_op_reject(o, RS_ERR_UNSUPPORTED_ALIAS, "");
        *k = by_alias(o, ref);
        return *k ? 0 : rs_op_reject(o, RS_ERR_FORBIDDEN_ALIAS_NOT_FOUND, "");
    }
    *k = rs_scope_key(o->sc, ref);
    return *k ? 0 : rs_op_reject(o, RS_ERR_FORBIDDEN_KEY_NOT_FOUND, "");
}

int rs_op_key_param(struct rs_op *o, bool aliases, struct rs_key **k)
{
    const char *ref = rs_op_param(o, "KeyId");
    if (!ref)
        return rs_op_reject(o, RS_ERR_MISSING_PARAMETER, "KeyId");
    return rs_op_resolve(o, ref, aliases, k);
}

int rs_op_usable(struct rs_op *o, const struct rs_key *k)
{
    switch (k->state) {
    case RS_ENABLED:
        return 0;
    case RS_DISABLED:
        return rs_op_reject(o, RS_ERR_REJECTED_DISABLED, "");
    case RS_PENDING_DELETION:
        return rs_op_reject(o, RS_ERR_REJECTED_PENDING_DELETION, "");
    case RS_PENDING_IMPORT:
        return rs_op_reject(o, RS_ERR_REJECTED_PENDING_IMPORT, "");
    }
    return 0;
}

void rs_op_arn(const struct rs_op *o, const char *kind, const char *name,
               char *out, size_t cap)
{
    int n = snprintf(out, cap, "acs:kms:%s:%s:%s%s", o->call->region,
                     o->call->account, kind, name);
    if (n < 0)
        out[0] = '\0';
}

cJSON *rs_op_page_body(const char *outer, const char *inner, cJSON *items,
                       size_t total, long page, long size)
{
    struct rs_jb wrap = rs_jb_new();
    rs_jb_add(&wrap, inner, items);
    struct rs_jb b = rs_jb_new();
    rs_jb_add(&b, outer, rs_jb_done(&wrap));
    rs_jb_num(&b, "TotalCount", (double)total);
    rs_jb_num(&b, "PageNumber", (double)page);
    rs_jb_num(&b, "PageSize", (double)size);
    return rs_jb_done(&b);
}

bool rs_op_on_page(size_t i, long page, long size)
{
    size_t first = (size_t)(page - 1) * (size_t)size;
    return i >= first && i - first < (size_t)size;
}

int rs_op_empty(struct rs_op *o)
{
    return rs_op_succeed(o, cJSON_CreateObject());
}

int rs_op_paged_key(struct rs_op *o, bool aliases, long *page, long *size,
                    struct rs_key **k)
{
    if (!rs_op_param(o, "KeyId"))
        return rs_op_reject(o, RS_ERR_MISSING_PARAMETER, "KeyId");
    /* Both pages say 0 to 101 (docs ListAliasesByKeyId, metadata both). */
    return rs_op_paging(o, 0, 101, page, size) ||
           rs_op_key_param(o, aliases, k);
}
