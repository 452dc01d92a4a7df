#include "kc/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/codec.h"
#include "kc/err.h"

char *kc_file_read(const char *path, size_t max, unsigned flags, size_t *len,
                   char *err, size_t errlen)
{
    struct kc_buf b;
    char *out = NULL;
    FILE *f = fopen(path, "rb");
    int rc;

    if (len)
        *len = 0;
    if (!f) {
        kc_err_set(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    kc_buf_init(&b, max);
    rc = kc_buf_read(&b, f);
    if (rc == -1) {
        kc_err_set(err, errlen, "%s: larger than %zu bytes", path, max);
        goto out;
    }
    if (rc == -2) {
        kc_err_set(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        goto out;
    }
    if ((flags & KC_FILE_TEXT) && memchr(kc_buf_str(&b), '\0', b.len)) {
        kc_err_set(err, errlen, "%s: contains a NUL byte", path);
        goto out;
    }
    if (len)
        *len = b.len;
    out = b.len ? kc_buf_detach(&b) : calloc(1, 1);
    if (!out)
        kc_err_set(err, errlen, "%s: out of memory", path);
out:
    kc_buf_dispose(&b);
    fclose(f);
    return out;
}
