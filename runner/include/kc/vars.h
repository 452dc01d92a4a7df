/*
 * kc_vars: ${name} variables of case files.
 *
 * Built-in names: run.id (a UUID per run), run.label ("kmsconf-" + first 8
 * characters of run.id), uuid (a fresh UUID at each use), case.id,
 * target.region, cap.<name> (a capability's value). Steps add the values they
 * save. A scope may have a parent: the run scope holds run.* / target.* /
 * cap.*, each case gets its own scope (parent = run scope) for case.id and
 * saved values.
 *
 * Syntax: "${" name "}" where name is [A-Za-z0-9_.-]+. "$${" is an escape
 * that produces a literal "${". Any other '$' is literal.
 *
 * Ownership: a scope owns copies of its names and values;
 * kc_vars_dispose() frees them. The parent must outlive the child.
 */
#ifndef KC_VARS_H
#define KC_VARS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "kc/case.h"
#include "kc/target.h"

struct kc_vars {
    struct kc_kv *vars; /* owned */
    size_t n;
    size_t cap;
    const struct kc_vars *parent; /* may be NULL; not owned */
};

void kc_vars_init(struct kc_vars *v, const struct kc_vars *parent);
void kc_vars_dispose(struct kc_vars *v);

/* Sets (or replaces) name in this scope. 0 or -1 (out of memory). */
int kc_vars_set(struct kc_vars *v, const char *name, const char *value);
/* The value of name in this scope or its parents, or NULL. "uuid" is not
 * stored: it is produced by kc_vars_expand(). */
const char *kc_vars_get(const struct kc_vars *v, const char *name);

/* Sets run.id and run.label from a run id (a UUID). */
int kc_vars_set_run(struct kc_vars *v, const char *run_id);
/* Sets target.region and cap.<name> for every declared capability. */
int kc_vars_set_target(struct kc_vars *v, const struct kc_target *t);

/*
 * Expands every ${name} of in. On success *out is a new string (caller
 * frees) and 0 is returned. On an undefined variable or bad syntax *out is
 * NULL, -1 is returned and err receives e.g. "undefined variable ${key}"
 * or "unterminated ${". Out of memory: -1 and "out of memory".
 */
int kc_vars_expand(const struct kc_vars *v, const char *in, char **out,
                   char *err, size_t errlen);

/*
 * Calls fn for each ${name} reference in s (not for escapes). Returns 0, or
 * -1 when s has bad syntax (unterminated "${" or an invalid name), in which
 * case err says what. fn's name argument is NUL-terminated and valid only
 * during the call. Used by lint.
 */
int kc_vars_scan(const char *s, void (*fn)(void *ctx, const char *name),
                 void *ctx, char *err, size_t errlen);

/* True for a name that is built in (run.id, run.label, uuid, case.id,
 * target.region, cap.<anything non-empty>). */
bool kc_vars_is_builtin(const char *name);

/*
 * Reads a value from a JSON body by dotted path: "KeyMetadata.KeyId",
 * "Keys.Key.0.KeyId" (a number segment indexes an array). Strings are
 * copied, numbers formatted (integers without a fraction), booleans
 * "true"/"false". On success *out is a new string (caller frees) and 0 is
 * returned; -1 with err ("no KeyMetadata.KeyId in the answer", "Keys.Key is
 * not an object", ...) when the path leads nowhere or to an object/array/
 * null.
 */
int kc_vars_from_json(const cJSON *body, const char *path, char **out,
                      char *err, size_t errlen);
/* True for a syntactically valid save path (non-empty dot-separated
 * segments). */
bool kc_vars_path_valid(const char *path);

#endif
