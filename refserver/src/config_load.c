/* rs_config_load: the --config file, applied on top of a configuration. */
#include "rs/config_load.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kc/err.h"
#include "kc/file.h"
#include "kc/json.h"
#include "rs/reply.h"

#define MAX_ITEMS            10000 /* entries of one section */
#define MAX_STRING           1024  /* bytes of one string value */
#define MAX_KEY_SHOWN        100   /* bytes of an unknown key in a message */
#define MAX_QUOTA            1000000
#define MAX_TOKEN_LIFE_S     315360000 /* ten years */
#define MAX_LATENCY_MS       60000
#define DEFAULT_QUOTA        1000
#define DEFAULT_TOKEN_LIFE_S 86400

/* Where the one-line message of a failure goes. */
struct perr {
    char *buf;
    size_t len;
};

/* Sections parsed from one document into v (which owns them); a section
 * not flagged present keeps the current one. */
struct sections {
    bool has_accounts, has_keys, has_regions, has_default, has_latency, has_dev,
        has_codes;
    struct rs_config v;
};

static int fail_at(struct perr *e, const char *path, const char *what)
{
    kc_err_set(e->buf, e->len, "%s: %s", path, what);
    return -1;
}

/* ---- values ------------------------------------------------------------ */

/* Member key of obj (at JSON path base) as a fresh non-empty string of at
 * most MAX_STRING bytes into *out. */
static int req_string(struct perr *e, const cJSON *obj, const char *base,
                      const char *key, char **out)
{
    char p[KC_JSON_PATH_MAX], what[64];
    const char *s = NULL;
    kc_json_path_key(p, sizeof(p), base, key);
    if (kc_json_string(obj, key, &s) != KC_JSON_OK || !*s)
        return fail_at(e, p, "expected a non-empty string");
    if (strlen(s) > MAX_STRING) {
        snprintf(what, sizeof(what), "string longer than %d bytes", MAX_STRING);
        return fail_at(e, p, what);
    }
    *out = strdup(s);
    return *out ? 0 : fail_at(e, p, "out of memory");
}

/* Optional integral member key of obj in [min, max] into *out, which stays
 * as it is when the member is absent. */
static int opt_long(struct perr *e, const cJSON *obj, const char *base,
                    const char *key, long min, long max, long *out)
{
    char p[KC_JSON_PATH_MAX], what[96];
    enum kc_json_status st = kc_json_long(obj, key, min, max, out);
    if (st == KC_JSON_OK || st == KC_JSON_ABSENT)
        return 0;
    kc_json_path_key(p, sizeof(p), base, key);
    snprintf(what, sizeof(what), "expected an integer %ld..%ld", min, max);
    return fail_at(e, p, what);
}

/* Optional boolean member key of obj into *out (kept when absent). */
static int opt_bool(struct perr *e, const cJSON *obj, const char *base,
                    const char *key, bool *out)
{
    char p[KC_JSON_PATH_MAX];
    enum kc_json_status st = kc_json_bool(obj, key, out);
    if (st == KC_JSON_OK || st == KC_JSON_ABSENT)
        return 0;
    kc_json_path_key(p, sizeof(p), base, key);
    return fail_at(e, p, "expected true or false");
}

typedef const char *(*name_fn)(int i);

static const char *condition_name(int i)
{
    return rs_config_condition_name((enum rs_condition)i);
}

static const char *fault_name(int i)
{
    return rs_config_fault_name((enum rs_fault)i);
}

/* Optional member key of obj: one of the n names name(0..n-1), whose index
 * goes to *out (kept when absent, and when null if null_absent). */
static int opt_name(struct perr *e, const cJSON *obj, const char *base,
                    const char *key, name_fn name, int n, bool null_absent,
                    int *out)
{
    char p[KC_JSON_PATH_MAX], what[160];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v || (null_absent && cJSON_IsNull(v)))
        return 0;
    for (int i = 0; cJSON_IsString(v) && i < n; i++) {
        if (!strcmp(name(i), v->valuestring)) {
            *out = i;
            return 0;
        }
    }
    kc_json_path_key(p, sizeof(p), base, key);
    snprintf(what, sizeof(what), "expected one of \"%s\" .. \"%s\"", name(0),
             name(n - 1));
    return fail_at(e, p, what);
}

