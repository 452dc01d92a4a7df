/* kc_client: build, sign and send one step. */
#include "kc/client.h"

#include <string.h>

#define DEFAULT_METHOD "POST"

static const char *method_of(const struct kc_target *t,
                             const struct kc_client_step *s)
{
    if (s->method)
        return s->method;
    return t->method ? t->method : DEFAULT_METHOD;
}

enum kc_client_status kc_client_call(struct kc_http *http,
                                     const struct kc_target *t,
                                     const struct kc_credential *cred,
                                     const struct kc_client_step *step,
                                     struct kc_client_exchange *x, char *err,
                                     size_t errlen)
{
    struct kc_req_spec spec = {
        .endpoint = t->endpoint,
        .sigver = t->signature,
        .method = method_of(t, step),
        .action = step->action,
        .format = step->xml ? "XML" : "JSON",
        .params = step->params,
        .nparams = step->nparams,
        .access_key_id =
            step->access_key_id ? step->access_key_id : cred->access_key_id,
        .secret = cred->access_key_secret,
        .omit = step->omit,
        .overrides = step->overrides,
        .noverrides = step->noverrides,
        .signature = step->signature,
        .raw_query = step->raw_query,
    };
    struct kc_http_req hreq;

    memset(x, 0, sizeof(*x));
    if (kc_request_build(&spec, &x->req, err, errlen) != 0)
        return KC_CLIENT_NOT_BUILT;
    hreq = (struct kc_http_req){
        x->req.method,   x->req.url,  (const char *const *)x->req.headers,
        x->req.nheaders, x->req.body, x->req.body_len};
    if (kc_http_send(http, &hreq, &x->resp) != KC_HTTP_OK)
        return KC_CLIENT_NO_ANSWER;
    return KC_CLIENT_ANSWERED;
}

void kc_client_exchange_dispose(struct kc_client_exchange *x)
{
    kc_request_dispose(&x->req);
    kc_http_resp_dispose(&x->resp);
}
