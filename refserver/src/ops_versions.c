/* rs_ops_versions: DescribeKeyVersion, ListKeyVersions. Both take an alias
 * or an ARN as KeyId: the API metadata describes their KeyId as the key's
 * id, an alias or an ARN (the 2021 pages only mention the key id). */
#include "ops_versions.h"

static cJSON *version_item(const struct rs_key *k, const struct rs_version *v)
{
    struct rs_jb b = rs_jb_new();
    rs_jb_str(&b, "KeyId", k->id);
    rs_jb_str(&b, "KeyVersionId", v->id);
    rs_jb_time(&b, "CreationDate", v->created);
    return rs_jb_done(&b);
}

int rs_ops_versions_describe(struct rs_op *o)
{
    const char *ref = rs_op_param(o, "KeyId");
    const char *vid = rs_op_param(o, "KeyVersionId");
    struct rs_key *k = NULL;
    if (!ref)
        return rs_op_fail(o, RS_ERR_MISSING_PARAMETER, "KeyId");
    if (!vid)
        return rs_op_fail(o, RS_ERR_MISSING_PARAMETER, "KeyVersionId");
    if (rs_op_resolve(o, ref, true, &k))
        return 0;
    const struct rs_version *v = rs_key_version(k, vid);
    if (!v)
        return rs_op_fail(o, RS_ERR_FORBIDDEN_KEY_VERSION_NOT_FOUND, "");
    struct rs_jb b = rs_jb_new();
    rs_jb_add(&b, "KeyVersion", version_item(k, v));
    return rs_op_succeed(o, rs_jb_done(&b));
}

int rs_ops_versions_list(struct rs_op *o)
{
    long page = 0, size = 0;
    struct rs_key *k = NULL;
    if (rs_op_paged_key(o, true, &page, &size, &k))
        return 0;
    cJSON *items = cJSON_CreateArray();
    for (size_t i = 0; items && i < k->nversions; i++) {
        if (!rs_op_on_page(i, page, size))
            continue;
        cJSON *item = version_item(k, &k->versions[i]);
        if (!item || !cJSON_AddItemToArray(items, item)) {
            cJSON_Delete(item);
            cJSON_Delete(items);
            return -1;
        }
    }
    return rs_op_succeed(o, rs_op_page_body("KeyVersions", "KeyVersion", items,
                                            k->nversions, page, size));
}
