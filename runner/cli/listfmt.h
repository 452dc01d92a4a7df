/*
 * kc_listfmt: how `kmsconf list` and `kmsconf coverage` show a case's tags
 * and requirements.
 */
#ifndef KC_LISTFMT_H
#define KC_LISTFMT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "kc/case.h"

/* "a,b,c" (empty when the case has no tags); truncated to outlen. */
void kc_listfmt_tags(const struct kc_case *c, char *out, size_t outlen);
/* "credential:in-debt capability:low-key-quota": every credential but
 * "default" and every capability (empty when none). */
void kc_listfmt_requires(const struct kc_case *c, char *out, size_t outlen);
/* {"id","error","summary","file","tags":[],"credentials":[],
 *  "capabilities":[]}; caller frees (cJSON_Delete); NULL when out of
 * memory. */
cJSON *kc_listfmt_json(const struct kc_case *c);

#endif
