/*
 * rs_reqlog: the request log of kms-refserver (--request-log FILE), one
 * JSON object per line and request: time, method, action, format, HTTP
 * status, Code and RequestId. It never holds secrets, signatures or
 * parameter values. Thread-safe.
 */
#ifndef RS_REQLOG_H
#define RS_REQLOG_H

#include <time.h>

struct rs_reqlog;

struct rs_reqlog_entry {
    time_t time;
    const char *method;
    const char *action; /* "" when unknown */
    const char *format; /* "JSON" or "XML" */
    unsigned status;
    const char *code; /* "" on success */
    const char *request_id;
};

/* Opens path for appending; NULL with errno set on failure. The caller
 * closes it with rs_reqlog_close (NULL-safe). */
struct rs_reqlog *rs_reqlog_open(const char *path);
/* Writes and flushes one line; 0 or -1. */
int rs_reqlog_write(struct rs_reqlog *l, const struct rs_reqlog_entry *e);
void rs_reqlog_close(struct rs_reqlog *l);

#endif
