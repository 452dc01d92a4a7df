/*
 * fuzz_rs_request: kms-refserver's parameter decoding (rs_params_parse,
 * rs_request_wants_xml) on arbitrary bytes. The input is a raw query
 * string, optionally followed by a NUL byte and a form body, decoded into
 * one parameter set as the server does.
 *
 * Invariants checked beyond memory safety: an accepted set has non-empty,
 * distinct, valid UTF-8 names and values without NUL, at most
 * RS_PARAMS_MAX pairs, each found by rs_params_get; re-encoding the set
 * with kc_pct_encode and decoding it again gives the same pairs in order.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "kc/codec.h"
#include "rs/request.h"

static void check_set(const struct rs_params *p)
{
    if (p->n > RS_PARAMS_MAX)
        fz_fail("rs_params_parse: more than RS_PARAMS_MAX pairs");
    for (size_t i = 0; i < p->n; i++) {
        const char *name = p->items[i].name, *value = p->items[i].value;
        if (!name || !value || !*name)
            fz_fail("rs_params_parse: NULL or empty name");
        if (!kc_utf8_valid(name, strlen(name)) ||
            !kc_utf8_valid(value, strlen(value)))
            fz_fail("rs_params_parse: invalid UTF-8 accepted");
        if (rs_params_get(p, name) != value)
            fz_fail("rs_params_parse: repeated name or lookup broken");
    }
}

static void re_encode(const struct rs_params *p)
{
    struct kc_buf b;
    struct rs_params again;

    kc_buf_init(&b, 0);
    rs_params_init(&again);
    for (size_t i = 0; i < p->n; i++) {
        if ((i > 0 && kc_buf_putc(&b, '&') != 0) ||
            kc_pct_encode(&b, p->items[i].name, strlen(p->items[i].name)) ||
            kc_buf_putc(&b, '=') != 0 ||
            kc_pct_encode(&b, p->items[i].value, strlen(p->items[i].value)))
            fz_fail("out of memory");
    }
    if (rs_params_parse(&again, kc_buf_str(&b), b.len) != RS_PARSE_OK)
        fz_fail("rs_params_parse: refuses its own re-encoded output");
    if (again.n != p->n)
        fz_fail("rs_params_parse: re-encoded set has another size");
    for (size_t i = 0; i < p->n; i++) {
        if (strcmp(again.items[i].name, p->items[i].name) ||
            strcmp(again.items[i].value, p->items[i].value))
            fz_fail("rs_params_parse: re-encoded set differs");
    }
    rs_params_dispose(&again);
    kc_buf_dispose(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nul = memchr(s, '\0', size);
    size_t qlen = nul ? (size_t)(nul - s) : size;
    struct rs_params p;
    enum rs_parse_error rc;

    (void)rs_request_wants_xml(s, qlen);
    rs_params_init(&p);
    rc = rs_params_parse(&p, s, qlen);
    if (rc == RS_PARSE_OK && nul) {
        (void)rs_request_wants_xml(nul + 1, size - qlen - 1);
        rc = rs_params_parse(&p, nul + 1, size - qlen - 1);
    }
    if (rc == RS_PARSE_OK) {
        check_set(&p);
        re_encode(&p);
    } else if (rc > RS_PARSE_NOMEM) {
        fz_fail("rs_params_parse: unknown error code");
    }
    /* On error the pairs before the offending one stay valid. */
    check_set(&p);
    rs_params_dispose(&p);
    return 0;
}
