/*
 * kc_envelope: the envelope rule sets of suite/envelopes.json, which say
 * what fields an error body carries (checked by kc_check's "envelope").
 *
 * Ownership: kc_envelope_load() / kc_envelope_parse() allocate the set,
 * kc_envelope_free() releases it. Lookups point into the set.
 */
#ifndef KC_ENVELOPE_H
#define KC_ENVELOPE_H

#include <stdbool.h>
#include <stddef.h>

enum kc_field_type {
    KC_FIELD_STRING, /* JSON string; XML any text */
    KC_FIELD_NUMBER, /* JSON number (integer); XML decimal digits */
    KC_FIELD_OBJECT  /* JSON object; XML element with child elements */
};

struct kc_envelope_field {
    char *name; /* "HttpStatus" */
    enum kc_field_type type;
    bool required; /* false: tolerated when present */
};

struct kc_envelope {
    char *name; /* "kms" */
    char *description;
    /* Fields of the JSON object and children of the XML root element. */
    struct kc_envelope_field *fields;
    size_t nfields;
    bool allow_other_fields; /* false: any other field is a failure */
    char **xml_roots;        /* accepted root element names ("KMS") */
    size_t nxml_roots;
    /* true: Messages may take the catalog's wordings of scope "gateway"
     * (the POP gateway's text), not only the KMS ones */
    bool gateway_wordings;
};

/*
 * Loads the rule set called name from an envelopes file. -1 with err
 * (naming file and JSON path) when the file is malformed or has no such
 * set. Caller frees with kc_envelope_free().
 */
int kc_envelope_load(struct kc_envelope **out, const char *path,
                     const char *name, char *err, size_t errlen);
int kc_envelope_parse(struct kc_envelope **out, const char *json, size_t len,
                      const char *display, const char *name, char *err,
                      size_t errlen);
void kc_envelope_free(struct kc_envelope *e); /* NULL-safe */
/* The rule for a field name, or NULL when the set does not name it. */
const struct kc_envelope_field *kc_envelope_field(const struct kc_envelope *e,
                                                  const char *name);
/* True when name is one of the accepted XML roots. */
bool kc_envelope_xml_root_ok(const struct kc_envelope *e, const char *name);

#endif
