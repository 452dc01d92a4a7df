/*
 * rs_ops: the KMS operations of kms-refserver behind one sorted dispatch
 * table; the operations themselves are in ops_keys.c, ops_versions.c,
 * ops_aliases.c, ops_crypto.c and ops_import.c, what they share in op.c.
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

#include <stdlib.h>
#include <string.h>

#include "op.h"
#include "ops_aliases.h"
#include "ops_crypto.h"
#include "ops_import.h"
#include "ops_keys.h"
#include "ops_versions.h"

typedef int (*op_fn)(struct rs_op *o);

/* Sorted by action name (strcmp), for bsearch; test_rs_ops checks it. */
static const struct op_entry {
    const char *action;
    op_fn fn;
} ops[] = {
    {"CancelKeyDeletion", rs_ops_keys_cancel_deletion},
    {"CreateAlias", rs_ops_aliases_create},
    {"CreateKey", rs_ops_keys_create},
    {"Decrypt", rs_ops_crypto_decrypt},
    {"DeleteAlias", rs_ops_aliases_delete},
    {"DeleteKeyMaterial", rs_ops_import_delete_key_material},
    {"DescribeKey", rs_ops_keys_describe},
    {"DescribeKeyVersion", rs_ops_versions_describe},
    {"DisableKey", rs_ops_keys_disable},
    {"EnableKey", rs_ops_keys_enable},
    {"Encrypt", rs_ops_crypto_encrypt},
    {"GenerateDataKey", rs_ops_crypto_generate_data_key},
    {"GenerateDataKeyWithoutPlaintext",
     rs_ops_crypto_generate_data_key_without_plaintext},
    {"GetParametersForImport", rs_ops_import_get_parameters},
    {"ImportKeyMaterial", rs_ops_import_key_material},
    {"ListAliases", rs_ops_aliases_list},
    {"ListAliasesByKeyId", rs_ops_aliases_list_by_key_id},
    {"ListKeyVersions", rs_ops_versions_list},
    {"ListKeys", rs_ops_keys_list},
    {"ScheduleKeyDeletion", rs_ops_keys_schedule_deletion},
    {"UpdateAlias", rs_ops_aliases_update},
    {"UpdateKeyDescription", rs_ops_keys_update_description},
};

#define NOPS (sizeof(ops) / sizeof(ops[0]))

static int by_action(const void *key, const void *entry)
{
    return strcmp(key, ((const struct op_entry *)entry)->action);
}

static op_fn find_op(const char *action)
{
    const struct op_entry *e =
        action ? bsearch(action, ops, NOPS, sizeof(ops[0]), by_action) : NULL;
    return e ? e->fn : NULL;
}

size_t rs_ops_count(void)
{
    return NOPS;
}

const char *rs_ops_action(size_t i)
{
    return i < NOPS ? ops[i].action : NULL;
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
    struct rs_op o = {st, call, out, NULL};
    int rc = -1;
    o.sc = rs_store_enter(st, call->account, call->region, call->now);
    if (o.sc)
        rc = fn(&o);
    rs_store_leave(o.sc);
    if (rc != 0) {
        cJSON_Delete(out->body);
        out->body = NULL;
        out->error = RS_ERR_NONE;
    }
    return rc;
}
