/*
 * rs_request: decoding of request parameters (query string and form body).
 *
 * The server hands over the raw bytes; this module splits them at '&' and
 * '=', percent-decodes ('+' is a space, as in HTML forms and Java
 * servlets), and refuses what cannot be one unambiguous set of parameters:
 * a malformed escape, invalid UTF-8, a NUL byte, an empty name, a name
 * given twice (also across query and body).
 */
#ifndef RS_REQUEST_H
#define RS_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "kc/sign.h"

/* Why a parameter string was refused. */
enum rs_parse_error {
    RS_PARSE_OK = 0,
    RS_PARSE_ESCAPE,   /* malformed %-escape */
    RS_PARSE_UTF8,     /* invalid UTF-8 or a NUL byte after decoding */
    RS_PARSE_EMPTY,    /* a pair with an empty name ("=v") */
    RS_PARSE_REPEATED, /* a name given twice */
    RS_PARSE_TOO_MANY, /* more than RS_PARAMS_MAX pairs */
    RS_PARSE_NOMEM,
};

#define RS_PARAMS_MAX 512

struct rs_params_block;

/* A decoded parameter set; caller storage, owns its strings: they live in
 * blocks, one per decoded string (query or body) and one per added pair,
 * so that decoding costs an allocation per string, not two per pair. */
struct rs_params {
    struct kc_param *items;
    size_t n;
    size_t cap;
    struct rs_params_block *blocks; /* newest first */
};

void rs_params_init(struct rs_params *p);
void rs_params_dispose(struct rs_params *p);

/*
 * Decodes "a=1&b=2" (n bytes, no leading '?') and adds the pairs to p.
 * Empty segments ("a=1&&b=2") are skipped; "k" alone is "k" = "".
 * On error p keeps the pairs added before the offending one.
 */
enum rs_parse_error rs_params_parse(struct rs_params *p, const char *s,
                                    size_t n);

/* Adds one pair (copied). Same error rules as rs_params_parse. */
enum rs_parse_error rs_params_add(struct rs_params *p, const char *name,
                                  const char *value);

/* The value of name, or NULL. */
const char *rs_params_get(const struct rs_params *p, const char *name);

/* The value of a "Format" parameter in a raw, undecoded string, compared
 * case-insensitively: true when it says XML. Used before parsing, to
 * answer parse errors in the asked format. */
bool rs_request_wants_xml(const char *s, size_t n);

#endif
