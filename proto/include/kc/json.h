/*
 * kc_json: the JSON toolkit of every JSON reader in the project (case
 * files, the catalog, target profiles, envelope rules, expectation files,
 * kms-refserver's configuration). Built on cJSON; adds what each reader
 * otherwise wrote for itself: loading with a named ceiling, parse errors
 * with line and column, JSON-path locations for messages, typed member
 * getters, and known-key and repeated-key validation.
 */
#ifndef KC_JSON_H
#define KC_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/* Size of a JSON-path buffer ("$.setup[2].params.KeyId"); longer paths are
 * cut, never overflowed. */
#define KC_JSON_PATH_MAX 256

/* Ceiling of any JSON file of the suite (case, catalog, envelope rules,
 * target profile). */
#define KC_JSON_FILE_MAX (4u * 1024u * 1024u)

/*
 * Parses exactly one JSON value of len bytes (only white space may follow
 * it). The tree is the caller's (cJSON_Delete). NULL with err
 * "<display>: line L, column C: invalid JSON" on failure.
 */
cJSON *kc_json_parse(const char *text, size_t len, const char *display,
                     char *err, size_t errlen);

/* kc_file_read (at most max bytes) then kc_json_parse; errors name path. */
cJSON *kc_json_load(const char *path, size_t max, char *err, size_t errlen);

/* Line and column (both from 1) of byte offset off of text. */
void kc_json_locate(const char *text, size_t off, size_t *line, size_t *col);

/* Appends ".key" (or ["key"] with control bytes escaped, for a key that
 * is not a plain name) or "[i]" to the JSON path base, into out. */
void kc_json_path_key(char *out, size_t outlen, const char *base,
                      const char *key);
void kc_json_path_index(char *out, size_t outlen, const char *base, size_t i);

/* ---- known keys ---- */

/* Whether key is one of known[0..n). */
bool kc_json_key_in(const char *key, const char *const *known, size_t n);

/* The first member of obj after `after` (NULL: from the start) whose key
 * is not among known[0..n); NULL when there is none. */
const cJSON *kc_json_unknown_member(const cJSON *obj, const cJSON *after,
                                    const char *const *known, size_t n);

/*
 * The members of obj whose key an earlier member of obj already has, in
 * document order, as an array the caller frees (NULL when there are none,
 * or when out of memory: *n tells which, SIZE_MAX for out of memory).
 * O(m log m) in the number of members.
 */
const cJSON **kc_json_repeated_members(const cJSON *obj, size_t *n);

/* The first repeated member of obj, or NULL (also when out of memory). */
const cJSON *kc_json_first_repeated(const cJSON *obj);

/* ---- typed getters ---- */

enum kc_json_status {
    KC_JSON_OK = 0,          /* found, of the asked type (and range) */
    KC_JSON_ABSENT = 1,      /* no such member */
    KC_JSON_WRONG_TYPE = -1, /* present, of another type */
    KC_JSON_OUT_OF_RANGE = -2,
};

/* Member key of obj as a string (the tree's storage). */
enum kc_json_status kc_json_string(const cJSON *obj, const char *key,
                                   const char **out);
enum kc_json_status kc_json_bool(const cJSON *obj, const char *key, bool *out);
/* An integral number in [min, max]. */
enum kc_json_status kc_json_long(const cJSON *obj, const char *key, long min,
                                 long max, long *out);
/* Member key of obj when it is an object (or array, for _array). */
enum kc_json_status kc_json_object(const cJSON *obj, const char *key,
                                   const cJSON **out);
enum kc_json_status kc_json_array(const cJSON *obj, const char *key,
                                  const cJSON **out);

#endif
