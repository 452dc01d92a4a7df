/* rs_jb: a JSON object builder that remembers a failed allocation. */
#include "jb.h"

#include "kc/codec.h"

void rs_jb_str(struct rs_jb *b, const char *name, const char *value)
{
    if (b->ok && !cJSON_AddStringToObject(b->obj, name, value))
        b->ok = false;
}

void rs_jb_num(struct rs_jb *b, const char *name, double value)
{
    if (b->ok && !cJSON_AddNumberToObject(b->obj, name, value))
        b->ok = false;
}

void rs_jb_time(struct rs_jb *b, const char *name, time_t t)
{
    char buf[21] = "";
    if (t > 0)
        kc_time_format(t, buf);
    rs_jb_str(b, name, buf);
}

void rs_jb_add(struct rs_jb *b, const char *name, cJSON *item)
{
    if (!item || !b->ok || !cJSON_AddItemToObject(b->obj, name, item)) {
        cJSON_Delete(item);
        b->ok = false;
    }
}

struct rs_jb rs_jb_new(void)
{
    struct rs_jb b = {cJSON_CreateObject(), true};
    b.ok = b.obj != NULL;
    return b;
}

cJSON *rs_jb_done(struct rs_jb *b)
{
    if (b->ok)
        return b->obj;
    cJSON_Delete(b->obj);
    return NULL;
}
