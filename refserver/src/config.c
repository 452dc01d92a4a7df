/* rs_config: built-in default, JSON configuration file, --print-config. */
#include "rs/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "rs/reply.h"

#define CONFIG_FILE_MAX (4u << 20)
#define MAX_ITEMS       10000

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

static char *dup_printf2(const char *a, const char *b)
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
        c->keys[i].id = dup_printf2("testid", b->suffix);
        c->keys[i].secret = dup_printf2("testsecret", b->suffix);
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

/* ---- JSON parsing --------------------------------------------------- */

struct perr {
    char *buf;
    size_t len;
};

static int fail_at(struct perr *e, const char *path, const char *what)
{
    snprintf(e->buf, e->len, "%s: %s", path, what);
    return -1;
}

static int get_string(struct perr *e, const cJSON *v, const char *path,
                      char **out)
{
    if (!cJSON_IsString(v) || !v->valuestring[0])
        return fail_at(e, path, "expected a non-empty string");
    if (strlen(v->valuestring) > 1024)
        return fail_at(e, path, "string longer than 1024 bytes");
    *out = strdup(v->valuestring);
    return *out ? 0 : fail_at(e, path, "out of memory");
}

static int get_long(struct perr *e, const cJSON *v, const char *path, long min,
                    long max, long *out)
{
    char what[96];
    if (!cJSON_IsNumber(v) || v->valuedouble < (double)min ||
        v->valuedouble > (double)max ||
        (double)(long)v->valuedouble != v->valuedouble) {
        snprintf(what, sizeof(what), "expected an integer %ld..%ld", min, max);
        return fail_at(e, path, what);
    }
    *out = (long)v->valuedouble;
    return 0;
}

static int get_bool(struct perr *e, const cJSON *v, const char *path, bool *out)
{
    if (!cJSON_IsBool(v))
        return fail_at(e, path, "expected true or false");
    *out = cJSON_IsTrue(v);
    return 0;
}

static int pick_name(struct perr *e, const cJSON *v, const char *path,
                     const char *const *names, size_t n, int *out)
{
    char what[160];
    if (cJSON_IsString(v)) {
        for (size_t i = 0; i < n; i++) {
            if (!strcmp(names[i], v->valuestring)) {
                *out = (int)i;
                return 0;
            }
        }
    }
    snprintf(what, sizeof(what), "expected one of \"%s\" .. \"%s\"", names[0],
             names[n - 1]);
    return fail_at(e, path, what);
}

/* Checks that obj is an object whose members are all among keys. */
static int check_object(struct perr *e, const cJSON *obj, const char *path,
                        const char *const *keys, size_t nkeys)
{
    const cJSON *it;
    char p[256];
    if (!cJSON_IsObject(obj))
        return fail_at(e, path, "expected an object");
    cJSON_ArrayForEach(it, obj)
    {
        bool known = false;
        for (size_t i = 0; i < nkeys; i++)
            known = known || !strcmp(keys[i], it->string);
        if (!known) {
            snprintf(p, sizeof(p), "%s.%.100s", path, it->string);
            return fail_at(e, p, "unknown key");
        }
    }
    return 0;
}

static int array_size(struct perr *e, const cJSON *v, const char *path,
                      size_t *n)
{
    if (!cJSON_IsArray(v))
        return fail_at(e, path, "expected an array");
    int sz = cJSON_GetArraySize(v);
    if (sz < 0 || sz > MAX_ITEMS)
        return fail_at(e, path, "too many entries");
    *n = (size_t)sz;
    return 0;
}

static int parse_account(struct perr *e, const cJSON *o, const char *path,
                         struct rs_account *a)
{
    static const char *const keys[] = {"id", "condition", "key_quota",
                                       "import_token_lifetime_s"};
    char p[256];
    const cJSON *v;
    long l;
    int cond = RS_COND_NORMAL;
    a->key_quota = 1000;
    a->import_token_lifetime_s = 86400;
    if (check_object(e, o, path, keys, 4))
        return -1;
    snprintf(p, sizeof(p), "%s.id", path);
    if (get_string(e, cJSON_GetObjectItemCaseSensitive(o, "id"), p, &a->id))
        return -1;
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "condition"))) {
        snprintf(p, sizeof(p), "%s.condition", path);
        if (pick_name(e, v, p, condition_names, NCOND, &cond))
            return -1;
    }
    a->condition = (enum rs_condition)cond;
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "key_quota"))) {
        snprintf(p, sizeof(p), "%s.key_quota", path);
        if (get_long(e, v, p, 0, 1000000, &l))
            return -1;
        a->key_quota = (unsigned)l;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "import_token_lifetime_s"))) {
        snprintf(p, sizeof(p), "%s.import_token_lifetime_s", path);
        if (get_long(e, v, p, 1, 315360000, &a->import_token_lifetime_s))
            return -1;
    }
    return 0;
}

