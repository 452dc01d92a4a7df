/* rs_ops: the KMS operations, their errors and the key-state matrix. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <pthread.h>

#include "kc/codec.h"
#include "rs/ops.h"

#define ACCOUNT "1234567890123456"
#define REGION  "cn-hangzhou"
#define T0      ((time_t)1700000000)
#define DAY     86400

/* What the protocol layer would put in struct rs_call. */
struct req {
    const char *account;
    const char *region;
    bool hsm;
    unsigned quota;
    long life;
    time_t now;
};

static struct req req_default(void)
{
    struct req r = {ACCOUNT, REGION, true, 1000, 86400, T0};
    return r;
}

static struct rs_result vcall(struct rs_store *st, const struct req *r,
                              const char *action, va_list ap)
{
    struct kc_param p[32];
    size_t n = 0;
    /* Common parameters are present too and must be ignored. */
    p[n++] = (struct kc_param){"Action", action};
    p[n++] = (struct kc_param){"Format", "JSON"};
    const char *name;
    while ((name = va_arg(ap, const char *)) != NULL) {
        assert_true(n < 32);
        p[n].name = name;
        p[n].value = va_arg(ap, const char *);
        n++;
    }
    struct rs_call c = {p,      n,        r->account, r->region,
                        r->hsm, r->quota, r->life,    r->now};
    struct rs_result res;
    memset(&res, 0x7f, sizeof(res));
    assert_int_equal(rs_ops_call(st, action, &c, &res), 0);
    assert_true((res.body == NULL) != (res.error == RS_ERR_NONE));
    return res;
}

/* call(st, action, name, value, ..., NULL) with the default request. */
static struct rs_result call(struct rs_store *st, const char *action, ...)
{
    struct req r = req_default();
    va_list ap;
    va_start(ap, action);
    struct rs_result res = vcall(st, &r, action, ap);
    va_end(ap);
    return res;
}

static struct rs_result call_as(struct rs_store *st, const struct req *r,
                                const char *action, ...)
{
    va_list ap;
    va_start(ap, action);
    struct rs_result res = vcall(st, r, action, ap);
    va_end(ap);
    return res;
}

/* The name of a result's error code, NULL on success. */
static const char *code_of(struct rs_result res)
{
    const struct rs_errdef *def = rs_reply_def(res.error);
    return def ? def->code : NULL;
}

#define OK(res)             ok_at((res), __LINE__)
#define ERR(res, code, arg) err_at((res), (code), (arg), __LINE__)

static cJSON *ok_at(struct rs_result res, int line)
{
    if (code_of(res)) {
        print_error("line %d: expected success, got %s \"%s\"\n", line,
                    code_of(res), res.arg);
        fail();
    }
    assert_non_null(res.body);
    return res.body;
}

static void ok_free(struct rs_result res, int line)
{
    cJSON_Delete(ok_at(res, line));
}
#define OKF(res) ok_free((res), __LINE__)

static void err_at(struct rs_result res, const char *code, const char *arg,
                   int line)
{
    if (!code_of(res) || strcmp(code_of(res), code) != 0 ||
        strcmp(res.arg, arg) != 0) {
        print_error("line %d: expected %s \"%s\", got %s \"%s\"\n", line, code,
                    arg, code_of(res) ? code_of(res) : "success", res.arg);
        cJSON_Delete(res.body);
        fail();
    }
}

/* A string field at a dotted path of a body; "" when absent. */
static const char *field(const cJSON *body, const char *path)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", path);
    const cJSON *cur = body;
    for (char *seg = buf, *dot; cur && seg; seg = dot ? dot + 1 : NULL) {
        dot = strchr(seg, '.');
        if (dot)
            *dot = '\0';
        cur = cJSON_GetObjectItemCaseSensitive(cur, seg);
    }
    return cJSON_IsString(cur) ? cur->valuestring : "";
}

struct id {
    char s[2048];
};

static struct id copy_field(const cJSON *body, const char *path)
{
    struct id out;
    snprintf(out.s, sizeof(out.s), "%s", field(body, path));
    return out;
}

static int setup(void **state)
{
    *state = rs_store_new();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    rs_store_free(*state);
    return 0;
}

/* ---- helpers over the API ------------------------------------------- */

static struct id create_key(struct rs_store *st, const char *origin)
{
    cJSON *b = OK(call(st, "CreateKey", "Origin", origin, "Description",
                       "kmsconf-test", NULL));
    struct id id = copy_field(b, "KeyMetadata.KeyId");
    cJSON_Delete(b);
    return id;
}

static struct id key_state(struct rs_store *st, const char *key)
{
    cJSON *b = OK(call(st, "DescribeKey", "KeyId", key, NULL));
    struct id s = copy_field(b, "KeyMetadata.KeyState");
    cJSON_Delete(b);
    return s;
}

/* Wraps 32 bytes the way a client does, with OpenSSL directly. */
static char *client_wrap(const char *pub_b64, const char *alg,
                         const unsigned char *m, size_t n)
{
    size_t derlen = 0;
    unsigned char *der = kc_base64_decode(pub_b64, strlen(pub_b64), &derlen);
    assert_non_null(der);
    const unsigned char *p = der;
    EVP_PKEY *pk = d2i_PUBKEY(NULL, &p, (long)derlen);
    assert_non_null(pk);
    free(der);
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pk, NULL);
    assert_int_equal(EVP_PKEY_encrypt_init(c), 1);
    if (strcmp(alg, "RSAES_PKCS1_V1_5") == 0) {
        assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING), 1);
    } else {
        const EVP_MD *md =
            strcmp(alg, "RSAES_OAEP_SHA_1") == 0 ? EVP_sha1() : EVP_sha256();
        assert_int_equal(
            EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_oaep_md(c, md), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_mgf1_md(c, md), 1);
    }
    unsigned char out[512];
    size_t outlen = sizeof(out);
    assert_int_equal(EVP_PKEY_encrypt(c, out, &outlen, m, n), 1);
    EVP_PKEY_CTX_free(c);
    EVP_PKEY_free(pk);
    return kc_base64_encode(out, outlen);
}

struct import_params {
    struct id token;
    struct id pub;
};

static struct import_params get_params(struct rs_store *st, const char *key,
                                       const char *alg)
{
    cJSON *b =
        OK(call(st, "GetParametersForImport", "KeyId", key, "WrappingAlgorithm",
                alg, "WrappingKeySpec", "RSA_2048", NULL));
    struct import_params ip;
    ip.token = copy_field(b, "ImportToken");
    /* The public key does not fit struct id: check and keep a prefix. */
    const char *pub = field(b, "PublicKey");
    assert_true(strlen(pub) > 300);
    cJSON_Delete(b);
    return ip;
}

static const unsigned char material_a[32] = {0xa1, 0xa2, 0xa3, 0xa4, 0xa5};
static const unsigned char material_b[32] = {0xb1, 0xb2, 0xb3, 0xb4, 0xb5};

/* GetParametersForImport + wrap + ImportKeyMaterial; the import's result. */
static struct rs_result import_as(struct rs_store *st, const struct req *r,
                                  const char *key, const char *alg,
                                  const unsigned char *m, size_t n)
{
    cJSON *b = OK(call_as(st, r, "GetParametersForImport", "KeyId", key,
                          "WrappingAlgorithm", alg, "WrappingKeySpec",
                          "RSA_2048", NULL));
    char *wrapped = client_wrap(field(b, "PublicKey"), alg, m, n);
    struct rs_result res = call_as(
        st, r, "ImportKeyMaterial", "KeyId", key, "EncryptedKeyMaterial",
        wrapped, "ImportToken", field(b, "ImportToken"), NULL);
    free(wrapped);
    cJSON_Delete(b);
    return res;
}

static struct rs_result import(struct rs_store *st, const char *key,
                               const unsigned char *m)
{
    struct req r = req_default();
    return import_as(st, &r, key, "RSAES_OAEP_SHA_256", m, 32);
}

static struct id encrypt(struct rs_store *st, const char *key, const char *pt,
                         const char *ctx)
{
    cJSON *b =
        ctx ? OK(call(st, "Encrypt", "KeyId", key, "Plaintext", pt,
                      "EncryptionContext", ctx, NULL))
            : OK(call(st, "Encrypt", "KeyId", key, "Plaintext", pt, NULL));
    struct id blob = copy_field(b, "CiphertextBlob");
    cJSON_Delete(b);
    return blob;
}

/* ---- responses ------------------------------------------------------ */

