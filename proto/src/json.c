#include "kc/json.h"

#include <math.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/codec.h"
#include "kc/file.h"

void kc_json_locate(const char *text, size_t off, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

cJSON *kc_json_parse(const char *json, size_t len, const char *display,
                     char *err, size_t errlen)
{
    const char *end = NULL;
    size_t line, col, off;
    cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, 0);

    if (root) {
        /* Only white space may follow the value. */
        off = (size_t)(end - json);
        while (off < len && strchr(" \t\r\n", json[off]) && json[off])
            off++;
        if (off >= len)
            return root;
        cJSON_Delete(root);
        kc_json_locate(json, off, &line, &col);
        snprintf(err, errlen,
                 "%s: line %zu, column %zu: invalid JSON (text after the "
                 "value)",
                 display, line, col);
        return NULL;
    }
    off = (end && end >= json && (size_t)(end - json) <= len)
              ? (size_t)(end - json)
              : 0;
    kc_json_locate(json, off, &line, &col);
    if (len == 0)
        snprintf(err, errlen, "%s: invalid JSON (empty file)", display);
    else
        snprintf(err, errlen, "%s: line %zu, column %zu: invalid JSON", display,
                 line, col);
    return NULL;
}

static bool plain_key(const char *key)
{
    if (!*key)
        return false;
    for (const char *p = key; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

void kc_json_path_key(char *out, size_t outlen, const char *base,
                      const char *key)
{
    if (plain_key(key)) {
        snprintf(out, outlen, "%s.%s", base, key);
        return;
    }
    /* Messages are one line: control bytes and quotes of a hostile key are
     * written as escapes, never raw. */
    struct kc_buf b;
    kc_buf_init(&b, 256);
    for (const unsigned char *c = (const unsigned char *)key; *c; c++) {
        if (*c < 0x20 || *c == 0x7f || *c == '"' || *c == '\\')
            kc_buf_printf(&b, "\\x%02x", *c);
        else
            kc_buf_putc(&b, (char)*c);
    }
    snprintf(out, outlen, "%s[\"%s%s\"]", base, kc_buf_str(&b),
             b.failed ? "..." : "");
    kc_buf_dispose(&b);
}

void kc_json_path_index(char *out, size_t outlen, const char *base, size_t i)
{
    snprintf(out, outlen, "%s[%zu]", base, i);
}

cJSON *kc_json_load(const char *path, size_t max, char *err, size_t errlen)
{
    size_t len;
    char *text = kc_file_read(path, max, 0, &len, err, errlen);
    cJSON *root;

    if (!text)
        return NULL;
    root = kc_json_parse(text, len, path, err, errlen);
    free(text);
    return root;
}

bool kc_json_key_in(const char *key, const char *const *known, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(key, known[i]))
            return true;
    }
    return false;
}

const cJSON *kc_json_unknown_member(const cJSON *obj, const cJSON *after,
                                    const char *const *known, size_t n)
{
    const cJSON *it = after ? after->next : (obj ? obj->child : NULL);

    for (; it; it = it->next) {
        if (!it->string || !kc_json_key_in(it->string, known, n))
            return it;
    }
    return NULL;
}

struct member_ref {
    const cJSON *item;
    size_t index;
};

static const char *member_key(const cJSON *it)
{
    return it->string ? it->string : "";
}

static int by_key_then_index(const void *a, const void *b)
{
    const struct member_ref *x = a, *y = b;
    int c = strcmp(member_key(x->item), member_key(y->item));
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int by_index(const void *a, const void *b)
{
    const struct member_ref *x = a, *y = b;
    return x->index < y->index ? -1 : x->index > y->index;
}

const cJSON **kc_json_repeated_members(const cJSON *obj, size_t *n)
{
    struct member_ref *refs = NULL, *reps = NULL;
    const cJSON **out = NULL;
    size_t m = 0, k = 0;

    *n = 0;
    for (const cJSON *it = obj ? obj->child : NULL; it; it = it->next)
        m++;
    if (m < 2)
        return NULL;
    refs = malloc(m * sizeof(*refs));
    reps = malloc(m * sizeof(*reps));
    if (!refs || !reps)
        goto oom;
    m = 0;
    for (const cJSON *it = obj->child; it; it = it->next, m++)
        refs[m] = (struct member_ref){it, m};
    /* Sorted by key, then by position: in each run of one key, every
     * member but the first is a repeat. */
    qsort(refs, m, sizeof(*refs), by_key_then_index);
    for (size_t i = 1; i < m; i++) {
        if (!strcmp(member_key(refs[i - 1].item), member_key(refs[i].item)))
            reps[k++] = refs[i];
    }
    if (k == 0)
        goto out;
    qsort(reps, k, sizeof(*reps), by_index);
    out = malloc(k * sizeof(*out));
    if (!out)
        goto oom;
    for (size_t i = 0; i < k; i++)
        out[i] = reps[i].item;
    *n = k;
    goto out;
oom:
    *n = SIZE_MAX;
out:
    free(refs);
    free(reps);
    return out;
}

const cJSON *kc_json_first_repeated(const cJSON *obj)
{
    size_t n;
    const cJSON **all = kc_json_repeated_members(obj, &n);
    const cJSON *first = all ? all[0] : NULL;

    free(all);
    return first;
}

static enum kc_json_status typed(const cJSON *obj, const char *key,
                                 cJSON_bool (*is)(const cJSON *),
                                 const cJSON **out)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

    *out = it;
    if (!it)
        return KC_JSON_ABSENT;
    return is(it) ? KC_JSON_OK : KC_JSON_WRONG_TYPE;
}

enum kc_json_status kc_json_string(const cJSON *obj, const char *key,
                                   const char **out)
{
    const cJSON *it;
    enum kc_json_status st = typed(obj, key, cJSON_IsString, &it);

    *out = st == KC_JSON_OK ? it->valuestring : NULL;
    return st;
}

enum kc_json_status kc_json_bool(const cJSON *obj, const char *key, bool *out)
{
    const cJSON *it;
    enum kc_json_status st = typed(obj, key, cJSON_IsBool, &it);

    if (st == KC_JSON_OK)
        *out = cJSON_IsTrue(it);
    return st;
}

enum kc_json_status kc_json_long(const cJSON *obj, const char *key, long min,
                                 long max, long *out)
{
    const cJSON *it;
    enum kc_json_status st = typed(obj, key, cJSON_IsNumber, &it);
    double v;

    if (st != KC_JSON_OK)
        return st;
    v = it->valuedouble;
    if (v != floor(v))
        return KC_JSON_WRONG_TYPE;
    if (v < (double)min || v > (double)max)
        return KC_JSON_OUT_OF_RANGE;
    *out = (long)v;
    return KC_JSON_OK;
}

enum kc_json_status kc_json_object(const cJSON *obj, const char *key,
                                   const cJSON **out)
{
    return typed(obj, key, cJSON_IsObject, out);
}

enum kc_json_status kc_json_array(const cJSON *obj, const char *key,
                                  const cJSON **out)
{
    return typed(obj, key, cJSON_IsArray, out);
}
