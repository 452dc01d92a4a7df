/* rs_config: the built-in default, checks, lookups and names. */
#include "rs/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/err.h"

static const char *const condition_names[] = {
    "normal",
    "no-permission",
    "ubsms-invalid-userid",
    "ubsms-invalid-bid",
    "kms-not-enabled",
    "risk-control",
    "in-debt",
    "in-debt-overdue",
};
static const enum rs_err_code condition_errors[] = {
    RS_ERR_NONE,
    RS_ERR_FORBIDDEN_NO_PERMISSION,
    RS_ERR_FORBIDDEN_UBSMS_INVALID_USERID,
    RS_ERR_FORBIDDEN_UBSMS_INVALID_BID,
    RS_ERR_FORBIDDEN_KMS_SERVICE_NOT_ENABLED,
    RS_ERR_FORBIDDEN_PROHIBITED_BY_RISK_CONTROL,
    RS_ERR_FORBIDDEN_IN_DEBT,
    RS_ERR_FORBIDDEN_IN_DEBT_OVERDUE,
};
static const char *const fault_names[] = {"none", "internal", "unavailable"};

#define NCOND  (sizeof(condition_names) / sizeof(condition_names[0]))
#define NFAULT (sizeof(fault_names) / sizeof(fault_names[0]))

_Static_assert(NCOND == RS_COND_COUNT, "one name per enum rs_condition");
_Static_assert(sizeof(condition_errors) / sizeof(condition_errors[0]) ==
                   RS_COND_COUNT,
               "one error code per enum rs_condition");
_Static_assert(NFAULT == RS_FAULT_COUNT, "one name per enum rs_fault");

const char *rs_config_condition_name(enum rs_condition c)
{
    return (size_t)c < NCOND ? condition_names[c] : "?";
}

enum rs_err_code rs_config_condition_error(enum rs_condition c)
{
    return (size_t)c < NCOND ? condition_errors[c] : RS_ERR_NONE;
}

const char *rs_config_fault_name(enum rs_fault f)
{
    return (size_t)f < NFAULT ? fault_names[f] : "?";
}

/* The built-in credential table: name suffix, condition, key state. */
struct builtin {
    const char *suffix; /* AccessKeyId "testid" + suffix, secret likewise */
    enum rs_condition condition;
    bool enabled;
    enum rs_fault fault;
    unsigned quota;
    long token_life_s;
};

static const struct builtin builtins[] = {
    {"", RS_COND_NORMAL, true, RS_FAULT_NONE, 1000, 86400},
    {"-disabled", RS_COND_NORMAL, false, RS_FAULT_NONE, 1000, 86400},
    {"-noperm", RS_COND_NO_PERMISSION, true, RS_FAULT_NONE, 1000, 86400},
    {"-ubsms-userid", RS_COND_UBSMS_INVALID_USERID, true, RS_FAULT_NONE, 1000,
     86400},
    {"-ubsms-bid", RS_COND_UBSMS_INVALID_BID, true, RS_FAULT_NONE, 1000, 86400},
    {"-notenabled", RS_COND_KMS_NOT_ENABLED, true, RS_FAULT_NONE, 1000, 86400},
    {"-risk", RS_COND_RISK_CONTROL, true, RS_FAULT_NONE, 1000, 86400},
    {"-indebt", RS_COND_IN_DEBT, true, RS_FAULT_NONE, 1000, 86400},
    {"-overdue", RS_COND_IN_DEBT_OVERDUE, true, RS_FAULT_NONE, 1000, 86400},
    {"-fault500", RS_COND_NORMAL, true, RS_FAULT_INTERNAL, 1000, 86400},
    {"-fault503", RS_COND_NORMAL, true, RS_FAULT_UNAVAILABLE, 1000, 86400},
    {"-quota", RS_COND_NORMAL, true, RS_FAULT_NONE, 2, 86400},
    {"-shorttoken", RS_COND_NORMAL, true, RS_FAULT_NONE, 1000, 1},
};

#define NBUILTIN (sizeof(builtins) / sizeof(builtins[0]))

static char *concat_dup(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s", a, b);
    return s;
}

static void free_accounts(struct rs_account *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++)
        free(a[i].id);
    free(a);
}

static void free_keys(struct rs_access_key *k, size_t n)
{
    for (size_t i = 0; k && i < n; i++) {
        free(k[i].id);
        if (k[i].secret)
            memset(k[i].secret, 0, strlen(k[i].secret));
        free(k[i].secret);
        free(k[i].account);
    }
    free(k);
}

static void free_regions(struct rs_region *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++)
        free(r[i].id);
    free(r);
}