static void create_and_describe(void **state)
{
    struct rs_store *st = *state;
    cJSON *b = OK(call(st, "CreateKey", "Description", "kmsconf-x", NULL));
    static const char *const fields[] = {"Arn",
                                         "AutomaticRotation",
                                         "CreationDate",
                                         "Creator",
                                         "DeletionProtection",
                                         "Description",
                                         "KeyId",
                                         "KeySpec",
                                         "KeyState",
                                         "KeyUsage",
                                         "LastRotationDate",
                                         "MaterialExpireTime",
                                         "Origin",
                                         "PrimaryKeyVersion",
                                         "ProtectionLevel"};
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(b, "KeyMetadata");
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        assert_true(
            cJSON_IsString(cJSON_GetObjectItemCaseSensitive(md, fields[i])));
    struct id id = copy_field(b, "KeyMetadata.KeyId");
    assert_int_equal(strlen(id.s), 25);
    assert_memory_equal(id.s, "key-", 4);
    char arn[2200];
    snprintf(arn, sizeof(arn), "acs:kms:%s:%s:key/%s", REGION, ACCOUNT, id.s);
    assert_string_equal(field(b, "KeyMetadata.Arn"), arn);
    assert_string_equal(field(b, "KeyMetadata.KeyState"), "Enabled");
    assert_string_equal(field(b, "KeyMetadata.KeySpec"), "Aliyun_AES_256");
    assert_string_equal(field(b, "KeyMetadata.Origin"), "Aliyun_KMS");
    assert_string_equal(field(b, "KeyMetadata.ProtectionLevel"), "SOFTWARE");
    assert_string_equal(field(b, "KeyMetadata.Description"), "kmsconf-x");
    assert_string_equal(field(b, "KeyMetadata.CreationDate"),
                        "2023-11-14T22:13:20Z");
    /* Only with PendingDeletion or rotation. */
    assert_null(cJSON_GetObjectItemCaseSensitive(md, "DeleteDate"));
    assert_null(cJSON_GetObjectItemCaseSensitive(md, "RotationInterval"));
    assert_null(cJSON_GetObjectItemCaseSensitive(md, "NextRotationDate"));
    assert_string_equal(field(b, "KeyMetadata.MaterialExpireTime"), "");
    assert_int_equal(strlen(field(b, "KeyMetadata.PrimaryKeyVersion")), 36);
    cJSON_Delete(b);

    /* By id, by ARN and by alias. */
    b = OK(call(st, "DescribeKey", "KeyId", id.s, NULL));
    assert_string_equal(field(b, "KeyMetadata.KeyId"), id.s);
    cJSON_Delete(b);
    b = OK(call(st, "DescribeKey", "KeyId", arn, NULL));
    assert_string_equal(field(b, "KeyMetadata.KeyId"), id.s);
    cJSON_Delete(b);
    OKF(call(st, "CreateAlias", "AliasName", "alias/x1", "KeyId", id.s, NULL));
    b = OK(call(st, "DescribeKey", "KeyId", "alias/x1", NULL));
    assert_string_equal(field(b, "KeyMetadata.KeyId"), id.s);
    cJSON_Delete(b);

    /* Rotation and HSM. */
    b = OK(call(st, "CreateKey", "EnableAutomaticRotation", "true",
                "RotationInterval", "30d", "ProtectionLevel", "HSM", "KeySpec",
                "Aliyun_SM4", NULL));
    assert_string_equal(field(b, "KeyMetadata.AutomaticRotation"), "Enabled");
    assert_string_equal(field(b, "KeyMetadata.RotationInterval"), "2592000s");
    assert_string_equal(field(b, "KeyMetadata.NextRotationDate"),
                        "2023-12-14T22:13:20Z");
    assert_string_equal(field(b, "KeyMetadata.ProtectionLevel"), "HSM");
    assert_string_equal(field(b, "KeyMetadata.KeySpec"), "Aliyun_SM4");
    cJSON_Delete(b);
}

static void external_key_lifecycle(void **state)
{
    struct rs_store *st = *state;
    struct id k = create_key(st, "EXTERNAL");
    assert_string_equal(key_state(st, k.s).s, "PendingImport");
    ERR(call(st, "Encrypt", "KeyId", k.s, "Plaintext", "aGk=", NULL),
        "Rejected.PendingImport", "");
    cJSON *p =
        OK(call(st, "GetParametersForImport", "KeyId", k.s, "WrappingAlgorithm",
                "RSAES_OAEP_SHA_1", "WrappingKeySpec", "RSA_2048", NULL));
    assert_string_equal(field(p, "KeyId"), k.s);
    assert_string_equal(field(p, "TokenExpireTime"), "2023-11-15T22:13:20Z");
    assert_true(strlen(field(p, "ImportToken")) >= 32);
    cJSON_Delete(p);
    const char *algs[] = {"RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1",
                          "RSAES_OAEP_SHA_256"};
    struct req r = req_default();
    for (size_t i = 0; i < 3; i++)
        OKF(import_as(st, &r, k.s, algs[i], material_a, 32));
    assert_string_equal(key_state(st, k.s).s, "Enabled");
    struct id blob = encrypt(st, k.s, "aGVsbG8=", NULL);
    cJSON *d = OK(call(st, "Decrypt", "CiphertextBlob", blob.s, NULL));
    assert_string_equal(field(d, "Plaintext"), "aGVsbG8=");
    cJSON_Delete(d);

    /* Delete and re-import: the same material only. */
    OKF(call(st, "DeleteKeyMaterial", "KeyId", k.s, NULL));
    assert_string_equal(key_state(st, k.s).s, "PendingImport");
    ERR(import(st, k.s, material_b), "InvalidKeyMaterial", "");
    OKF(import(st, k.s, material_a));
    d = OK(call(st, "Decrypt", "CiphertextBlob", blob.s, NULL));
    assert_string_equal(field(d, "Plaintext"), "aGVsbG8=");
    cJSON_Delete(d);
}

static void material_expiry(void **state)
{
    struct rs_store *st = *state;
    struct id k = create_key(st, "EXTERNAL");
    cJSON *b =
        OK(call(st, "GetParametersForImport", "KeyId", k.s, "WrappingAlgorithm",
                "RSAES_OAEP_SHA_256", "WrappingKeySpec", "RSA_2048", NULL));
    char *w = client_wrap(field(b, "PublicKey"), "RSAES_OAEP_SHA_256",
                          material_a, 32);
    char when[32];
    snprintf(when, sizeof(when), "%lld", (long long)(T0 + 100));
    OKF(call(st, "ImportKeyMaterial", "KeyId", k.s, "EncryptedKeyMaterial", w,
             "ImportToken", field(b, "ImportToken"), "KeyMaterialExpireUnix",
             when, NULL));
    free(w);
    cJSON_Delete(b);
    b = OK(call(st, "DescribeKey", "KeyId", k.s, NULL));
    assert_string_equal(field(b, "KeyMetadata.MaterialExpireTime"),
                        "2023-11-14T22:15:00Z");
    cJSON_Delete(b);
    struct req r = req_default();
    r.now = T0 + 99;
    OKF(call_as(st, &r, "Encrypt", "KeyId", k.s, "Plaintext", "aGk=", NULL));
    r.now = T0 + 100;
    ERR(call_as(st, &r, "Encrypt", "KeyId", k.s, "Plaintext", "aGk=", NULL),
        "Rejected.PendingImport", "");
}

static void deletion_by_the_clock(void **state)
{
    struct rs_store *st = *state;
    struct id k = create_key(st, "Aliyun_KMS");
    OKF(call(st, "ScheduleKeyDeletion", "KeyId", k.s, "PendingWindowInDays",
             "7", NULL));
    cJSON *b = OK(call(st, "DescribeKey", "KeyId", k.s, NULL));
    assert_string_equal(field(b, "KeyMetadata.KeyState"), "PendingDeletion");
    assert_string_equal(field(b, "KeyMetadata.DeleteDate"),
                        "2023-11-21T22:13:20Z");
    cJSON_Delete(b);
    struct req r = req_default();
    r.now = T0 + 7 * DAY - 1;
    OKF(call_as(st, &r, "DescribeKey", "KeyId", k.s, NULL));
    r.now = T0 + 7 * DAY;
    ERR(call_as(st, &r, "DescribeKey", "KeyId", k.s, NULL),
        "Forbidden.KeyNotFound", "");
    /* Cancel restores Enabled. */
    k = create_key(st, "Aliyun_KMS");
    OKF(call(st, "DisableKey", "KeyId", k.s, NULL));
    OKF(call(st, "ScheduleKeyDeletion", "KeyId", k.s, "PendingWindowInDays",
             "366", NULL));
    OKF(call(st, "CancelKeyDeletion", "KeyId", k.s, NULL));
    assert_string_equal(key_state(st, k.s).s, "Enabled");
}

