/*
 * kc_case: the model of a case file (docs/case-format.md) and of a set of
 * cases: lifetime, lookups, and the name rules the format uses.
 *
 * kc/case_parse.h turns bytes into a case (with every lint message);
 * kc/case_load.h reads files and folders of them.
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

#include "kc/common.h"
#include "kc/issues.h"

/* ---- the model ---- */

/* An ordered name/value pair; both owned by the case. */
struct kc_kv {
    char *name;
    char *value;
};

enum kc_sigmode {
    KC_SIG_VALID = 0, /* default */
    KC_SIG_CORRUPT,   /* flip the signature */
    KC_SIG_ABSENT     /* send none */
};

/* The longest a step may wait (wait_ms, or wait_until from now). */
#define KC_CASE_WAIT_MAX_MS 60000

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
    char *wait_until;    /* NULL, or an ISO 8601 time (may hold variables):
                            the step waits until then, see case-format.md */
    struct kc_kv *saves; /* variable name -> dotted path, file order */
    size_t nsaves;
    /* probe only (NULL / 0 elsewhere): */
    char *expect_error;        /* equals the case's error */
    struct kc_kv *expect_args; /* placeholder name -> value */
    size_t nexpect_args;
};

/* The conformance level a case belongs to (its "level"): what a target
 * claims and a run reports verdicts for. KC_LEVEL_EXTENSION holds the
 * expectations no Alibaba source documents; they are reported apart. */
enum kc_level {
    KC_LEVEL_CORE,          /* protocol, signatures, parameters, not-found */
    KC_LEVEL_KEY_LIFECYCLE, /* key states and their transitions */
    KC_LEVEL_ALIASES,
    KC_LEVEL_IMPORT, /* bring your own key */
    KC_LEVEL_ACCOUNT,
    KC_LEVEL_FAULTS,
    KC_LEVEL_EXTENSION,
    KC_NLEVELS
};

/* "core", "key-lifecycle", ... (static storage); NULL out of range. */
const char *kc_level_name(enum kc_level l);
/* 0 and *out set when name is a level's name, else -1. */
int kc_level_parse(const char *name, enum kc_level *out);

/* A document that says this request gets this error: ref names one of the
 * catalog's "sources", at says where in it (page, table, field). */
struct kc_case_source {
    char *ref;
    char *at;
};

struct kc_case {
    char *id;      /* "keys/rejected-disabled" */
    char *error;   /* catalog code */
    char *summary; /* one line */
    char *file;    /* the path it was loaded from, as given */
    enum kc_level level;
    struct kc_case_source *sources; /* none at KC_LEVEL_EXTENSION */
    size_t nsources;
    char *extension; /* KC_LEVEL_EXTENSION only: why no source applies */
    char sha256[65]; /* lower-case hex SHA-256 of the case file's bytes */
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
/* Moves *c into the set (c is zeroed: the set owns its strings now).
 * 0 or -1 (out of memory; c unchanged). */
int kc_caseset_add(struct kc_caseset *set, struct kc_case *c);

/* Frees every string of a case or step that is not in a set, and zeroes
 * it. */
void kc_case_dispose(struct kc_case *c);
void kc_case_step_dispose(struct kc_step *s);

/*
 * The digest of a library: lower-case hex SHA-256 of one line "<id>
 * <sha256 of the file>\n" per case, in id order whatever the order of v,
 * into out. Two runs with the same digest ran the same case files. 0, or
 * -1 on out of memory.
 */
int kc_cases_digest(const struct kc_case *const *v, size_t n, char out[65]);

/*
 * Finishes a set after loading: reports duplicate ids (naming both files),
 * then sorts the cases by id. Returns 0, 1 (duplicates found) or -1 (out
 * of memory).
 */
int kc_caseset_finish(struct kc_caseset *set, struct kc_issues *issues);

/* The case with that id, or NULL (set must be finished: binary search). */
const struct kc_case *kc_caseset_find(const struct kc_caseset *set,
                                      const char *id);

/* True when the case carries tag. */
bool kc_case_has_tag(const struct kc_case *c, const char *tag);

/* A size for kc_case_credentials()'s out array: plenty for real cases. */
#define KC_CASE_CREDENTIALS_MAX 64

/*
 * Every credential name the case needs: requires.credentials plus the
 * credential of every step, without duplicates, in first-seen order.
 * Writes at most max pointers (into the case) and returns the total count
 * (exact when it is <= max).
 */
size_t kc_case_credentials(const struct kc_case *c, const char **out,
                           size_t max);

/* Names: [a-z0-9][a-z0-9._-]* (credentials, capabilities). */
bool kc_case_name_valid(const char *name);
/* Case ids: [a-z0-9./_-]+ */
bool kc_case_id_valid(const char *id);

#endif
