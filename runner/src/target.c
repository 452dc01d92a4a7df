/* kc_target: target profiles, their secrets, and the requirement check. */
#include "kc/target.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "kc/err.h"
#include "kc/file.h"
#include "kc/json.h"

#define SECRET_FILE_MAX 4096 /* longest secret read from a file */
#define SECRET_PATH_MAX 1024 /* a secret file's path, joined to the folder */
#define SOURCE_KEY_MAX  64   /* "access_key_secret_file" and the like */

/* The parse state: the first problem wins (one-line error). */
struct tp {
    const char *display;
    const char *dir; /* folder of the profile, for relative secret files */
    char *err;
    size_t errlen;
    bool failed;
};

static int tfail(struct tp *T, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int tfail(struct tp *T, const char *path, const char *fmt, ...)
{
    char what[KC_ERR_MAX];
    va_list ap;

    if (T->failed)
        return -1;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    kc_err_set(T->err, T->errlen, "%s: %s: %s", T->display, path, what);
    T->failed = true;
    return -1;
}

/* ---- URLs ---- */

void kc_url_host(const char *url, char *out, size_t outlen)
{
    CURLU *u = curl_url();
    char *host = NULL;

    if (outlen)
        out[0] = '\0';
    if (!u || !url)
        goto out;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
        goto out;
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        goto out;
    snprintf(out, outlen, "%s", host);
out:
    curl_free(host);
    curl_url_cleanup(u);
}

static bool dotted_quad_127(const char *h)
{
    int parts = 0;

    if (strncmp(h, "127.", 4) != 0)
        return false;
    for (const char *p = h; *p; parts++) {
        size_t n = 0;
        while (isdigit((unsigned char)p[n]))
            n++;
        if (n == 0 || n > 3)
            return false;
        p += n;
        if (*p == '.')
            p++;
        else if (*p)
            return false;
    }
    return parts == 4;
}

bool kc_url_is_loopback(const char *url)
{
    char host[256];

    kc_url_host(url, host, sizeof(host));
    return !strcmp(host, "localhost") || !strcmp(host, "[::1]") ||
           !strcmp(host, "::1") || dotted_quad_127(host);
}

static bool url_ok(const char *url)
{
    char host[256];

    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return false;
    kc_url_host(url, host, sizeof(host));
    return host[0] != '\0';
}

/* ---- lifetime ---- */

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

void kc_target_free(struct kc_target *t)
{
    if (!t)
        return;
    free(t->name);
    free(t->endpoint);
    free(t->region);
    free(t->method);
    free(t->envelope);
    free(t->tls_cacert);
    for (size_t i = 0; i < t->ncreds; i++) {
        free(t->creds[i].name);
        free(t->creds[i].access_key_id);
        wipe_free(t->creds[i].access_key_secret);
    }
    free(t->creds);
    for (size_t i = 0; i < t->ncaps; i++) {
        free(t->caps[i].name);
        free(t->caps[i].value);
    }
    free(t->caps);
    free(t->source);
    free(t);
}

/* ---- members ---- */

static int opt_str(struct tp *T, const cJSON *o, const char *key,
                   const char *base, bool required, const char *def, char **out)
{
    char p[KC_JSON_PATH_MAX];
    const char *v = def;
    enum kc_json_status st = kc_json_string(o, key, &v);

    kc_json_path_key(p, sizeof(p), base, key);
    if (st == KC_JSON_ABSENT && required)
        return tfail(T, p, "missing required key");
    if (st == KC_JSON_WRONG_TYPE)
        return tfail(T, p, "expected a string");
    if (st == KC_JSON_OK && !v[0])
        return tfail(T, p, "expected a non-empty string");
    *out = strdup(st == KC_JSON_OK ? v : def);
    return *out ? 0 : tfail(T, p, "out of memory");
}

static int opt_bool(struct tp *T, const cJSON *o, const char *key,
                    const char *base, bool def, bool *out)
{
    char p[KC_JSON_PATH_MAX];

    *out = def;
    if (kc_json_bool(o, key, out) != KC_JSON_WRONG_TYPE)
        return 0;
    kc_json_path_key(p, sizeof(p), base, key);
    return tfail(T, p, "expected true or false");
}

/* The first member of o whose key an earlier member has, into *rep (NULL:
 * none). 0, or -1 when out of memory. */
static int first_repeat(struct tp *T, const cJSON *o, const char *base,
                        const cJSON **rep)
{
    size_t n;
    const cJSON **all = kc_json_repeated_members(o, &n);

    *rep = all ? all[0] : NULL;
    free(all);
    return n == SIZE_MAX ? tfail(T, base, "out of memory") : 0;
}

/* Whether a comes before b among the members of o (b may be NULL). */
static bool before(const cJSON *o, const cJSON *a, const cJSON *b)
{
    for (const cJSON *it = o->child; it; it = it->next) {
        if (it == a)
            return true;
        if (it == b)
            return false;
    }
    return false;
}

/* Refuses the first member of o (in file order) that is unknown or repeats
 * an earlier key. */
static int only_keys(struct tp *T, const cJSON *o, const char *base,
                     const char *const *known, size_t n)
{
    char p[KC_JSON_PATH_MAX];
    const cJSON *unknown = kc_json_unknown_member(o, NULL, known, n);
    const cJSON *rep, *bad;

    if (first_repeat(T, o, base, &rep) != 0)
        return -1;
    bad = unknown && (!rep || before(o, unknown, rep)) ? unknown : rep;
    if (!bad)
        return 0;
    kc_json_path_key(p, sizeof(p), base, bad->string);
    return tfail(T, p, "unknown or repeated key");
}

/* ---- secrets ---- */

static char *read_secret_file(struct tp *T, const char *file, const char *path)
{
    char full[SECRET_PATH_MAX], err[KC_ERR_MAX];
    size_t len;
    char *s;

    if (file[0] == '/' || !T->dir)
        snprintf(full, sizeof(full), "%s", file);
    else
        snprintf(full, sizeof(full), "%s/%s", T->dir, file);
    s = kc_file_read(full, SECRET_FILE_MAX * 2, 0, &len, err, sizeof(err));
    if (!s) {
        tfail(T, path, "%s", err);
        return NULL;
    }
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        s[--len] = '\0';
    if (len == 0 || len > SECRET_FILE_MAX || strlen(s) != len) {
        wipe_free(s);
        tfail(T, path, "%s: expected one non-empty line", full);
        return NULL;
    }
    return s;
}

/*
 * One of <what>, <what>_env, <what>_file must be given (exactly one).
 * *inl says whether the value was inline.
 */
static char *source_value(struct tp *T, const cJSON *o, const char *base,
                          const char *what, bool *inl)
{
    char k_env[SOURCE_KEY_MAX], k_file[SOURCE_KEY_MAX], p[KC_JSON_PATH_MAX];
    const cJSON *v, *env, *file;
    int n;

    snprintf(k_env, sizeof(k_env), "%s_env", what);
    snprintf(k_file, sizeof(k_file), "%s_file", what);
    v = cJSON_GetObjectItemCaseSensitive(o, what);
    env = cJSON_GetObjectItemCaseSensitive(o, k_env);
    file = cJSON_GetObjectItemCaseSensitive(o, k_file);
    n = (v != NULL) + (env != NULL) + (file != NULL);
    *inl = v != NULL;
    kc_json_path_key(p, sizeof(p), base, what);
    if (n != 1) {
        tfail(T, p, "give exactly one of %s, %s, %s", what, k_env, k_file);
        return NULL;
    }
    if (v) {
        if (!cJSON_IsString(v) || !v->valuestring[0]) {
            tfail(T, p, "expected a non-empty string");
            return NULL;
        }
        return strdup(v->valuestring);
    }
    if (env) {
        const char *val;
        kc_json_path_key(p, sizeof(p), base, k_env);
        if (!cJSON_IsString(env)) {
            tfail(T, p, "expected a string");
            return NULL;
        }
        val = getenv(env->valuestring);
        if (!val || !val[0]) {
            tfail(T, p, "environment variable %s is not set", env->valuestring);
            return NULL;
        }
        return strdup(val);
    }
    kc_json_path_key(p, sizeof(p), base, k_file);
    if (!cJSON_IsString(file)) {
        tfail(T, p, "expected a string");
        return NULL;
    }
    return read_secret_file(T, file->valuestring, p);
}

static int parse_credential(struct tp *T, struct kc_credential *cr,
                            const cJSON *o, const char *base)
{
    static const char *const known[] = {
        "access_key_id",     "access_key_id_env",     "access_key_id_file",
        "access_key_secret", "access_key_secret_env", "access_key_secret_file",
        "description"};
    bool inl;

    if (!kc_case_name_valid(o->string))
        return tfail(T, base,
                     "bad credential name (expected [a-z0-9][a-z0-9._-]*)");
    if (!cJSON_IsObject(o))
        return tfail(T, base, "expected an object");
    if (only_keys(T, o, base, known, sizeof(known) / sizeof(known[0])))
        return -1;
    cr->name = strdup(o->string);
    cr->access_key_id = source_value(T, o, base, "access_key_id", &inl);
    if (!cr->access_key_id)
        return tfail(T, base, "out of memory");
    cr->access_key_secret =
        source_value(T, o, base, "access_key_secret", &cr->inline_secret);
    if (!cr->access_key_secret || !cr->name)
        return tfail(T, base, "out of memory");
    return 0;
}

static int parse_credentials(struct tp *T, struct kc_target *t,
                             const cJSON *root)
{
    char p[KC_JSON_PATH_MAX];
    const cJSON *cs = cJSON_GetObjectItemCaseSensitive(root, "credentials");
    const cJSON *it, *rep;
    int n = cJSON_GetArraySize(cs);

    if (!cJSON_IsObject(cs))
        return tfail(T, "$.credentials",
                     cs ? "expected an object" : "missing required key");
    if (!cJSON_GetObjectItemCaseSensitive(cs, "default"))
        return tfail(T, "$.credentials.default", "missing required key");
    t->creds = calloc((size_t)n, sizeof(*t->creds));
    if (!t->creds || first_repeat(T, cs, "$.credentials", &rep) != 0)
        return tfail(T, "$.credentials", "out of memory");
    cJSON_ArrayForEach(it, cs)
    {
        kc_json_path_key(p, sizeof(p), "$.credentials", it->string);
        if (it == rep)
            return tfail(T, p, "repeated credential");
        t->ncreds++;
        if (parse_credential(T, &t->creds[t->ncreds - 1], it, p) != 0)
            return -1;
        if (t->creds[t->ncreds - 1].inline_secret)
            t->has_inline_secrets = true;
    }
    return 0;
}

/* ---- capabilities ---- */

static char *cap_value(const cJSON *it)
{
    char num[64];

    if (cJSON_IsTrue(it))
        return strdup("true");
    if (cJSON_IsString(it))
        return strdup(it->valuestring);
    if (it->valuedouble == (double)(long long)it->valuedouble)
        snprintf(num, sizeof(num), "%lld", (long long)it->valuedouble);
    else
        snprintf(num, sizeof(num), "%.17g", it->valuedouble);
    return strdup(num);
}

static int parse_capabilities(struct tp *T, struct kc_target *t,
                              const cJSON *root)
{
    char p[KC_JSON_PATH_MAX];
    const cJSON *cs = cJSON_GetObjectItemCaseSensitive(root, "capabilities");
    const cJSON *it;

    if (!cs)
        return 0;
    if (!cJSON_IsObject(cs))
        return tfail(T, "$.capabilities", "expected an object");
    t->caps = calloc((size_t)cJSON_GetArraySize(cs) + 1, sizeof(*t->caps));
    if (!t->caps)
        return tfail(T, "$.capabilities", "out of memory");
    cJSON_ArrayForEach(it, cs)
    {
        kc_json_path_key(p, sizeof(p), "$.capabilities", it->string);
        if (!kc_case_name_valid(it->string))
            return tfail(T, p,
                         "bad capability name (expected "
                         "[a-z0-9][a-z0-9._-]*)");
        /* A capability set to false is not kept, so only a repeat of a
         * kept one is refused (a model lookup, not a JSON key check). */
        if (kc_target_capability(t, it->string))
            return tfail(T, p, "repeated capability");
        if (!cJSON_IsBool(it) && !cJSON_IsString(it) && !cJSON_IsNumber(it))
            return tfail(T, p, "expected true, false, a string or a number");
        if (cJSON_IsFalse(it))
            continue;
        t->caps[t->ncaps].name = strdup(it->string);
        t->caps[t->ncaps].value = cap_value(it);
        t->ncaps++;
        if (!t->caps[t->ncaps - 1].name || !t->caps[t->ncaps - 1].value)
            return tfail(T, p, "out of memory");
    }
    return 0;
}

/* ---- the profile ---- */

static int parse_tls(struct tp *T, struct kc_target *t, const cJSON *root)
{
    static const char *const known[] = {"verify", "cacert"};
    const cJSON *tls = cJSON_GetObjectItemCaseSensitive(root, "tls");
    const cJSON *ca;

    t->tls_verify = true;
    if (!tls)
        return 0;
    if (!cJSON_IsObject(tls))
        return tfail(T, "$.tls", "expected an object");
    if (only_keys(T, tls, "$.tls", known, 2) != 0 ||
        opt_bool(T, tls, "verify", "$.tls", true, &t->tls_verify) != 0)
        return -1;
    ca = cJSON_GetObjectItemCaseSensitive(tls, "cacert");
    if (!ca || cJSON_IsNull(ca))
        return 0;
    return opt_str(T, tls, "cacert", "$.tls", false, "", &t->tls_cacert);
}

static int parse_choices(struct tp *T, struct kc_target *t, const cJSON *root)
{
    char *sig = NULL;
    int rc = -1;

    if (opt_str(T, root, "signature", "$", false, "v1", &sig) != 0)
        goto out;
    if (!strcmp(sig, "v1"))
        t->signature = KC_SIGVER_V1;
    else if (!strcmp(sig, "v3"))
        t->signature = KC_SIGVER_V3;
    else {
        tfail(T, "$.signature", "expected \"v1\" or \"v3\"");
        goto out;
    }
    if (opt_str(T, root, "method", "$", false, "POST", &t->method) != 0)
        goto out;
    if (strcmp(t->method, "POST") != 0 && strcmp(t->method, "GET") != 0) {
        tfail(T, "$.method", "expected \"POST\" or \"GET\"");
        goto out;
    }
    rc = opt_str(T, root, "envelope", "$", false, "kms", &t->envelope);
out:
    free(sig);
    return rc;
}

static int parse_profile(struct tp *T, struct kc_target *t, const cJSON *root,
                         const char *endpoint_override)
{
    static const char *const known[] = {
        "name",        "endpoint",     "region",     "signature",
        "method",      "envelope",     "tls",        "allow_inline_secrets",
        "credentials", "capabilities", "description"};

    if (!cJSON_IsObject(root))
        return tfail(T, "$", "expected an object");
    if (only_keys(T, root, "$", known, sizeof(known) / sizeof(known[0])) ||
        opt_str(T, root, "name", "$", true, NULL, &t->name) ||
        opt_str(T, root, "endpoint", "$", !endpoint_override,
                endpoint_override ? endpoint_override : "", &t->endpoint) ||
        opt_str(T, root, "region", "$", true, NULL, &t->region) ||
        parse_choices(T, t, root) || parse_tls(T, t, root) ||
        opt_bool(T, root, "allow_inline_secrets", "$", false,
                 &t->allow_inline_secrets) ||
        parse_credentials(T, t, root) || parse_capabilities(T, t, root))
        return -1;
    return 0;
}

/* The endpoint rule and the inline-secret rule. */
static int check_endpoint(struct tp *T, const struct kc_target *t)
{
    char p[KC_JSON_PATH_MAX], q[KC_JSON_PATH_MAX];

    if (!url_ok(t->endpoint))
        return tfail(T, "$.endpoint",
                     "expected an http:// or https:// URL with a host");
    if (!t->has_inline_secrets)
        return 0;
    for (size_t i = 0; i < t->ncreds; i++) {
        if (!t->creds[i].inline_secret)
            continue;
        kc_json_path_key(q, sizeof(q), "$.credentials", t->creds[i].name);
        kc_json_path_key(p, sizeof(p), q, "access_key_secret");
        if (!t->allow_inline_secrets)
            return tfail(T, p,
                         "inline secrets need allow_inline_secrets: true "
                         "(use access_key_secret_env or _file)");
        if (!kc_url_is_loopback(t->endpoint))
            return tfail(T, p,
                         "inline secrets are accepted only for a loopback "
                         "endpoint (use access_key_secret_env or _file)");
    }
    return 0;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *d;

    if (!slash)
        return strdup(".");
    d = strndup(path, (size_t)(slash - path));
    return d;
}

/* Wipes every string of a parsed profile: inline secrets are in there. */
static void wipe_json(cJSON *node)
{
    for (; node; node = node->next) {
        if (cJSON_IsString(node) && node->valuestring)
            OPENSSL_cleanse(node->valuestring, strlen(node->valuestring));
        wipe_json(node->child);
    }
}

static int parse_with(struct kc_target **out, const char *json, size_t len,
                      struct tp *T, const char *endpoint_override)
{
    struct kc_target *t = calloc(1, sizeof(*t));
    cJSON *root = kc_json_parse(json, len, T->display, T->err, T->errlen);
    int rc = -1;

    *out = NULL;
    if (!root) {
        T->failed = true;
        goto out;
    }
    if (!t) {
        tfail(T, "$", "out of memory");
        goto out;
    }
    if (parse_profile(T, t, root, endpoint_override) != 0)
        goto out;
    if (endpoint_override) {
        free(t->endpoint);
        t->endpoint = strdup(endpoint_override);
        if (!t->endpoint) {
            tfail(T, "$.endpoint", "out of memory");
            goto out;
        }
    }
    t->source = strdup(T->display);
    if (!t->source || check_endpoint(T, t) != 0)
        goto out;
    *out = t;
    t = NULL;
    rc = 0;
out:
    wipe_json(root);
    cJSON_Delete(root);
    kc_target_free(t);
    return rc;
}

int kc_target_parse(struct kc_target **out, const char *json, size_t len,
                    const char *display, const char *endpoint_override,
                    char *err, size_t errlen)
{
    struct tp T = {display, NULL, err, errlen, false};

    return parse_with(out, json, len, &T, endpoint_override);
}

int kc_target_load(struct kc_target **out, const char *path,
                   const char *endpoint_override, char *err, size_t errlen)
{
    struct tp T = {path, NULL, err, errlen, false};
    size_t len;
    char *text = kc_file_read(path, KC_JSON_FILE_MAX, 0, &len, err, errlen);
    char *dir = dir_of(path);
    int rc = -1;

    *out = NULL;
    if (!text || !dir) {
        if (text)
            kc_err_set(err, errlen, "%s: out of memory", path);
        goto out;
    }
    T.dir = dir;
    rc = parse_with(out, text, len, &T, endpoint_override);
out:
    if (text)
        OPENSSL_cleanse(text, len);
    free(text);
    free(dir);
    return rc;
}

int kc_target_from_env(struct kc_target **out, const char *endpoint, char *err,
                       size_t errlen)
{
    static const char json[] =
        "{\"name\":\"endpoint\",\"region\":\"cn-hangzhou\","
        "\"credentials\":{\"default\":{"
        "\"access_key_id_env\":\"KMSCONF_ACCESS_KEY_ID\","
        "\"access_key_secret_env\":\"KMSCONF_ACCESS_KEY_SECRET\"}}}";
    struct tp T = {"--endpoint", NULL, err, errlen, false};
    const char *region = getenv("KMSCONF_REGION");
    int rc = parse_with(out, json, sizeof(json) - 1, &T, endpoint);

    if (rc == 0 && region && region[0]) {
        char *r = strdup(region);
        if (!r) {
            kc_target_free(*out);
            *out = NULL;
            return tfail(&T, "$", "out of memory");
        }
        free((*out)->region);
        (*out)->region = r;
    }
    return rc;
}

int kc_target_set_endpoint(struct kc_target *t, const char *endpoint, char *err,
                           size_t errlen)
{
    struct tp T = {t->source, NULL, err, errlen, false};
    char *old = t->endpoint;

    t->endpoint = strdup(endpoint);
    if (!t->endpoint) {
        t->endpoint = old;
        return tfail(&T, "$.endpoint", "out of memory");
    }
    if (check_endpoint(&T, t) != 0) {
        free(t->endpoint);
        t->endpoint = old;
        return -1;
    }
    free(old);
    return 0;
}

/* ---- lookups ---- */

const struct kc_credential *kc_target_credential(const struct kc_target *t,
                                                 const char *name)
{
    for (size_t i = 0; t && i < t->ncreds; i++) {
        if (t->creds[i].name && !strcmp(t->creds[i].name, name))
            return &t->creds[i];
    }
    return NULL;
}

const char *kc_target_capability(const struct kc_target *t, const char *name)
{
    for (size_t i = 0; t && i < t->ncaps; i++) {
        if (t->caps[i].name && !strcmp(t->caps[i].name, name))
            return t->caps[i].value;
    }
    return NULL;
}

size_t kc_target_secrets(const struct kc_target *t, const char **out,
                         size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < t->ncreds; i++) {
        if (!t->creds[i].access_key_secret)
            continue;
        if (n < max)
            out[n] = t->creds[i].access_key_secret;
        n++;
    }
    return n;
}

