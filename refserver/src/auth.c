/* rs_auth: signatures V1/V3, timestamp window, used nonces. */
#include "rs/auth.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kc/codec.h"

#define V3_ALGO       "ACS3-HMAC-SHA256"
#define V3_MAX_SIGNED 32

int rs_auth_timestamp(const char *ts, time_t now)
{
    time_t t;
    if (!ts || kc_time_parse(ts, &t))
        return -1;
    if (t > now + RS_AUTH_SKEW_S || t < now - RS_AUTH_SKEW_S)
        return -1;
    return 0;
}

bool rs_auth_v1_ok(const char *secret, const char *method,
                   const struct kc_param *params, size_t n, const char *sig)
{
    char want[29];
    if (!sig || kc_sign_v1(secret, method, params, n, want))
        return false;
    return kc_sign_equal(want, sig);
}

bool rs_auth_is_v3(const char *authz)
{
    size_t n = strlen(V3_ALGO);
    return authz && !strncmp(authz, V3_ALGO, n) &&
           (authz[n] == ' ' || authz[n] == '\0');
}

void rs_auth_v3_dispose(struct rs_v3_auth *a)
{
    free(a->credential);
    free(a->signed_headers);
    free(a->signature);
    memset(a, 0, sizeof(*a));
}

/* Stores a copy of the value of "name=value" into *slot (once). */
static int take_field(const char *s, size_t n, const char *name, char **slot)
{
    size_t k = strlen(name);
    if (n <= k || strncmp(s, name, k) || s[k] != '=')
        return 1; /* not this field */
    if (*slot)
        return -1; /* given twice */
    *slot = strndup(s + k + 1, n - k - 1);
    return *slot && **slot ? 0 : -1;
}

int rs_auth_v3_parse(const char *authz, struct rs_v3_auth *out)
{
    memset(out, 0, sizeof(*out));
    if (!rs_auth_is_v3(authz))
        return -1;
    const char *p = authz + strlen(V3_ALGO);
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        while (n && p[n - 1] == ' ')
            n--;
        if (!n)
            break;
        int a = take_field(p, n, "Credential", &out->credential);
        int b =
            a > 0 ? take_field(p, n, "SignedHeaders", &out->signed_headers) : a;
        int c = b > 0 ? take_field(p, n, "Signature", &out->signature) : b;
        if (c != 0)
            goto fail;
        p += n;
    }
    if (!out->credential || !out->signed_headers || !out->signature)
        goto fail;
    return 0;
fail:
    rs_auth_v3_dispose(out);
    return -1;
}

/* Picks the request headers named in the signed list (case-insensitive).
 * Returns the count, or -1 when a named header is absent or the list is
 * malformed. */
static int pick_signed(const char *list, const struct kc_param *headers,
                       size_t nheaders, struct kc_param *out, size_t cap)
{
    size_t n = 0;
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ";");
        bool found = false;
        if (!len)
            return -1;
        for (size_t i = 0; i < nheaders; i++) {
            if (strlen(headers[i].name) != len ||
                strncasecmp(headers[i].name, p, len))
                continue;
            if (n == cap)
                return -1;
            out[n++] = headers[i];
            found = true;
        }
        if (!found)
            return -1;
        p += len;
        if (*p == ';')
            p++;
    }
    return (int)n;
}

/* Whether name is in the ';'-separated list (case-insensitive). */
static bool list_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ";");
        if (len == n && !strncasecmp(p, name, n))
            return true;
        p += len;
        if (*p == ';')
            p++;
    }
    return false;
}

/* The common V3 headers must be signed whenever they are sent. */
static bool common_headers_signed(const char *list,
                                  const struct kc_param *headers,
                                  size_t nheaders)
{
    static const char *const common[] = {"x-acs-action", "x-acs-version",
                                         "x-acs-date", "x-acs-signature-nonce",
                                         "x-acs-content-sha256"};
    for (size_t i = 0; i < nheaders; i++) {
        for (size_t k = 0; k < sizeof(common) / sizeof(common[0]); k++) {
            if (!strcasecmp(headers[i].name, common[k]) &&
                !list_has(list, common[k]))
                return false;
        }
    }
    return true;
}

bool rs_auth_v3_ok(const char *secret, const char *method,
                   const struct kc_param *query, size_t nquery,
                   const struct kc_param *headers, size_t nheaders,
                   const struct rs_v3_auth *a, const char *payload_sha256)
{
    struct kc_param picked[V3_MAX_SIGNED];
    int np = pick_signed(a->signed_headers, headers, nheaders, picked,
                         V3_MAX_SIGNED);
    if (np <= 0 || !common_headers_signed(a->signed_headers, headers, nheaders))
        return false;
    for (int bare = 0; bare < 2; bare++) {
        struct kc_v3_input in = {
            .method = method,
            .path = "/",
            .query = query,
            .nquery = nquery,
            .headers = picked,
            .nheaders = (size_t)np,
            .payload_sha256 = payload_sha256,
            .bare_empty_values = bare != 0,
        };
        struct kc_buf names;
        char sig[65];
        kc_buf_init(&names, 4096);
        int rc = kc_sign_v3(secret, &in, &names, sig);
        kc_buf_dispose(&names);
        if (!rc && kc_sign_equal(sig, a->signature))
            return true;
    }
    return false;
}

