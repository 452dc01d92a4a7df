/* kc_target: target profiles, their secrets, and the requirement check. */
#include "kc/target.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "jcheck.h"
#include "kc/err.h"
#include "kc/file.h"
#include "kc/json.h"
#include "kc/url.h"

#define SECRET_FILE_MAX 4096 /* longest secret read from a file */
#define SECRET_PATH_MAX 1024 /* a secret file's path, joined to the folder */
#define SOURCE_KEY_MAX  64   /* "access_key_secret_file" and the like */
#define CAP_NUM_MAX     64   /* a capability's number as text */

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
    kc_manifest_free(t->manifest);
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

/* ---- secrets ---- */

/* The secret is the first line of the file, trailing white space (and a
 * CR) dropped. Blank lines after it are ignored; a second non-empty line is
 * an error, since the file may not be what the profile's author thinks it is
 * (the error names the file, never its content). Frees s on failure. */
static char *first_line_only(struct kc_jcheck *J, char *s, const char *full,
                             const char *path)
{
    char *nl = strchr(s, '\n');
    size_t len;

    if (nl) {
        for (const char *p = nl; *p; p++) {
            if (!isspace((unsigned char)*p)) {
                wipe_free(s);
                kc_jcheck_fail(J, path,
                               "%s: a second non-empty line (the secret is "
                               "the first line only)",
                               full);
                return NULL;
            }
        }
        memset(nl, 0, strlen(nl));
    }
    len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        s[--len] = '\0';
    if (len == 0 || len > SECRET_FILE_MAX) {
        wipe_free(s);
        kc_jcheck_fail(J, path, "%s: expected one non-empty line", full);
        return NULL;
    }
    return s;
}

static char *read_secret_file(struct kc_jcheck *J, const char *file,
                              const char *path)
{
    char full[SECRET_PATH_MAX], err[KC_ERR_MAX];
    size_t len;
    char *s;

    if (file[0] == '/' || !J->dir)
        snprintf(full, sizeof(full), "%s", file);
    else
        snprintf(full, sizeof(full), "%s/%s", J->dir, file);
    s = kc_file_read(full, SECRET_FILE_MAX * 2, 0, &len, err, sizeof(err));
    if (!s) {
        kc_jcheck_fail(J, path, "%s", err);
        return NULL;
    }
    if (strlen(s) != len) {
        memset(s, 0, len);
        wipe_free(s);
        kc_jcheck_fail(J, path, "%s: contains a NUL byte", full);
        return NULL;
    }
    return first_line_only(J, s, full, path);
}

/*
 * One of <what>, <what>_env, <what>_file must be given (exactly one).
 * *inl says whether the value was inline.
 */
static char *source_value(struct kc_jcheck *J, const cJSON *o, const char *base,
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
        kc_jcheck_fail(J, p, "give exactly one of %s, %s, %s", what, k_env,
                       k_file);
        return NULL;
    }
    if (v) {
        if (!cJSON_IsString(v) || !v->valuestring[0]) {
            kc_jcheck_fail(J, p, "expected a non-empty string");
            return NULL;
        }
        return strdup(v->valuestring);
    }
    if (env) {
        const char *val;
        kc_json_path_key(p, sizeof(p), base, k_env);
        if (!cJSON_IsString(env)) {
            kc_jcheck_fail(J, p, "expected a string");
            return NULL;
        }
        val = getenv(env->valuestring);
        if (!val || !val[0]) {
            kc_jcheck_fail(J, p, "environment variable %s is not set",
                           env->valuestring);
            return NULL;
        }
        return strdup(val);
    }
    kc_json_path_key(p, sizeof(p), base, k_file);
    if (!cJSON_IsString(file)) {
        kc_jcheck_fail(J, p, "expected a string");
        return NULL;
    }
    return read_secret_file(J, file->valuestring, p);
}

