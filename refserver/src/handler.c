/* rs_handler: the check order of kms-refserver, request by request. */
#include "rs/handler.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rs/deviate.h"
#include "kc/codec.h"
#include "rs/auth.h"
#include "rs/ops.h"
#include "rs/request.h"

#define API_VERSION "2016-01-20"
#define NONCE_MAX   256
#define NONCE_CAP   200000 /* per AccessKeyId */

struct rs_handler {
    const struct rs_config *cfg;
    struct rs_reqlog *log;
    struct rs_store *store;
    struct rs_nonces *nonces;
    struct rs_deviations dev;
    atomic_ullong throttle_seq; /* requests that reached the throttle */
};

int rs_handler_new(struct rs_handler **out, const struct rs_config *cfg,
                   struct rs_reqlog *log)
{
    struct rs_handler *h = calloc(1, sizeof(*h));
    *out = NULL;
    if (!h)
        return -1;
    h->cfg = cfg;
    h->log = log;
    atomic_init(&h->throttle_seq, 0ULL);
    h->store = rs_store_new();
    h->nonces = rs_nonces_new(NONCE_CAP, 2 * RS_AUTH_SKEW_S);
    if (!h->store || !h->nonces) {
        rs_handler_free(h);
        return -1;
    }
    h->dev.checks = cfg->deviations;
    h->dev.codes = (const char *const *)cfg->deviate_codes;
    h->dev.ncodes = cfg->ndeviate_codes;
    kc_uuid4(h->dev.fixed_id);
    *out = h;
    return 0;
}

void rs_handler_free(struct rs_handler *h)
{
    if (!h)
        return;
    rs_store_free(h->store);
    rs_nonces_free(h->nonces);
    free(h);
}

/* State of one request while it passes the checks. */
struct ctx {
    struct rs_handler *h;
    const struct rs_http_in *in;
    struct rs_params all; /* query, then body, then V3 header values */
    size_t nquery;        /* the first nquery of all came from the query */
    enum rs_format fmt;
    enum rs_err_code err; /* error code once a check failed */
    char arg[64];         /* its placeholder binding */
    const struct rs_access_key *key;
    const struct rs_account *account;
    const char *action;
    cJSON *result;
};

/* Check results: go on, stop with ctx->err set, or fail (no memory). */
enum { GO = 0, STOP = 1, FAIL = -1 };

static int stop(struct ctx *c, enum rs_err_code code, const char *arg)
{
    c->err = code;
    snprintf(c->arg, sizeof(c->arg), "%s", arg ? arg : "");
    return STOP;
}

static const char *header(const struct rs_http_in *in, const char *name)
{
    for (size_t i = 0; i < in->nheaders; i++) {
        if (!strcasecmp(in->headers[i].name, name))
            return in->headers[i].value;
    }
    return NULL;
}

static bool is_form(const struct rs_http_in *in)
{
    const char *ct = header(in, "Content-Type");
    static const char form[] = "application/x-www-form-urlencoded";
    return ct && !strncasecmp(ct, form, sizeof(form) - 1) &&
           (ct[sizeof(form) - 1] == '\0' || ct[sizeof(form) - 1] == ';' ||
            ct[sizeof(form) - 1] == ' ');
}

static const char *param(const struct ctx *c, const char *name)
{
    return rs_params_get(&c->all, name);
}

/* The answer format a request asks for, read before anything is checked
 * so that even parse errors come in it. */
static enum rs_format early_format(const struct rs_http_in *in)
{
    if (in->query && rs_request_wants_xml(in->query, in->querylen))
        return RS_FMT_XML;
    if (in->body && is_form(in) && rs_request_wants_xml(in->body, in->bodylen))
        return RS_FMT_XML;
    return RS_FMT_JSON;
}

static int step_parse(struct ctx *c)
{
    const struct rs_http_in *in = c->in;
    enum rs_parse_error pe = RS_PARSE_OK;
    if (in->too_large)
        return stop(c, RS_ERR_REQUEST_TOO_LARGE, NULL);
    if (strcmp(in->method, "GET") && strcmp(in->method, "POST"))
        return stop(c, RS_ERR_UNSUPPORTED_HTTP_METHOD, NULL);
    if (in->query)
        pe = rs_params_parse(&c->all, in->query, in->querylen);
    c->nquery = c->all.n;
    if (!pe && in->body && in->bodylen && is_form(in))
        pe = rs_params_parse(&c->all, in->body, in->bodylen);
    if (pe == RS_PARSE_NOMEM)
        return FAIL;
    if (pe)
        return stop(c, RS_ERR_PARSE_REQUEST_PARAMETER_EXCEPTION, NULL);
    const char *f = param(c, "Format");
    if (f && !strcasecmp(f, "XML"))
        c->fmt = RS_FMT_XML;
    else if (f)
        c->fmt = RS_FMT_JSON;
    return GO;
}

static int find_key(struct ctx *c, const char *id)
{
    c->key = rs_config_key(c->h->cfg, id);
    if (!c->key)
        return stop(c, RS_ERR_INVALID_ACCESS_KEY_ID_NOT_FOUND, NULL);
    c->account = rs_config_account(c->h->cfg, c->key->account);
    return c->account ? GO : FAIL;
}

