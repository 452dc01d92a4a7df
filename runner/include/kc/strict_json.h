/*
 * kc_strict_json: one reading of a JSON answer (docs/checks.md, "One
 * reading of every answer").
 *
 * cJSON reads more than RFC 8259 allows (bytes after the value, a byte
 * order mark, form feeds as white space, raw control characters, "0404")
 * and cuts strings at an escaped NUL, while JavaScript's JSON.parse,
 * Python's json and Go's encoding/json refuse or read them otherwise. An
 * answer is read only after it passed two steps:
 *
 *   kc_strict_json_scan   the RFC 8259 grammar, byte by byte: exactly one
 *                         value, only RFC 8259 white space, valid UTF-8,
 *                         no raw control characters in strings, numbers
 *                         in the grammar, no unpaired surrogate escape, no
 *                         escaped NUL in a member name, nesting at most
 *                         KC_STRICT_JSON_MAX_DEPTH. No allocation.
 *   kc_strict_json_names  on the tree cJSON built from bytes that passed:
 *                         no object, at any depth, has two members whose
 *                         names are equal or differ only in case (Go's
 *                         reader matches names without case).
 *
 * Both return 0, or -1 with a one-line message naming the ambiguity in
 * (err, errlen).
 */
#ifndef KC_STRICT_JSON_H
#define KC_STRICT_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Deepest nesting of arrays and objects read (readers' own limits differ:
 * Python's recursion limit, cJSON's 1000). */
#define KC_STRICT_JSON_MAX_DEPTH 512

/* What the scan saw of a watched top-level member (flags). */
enum {
    KC_STRICT_JSON_SEEN = 1u << 0,        /* the member is there */
    KC_STRICT_JSON_ESCAPED_NUL = 1u << 1, /* string value holds \u0000 */
    KC_STRICT_JSON_NOT_INTEGER = 1u << 2, /* number with fraction/exponent */
};

/* A top-level member the caller reads: name in, flags out (the first
 * member of that name; repeated names fail kc_strict_json_names). */
struct kc_strict_json_watch {
    const char *name;
    unsigned flags;
};

/* Scans text[0..len) (no terminator needed) against RFC 8259 with the
 * rules above; fills the flags of watch[0..nwatch) (may be NULL). */
int kc_strict_json_scan(const char *text, size_t len,
                        struct kc_strict_json_watch *watch, size_t nwatch,
                        char *err, size_t errlen);

/* Checks member names of every object in the tree at root. May allocate
 * (one array per object, freed before it returns); out of memory is
 * reported as a failure. */
int kc_strict_json_names(const cJSON *root, char *err, size_t errlen);

#endif