static int parse_credential(struct kc_jcheck *J, struct kc_credential *cr,
                            const cJSON *o, const char *base)
{
    static const char *const known[] = {
        "access_key_id",     "access_key_id_env",     "access_key_id_file",
        "access_key_secret", "access_key_secret_env", "access_key_secret_file",
        "description"};
    bool inl;

    if (!kc_case_name_valid(o->string))
        return kc_jcheck_fail(
            J, base, "bad credential name (expected [a-z0-9][a-z0-9._-]*)");
    if (!cJSON_IsObject(o))
        return kc_jcheck_fail(J, base, "expected an object");
    if (kc_jcheck_only_keys(J, o, base, known,
                            sizeof(known) / sizeof(known[0])))
        return -1;
    cr->name = strdup(o->string);
    cr->access_key_id = source_value(J, o, base, "access_key_id", &inl);
    if (!cr->access_key_id)
        return kc_jcheck_fail(J, base, "out of memory");
    cr->access_key_secret =
        source_value(J, o, base, "access_key_secret", &cr->inline_secret);
    if (!cr->access_key_secret || !cr->name)
        return kc_jcheck_fail(J, base, "out of memory");
    return 0;
}

static int parse_credentials(struct kc_jcheck *J, struct kc_target *t,
                             const cJSON *root)
{
    char p[KC_JSON_PATH_MAX];
    const cJSON *cs = cJSON_GetObjectItemCaseSensitive(root, "credentials");
    const cJSON *it, *rep;
    int n = cJSON_GetArraySize(cs);

    if (!cJSON_IsObject(cs))
        return kc_jcheck_fail(J, "$.credentials",
                              cs ? "expected an object"
                                 : "missing required key");
    if (!cJSON_GetObjectItemCaseSensitive(cs, "default"))
        return kc_jcheck_fail(J, "$.credentials.default",
                              "missing required key");
    t->creds = calloc((size_t)n, sizeof(*t->creds));
    if (!t->creds || kc_jcheck_first_repeat(J, cs, "$.credentials", &rep) != 0)
        return kc_jcheck_fail(J, "$.credentials", "out of memory");
    cJSON_ArrayForEach(it, cs)
    {
        kc_json_path_key(p, sizeof(p), "$.credentials", it->string);
        if (it == rep)
            return kc_jcheck_fail(J, p, "repeated credential");
        t->ncreds++;
        if (parse_credential(J, &t->creds[t->ncreds - 1], it, p) != 0)
            return -1;
        if (t->creds[t->ncreds - 1].inline_secret)
            t->has_inline_secrets = true;
    }
    return 0;
}

/* ---- capabilities ---- */