static int parse_key(struct perr *e, const cJSON *o, const char *path,
                     struct rs_access_key *k)
{
    static const char *const keys[] = {"id", "secret", "account", "enabled",
                                       "fault"};
    char p[256];
    const cJSON *v;
    int fault = RS_FAULT_NONE;
    k->enabled = true;
    if (check_object(e, o, path, keys, 5))
        return -1;
    snprintf(p, sizeof(p), "%s.id", path);
    if (get_string(e, cJSON_GetObjectItemCaseSensitive(o, "id"), p, &k->id))
        return -1;
    snprintf(p, sizeof(p), "%s.secret", path);
    if (get_string(e, cJSON_GetObjectItemCaseSensitive(o, "secret"), p,
                   &k->secret))
        return -1;
    snprintf(p, sizeof(p), "%s.account", path);
    if (get_string(e, cJSON_GetObjectItemCaseSensitive(o, "account"), p,
                   &k->account))
        return -1;
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "enabled"))) {
        snprintf(p, sizeof(p), "%s.enabled", path);
        if (get_bool(e, v, p, &k->enabled))
            return -1;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "fault")) &&
        !cJSON_IsNull(v)) {
        snprintf(p, sizeof(p), "%s.fault", path);
        if (pick_name(e, v, p, fault_names, NFAULT, &fault))
            return -1;
    }
    k->fault = (enum rs_fault)fault;
    return 0;
}

static int parse_region(struct perr *e, const cJSON *o, const char *path,
                        struct rs_region *r)
{
    static const char *const keys[] = {"id", "hsm"};
    char p[256];
    const cJSON *v;
    if (check_object(e, o, path, keys, 2))
        return -1;
    snprintf(p, sizeof(p), "%s.id", path);
    if (get_string(e, cJSON_GetObjectItemCaseSensitive(o, "id"), p, &r->id))
        return -1;
    if ((v = cJSON_GetObjectItemCaseSensitive(o, "hsm"))) {
        snprintf(p, sizeof(p), "%s.hsm", path);
        if (get_bool(e, v, p, &r->hsm))
            return -1;
    }
    return 0;
}

/* Sections parsed from one document into v (which owns them); a section
 * not flagged present keeps the current one. */
struct sections {
    bool has_accounts, has_keys, has_regions, has_default, has_latency, has_dev,
        has_codes;
    struct rs_config v;
};

static int parse_accounts(struct perr *e, const cJSON *v, struct sections *s)
{
    char p[64];
    if (array_size(e, v, "$.accounts", &s->v.naccounts))
        return -1;
    s->v.accounts = calloc(s->v.naccounts + 1, sizeof(*s->v.accounts));
    if (!s->v.accounts)
        return fail_at(e, "$.accounts", "out of memory");
    for (size_t i = 0; i < s->v.naccounts; i++) {
        snprintf(p, sizeof(p), "$.accounts[%zu]", i);
        if (parse_account(e, cJSON_GetArrayItem(v, (int)i), p,
                          &s->v.accounts[i]))
            return -1;
    }
    s->has_accounts = true;
    return 0;
}

static int parse_keys(struct perr *e, const cJSON *v, struct sections *s)
{
    char p[64];
    if (array_size(e, v, "$.access_keys", &s->v.nkeys))
        return -1;
    s->v.keys = calloc(s->v.nkeys + 1, sizeof(*s->v.keys));
    if (!s->v.keys)
        return fail_at(e, "$.access_keys", "out of memory");
    for (size_t i = 0; i < s->v.nkeys; i++) {
        snprintf(p, sizeof(p), "$.access_keys[%zu]", i);
        if (parse_key(e, cJSON_GetArrayItem(v, (int)i), p, &s->v.keys[i]))
            return -1;
    }
    s->has_keys = true;
    return 0;
}

