/*
 * kc_err: the one convention for reporting an error to a caller.
 *
 * A function that can fail returns 0 on success and -1 on failure, and
 * writes one line into the caller's buffer (err, errlen) saying what went
 * wrong and where: "<file>: <JSON path>: <what>" or "<what>: <why>". The
 * line never holds a newline or another control byte. Where a caller must
 * tell several failures apart, the function returns a named enum instead
 * (enum kc_json_status, enum kc_exit, ...), never bare -2 or -3.
 */
#ifndef KC_ERR_H
#define KC_ERR_H

#include <stddef.h>

/* Size of an error line buffer: enough for a path, a JSON path and a
 * reason. Longer text is cut, never overflowed. */
#define KC_ERR_MAX 512

/* printf into err (when err and errlen are non-zero); control bytes of the
 * formatted text become '?', so a hostile value cannot print fake lines. */
void kc_err_set(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Rewrites control bytes (< 0x20, 0x7f) of s in place as '?'. */
void kc_err_sanitize(char *s);

#endif
