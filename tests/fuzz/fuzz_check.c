/*
 * fuzz_check: the checks of an answer (kc_check_error in both formats,
 * kc_check_parity, kc_check_success) on an arbitrary server answer.
 *
 * Input layout (every part may be short or missing):
 *   byte 0      flags: bit 0 Content-Type present, bit 1 x-acs-request-id
 *               present, bit 2 bind a placeholder, bit 3 Content-Type
 *               sent twice, bit 4 x-acs-request-id sent twice
 *   byte 1      which catalog entry is expected (modulo the count)
 *   bytes 2-3   HTTP status (big endian, modulo 1000)
 *   then four lines ending in '\n': Content-Type, x-acs-request-id,
 *   placeholder name, placeholder value; the rest is the body, passed in a
 *   buffer of exactly its length (no terminator).
 *
 * Invariants checked beyond memory safety: every failure message is one
 * line and names a known check; when the body does not parse, "format"
 * fails and the checks that read the body are not judged; a RequestId seen
 * twice fails request-id-unique the second time.
 *
 * Also what a setup step does with a success body: kc_vars_from_json with
 * the placeholder-name line as the save path, then kc_vars_expand of the
 * placeholder-value line.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "kc/check.h"
#include "kc/vars.h"

#include <cjson/cJSON.h>

struct input {
    unsigned flags;
    size_t entry;
    long status;
    char *line[4]; /* content type, request id, arg name, arg value */
    uint8_t *body;
    size_t body_len;
};

/* Takes the next line (up to '\n' or the end) as a new string. */
static char *take_line(const uint8_t **p, size_t *n)
{
    const uint8_t *nl = memchr(*p, '\n', *n);
    size_t len = nl ? (size_t)(nl - *p) : *n;
    char *s = fz_strndup(*p, len);

    *p += nl ? len + 1 : len;
    *n -= nl ? len + 1 : len;
    return s;
}

static void split(const uint8_t *data, size_t size, struct input *in)
{
    memset(in, 0, sizeof(*in));
    in->flags = size > 0 ? data[0] : 0;
    in->entry = size > 1 ? data[1] : 0;
    in->status = size > 3 ? (long)((data[2] << 8 | data[3]) % 1000) : 400;
    data += size > 4 ? 4 : size;
    size -= size > 4 ? 4 : size;
    for (size_t i = 0; i < 4; i++)
        in->line[i] = take_line(&data, &size);
    in->body = fz_memdup(data, size);
    in->body_len = size;
}

static void input_dispose(struct input *in)
{
    for (size_t i = 0; i < 4; i++)
        free(in->line[i]);
    free(in->body);
}

static const enum kc_check body_checks[] = {KC_CHECK_CODE,
                                            KC_CHECK_MESSAGE,
                                            KC_CHECK_REQUEST_ID,
                                            KC_CHECK_REQUEST_ID_HEADER,
                                            KC_CHECK_REQUEST_ID_UNIQUE,
                                            KC_CHECK_ENVELOPE};

static void check_result(const struct kc_check_result *res, bool is_error)
{
    if (res->nfailures > sizeof(res->failures) / sizeof(res->failures[0]))
        fz_fail("kc_check: failure count past the array");
    for (size_t i = 0; i < res->nfailures; i++) {
        const struct kc_check_failure *f = &res->failures[i];
        if ((unsigned)f->check >= KC_CHECK_COUNT || !kc_check_name(f->check))
            fz_fail("kc_check: failure with an unknown check");
        if (!memchr(f->message, '\0', sizeof(f->message)) ||
            strpbrk(f->message, "\r\n"))
            fz_fail("kc_check: failure message is not one line");
    }
    if (!is_error || res->parsed)
        return;
    if (!kc_check_failed(res, KC_CHECK_FORMAT))
        fz_fail("kc_check_error: unparsed body but format passed");
    for (size_t i = 0; i < sizeof(body_checks) / sizeof(body_checks[0]); i++) {
        if (kc_check_failed(res, body_checks[i]))
            fz_fail("kc_check_error: unparsed body but a body check judged");
    }
}

static void run_checks(const struct input *in)
{
    const struct kc_catalog *cat = fz_catalog();
    struct kc_arg arg = {in->line[2], in->line[3]};
    struct kc_expected_error ex = {&cat->entries[in->entry % cat->nentries],
                                   &arg, (in->flags & 4) ? 1 : 0,
                                   fz_envelope()};
    struct kc_answer a = {false,
                          in->status,
                          (in->flags & 1) ? in->line[0] : NULL,
                          (in->flags & 2) ? in->line[1] : NULL,
                          (const char *)in->body,
                          in->body_len,
                          (in->flags & 8) ? 2u : 1u,
                          (in->flags & 16) ? 2u : 1u};
    struct kc_check_result res[3];
    struct kc_ridset *rids = kc_ridset_new();

    if (!rids)
        fz_fail("out of memory");
    memset(res, 0, sizeof(res));
    kc_check_error(&ex, &a, rids, &res[0]);
    a.xml = true;
    kc_check_error(&ex, &a, rids, &res[1]);
    kc_check_parity(&res[0], &res[1]);
    a.xml = false;
    kc_check_success(&a, rids, &res[2]);
    check_result(&res[0], true);
    check_result(&res[1], true);
    check_result(&res[2], false);
    if (res[0].request_id && res[2].request_id &&
        !kc_check_failed(&res[2], KC_CHECK_REQUEST_ID_UNIQUE))
        fz_fail("kc_check: RequestId seen twice but unique passed");
    (void)kc_check_content_type_ok(in->line[0], false);
    (void)kc_check_content_type_ok(in->line[0], true);
    for (size_t i = 0; i < 3; i++)
        kc_check_result_dispose(&res[i]);
    kc_ridset_free(rids);
}

/* What a setup step does with a success body: save a variable by dotted
 * path (the placeholder-name line), then expand a template holding it (the
 * placeholder-value line). */
static void save_and_expand(const struct input *in)
{
    cJSON *body = cJSON_ParseWithLength((const char *)in->body, in->body_len);
    struct kc_vars vars;
    char err[256], *val = NULL, *out = NULL;

    kc_vars_init(&vars, NULL);
    if (body && kc_vars_path_valid(in->line[2]) &&
        kc_vars_from_json(body, in->line[2], &val, err, sizeof(err)) == 0) {
        if (!val)
            fz_fail("kc_vars_from_json: success without a value");
        if (kc_vars_set(&vars, "saved", val) != 0)
            fz_fail("out of memory");
    }
    if (kc_vars_expand(&vars, in->line[3], &out, err, sizeof(err)) != 0 && out)
        fz_fail("kc_vars_expand: failure with an output");
    free(out);
    free(val);
    kc_vars_dispose(&vars);
    cJSON_Delete(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in;

    split(data, size, &in);
    run_checks(&in);
    save_and_expand(&in);
    input_dispose(&in);
    return 0;
}
