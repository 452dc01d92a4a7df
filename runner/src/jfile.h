/*
 * kc_jfile (private to runner/src): reading the suite's JSON files (cases,
 * catalog, targets, envelopes) with a size ceiling and one-line errors.
 */
#ifndef KC_JFILE_H
#define KC_JFILE_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Ceiling for any suite JSON file. */
#define KC_JFILE_MAX (4u * 1024u * 1024u)

/*
 * Reads the whole file into a NUL-terminated buffer (caller frees); *len
 * receives its length. NULL with err "<path>: <reason>" on failure.
 */
char *kc_jfile_read(const char *path, size_t *len, char *err, size_t errlen);

/*
 * Parses JSON; the tree is the caller's (cJSON_Delete). NULL with err
 * "<display>: line L, column C: invalid JSON" on failure.
 */
cJSON *kc_jfile_parse(const char *json, size_t len, const char *display,
                      char *err, size_t errlen);

/* Appends ".key" or "[i]" to a JSON path held in out (always terminated;
 * truncated when too long). */
void kc_jfile_path_key(char *out, size_t outlen, const char *base,
                       const char *key);
void kc_jfile_path_index(char *out, size_t outlen, const char *base, size_t i);

/* "a string", "a number", "an object", ... for messages. */
const char *kc_jfile_type_name(const cJSON *item);

#endif
