/*
 * kc_jcheck: the member checks of the one-line JSON loaders (target
 * profiles, envelope rule sets), private to the engine. The first problem
 * wins: it is written once into (err, errlen) as "<display>: <JSON path>:
 * <what>" and every later check returns -1 at once.
 */
#ifndef KC_JCHECK_H
#define KC_JCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/* The state of one load; the caller fills it, failed false. */
struct kc_jcheck {
    const char *display; /* names the source in messages */
    const char *dir;     /* its folder, for relative file names; may be NULL */
    char *err;           /* may be NULL */
    size_t errlen;
    bool failed; /* a problem was reported */
};

/* Reports a problem at path (unless one was reported already). -1. */
int kc_jcheck_fail(struct kc_jcheck *J, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The string member key of o, copied into *out (caller frees): def when
 * absent and not required. It must be non-empty. 0 or -1. */
int kc_jcheck_str(struct kc_jcheck *J, const cJSON *o, const char *key,
                  const char *base, bool required, const char *def, char **out);
/* The boolean member key of o into *out, def when absent. 0 or -1. */
int kc_jcheck_bool(struct kc_jcheck *J, const cJSON *o, const char *key,
                   const char *base, bool def, bool *out);
/* The first member of o whose key an earlier member has, into *rep (NULL:
 * none). 0, or -1 when out of memory. O(n log n). */
int kc_jcheck_first_repeat(struct kc_jcheck *J, const cJSON *o,
                           const char *base, const cJSON **rep);
/* Refuses the first member of o (in file order) whose key is not among
 * known[0..n) ("unknown key 'endpiont' (did you mean 'endpoint'?)") or
 * repeats an earlier key ("repeated key"). */
int kc_jcheck_only_keys(struct kc_jcheck *J, const cJSON *o, const char *base,
                        const char *const *known, size_t n);

#endif