static int step_v1(struct ctx *c)
{
    const char *ak = param(c, "AccessKeyId");
    const char *m = param(c, "SignatureMethod");
    const char *v = param(c, "SignatureVersion");
    const char *sig = param(c, "Signature");
    int rc;
    if (!ak)
        return stop(c, RS_ERR_MISSING_PARAMETER, "AccessKeyId");
    if ((rc = find_key(c, ak)))
        return rc;
    if (!m)
        return stop(c, RS_ERR_MISSING_PARAMETER, "SignatureMethod");
    if (strcmp(m, "HMAC-SHA1"))
        return stop(c, RS_ERR_INVALID_PARAMETER, "SignatureMethod");
    if (!v)
        return stop(c, RS_ERR_MISSING_PARAMETER, "SignatureVersion");
    if (strcmp(v, "1.0"))
        return stop(c, RS_ERR_INVALID_PARAMETER, "SignatureVersion");
    if (!sig || !rs_auth_v1_ok(c->key->secret, c->in->method, c->all.items,
                               c->all.n, sig))
        return stop(c, RS_ERR_INCOMPLETE_SIGNATURE, NULL);
    return GO;
}

/* Adds the V3 header value under a V1 parameter name, so that the later
 * checks and the operation see one parameter set. */
static int adopt_header(struct ctx *c, const char *hname, const char *pname)
{
    const char *v = header(c->in, hname);
    if (!v || param(c, pname))
        return GO;
    enum rs_parse_error pe = rs_params_add(&c->all, pname, v);
    if (pe == RS_PARSE_NOMEM)
        return FAIL;
    return pe ? stop(c, RS_ERR_PARSE_REQUEST_PARAMETER_EXCEPTION, NULL) : GO;
}

static int step_v3(struct ctx *c, const char *authz)
{
    struct rs_v3_auth a;
    char body_sha[65];
    int rc = STOP;
    if (rs_auth_v3_parse(authz, &a))
        return stop(c, RS_ERR_INCOMPLETE_SIGNATURE, NULL);
    if ((rc = find_key(c, a.credential)))
        goto out;
    kc_sha256_hex(c->in->body ? c->in->body : "", c->in->bodylen, body_sha);
    const char *claimed = header(c->in, "x-acs-content-sha256");
    if ((claimed && strcasecmp(claimed, body_sha)) ||
        !rs_auth_v3_ok(c->key->secret, c->in->method, c->all.items, c->nquery,
                       c->in->headers, c->in->nheaders, &a, body_sha)) {
        rc = stop(c, RS_ERR_INCOMPLETE_SIGNATURE, NULL);
        goto out;
    }
    if ((rc = adopt_header(c, "x-acs-action", "Action")) ||
        (rc = adopt_header(c, "x-acs-version", "Version")) ||
        (rc = adopt_header(c, "x-acs-date", "Timestamp")) ||
        (rc = adopt_header(c, "x-acs-signature-nonce", "SignatureNonce")))
        goto out;
    rc = adopt_header(c, "x-acs-accesskey-id", "AccessKeyId");
    if (!rc && !param(c, "AccessKeyId") &&
        rs_params_add(&c->all, "AccessKeyId", a.credential))
        rc = FAIL;
out:
    rs_auth_v3_dispose(&a);
    return rc;
}

static int step_freshness(struct ctx *c)
{
    const char *nonce = param(c, "SignatureNonce");
    if (rs_auth_timestamp(param(c, "Timestamp"), c->in->now))
        return stop(c, RS_ERR_ILLEGAL_TIMESTAMP, NULL);
    if (!nonce || !*nonce)
        return stop(c, RS_ERR_MISSING_PARAMETER, "SignatureNonce");
    if (strlen(nonce) > NONCE_MAX)
        return stop(c, RS_ERR_INVALID_PARAMETER, "SignatureNonce");
    switch (rs_nonces_use(c->h->nonces, c->key->id, nonce, c->in->now)) {
    case RS_NONCE_NEW:
        return GO;
    case RS_NONCE_REUSED:
        return stop(c, RS_ERR_SIGNATURE_NONCE_USED, NULL);
    case RS_NONCE_FULL: /* too many live nonces for this AccessKeyId */
        return stop(c, RS_ERR_SERVICE_UNAVAILABLE_TEMPORARY, NULL);
    default:
        return FAIL;
    }
}

/* SplitMix64: a well-mixed 64-bit value of x, so that the decision of
 * request n is a function of (seed, n) alone. */
static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* --throttle: the nth request that gets here is throttled when a uniform
 * draw of (seed, n) falls below the share, unless its connection has had
 * RS_THROTTLE_IN_ROW_MAX throttled answers in a row already. */
static int step_throttle(struct ctx *c)
{
    const struct rs_config *cfg = c->h->cfg;
    unsigned *row = c->in->throttled_in_row;
    if (!(cfg->throttle > 0.0))
        return GO;
    unsigned long long n = atomic_fetch_add(&c->h->throttle_seq, 1ULL);
    double u = (double)(mix64(cfg->seed ^ mix64(n)) >> 11) / 9007199254740992.0;
    bool hit = u < cfg->throttle && !(row && *row >= RS_THROTTLE_IN_ROW_MAX);
    if (row)
        *row = hit ? *row + 1 : 0;
    return hit ? stop(c, RS_ERR_THROTTLING, NULL) : GO;
}

