/* kc_mediatype: RFC 9110 media types (type/subtype and parameters). */
#include "kc/mediatype.h"

#include <stdbool.h>
#include <string.h>

#include "kc/err.h"

static bool tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static void skip_ows(const char **p)
{
    while (**p == ' ' || **p == '\t')
        (*p)++;
}

/* A token at *p into out (lower case when fold); -1 when there is none or
 * it does not fit. */
static int token(const char **p, char *out, bool fold)
{
    size_t n = 0;
    while (tchar((unsigned char)(*p)[n])) {
        if (n + 1 >= KC_MEDIATYPE_TOKEN_MAX)
            return -1;
        char c = (*p)[n];
        if (fold && c >= 'A' && c <= 'Z')
            c = (char)(c | 0x20); /* ASCII: lower case is upper case + 32 */
        out[n++] = c;
    }
    out[n] = '\0';
    *p += n;
    return n ? 0 : -1;
}

/* A quoted-string at *p (the opening quote) into out, unquoted. */
static int quoted(const char **p, char *out)
{
    const unsigned char *s = (const unsigned char *)*p + 1;
    size_t n = 0;
    for (; *s != '"'; s++) {
        if (*s == '\\')
            s++;
        if (!*s || (*s < 0x20 && *s != '\t') || *s == 0x7f ||
            n + 1 >= KC_MEDIATYPE_TOKEN_MAX)
            return -1;
        out[n++] = (char)*s;
    }
    out[n] = '\0';
    *p = (const char *)s + 1;
    return 0;
}

static int parameter(const char **p, struct kc_mediatype *m)
{
    struct kc_mediatype_param *pm;
    if (m->nparams == KC_MEDIATYPE_MAX_PARAMS)
        return -1;
    pm = &m->params[m->nparams];
    if (token(p, pm->name, true) || **p != '=')
        return -1;
    (*p)++;
    if (**p == '"' ? quoted(p, pm->value) : token(p, pm->value, false))
        return -1;
    m->nparams++;
    return 0;
}

int kc_mediatype_parse(const char *s, struct kc_mediatype *out, char *err,
                       size_t errlen)
{
    const char *p = s;
    memset(out, 0, sizeof(*out));
    if (token(&p, out->type, true) || *p++ != '/' ||
        token(&p, out->subtype, true))
        goto bad;
    for (;;) {
        skip_ows(&p);
        if (!*p)
            return 0;
        if (*p++ != ';')
            goto bad;
        skip_ows(&p);
        if (*p && *p != ';' && parameter(&p, out))
            goto bad;
    }
bad:
    kc_err_set(err, errlen,
               "'%.100s' is not an RFC 9110 media type (near byte %zu)", s,
               (size_t)(p - s));
    return -1;
}

const char *kc_mediatype_param(const struct kc_mediatype *m, const char *name,
                               size_t *count)
{
    const char *v = NULL;
    size_t n = 0;
    for (size_t i = 0; i < m->nparams; i++) {
        if (!strcmp(m->params[i].name, name)) {
            if (!v)
                v = m->params[i].value;
            n++;
        }
    }
    if (count)
        *count = n;
    return v;
}
