/* rs_reqlog: one JSON line per request, no secrets. */
#include "rs/reqlog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "kc/codec.h"

struct rs_reqlog {
    pthread_mutex_t lock;
    FILE *f;
};

struct rs_reqlog *rs_reqlog_open(const char *path)
{
    struct rs_reqlog *l = calloc(1, sizeof(*l));
    if (!l)
        return NULL;
    l->f = fopen(path, "a");
    if (!l->f || pthread_mutex_init(&l->lock, NULL)) {
        if (l->f)
            fclose(l->f);
        free(l);
        return NULL;
    }
    return l;
}

/* Strings from the request are logged only when they are valid UTF-8
 * and short; anything else would break the JSON line or flood it. */
static const char *loggable(const char *s)
{
    if (!s || strlen(s) > 128 || !kc_utf8_valid(s, strlen(s)))
        return "";
    return s;
}

int rs_reqlog_write(struct rs_reqlog *l, const struct rs_reqlog_entry *e)
{
    char when[21];
    char *line = NULL;
    int rc = -1;
    cJSON *o = cJSON_CreateObject();
    kc_time_format(e->time, when);
    if (!o || !cJSON_AddStringToObject(o, "time", when) ||
        !cJSON_AddStringToObject(o, "method", loggable(e->method)) ||
        !cJSON_AddStringToObject(o, "action", loggable(e->action)) ||
        !cJSON_AddStringToObject(o, "format", e->format) ||
        !cJSON_AddNumberToObject(o, "status", e->status) ||
        !cJSON_AddStringToObject(o, "code", e->code) ||
        !cJSON_AddStringToObject(o, "request_id", e->request_id))
        goto out;
    line = cJSON_PrintUnformatted(o);
    if (!line)
        goto out;
    pthread_mutex_lock(&l->lock);
    rc = fprintf(l->f, "%s\n", line) < 0 || fflush(l->f) ? -1 : 0;
    pthread_mutex_unlock(&l->lock);
out:
    free(line);
    cJSON_Delete(o);
    return rc;
}

void rs_reqlog_close(struct rs_reqlog *l)
{
    if (!l)
        return;
    fclose(l->f);
    pthread_mutex_destroy(&l->lock);
    free(l);
}
