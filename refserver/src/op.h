/*
 * rs_op: one KMS operation in progress, and what the operations of every
 * family (ops_keys.c, ops_versions.c, ops_aliases.c, ops_crypto.c,
 * ops_import.c) share: recording the result, reading parameters, paging,
 * the encryption context, and resolving the key a KeyId names.
 *
 * Private to rs_core. The store is locked for the whole operation
 * (rs_ops_call); o->sc is the caller's scope.
 *
 * Checks return 0 when the request passed them and 1 when they recorded a
 * documented error (rs_op_reject); operations return 0 once the result or
 * the error is recorded, -1 when the server itself failed (out of memory).
 */
#ifndef RS_OP_H
#define RS_OP_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "jb.h"
#include "rs/ops.h"
#include "rs/reply.h"
#include "rs/store.h"

/* Largest base64 parameter decoded (Plaintext, CiphertextBlob,
 * EncryptedKeyMaterial). */
#define RS_OP_B64_MAX 65536

/* Room for an ARN (rs_op_arn): region, account and a key id or alias. */
#define RS_OP_ARN_MAX 512

struct rs_op {
    struct rs_store *st;
    const struct rs_call *call;
    struct rs_result *out;
    struct rs_scope *sc;
};

/* ---- results ---- */

/* Records a documented error (arg binds the message placeholder, cut to
 * the size of rs_result.arg); returns 0, the call itself succeeded. */
int rs_op_fail(struct rs_op *o, enum rs_err_code code, const char *arg);
/* The same, returning 1 (for checks). */
int rs_op_reject(struct rs_op *o, enum rs_err_code code, const char *arg);
/* Hands body over as the success result; -1 when it is NULL (OOM). */
int rs_op_succeed(struct rs_op *o, cJSON *body);
/* Ends a builder: its object as the success result when rc is 0, else
 * freed; -1 when rc or the builder failed. */
int rs_op_finish(struct rs_op *o, struct rs_jb *b, int rc);
/* An empty object as the success result. */
int rs_op_empty(struct rs_op *o);

/* ---- parameters ---- */

/* The value of a parameter, NULL when absent or empty. */
const char *rs_op_param(const struct rs_op *o, const char *name);
/* A whole decimal integer (optional leading '-'); 0 or -1. */
int rs_op_parse_long(const char *s, long *out);
/* "true" or "false", either case; 0 or -1. */
int rs_op_parse_bool(const char *s, bool *out);
/* Whether s is one of the NULL-terminated set. */
bool rs_op_one_of(const char *s, const char *const *set);
/* Optional integer parameter: 0 absent or parsed (*present tells), 1 when
 * the error is recorded. */
int rs_op_opt_long(struct rs_op *o, const char *name, long *v, bool *present);
/* PageNumber (default 1, >= 1) and PageSize (default 10, size_min to
 * size_max, the range the operation's page documents); 0 or 1. A PageSize
 * of 0 gives an empty page. */
int rs_op_paging(struct rs_op *o, long size_min, long size_max, long *page,
                 long *size);
/* Optional EncryptionContext in canonical form into *out (caller frees;
 * NULL when absent): the documented JSON string, or else the flattened
 * form EncryptionContext.<k>=<v> of older SDKs. 0, 1 when the error is
 * recorded, -1 when out of memory. */
int rs_op_context(struct rs_op *o, char **out);

/* ---- keys ---- */

/* Finds the key a KeyId value names: a key id, an ARN or (when aliases is
 * true) alias/<name>. 0 with *k set, 1 when the error is recorded. */
int rs_op_resolve(struct rs_op *o, const char *ref, bool aliases,
                  struct rs_key **k);
/* The required KeyId, resolved. 0 or 1. */
int rs_op_key_param(struct rs_op *o, bool aliases, struct rs_key **k);
/* ListKeyVersions/ListAliasesByKeyId: KeyId must be given, then the
 * paging (PageSize 0..101) and the key (an alias too when aliases is true)
 * are checked. 0 or 1. */
int rs_op_paged_key(struct rs_op *o, bool aliases, long *page, long *size,
                    struct rs_key **k);
/* Encrypt/Decrypt/GenerateDataKey need an Enabled key. 0 or 1. */
int rs_op_usable(struct rs_op *o, const struct rs_key *k);
/* acs:kms:<region>:<account>:<kind><name>, truncated to cap. */
void rs_op_arn(const struct rs_op *o, const char *kind, const char *name,
               char *out, size_t cap);

/* ---- lists ---- */

/* {outer: {inner: items}, TotalCount, PageNumber, PageSize}, taking items;
 * NULL when out of memory. */
cJSON *rs_op_page_body(const char *outer, const char *inner, cJSON *items,
                       size_t total, long page, long size);
/* Whether index i (0-based) is on the requested page. */
bool rs_op_on_page(size_t i, long page, long size);

#endif
