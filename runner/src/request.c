/* kc_request: signed V1/V3 requests with the shaping of docs/architecture.md.
 */
#include "kc/request.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define V3_ALGORITHM "ACS3-HMAC-SHA256"

/* A growable list of borrowed name/value pairs. */
struct plist {
    struct kc_param *v;
    size_t n;
    size_t cap;
};

static int plist_add(struct plist *l, const char *name, const char *value)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct kc_param *p = realloc(l->v, cap * sizeof(*p));
        if (!p)
            return -1;
        l->v = p;
        l->cap = cap;
    }
    l->v[l->n].name = name;
    l->v[l->n].value = value;
    l->n++;
    return 0;
}

static const char *override_of(const struct kc_req_spec *s, const char *name)
{
    for (size_t i = 0; i < s->noverrides; i++)
        if (!strcmp(s->overrides[i].name, name))
            return s->overrides[i].value;
    return NULL;
}

/* The value a common parameter is sent with, or NULL when omitted. */
static const char *common_value(const struct kc_req_spec *s, unsigned flag,
                                const char *dflt)
{
    if (s->omit & flag)
        return NULL;
    const char *o = override_of(s, kc_common_name(flag));
    return o ? o : dflt;
}

static int add_common(struct plist *l, const struct kc_req_spec *s,
                      unsigned flag, const char *dflt)
{
    const char *v = common_value(s, flag, dflt);
    if (!v)
        return 0;
    return plist_add(l, kc_common_name(flag), v);
}

/* "k=v&k=v", names and values percent-encoded, in list order. */
static int encode_pairs(struct kc_buf *out, const struct plist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        if ((i && kc_buf_putc(out, '&')) ||
            kc_pct_encode(out, l->v[i].name, strlen(l->v[i].name)) ||
            kc_buf_putc(out, '=') ||
            kc_pct_encode(out, l->v[i].value, strlen(l->v[i].value)))
            return -1;
    }
    return 0;
}

/* Changes the first character to another one of the same alphabet. */
static void flip(char *sig)
{
    if (sig[0])
        sig[0] = (char)((sig[0] == 'A' || sig[0] == '0')
                            ? sig[0] + 1
                            : (sig[0] >= 'a' && sig[0] <= 'f' ? '0' : 'A'));
}

/* Splits endpoint into base "scheme://authority" and authority. */
static int split_endpoint(const char *endpoint, struct kc_buf *base,
                          struct kc_buf *authority)
{
    const char *p = strstr(endpoint, "://");
    if (!p || (strncasecmp(endpoint, "http://", 7) &&
               strncasecmp(endpoint, "https://", 8)))
        return -1;
    p += 3;
    size_t n = strcspn(p, "/?#");
    if (!n)
        return -1;
    if (kc_buf_append(base, endpoint, (size_t)(p - endpoint) + n) ||
        kc_buf_append(authority, p, n))
        return -1;
    return 0;
}

static int push_header(struct kc_request *r, const char *name,
                       const char *value)
{
    char **p = realloc(r->headers, (r->nheaders + 1) * sizeof(*p));
    if (!p)
        return -1;
    r->headers = p;
    struct kc_buf line;
    kc_buf_init(&line, 0);
    if (kc_buf_printf(&line, "%s: %s", name, value)) {
        kc_buf_dispose(&line);
        return -1;
    }
    r->headers[r->nheaders] = kc_buf_detach(&line);
    if (!r->headers[r->nheaders])
        return -1;
    r->nheaders++;
    return 0;
}

/* The time and nonce strings a request uses. */
struct stamps {
    char ts[21];
    char nonce[37];
    const char *nonce_used;
};

static void make_stamps(const struct kc_req_spec *s, struct stamps *st)
{
    kc_time_format(s->now ? s->now : time(NULL), st->ts);
    kc_uuid4(st->nonce);
    st->nonce_used = s->nonce ? s->nonce : st->nonce;
}

static int v1_params(const struct kc_req_spec *s, const struct stamps *st,
                     struct plist *l)
{
    int rc = 0;
    rc |= add_common(l, s, KC_COMMON_FORMAT, s->format);
    rc |= add_common(l, s, KC_COMMON_VERSION, KC_API_VERSION);
    rc |= add_common(l, s, KC_COMMON_ACCESS_KEY_ID, s->access_key_id);
    rc |= add_common(l, s, KC_COMMON_SIGNATURE_METHOD, "HMAC-SHA1");
    rc |= add_common(l, s, KC_COMMON_TIMESTAMP, st->ts);
    rc |= add_common(l, s, KC_COMMON_SIGNATURE_VERSION, "1.0");
    rc |= add_common(l, s, KC_COMMON_SIGNATURE_NONCE, st->nonce_used);
    if (s->action)
        rc |= add_common(l, s, KC_COMMON_ACTION, s->action);
    for (size_t i = 0; !rc && i < s->nparams; i++)
        rc |= plist_add(l, s->params[i].name, s->params[i].value);
    return rc ? -1 : 0;
}

