/* kc_jcheck: first-problem-wins member checks for the one-line loaders. */
#include "jcheck.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/err.h"
#include "kc/json.h"
#include "kc/suggest.h"

int kc_jcheck_fail(struct kc_jcheck *J, const char *path, const char *fmt, ...)
{
    char what[KC_ERR_MAX];
    va_list ap;

    if (J->failed)
        return -1;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    kc_err_set(J->err, J->errlen, "%s: %s: %s", J->display, path, what);
    J->failed = true;
    return -1;
}

int kc_jcheck_str(struct kc_jcheck *J, const cJSON *o, const char *key,
                  const char *base, bool required, const char *def, char **out)
{
    char p[KC_JSON_PATH_MAX];
    const char *v = def;
    enum kc_json_status st = kc_json_string(o, key, &v);

    kc_json_path_key(p, sizeof(p), base, key);
    if (st == KC_JSON_ABSENT && required)
        return kc_jcheck_fail(J, p, "missing required key");
    if (st == KC_JSON_WRONG_TYPE)
        return kc_jcheck_fail(J, p, "expected a string");
    if (st == KC_JSON_OK && !v[0])
        return kc_jcheck_fail(J, p, "expected a non-empty string");
    *out = strdup(st == KC_JSON_OK ? v : def);
    return *out ? 0 : kc_jcheck_fail(J, p, "out of memory");
}

int kc_jcheck_bool(struct kc_jcheck *J, const cJSON *o, const char *key,
                   const char *base, bool def, bool *out)
{
    char p[KC_JSON_PATH_MAX];

    *out = def;
    if (kc_json_bool(o, key, out) != KC_JSON_WRONG_TYPE)
        return 0;
    kc_json_path_key(p, sizeof(p), base, key);
    return kc_jcheck_fail(J, p, "expected true or false");
}

int kc_jcheck_first_repeat(struct kc_jcheck *J, const cJSON *o,
                           const char *base, const cJSON **rep)
{
    size_t n;
    const cJSON **all = kc_json_repeated_members(o, &n);

    *rep = all ? all[0] : NULL;
    free(all);
    return n == SIZE_MAX ? kc_jcheck_fail(J, base, "out of memory") : 0;
}

/* Whether a comes before b among the members of o (b may be NULL). */
static bool before(const cJSON *o, const cJSON *a, const cJSON *b)
{
    for (const cJSON *it = o->child; it; it = it->next) {
        if (it == a)
            return true;
        if (it == b)
            return false;
    }
    return false;
}

int kc_jcheck_only_keys(struct kc_jcheck *J, const cJSON *o, const char *base,
                        const char *const *known, size_t n)
{
    char p[KC_JSON_PATH_MAX];
    const cJSON *unknown = kc_json_unknown_member(o, NULL, known, n);
    const cJSON *rep, *bad;
    const char *near;

    if (kc_jcheck_first_repeat(J, o, base, &rep) != 0)
        return -1;
    bad = unknown && (!rep || before(o, unknown, rep)) ? unknown : rep;
    if (!bad)
        return 0;
    kc_json_path_key(p, sizeof(p), base, bad->string);
    if (bad == rep)
        return kc_jcheck_fail(J, p, "repeated key");
    near = kc_suggest(bad->string, known, n);
    if (near)
        return kc_jcheck_fail(J, p, "unknown key '%s' (did you mean '%s'?)",
                              bad->string, near);
    return kc_jcheck_fail(J, p, "unknown key '%s'", bad->string);
}