/* ---- cryptography --------------------------------------------------- */

static void encrypt_decrypt(void **state)
{
    struct rs_store *st = *state;
    struct id k = create_key(st, "Aliyun_KMS");
    struct id blob = encrypt(st, k.s, "aGVsbG8gd29ybGQ=", NULL);
    cJSON *d = OK(call(st, "Decrypt", "CiphertextBlob", blob.s, NULL));
    assert_string_equal(field(d, "Plaintext"), "aGVsbG8gd29ybGQ=");
    assert_string_equal(field(d, "KeyId"), k.s);
    assert_int_equal(strlen(field(d, "KeyVersionId")), 36);
    cJSON_Delete(d);
    /* A context must be given again, in any key order. */
    blob = encrypt(st, k.s, "aGk=", "{\"a\":\"1\",\"b\":\"2\"}");
    d = OK(call(st, "Decrypt", "CiphertextBlob", blob.s, "EncryptionContext",
                "{\"b\":\"2\", \"a\":\"1\"}", NULL));
    assert_string_equal(field(d, "Plaintext"), "aGk=");
    cJSON_Delete(d);
    ERR(call(st, "Decrypt", "CiphertextBlob", blob.s, NULL), "InvalidParameter",
        "CiphertextBlob");
    ERR(call(st, "Decrypt", "CiphertextBlob", blob.s, "EncryptionContext",
             "{\"a\":\"1\",\"b\":\"3\"}", NULL),
        "InvalidParameter", "CiphertextBlob");
    /* The flattened form older SDKs send binds the same context. */
    d = OK(call(st, "Decrypt", "CiphertextBlob", blob.s, "EncryptionContext.b",
                "2", "EncryptionContext.a", "1", NULL));
    assert_string_equal(field(d, "Plaintext"), "aGk=");
    cJSON_Delete(d);
    ERR(call(st, "Decrypt", "CiphertextBlob", blob.s, "EncryptionContext.a",
             "1", "EncryptionContext.b", "3", NULL),
        "InvalidParameter", "CiphertextBlob");
    /* Through an alias, and the Encrypt result fields. */
    OKF(call(st, "CreateAlias", "AliasName", "alias/enc", "KeyId", k.s, NULL));
    cJSON *e = OK(
        call(st, "Encrypt", "KeyId", "alias/enc", "Plaintext", "aGk=", NULL));
    assert_string_equal(field(e, "KeyId"), k.s);
    assert_int_equal(strlen(field(e, "KeyVersionId")), 36);
    cJSON_Delete(e);
}

static void tampered_blob(void **state)
{
    struct rs_store *st = *state;
    struct id k = create_key(st, "Aliyun_KMS");
    struct id blob = encrypt(st, k.s, "dGFtcGVyIG1l", NULL);
    size_t n = 0;
    unsigned char *raw = kc_base64_decode(blob.s, strlen(blob.s), &n);
    assert_non_null(raw);
    raw[n - 1] ^= 0x20; /* ciphertext */
    char *bad = kc_base64_encode(raw, n);
    ERR(call(st, "Decrypt", "CiphertextBlob", bad, NULL), "InvalidParameter",
        "CiphertextBlob");
    free(bad);
    raw[n - 1] ^= 0x20;
    raw[5] = raw[5] == 'x' ? 'y' : 'x'; /* key id: now names no key */
    bad = kc_base64_encode(raw, n);
    ERR(call(st, "Decrypt", "CiphertextBlob", bad, NULL),
        "Forbidden.KeyNotFound", "");
    free(bad);
    free(raw);
    ERR(call(st, "Decrypt", "CiphertextBlob", "aGVsbG8gd29ybGQ=", NULL),
        "InvalidParameter", "CiphertextBlob");
    ERR(call(st, "Decrypt", "CiphertextBlob", "not base64!", NULL),
        "InvalidParameter", "CiphertextBlob");
}

static void generate_data_key(void **state)
{
    struct rs_store *st = *state;
    struct id k = create_key(st, "Aliyun_KMS");
    static const struct {
        const char *spec, *bytes;
        size_t expect;
    } cases[] = {{NULL, NULL, 32},      {"AES_128", NULL, 16},
                 {"AES_256", NULL, 32}, {"AES_128", "100", 100},
                 {NULL, "1", 1},        {NULL, "1024", 1024}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rs_result r;
        if (cases[i].spec && cases[i].bytes)
            r = call(st, "GenerateDataKey", "KeyId", k.s, "KeySpec",
                     cases[i].spec, "NumberOfBytes", cases[i].bytes, NULL);
        else if (cases[i].spec)
            r = call(st, "GenerateDataKey", "KeyId", k.s, "KeySpec",
                     cases[i].spec, NULL);
        else if (cases[i].bytes)
            r = call(st, "GenerateDataKey", "KeyId", k.s, "NumberOfBytes",
                     cases[i].bytes, NULL);
        else
            r = call(st, "GenerateDataKey", "KeyId", k.s, NULL);
        cJSON *b = OK(r);
        const char *pt = field(b, "Plaintext");
        size_t n = 0;
        unsigned char *raw = kc_base64_decode(pt, strlen(pt), &n);
        assert_non_null(raw);
        assert_int_equal(n, cases[i].expect);
        free(raw);
        assert_string_equal(field(b, "KeyId"), k.s);
        assert_int_equal(strlen(field(b, "KeyVersionId")), 36);
        cJSON *d = OK(call(st, "Decrypt", "CiphertextBlob",
                           field(b, "CiphertextBlob"), NULL));
        assert_string_equal(field(d, "Plaintext"), pt);
        cJSON_Delete(d);
        cJSON_Delete(b);
    }
}

static void more_operations(void **state)
{
    struct rs_store *st = *state;
    struct id k1 = create_key(st, "Aliyun_KMS");
    struct id k2 = create_key(st, "Aliyun_KMS");
    OKF(call(st, "CreateAlias", "AliasName", "alias/k1-a", "KeyId", k1.s,
             NULL));
    OKF(call(st, "CreateAlias", "AliasName", "alias/k2-a", "KeyId", k2.s,
             NULL));
    OKF(call(st, "CreateAlias", "AliasName", "alias/k1-b", "KeyId", k1.s,
             NULL));
    cJSON *b = OK(call(st, "ListAliasesByKeyId", "KeyId", k1.s, "PageSize", "1",
                       "PageNumber", "2", NULL));
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(b, "Aliases"), "Alias");
    assert_int_equal(cJSON_GetArraySize(list), 1);
    assert_string_equal(field(cJSON_GetArrayItem(list, 0), "AliasName"),
                        "alias/k1-b");
    assert_int_equal(
        cJSON_GetObjectItemCaseSensitive(b, "TotalCount")->valuedouble, 2);
    cJSON_Delete(b);
    ERR(call(st, "ListAliasesByKeyId", "KeyId", "alias/k1-a", NULL),
        "Unsupported.Alias", "");

    OKF(call(st, "UpdateKeyDescription", "KeyId", k1.s, "Description",
             "kmsconf-new", NULL));
    b = OK(call(st, "DescribeKey", "KeyId", k1.s, NULL));
    assert_string_equal(field(b, "KeyMetadata.Description"), "kmsconf-new");
    cJSON_Delete(b);

    b = OK(call(st, "GenerateDataKeyWithoutPlaintext", "KeyId", "alias/k2-a",
                "KeySpec", "AES_128", NULL));
    assert_null(cJSON_GetObjectItemCaseSensitive(b, "Plaintext"));
    assert_string_equal(field(b, "KeyId"), k2.s);
    cJSON *d = OK(call(st, "Decrypt", "CiphertextBlob",
                       field(b, "CiphertextBlob"), NULL));
    const char *pt = field(d, "Plaintext");
    size_t n = 0;
    unsigned char *raw = kc_base64_decode(pt, strlen(pt), &n);
    assert_non_null(raw);
    assert_int_equal(n, 16);
    free(raw);
    cJSON_Delete(d);
    cJSON_Delete(b);
}

/* ---- the key-state matrix ------------------------------------------- */

enum { EN, DI, PD, PI, NSTATES };
static const char *const state_names[] = {"Enabled", "Disabled",
                                          "PendingDeletion", "PendingImport"};

/* An EXTERNAL key with material, an alias and a ciphertext, then moved to
 * the wanted state. */