static int build_v1(const struct kc_req_spec *s, const struct stamps *st,
                    const char *base, struct kc_request *r)
{
    struct plist l = {0};
    struct kc_buf enc, url;
    char sig[29] = "";
    int rc = -1;
    kc_buf_init(&enc, 0);
    kc_buf_init(&url, 0);
    if (v1_params(s, st, &l))
        goto out;
    if (s->signature != KC_SIG_ABSENT && !(s->omit & KC_COMMON_SIGNATURE)) {
        const char *o = override_of(s, "Signature");
        if (kc_sign_v1(s->secret, s->method, l.v, l.n, sig))
            goto out;
        if (o)
            snprintf(sig, sizeof(sig), "%s", o);
        if (s->signature == KC_SIG_CORRUPT)
            flip(sig);
        if (plist_add(&l, "Signature", sig) || !(r->signature = strdup(sig)))
            goto out;
    }
    if (encode_pairs(&enc, &l))
        goto out;
    bool get = !strcmp(s->method, "GET") || !strcmp(s->method, "HEAD");
    if (kc_buf_printf(&url, "%s/%s%s", base, get ? "?" : "",
                      get ? kc_buf_str(&enc) : ""))
        goto out;
    if (!get) {
        r->body_len = enc.len;
        r->body = enc.len ? kc_buf_detach(&enc) : strdup("");
        if (!r->body ||
            push_header(r, "Content-Type", "application/x-www-form-urlencoded"))
            goto out;
    }
    r->url = kc_buf_detach(&url);
    rc = r->url ? 0 : -1;
out:
    free(l.v);
    kc_buf_dispose(&enc);
    kc_buf_dispose(&url);
    return rc;
}

/* The V3 headers to sign, in a fixed order (values borrowed). */
static int v3_headers(const struct kc_req_spec *s, const struct stamps *st,
                      const char *authority, const char *hash, struct plist *h)
{
    const char *v;
    int rc = plist_add(h, "host", authority);
    if ((v = s->action ? common_value(s, KC_COMMON_ACTION, s->action) : NULL))
        rc |= plist_add(h, "x-acs-action", v);
    if ((v = common_value(s, KC_COMMON_VERSION, KC_API_VERSION)))
        rc |= plist_add(h, "x-acs-version", v);
    if ((v = common_value(s, KC_COMMON_TIMESTAMP, st->ts)))
        rc |= plist_add(h, "x-acs-date", v);
    if ((v = common_value(s, KC_COMMON_SIGNATURE_NONCE, st->nonce_used)))
        rc |= plist_add(h, "x-acs-signature-nonce", v);
    rc |= plist_add(h, "x-acs-content-sha256", hash);
    return rc ? -1 : 0;
}

static int v3_authorization(const struct kc_req_spec *s, const char *signed_h,
                            char *sig, struct kc_buf *auth)
{
    const char *algo =
        common_value(s, KC_COMMON_SIGNATURE_METHOD, V3_ALGORITHM);
    const char *akid =
        common_value(s, KC_COMMON_ACCESS_KEY_ID, s->access_key_id);
    const char *o = override_of(s, "Signature");
    bool with_sig =
        s->signature != KC_SIG_ABSENT && !(s->omit & KC_COMMON_SIGNATURE);
    int rc = 0;
    if (o)
        snprintf(sig, 65, "%s", o);
    if (s->signature == KC_SIG_CORRUPT)
        flip(sig);
    if (algo)
        rc |= kc_buf_printf(auth, "%s ", algo);
    if (akid)
        rc |= kc_buf_printf(auth, "Credential=%s,", akid);
    rc |= kc_buf_printf(auth, "SignedHeaders=%s", signed_h);
    if (with_sig)
        rc |= kc_buf_printf(auth, ",Signature=%s", sig);
    return rc ? -1 : 0;
}