static int step_account(struct ctx *c)
{
    enum rs_err_code cond = rs_config_condition_error(c->account->condition);
    if (!c->key->enabled)
        return stop(c, RS_ERR_FORBIDDEN_ACCESS_KEY, NULL);
    if (cond != RS_ERR_NONE)
        return stop(c, cond, NULL);
    if (c->key->fault == RS_FAULT_INTERNAL)
        return stop(c, RS_ERR_INTERNAL_FAILURE, NULL);
    if (c->key->fault == RS_FAULT_UNAVAILABLE)
        return stop(c, RS_ERR_SERVICE_UNAVAILABLE_TEMPORARY, NULL);
    return GO;
}

static int step_api(struct ctx *c)
{
    const char *v = param(c, "Version");
    const char *f = param(c, "Format");
    const char *r = param(c, "RegionId");
    if (!v)
        return stop(c, RS_ERR_MISSING_PARAMETER, "Version");
    if (strcmp(v, API_VERSION))
        return stop(c, RS_ERR_INVALID_PARAMETER, "Version");
    if (f && strcasecmp(f, "JSON") && strcasecmp(f, "XML"))
        return stop(c, RS_ERR_INVALID_PARAMETER, "Format");
    c->action = param(c, "Action");
    if (!c->action || !*c->action)
        return stop(c, RS_ERR_MISSING_PARAMETER, "Action");
    if (!rs_ops_known(c->action))
        return stop(c, RS_ERR_INVALID_API_NOT_FOUND, NULL);
    if (r && !rs_config_region(c->h->cfg, r))
        return stop(c, RS_ERR_INVALID_PARAMETER, "RegionId");
    return GO;
}

static int step_call(struct ctx *c)
{
    const char *rid = param(c, "RegionId");
    const struct rs_region *region =
        rs_config_region(c->h->cfg, rid ? rid : c->h->cfg->default_region);
    struct rs_call call = {
        .params = c->all.items,
        .nparams = c->all.n,
        .account = c->account->id,
        .region = region->id,
        .region_has_hsm = region->hsm,
        .key_quota = c->account->key_quota,
        .import_token_life_s = c->account->import_token_lifetime_s,
        .now = c->in->now,
    };
    struct rs_result res;
    memset(&res, 0, sizeof(res));
    if (rs_ops_call(c->h->store, c->action, &call, &res))
        return stop(c, RS_ERR_INTERNAL_FAILURE, NULL);
    if (res.error != RS_ERR_NONE) {
        cJSON_Delete(res.body);
        return stop(c, res.error, res.arg);
    }
    c->result = res.body;
    return GO;
}

static int run_checks(struct ctx *c)
{
    int rc;
    const char *authz;
    if ((rc = step_parse(c)))
        return rc;
    authz = header(c->in, "Authorization");
    if (rs_auth_is_v3(authz))
        rc = step_v3(c, authz);
    else
        rc = step_v1(c);
    /* flow control first: a throttled request consumes no SignatureNonce,
     * so a client may retry it as it was signed (docs/refserver.md) */
    if (rc || (rc = step_throttle(c)) || (rc = step_freshness(c)) ||
        (rc = step_account(c)) || (rc = step_api(c)) || (rc = step_call(c)))
        return rc;
    return GO;
}

static void log_request(struct rs_handler *h, const struct ctx *c,
                        const struct rs_reply *r)
{
    const char *action = c->action;
    if (!h->log)
        return;
    if (!action)
        action = param(c, "Action");
    if (!action)
        action = header(c->in, "x-acs-action");
    struct rs_reqlog_entry e = {
        .time = c->in->now,
        .method = c->in->method,
        .action = action ? action : "",
        .format = c->fmt == RS_FMT_XML ? "XML" : "JSON",
        .status = r->status,
        .code = r->code,
        .request_id = r->request_id,
    };
    rs_reqlog_write(h->log, &e);
}

int rs_handler_handle(struct rs_handler *h, const struct rs_http_in *in,
                      struct rs_reply *out)
{
    struct ctx c;
    int rc;
    memset(&c, 0, sizeof(c));
    memset(out, 0, sizeof(*out));
    c.h = h;
    c.in = in;
    c.fmt = early_format(in);
    rs_params_init(&c.all);
    rc = run_checks(&c);
    if (rc == FAIL)
        rc = rs_reply_error(out, &h->dev, c.fmt, RS_ERR_INTERNAL_FAILURE, NULL,
                            NULL);
    else if (rc == STOP)
        rc = rs_reply_error(out, &h->dev, c.fmt, c.err, c.arg, NULL);
    else
        rc = rs_deviate_success(out, &h->dev, c.fmt, c.result);
    if (!rc)
        log_request(h, &c, out);
    cJSON_Delete(c.result);
    rs_params_dispose(&c.all);
    return rc;
}