struct mkey {
    struct id id;
    char alias[64];
    struct id blob;
};

static struct mkey matrix_key(struct rs_store *st, int s, int n)
{
    struct mkey m;
    m.id = create_key(st, "EXTERNAL");
    OKF(import(st, m.id.s, material_a));
    snprintf(m.alias, sizeof(m.alias), "alias/m-%d", n);
    OKF(call(st, "CreateAlias", "AliasName", m.alias, "KeyId", m.id.s, NULL));
    m.blob = encrypt(st, m.id.s, "bWF0cml4", NULL);
    if (s == DI)
        OKF(call(st, "DisableKey", "KeyId", m.id.s, NULL));
    if (s == PD)
        OKF(call(st, "ScheduleKeyDeletion", "KeyId", m.id.s,
                 "PendingWindowInDays", "7", NULL));
    if (s == PI)
        OKF(call(st, "DeleteKeyMaterial", "KeyId", m.id.s, NULL));
    assert_string_equal(key_state(st, m.id.s).s, state_names[s]);
    return m;
}

static struct rs_result do_api(struct rs_store *st, const char *api,
                               const struct mkey *m, int n)
{
    char alias[64];
    snprintf(alias, sizeof(alias), "alias/new-%d", n);
    const char *k = m->id.s;
    if (strcmp(api, "Encrypt") == 0)
        return call(st, api, "KeyId", k, "Plaintext", "aGk=", NULL);
    if (strcmp(api, "Decrypt") == 0)
        return call(st, api, "CiphertextBlob", m->blob.s, NULL);
    if (strcmp(api, "GenerateDataKey") == 0)
        return call(st, api, "KeyId", k, NULL);
    if (strcmp(api, "UpdateKeyDescription") == 0)
        return call(st, api, "KeyId", k, "Description", "changed", NULL);
    if (strcmp(api, "ScheduleKeyDeletion") == 0)
        return call(st, api, "KeyId", k, "PendingWindowInDays", "30", NULL);
    if (strcmp(api, "CreateAlias") == 0)
        return call(st, api, "AliasName", alias, "KeyId", k, NULL);
    if (strcmp(api, "UpdateAlias") == 0)
        return call(st, api, "AliasName", m->alias, "KeyId", k, NULL);
    if (strcmp(api, "DeleteAlias") == 0)
        return call(st, api, "AliasName", m->alias, NULL);
    if (strcmp(api, "GetParametersForImport") == 0)
        return call(st, api, "KeyId", k, "WrappingAlgorithm",
                    "RSAES_OAEP_SHA_1", "WrappingKeySpec", "RSA_2048", NULL);
    if (strcmp(api, "ImportKeyMaterial") == 0)
        return import(st, k, material_a);
    if (strcmp(api, "CreateKey") == 0 || strcmp(api, "ListKeys") == 0 ||
        strcmp(api, "ListAliases") == 0)
        return call(st, api, NULL);
    if (strcmp(api, "DescribeKeyVersion") == 0) {
        cJSON *b = OK(call(st, "DescribeKey", "KeyId", k, NULL));
        struct id v = copy_field(b, "KeyMetadata.PrimaryKeyVersion");
        cJSON_Delete(b);
        return call(st, api, "KeyId", k, "KeyVersionId", v.s, NULL);
    }
    return call(st, api, "KeyId", k, NULL);
}

static void state_matrix(void **state)
{
    struct rs_store *st = *state;
    static const char *const SMF = "Rejected.StateModifiedFailed";
    static const struct {
        const char *api;
        const char *expect[NSTATES]; /* NULL = success */
        const char *after[NSTATES];  /* state after success; NULL = same */
    } rows[] = {
        {"CreateKey", {0}, {0}},
        {"ListKeys", {0}, {0}},
        {"DescribeKey", {0}, {0}},
        {"DeleteAlias", {0}, {0}},
        {"ListAliases", {0}, {0}},
        {"DescribeKeyVersion", {0}, {0}},
        {"ListKeyVersions", {0}, {0}},
        {"Encrypt",
         {NULL, "Rejected.Disabled", "Rejected.PendingDeletion",
          "Rejected.PendingImport"},
         {0}},
        {"Decrypt",
         {NULL, "Rejected.Disabled", "Rejected.PendingDeletion",
          "Rejected.PendingImport"},
         {0}},
        {"GenerateDataKey",
         {NULL, "Rejected.Disabled", "Rejected.PendingDeletion",
          "Rejected.PendingImport"},
         {0}},
        {"GenerateDataKeyWithoutPlaintext",
         {NULL, "Rejected.Disabled", "Rejected.PendingDeletion",
          "Rejected.PendingImport"},
         {0}},
        {"ListAliasesByKeyId", {0}, {0}},
        {"UpdateKeyDescription",
         {NULL, NULL, "Rejected.PendingDeletion", NULL},
         {0}},
        {"EnableKey", {NULL, NULL, SMF, SMF}, {NULL, "Enabled"}},
        {"DisableKey", {NULL, NULL, SMF, SMF}, {"Disabled"}},
        {"ScheduleKeyDeletion",
         {NULL, NULL, SMF, NULL},
         {"PendingDeletion", "PendingDeletion", NULL, "PendingDeletion"}},
        {"CancelKeyDeletion", {SMF, SMF, NULL, SMF}, {NULL, NULL, "Enabled"}},
        {"CreateAlias", {NULL, NULL, SMF, NULL}, {0}},
        {"UpdateAlias", {NULL, NULL, "Rejected.PendingDeletion", NULL}, {0}},
        {"GetParametersForImport", {0}, {0}},
        {"ImportKeyMaterial",
         {NULL, NULL, SMF, NULL},
         {NULL, NULL, NULL, "Enabled"}},
        {"DeleteKeyMaterial",
         {0},
         {"PendingImport", "PendingImport", NULL, NULL}},
    };
    int n = 0;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        for (int s = 0; s < NSTATES; s++) {
            struct mkey m = matrix_key(st, s, n++);
            struct rs_result r = do_api(st, rows[i].api, &m, n++);
            const char *want = rows[i].expect[s];
            const char *got = code_of(r);
            if ((want == NULL) != (got == NULL) ||
                (want && strcmp(want, got) != 0)) {
                print_error("%s on %s: expected %s, got %s \"%s\"\n",
                            rows[i].api, state_names[s],
                            want ? want : "success", got ? got : "success",
                            r.arg);
                cJSON_Delete(r.body);
                fail();
            }
            cJSON_Delete(r.body);
            const char *after =
                rows[i].after[s] && !want ? rows[i].after[s] : state_names[s];
            assert_string_equal(key_state(st, m.id.s).s, after);
        }
    }
}

/* ---- documented errors ---------------------------------------------- */

