/* kc_checkname: the names of the answer checks. */
#include "kc/checkname.h"

const char *kc_checkname_at(size_t i)
{
    static const char *const names[KC_CHECKNAME_COUNT] = {"status",
                                                          "code",
                                                          "message",
                                                          "request-id",
                                                          "request-id-header",
                                                          "request-id-unique",
                                                          "envelope",
                                                          "format",
                                                          "content-type",
                                                          "parity"};

    return i < KC_CHECKNAME_COUNT ? names[i] : NULL;
}
