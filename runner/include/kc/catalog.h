/*
 * kc_catalog: the documented errors of suite/catalog.json (code, HTTP status,
 * message templates) and the message matching rule.
 *
 * A template may hold placeholders such as "<parameter name>". Matching a
 * message against a template: a placeholder bound in args must appear as its
 * bound value verbatim; an unbound placeholder matches one non-empty token (a
 * run of characters that are neither white space nor '"'). Everything else is
 * compared byte for byte; only white space around the whole message is
 * ignored.
 *
 * Ownership: kc_catalog_load() allocates the catalog, kc_catalog_free()
 * releases it with every string in it. Entries point into the catalog.
 */
#ifndef KC_CATALOG_H
#define KC_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

/* A wording another Alibaba source documents for the same error. */
struct kc_catalog_wording {
    char *tmpl;   /* "Internal Failure" */
    char *scope;  /* "kms" or "gateway" */
    char *source; /* where it is documented, one line */
};

struct kc_catalog_entry {
    char *code;      /* "Forbidden.KeyNotFound" */
    int http_status; /* 404 */
    char **messages; /* the seed's templates, the documented text first */
    size_t nmessages;
    struct kc_catalog_wording *documented; /* other sources' wordings */
    size_t ndocumented;
    bool seed_only; /* match the seed's templates only (strict messages) */
    bool extra;     /* from the "extra" table: beyond the 32 common errors */
    char *source;   /* extra entries: where the code is documented */
};

/* A document that case files cite by name ("api-metadata"). */
struct kc_catalog_source {
    char *name; /* "[a-z0-9-]+" */
    char *what; /* the document and the version read, one line */
};

struct kc_catalog {
    struct kc_catalog_entry *entries; /* in file order */
    size_t nentries;
    struct kc_catalog_entry *extras; /* documented codes beyond the 32 */
    size_t nextras;
    struct kc_catalog_source *sources; /* the documents cases cite */
    size_t nsources;
    char *suite_version; /* "suite_version": the suite release, or NULL */
    char sha256[65];     /* lower-case hex SHA-256 of the file bytes */
    char *path;          /* the file it was loaded from */
};

/* A placeholder binding, e.g. {"parameter name", "KeyId"}. Not owned. */
struct kc_arg {
    const char *name;
    const char *value;
};

/*
 * Loads and validates a catalog file. On success *out is the new catalog
 * (caller frees with kc_catalog_free) and 0 is returned. On failure *out is
 * NULL, -1 is returned and err (may be NULL) receives one line naming the
 * file and the JSON path, e.g. "suite/catalog.json: $.errors[3].code:
 * expected a string".
 */
int kc_catalog_load(struct kc_catalog **out, const char *path, char *err,
                    size_t errlen);
/* The same from bytes in memory; display names the source in messages. */
int kc_catalog_parse(struct kc_catalog **out, const char *json, size_t len,
                     const char *display, char *err, size_t errlen);
void kc_catalog_free(struct kc_catalog *c); /* NULL-safe */

/* The entry for code (common or extra), or NULL. */
const struct kc_catalog_entry *kc_catalog_find(const struct kc_catalog *c,
                                               const char *code);
/* The cited document named name, or NULL. */
const struct kc_catalog_source *
kc_catalog_source_find(const struct kc_catalog *c, const char *name);

/* Restricts (on) or widens (off) every entry to the seed's templates. */
void kc_catalog_set_seed_only(struct kc_catalog *c, bool on);

/* The template message matches with args bound: 0..nmessages-1 for the
 * seed's, nmessages+i for documented[i]; -1 when none matches. With
 * seed_only set, documented wordings are not tried. */
int kc_catalog_match_which(const struct kc_catalog_entry *e,
                           const char *message, const struct kc_arg *args,
                           size_t nargs);
/* The same, trying documented wordings of scope "gateway" only when
 * gateway is true (an envelope rule set for the POP gateway's answers). */
int kc_catalog_match_scoped(const struct kc_catalog_entry *e,
                            const char *message, const struct kc_arg *args,
                            size_t nargs, bool gateway);
/* The source of template number which (as kc_catalog_match_which returns):
 * "seed" for the seed's, else documented[i].source; NULL when out of range.
 */
const char *kc_catalog_template_source(const struct kc_catalog_entry *e,
                                       int which);

/* True when message matches one of e's templates with args bound. */
bool kc_catalog_match(const struct kc_catalog_entry *e, const char *message,
                      const struct kc_arg *args, size_t nargs);
/* True when message matches the single template tmpl with args bound. */
bool kc_catalog_match_template(const char *tmpl, const char *message,
                               const struct kc_arg *args, size_t nargs);

/* True when one of e's templates holds the placeholder <name>. */
bool kc_catalog_has_placeholder(const struct kc_catalog_entry *e,
                                const char *name);

#endif