static void missing_parameters(void **state)
{
    struct rs_store *st = *state;
    static const struct {
        const char *action, *param;
    } cases[] = {
        {"DescribeKey", "KeyId"},
        {"EnableKey", "KeyId"},
        {"DisableKey", "KeyId"},
        {"ScheduleKeyDeletion", "KeyId"},
        {"CancelKeyDeletion", "KeyId"},
        {"CreateAlias", "AliasName"},
        {"UpdateAlias", "AliasName"},
        {"DeleteAlias", "AliasName"},
        {"DescribeKeyVersion", "KeyId"},
        {"ListKeyVersions", "KeyId"},
        {"Encrypt", "KeyId"},
        {"Decrypt", "CiphertextBlob"},
        {"GenerateDataKey", "KeyId"},
        {"GetParametersForImport", "KeyId"},
        {"ImportKeyMaterial", "KeyId"},
        {"DeleteKeyMaterial", "KeyId"},
        {"GenerateDataKeyWithoutPlaintext", "KeyId"},
        {"ListAliasesByKeyId", "KeyId"},
        {"UpdateKeyDescription", "KeyId"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        ERR(call(st, cases[i].action, NULL), "MissingParameter",
            cases[i].param);
    struct id k = create_key(st, "EXTERNAL");
    ERR(call(st, "DescribeKey", "KeyId", "", NULL), "MissingParameter",
        "KeyId");
    ERR(call(st, "ScheduleKeyDeletion", "KeyId", k.s, NULL), "MissingParameter",
        "PendingWindowInDays");
    ERR(call(st, "CreateAlias", "AliasName", "alias/a", NULL),
        "MissingParameter", "KeyId");
    ERR(call(st, "DescribeKeyVersion", "KeyId", k.s, NULL), "MissingParameter",
        "KeyVersionId");
    ERR(call(st, "Encrypt", "KeyId", k.s, NULL), "MissingParameter",
        "Plaintext");
    ERR(call(st, "GetParametersForImport", "KeyId", k.s, "WrappingKeySpec",
             "RSA_2048", NULL),
        "MissingParameter", "WrappingAlgorithm");
    ERR(call(st, "GetParametersForImport", "KeyId", k.s, "WrappingAlgorithm",
             "RSAES_OAEP_SHA_1", NULL),
        "MissingParameter", "WrappingKeySpec");
    ERR(call(st, "ImportKeyMaterial", "KeyId", k.s, "ImportToken", "x", NULL),
        "MissingParameter", "EncryptedKeyMaterial");
    ERR(call(st, "ImportKeyMaterial", "KeyId", k.s, "EncryptedKeyMaterial",
             "eA==", NULL),
        "MissingParameter", "ImportToken");
    ERR(call(st, "CreateKey", "EnableAutomaticRotation", "true", NULL),
        "MissingParameter", "RotationInterval");
    ERR(call(st, "UpdateKeyDescription", "KeyId", k.s, NULL),
        "MissingParameter", "Description");
}

static void parse_exceptions(void **state)
{
    struct rs_store *st = *state;
    struct id k = create_key(st, "EXTERNAL");
    const char *P = "ParseRequestParameterException";
    ERR(call(st, "ScheduleKeyDeletion", "KeyId", k.s, "PendingWindowInDays",
             "abc", NULL),
        P, "");
    ERR(call(st, "ScheduleKeyDeletion", "KeyId", k.s, "PendingWindowInDays",
             "7.5", NULL),
        P, "");
    ERR(call(st, "GenerateDataKey", "KeyId", k.s, "NumberOfBytes", "x", NULL),
        P, "");
    ERR(call(st, "ImportKeyMaterial", "KeyId", k.s, "EncryptedKeyMaterial",
             "eA==", "ImportToken", "x", "KeyMaterialExpireUnix", "x", NULL),
        P, "");
    ERR(call(st, "CreateKey", "EnableAutomaticRotation", "maybe", NULL), P, "");
    ERR(call(st, "ListKeys", "PageNumber", "x", NULL), P, "");
    ERR(call(st, "ListAliases", "PageSize", "1e1", NULL), P, "");
    ERR(call(st, "ListKeyVersions", "KeyId", k.s, "PageSize", " 5", NULL), P,
        "");
    ERR(call(st, "ListKeys", "PageSize", "99999999999999999999999", NULL), P,
        "");
}

static void invalid_parameters(void **state)
{
    struct rs_store *st = *state;
    struct id k = create_key(st, "Aliyun_KMS");
    struct id x = create_key(st, "EXTERNAL");
    const char *I = "InvalidParameter";
    char long_desc[8194];
    memset(long_desc, 'd', sizeof(long_desc) - 1);
    long_desc[8193] = '\0';
    ERR(call(st, "CreateKey", "Description", long_desc, NULL), I,
        "Description");
    long_desc[8192] = '\0';
    OKF(call(st, "CreateKey", "Description", long_desc, NULL));
    ERR(call(st, "CreateKey", "KeySpec", "FOO", NULL), I, "KeySpec");
    ERR(call(st, "CreateKey", "KeyUsage", "SIGN/VERIFY", NULL), I, "KeyUsage");
    ERR(call(st, "CreateKey", "Origin", "external", NULL), I, "Origin");
    ERR(call(st, "CreateKey", "ProtectionLevel", "FOO", NULL), I,
        "ProtectionLevel");
    ERR(call(st, "CreateKey", "EnableAutomaticRotation", "true",
             "RotationInterval", "6d", NULL),
        I, "RotationInterval");
    ERR(call(st, "CreateKey", "EnableAutomaticRotation", "true",
             "RotationInterval", "731d", NULL),
        I, "RotationInterval");
    ERR(call(st, "CreateKey", "EnableAutomaticRotation", "true",
             "RotationInterval", "7x", NULL),
        I, "RotationInterval");
    ERR(call(st, "CreateKey", "EnableAutomaticRotation", "true",
             "RotationInterval", "7d", "Origin", "EXTERNAL", NULL),
        I, "EnableAutomaticRotation");
    OKF(call(st, "CreateKey", "EnableAutomaticRotation", "true",
             "RotationInterval", "604800s", NULL));
    ERR(call(st, "ScheduleKeyDeletion", "KeyId", k.s, "PendingWindowInDays",
             "6", NULL),
        I, "PendingWindowInDays");
    ERR(call(st, "ScheduleKeyDeletion", "KeyId", k.s, "PendingWindowInDays",
             "367", NULL),
        I, "PendingWindowInDays");
    ERR(call(st, "GenerateDataKey", "KeyId", k.s, "NumberOfBytes", "0", NULL),
        I, "NumberOfBytes");
    ERR(call(st, "GenerateDataKey", "KeyId", k.s, "NumberOfBytes", "1025",
             NULL),
        I, "NumberOfBytes");
    ERR(call(st, "GenerateDataKey", "KeyId", k.s, "KeySpec", "AES_512", NULL),
        I, "KeySpec");
    static const char *const bad_ctx[] = {"{", "[]", "{\"a\":1}",
                                          "{\"a\":[\"b\"]}", "null"};
    for (size_t i = 0; i < sizeof(bad_ctx) / sizeof(bad_ctx[0]); i++) {
        ERR(call(st, "Encrypt", "KeyId", k.s, "Plaintext",
                 "aGk=", "EncryptionContext", bad_ctx[i], NULL),
            I, "EncryptionContext");
        ERR(call(st, "GenerateDataKey", "KeyId", k.s, "EncryptionContext",
                 bad_ctx[i], NULL),
            I, "EncryptionContext");
    }
    ERR(call(st, "Encrypt", "KeyId", k.s, "Plaintext", "a*b=", NULL), I,
        "Plaintext");
    ERR(call(st, "Encrypt", "KeyId", k.s, "Plaintext", "aGk", NULL), I,
        "Plaintext");
    ERR(call(st, "GetParametersForImport", "KeyId", x.s, "WrappingAlgorithm",
             "FOO", "WrappingKeySpec", "RSA_2048", NULL),
        I, "WrappingAlgorithm");
    ERR(call(st, "GetParametersForImport", "KeyId", x.s, "WrappingAlgorithm",
             "RSAES_OAEP_SHA_1", "WrappingKeySpec", "RSA_4096", NULL),
        I, "WrappingKeySpec");
    ERR(call(st, "ImportKeyMaterial", "KeyId", x.s, "EncryptedKeyMaterial",
             "eA==", "ImportToken", "x", "KeyMaterialExpireUnix", "-1", NULL),
        I, "KeyMaterialExpireUnix");
    ERR(call(st, "ImportKeyMaterial", "KeyId", x.s, "EncryptedKeyMaterial",
             "eA==", "ImportToken", "x", "KeyMaterialExpireUnix", "1000", NULL),
        I, "KeyMaterialExpireUnix");
    ERR(call(st, "ListKeys", "PageSize", "0", NULL), I, "PageSize");
    ERR(call(st, "ListKeys", "PageSize", "101", NULL), I, "PageSize");
    ERR(call(st, "ListAliases", "PageNumber", "0", NULL), I, "PageNumber");
    ERR(call(st, "DescribeKey", "KeyId", "acs:kms:nonsense", NULL), I, "KeyId");
    ERR(call(st, "DescribeKey", "KeyId", "acs:kms:r:a:nokey/x", NULL), I,
        "KeyId");
}

static void alias_names(void **state)
{
    struct rs_store *st = *state;
    struct id k = create_key(st, "Aliyun_KMS");
    char longest[262] = "alias/", too_long[263] = "alias/";
    memset(longest + 6, 'a', 255);
    longest[261] = '\0';
    memset(too_long + 6, 'a', 256);
    too_long[262] = '\0';
    static const char *const bad[] = {
        "noprefix", "alias/",  "alias/acs", "alias/acsfoo", "alias/a b",
        "alias/é",  "Alias/x", "alias/x*",  "alias/a:b",    "alias/x.y"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ERR(call(st, "CreateAlias", "AliasName", bad[i], "KeyId", k.s, NULL),
            "InvalidParameter", "AliasName");
        ERR(call(st, "DeleteAlias", "AliasName", bad[i], NULL),
            "InvalidParameter", "AliasName");
    }
    ERR(call(st, "CreateAlias", "AliasName", too_long, "KeyId", k.s, NULL),
        "InvalidParameter", "AliasName");
    OKF(call(st, "CreateAlias", "AliasName", longest, "KeyId", k.s, NULL));
    OKF(call(st, "CreateAlias", "AliasName", "alias/A-z_09/x", "KeyId", k.s,
             NULL));
    OKF(call(st, "CreateAlias", "AliasName", "alias/ac", "KeyId", k.s, NULL));
}

static void aliases(void **state)
{
    struct rs_store *st = *state;
    struct id k1 = create_key(st, "Aliyun_KMS");
    struct id k2 = create_key(st, "Aliyun_KMS");
    OKF(call(st, "CreateAlias", "AliasName", "alias/a", "KeyId", k1.s, NULL));
    ERR(call(st, "CreateAlias", "AliasName", "alias/a", "KeyId", k2.s, NULL),
        "AliasAlreadyExists", "");
    ERR(call(st, "CreateAlias", "AliasName", "alias/b", "KeyId", "alias/a",
             NULL),
        "Unsupported.Alias", "");
    ERR(call(st, "CreateAlias", "AliasName", "alias/b", "KeyId", "key-none",
             NULL),
        "Forbidden.KeyNotFound", "");
    OKF(call(st, "UpdateAlias", "AliasName", "alias/a", "KeyId", k2.s, NULL));
    cJSON *b = OK(call(st, "DescribeKey", "KeyId", "alias/a", NULL));
    assert_string_equal(field(b, "KeyMetadata.KeyId"), k2.s);
    cJSON_Delete(b);
    ERR(call(st, "UpdateAlias", "AliasName", "alias/zz", "KeyId", k2.s, NULL),
        "Forbidden.AliasNotFound", "");
    b = OK(call(st, "ListAliases", NULL));
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(b, "Aliases"), "Alias");
    assert_int_equal(cJSON_GetArraySize(list), 1);
    const cJSON *a0 = cJSON_GetArrayItem(list, 0);
    assert_string_equal(field(a0, "AliasName"), "alias/a");
    assert_string_equal(field(a0, "KeyId"), k2.s);
    assert_string_equal(field(a0, "AliasArn"),
                        "acs:kms:" REGION ":" ACCOUNT ":alias/a");
    assert_int_equal(
        cJSON_GetObjectItemCaseSensitive(b, "TotalCount")->valuedouble, 1);
    cJSON_Delete(b);
    /* The alias ARN also names the key where aliases are accepted. */
    b = OK(call(st, "DescribeKey", "KeyId",
                "acs:kms:" REGION ":" ACCOUNT ":alias/a", NULL));
    assert_string_equal(field(b, "KeyMetadata.KeyId"), k2.s);
    cJSON_Delete(b);
    OKF(call(st, "DeleteAlias", "AliasName", "alias/a", NULL));
    ERR(call(st, "DeleteAlias", "AliasName", "alias/a", NULL),
        "Forbidden.AliasNotFound", "");
    ERR(call(st, "DescribeKey", "KeyId", "alias/a", NULL),
        "Forbidden.AliasNotFound", "");
    ERR(call(st, "Encrypt", "KeyId", "alias/a", "Plaintext", "aGk=", NULL),
        "Forbidden.AliasNotFound", "");
    /* At most 300 aliases per account and region (the limits page), all of
     * them on one key if need be: no limit per key. */
    for (int i = 0; i < 300; i++) {
        char name[32];
        snprintf(name, sizeof(name), "alias/many-%d", i);
        OKF(call(st, "CreateAlias", "AliasName", name, "KeyId", k1.s, NULL));
    }
    ERR(call(st, "CreateAlias", "AliasName", "alias/one-more", "KeyId", k2.s,
             NULL),
        "Rejected.LimitExceeded", "");
    OKF(call(st, "DeleteAlias", "AliasName", "alias/many-0", NULL));
    OKF(call(st, "CreateAlias", "AliasName", "alias/one-more", "KeyId", k2.s,
             NULL));
}

/* DescribeKeyVersion and ListKeyVersions take an alias or an alias ARN
 * (their metadata says so); the key key_id has the alias alias/u. */
static void version_ops_by_alias(struct rs_store *st, const char *key_id)
{
    cJSON *b = OK(call(st, "DescribeKey", "KeyId", key_id, NULL));
    struct id v = copy_field(b, "KeyMetadata.PrimaryKeyVersion");
    cJSON_Delete(b);
    static const char *const refs[] = {"alias/u", "acs:kms:" REGION ":" ACCOUNT
                                                  ":alias/u"};
    for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
        b = OK(call(st, "DescribeKeyVersion", "KeyId", refs[i], "KeyVersionId",
                    v.s, NULL));
        assert_string_equal(field(b, "KeyVersion.KeyId"), key_id);
        assert_string_equal(field(b, "KeyVersion.KeyVersionId"), v.s);
        cJSON_Delete(b);
        b = OK(call(st, "ListKeyVersions", "KeyId", refs[i], NULL));
        assert_int_equal(
            cJSON_GetObjectItemCaseSensitive(b, "TotalCount")->valuedouble, 1);
        cJSON_Delete(b);
    }
    ERR(call(st, "DescribeKeyVersion", "KeyId", "alias/none", "KeyVersionId",
             v.s, NULL),
        "Forbidden.AliasNotFound", "");
    ERR(call(st, "ListKeyVersions", "KeyId", "alias/none", NULL),
        "Forbidden.AliasNotFound", "");
}

