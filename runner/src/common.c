/* kc_common: names of the common request parameters. */
#include "kc/common.h"

#include <stddef.h>
#include <string.h>

/* Bit i of enum kc_common is names[i]. */
static const char *const common_names[] = {
    "Timestamp", "SignatureNonce",  "Version",          "Action", "AccessKeyId",
    "Signature", "SignatureMethod", "SignatureVersion", "Format"};

#define NCOMMON (sizeof(common_names) / sizeof(common_names[0]))

unsigned kc_common_from_name(const char *name)
{
    for (size_t i = 0; i < NCOMMON; i++) {
        if (!strcmp(name, common_names[i]))
            return 1u << i;
    }
    return 0;
}

const char *kc_common_name(unsigned flag)
{
    for (size_t i = 0; i < NCOMMON; i++) {
        if (flag == 1u << i)
            return common_names[i];
    }
    return NULL;
}
