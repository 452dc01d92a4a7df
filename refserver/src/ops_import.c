/* rs_ops_import: GetParametersForImport, ImportKeyMaterial,
 * DeleteKeyMaterial. */
#include "ops_import.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "kc/codec.h"
#include "rs/crypto.h"

#define TOKEN_RANDOM 24  /* random bytes of an import token */
#define UNWRAP_MAX   512 /* room for unwrapped material (RSA-2048: 256) */

/* The key of an import operation: resolved, EXTERNAL. 0 or 1. */
static int external_key(struct rs_op *o, struct rs_key **k)
{
    if (rs_op_key_param(o, false, k))
        return 1;
    if (!(*k)->external)
        return rs_op_reject(o, RS_ERR_UNSUPPORTED_ORIGIN, "");
    return 0;
}

static int import_params(struct rs_op *o, enum rs_wrap *alg)
{
    const char *algname = rs_op_param(o, "WrappingAlgorithm");
    const char *spec = rs_op_param(o, "WrappingKeySpec");
    if (!rs_op_param(o, "KeyId"))
        return rs_op_reject(o, RS_ERR_MISSING_PARAMETER, "KeyId");
    if (!algname)
        return rs_op_reject(o, RS_ERR_MISSING_PARAMETER, "WrappingAlgorithm");
    if (!spec)
        return rs_op_reject(o, RS_ERR_MISSING_PARAMETER, "WrappingKeySpec");
    if (rs_crypto_wrap_parse(algname, alg) != 0)
        return rs_op_reject(o, RS_ERR_INVALID_PARAMETER, "WrappingAlgorithm");
    if (strcmp(spec, "RSA_2048") != 0)
        return rs_op_reject(o, RS_ERR_INVALID_PARAMETER, "WrappingKeySpec");
    return 0;
}

/* Issues a token for k with pkey and builds the answer. */
static int issue_token(struct rs_op *o, struct rs_key *k, enum rs_wrap alg,
                       EVP_PKEY *pkey)
{
    unsigned char rnd[TOKEN_RANDOM];
    char tok[2 * sizeof(rnd) + 1];
    char *pub = NULL;
    int rc = -1;
    /* Hex rather than base64: no '+' or '/' to trip up hand-made queries. */
    if (rs_crypto_random(rnd, sizeof(rnd)) != 0)
        goto out;
    kc_hex(rnd, sizeof(rnd), tok);
    pub = rs_crypto_public_b64(pkey);
    if (!pub)
        goto out;
    rs_key_add_token(k, tok, o->call->now, alg, pkey);
    struct rs_jb b = rs_jb_new();
    rs_jb_str(&b, "KeyId", k->id);
    rs_jb_str(&b, "ImportToken", tok);
    rs_jb_str(&b, "PublicKey", pub);
    rs_jb_time(&b, "TokenExpireTime",
               o->call->now + o->call->import_token_life_s);
    rc = rs_op_succeed(o, rs_jb_done(&b));
out:
    free(pub);
    return rc;
}

int rs_ops_import_get_parameters(struct rs_op *o)
{
    enum rs_wrap alg = RS_WRAP_PKCS1_V1_5;
    struct rs_key *k = NULL;
    if (import_params(o, &alg) || external_key(o, &k))
        return 0;
    /* The wrapping key may have to be generated: not under the lock. */
    rs_store_leave(o->sc);
    EVP_PKEY *pkey = rs_store_wrapping_key(o->st);
    o->sc =
        rs_store_enter(o->st, o->call->account, o->call->region, o->call->now);
    if (!pkey)
        return -1;
    int rc = -1;
    if (o->sc)
        rc = external_key(o, &k) ? 0 : issue_token(o, k, alg, pkey);
    EVP_PKEY_free(pkey);
    return rc;
}

