/*
 * rs_jb: a JSON object builder that remembers a failed allocation, so that
 * a result of many fields is checked once, at rs_jb_done(). Private to
 * rs_core (the operations build their results with it).
 */
#ifndef RS_JB_H
#define RS_JB_H

#include <stdbool.h>
#include <time.h>

#include <cjson/cJSON.h>

struct rs_jb {
    cJSON *obj;
    bool ok; /* false once an allocation failed */
};

/* A builder of a new, empty object. */
struct rs_jb rs_jb_new(void);
/* Add a string, a number, a time ("yyyy-MM-ddTHH:mm:ssZ"; "" for t <= 0)
 * under name. */
void rs_jb_str(struct rs_jb *b, const char *name, const char *value);
void rs_jb_num(struct rs_jb *b, const char *name, double value);
void rs_jb_time(struct rs_jb *b, const char *name, time_t t);
/* Adds item under name, taking it; a NULL item marks the builder failed. */
void rs_jb_add(struct rs_jb *b, const char *name, cJSON *item);
/* The built object (the caller's, cJSON_Delete), or NULL with everything
 * freed when something failed. */
cJSON *rs_jb_done(struct rs_jb *b);

#endif