static bool set_skip(struct kc_skip *skip, const char *type, const char *name)
{
    if (skip) {
        snprintf(skip->type, sizeof(skip->type), "%s", type);
        snprintf(skip->reason, sizeof(skip->reason), "%s", name);
    }
    return false;
}

bool kc_target_can_run(const struct kc_target *t, const struct kc_case *c,
                       struct kc_skip *skip)
{
    const char *names[64];
    size_t n = kc_case_credentials(c, names, 64);

    for (size_t i = 0; i < n && i < 64; i++) {
        if (!kc_target_credential(t, names[i]))
            return set_skip(skip, "missing-credential", names[i]);
    }
    for (size_t i = 0; i < c->nreq_capabilities; i++) {
        if (!kc_target_capability(t, c->req_capabilities[i]))
            return set_skip(skip, "missing-capability", c->req_capabilities[i]);
    }
    return true;
}

/* ---- envelope rule sets ---- */

void kc_envelope_free(struct kc_envelope *e)
{
    if (!e)
        return;
    free(e->name);
    free(e->description);
    for (size_t i = 0; i < e->nfields; i++)
        free(e->fields[i].name);
    free(e->fields);
    for (size_t i = 0; i < e->nxml_roots; i++)
        free(e->xml_roots[i]);
    free(e->xml_roots);
    free(e);
}