static int build_v3(const struct kc_req_spec *s, const struct stamps *st,
                    const char *base, const char *authority,
                    struct kc_request *r)
{
    struct plist q = {0}, h = {0};
    struct kc_buf enc, url, signed_h, auth;
    char hash[65], sig[65] = "";
    int rc = -1;
    kc_buf_init(&enc, 0);
    kc_buf_init(&url, 0);
    kc_buf_init(&signed_h, 0);
    kc_buf_init(&auth, 0);
    kc_sha256_hex("", 0, hash);
    if (add_common(&q, s, KC_COMMON_FORMAT, s->format))
        goto out;
    for (size_t i = 0; i < s->nparams; i++)
        if (plist_add(&q, s->params[i].name, s->params[i].value))
            goto out;
    if (v3_headers(s, st, authority, hash, &h))
        goto out;
    struct kc_v3_input in = {s->method, "/", q.v, q.n, h.v, h.n, hash, false};
    if (kc_sign_v3(s->secret, &in, &signed_h, sig) ||
        v3_authorization(s, kc_buf_str(&signed_h), sig, &auth) ||
        encode_pairs(&enc, &q))
        goto out;
    for (size_t i = 0; i < h.n; i++)
        if (push_header(r, h.v[i].name, h.v[i].value))
            goto out;
    if (s->signature != KC_SIG_ABSENT && !(s->omit & KC_COMMON_SIGNATURE) &&
        !(r->signature = strdup(sig)))
        goto out;
    if (push_header(r, "Authorization", kc_buf_str(&auth)) ||
        kc_buf_printf(&url, "%s/%s%s", base, enc.len ? "?" : "",
                      kc_buf_str(&enc)))
        goto out;
    r->url = kc_buf_detach(&url);
    rc = r->url ? 0 : -1;
out:
    free(q.v);
    free(h.v);
    kc_buf_dispose(&enc);
    kc_buf_dispose(&url);
    kc_buf_dispose(&signed_h);
    kc_buf_dispose(&auth);
    return rc;
}

/* True when the query string q has a parameter called name. */
static bool query_has(const char *q, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = q; p; p = strchr(p, '&')) {
        if (*p == '&')
            p++;
        if (!strncmp(p, name, nl) && p[nl] == '=')
            return true;
    }
    return false;
}

static int build_raw(const struct kc_req_spec *s, const char *base,
                     struct kc_request *r)
{
    struct kc_buf url;
    bool add_format = s->format && !(s->omit & KC_COMMON_FORMAT) &&
                      !query_has(s->raw_query, "Format");
    int rc = -1;
    kc_buf_init(&url, 0);
    if (kc_buf_printf(&url, "%s/?%s", base, s->raw_query) ||
        (add_format && kc_buf_printf(&url, "%sFormat=%s",
                                     s->raw_query[0] ? "&" : "", s->format)))
        goto out;
    r->url = kc_buf_detach(&url);
    rc = r->url ? 0 : -1;
out:
    kc_buf_dispose(&url);
    return rc;
}

int kc_request_build(const struct kc_req_spec *spec, struct kc_request *out,
                     char *err, size_t errlen)
{
    struct kc_buf base, authority;
    struct stamps st;
    int rc = -1;
    memset(out, 0, sizeof(*out));
    kc_buf_init(&base, 0);
    kc_buf_init(&authority, 0);
    if (split_endpoint(spec->endpoint, &base, &authority)) {
        snprintf(err, errlen, "endpoint '%s' is not an http(s) URL",
                 spec->endpoint);
        goto out;
    }
    make_stamps(spec, &st);
    out->method = strdup(spec->method);
    if (!out->method)
        goto oom;
    if (spec->raw_query)
        rc = build_raw(spec, kc_buf_str(&base), out);
    else if (spec->sigver == KC_SIGVER_V3)
        rc =
            build_v3(spec, &st, kc_buf_str(&base), kc_buf_str(&authority), out);
    else
        rc = build_v1(spec, &st, kc_buf_str(&base), out);
    if (rc)
        goto oom;
    goto out;
oom:
    snprintf(err, errlen, "cannot build the request (out of memory)");
    rc = -1;
out:
    if (rc)
        kc_request_dispose(out);
    kc_buf_dispose(&base);
    kc_buf_dispose(&authority);
    return rc;
}

void kc_request_dispose(struct kc_request *r)
{
    free(r->method);
    free(r->url);
    for (size_t i = 0; i < r->nheaders; i++)
        free(r->headers[i]);
    free(r->headers);
    free(r->body);
    free(r->signature);
    memset(r, 0, sizeof(*r));
}

const char *kc_request_header(const struct kc_request *r, const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < r->nheaders; i++) {
        const char *h = r->headers[i];
        if (!strncasecmp(h, name, nl) && h[nl] == ':')
            return h[nl + 1] == ' ' ? h + nl + 2 : h + nl + 1;
    }
    return NULL;
}

int kc_request_transcript(const struct kc_request *r, struct kc_buf *out)
{
    int rc = kc_buf_printf(out, "> %s %s\n", r->method, r->url);
    for (size_t i = 0; !rc && i < r->nheaders; i++)
        rc = kc_buf_printf(out, "> %s\n", r->headers[i]);
    if (!rc && r->body && r->body_len)
        rc = kc_buf_printf(out, ">\n> %.*s\n", (int)r->body_len, r->body);
    return rc;
}