/* KeyMaterialExpireUnix: absent or 0 = never, else in the future. */
static int material_expiry(struct rs_op *o, time_t *out)
{
    long v = 0;
    bool has = false;
    if (rs_op_opt_long(o, "KeyMaterialExpireUnix", &v, &has))
        return 1;
    if (has && (v < 0 || (v > 0 && v <= o->call->now)))
        return rs_op_reject(o, RS_ERR_INVALID_PARAMETER,
                            "KeyMaterialExpireUnix");
    *out = (time_t)v;
    return 0;
}

/* Checks the token and unwraps the material into out; 0 or 1. */
static int unwrap_material(struct rs_op *o, struct rs_key *k,
                           unsigned char out[RS_CRYPTO_KEY_LEN])
{
    const char *s = rs_op_param(o, "EncryptedKeyMaterial");
    struct rs_token *t = rs_key_token(k, rs_op_param(o, "ImportToken"));
    if (!t)
        return rs_op_reject(o, RS_ERR_INVALID_IMPORT_TOKEN, "");
    if (o->call->now >= t->issued + o->call->import_token_life_s)
        return rs_op_reject(o, RS_ERR_EXPIRED_IMPORT_TOKEN, "");
    size_t n = 0, len = 0;
    unsigned char plain[UNWRAP_MAX];
    unsigned char *wrapped = NULL;
    if (strlen(s) <= RS_OP_B64_MAX)
        wrapped = kc_base64_decode(s, strlen(s), &n);
    int bad = !wrapped ||
              rs_crypto_unwrap(t->pkey, t->alg, wrapped, n, plain,
                               sizeof(plain), &len) != 0 ||
              len != RS_CRYPTO_KEY_LEN;
    if (!bad)
        memcpy(out, plain, RS_CRYPTO_KEY_LEN);
    OPENSSL_cleanse(plain, sizeof(plain));
    free(wrapped);
    return bad ? rs_op_reject(o, RS_ERR_INVALID_KEY_MATERIAL, "") : 0;
}

int rs_ops_import_key_material(struct rs_op *o)
{
    static const char *const required[] = {"KeyId", "EncryptedKeyMaterial",
                                           "ImportToken", NULL};
    struct rs_key *k = NULL;
    time_t expire = 0;
    unsigned char m[RS_CRYPTO_KEY_LEN], fp[RS_FINGERPRINT_LEN];
    for (size_t i = 0; required[i]; i++) {
        if (!rs_op_param(o, required[i]))
            return rs_op_fail(o, RS_ERR_MISSING_PARAMETER, required[i]);
    }
    if (material_expiry(o, &expire) || external_key(o, &k))
        return 0;
    if (k->state == RS_PENDING_DELETION)
        return rs_op_fail(o, RS_ERR_REJECTED_STATE_MODIFIED_FAILED, "");
    if (unwrap_material(o, k, m))
        return 0;
    int rc = -1;
    if (!EVP_Digest(m, sizeof(m), fp, NULL, EVP_sha256(), NULL))
        goto out;
    rc = 0;
    if (k->imported_once &&
        CRYPTO_memcmp(fp, k->fingerprint, sizeof(fp)) != 0) {
        rs_op_fail(o, RS_ERR_INVALID_KEY_MATERIAL, "");
        goto out;
    }
    memcpy(k->material, m, sizeof(m));
    memcpy(k->fingerprint, fp, sizeof(fp));
    k->imported_once = k->has_material = true;
    k->material_expire = expire;
    if (k->state == RS_PENDING_IMPORT)
        k->state = RS_ENABLED;
    rs_scope_key_changed(o->sc, k);
    rc = rs_op_empty(o);
out:
    OPENSSL_cleanse(m, sizeof(m));
    return rc;
}

int rs_ops_import_delete_key_material(struct rs_op *o)
{
    struct rs_key *k = NULL;
    if (external_key(o, &k))
        return 0;
    OPENSSL_cleanse(k->material, sizeof(k->material));
    k->has_material = false;
    k->material_expire = 0;
    if (k->state != RS_PENDING_DELETION)
        k->state = RS_PENDING_IMPORT;
    return rs_op_empty(o);
}
