#include "jfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/codec.h"

char *kc_jfile_read(const char *path, size_t *len, char *err, size_t errlen)
{
    struct kc_buf b;
    char *out = NULL;
    FILE *f = fopen(path, "rb");
    int rc;

    *len = 0;
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    kc_buf_init(&b, KC_JFILE_MAX);
    rc = kc_buf_read(&b, f);
    if (rc == -1) {
        snprintf(err, errlen, "%s: larger than %u bytes", path, KC_JFILE_MAX);
        goto out;
    }
    if (rc == -2) {
        snprintf(err, errlen, "%s: read error", path);
        goto out;
    }
    *len = b.len;
    out = b.len ? kc_buf_detach(&b) : calloc(1, 1);
    if (!out)
        snprintf(err, errlen, "%s: out of memory", path);
out:
    kc_buf_dispose(&b);
    fclose(f);
    return out;
}

static void locate(const char *json, size_t off, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (json[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

cJSON *kc_jfile_parse(const char *json, size_t len, const char *display,
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
        locate(json, off, &line, &col);
        snprintf(err, errlen,
                 "%s: line %zu, column %zu: invalid JSON (text after the "
                 "value)",
                 display, line, col);
        return NULL;
    }
    off = (end && end >= json && (size_t)(end - json) <= len)
              ? (size_t)(end - json)
              : 0;
    locate(json, off, &line, &col);
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

void kc_jfile_path_key(char *out, size_t outlen, const char *base,
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

void kc_jfile_path_index(char *out, size_t outlen, const char *base, size_t i)
{
    snprintf(out, outlen, "%s[%zu]", base, i);
}

const char *kc_jfile_type_name(const cJSON *item)
{
    if (cJSON_IsString(item))
        return "a string";
    if (cJSON_IsNumber(item))
        return "a number";
    if (cJSON_IsBool(item))
        return "a boolean";
    if (cJSON_IsNull(item))
        return "null";
    if (cJSON_IsArray(item))
        return "an array";
    if (cJSON_IsObject(item))
        return "an object";
    return "an invalid value";
}