static int env_field(struct tp *T, struct kc_envelope_field *f, const cJSON *o,
                     const char *base)
{
    static const char *const known[] = {"type", "required"};
    char *type = NULL;
    int rc = -1;

    if (!cJSON_IsObject(o))
        return tfail(T, base, "expected an object");
    if (only_keys(T, o, base, known, 2) != 0 ||
        opt_str(T, o, "type", base, true, NULL, &type) != 0 ||
        opt_bool(T, o, "required", base, false, &f->required) != 0)
        goto out;
    if (!strcmp(type, "string"))
        f->type = KC_FIELD_STRING;
    else if (!strcmp(type, "number"))
        f->type = KC_FIELD_NUMBER;
    else {
        char p[KC_JSON_PATH_MAX];
        kc_json_path_key(p, sizeof(p), base, "type");
        tfail(T, p, "expected \"string\" or \"number\"");
        goto out;
    }
    f->name = strdup(o->string);
    rc = f->name ? 0 : tfail(T, base, "out of memory");
out:
    free(type);
    return rc;
}

static int env_fields(struct tp *T, struct kc_envelope *e, const cJSON *set,
                      const char *base)
{
    char p[KC_JSON_PATH_MAX], q[KC_JSON_PATH_MAX];
    const cJSON *fs = cJSON_GetObjectItemCaseSensitive(set, "fields");
    const cJSON *it, *rep;

    kc_json_path_key(p, sizeof(p), base, "fields");
    if (!cJSON_IsObject(fs) || !fs->child)
        return tfail(T, p, "expected a non-empty object");
    e->fields = calloc((size_t)cJSON_GetArraySize(fs), sizeof(*e->fields));
    if (!e->fields || first_repeat(T, fs, p, &rep) != 0)
        return tfail(T, p, "out of memory");
    cJSON_ArrayForEach(it, fs)
    {
        kc_json_path_key(q, sizeof(q), p, it->string);
        if (it == rep)
            return tfail(T, q, "repeated field");
        e->nfields++;
        if (env_field(T, &e->fields[e->nfields - 1], it, q) != 0)
            return -1;
    }
    return 0;
}

