/*
 * rs_store: the in-memory state of kms-refserver (keys, key versions,
 * aliases, import tokens), kept per scope = (account, region), each scope
 * behind a mutex of its own, so that accounts do not wait for each other.
 * rs_store_new/rs_store_free are declared in ops.h.
 *
 * Only the operations (op.c, ops_*.c) and unit tests use this header.
 * Every function that takes a scope, key or alias must be called with the
 * scope entered (rs_store_enter); the pointers it returns stay valid until
 * the scope is left or the object is removed. Keys are found by id in a
 * hash index, and the clock is applied to a scope only when one of its
 * keys is due, so the cost of a request does not grow with the keys held.
 */
#ifndef RS_STORE_H
#define RS_STORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>

#include "rs/crypto.h"
#include "rs/ops.h"

/* "key-" + 21 lower-case alphanumerics. */
#define RS_KEY_ID_LEN     25
#define RS_ALIAS_NAME_MAX 261 /* "alias/" + 255 */
#define RS_TOKENS_PER_KEY 8
/* Aliases per (account, region): the default quota of the limits page. */
#define RS_ALIASES_PER_SCOPE 300
#define RS_VERSIONS_PER_KEY  16
#define RS_WRAP_POOL         4
#define RS_FINGERPRINT_LEN   32 /* SHA-256 of imported material */

enum rs_key_state {
    RS_ENABLED,
    RS_DISABLED,
    RS_PENDING_DELETION,
    RS_PENDING_IMPORT,
};

struct rs_version {
    char id[RS_CRYPTO_VERSION_ID_LEN + 1];
    time_t created;
};

struct rs_token {
    char id[64]; /* 48 hex digits, "" when the slot is free */
    time_t issued;
    enum rs_wrap alg;
    EVP_PKEY *pkey; /* a reference of its own (EVP_PKEY_up_ref) */
};

struct rs_key {
    char id[RS_KEY_ID_LEN + 1];
    char *description;
    char key_spec[16];
    char protection[16];
    bool external; /* Origin EXTERNAL, else Aliyun_KMS */
    enum rs_key_state state;
    time_t created;
    time_t delete_date;     /* when PendingDeletion */
    time_t material_expire; /* EXTERNAL with material: 0 = never */
    bool rotation;
    long rotation_s;
    bool has_material;
    /* Fingerprint of the first imported material: re-imports (after
     * DeleteKeyMaterial or expiry) must bring the same material. */
    bool imported_once;
    unsigned char fingerprint[RS_FINGERPRINT_LEN];
    unsigned char material[RS_CRYPTO_KEY_LEN];
    struct rs_version versions[RS_VERSIONS_PER_KEY];
    size_t nversions; /* versions[0] is the primary */
    struct rs_token tokens[RS_TOKENS_PER_KEY];
    size_t next_token;
};

struct rs_alias {
    char name[RS_ALIAS_NAME_MAX + 1];
    char key_id[RS_KEY_ID_LEN + 1];
};

struct rs_scope {
    pthread_mutex_t mu;
    char *account;
    char *region;
    struct rs_key **keys; /* in creation order */
    size_t nkeys, capkeys;
    struct rs_key **index; /* open addressing by id; NULL slots are free */
    size_t index_cap, index_used;
    time_t next_due; /* the earliest deletion date or material expiry */
    struct rs_alias *aliases; /* in creation order */
    size_t naliases, capaliases;
};

/* Enters the scope of (account, region), created on first use, and
 * applies the clock: keys whose deletion date has passed are removed (with
 * their aliases), imported material that expired is dropped (the key goes
 * to PendingImport). NULL when out of memory. The caller leaves it with
 * rs_store_leave; a thread holds at most one scope at a time. */
struct rs_scope *rs_store_enter(struct rs_store *st, const char *account,
                                const char *region, time_t now);
void rs_store_leave(struct rs_scope *sc);
/* rs_store_enter without the scope's lock, for single-threaded callers
 * (the unit tests). */
struct rs_scope *rs_store_scope(struct rs_store *st, const char *account,
                                const char *region, time_t now);
/* To be called after k's state, deletion date or material expiry changed:
 * the clock is applied to the scope from k's next due time on. */
void rs_scope_key_changed(struct rs_scope *sc, const struct rs_key *k);

/* Key lookup by key id within the scope; NULL when absent. */
struct rs_key *rs_scope_key(struct rs_scope *sc, const char *id);
/* Keys that count against the quota (all but PendingDeletion). */
size_t rs_scope_live_keys(const struct rs_scope *sc);
/* Adds a new key (ownership passes to the scope, also on failure, when
 * it is freed). When the scope already holds max_total keys, the oldest
 * PendingDeletion key is removed first; -1 if there is none or when out
 * of memory, 0 on success. */
int rs_scope_add_key(struct rs_scope *sc, struct rs_key *k, size_t max_total);
/* Removes and frees a key and its aliases. */
void rs_scope_remove_key(struct rs_scope *sc, struct rs_key *k);

/* A new key with a fresh id and a first version (no material); NULL when
 * out of memory. Free with rs_key_free unless handed to a scope. */
struct rs_key *rs_key_new(time_t now);
void rs_key_free(struct rs_key *k);
/* Puts an import token in the key's ring (the oldest one is dropped);
 * takes a reference on pkey. */
void rs_key_add_token(struct rs_key *k, const char *id, time_t issued,
                      enum rs_wrap alg, EVP_PKEY *pkey);
struct rs_token *rs_key_token(struct rs_key *k, const char *id);
/* Key version lookup; NULL when absent. */
const struct rs_version *rs_key_version(const struct rs_key *k, const char *id);

struct rs_alias *rs_scope_alias(struct rs_scope *sc, const char *name);
size_t rs_scope_alias_count(const struct rs_scope *sc, const char *key_id);
int rs_scope_add_alias(struct rs_scope *sc, const char *name,
                       const char *key_id);
void rs_scope_remove_alias(struct rs_scope *sc, struct rs_alias *a);

/* A wrapping key from the store's small pool (generated on first use of a
 * slot, outside the store lock; do not hold it while calling). Returns a
 * new reference (EVP_PKEY_free it) or NULL on failure. */
EVP_PKEY *rs_store_wrapping_key(struct rs_store *st);

/* Name of a state as the API spells it. */
const char *rs_state_name(enum rs_key_state s);

#endif
