/* rs_ops_aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases,
 * ListAliasesByKeyId. */
#include "ops_aliases.h"

#include <string.h>

/* Alias names: "alias/" + 1..255 of [a-zA-Z0-9/_-] (the user guide's
 * "Create an alias": letters, digits, _, - and /), not "alias/acs..." (the
 * metadata's reserved prefix). */
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
                  (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

/* Required, well-formed AliasName; NULL when the error is recorded. */
static const char *alias_param(struct rs_op *o)
{
    const char *name = rs_op_param(o, "AliasName");
    if (!name) {
        rs_op_fail(o, RS_ERR_MISSING_PARAMETER, "AliasName");
        return NULL;
    }
    if (!alias_name_valid(name)) {
        rs_op_fail(o, RS_ERR_INVALID_PARAMETER, "AliasName");
        return NULL;
    }
    return name;
}

/* CreateAlias/UpdateAlias: AliasName then KeyId must be given, the name
 * valid, the key found and not pending deletion (else pending_code). The
 * alias name, or NULL with the error recorded. */
static const char *alias_and_key(struct rs_op *o, enum rs_err_code pending_code,
                                 struct rs_key **k)
{
    if (!rs_op_param(o, "AliasName")) {
        rs_op_fail(o, RS_ERR_MISSING_PARAMETER, "AliasName");
        return NULL;
    }
    if (!rs_op_param(o, "KeyId")) {
        rs_op_fail(o, RS_ERR_MISSING_PARAMETER, "KeyId");
        return NULL;
    }
    const char *name = alias_param(o);
    if (!name || rs_op_key_param(o, false, k))
        return NULL;
    if ((*k)->state == RS_PENDING_DELETION) {
        rs_op_fail(o, pending_code, "");
        return NULL;
    }
    return name;
}

int rs_ops_aliases_create(struct rs_op *o)
{
    struct rs_key *k = NULL;
    const char *name =
        alias_and_key(o, RS_ERR_REJECTED_STATE_MODIFIED_FAILED, &k);
    if (!name)
        return 0;
    if (rs_scope_alias(o->sc, name))
        return rs_op_fail(o, RS_ERR_ALIAS_ALREADY_EXISTS, "");
    if (o->sc->naliases >= RS_ALIASES_PER_SCOPE)
        return rs_op_fail(o, RS_ERR_REJECTED_LIMIT_EXCEEDED, "");
    if (rs_scope_add_alias(o->sc, name, k->id) != 0)
        return -1;
    return rs_op_empty(o);
}

int rs_ops_aliases_update(struct rs_op *o)
{
    struct rs_key *k = NULL;
    const char *name = alias_and_key(o, RS_ERR_REJECTED_PENDING_DELETION, &k);
    if (!name)
        return 0;
    struct rs_alias *a = rs_scope_alias(o->sc, name);
    if (!a)
        return rs_op_fail(o, RS_ERR_FORBIDDEN_ALIAS_NOT_FOUND, "");
    memcpy(a->key_id, k->id, sizeof(a->key_id));
    return rs_op_empty(o);
}

int rs_ops_aliases_delete(struct rs_op *o)
{
    const char *name = alias_param(o);
    if (!name)
        return 0;
    struct rs_alias *a = rs_scope_alias(o->sc, name);
    if (!a)
        return rs_op_fail(o, RS_ERR_FORBIDDEN_ALIAS_NOT_FOUND, "");
    rs_scope_remove_alias(o->sc, a);
    return rs_op_empty(o);
}

static cJSON *alias_item(const struct rs_op *o, const struct rs_alias *a)
{
    char aa[RS_OP_ARN_MAX];
    rs_op_arn(o, "", a->name, aa, sizeof(aa));
    struct rs_jb it = rs_jb_new();
    rs_jb_str(&it, "AliasName", a->name);
    rs_jb_str(&it, "AliasArn", aa);
    rs_jb_str(&it, "KeyId", a->key_id);
    return rs_jb_done(&it);
}

/* One page of the scope's aliases, all of them or those of key_id. */
static int alias_page(struct rs_op *o, const char *key_id, long page, long size)
{
    size_t total = 0;
    cJSON *items = cJSON_CreateArray();
    for (size_t i = 0; items && i < o->sc->naliases; i++) {
        const struct rs_alias *a = &o->sc->aliases[i];
        if (key_id && strcmp(a->key_id, key_id) != 0)
            continue;
        if (!rs_op_on_page(total++, page, size))
            continue;
        cJSON *item = alias_item(o, a);
        if (!item || !cJSON_AddItemToArray(items, item)) {
            cJSON_Delete(item);
            cJSON_Delete(items);
            return -1;
        }
    }
    return rs_op_succeed(
        o, rs_op_page_body("Aliases", "Alias", items, total, page, size));
}

int rs_ops_aliases_list(struct rs_op *o)
{
    long page = 0, size = 0;
    /* docs Key/ListAliases.md and the metadata: 0 to 100. */
    if (rs_op_paging(o, 0, 100, &page, &size))
        return 0;
    return alias_page(o, NULL, page, size);
}

int rs_ops_aliases_list_by_key_id(struct rs_op *o)
{
    long page = 0, size = 0;
    struct rs_key *k = NULL;
    /* "the ID or the ARN" (metadata): no alias. */
    if (rs_op_paged_key(o, false, &page, &size, &k))
        return 0;
    return alias_page(o, k->id, page, size);
}
