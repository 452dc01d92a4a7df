/*
 * kc_checkname: the stable names of the answer checks, in one order shared
 * by kmsconf's checks (enum kc_check) and kms-refserver's deviations (bit i
 * of its deviation mask), so that a deviation and the check it breaks are
 * named alike.
 */
#ifndef KC_CHECKNAME_H
#define KC_CHECKNAME_H

#include <stddef.h>

#define KC_CHECKNAME_COUNT 10

/* "status", "code", "message", "request-id", "request-id-header",
 * "request-id-unique", "envelope", "format", "content-type", "parity";
 * NULL when i >= KC_CHECKNAME_COUNT. Static storage. */
const char *kc_checkname_at(size_t i);

#endif
