/*
 * fuzz_rs_handler: whole requests through kms-refserver's handler
 * (rs_handler_handle: decoding, authentication, every check, the
 * operations), without HTTP. A fresh handler with the built-in
 * configuration serves each input, at a fixed clock, so runs repeat.
 *
 * Input layout: byte 0 is flags, then up to four requests separated by NUL
 * bytes, each a raw (percent-encoded) parameter string.
 *   bit 0  sign: decode the parameters, add the common ones that are
 *          missing (AccessKeyId, SignatureMethod, SignatureVersion,
 *          Timestamp, SignatureNonce, Version) and a valid V1 signature,
 *          so that inputs reach the operations; otherwise sent as is
 *   bit 1  POST (else GET)
 *   bit 2  POST: parameters in the form body (else in the query)
 *   bit 3  POST: send Content-Type application/x-www-form-urlencoded
 *   bits 4-7  which access key of the configuration signs (modulo count)
 * "$K" in a request is replaced by the last KeyId a JSON answer held, so a
 * sequence can create a key and then use it.
 *
 * Invariants checked beyond memory safety: an answer is always built;
 * status 200 or 4xx/5xx; an error names a code of the server's error table
 * with that table's status; a success has no code; RequestId is set and
 * equals x-acs-request-id; a JSON answer is a JSON object. FZ_DEBUG=1 in
 * the environment prints each answer's status, code and body start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzz_common.h"
#include "kc/codec.h"
#include "kc/sign.h"
#include "rs/config.h"
#include "rs/handler.h"
#include "rs/request.h"

#define FZ_NOW      ((time_t)1767225600) /* 2026-01-01T00:00:00Z */
#define FZ_REQUESTS 4

struct session {
    unsigned flags;
    const struct rs_access_key *key;
    struct rs_handler *h;
    char key_id[128]; /* last KeyId seen, "" before */
    unsigned nonce;
};

static struct rs_config *config(void)
{
    static struct rs_config cfg;
    static bool ready;

    if (!ready) {
        if (rs_config_default(&cfg) != 0 || cfg.nkeys == 0)
            fz_fail("rs_config_default failed");
        ready = true;
    }
    return &cfg;
}

/* Copies raw into out, "$K" replaced by the last KeyId. */
static void substitute(const struct session *s, const char *raw, size_t n,
                       struct kc_buf *out)
{
    for (size_t i = 0; i < n; i++) {
        int rc;
        if (raw[i] == '$' && i + 1 < n && raw[i + 1] == 'K') {
            rc = kc_buf_puts(out, s->key_id);
            i++;
        } else {
            rc = kc_buf_putc(out, raw[i]);
        }
        if (rc != 0)
            fz_fail("out of memory");
    }
}

static void add_default(struct rs_params *p, const char *name,
                        const char *value)
{
    if (!rs_params_get(p, name))
        (void)rs_params_add(p, name, value);
}

static void encode_params(const struct rs_params *p, struct kc_buf *out)
{
    for (size_t i = 0; i < p->n; i++) {
        const char *k = p->items[i].name, *v = p->items[i].value;
        if ((i > 0 && kc_buf_putc(out, '&') != 0) ||
            kc_pct_encode(out, k, strlen(k)) != 0 ||
            kc_buf_putc(out, '=') != 0 || kc_pct_encode(out, v, strlen(v)))
            fz_fail("out of memory");
    }
}

/* Signs the decoded parameters into out; false when they do not decode
 * (the raw text is then sent as is). */
static bool sign_params(struct session *s, const char *method,
                        const struct kc_buf *raw, struct kc_buf *out)
{
    struct rs_params p;
    char ts[21], nonce[32], sig[29];
    bool ok = false;

    rs_params_init(&p);
    if (rs_params_parse(&p, kc_buf_str(raw), raw->len) != RS_PARSE_OK)
        goto out;
    kc_time_format(FZ_NOW, ts);
    snprintf(nonce, sizeof(nonce), "fz-nonce-%u", s->nonce++);
    add_default(&p, "AccessKeyId", s->key->id);
    add_default(&p, "SignatureMethod", "HMAC-SHA1");
    add_default(&p, "SignatureVersion", "1.0");
    add_default(&p, "Timestamp", ts);
    add_default(&p, "SignatureNonce", nonce);
    add_default(&p, "Version", "2016-01-20");
    if (!rs_params_get(&p, "Signature")) {
        if (kc_sign_v1(s->key->secret, method, p.items, p.n, sig) != 0)
            fz_fail("kc_sign_v1 failed");
        (void)rs_params_add(&p, "Signature", sig);
    }
    encode_params(&p, out);
    ok = true;
out:
    rs_params_dispose(&p);
    return ok;
}

