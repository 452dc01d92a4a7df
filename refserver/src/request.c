/* rs_request: query string and form body decoding. */
#include "rs/request.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kc/codec.h"

/* Storage for the names and values of a set. */
struct rs_params_block {
    struct rs_params_block *next;
    char data[];
};

void rs_params_init(struct rs_params *p)
{
    memset(p, 0, sizeof(*p));
}

void rs_params_dispose(struct rs_params *p)
{
    if (!p)
        return;
    while (p->blocks) {
        struct rs_params_block *b = p->blocks;
        p->blocks = b->next;
        free(b);
    }
    free(p->items);
    memset(p, 0, sizeof(*p));
}

const char *rs_params_get(const struct rs_params *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++) {
        if (!strcmp(p->items[i].name, name))
            return p->items[i].value;
    }
    return NULL;
}

/* A block of n bytes owned by p, or NULL when out of memory. */
static char *block_new(struct rs_params *p, size_t n)
{
    struct rs_params_block *b = malloc(sizeof(*b) + n);
    if (!b)
        return NULL;
    b->next = p->blocks;
    p->blocks = b;
    return b->data;
}

/* Adds a pair whose strings p's blocks hold. */
static enum rs_parse_error add_item(struct rs_params *p, const char *name,
                                    const char *value)
{
    if (!*name)
        return RS_PARSE_EMPTY;
    if (rs_params_get(p, name))
        return RS_PARSE_REPEATED;
    if (p->n >= RS_PARAMS_MAX)
        return RS_PARSE_TOO_MANY;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct kc_param *it = realloc(p->items, cap * sizeof(*it));
        if (!it)
            return RS_PARSE_NOMEM;
        p->items = it;
        p->cap = cap;
    }
    p->items[p->n].name = name;
    p->items[p->n].value = value;
    p->n++;
    return RS_PARSE_OK;
}

enum rs_parse_error rs_params_add(struct rs_params *p, const char *name,
                                  const char *value)
{
    size_t nlen = strlen(name), vlen = strlen(value);
    if (!kc_utf8_valid(name, nlen) || !kc_utf8_valid(value, vlen))
        return RS_PARSE_UTF8;
    char *d = block_new(p, nlen + vlen + 2);
    if (!d)
        return RS_PARSE_NOMEM;
    memcpy(d, name, nlen + 1);
    memcpy(d + nlen + 1, value, vlen + 1);
    return add_item(p, d, d + nlen + 1);
}

/* Percent-decodes n bytes of s into out ('+' is a space), terminated;
 * *len gets the decoded length. Checks escapes, then NUL and UTF-8. */
static enum rs_parse_error decode(const char *s, size_t n, char *out,
                                  size_t *len)
{
    size_t o = 0;
    bool nul = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            int hi = i + 1 < n ? kc_hex_digit(s[i + 1]) : -1;
            int lo = i + 2 < n ? kc_hex_digit(s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return RS_PARSE_ESCAPE;
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        nul |= c == '\0';
        out[o++] = c;
    }
    out[o] = '\0';
    *len = o;
    if (nul || !kc_utf8_valid(out, o))
        return RS_PARSE_UTF8;
    return RS_PARSE_OK;
}

/* Decodes the pair of n bytes at s into *out (advanced past it). */
static enum rs_parse_error parse_pair(struct rs_params *p, const char *s,
                                      size_t n, char **out)
{
    const char *eq = memchr(s, '=', n);
    size_t nlen = eq ? (size_t)(eq - s) : n;
    const char *name = *out, *value = "";
    size_t len;
    enum rs_parse_error rc = decode(s, nlen, *out, &len);
    if (rc)
        return rc;
    *out += len + 1;
    if (eq) {
        value = *out;
        if ((rc = decode(eq + 1, n - nlen - 1, *out, &len)))
            return rc;
        *out += len + 1;
    }
    return add_item(p, name, value);
}

enum rs_parse_error rs_params_parse(struct rs_params *p, const char *s,
                                    size_t n)
{
    size_t i = 0;
    /* decoding never lengthens: a pair of k bytes needs at most k + 1
     * (its '=' or the '&' after it holds a terminator) */
    char *out = n ? block_new(p, n + 1) : NULL;
    if (n && !out)
        return RS_PARSE_NOMEM;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t seg = amp ? (size_t)(amp - (s + i)) : n - i;
        if (seg) {
            enum rs_parse_error rc = parse_pair(p, s + i, seg, &out);
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
