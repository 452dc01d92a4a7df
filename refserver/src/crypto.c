/* rs_crypto: AES-256-GCM blobs, encryption contexts, RSA key import. */
#include "rs/crypto.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "kc/codec.h"

static const unsigned char blob_magic[4] = {'K', 'C', 'B', 0x01};

int rs_crypto_random(void *out, size_t n)
{
    if (n > INT_MAX)
        return -1;
    return RAND_bytes(out, (int)n) == 1 ? 0 : -1;
}

int rs_crypto_blob_parse(const unsigned char *b, size_t n, struct rs_blob *out)
{
    memset(out, 0, sizeof(*out));
    if (n < sizeof(blob_magic) + 1 || memcmp(b, blob_magic, 4) != 0)
        return -1;
    size_t idlen = b[4];
    size_t pos = 5;
    if (idlen == 0 || idlen > RS_CRYPTO_KEY_ID_MAX)
        return -1;
    if (n < pos + idlen + RS_CRYPTO_VERSION_ID_LEN + RS_CRYPTO_IV_LEN +
                RS_CRYPTO_TAG_LEN)
        return -1;
    memcpy(out->key_id, b + pos, idlen);
    out->key_id[idlen] = '\0';
    pos += idlen;
    memcpy(out->version_id, b + pos, RS_CRYPTO_VERSION_ID_LEN);
    out->version_id[RS_CRYPTO_VERSION_ID_LEN] = '\0';
    pos += RS_CRYPTO_VERSION_ID_LEN;
    if (strlen(out->key_id) != idlen ||
        strlen(out->version_id) != RS_CRYPTO_VERSION_ID_LEN)
        return -1; /* embedded NUL */
    out->header_len = pos;
    out->iv = b + pos;
    out->tag = out->iv + RS_CRYPTO_IV_LEN;
    out->ct = out->tag + RS_CRYPTO_TAG_LEN;
    out->ct_len = n - pos - RS_CRYPTO_IV_LEN - RS_CRYPTO_TAG_LEN;
    return 0;
}

/* Feeds the AAD (header + context) into a GCM context. */
static int gcm_aad(EVP_CIPHER_CTX *c, const unsigned char *hdr, size_t hdrlen,
                   const char *context)
{
    int len = 0;
    if (EVP_CipherUpdate(c, NULL, &len, hdr, (int)hdrlen) != 1)
        return -1;
    size_t clen = context ? strlen(context) : 0;
    if (clen > INT_MAX)
        return -1;
    if (clen > 0 &&
        EVP_CipherUpdate(c, NULL, &len, (const unsigned char *)context,
                         (int)clen) != 1)
        return -1;
    return 0;
}

/* One GCM pass (enc = 1 seal, 0 open) over n bytes; tag written or
 * checked. */
static int gcm_run(int enc, const unsigned char *key, const unsigned char *iv,
                   const unsigned char *hdr, size_t hdrlen, const char *context,
                   const unsigned char *in, size_t n, unsigned char *out,
                   unsigned char *tag)
{
    int rc = -1;
    int len = 0;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (!c || n > INT_MAX || hdrlen > INT_MAX)
        goto out;
    if (EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, key, iv, enc) != 1)
        goto out;
    if (gcm_aad(c, hdr, hdrlen, context) != 0)
        goto out;
    if (n > 0 && EVP_CipherUpdate(c, out, &len, in, (int)n) != 1)
        goto out;
    if (!enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, RS_CRYPTO_TAG_LEN,
                                    tag) != 1)
        goto out;
    if (EVP_CipherFinal_ex(c, out + len, &len) != 1)
        goto out;
    if (enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, RS_CRYPTO_TAG_LEN,
                                   tag) != 1)
        goto out;
    rc = 0;
out:
    EVP_CIPHER_CTX_free(c);
    return rc;
}