static void unsupported_alias(void **state)
{
    struct rs_store *st = *state;
    struct id k = create_key(st, "EXTERNAL");
    OKF(call(st, "CreateAlias", "AliasName", "alias/u", "KeyId", k.s, NULL));
    static const char *const only_ids[] = {
        "EnableKey",         "DisableKey",         "CancelKeyDeletion",
        "DeleteKeyMaterial", "ListAliasesByKeyId",
    };
    for (size_t i = 0; i < sizeof(only_ids) / sizeof(only_ids[0]); i++) {
        ERR(call(st, only_ids[i], "KeyId", "alias/u", NULL),
            "Unsupported.Alias", "");
        ERR(call(st, only_ids[i], "KeyId",
                 "acs:kms:" REGION ":" ACCOUNT ":alias/u", NULL),
            "Unsupported.Alias", "");
    }
    ERR(call(st, "ScheduleKeyDeletion", "KeyId", "alias/u",
             "PendingWindowInDays", "7", NULL),
        "Unsupported.Alias", "");
    ERR(call(st, "UpdateAlias", "AliasName", "alias/u", "KeyId", "alias/u",
             NULL),
        "Unsupported.Alias", "");
    ERR(call(st, "GetParametersForImport", "KeyId", "alias/u",
             "WrappingAlgorithm", "RSAES_OAEP_SHA_1", "WrappingKeySpec",
             "RSA_2048", NULL),
        "Unsupported.Alias", "");
    /* Aliases are accepted by DescribeKey, Encrypt and GenerateDataKey
     * (here the key waits for its material). */
    OKF(call(st, "DescribeKey", "KeyId", "alias/u", NULL));
    ERR(call(st, "Encrypt", "KeyId", "alias/u", "Plaintext", "aGk=", NULL),
        "Rejected.PendingImport", "");
    ERR(call(st, "GenerateDataKey", "KeyId", "alias/u", NULL),
        "Rejected.PendingImport", "");
    version_ops_by_alias(st, k.s);
}

static void not_found(void **state)
{
    struct rs_store *st = *state;
    struct id k = create_key(st, "Aliyun_KMS");
    const char *KNF = "Forbidden.KeyNotFound";
    ERR(call(st, "DescribeKey", "KeyId", "2d1e3c4b-5a69-4788-97a6-b5c4d3e2f1a0",
             NULL),
        KNF, "");
    ERR(call(st, "EnableKey", "KeyId", "key-doesnotexist0000000", NULL), KNF,
        "");
    ERR(call(st, "DescribeKey", "KeyId", "acs:kms:" REGION ":999999:key/key-x",
             NULL),
        KNF, "");
    char other[2200];
    snprintf(other, sizeof(other), "acs:kms:xx-nohsm-1:%s:key/%s", ACCOUNT,
             k.s);
    ERR(call(st, "DescribeKey", "KeyId", other, NULL), KNF, "");
    ERR(call(st, "DescribeKeyVersion", "KeyId", k.s, "KeyVersionId",
             "2d1e3c4b-5a69-4788-97a6-b5c4d3e2f1a0", NULL),
        "Forbidden.KeyVersionNotFound", "");
    ERR(call(st, "DescribeKey", "KeyId", "alias/none", NULL),
        "Forbidden.AliasNotFound", "");
    ERR(call(st, "DeleteAlias", "AliasName", "alias/none", NULL),
        "Forbidden.AliasNotFound", "");

    /* Keys belong to one account and one region. */
    struct id blob = encrypt(st, k.s, "aGk=", NULL);
    struct req r = req_default();
    r.account = "6543210987654321";
    ERR(call_as(st, &r, "DescribeKey", "KeyId", k.s, NULL), KNF, "");
    ERR(call_as(st, &r, "Decrypt", "CiphertextBlob", blob.s, NULL), KNF, "");
    r = req_default();
    r.region = "xx-nohsm-1";
    ERR(call_as(st, &r, "Encrypt", "KeyId", k.s, "Plaintext", "aGk=", NULL),
        KNF, "");
    cJSON *b = OK(call_as(st, &r, "ListKeys", NULL));
    assert_int_equal(
        cJSON_GetObjectItemCaseSensitive(b, "TotalCount")->valuedouble, 0);
    cJSON_Delete(b);
}

