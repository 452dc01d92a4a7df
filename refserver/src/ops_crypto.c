/* rs_ops_crypto: Encrypt, Decrypt, GenerateDataKey,
 * GenerateDataKeyWithoutPlaintext. */
#include "ops_crypto.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "kc/codec.h"
#include "rs/crypto.h"

#define MAX_PLAINTEXT 6144 /* bytes of Encrypt's Plaintext, decoded */
#define MAX_DATA_KEY  1024 /* NumberOfBytes of GenerateDataKey */

/* Seals pt under k's primary version and builds the common result fields
 * (KeyId, KeyVersionId, CiphertextBlob) into b. 0 or -1. */
static int seal_into(struct rs_jb *b, const struct rs_key *k, const char *ctx,
                     const unsigned char *pt, size_t n)
{
    size_t blen = 0;
    unsigned char *blob = rs_crypto_seal(k->material, k->id, k->versions[0].id,
                                         ctx, pt, n, &blen);
    char *b64 = blob ? kc_base64_encode(blob, blen) : NULL;
    free(blob);
    if (!b64)
        return -1;
    rs_jb_str(b, "KeyId", k->id);
    rs_jb_str(b, "KeyVersionId", k->versions[0].id);
    rs_jb_str(b, "CiphertextBlob", b64);
    free(b64);
    return 0;
}

int rs_ops_crypto_encrypt(struct rs_op *o)
{
    int rc = 0;
    char *ctx = NULL;
    size_t n = 0;
    unsigned char *pt = NULL;
    struct rs_key *k = NULL;
    const char *pt64 = rs_op_param(o, "Plaintext");
    if (!rs_op_param(o, "KeyId"))
        return rs_op_fail(o, RS_ERR_MISSING_PARAMETER, "KeyId");
    if (!pt64)
        return rs_op_fail(o, RS_ERR_MISSING_PARAMETER, "Plaintext");
    rc = rs_op_context(o, &ctx);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (strlen(pt64) <= RS_OP_B64_MAX)
        pt = kc_base64_decode(pt64, strlen(pt64), &n);
    if (!pt || n > MAX_PLAINTEXT) {
        rs_op_fail(o, RS_ERR_INVALID_PARAMETER, "Plaintext");
        goto out;
    }
    if (rs_op_key_param(o, true, &k) || rs_op_usable(o, k))
        goto out;
    struct rs_jb b = rs_jb_new();
    rc = rs_op_finish(o, &b, seal_into(&b, k, ctx, pt, n));
out:
    if (pt)
        OPENSSL_cleanse(pt, n);
    free(pt);
    free(ctx);
    return rc;
}

/* Decodes and parses CiphertextBlob; the blob bytes (caller frees) or NULL
 * with the error recorded. */
static unsigned char *blob_param(struct rs_op *o, struct rs_blob *parsed)
{
    const char *s = rs_op_param(o, "CiphertextBlob");
    size_t n = 0;
    unsigned char *blob = NULL;
    if (strlen(s) <= RS_OP_B64_MAX)
        blob = kc_base64_decode(s, strlen(s), &n);
    if (!blob || rs_crypto_blob_parse(blob, n, parsed) != 0) {
        free(blob);
        rs_op_fail(o, RS_ERR_INVALID_PARAMETER, "CiphertextBlob");
        return NULL;
    }
    return blob;
}

static cJSON *decrypt_body(const struct rs_key *k, const char *vid,
                           const unsigned char *pt, size_t n)
{
    char *b64 = kc_base64_encode(pt, n);
    if (!b64)
        return NULL;
    struct rs_jb b = rs_jb_new();
    rs_jb_str(&b, "KeyId", k->id);
    rs_jb_str(&b, "KeyVersionId", vid);
    rs_jb_str(&b, "Plaintext", b64);
    OPENSSL_cleanse(b64, strlen(b64));
    free(b64);
    return rs_jb_done(&b);
}