unsigned char *rs_crypto_seal(const unsigned char key[RS_CRYPTO_KEY_LEN],
                              const char *key_id, const char *version_id,
                              const char *context, const unsigned char *pt,
                              size_t n, size_t *outlen)
{
    size_t idlen = strlen(key_id);
    if (idlen == 0 || idlen > RS_CRYPTO_KEY_ID_MAX ||
        strlen(version_id) != RS_CRYPTO_VERSION_ID_LEN)
        return NULL;
    size_t hdrlen = 5 + idlen + RS_CRYPTO_VERSION_ID_LEN;
    size_t total = hdrlen + RS_CRYPTO_IV_LEN + RS_CRYPTO_TAG_LEN + n;
    unsigned char *b = malloc(total);
    if (!b)
        return NULL;
    memcpy(b, blob_magic, 4);
    b[4] = (unsigned char)idlen;
    memcpy(b + 5, key_id, idlen);
    memcpy(b + 5 + idlen, version_id, RS_CRYPTO_VERSION_ID_LEN);
    unsigned char *iv = b + hdrlen;
    unsigned char *tag = iv + RS_CRYPTO_IV_LEN;
    unsigned char *ct = tag + RS_CRYPTO_TAG_LEN;
    if (rs_crypto_random(iv, RS_CRYPTO_IV_LEN) != 0 ||
        gcm_run(1, key, iv, b, hdrlen, context, pt, n, ct, tag) != 0) {
        free(b);
        return NULL;
    }
    *outlen = total;
    return b;
}

int rs_crypto_open(const unsigned char key[RS_CRYPTO_KEY_LEN],
                   const unsigned char *blob, const struct rs_blob *parsed,
                   const char *context, unsigned char *out)
{
    unsigned char tag[RS_CRYPTO_TAG_LEN];
    memcpy(tag, parsed->tag, sizeof(tag));
    return gcm_run(0, key, parsed->iv, blob, parsed->header_len, context,
                   parsed->ct, parsed->ct_len, out, tag);
}

static int cmp_names(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a;
    const cJSON *y = *(const cJSON *const *)b;
    return strcmp(x->string, y->string);
}

/* The object's members sorted by name into a new array (caller frees);
 * NULL when out of memory. *count receives the number of members. */
static cJSON **sorted_members(const cJSON *obj, size_t *count)
{
    size_t n = 0;
    for (const cJSON *it = obj->child; it; it = it->next)
        n++;
    cJSON **v = malloc((n ? n : 1) * sizeof(*v));
    if (!v)
        return NULL;
    size_t i = 0;
    for (cJSON *it = obj->child; it; it = it->next)
        v[i++] = it;
    qsort(v, n, sizeof(*v), cmp_names);
    *count = n;
    return v;
}

/* The sorted members of obj as a compact JSON object, into *out. */
static enum rs_crypto_canon print_sorted(cJSON *const *v, size_t n, char **out)
{
    enum rs_crypto_canon rc = RS_CRYPTO_CANON_NOMEM;
    cJSON *canon = cJSON_CreateObject();
    if (!canon)
        goto out;
    for (size_t i = 0; i < n; i++) {
        if (!cJSON_AddStringToObject(canon, v[i]->string, v[i]->valuestring))
            goto out;
    }
    *out = cJSON_PrintUnformatted(canon);
    rc = *out ? RS_CRYPTO_CANON_OK : RS_CRYPTO_CANON_NOMEM;
out:
    cJSON_Delete(canon);
    return rc;
}

enum rs_crypto_canon rs_crypto_context_canon(const char *json, char **out)
{
    enum rs_crypto_canon rc = RS_CRYPTO_CANON_INVALID;
    cJSON **v = NULL;
    size_t n = 0;
    *out = NULL;
    cJSON *obj = cJSON_ParseWithOpts(json, NULL, 1);
    if (!obj || !cJSON_IsObject(obj))
        goto out;
    for (const cJSON *it = obj->child; it; it = it->next) {
        if (!cJSON_IsString(it) || !it->string)
            goto out;
    }
    rc = RS_CRYPTO_CANON_NOMEM;
    v = sorted_members(obj, &n);
    if (!v)
        goto out;
    rc = RS_CRYPTO_CANON_INVALID;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(v[i - 1]->string, v[i]->string) == 0)
            goto out;
    }
    rc = print_sorted(v, n, out);
