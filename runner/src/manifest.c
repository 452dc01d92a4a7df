/* kc_manifest: a target's identity and its conformance claims. */
#include "kc/manifest.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "jcheck.h"
#include "kc/codec.h"
#include "kc/json.h"
#include "kc/levels.h"

#define CLAIMS_MAX 4096 /* the comma list of claimed levels or actions */

void kc_manifest_free(struct kc_manifest *m)
{
    if (!m)
        return;
    free(m->vendor);
    free(m->product);
    free(m->version);
    free(m->contact);
    free(m->levels);
    free(m->actions);
    free(m);
}

static bool action_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++) {
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
              (*s >= '0' && *s <= '9')))
            return false;
    }
    return true;
}

/* An element of "levels" or "actions": its problem, or NULL when good. */
static const char *claim_problem(const cJSON *it, bool levels)
{
    int l;

    if (!cJSON_IsString(it))
        return "expected a string";
    if (!levels)
        return action_name(it->valuestring)
                   ? NULL
                   : "expected an action name ([A-Za-z0-9]+)";
    l = kc_levels_index(it->valuestring);
    if (l < 0)
        return "unknown level (core, key-lifecycle, aliases, import, "
               "account, faults)";
    if ((size_t)l == KC_LEVELS_N - 1)
        return "\"extension\" is not a conformance level and cannot be "
               "claimed";
    return NULL;
}

/* "levels" or "actions": an array of distinct names, into a comma list. */
static int parse_claims(struct kc_jcheck *J, const cJSON *obj, const char *key,
                        char **out)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, key);
    bool levels = !strcmp(key, "levels");
    char base[KC_JSON_PATH_MAX], p[KC_JSON_PATH_MAX];
    struct kc_buf b;
    size_t i = 0;
    const cJSON *it;

    kc_json_path_key(base, sizeof(base), "$.manifest", key);
    if (!arr)
        return 0;
    if (!cJSON_IsArray(arr))
        return kc_jcheck_fail(J, base, "expected an array of names");
    kc_buf_init(&b, CLAIMS_MAX);
    cJSON_ArrayForEach(it, arr)
    {
        const char *why = claim_problem(it, levels);
        kc_json_path_index(p, sizeof(p), base, i++);
        for (const cJSON *e = arr->child; !why && e != it; e = e->next)
            if (!strcmp(e->valuestring, it->valuestring))
                why = "claimed twice";
        if (why) {
            kc_buf_dispose(&b);
            return kc_jcheck_fail(J, p, "%s", why);
        }
        kc_buf_printf(&b, "%s%s", b.len ? "," : "", it->valuestring);
    }
    if (b.failed) {
        kc_buf_dispose(&b);
        return kc_jcheck_fail(J, base, "too many claims");
    }
    if (!b.len) {
        kc_buf_dispose(&b);
        return 0;
    }
    *out = kc_buf_take(&b);
    return *out ? 0 : kc_jcheck_fail(J, base, "out of memory");
}

/* An optional non-empty string member: *out NULL when absent. */
static int opt_str(struct kc_jcheck *J, const cJSON *obj, const char *key,
                   char **out)
{
    if (!cJSON_GetObjectItemCaseSensitive(obj, key))
        return 0;
    return kc_jcheck_str(J, obj, key, "$.manifest", true, NULL, out);
}

int kc_manifest_parse(struct kc_jcheck *J, const cJSON *obj,
                      struct kc_manifest **out)
{
    static const char *const known[] = {"vendor",  "product", "version",
                                        "contact", "levels",  "actions"};
    struct kc_manifest *m = calloc(1, sizeof(*m));

    *out = NULL;
    if (!m)
        return kc_jcheck_fail(J, "$.manifest", "out of memory");
    if (!cJSON_IsObject(obj) ||
        kc_jcheck_only_keys(J, obj, "$.manifest", known,
                            sizeof(known) / sizeof(known[0])) ||
        opt_str(J, obj, "vendor", &m->vendor) ||
        opt_str(J, obj, "product", &m->product) ||
        opt_str(J, obj, "version", &m->version) ||
        opt_str(J, obj, "contact", &m->contact) ||
        parse_claims(J, obj, "levels", &m->levels) ||
        parse_claims(J, obj, "actions", &m->actions)) {
        if (!cJSON_IsObject(obj))
            kc_jcheck_fail(J, "$.manifest", "expected an object");
        kc_manifest_free(m);
        return -1;
    }
    *out = m;
    return 0;
}