/* Checks that obj is an object whose members are all among keys. */
static int check_object(struct perr *e, const cJSON *obj, const char *path,
                        const char *const *keys, size_t nkeys)
{
    char p[KC_JSON_PATH_MAX];
    const cJSON *bad;
    if (!cJSON_IsObject(obj))
        return fail_at(e, path, "expected an object");
    bad = kc_json_unknown_member(obj, NULL, keys, nkeys);
    if (!bad)
        return 0;
    snprintf(p, sizeof(p), "%s.%.*s", path, MAX_KEY_SHOWN, bad->string);
    return fail_at(e, p, "unknown key");
}

/* ---- entries of the sections ------------------------------------------- */

static int parse_account(struct perr *e, const cJSON *o, const char *path,
                         void *item)
{
    static const char *const keys[] = {"id", "condition", "key_quota",
                                       "import_token_lifetime_s"};
    struct rs_account *a = item;
    int cond = RS_COND_NORMAL;
    long quota = DEFAULT_QUOTA;
    a->import_token_lifetime_s = DEFAULT_TOKEN_LIFE_S;
    if (check_object(e, o, path, keys, sizeof(keys) / sizeof(keys[0])) ||
        req_string(e, o, path, "id", &a->id) ||
        opt_name(e, o, path, "condition", condition_name, RS_COND_COUNT, false,
                 &cond) ||
        opt_long(e, o, path, "key_quota", 0, MAX_QUOTA, &quota) ||
        opt_long(e, o, path, "import_token_lifetime_s", 1, MAX_TOKEN_LIFE_S,
                 &a->import_token_lifetime_s))
        return -1;
    a->condition = (enum rs_condition)cond;
    a->key_quota = (unsigned)quota;
    return 0;
}

static int parse_key(struct perr *e, const cJSON *o, const char *path,
                     void *item)
{
    static const char *const keys[] = {"id", "secret", "account", "enabled",
                                       "fault"};
    struct rs_access_key *k = item;
    int fault = RS_FAULT_NONE;
    k->enabled = true;
    if (check_object(e, o, path, keys, sizeof(keys) / sizeof(keys[0])) ||
        req_string(e, o, path, "id", &k->id) ||
        req_string(e, o, path, "secret", &k->secret) ||
        req_string(e, o, path, "account", &k->account) ||
        opt_bool(e, o, path, "enabled", &k->enabled) ||
        opt_name(e, o, path, "fault", fault_name, RS_FAULT_COUNT, true, &fault))
        return -1;
    k->fault = (enum rs_fault)fault;
    return 0;
}

static int parse_region(struct perr *e, const cJSON *o, const char *path,
                        void *item)
{
    static const char *const keys[] = {"id", "hsm"};
    struct rs_region *r = item;
    if (check_object(e, o, path, keys, sizeof(keys) / sizeof(keys[0])) ||
        req_string(e, o, path, "id", &r->id) ||
        opt_bool(e, o, path, "hsm", &r->hsm))
        return -1;
    return 0;
}

/* ---- sections ---------------------------------------------------------- */

/* Member key of root as an array of at most MAX_ITEMS entries (n of them);
 * *arr is NULL when there is no such member. */
static int section_array(struct perr *e, const cJSON *root, const char *key,
                         const cJSON **arr, size_t *n)
{
    char p[KC_JSON_PATH_MAX];
    enum kc_json_status st = kc_json_array(root, key, arr);
    kc_json_path_key(p, sizeof(p), "$", key);
    if (st == KC_JSON_ABSENT) {
        *arr = NULL;
        return 0;
    }
    if (st != KC_JSON_OK)
        return fail_at(e, p, "expected an array");
    int sz = cJSON_GetArraySize(*arr);
    if (sz < 0 || sz > MAX_ITEMS)
        return fail_at(e, p, "too many entries");
    *n = (size_t)sz;
    return 0;
}

typedef int (*item_fn)(struct perr *e, const cJSON *o, const char *path,
                       void *item);

