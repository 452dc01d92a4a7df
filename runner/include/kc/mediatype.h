/*
 * kc_mediatype: a Content-Type value read by RFC 9110 section 8.3.1:
 *
 *   media-type = type "/" subtype *( OWS ";" OWS [ parameter ] )
 *   parameter  = token "=" ( token / quoted-string )
 *
 * type, subtype and parameter names are case-insensitive (kept in lower
 * case here); a parameter value is kept as sent, without the quotes and
 * quoted-pair backslashes of a quoted-string. No white space is allowed
 * around "/" or "="; empty parameters (";;") are allowed, as the grammar
 * says. The caller owns the struct (no allocation).
 */
#ifndef KC_MEDIATYPE_H
#define KC_MEDIATYPE_H

#include <stddef.h>

#define KC_MEDIATYPE_MAX_PARAMS 8   /* more parameters fail the parse */
#define KC_MEDIATYPE_TOKEN_MAX  128 /* longest token or value kept + 1 */

struct kc_mediatype_param {
    char name[KC_MEDIATYPE_TOKEN_MAX];
    char value[KC_MEDIATYPE_TOKEN_MAX];
};

struct kc_mediatype {
    char type[KC_MEDIATYPE_TOKEN_MAX];
    char subtype[KC_MEDIATYPE_TOKEN_MAX];
    struct kc_mediatype_param params[KC_MEDIATYPE_MAX_PARAMS];
    size_t nparams;
};

/* Parses s (a header value without surrounding white space). 0, or -1 with
 * a one-line message in err (s is not a media type, or too long). */
int kc_mediatype_parse(const char *s, struct kc_mediatype *out, char *err,
                       size_t errlen);

/* The value of the parameter called name (lower case) and, in *count, how
 * many times it appears; NULL when it does not. count may be NULL. */
const char *kc_mediatype_param(const struct kc_mediatype *m, const char *name,
                               size_t *count);

#endif