static void free_strings(char **s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i]);
    free(s);
}

void rs_config_dispose(struct rs_config *c)
{
    if (!c)
        return;
    free_accounts(c->accounts, c->naccounts);
    free_keys(c->keys, c->nkeys);
    free_regions(c->regions, c->nregions);
    free(c->default_region);
    free_strings(c->deviate_codes, c->ndeviate_codes);
    memset(c, 0, sizeof(*c));
}

static int default_regions(struct rs_config *c)
{
    c->regions = calloc(2, sizeof(*c->regions));
    if (!c->regions)
        return -1;
    c->nregions = 2;
    c->regions[0].id = strdup("cn-hangzhou");
    c->regions[0].hsm = true;
    c->regions[1].id = strdup("xx-nohsm-1");
    c->regions[1].hsm = false;
    c->default_region = strdup("cn-hangzhou");
    if (!c->regions[0].id || !c->regions[1].id || !c->default_region)
        return -1;
    return 0;
}

int rs_config_default(struct rs_config *c)
{
    memset(c, 0, sizeof(*c));
    c->accounts = calloc(NBUILTIN, sizeof(*c->accounts));
    c->keys = calloc(NBUILTIN, sizeof(*c->keys));
    if (!c->accounts || !c->keys)
        goto fail;
    c->naccounts = NBUILTIN;
    c->nkeys = NBUILTIN;
    for (size_t i = 0; i < NBUILTIN; i++) {
        const struct builtin *b = &builtins[i];
        char id[32];
        snprintf(id, sizeof(id), "%llu", 1000000000000001ull + i);
        c->accounts[i].id = strdup(id);
        c->accounts[i].condition = b->condition;
        c->accounts[i].key_quota = b->quota;
        c->accounts[i].import_token_lifetime_s = b->token_life_s;
        c->keys[i].id = concat_dup("testid", b->suffix);
        c->keys[i].secret = concat_dup("testsecret", b->suffix);
        c->keys[i].account = strdup(id);
        c->keys[i].enabled = b->enabled;
        c->keys[i].fault = b->fault;
        if (!c->accounts[i].id || !c->keys[i].id || !c->keys[i].secret ||
            !c->keys[i].account)
            goto fail;
    }
    if (default_regions(c))
        goto fail;
    return 0;
fail:
    rs_config_dispose(c);
    return -1;
}

static int fail_at(char *err, size_t errlen, const char *path, const char *what)
{
    kc_err_set(err, errlen, "%s: %s", path, what);
    return -1;
}

int rs_config_validate(const struct rs_config *c, char *err, size_t errlen)
{
    char p[64];
    for (size_t i = 0; i < c->naccounts; i++) {
        snprintf(p, sizeof(p), "$.accounts[%zu].id", i);
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(c->accounts[i].id, c->accounts[j].id))
                return fail_at(err, errlen, p, "duplicate account id");
        }
    }
    for (size_t i = 0; i < c->nkeys; i++) {
        snprintf(p, sizeof(p), "$.access_keys[%zu].id", i);
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(c->keys[i].id, c->keys[j].id))
                return fail_at(err, errlen, p, "duplicate access key id");
        }
        snprintf(p, sizeof(p), "$.access_keys[%zu].account", i);
        if (!rs_config_account(c, c->keys[i].account))
            return fail_at(err, errlen, p, "names no account of $.accounts");
    }
    for (size_t i = 0; i < c->nregions; i++) {
        snprintf(p, sizeof(p), "$.regions[%zu].id", i);
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(c->regions[i].id, c->regions[j].id))
                return fail_at(err, errlen, p, "duplicate region id");
        }
    }
    if (!c->default_region || !rs_config_region(c, c->default_region))
        return fail_at(err, errlen, "$.default_region",
                       "names no region of $.regions");
    return 0;
}

const struct rs_access_key *rs_config_key(const struct rs_config *c,
                                          const char *id)
{
    for (size_t i = 0; id && i < c->nkeys; i++) {
        if (!strcmp(c->keys[i].id, id))
            return &c->keys[i];
    }
    return NULL;
}

const struct rs_account *rs_config_account(const struct rs_config *c,
                                           const char *id)
{
    for (size_t i = 0; id && i < c->naccounts; i++) {
        if (!strcmp(c->accounts[i].id, id))
            return &c->accounts[i];
    }
    return NULL;
}

const struct rs_region *rs_config_region(const struct rs_config *c,
                                         const char *id)
{
    for (size_t i = 0; id && i < c->nregions; i++) {
        if (!strcmp(c->regions[i].id, id))
            return &c->regions[i];
    }
    return NULL;
}