/* Parses each entry of arr (at path) with fn into items, size bytes each. */
static int parse_items(struct perr *e, const cJSON *arr, const char *path,
                       void *items, size_t size, item_fn fn)
{
    char p[KC_JSON_PATH_MAX];
    const cJSON *it;
    size_t i = 0;
    cJSON_ArrayForEach(it, arr)
    {
        kc_json_path_index(p, sizeof(p), path, i);
        if (fn(e, it, p, (char *)items + i * size))
            return -1;
        i++;
    }
    return 0;
}

static int parse_accounts(struct perr *e, const cJSON *root, struct sections *s)
{
    const cJSON *arr;
    if (section_array(e, root, "accounts", &arr, &s->v.naccounts))
        return -1;
    if (!arr)
        return 0;
    s->v.accounts = calloc(s->v.naccounts + 1, sizeof(*s->v.accounts));
    if (!s->v.accounts)
        return fail_at(e, "$.accounts", "out of memory");
    if (parse_items(e, arr, "$.accounts", s->v.accounts, sizeof(*s->v.accounts),
                    parse_account))
        return -1;
    s->has_accounts = true;
    return 0;
}

static int parse_keys(struct perr *e, const cJSON *root, struct sections *s)
{
    const cJSON *arr;
    if (section_array(e, root, "access_keys", &arr, &s->v.nkeys))
        return -1;
    if (!arr)
        return 0;
    s->v.keys = calloc(s->v.nkeys + 1, sizeof(*s->v.keys));
    if (!s->v.keys)
        return fail_at(e, "$.access_keys", "out of memory");
    if (parse_items(e, arr, "$.access_keys", s->v.keys, sizeof(*s->v.keys),
                    parse_key))
        return -1;
    s->has_keys = true;
    return 0;
}

static int parse_regions(struct perr *e, const cJSON *root, struct sections *s)
{
    const cJSON *arr;
    if (section_array(e, root, "regions", &arr, &s->v.nregions))
        return -1;
    if (!arr)
        return 0;
    s->v.regions = calloc(s->v.nregions + 1, sizeof(*s->v.regions));
    if (!s->v.regions)
        return fail_at(e, "$.regions", "out of memory");
    if (parse_items(e, arr, "$.regions", s->v.regions, sizeof(*s->v.regions),
                    parse_region))
        return -1;
    s->has_regions = true;
    return 0;
}

static int parse_default_region(struct perr *e, const cJSON *root,
                                struct sections *s)
{
    if (!cJSON_GetObjectItemCaseSensitive(root, "default_region"))
        return 0;
    if (req_string(e, root, "$", "default_region", &s->v.default_region))
        return -1;
    s->has_default = true;
    return 0;
}

static int parse_latency(struct perr *e, const cJSON *root, struct sections *s)
{
    long ms = 0;
    if (!cJSON_GetObjectItemCaseSensitive(root, "latency_ms"))
        return 0;
    if (opt_long(e, root, "$", "latency_ms", 0, MAX_LATENCY_MS, &ms))
        return -1;
    s->v.latency_ms = (unsigned)ms;
    s->has_latency = true;
    return 0;
}

static int parse_deviations(struct perr *e, const cJSON *root,
                            struct sections *s)
{
    char p[KC_JSON_PATH_MAX];
    const cJSON *arr, *it;
    size_t n = 0, i = 0;
    if (section_array(e, root, "deviations", &arr, &n))
        return -1;
    if (!arr)
        return 0;
    cJSON_ArrayForEach(it, arr)
    {
        unsigned bit =
            cJSON_IsString(it) ? rs_reply_check_bit(it->valuestring) : 0;
        kc_json_path_index(p, sizeof(p), "$.deviations", i++);
        if (!bit)
            return fail_at(e, p, "not a deviation check name");
        s->v.deviations |= bit;
    }
    s->has_dev = true;
    return 0;
}

static int parse_codes(struct perr *e, const cJSON *root, struct sections *s)
{
    char p[KC_JSON_PATH_MAX];
    const cJSON *arr, *it;
    size_t i = 0;
    if (section_array(e, root, "deviate_codes", &arr, &s->v.ndeviate_codes))
        return -1;
    if (!arr)
        return 0;
    s->v.deviate_codes =
        calloc(s->v.ndeviate_codes + 1, sizeof(*s->v.deviate_codes));
    if (!s->v.deviate_codes)
        return fail_at(e, "$.deviate_codes", "out of memory");
    cJSON_ArrayForEach(it, arr)
    {
        kc_json_path_index(p, sizeof(p), "$.deviate_codes", i);
        if (!cJSON_IsString(it) || !rs_reply_find(it->valuestring))
            return fail_at(e, p, "not an error code kms-refserver answers");
        if (!(s->v.deviate_codes[i++] = strdup(it->valuestring)))
            return fail_at(e, p, "out of memory");
    }
    s->has_codes = true;
    return 0;
}

