#include "listfmt.h"

#include <stdio.h>
#include <string.h>

#define MAX_CREDS 64

static void append(char *out, size_t outlen, const char *sep,
                   const char *prefix, const char *s)
{
    size_t n = strlen(out);

    if (n + 1 >= outlen)
        return;
    snprintf(out + n, outlen - n, "%s%s%s", n ? sep : "", prefix, s);
}

void kc_listfmt_tags(const struct kc_case *c, char *out, size_t outlen)
{
    out[0] = '\0';
    for (size_t i = 0; i < c->ntags; i++)
        append(out, outlen, ",", "", c->tags[i]);
}

void kc_listfmt_requires(const struct kc_case *c, char *out, size_t outlen)
{
    const char *creds[MAX_CREDS];
    size_t n = kc_case_credentials(c, creds, MAX_CREDS);

    out[0] = '\0';
    for (size_t i = 0; i < n && i < MAX_CREDS; i++) {
        if (strcmp(creds[i], "default") != 0)
            append(out, outlen, " ", "credential:", creds[i]);
    }
    for (size_t i = 0; i < c->nreq_capabilities; i++)
        append(out, outlen, " ", "capability:", c->req_capabilities[i]);
}

static cJSON *str_array(const char *const *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();

    for (size_t i = 0; arr && i < n; i++) {
        cJSON *s = cJSON_CreateString(v[i]);
        if (!s || !cJSON_AddItemToArray(arr, s)) {
            cJSON_Delete(s);
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

static bool add_array(cJSON *o, const char *key, cJSON *arr)
{
    if (arr && cJSON_AddItemToObject(o, key, arr))
        return true;
    cJSON_Delete(arr);
    return false;
}

cJSON *kc_listfmt_json(const struct kc_case *c)
{
    const char *creds[MAX_CREDS];
    size_t n = kc_case_credentials(c, creds, MAX_CREDS);
    cJSON *o = cJSON_CreateObject();

    if (!o || !cJSON_AddStringToObject(o, "id", c->id) ||
        !cJSON_AddStringToObject(o, "error", c->error) ||
        !cJSON_AddStringToObject(o, "summary", c->summary) ||
        !cJSON_AddStringToObject(o, "file", c->file) ||
        !add_array(o, "tags",
                   str_array((const char *const *)c->tags, c->ntags)) ||
        !add_array(o, "credentials",
                   str_array(creds, n < MAX_CREDS ? n : MAX_CREDS)) ||
        !add_array(o, "capabilities",
                   str_array((const char *const *)c->req_capabilities,
                             c->nreq_capabilities))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}