static int parse_regions(struct perr *e, const cJSON *v, struct sections *s)
{
    char p[64];
    if (array_size(e, v, "$.regions", &s->v.nregions))
        return -1;
    s->v.regions = calloc(s->v.nregions + 1, sizeof(*s->v.regions));
    if (!s->v.regions)
        return fail_at(e, "$.regions", "out of memory");
    for (size_t i = 0; i < s->v.nregions; i++) {
        snprintf(p, sizeof(p), "$.regions[%zu]", i);
        if (parse_region(e, cJSON_GetArrayItem(v, (int)i), p, &s->v.regions[i]))
            return -1;
    }
    s->has_regions = true;
    return 0;
}

static int parse_deviations(struct perr *e, const cJSON *v, struct sections *s)
{
    char p[64];
    size_t n;
    const cJSON *it;
    if (array_size(e, v, "$.deviations", &n))
        return -1;
    for (size_t i = 0; i < n; i++) {
        it = cJSON_GetArrayItem(v, (int)i);
        snprintf(p, sizeof(p), "$.deviations[%zu]", i);
        unsigned bit =
            cJSON_IsString(it) ? rs_reply_check_bit(it->valuestring) : 0;
        if (!bit)
            return fail_at(e, p, "not a deviation check name");
        s->v.deviations |= bit;
    }
    s->has_dev = true;
    return 0;
}

static int parse_codes(struct perr *e, const cJSON *v, struct sections *s)
{
    char p[64];
    if (array_size(e, v, "$.deviate_codes", &s->v.ndeviate_codes))
        return -1;
    s->v.deviate_codes =
        calloc(s->v.ndeviate_codes + 1, sizeof(*s->v.deviate_codes));
    if (!s->v.deviate_codes)
        return fail_at(e, "$.deviate_codes", "out of memory");
    for (size_t i = 0; i < s->v.ndeviate_codes; i++) {
        const cJSON *it = cJSON_GetArrayItem(v, (int)i);
        snprintf(p, sizeof(p), "$.deviate_codes[%zu]", i);
        if (!cJSON_IsString(it) || !rs_reply_find(it->valuestring))
            return fail_at(e, p, "not an error code kms-refserver answers");
        if (!(s->v.deviate_codes[i] = strdup(it->valuestring)))
            return fail_at(e, p, "out of memory");
    }
    s->has_codes = true;
    return 0;
}

static int parse_sections(struct perr *e, const cJSON *root, struct sections *s)
{
    static const char *const keys[] = {
        "accounts",   "access_keys", "regions",       "default_region",
        "latency_ms", "deviations",  "deviate_codes",
    };
    const cJSON *v;
    long l;
    if (check_object(e, root, "$", keys, sizeof(keys) / sizeof(keys[0])))
        return -1;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "accounts")) &&
        parse_accounts(e, v, s))
        return -1;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "access_keys")) &&
        parse_keys(e, v, s))
        return -1;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "regions")) &&
        parse_regions(e, v, s))
        return -1;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "default_region"))) {
        if (get_string(e, v, "$.default_region", &s->v.default_region))
            return -1;
        s->has_default = true;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "latency_ms"))) {
        if (get_long(e, v, "$.latency_ms", 0, 60000, &l))
            return -1;
        s->v.latency_ms = (unsigned)l;
        s->has_latency = true;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "deviations")) &&
        parse_deviations(e, v, s))
        return -1;
    if ((v = cJSON_GetObjectItemCaseSensitive(root, "deviate_codes")) &&
        parse_codes(e, v, s))
        return -1;
    return 0;
}

/* c with the parsed sections in place of its own (borrowed pointers). */
static struct rs_config merged_view(const struct rs_config *c,
                                    const struct sections *s)
{
    struct rs_config m = *c;
    if (s->has_accounts) {
        m.accounts = s->v.accounts;
        m.naccounts = s->v.naccounts;
    }
    if (s->has_keys) {
        m.keys = s->v.keys;
        m.nkeys = s->v.nkeys;
    }
    if (s->has_regions) {
        m.regions = s->v.regions;
        m.nregions = s->v.nregions;
    }
    if (s->has_default)
        m.default_region = s->v.default_region;
    if (s->has_latency)
        m.latency_ms = s->v.latency_ms;
    if (s->has_dev)
        m.deviations = s->v.deviations;
    if (s->has_codes) {
        m.deviate_codes = s->v.deviate_codes;
        m.ndeviate_codes = s->v.ndeviate_codes;
    }
    return m;
}