/* The top-level sections, parsed in this order. */
static const struct {
    const char *key;
    int (*parse)(struct perr *e, const cJSON *root, struct sections *s);
} sections[] = {
    {"accounts", parse_accounts},   {"access_keys", parse_keys},
    {"regions", parse_regions},     {"default_region", parse_default_region},
    {"latency_ms", parse_latency},  {"deviations", parse_deviations},
    {"deviate_codes", parse_codes},
};

#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

static int parse_sections(struct perr *e, const cJSON *root, struct sections *s)
{
    const char *keys[NSECTIONS];
    for (size_t i = 0; i < NSECTIONS; i++)
        keys[i] = sections[i].key;
    if (check_object(e, root, "$", keys, NSECTIONS))
        return -1;
    for (size_t i = 0; i < NSECTIONS; i++) {
        if (sections[i].parse(e, root, s))
            return -1;
    }
    return 0;
}

/* ---- applying ---------------------------------------------------------- */

/* base with the sections flagged in s taken from src (borrowed pointers). */
static struct rs_config overlay(const struct rs_config *base,
                                const struct rs_config *src,
                                const struct sections *s)
{
    struct rs_config m = *base;
    if (s->has_accounts) {
        m.accounts = src->accounts;
        m.naccounts = src->naccounts;
    }
    if (s->has_keys) {
        m.keys = src->keys;
        m.nkeys = src->nkeys;
    }
    if (s->has_regions) {
        m.regions = src->regions;
        m.nregions = src->nregions;
    }
    if (s->has_default)
        m.default_region = src->default_region;
    if (s->has_latency)
        m.latency_ms = src->latency_ms;
    if (s->has_dev)
        m.deviations = src->deviations;
    if (s->has_codes) {
        m.deviate_codes = src->deviate_codes;
        m.ndeviate_codes = src->ndeviate_codes;
    }
    return m;
}

/* The document's tree (caller deletes it), or NULL with "$: not valid JSON
 * (line L, column C)". White space may follow the value, as cJSON allows;
 * the column of an error at the end of the text is one past its last
 * byte. */
static cJSON *parse_document(struct perr *e, const char *text)
{
    const char *end = NULL;
    size_t line = 1, col = 1;
    cJSON *root = cJSON_ParseWithOpts(text, &end, true);
    if (root)
        return root;
    if (end && end >= text)
        kc_json_locate(text, (size_t)(end - text), &line, &col);
    kc_err_set(e->buf, e->len, "$: not valid JSON (line %zu, column %zu)", line,
               col);
    return NULL;
}

int rs_config_load_json(struct rs_config *c, const char *text, char *err,
                        size_t errlen)
{
    struct perr e = {err, errlen};
    struct sections s;
    struct rs_config next;
    int rc = -1;
    memset(&s, 0, sizeof(s));
    cJSON *root = parse_document(&e, text);
    if (!root)
        return -1;
    if (parse_sections(&e, root, &s))
        goto out;
    next = overlay(c, &s.v, &s);
    if (rs_config_validate(&next, err, errlen))
        goto out;
    /* c takes the new sections; s.v the ones they replace, to free. */
    s.v = overlay(&s.v, c, &s);
    *c = next;
    rc = 0;
out:
    rs_config_dispose(&s.v);
    cJSON_Delete(root);
    return rc;
}

int rs_config_load_file(struct rs_config *c, const char *path, char *err,
                        size_t errlen)
{
    char inner[KC_ERR_MAX];
    char *text =
        kc_file_read(path, RS_CONFIG_FILE_MAX, KC_FILE_TEXT, NULL, err, errlen);
    if (!text)
        return -1;
    int rc = rs_config_load_json(c, text, inner, sizeof(inner));
    if (rc)
        kc_err_set(err, errlen, "%s: %s", path, inner);
    free(text);
    return rc;
}
