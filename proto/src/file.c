#include "kc/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kc/codec.h"
#include "kc/err.h"

/*
 * Opens path for reading without blocking on a FIFO, refuses what is not a
 * regular file when asked to, and returns a blocking stream (NULL with err
 * set on failure).
 */
FILE *kc_file_open(const char *path, unsigned flags, char *err, size_t errlen)
{
    struct stat st;
    FILE *f = NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0) {
        kc_err_set(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0) {
        kc_err_set(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        goto out;
    }
    if ((flags & KC_FILE_REGULAR) && !S_ISREG(st.st_mode)) {
        kc_err_set(err, errlen, "%s: not a regular file", path);
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        kc_err_set(err, errlen, "%s: cannot read: %s", path, strerror(EISDIR));
        goto out;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl == -1 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1 ||
        !(f = fdopen(fd, "rb"))) {
        kc_err_set(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        goto out;
    }
    fd = -1; /* the stream owns it now */
out:
    if (fd >= 0)
        close(fd);
    return f;
}

char *kc_file_read(const char *path, size_t max, unsigned flags, size_t *len,
                   char *err, size_t errlen)
{
    struct kc_buf b;
    char *out = NULL;
    FILE *f;
    enum kc_buf_read_status rc;

    if (len)
        *len = 0;
    f = kc_file_open(path, flags, err, errlen);
    if (!f)
        return NULL;
    kc_buf_init(&b, max);
    rc = kc_buf_read(&b, f);
    if (rc == KC_BUF_READ_FULL) {
        kc_err_set(err, errlen, "%s: larger than %zu bytes", path, max);
        goto out;
    }
    if (rc == KC_BUF_READ_ERROR) {
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