static void origin_and_protection(void **state)
{
    struct rs_store *st = *state;
    struct id k = create_key(st, "Aliyun_KMS");
    ERR(call(st, "GetParametersForImport", "KeyId", k.s, "WrappingAlgorithm",
             "RSAES_OAEP_SHA_1", "WrappingKeySpec", "RSA_2048", NULL),
        "Unsupported.Origin", "");
    ERR(call(st, "ImportKeyMaterial", "KeyId", k.s, "EncryptedKeyMaterial",
             "eA==", "ImportToken", "eA==", NULL),
        "Unsupported.Origin", "");
    ERR(call(st, "DeleteKeyMaterial", "KeyId", k.s, NULL), "Unsupported.Origin",
        "");
    struct req r = req_default();
    r.hsm = false;
    r.region = "xx-nohsm-1";
    ERR(call_as(st, &r, "CreateKey", "ProtectionLevel", "HSM", NULL),
        "Unsupported.ProtectionLevel", "");
    OKF(call_as(st, &r, "CreateKey", "ProtectionLevel", "SOFTWARE", NULL));
}

static void quota(void **state)
{
    struct rs_store *st = *state;
    struct req r = req_default();
    r.quota = 2;
    cJSON *b = OK(call_as(st, &r, "CreateKey", NULL));
    struct id k1 = copy_field(b, "KeyMetadata.KeyId");
    cJSON_Delete(b);
    OKF(call_as(st, &r, "CreateKey", "Origin", "EXTERNAL", NULL));
    ERR(call_as(st, &r, "CreateKey", NULL), "Rejected.LimitExceeded", "");
    /* PendingDeletion keys do not count. */
    OKF(call_as(st, &r, "ScheduleKeyDeletion", "KeyId", k1.s,
                "PendingWindowInDays", "7", NULL));
    OKF(call_as(st, &r, "CreateKey", NULL));
    ERR(call_as(st, &r, "CreateKey", NULL), "Rejected.LimitExceeded", "");
    ERR(call_as(st, &r, "CancelKeyDeletion", "KeyId", "alias/x", NULL),
        "Unsupported.Alias", "");
    /* Total memory stays bounded: old PendingDeletion keys make room. */
    for (int i = 0; i < 100; i++) {
        b = OK(call_as(st, &r, "ListKeys", "PageSize", "100", NULL));
        const cJSON *list = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(b, "Keys"), "Key");
        struct id victim = copy_field(
            cJSON_GetArrayItem(list, cJSON_GetArraySize(list) - 1), "KeyId");
        cJSON_Delete(b);
        OKF(call_as(st, &r, "ScheduleKeyDeletion", "KeyId", victim.s,
                    "PendingWindowInDays", "7", NULL));
        OKF(call_as(st, &r, "CreateKey", NULL));
    }
    b = OK(call_as(st, &r, "ListKeys", NULL));
    assert_true(
        cJSON_GetObjectItemCaseSensitive(b, "TotalCount")->valuedouble <= 68);
    cJSON_Delete(b);
}

static void import_errors(void **state)
{
    struct rs_store *st = *state;
    struct id k = create_key(st, "EXTERNAL");
    struct id other = create_key(st, "EXTERNAL");
    cJSON *p =
        OK(call(st, "GetParametersForImport", "KeyId", k.s, "WrappingAlgorithm",
                "RSAES_OAEP_SHA_256", "WrappingKeySpec", "RSA_2048", NULL));
    const char *tok = field(p, "ImportToken");
    const char *pub = field(p, "PublicKey");
    char *good = client_wrap(pub, "RSAES_OAEP_SHA_256", material_a, 32);
    /* A garbage token; a token of another key. */
    ERR(call(st, "ImportKeyMaterial", "KeyId", k.s, "EncryptedKeyMaterial",
             good, "ImportToken", "Z2FyYmFnZQ==", NULL),
        "InvalidImportToken", "");
    ERR(call(st, "ImportKeyMaterial", "KeyId", other.s, "EncryptedKeyMaterial",
             good, "ImportToken", tok, NULL),
        "InvalidImportToken", "");
    /* Expired at the end of its lifetime. */
    struct req r = req_default();
    r.now = T0 + 86400;
    ERR(call_as(st, &r, "ImportKeyMaterial", "KeyId", k.s,
                "EncryptedKeyMaterial", good, "ImportToken", tok, NULL),
        "ExpiredImportToken", "");
    /* Material that does not unwrap, or not 32 bytes. */
    char *short_m = client_wrap(pub, "RSAES_OAEP_SHA_256", material_a, 16);
    char *wrong_alg = client_wrap(pub, "RSAES_OAEP_SHA_1", material_a, 32);
    const char *junk[] = {short_m, wrong_alg, "Z2FyYmFnZQ==", "not base64"};
    for (size_t i = 0; i < 4; i++)
        ERR(call(st, "ImportKeyMaterial", "KeyId", k.s, "EncryptedKeyMaterial",
                 junk[i], "ImportToken", tok, NULL),
            "InvalidKeyMaterial", "");
    assert_string_equal(key_state(st, k.s).s, "PendingImport");
    OKF(call(st, "ImportKeyMaterial", "KeyId", k.s, "EncryptedKeyMaterial",
             good, "ImportToken", tok, NULL));
    free(short_m);
    free(wrong_alg);
    free(good);
    cJSON_Delete(p);

    /* A short token lifetime, as for the short-token account. */
    r = req_default();
    r.life = 1;
    struct id k3 = create_key(st, "EXTERNAL");
    struct import_params ip = get_params(st, k3.s, "RSAES_OAEP_SHA_1");
    (void)ip;
    cJSON *p3 = OK(call_as(st, &r, "GetParametersForImport", "KeyId", k3.s,
                           "WrappingAlgorithm", "RSAES_OAEP_SHA_1",
                           "WrappingKeySpec", "RSA_2048", NULL));
    assert_string_equal(field(p3, "TokenExpireTime"), "2023-11-14T22:13:21Z");
    char *w =
        client_wrap(field(p3, "PublicKey"), "RSAES_OAEP_SHA_1", material_b, 32);
    r.now = T0 + 1;
    ERR(call_as(st, &r, "ImportKeyMaterial", "KeyId", k3.s,
                "EncryptedKeyMaterial", w, "ImportToken",
                field(p3, "ImportToken"), NULL),
        "ExpiredImportToken", "");
    free(w);
    cJSON_Delete(p3);
}

/* The number of items of a list answer and its PageSize. */
static void assert_page(cJSON *b, const char *outer, const char *inner,
                        int items, double size)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(b, outer), inner);
    assert_true(cJSON_IsArray(list));
    assert_int_equal(cJSON_GetArraySize(list), items);
    assert_true(cJSON_GetObjectItemCaseSensitive(b, "PageSize")->valuedouble ==
                size);
    cJSON_Delete(b);
}

/* Default PageSize 10 and each list's documented range: ListKeys 1-100,
 * ListAliases 0-100, ListKeyVersions and ListAliasesByKeyId 0-101. */
