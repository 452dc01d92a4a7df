/*
 * kc_file: reading a whole file with a named ceiling. Every file that
 * kmsconf or kms-refserver reads (case files, the catalog, target profiles,
 * expectation files, reports, the server configuration, secret files) goes
 * through here, so that a hostile or mistaken path can cost at most the
 * ceiling its caller names.
 */
#ifndef KC_FILE_H
#define KC_FILE_H

#include <stddef.h>
#include <stdio.h>

enum kc_file_flags {
    KC_FILE_TEXT = 1 << 0,    /* refuse a NUL byte in the content */
    KC_FILE_REGULAR = 1 << 1, /* refuse a FIFO, device or socket */
};

/*
 * Reads the file at path, at most max bytes, into a NUL-terminated buffer
 * that the caller frees; *len (may be NULL) receives its length. NULL on
 * failure, with err "<path>: cannot open: <reason>", "<path>: larger than
 * <max> bytes", "<path>: cannot read: <reason>", "<path>: contains a NUL
 * byte" (KC_FILE_TEXT), "<path>: not a regular file" (KC_FILE_REGULAR) or
 * "<path>: out of memory". Opening never blocks: a FIFO without a writer
 * reads as empty (or is refused with KC_FILE_REGULAR).
 */
char *kc_file_read(const char *path, size_t max, unsigned flags, size_t *len,
                   char *err, size_t errlen);

/* The same opening as kc_file_read, for a caller that reads the file as a
 * stream (and names its own ceiling): a blocking stream the caller closes
 * with fclose, or NULL with err "<path>: cannot open: <reason>", "<path>:
 * cannot read: Is a directory" or "<path>: not a regular file"
 * (KC_FILE_REGULAR; KC_FILE_TEXT is ignored). */
FILE *kc_file_open(const char *path, unsigned flags, char *err, size_t errlen);

#endif