static char *cap_value(const cJSON *it)
{
    char num[CAP_NUM_MAX];

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

static int parse_capabilities(struct kc_jcheck *J, struct kc_target *t,
                              const cJSON *root)
{
    char p[KC_JSON_PATH_MAX];
    const cJSON *cs = cJSON_GetObjectItemCaseSensitive(root, "capabilities");
    const cJSON *it;

    if (!cs)
        return 0;
    if (!cJSON_IsObject(cs))
        return kc_jcheck_fail(J, "$.capabilities", "expected an object");
    t->caps = calloc((size_t)cJSON_GetArraySize(cs) + 1, sizeof(*t->caps));
    if (!t->caps)
        return kc_jcheck_fail(J, "$.capabilities", "out of memory");
    cJSON_ArrayForEach(it, cs)
    {
        kc_json_path_key(p, sizeof(p), "$.capabilities", it->string);
        if (!kc_case_name_valid(it->string))
            return kc_jcheck_fail(J, p,
                                  "bad capability name (expected "
                                  "[a-z0-9][a-z0-9._-]*)");
        /* A capability set to false is not kept, so only a repeat of a
         * kept one is refused (a model lookup, not a JSON key check). */
        if (kc_target_capability(t, it->string))
            return kc_jcheck_fail(J, p, "repeated capability");
        if (!cJSON_IsBool(it) && !cJSON_IsString(it) && !cJSON_IsNumber(it))
            return kc_jcheck_fail(J, p,
                                  "expected true, false, a string or a number");
        if (cJSON_IsFalse(it))
            continue;
        t->caps[t->ncaps].name = strdup(it->string);
        t->caps[t->ncaps].value = cap_value(it);
        t->ncaps++;
        if (!t->caps[t->ncaps - 1].name || !t->caps[t->ncaps - 1].value)
            return kc_jcheck_fail(J, p, "out of memory");
    }
    return 0;
}

/* ---- the profile ---- */

static int parse_tls(struct kc_jcheck *J, struct kc_target *t,
                     const cJSON *root)
{
    static const char *const known[] = {"verify", "cacert"};
    const cJSON *tls = cJSON_GetObjectItemCaseSensitive(root, "tls");
    const cJSON *ca;

    t->tls_verify = true;
    if (!tls)
        return 0;
    if (!cJSON_IsObject(tls))
        return kc_jcheck_fail(J, "$.tls", "expected an object");
    if (kc_jcheck_only_keys(J, tls, "$.tls", known,
                            sizeof(known) / sizeof(known[0])) != 0 ||
        kc_jcheck_bool(J, tls, "verify", "$.tls", true, &t->tls_verify) != 0)
        return -1;
    ca = cJSON_GetObjectItemCaseSensitive(tls, "cacert");
    if (!ca || cJSON_IsNull(ca))
        return 0;
    return kc_jcheck_str(J, tls, "cacert", "$.tls", false, "", &t->tls_cacert);
}

static int parse_choices(struct kc_jcheck *J, struct kc_target *t,
                         const cJSON *root)
{
    char *sig = NULL;
    int rc = -1;

    if (kc_jcheck_str(J, root, "signature", "$", false, "v1", &sig) != 0)
        goto out;
    if (!strcmp(sig, "v1"))
        t->signature = KC_SIGVER_V1;
    else if (!strcmp(sig, "v3"))
        t->signature = KC_SIGVER_V3;
    else {
        kc_jcheck_fail(J, "$.signature", "expected \"v1\" or \"v3\"");
        goto out;
    }
    if (kc_jcheck_str(J, root, "method", "$", false, "POST", &t->method) != 0)
        goto out;
    if (strcmp(t->method, "POST") != 0 && strcmp(t->method, "GET") != 0) {
        kc_jcheck_fail(J, "$.method", "expected \"POST\" or \"GET\"");
        goto out;
    }
    rc = kc_jcheck_str(J, root, "envelope", "$", false, "kms", &t->envelope);
out:
    free(sig);
    return rc;
}

static int parse_profile(struct kc_jcheck *J, struct kc_target *t,
                         const cJSON *root, const char *endpoint_override)
{
    static const char *const known[] = {
        "name",        "endpoint",     "region",      "signature",
        "method",      "envelope",     "tls",         "allow_inline_secrets",
        "credentials", "capabilities", "description", "strict_messages",
        "manifest"};

    if (!cJSON_IsObject(root))
        return kc_jcheck_fail(J, "$", "expected an object");
    if (kc_jcheck_only_keys(J, root, "$", known,
                            sizeof(known) / sizeof(known[0])) ||
        kc_jcheck_str(J, root, "name", "$", true, NULL, &t->name) ||
        kc_jcheck_str(J, root, "endpoint", "$", !endpoint_override,
                      endpoint_override ? endpoint_override : "",
                      &t->endpoint) ||
        kc_jcheck_str(J, root, "region", "$", true, NULL, &t->region) ||
        parse_choices(J, t, root) || parse_tls(J, t, root) ||
        kc_jcheck_bool(J, root, "allow_inline_secrets", "$", false,
                       &t->allow_inline_secrets) ||
        kc_jcheck_bool(J, root, "strict_messages", "$", false,
                       &t->strict_messages) ||
        parse_credentials(J, t, root) || parse_capabilities(J, t, root) ||
        (cJSON_GetObjectItemCaseSensitive(root, "manifest") &&
         kc_manifest_parse(J,
                           cJSON_GetObjectItemCaseSensitive(root, "manifest"),
                           &t->manifest)))
        return -1;
    return 0;
}

/* The endpoint rule and the inline-secret rule. */
static int check_endpoint(struct kc_jcheck *J, const struct kc_target *t)
{
    char p[KC_JSON_PATH_MAX], q[KC_JSON_PATH_MAX];

    if (!kc_url_http_ok(t->endpoint))
        return kc_jcheck_fail(
            J, "$.endpoint", "expected an http:// or https:// URL with a host");
    if (!t->has_inline_secrets)
        return 0;
    for (size_t i = 0; i < t->ncreds; i++) {
        if (!t->creds[i].inline_secret)
            continue;
        kc_json_path_key(q, sizeof(q), "$.credentials", t->creds[i].name);
        kc_json_path_key(p, sizeof(p), q, "access_key_secret");
        if (!t->allow_inline_secrets)
            return kc_jcheck_fail(
                J, p,
                "inline secrets need allow_inline_secrets: true "
                "(use access_key_secret_env or _file)");
        if (!kc_url_is_loopback(t->endpoint))
            return kc_jcheck_fail(
                J, p,
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
                      struct kc_jcheck *J, const char *endpoint_override)
{
    struct kc_target *t = calloc(1, sizeof(*t));
    cJSON *root = kc_json_parse(json, len, J->display, J->err, J->errlen);
    int rc = -1;

    *out = NULL;
    if (!root) {
        J->failed = true;
        goto out;
    }
    if (!t) {
        kc_jcheck_fail(J, "$", "out of memory");
        goto out;
    }
    if (parse_profile(J, t, root, endpoint_override) != 0)
        goto out;
    if (endpoint_override) {
        free(t->endpoint);
        t->endpoint = strdup(endpoint_override);
        if (!t->endpoint) {
            kc_jcheck_fail(J, "$.endpoint", "out of memory");
            goto out;
        }
    }
    t->source = strdup(J->display);
    if (!t->source || check_endpoint(J, t) != 0)
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
    struct kc_jcheck J = {display, NULL, err, errlen, false};

    return parse_with(out, json, len, &J, endpoint_override);
}

int kc_target_load(struct kc_target **out, const char *path,
                   const char *endpoint_override, char *err, size_t errlen)
{
    struct kc_jcheck J = {path, NULL, err, errlen, false};
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
    J.dir = dir;
    rc = parse_with(out, text, len, &J, endpoint_override);
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
    struct kc_jcheck J = {"--endpoint", NULL, err, errlen, false};
    const char *region = getenv("KMSCONF_REGION");
    int rc = parse_with(out, json, sizeof(json) - 1, &J, endpoint);

    if (rc == 0 && region && region[0]) {
        char *r = strdup(region);
        if (!r) {
            kc_target_free(*out);
            *out = NULL;
            return kc_jcheck_fail(&J, "$", "out of memory");
        }
        free((*out)->region);
        (*out)->region = r;
    }
    return rc;
}

int kc_target_set_endpoint(struct kc_target *t, const char *endpoint, char *err,
                           size_t errlen)
{
    struct kc_jcheck J = {t->source, NULL, err, errlen, false};
    char *old = t->endpoint;

    t->endpoint = strdup(endpoint);
    if (!t->endpoint) {
        t->endpoint = old;
        return kc_jcheck_fail(&J, "$.endpoint", "out of memory");
    }
    if (check_endpoint(&J, t) != 0) {
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
    const char *names[KC_CASE_CREDENTIALS_MAX];
    size_t n = kc_case_credentials(c, names, KC_CASE_CREDENTIALS_MAX);

    for (size_t i = 0; i < n && i < KC_CASE_CREDENTIALS_MAX; i++) {
        if (!kc_target_credential(t, names[i]))
            return set_skip(skip, "missing-credential", names[i]);
    }
    for (size_t i = 0; i < c->nreq_capabilities; i++) {
        if (!kc_target_capability(t, c->req_capabilities[i]))
            return set_skip(skip, "missing-capability", c->req_capabilities[i]);
    }
    return true;
}
