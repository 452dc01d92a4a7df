/*
 * rs_crypto: the cryptography of kms-refserver (OpenSSL EVP).
 *
 * Symmetric keys: 32 bytes of material per key version, AES-256-GCM with a
 * random 12-byte IV. A ciphertext blob describes itself:
 *
 *   "KCB" 0x01 | len(key id) (1 byte) | key id | key version id (36) |
 *   IV (12) | tag (16) | ciphertext
 *
 * The additional authenticated data is the header (everything before the
 * IV) followed by the canonical encryption context, so a blob whose key
 * reference, IV, tag or ciphertext was changed, or that is presented with
 * another context, fails to open.
 *
 * Import: RSA-2048 wrapping keys, whose public half is handed out as base64
 * DER SubjectPublicKeyInfo; key material is unwrapped with RSAES-PKCS1-v1_5,
 * RSAES-OAEP with SHA-1 or RSAES-OAEP with SHA-256 (MGF1 with the same hash).
 */
#ifndef RS_CRYPTO_H
#define RS_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>

#define RS_CRYPTO_KEY_LEN        32
#define RS_CRYPTO_IV_LEN         12
#define RS_CRYPTO_TAG_LEN        16
#define RS_CRYPTO_VERSION_ID_LEN 36
#define RS_CRYPTO_KEY_ID_MAX     64

/* Fills out with n cryptographically strong random bytes. 0 or -1. */
int rs_crypto_random(void *out, size_t n);

/* A parsed ciphertext blob; the pointers point into the parsed bytes. */
struct rs_blob {
    char key_id[RS_CRYPTO_KEY_ID_MAX + 1];
    char version_id[RS_CRYPTO_VERSION_ID_LEN + 1];
    size_t header_len; /* bytes of the header (the AAD prefix) */
    const unsigned char *iv;
    const unsigned char *tag;
    const unsigned char *ct;
    size_t ct_len;
};

/* Parses blob bytes; 0, or -1 when they are not a blob of ours. */
int rs_crypto_blob_parse(const unsigned char *b, size_t n, struct rs_blob *out);

/*
 * Encrypts n bytes of pt under key into a new blob naming key_id and
 * version_id (a 36-character id), bound to context (canonical form, may be
 * NULL or ""). Returns the blob (caller frees) and its length in *outlen;
 * NULL on failure (out of memory or a key id longer than the maximum).
 */
unsigned char *rs_crypto_seal(const unsigned char key[RS_CRYPTO_KEY_LEN],
                              const char *key_id, const char *version_id,
                              const char *context, const unsigned char *pt,
                              size_t n, size_t *outlen);

/* Opens a parsed blob (blob = the bytes it was parsed from) with key and
 * context. Writes blob->ct_len bytes to out (room for at least that many;
 * one more is fine). 0, or -1 when authentication fails. */
int rs_crypto_open(const unsigned char key[RS_CRYPTO_KEY_LEN],
                   const unsigned char *blob, const struct rs_blob *parsed,
                   const char *context, unsigned char *out);

/* Outcome of rs_crypto_context_canon. */
enum rs_crypto_canon {
    RS_CRYPTO_CANON_OK = 0,
    RS_CRYPTO_CANON_INVALID, /* not an object of strings, or a repeated key */
    RS_CRYPTO_CANON_NOMEM,   /* out of memory */
};

/*
 * Canonical encryption context: json must be a JSON object whose values are
 * all strings; the result is that object with its keys sorted by byte order,
 * printed without white space, into *out (caller frees; NULL unless
 * RS_CRYPTO_CANON_OK).
 */
enum rs_crypto_canon rs_crypto_context_canon(const char *json, char **out);

/* Wrapping algorithms of GetParametersForImport. */
enum rs_wrap {
    RS_WRAP_PKCS1_V1_5,
    RS_WRAP_OAEP_SHA_1,
    RS_WRAP_OAEP_SHA_256,
};

/* Maps the API names (RSAES_PKCS1_V1_5, RSAES_OAEP_SHA_1,
 * RSAES_OAEP_SHA_256) to the enum; 0, or -1 for any other name. */
int rs_crypto_wrap_parse(const char *name, enum rs_wrap *out);

/* A fresh RSA-2048 key pair (EVP_PKEY_free it); NULL on failure. Takes
 * tens to hundreds of milliseconds. */
EVP_PKEY *rs_crypto_rsa_generate(void);

/* base64 of the DER SubjectPublicKeyInfo of pkey (caller frees); NULL on
 * failure. */
char *rs_crypto_public_b64(EVP_PKEY *pkey);

/* Unwraps n bytes with the private key and algorithm into out (cap bytes);
 * 0 with *outlen set, or -1 when the input does not unwrap. */
int rs_crypto_unwrap(EVP_PKEY *pkey, enum rs_wrap alg, const unsigned char *in,
                     size_t n, unsigned char *out, size_t cap, size_t *outlen);

/* Wraps n bytes with the public key (the client side of the import; used by
 * tests). 0 with *outlen set, or -1. */
int rs_crypto_wrap(EVP_PKEY *pkey, enum rs_wrap alg, const unsigned char *in,
                   size_t n, unsigned char *out, size_t cap, size_t *outlen);

#endif
