/*
 * rs_ops: the KMS operations of kms-refserver, behind one call.
 *
 * The protocol layer (server.c, auth.c) has already authenticated the caller,
 * checked the common parameters and the account's condition; rs_ops_call()
 * validates the action's own parameters, applies the key-state rules and
 * produces either the result fields or one documented error.
 */
#ifndef RS_OPS_H
#define RS_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "kc/sign.h"
#include "rs/reply.h"

struct rs_store;

struct rs_call {
    /* Every decoded request parameter (query and form body together);
     * common ones (AccessKeyId, Timestamp, ...) included. */
    const struct kc_param *params;
    size_t nparams;
    const char *account; /* account of the calling access key */
    const char *region;  /* region the request is for */
    bool region_has_hsm; /* whether that region offers ProtectionLevel HSM */
    unsigned key_quota;  /* the account's key quota */
    long import_token_life_s; /* lifetime of import tokens it is issued */
    time_t now;
};

struct rs_result {
    /* Success: the result fields, RequestId excluded (the caller adds it).
     * Owned by the caller after the call (cJSON_Delete). NULL on error. */
    cJSON *body;
    /* Error: a documented code such as RS_ERR_FORBIDDEN_KEY_NOT_FOUND;
     * RS_ERR_NONE on success. */
    enum rs_err_code error;
    /* Binding of the message placeholder (the parameter's name) for
     * MissingParameter and InvalidParameter; "" otherwise. */
    char arg[64];
};

/* Creates the store; NULL when out of memory. Thread-safe to use from the
 * server's worker threads. */
struct rs_store *rs_store_new(void);
void rs_store_free(struct rs_store *st);

/* Whether action is one of the operations kms-refserver implements. */
bool rs_ops_known(const char *action);

/* The implemented actions in the order of the dispatch table (strcmp
 * order): rs_ops_action(i) for i < rs_ops_count(), NULL beyond. */
size_t rs_ops_count(void);
const char *rs_ops_action(size_t i);

/* Carries out one call. Returns 0 with out filled (success or documented
 * error), or -1 when the server itself failed (out of memory). */
int rs_ops_call(struct rs_store *st, const char *action,
                const struct rs_call *call, struct rs_result *out);

#endif