static void documented_paging(void **state)
{
    struct rs_store *st = *state;
    struct id k = {0};
    for (int i = 0; i < 12; i++) {
        char name[32];
        k = create_key(st, "Aliyun_KMS");
        snprintf(name, sizeof(name), "alias/p%d", i);
        OKF(call(st, "CreateAlias", "AliasName", name, "KeyId", k.s, NULL));
    }
    const char *I = "InvalidParameter";
    assert_page(OK(call(st, "ListKeys", NULL)), "Keys", "Key", 10, 10);
    assert_page(OK(call(st, "ListAliases", NULL)), "Aliases", "Alias", 10, 10);
    assert_page(OK(call(st, "ListAliases", "PageSize", "0", NULL)), "Aliases",
                "Alias", 0, 0);
    ERR(call(st, "ListAliases", "PageSize", "101", NULL), I, "PageSize");
    ERR(call(st, "ListAliases", "PageSize", "-1", NULL), I, "PageSize");
    assert_page(
        OK(call(st, "ListKeyVersions", "KeyId", k.s, "PageSize", "101", NULL)),
        "KeyVersions", "KeyVersion", 1, 101);
    assert_page(
        OK(call(st, "ListKeyVersions", "KeyId", k.s, "PageSize", "0", NULL)),
        "KeyVersions", "KeyVersion", 0, 0);
    ERR(call(st, "ListKeyVersions", "KeyId", k.s, "PageSize", "102", NULL), I,
        "PageSize");
    assert_page(OK(call(st, "ListAliasesByKeyId", "KeyId", k.s, "PageSize",
                        "101", NULL)),
                "Aliases", "Alias", 1, 101);
    ERR(call(st, "ListAliasesByKeyId", "KeyId", k.s, "PageSize", "102", NULL),
        I, "PageSize");
}

static void list_paging(void **state)
{
    struct rs_store *st = *state;
    struct id ids[5];
    for (int i = 0; i < 5; i++)
        ids[i] = create_key(st, "Aliyun_KMS");
    cJSON *b =
        OK(call(st, "ListKeys", "PageSize", "2", "PageNumber", "3", NULL));
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(b, "Keys"), "Key");
    assert_int_equal(cJSON_GetArraySize(list), 1);
    assert_string_equal(field(cJSON_GetArrayItem(list, 0), "KeyId"), ids[4].s);
    char arn[2200];
    snprintf(arn, sizeof(arn), "acs:kms:%s:%s:key/%s", REGION, ACCOUNT,
             ids[4].s);
    assert_string_equal(field(cJSON_GetArrayItem(list, 0), "KeyArn"), arn);
    assert_int_equal(
        cJSON_GetObjectItemCaseSensitive(b, "TotalCount")->valuedouble, 5);
    assert_int_equal(
        cJSON_GetObjectItemCaseSensitive(b, "PageNumber")->valuedouble, 3);
    assert_int_equal(
        cJSON_GetObjectItemCaseSensitive(b, "PageSize")->valuedouble, 2);
    cJSON_Delete(b);
    b = OK(call(st, "ListKeys", "PageNumber", "9", NULL));
    list = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(b, "Keys"), "Key");
    assert_true(cJSON_IsArray(list));
    assert_int_equal(cJSON_GetArraySize(list), 0);
    cJSON_Delete(b);
    b = OK(call(st, "ListKeyVersions", "KeyId", ids[0].s, NULL));
    list = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(b, "KeyVersions"), "KeyVersion");
    assert_int_equal(cJSON_GetArraySize(list), 1);
    const cJSON *v = cJSON_GetArrayItem(list, 0);
    assert_string_equal(field(v, "KeyId"), ids[0].s);
    assert_string_equal(field(v, "CreationDate"), "2023-11-14T22:13:20Z");
    struct id vid = copy_field(v, "KeyVersionId");
    cJSON_Delete(b);
    b = OK(call(st, "DescribeKeyVersion", "KeyId", ids[0].s, "KeyVersionId",
                vid.s, NULL));
    assert_string_equal(field(b, "KeyVersion.KeyVersionId"), vid.s);
    assert_string_equal(field(b, "KeyVersion.KeyId"), ids[0].s);
    cJSON_Delete(b);
}

static void unknown_actions(void **state)
{
    struct rs_store *st = *state;
    assert_true(rs_ops_known("CreateKey"));
    assert_true(rs_ops_known("DeleteKeyMaterial"));
    assert_false(rs_ops_known("createkey"));
    assert_false(rs_ops_known("CreateSecret"));
    assert_false(rs_ops_known(""));
    struct kc_param p = {"KeyId", "x"};
    struct rs_call c = {&p, 1, ACCOUNT, REGION, true, 10, 10, T0};
    struct rs_result res;
    assert_int_equal(rs_ops_call(st, "Nope", &c, &res), -1);
    assert_null(res.body);
}

/* ---- concurrency ---------------------------------------------------- */

#define THREADS 4
#define ROUNDS  25

static void *worker(void *arg)
{
    struct rs_store *st = arg;
    long bad = 0;
    for (int i = 0; i < ROUNDS; i++) {
        struct req r = req_default();
        struct rs_call c;
        struct kc_param p[4];
        struct rs_result res;
        c = (struct rs_call){p, 0, r.account, r.region, true, 1000, 60, T0};
        if (rs_ops_call(st, "CreateKey", &c, &res) != 0 || res.error) {
            bad++;
            continue;
        }
        char id[64];
        snprintf(id, sizeof(id), "%s", field(res.body, "KeyMetadata.KeyId"));
        cJSON_Delete(res.body);
        p[0] = (struct kc_param){"KeyId", id};
        p[1] = (struct kc_param){"Plaintext", "Y29uY3VycmVudA=="};
        c.nparams = 2;
        if (rs_ops_call(st, "Encrypt", &c, &res) != 0 || res.error) {
            bad++;
            continue;
        }
        char blob[512];
        snprintf(blob, sizeof(blob), "%s", field(res.body, "CiphertextBlob"));
        cJSON_Delete(res.body);
        p[0] = (struct kc_param){"CiphertextBlob", blob};
        c.nparams = 1;
        if (rs_ops_call(st, "Decrypt", &c, &res) != 0 || res.error) {
            bad++;
            continue;
        }
        if (strcmp(field(res.body, "Plaintext"), "Y29uY3VycmVudA==") != 0)
            bad++;
        cJSON_Delete(res.body);
    }
    return (void *)(intptr_t)bad;
}

/* Imports into a fresh EXTERNAL key: wrapping keys come from the shared
 * pool, generated concurrently on first use. */
static void *import_worker(void *arg)
{
    struct rs_store *st = arg;
    struct id k = create_key(st, "EXTERNAL");
    cJSON_Delete(ok_at(import(st, k.s, material_b), __LINE__));
    OKF(call(st, "Encrypt", "KeyId", k.s, "Plaintext", "aGk=", NULL));
    return NULL;
}

static void concurrency(void **state)
{
    struct rs_store *st = *state;
    pthread_t t[THREADS], imp[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&imp[i], NULL, import_worker, st), 0);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, st), 0);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(imp[i], NULL), 0);
    for (int i = 0; i < THREADS; i++) {
        void *bad = NULL;
        assert_int_equal(pthread_join(t[i], &bad), 0);
        assert_null(bad);
    }
    cJSON *b = OK(call(st, "ListKeys", NULL));
    assert_int_equal(
        cJSON_GetObjectItemCaseSensitive(b, "TotalCount")->valuedouble,
        THREADS * ROUNDS + THREADS);
    cJSON_Delete(b);
}

/* The dispatch table is sorted (rs_ops_call finds actions by bsearch), and
 * holds the 22 actions of docs/refserver.md. */
static void dispatch_table_sorted(void **state)
{
    (void)state;
    assert_int_equal(rs_ops_count(), 22);
    for (size_t i = 0; i < rs_ops_count(); i++) {
        assert_true(rs_ops_known(rs_ops_action(i)));
        if (i > 0 && strcmp(rs_ops_action(i - 1), rs_ops_action(i)) >= 0) {
            print_error("dispatch table: \"%s\" before \"%s\"\n",
                        rs_ops_action(i - 1), rs_ops_action(i));
            fail();
        }
    }
    assert_null(rs_ops_action(rs_ops_count()));
    assert_false(rs_ops_known(NULL));
    assert_false(rs_ops_known("Aaa"));
    assert_false(rs_ops_known("Zzz"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(create_and_describe),   T(external_key_lifecycle),
        T(material_expiry),       T(deletion_by_the_clock),
        T(encrypt_decrypt),       T(tampered_blob),
        T(generate_data_key),     T(more_operations),
        T(state_matrix),          T(missing_parameters),
        T(parse_exceptions),      T(invalid_parameters),
        T(alias_names),           T(aliases),
        T(unsupported_alias),     T(not_found),
        T(origin_and_protection), T(quota),
        T(import_errors),         T(list_paging),
        T(documented_paging),     T(unknown_actions),
        T(concurrency),           cmocka_unit_test(dispatch_table_sorted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
