/*
 * fuzz_target: the target-profile loader (kc_target_parse, with and
 * without an endpoint override) and the envelope rule-set loader
 * (kc_envelope_parse) on arbitrary bytes.
 *
 * Invariants checked beyond memory safety: a refusal comes with a one-line
 * reason (KC_FUZZ_KNOWN=target-one-line skips the open finding F2) that
 * never quotes an inline access_key_secret; an accepted profile has the
 * never-NULL fields its header promises, lists its secrets, and keeps
 * working after kc_target_set_endpoint.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzz_common.h"
#include "kc/target.h"

/* Shorter secrets match too much ordinary text to be a leak signal. */
#define SECRET_MIN_LEN 6

static size_t count_in(const uint8_t *data, size_t size, const char *s)
{
    size_t n = strlen(s), hits = 0;

    for (size_t i = 0; n > 0 && i + n <= size; i++) {
        if (memcmp(data + i, s, n) == 0)
            hits++;
    }
    return hits;
}

/* Fails when err quotes the value of some "access_key_secret" string that
 * appears only once in the input (so it can only come from that key). */
static void check_no_secret(const cJSON *node, const uint8_t *data, size_t size,
                            const char *err)
{
    for (const cJSON *it = node; it; it = it->next) {
        if (it->string && !strcmp(it->string, "access_key_secret") &&
            cJSON_IsString(it) && it->valuestring &&
            strlen(it->valuestring) >= SECRET_MIN_LEN &&
            count_in(data, size, it->valuestring) == 1 &&
            strstr(err, it->valuestring))
            fz_fail("kc_target_parse: error message quotes a secret");
        if (it->child)
            check_no_secret(it->child, data, size, err);
    }
}

static void check_refusal(const uint8_t *data, size_t size, const char *err)
{
    cJSON *root;

    /* Known: raw key names reach the message (findings, F2). */
    if (err[0] == '\0' || strpbrk(err, "\r\n"))
        fz_fail("kc_target_parse: refusal without a one-line reason");
    root = cJSON_ParseWithLength((const char *)data, size);
    if (root) {
        check_no_secret(root, data, size, err);
        cJSON_Delete(root);
    }
}

static void check_target(struct kc_target *t)
{
    const char *secrets[16];
    char err[512] = "";

    if (!t->name || !t->endpoint || !t->region || !t->method || !t->envelope ||
        !t->source)
        fz_fail("kc_target: a never-NULL field is NULL");
    for (size_t i = 0; i < t->ncreds; i++) {
        if (!t->creds[i].name || !t->creds[i].access_key_id ||
            !t->creds[i].access_key_secret)
            fz_fail("kc_target: a credential field is NULL");
        if (kc_target_credential(t, t->creds[i].name) == NULL)
            fz_fail("kc_target_credential: declared credential not found");
    }
    for (size_t i = 0; i < t->ncaps; i++) {
        if (kc_target_capability(t, t->caps[i].name) == NULL)
            fz_fail("kc_target_capability: declared capability not found");
    }
    (void)kc_target_secrets(t, secrets, 16);
    if (kc_target_set_endpoint(t, "http://127.0.0.1:9", err, sizeof(err)) != 0)
        fz_fail("kc_target_set_endpoint: loopback endpoint refused");
}

static void parse_target(const uint8_t *data, size_t size, const char *override)
{
    struct kc_target *t = NULL;
    char err[512] = "";

    if (kc_target_parse(&t, (const char *)data, size, "fuzz.json", override,
                        err, sizeof(err)) != 0) {
        if (t)
            fz_fail("kc_target_parse: failed but returned a target");
        check_refusal(data, size, err);
        return;
    }
    check_target(t);
    kc_target_free(t);
}

static void parse_envelope(const uint8_t *data, size_t size)
{
    struct kc_envelope *e = NULL;
    char err[512] = "";

    if (kc_envelope_parse(&e, (const char *)data, size, "fuzz.json", "kms", err,
                          sizeof(err)) != 0) {
        if (err[0] == '\0' || strpbrk(err, "\r\n"))
            fz_fail("kc_envelope_parse: refusal without a one-line reason");
        return;
    }
    for (size_t i = 0; i < e->nfields; i++) {
        if (kc_envelope_field(e, e->fields[i].name) == NULL)
            fz_fail("kc_envelope_field: declared field not found");
    }
    for (size_t i = 0; i < e->nxml_roots; i++) {
        if (!kc_envelope_xml_root_ok(e, e->xml_roots[i]))
            fz_fail("kc_envelope_xml_root_ok: declared root refused");
    }
    kc_envelope_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse_target(data, size, NULL);
    parse_target(data, size, "http://127.0.0.1:8080");
    parse_envelope(data, size);
    return 0;
}
