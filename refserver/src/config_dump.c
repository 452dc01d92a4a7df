/* rs_config_dump: the configuration as JSON, for --print-config. */
#include "rs/config_dump.h"

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "rs/reply.h"

static bool add_accounts(cJSON *root, const struct rs_config *c)
{
    cJSON *arr = cJSON_AddArrayToObject(root, "accounts");
    for (size_t i = 0; arr && i < c->naccounts; i++) {
        const struct rs_account *a = &c->accounts[i];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            return false;
        cJSON_AddItemToArray(arr, o);
        if (!cJSON_AddStringToObject(o, "id", a->id) ||
            !cJSON_AddStringToObject(o, "condition",
                                     rs_config_condition_name(a->condition)) ||
            !cJSON_AddNumberToObject(o, "key_quota", a->key_quota) ||
            !cJSON_AddNumberToObject(o, "import_token_lifetime_s",
                                     (double)a->import_token_lifetime_s))
            return false;
    }
    return arr != NULL;
}

static bool add_keys(cJSON *root, const struct rs_config *c)
{
    cJSON *arr = cJSON_AddArrayToObject(root, "access_keys");
    for (size_t i = 0; arr && i < c->nkeys; i++) {
        const struct rs_access_key *k = &c->keys[i];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            return false;
        cJSON_AddItemToArray(arr, o);
        if (!cJSON_AddStringToObject(o, "id", k->id) ||
            !cJSON_AddStringToObject(o, "secret", k->secret) ||
            !cJSON_AddStringToObject(o, "account", k->account) ||
            !cJSON_AddBoolToObject(o, "enabled", k->enabled) ||
            !cJSON_AddStringToObject(o, "fault",
                                     rs_config_fault_name(k->fault)))
            return false;
    }
    return arr != NULL;
}

static bool add_regions(cJSON *root, const struct rs_config *c)
{
    cJSON *arr = cJSON_AddArrayToObject(root, "regions");
    for (size_t i = 0; arr && i < c->nregions; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o)
            return false;
        cJSON_AddItemToArray(arr, o);
        if (!cJSON_AddStringToObject(o, "id", c->regions[i].id) ||
            !cJSON_AddBoolToObject(o, "hsm", c->regions[i].hsm))
            return false;
    }
    return arr != NULL;
}

static bool add_deviations(cJSON *root, const struct rs_config *c)
{
    cJSON *dev = cJSON_AddArrayToObject(root, "deviations");
    cJSON *codes = cJSON_AddArrayToObject(root, "deviate_codes");
    if (!dev || !codes)
        return false;
    for (unsigned bit = 1; bit && rs_reply_check_name(bit); bit <<= 1) {
        if ((c->deviations & bit) &&
            !cJSON_AddItemToArray(dev,
                                  cJSON_CreateString(rs_reply_check_name(bit))))
            return false;
    }
    for (size_t i = 0; i < c->ndeviate_codes; i++) {
        if (!cJSON_AddItemToArray(codes,
                                  cJSON_CreateString(c->deviate_codes[i])))
            return false;
    }
    return true;
}

char *rs_config_dump_json(const struct rs_config *c)
{
    cJSON *root = cJSON_CreateObject();
    char *s = NULL;
    if (!root ||
        !cJSON_AddStringToObject(root, "default_region", c->default_region) ||
        !add_regions(root, c) || !add_accounts(root, c) || !add_keys(root, c) ||
        !cJSON_AddNumberToObject(root, "latency_ms", c->latency_ms) ||
        !add_deviations(root, c))
        goto out;
    s = cJSON_Print(root);
out:
    cJSON_Delete(root);
    return s;
}
