/*
 * kc_bundle: evidence bundles (`kmsconf run --bundle DIR`, docs/bundles.md).
 *
 * A bundle is a folder: report.xml (the JUnit report), suite/catalog.json
 * and suite/envelopes.json (copies of what the run used), answers/<n>.json
 * (one per probe answer, redacted, n its record order), rids.json (the
 * RequestIds of the setup and teardown answers with their record numbers)
 * and SHA256SUMS
 * ("<hex>  <path>" lines, sorted, of every other file), written last;
 * optionally SHA256SUMS.sig, a raw Ed25519 signature of SHA256SUMS.
 *
 * The writer is thread-safe (the run's workers record answers). The
 * manifest functions are what `kmsconf verify` uses before it re-derives
 * the verdicts (kc/bverify.h).
 */
#ifndef KC_BUNDLE_H
#define KC_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>

#include "kc/check.h"

/* Ceilings: SHA256SUMS, an answer file, a key file, files in a bundle. */
#define KC_BUNDLE_SUMS_MAX   (8u * 1024u * 1024u)
#define KC_BUNDLE_ANSWER_MAX (4u * 1024u * 1024u)
#define KC_BUNDLE_KEY_MAX    16384u
#define KC_BUNDLE_FILES_MAX  100000u
/* A path inside a bundle ("answers/000001.json"). */
#define KC_BUNDLE_PATH_MAX 256

struct kc_bundle;

/* One probe answer to record; every pointer borrowed, texts redacted. */
struct kc_bundle_answer {
    const char *case_id;
    bool xml;
    const char *code; /* the expected error code */
    const struct kc_arg *args;
    size_t nargs;
    const char *envelope; /* the envelope rule set's name, NULL: none */
    bool seed_only;       /* the catalog was restricted to the seed */
    long status;
    const char *content_type; /* NULL: absent */
    unsigned content_type_count;
    const char *request_id_header; /* NULL: absent */
    unsigned request_id_count;
    const char *body;
    size_t body_len;
    const struct kc_check_failure *carried; /* failures added after checks */
    size_t ncarried;
};

/* Creates dir (it must not exist, or be an empty folder) with its
 * subfolders. Caller frees with kc_bundle_free. NULL with err. */
struct kc_bundle *kc_bundle_open(const char *dir, char *err, size_t errlen);
void kc_bundle_free(struct kc_bundle *b); /* NULL-safe */

/* Runs kc_check_error under the bundle's lock and returns the answer's
 * record number, the order in which its RequestId met the run's set. */
unsigned long kc_bundle_check_error(struct kc_bundle *b,
                                    const struct kc_expected_error *ex,
                                    const struct kc_answer *a,
                                    struct kc_ridset *rids,
                                    struct kc_check_result *res);

/* kc_check_success under the bundle's lock (setup and teardown answers,
 * whose RequestIds meet the same set); returns its record number. */
unsigned long kc_bundle_check_success(struct kc_bundle *b,
                                      const struct kc_answer *a,
                                      struct kc_ridset *rids,
                                      struct kc_check_result *res);
/* Keeps the RequestId (redacted) a success answer numbered seq put into
 * the run's set; kc_bundle_close writes them all to rids.json. 0 or -1
 * (out of memory). */
int kc_bundle_add_rid(struct kc_bundle *b, unsigned long seq, const char *rid);

/* Writes answers/<seq>.json. 0 or -1 with err. */
int kc_bundle_add_answer(struct kc_bundle *b, unsigned long seq,
                         const struct kc_bundle_answer *ans, char *err,
                         size_t errlen);
/* Writes len bytes as the bundle file path (relative). 0 or -1 with err. */
int kc_bundle_add_file(struct kc_bundle *b, const char *path, const char *data,
                       size_t len, char *err, size_t errlen);
/* Copies the file at src into the bundle as path. 0 or -1 with err. */
int kc_bundle_copy_file(struct kc_bundle *b, const char *path, const char *src,
                        char *err, size_t errlen);
/* Writes rids.json, SHA256SUMS and, with sign_key (a PEM Ed25519 private key
 * file), SHA256SUMS.sig. No file may be added after. 0 or -1 with err. */
int kc_bundle_close(struct kc_bundle *b, const char *sign_key, char *err,
                    size_t errlen);

/* ---- reading (kmsconf verify) ---- */

struct kc_bundle_entry {
    char hex[65];
    char path[KC_BUNDLE_PATH_MAX];
};

/* Parses SHA256SUMS text: lines "<64 lower-case hex>  <path>\n", paths
 * relative without "." or ".." parts, strictly sorted. *out is the
 * caller's (free). -1 with err "SHA256SUMS: line N: <what>". */
int kc_bundle_sums_parse(const char *text, size_t len,
                         struct kc_bundle_entry **out, size_t *n, char *err,
                         size_t errlen);

/* Called once per problem found by kc_bundle_check_files (one line). */
typedef void (*kc_bundle_problem_fn)(void *ctx, const char *line);

/* Checks the files of dir against SHA256SUMS (listed files present with
 * their hash, no file unlisted) and, with key (a PEM Ed25519 public key
 * file), SHA256SUMS.sig. Returns the number of problems (each told to fn),
 * or -1 with err when SHA256SUMS or the key cannot be read. */
long kc_bundle_check_files(const char *dir, const char *key,
                           kc_bundle_problem_fn fn, void *ctx, char *err,
                           size_t errlen);

#endif