static int env_roots(struct tp *T, struct kc_envelope *e, const cJSON *set,
                     const char *base)
{
    char p[KC_JSON_PATH_MAX], q[KC_JSON_PATH_MAX];
    const cJSON *rs = cJSON_GetObjectItemCaseSensitive(set, "xml_roots");
    const cJSON *it;

    kc_json_path_key(p, sizeof(p), base, "xml_roots");
    if (!cJSON_IsArray(rs) || !rs->child)
        return tfail(T, p, "expected a non-empty array of strings");
    e->xml_roots = calloc((size_t)cJSON_GetArraySize(rs), sizeof(char *));
    if (!e->xml_roots)
        return tfail(T, p, "out of memory");
    cJSON_ArrayForEach(it, rs)
    {
        kc_json_path_index(q, sizeof(q), p, e->nxml_roots);
        if (!cJSON_IsString(it) || !it->valuestring[0])
            return tfail(T, q, "expected a non-empty string");
        e->xml_roots[e->nxml_roots] = strdup(it->valuestring);
        if (!e->xml_roots[e->nxml_roots++])
            return tfail(T, q, "out of memory");
    }
    return 0;
}

static int env_set(struct tp *T, struct kc_envelope *e, const cJSON *set,
                   const char *base)
{
    static const char *const known[] = {"description", "fields", "other_fields",
                                        "xml_roots"};

    if (!cJSON_IsObject(set))
        return tfail(T, base, "expected an object");
    if (only_keys(T, set, base, known, 4) != 0 ||
        opt_str(T, set, "description", base, false, "", &e->description) ||
        opt_bool(T, set, "other_fields", base, false, &e->allow_other_fields) ||
        env_fields(T, e, set, base) || env_roots(T, e, set, base))
        return -1;
    return 0;
}

