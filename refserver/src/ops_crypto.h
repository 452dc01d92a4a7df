/*
 * rs_ops_crypto: the cryptographic operations (blobs of rs_crypto, Enabled keys
 * only). Private to rs_core: rs_ops_call() dispatches to them (ops.c). Each
 * returns 0 with the result or a documented error recorded in o, -1 when
 * the server itself failed.
 */
#ifndef RS_OPS_CRYPTO_H
#define RS_OPS_CRYPTO_H

#include "op.h"

/* Encrypt: base64 Plaintext of at most 6144 bytes. */
int rs_ops_crypto_encrypt(struct rs_op *o);
/* Decrypt: the blob names its key and version. */
int rs_ops_crypto_decrypt(struct rs_op *o);
/* GenerateDataKey and GenerateDataKeyWithoutPlaintext: KeySpec AES_256/AES_128
 * or NumberOfBytes 1..1024. */
int rs_ops_crypto_generate_data_key(struct rs_op *o);
int rs_ops_crypto_generate_data_key_without_plaintext(struct rs_op *o);

#endif
