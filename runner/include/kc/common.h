/*
 * kc_common: the common parameters of a KMS request that a case step may
 * omit or override (docs/case-format.md), as bit flags and by name.
 */
#ifndef KC_COMMON_H
#define KC_COMMON_H

enum kc_common {
    KC_COMMON_TIMESTAMP = 1u << 0,
    KC_COMMON_SIGNATURE_NONCE = 1u << 1,
    KC_COMMON_VERSION = 1u << 2,
    KC_COMMON_ACTION = 1u << 3,
    KC_COMMON_ACCESS_KEY_ID = 1u << 4,
    KC_COMMON_SIGNATURE = 1u << 5,
    KC_COMMON_SIGNATURE_METHOD = 1u << 6,
    KC_COMMON_SIGNATURE_VERSION = 1u << 7,
    KC_COMMON_FORMAT = 1u << 8
};

/* "Timestamp" -> KC_COMMON_TIMESTAMP ...; 0 when the name is unknown. */
unsigned kc_common_from_name(const char *name);
/* The parameter name of one flag ("Timestamp"), or NULL. Static storage. */
const char *kc_common_name(unsigned flag);

#endif