int kc_envelope_parse(struct kc_envelope **out, const char *json, size_t len,
                      const char *display, const char *name, char *err,
                      size_t errlen)
{
    struct tp T = {display, NULL, err, errlen, false};
    struct kc_envelope *e = calloc(1, sizeof(*e));
    cJSON *root = kc_json_parse(json, len, display, err, errlen);
    const cJSON *set;
    char p[KC_JSON_PATH_MAX];
    int rc = -1;

    *out = NULL;
    if (!root || !e) {
        if (root)
            tfail(&T, "$", "out of memory");
        goto out;
    }
    kc_json_path_key(p, sizeof(p), "$", name);
    set = cJSON_IsObject(root) ? cJSON_GetObjectItemCaseSensitive(root, name)
                               : NULL;
    if (!set) {
        tfail(&T, p, "no envelope rule set of that name");
        goto out;
    }
    e->name = strdup(name);
    if (!e->name || env_set(&T, e, set, p) != 0)
        goto out;
    *out = e;
    e = NULL;
    rc = 0;
out:
    cJSON_Delete(root);
    kc_envelope_free(e);
    return rc;
}

int kc_envelope_load(struct kc_envelope **out, const char *path,
                     const char *name, char *err, size_t errlen)
{
    size_t len;
    char *text = kc_file_read(path, KC_JSON_FILE_MAX, 0, &len, err, errlen);
    int rc;

    *out = NULL;
    if (!text)
        return -1;
    rc = kc_envelope_parse(out, text, len, path, name, err, errlen);
    free(text);
    return rc;
}

const struct kc_envelope_field *kc_envelope_field(const struct kc_envelope *e,
                                                  const char *name)
{
    for (size_t i = 0; e && i < e->nfields; i++) {
        if (e->fields[i].name && !strcmp(e->fields[i].name, name))
            return &e->fields[i];
    }
    return NULL;
}

bool kc_envelope_xml_root_ok(const struct kc_envelope *e, const char *name)
{
    for (size_t i = 0; e && i < e->nxml_roots; i++) {
        if (!strcmp(e->xml_roots[i], name))
            return true;
    }
    return false;
}
