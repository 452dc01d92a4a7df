/*
 * kc_case: loading and linting of case files (docs/case-format.md).
 *
 * One JSON object per file. Loading validates everything `kmsconf lint`
 * checks: JSON syntax, unknown keys at every level, types, required keys,
 * error codes against the catalog, credential and capability names, omit
 * names, signature modes, wait_ms range, variables (each ${x} must be
 * built-in or saved by an earlier step; each saved variable must be used
 * later), id syntax, duplicate ids, expect.args placeholders.
 *
 * Every problem becomes one line in a struct kc_issues, in the form
 * "<file>: <JSON path>: <what>", e.g.
 *   cases/keys/x.json: $.probe.params.KeyId: expected a string
 * `kmsconf lint` prints them; `kmsconf run` prints them and exits 2.
 *
 * Ownership: a struct kc_caseset owns its cases and every string in them;
 * kc_caseset_dispose() frees all. Strings in a case are never NULL unless
 * the comment says so. Values (params, override, raw_query,
 * access_key_id) are stored unexpanded: the engine expands them with kc_vars.
 */
#ifndef KC_CASE_H
#define KC_CASE_H

#include <stdbool.h>
#include <stddef.h>

#include "kc/catalog.h"

/* ---- problems found while loading (lint messages) ---- */

struct kc_issues {
    char **lines; /* each one line, no trailing newline; owned */
    size_t n;
    size_t cap;
};

void kc_issues_init(struct kc_issues *is);
void kc_issues_dispose(struct kc_issues *is); /* frees lines, zeroes */
/* Appends one formatted line. 0 or -1 (out of memory). */
int kc_issues_add(struct kc_issues *is, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- the model ---- */

/* An ordered name/value pair; both owned by the case. */
struct kc_kv {
    char *name;
    char *value;
};

/* The common parameters a step may omit (bit flags). */
enum kc_common {
    KC_COMMON_TIMESTAMP = 1u << 0,
    KC_COMMON_SIGNATURE_NONCE = 1u << 1,
    KC_COMMON_VERSION = 1u << 2,
    KC_COMMON_ACTION = 1u << 3,
    KC_COMMON_ACCESS_KEY_ID = 1u << 4,
    KC_COMMON_SIGNATURE = 1u << 5,
    KC_COMMON_SIGNATURE_METHOD = 1u << 6,
    KC_COMMON_SIGNATURE_VERSION = 1u << 7,
    KC_COMMON_FORMAT = 1u << 8
};
/* "Timestamp" -> KC_COMMON_TIMESTAMP ...; 0 when the name is unknown. */
unsigned kc_common_from_name(const char *name);
/* The parameter name of one flag ("Timestamp"), or NULL. */
const char *kc_common_name(unsigned flag);

enum kc_sigmode {
    KC_SIG_VALID = 0, /* default */
    KC_SIG_CORRUPT,   /* flip the signature */
    KC_SIG_ABSENT     /* send none */
};

struct kc_step {
    char *action;         /* NULL only for a step that is just a wait */
    struct kc_kv *params; /* in file order */
    size_t nparams;
    char *credential;        /* never NULL: "default" when not given */
    char *access_key_id;     /* NULL unless given (may hold variables) */
    char *method;            /* NULL: the target's method */
    unsigned omit;           /* OR of enum kc_common */
    struct kc_kv *overrides; /* common parameter -> value, file order */
    size_t noverrides;
    enum kc_sigmode signature;
    char *raw_query;     /* NULL unless given (may hold variables) */
    long wait_ms;        /* 0..60000; 0 when absent */
    struct kc_kv *saves; /* variable name -> dotted path, file order */
    size_t nsaves;
    /* probe only (NULL / 0 elsewhere): */
    char *expect_error;        /* equals the case's error */
    struct kc_kv *expect_args; /* placeholder name -> value */
    size_t nexpect_args;
};

struct kc_case {
    char *id;      /* "keys/rejected-disabled" */
    char *error;   /* catalog code */
    char *summary; /* one line */
    char *file;    /* the path it was loaded from, as given */
    char **tags;
    size_t ntags;
    char **req_credentials; /* requires.credentials (as written) */
    size_t nreq_credentials;
    char **req_capabilities; /* requires.capabilities */
    size_t nreq_capabilities;
    struct kc_step *setup;
    size_t nsetup;
    struct kc_step probe;
    struct kc_step *teardown;
    size_t nteardown;
};

struct kc_caseset {
    struct kc_case *cases; /* sorted by id after kc_caseset_finish() */
    size_t n;
    size_t cap;
};

void kc_caseset_init(struct kc_caseset *set);
void kc_caseset_dispose(struct kc_caseset *set);

/* ---- loading ---- */

/*
 * Parses and lints one case from bytes; display names the file in messages.
 * A valid case is appended to set. Problems are appended to issues.
 * Returns 0 when the case was valid, 1 when it had problems (nothing
 * appended), -1 when out of memory. cat may not be NULL.
 */
int kc_case_parse(struct kc_caseset *set, const char *json, size_t len,
                  const char *display, const struct kc_catalog *cat,
                  struct kc_issues *issues);
/* The same for one file (read errors become issues). */
int kc_case_load_file(struct kc_caseset *set, const char *path,
                      const struct kc_catalog *cat, struct kc_issues *issues);
/*
 * Loads every *.json below dir, recursively, in sorted path order (so the
 * result is deterministic). Display paths are dir "/" relative path.
 * Returns 0 when all files were valid, 1 when some had problems, -1 on
 * out of memory.
 */
int kc_case_load_dir(struct kc_caseset *set, const char *dir,
                     const struct kc_catalog *cat, struct kc_issues *issues);
/*
 * Finishes a set after loading: reports duplicate ids (naming both files),
 * then sorts the cases by id. Returns 0 or 1 (duplicates found).
 */
int kc_caseset_finish(struct kc_caseset *set, struct kc_issues *issues);

/*
 * What `kmsconf run` and `kmsconf lint` call: loads each path (file or
 * folder) then finishes the set. Returns 0 when everything is valid, 1 when
 * issues were found (the caller prints them and exits 2), -1 out of memory.
 */
int kc_case_load_paths(struct kc_caseset *set, const char *const *paths,
                       size_t npaths, const struct kc_catalog *cat,
                       struct kc_issues *issues);

/* The case with that id, or NULL (set must be finished: binary search). */
const struct kc_case *kc_caseset_find(const struct kc_caseset *set,
                                      const char *id);

/* True when the case carries tag. */
bool kc_case_has_tag(const struct kc_case *c, const char *tag);

/*
 * Every credential name the case needs: requires.credentials plus the
 * credential of every step, without duplicates, in first-seen order.
 * Writes at most max pointers (into the case) and returns the total count
 * (exact when it is <= max; 64 is plenty for real cases).
 */
size_t kc_case_credentials(const struct kc_case *c, const char **out,
                           size_t max);

/* Names: [a-z0-9][a-z0-9._-]* (credentials, capabilities). */
bool kc_case_name_valid(const char *name);
/* Case ids: [a-z0-9./_-]+ */
bool kc_case_id_valid(const char *id);

#endif