/* ---- nonces --------------------------------------------------------- */

/* One AccessKeyId's share of the table. */
struct nonce_owner {
    struct nonce_owner *next;
    size_t count;
    char id[];
};

struct nonce {
    struct nonce *next;  /* hash chain */
    struct nonce *later; /* insertion order = expiry order */
    struct nonce_owner *owner;
    time_t expires;
    uint64_t hash;
    char value[];
};

struct rs_nonces {
    pthread_mutex_t lock;
    struct nonce **buckets;
    size_t nbuckets;
    struct nonce *oldest, *newest;
    struct nonce_owner *owners;
    size_t cap; /* per owner */
    long window_s;
};

#define NONCE_BUCKETS_MAX ((size_t)1 << 18)

static uint64_t hash_key(const char *owner, const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *owner; owner++) {
        h ^= (unsigned char)*owner;
        h *= 1099511628211ull;
    }
    h ^= '\n';
    h *= 1099511628211ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

struct rs_nonces *rs_nonces_new(size_t cap, long window_s)
{
    struct rs_nonces *n = calloc(1, sizeof(*n));
    if (!n || !cap)
        goto fail;
    n->cap = cap;
    n->window_s = window_s;
    n->nbuckets = cap < NONCE_BUCKETS_MAX ? cap : NONCE_BUCKETS_MAX;
    n->buckets = calloc(n->nbuckets, sizeof(*n->buckets));
    if (!n->buckets || pthread_mutex_init(&n->lock, NULL))
        goto fail;
    return n;
fail:
    if (n)
        free(n->buckets);
    free(n);
    return NULL;
}

void rs_nonces_free(struct rs_nonces *n)
{
    if (!n)
        return;
    while (n->oldest) {
        struct nonce *e = n->oldest;
        n->oldest = e->later;
        free(e);
    }
    while (n->owners) {
        struct nonce_owner *o = n->owners;
        n->owners = o->next;
        free(o);
    }
    free(n->buckets);
    pthread_mutex_destroy(&n->lock);
    free(n);
}

/* Removes the oldest entry from the queue and its hash chain. */
static void drop_oldest(struct rs_nonces *n)
{
    struct nonce *old = n->oldest;
    struct nonce **pp = &n->buckets[old->hash % n->nbuckets];
    while (*pp && *pp != old)
        pp = &(*pp)->next;
    if (*pp)
        *pp = old->next;
    n->oldest = old->later;
    if (!n->oldest)
        n->newest = NULL;
    old->owner->count--;
    free(old);
}

static struct nonce_owner *find_owner(struct rs_nonces *n, const char *id)
{
    struct nonce_owner *o = n->owners;
    while (o && strcmp(o->id, id))
        o = o->next;
    if (o)
        return o;
    size_t len = strlen(id);
    o = calloc(1, sizeof(*o) + len + 1);
    if (!o)
        return NULL;
    memcpy(o->id, id, len + 1);
    o->next = n->owners;
    n->owners = o;
    return o;
}

static bool remembered(const struct rs_nonces *n, const struct nonce_owner *o,
                       const char *value, uint64_t h)
{
    for (const struct nonce *e = n->buckets[h % n->nbuckets]; e; e = e->next)
        if (e->hash == h && e->owner == o && !strcmp(e->value, value))
            return true;
    return false;
}

static enum rs_nonce_result record(struct rs_nonces *n, struct nonce_owner *o,
                                   const char *value, uint64_t h, time_t now)
{
    size_t len = strlen(value);
    struct nonce *e = calloc(1, sizeof(*e) + len + 1);
    if (!e)
        return RS_NONCE_NO_MEMORY;
    memcpy(e->value, value, len + 1);
    e->hash = h;
    e->owner = o;
    e->expires = now + n->window_s;
    e->next = n->buckets[h % n->nbuckets];
    n->buckets[h % n->nbuckets] = e;
    if (n->newest)
        n->newest->later = e;
    else
        n->oldest = e;
    n->newest = e;
    o->count++;
    return RS_NONCE_NEW;
}

enum rs_nonce_result rs_nonces_use(struct rs_nonces *n, const char *owner,
                                   const char *value, time_t now)
{
    uint64_t h = hash_key(owner, value);
    enum rs_nonce_result rc = RS_NONCE_NO_MEMORY;
    pthread_mutex_lock(&n->lock);
    while (n->oldest && n->oldest->expires <= now)
        drop_oldest(n);
    struct nonce_owner *o = find_owner(n, owner);
    if (!o)
        goto out;
    if (remembered(n, o, value, h))
        rc = RS_NONCE_REUSED;
    else if (o->count >= n->cap)
        rc = RS_NONCE_FULL; /* never forget one early: refuse instead */
    else
        rc = record(n, o, value, h, now);
out:
    pthread_mutex_unlock(&n->lock);
    return rc;
}