/* Moves the parsed sections into c, freeing what they replace. */
static void commit_sections(struct rs_config *c, struct sections *s)
{
    struct rs_config m = merged_view(c, s);
    if (s->has_accounts)
        free_accounts(c->accounts, c->naccounts);
    if (s->has_keys)
        free_keys(c->keys, c->nkeys);
    if (s->has_regions)
        free_regions(c->regions, c->nregions);
    if (s->has_default)
        free(c->default_region);
    if (s->has_codes)
        free_strings(c->deviate_codes, c->ndeviate_codes);
    *c = m;
    memset(s, 0, sizeof(*s));
}

int rs_config_validate(const struct rs_config *c, char *err, size_t errlen)
{
    struct perr e = {err, errlen};
    char p[64];
    for (size_t i = 0; i < c->naccounts; i++) {
        snprintf(p, sizeof(p), "$.accounts[%zu].id", i);
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(c->accounts[i].id, c->accounts[j].id))
                return fail_at(&e, p, "duplicate account id");
        }
    }
    for (size_t i = 0; i < c->nkeys; i++) {
        snprintf(p, sizeof(p), "$.access_keys[%zu].id", i);
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(c->keys[i].id, c->keys[j].id))
                return fail_at(&e, p, "duplicate access key id");
        }
        snprintf(p, sizeof(p), "$.access_keys[%zu].account", i);
        if (!rs_config_account(c, c->keys[i].account))
            return fail_at(&e, p, "names no account of $.accounts");
    }
    for (size_t i = 0; i < c->nregions; i++) {
        snprintf(p, sizeof(p), "$.regions[%zu].id", i);
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(c->regions[i].id, c->regions[j].id))
                return fail_at(&e, p, "duplicate region id");
        }
    }
    if (!c->default_region || !rs_config_region(c, c->default_region))
        return fail_at(&e, "$.default_region", "names no region of $.regions");
    return 0;
}

static void parse_position(const char *text, const char *at, char *out,
                           size_t outlen)
{
    unsigned line = 1, col = 1;
    for (const char *p = text; at && p < at && *p; p++) {
        if (*p == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    snprintf(out, outlen, "$: not valid JSON (line %u, column %u)", line, col);
}

int rs_config_apply_json(struct rs_config *c, const char *text, char *err,
                         size_t errlen)
{
    struct perr e = {err, errlen};
    struct sections s;
    const char *end = NULL;
    int rc = -1;
    memset(&s, 0, sizeof(s));
    cJSON *root = cJSON_ParseWithOpts(text, &end, true);
    if (!root) {
        parse_position(text, end ? end : cJSON_GetErrorPtr(), err, errlen);
        return -1;
    }
    if (parse_sections(&e, root, &s))
        goto out;
    struct rs_config m = merged_view(c, &s);
    if (rs_config_validate(&m, err, errlen))
        goto out;
    commit_sections(c, &s);
    rc = 0;
out:
    rs_config_dispose(&s.v);
    cJSON_Delete(root);
    return rc;
}

static char *read_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0;
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    buf = malloc(CONFIG_FILE_MAX + 1);
    if (buf)
        len = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
    if (!buf || ferror(f) || len > CONFIG_FILE_MAX) {
        snprintf(err, errlen, "%s: %s", path,
                 !buf ? "out of memory"
                      : (len > CONFIG_FILE_MAX ? "larger than 4 MiB"
                                               : "read error"));
        free(buf);
        buf = NULL;
    } else {
        buf[len] = '\0';
        if (strlen(buf) != len) {
            snprintf(err, errlen, "%s: contains a NUL byte", path);
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

int rs_config_apply_file(struct rs_config *c, const char *path, char *err,
                         size_t errlen)
{
    char inner[512];
    char *text = read_file(path, err, errlen);
    if (!text)
        return -1;
    int rc = rs_config_apply_json(c, text, inner, sizeof(inner));
    if (rc)
        snprintf(err, errlen, "%s: %s", path, inner);
    free(text);
    return rc;
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

/* ---- --print-config --------------------------------------------------- */

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

char *rs_config_to_json(const struct rs_config *c)
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