static void remember_key(struct session *s, const struct rs_reply *r)
{
    cJSON *root = cJSON_ParseWithLength(r->body, r->len);
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(root, "KeyMetadata");
    const cJSON *id =
        cJSON_GetObjectItemCaseSensitive(meta ? meta : root, "KeyId");

    if (r->content_type && !strncmp(r->content_type, "application/json", 16) &&
        !cJSON_IsObject(root))
        fz_fail("rs_handler: JSON answer is not a JSON object");
    if (cJSON_IsString(id) && strlen(id->valuestring) < sizeof(s->key_id))
        snprintf(s->key_id, sizeof(s->key_id), "%s", id->valuestring);
    cJSON_Delete(root);
}

static void check_reply(const struct rs_reply *r)
{
    const struct rs_errdef *def;

    if (!r->body || !r->content_type || !r->code)
        fz_fail("rs_handler: answer without body, type or code");
    if (r->status == 200) {
        if (r->code[0])
            fz_fail("rs_handler: 200 with an error code");
    } else {
        def = rs_reply_find(r->code);
        if (r->status < 400 || r->status > 599 || !def)
            fz_fail("rs_handler: error answer with an unknown code/status");
        if (def->status != r->status)
            fz_fail("rs_handler: status differs from the error table");
    }
    if (!r->request_id[0] || strcmp(r->request_id, r->header_id) != 0)
        fz_fail("rs_handler: RequestId missing or differs from header");
}

static void one_request(struct session *s, const char *raw, size_t n)
{
    static const struct kc_param form = {"Content-Type",
                                         "application/x-www-form-urlencoded"};
    const char *method = (s->flags & 2) ? "POST" : "GET";
    bool in_body = (s->flags & 6) == 6;
    struct kc_buf text, signed_text;
    struct rs_reply reply;
    struct rs_http_in in;

    kc_buf_init(&text, 0);
    kc_buf_init(&signed_text, 0);
    substitute(s, raw, n, &text);
    const struct kc_buf *send = &text;
    if ((s->flags & 1) && sign_params(s, method, &text, &signed_text))
        send = &signed_text;
    memset(&in, 0, sizeof(in));
    memset(&reply, 0, sizeof(reply));
    in.method = method;
    in.query = in_body ? NULL : kc_buf_str(send);
    in.querylen = in_body ? 0 : send->len;
    in.body = in_body ? kc_buf_str(send) : NULL;
    in.bodylen = in_body ? send->len : 0;
    in.too_large = in.querylen > RS_QUERY_MAX || in.bodylen > RS_BODY_MAX;
    in.headers = (s->flags & 10) == 10 ? &form : NULL;
    in.nheaders = (s->flags & 10) == 10 ? 1 : 0;
    in.now = FZ_NOW;
    if (rs_handler_handle(s->h, &in, &reply) != 0)
        fz_fail("rs_handler_handle: no answer built");
    if (getenv("FZ_DEBUG")) /* what each request got, for seed writing */
        fprintf(stderr, "fz: %s %u %s %.*s\n", method, reply.status, reply.code,
                (int)(reply.len < 200 ? reply.len : 200),
                reply.body ? reply.body : "");
    check_reply(&reply);
    remember_key(s, &reply);
    rs_reply_dispose(&reply);
    kc_buf_dispose(&signed_text);
    kc_buf_dispose(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rs_config *cfg = config();
    struct session s;
    const char *p = (const char *)data + (size > 0);
    size_t left = size > 0 ? size - 1 : 0;

    memset(&s, 0, sizeof(s));
    s.flags = size > 0 ? data[0] : 0;
    s.key = &cfg->keys[(s.flags >> 4) % cfg->nkeys];
    if (rs_handler_new(&s.h, cfg, NULL) != 0)
        fz_fail("rs_handler_new failed");
    for (int i = 0; i < FZ_REQUESTS && (i == 0 || left > 0); i++) {
        const char *nul = memchr(p, '\0', left);
        size_t n = nul ? (size_t)(nul - p) : left;
        one_request(&s, p, n);
        p += nul ? n + 1 : n;
        left -= nul ? n + 1 : n;
    }
    rs_handler_free(s.h);
    return 0;
}