out:
    free(v);
    cJSON_Delete(obj);
    return rc;
}

int rs_crypto_wrap_parse(const char *name, enum rs_wrap *out)
{
    static const struct {
        const char *name;
        enum rs_wrap alg;
    } table[] = {
        {"RSAES_PKCS1_V1_5", RS_WRAP_PKCS1_V1_5},
        {"RSAES_OAEP_SHA_1", RS_WRAP_OAEP_SHA_1},
        {"RSAES_OAEP_SHA_256", RS_WRAP_OAEP_SHA_256},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcmp(name, table[i].name) == 0) {
            *out = table[i].alg;
            return 0;
        }
    }
    return -1;
}

EVP_PKEY *rs_crypto_rsa_generate(void)
{
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, NULL);
    if (!c)
        return NULL;
    if (EVP_PKEY_keygen_init(c) != 1 ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(c, 2048) != 1 ||
        EVP_PKEY_keygen(c, &pkey) != 1)
        pkey = NULL;
    EVP_PKEY_CTX_free(c);
    return pkey;
}

char *rs_crypto_public_b64(EVP_PKEY *pkey)
{
    unsigned char *der = NULL;
    int len = i2d_PUBKEY(pkey, &der);
    if (len <= 0)
        return NULL;
    char *b64 = kc_base64_encode(der, (size_t)len);
    OPENSSL_free(der);
    return b64;
}

/* Sets the padding (and OAEP hashes) of an RSA operation context. */
static int set_padding(EVP_PKEY_CTX *c, enum rs_wrap alg)
{
    if (alg == RS_WRAP_PKCS1_V1_5)
        return EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) == 1 ? 0 : -1;
    const EVP_MD *md = alg == RS_WRAP_OAEP_SHA_1 ? EVP_sha1() : EVP_sha256();
    if (EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_oaep_md(c, md) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(c, md) != 1)
        return -1;
    return 0;
}

/* One RSA operation (enc = 1 encrypt with the public key, 0 decrypt). */
static int rsa_run(int enc, EVP_PKEY *pkey, enum rs_wrap alg,
                   const unsigned char *in, size_t n, unsigned char *out,
                   size_t cap, size_t *outlen)
{
    int rc = -1;
    size_t len = 0;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pkey, NULL);
    if (!c)
        goto out;
    if ((enc ? EVP_PKEY_encrypt_init(c) : EVP_PKEY_decrypt_init(c)) != 1 ||
        set_padding(c, alg) != 0)
        goto out;
    int ok = enc ? EVP_PKEY_encrypt(c, NULL, &len, in, n)
                 : EVP_PKEY_decrypt(c, NULL, &len, in, n);
    if (ok != 1 || len > cap)
        goto out;
    ok = enc ? EVP_PKEY_encrypt(c, out, &len, in, n)
             : EVP_PKEY_decrypt(c, out, &len, in, n);
    if (ok != 1)
        goto out;
    *outlen = len;
    rc = 0;
out:
    EVP_PKEY_CTX_free(c);
    return rc;
}

int rs_crypto_unwrap(EVP_PKEY *pkey, enum rs_wrap alg, const unsigned char *in,
                     size_t n, unsigned char *out, size_t cap, size_t *outlen)
{
    return rsa_run(0, pkey, alg, in, n, out, cap, outlen);
}

int rs_crypto_wrap(EVP_PKEY *pkey, enum rs_wrap alg, const unsigned char *in,
                   size_t n, unsigned char *out, size_t cap, size_t *outlen)
{
    return rsa_run(1, pkey, alg, in, n, out, cap, outlen);
}