int rs_ops_crypto_decrypt(struct rs_op *o)
{
    int rc = 0;
    char *ctx = NULL;
    unsigned char *blob = NULL, *pt = NULL;
    struct rs_blob parsed;
    struct rs_key *k = NULL;
    if (!rs_op_param(o, "CiphertextBlob"))
        return rs_op_fail(o, RS_ERR_MISSING_PARAMETER, "CiphertextBlob");
    rc = rs_op_context(o, &ctx);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    blob = blob_param(o, &parsed);
    if (!blob)
        goto out;
    k = rs_scope_key(o->sc, parsed.key_id);
    if (!k) {
        rs_op_fail(o, RS_ERR_FORBIDDEN_KEY_NOT_FOUND, "");
        goto out;
    }
    if (rs_op_usable(o, k))
        goto out;
    rc = -1;
    pt = malloc(parsed.ct_len + 1);
    if (!pt)
        goto out;
    rc = 0;
    if (!rs_key_version(k, parsed.version_id) ||
        rs_crypto_open(k->material, blob, &parsed, ctx, pt) != 0) {
        rs_op_fail(o, RS_ERR_INVALID_PARAMETER, "CiphertextBlob");
        goto out;
    }
    rc =
        rs_op_succeed(o, decrypt_body(k, parsed.version_id, pt, parsed.ct_len));
out:
    if (pt)
        OPENSSL_cleanse(pt, parsed.ct_len);
    free(pt);
    free(blob);
    free(ctx);
    return rc;
}

/* NumberOfBytes / KeySpec of GenerateDataKey; 0 with *n set, or 1. */
static int data_key_size(struct rs_op *o, size_t *n)
{
    static const char *const specs[] = {"AES_256", "AES_128", NULL};
    const char *spec = rs_op_param(o, "KeySpec");
    long bytes = 0;
    bool has = false;
    if (rs_op_opt_long(o, "NumberOfBytes", &bytes, &has))
        return 1;
    if (spec && !rs_op_one_of(spec, specs))
        return rs_op_reject(o, RS_ERR_INVALID_PARAMETER, "KeySpec");
    if (has && (bytes < 1 || bytes > MAX_DATA_KEY))
        return rs_op_reject(o, RS_ERR_INVALID_PARAMETER, "NumberOfBytes");
    *n = has ? (size_t)bytes : spec && strcmp(spec, "AES_128") == 0 ? 16 : 32;
    return 0;
}

/* GenerateDataKey (with_plaintext) and GenerateDataKeyWithoutPlaintext. */
static int generate_data_key(struct rs_op *o, bool with_plaintext)
{
    int rc = 0;
    char *ctx = NULL, *b64 = NULL;
    unsigned char dk[MAX_DATA_KEY];
    size_t n = 0;
    struct rs_key *k = NULL;
    if (!rs_op_param(o, "KeyId"))
        return rs_op_fail(o, RS_ERR_MISSING_PARAMETER, "KeyId");
    if (data_key_size(o, &n))
        return 0;
    rc = rs_op_context(o, &ctx);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (rs_op_key_param(o, true, &k) || rs_op_usable(o, k))
        goto out;
    rc = -1;
    if (rs_crypto_random(dk, n) != 0 || !(b64 = kc_base64_encode(dk, n)))
        goto out;
    struct rs_jb b = rs_jb_new();
    rc = seal_into(&b, k, ctx, dk, n);
    if (with_plaintext)
        rs_jb_str(&b, "Plaintext", b64);
    rc = rs_op_finish(o, &b, rc);
out:
    if (b64)
        OPENSSL_cleanse(b64, strlen(b64));
    free(b64);
    OPENSSL_cleanse(dk, sizeof(dk));
    free(ctx);
    return rc;
}

int rs_ops_crypto_generate_data_key(struct rs_op *o)
{
    return generate_data_key(o, true);
}

int rs_ops_crypto_generate_data_key_without_plaintext(struct rs_op *o)
{
    return generate_data_key(o, false);
}
