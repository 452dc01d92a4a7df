/* rs_request: query string and form body decoding. */
#include "rs/request.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kc/codec.h"

void rs_params_init(struct rs_params *p)
{
    memset(p, 0, sizeof(*p));
}

/* kc_param holds const pointers; the strings of a set are its own. */
static void free_owned(const char *s)
{
    void *v;
    memcpy(&v, &s, sizeof(v));
    free(v);
}

void rs_params_dispose(struct rs_params *p)
{
    for (size_t i = 0; p && i < p->n; i++) {
        free_owned(p->items[i].name);
        free_owned(p->items[i].value);
    }
    if (p) {
        free(p->items);
        memset(p, 0, sizeof(*p));
    }
}

const char *rs_params_get(const struct rs_params *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++) {
        if (!strcmp(p->items[i].name, name))
            return p->items[i].value;
    }
    return NULL;
}

/* Takes ownership of name and value (freed on error too). */
static enum rs_parse_error add_owned(struct rs_params *p, char *name,
                                     char *value)
{
    enum rs_parse_error rc = RS_PARSE_NOMEM;
    if (!name || !value)
        goto fail;
    rc = RS_PARSE_EMPTY;
    if (!*name)
        goto fail;
    rc = RS_PARSE_REPEATED;
    if (rs_params_get(p, name))
        goto fail;
    rc = RS_PARSE_TOO_MANY;
    if (p->n >= RS_PARAMS_MAX)
        goto fail;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct kc_param *it = realloc(p->items, cap * sizeof(*it));
        rc = RS_PARSE_NOMEM;
        if (!it)
            goto fail;
        p->items = it;
        p->cap = cap;
    }
    p->items[p->n].name = name;
    p->items[p->n].value = value;
    p->n++;
    return RS_PARSE_OK;
fail:
    free(name);
    free(value);
    return rc;
}

enum rs_parse_error rs_params_add(struct rs_params *p, const char *name,
                                  const char *value)
{
    if (!kc_utf8_valid(name, strlen(name)) ||
        !kc_utf8_valid(value, strlen(value)))
        return RS_PARSE_UTF8;
    return add_owned(p, strdup(name), strdup(value));
}

/* Percent-decodes n bytes into a fresh string; checks escapes and UTF-8. */
static enum rs_parse_error decode(const char *s, size_t n, char **out)
{
    size_t len = 0;
    *out = NULL;
    char *d = kc_pct_decode(s, n, true, &len);
    if (!d) {
        /* kc_pct_decode fails on a bad escape or on memory; tell which. */
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '%')
                return RS_PARSE_ESCAPE;
        }
        return RS_PARSE_NOMEM;
    }
    if (strlen(d) != len || !kc_utf8_valid(d, len)) {
        free(d);
        return RS_PARSE_UTF8;
    }
    *out = d;
    return RS_PARSE_OK;
}

static enum rs_parse_error parse_pair(struct rs_params *p, const char *s,
                                      size_t n)
{
    const char *eq = memchr(s, '=', n);
    size_t nlen = eq ? (size_t)(eq - s) : n;
    char *name = NULL;
    char *value = NULL;
    enum rs_parse_error rc = decode(s, nlen, &name);
    if (rc)
        return rc;
    if (eq)
        rc = decode(eq + 1, n - nlen - 1, &value);
    else
        value = strdup("");
    if (rc) {
        free(name);
        return rc;
    }
    return add_owned(p, name, value);
}

enum rs_parse_error rs_params_parse(struct rs_params *p, const char *s,
                                    size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t seg = amp ? (size_t)(amp - (s + i)) : n - i;
        if (seg) {
            enum rs_parse_error rc = parse_pair(p, s + i, seg);
            if (rc)
                return rc;
        }
        i += seg + 1;
    }
    return RS_PARSE_OK;
}

bool rs_request_wants_xml(const char *s, size_t n)
{
    static const char key[] = "Format=";
    const size_t klen = sizeof(key) - 1;
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t seg = amp ? (size_t)(amp - (s + i)) : n - i;
        if (seg == klen + 3 && !strncmp(s + i, key, klen) &&
            !strncasecmp(s + i + klen, "xml", 3))
            return true;
        i += seg + 1;
    }
    return false;
}
