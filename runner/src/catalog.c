/* kc_catalog: the documented errors and the message matching rule. */
#include "kc/catalog.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/codec.h"
#include "kc/err.h"
#include "kc/file.h"
#include "kc/json.h"

#define HTTP_STATUS_MIN 100
#define HTTP_STATUS_MAX 599

/* ---- loading ---- */

static void entry_dispose(struct kc_catalog_entry *e)
{
    free(e->code);
    for (size_t i = 0; i < e->nmessages; i++)
        free(e->messages[i]);
    free(e->messages);
    for (size_t i = 0; i < e->ndocumented; i++) {
        free(e->documented[i].tmpl);
        free(e->documented[i].scope);
        free(e->documented[i].source);
    }
    free(e->documented);
    free(e->source);
    memset(e, 0, sizeof(*e));
}

void kc_catalog_free(struct kc_catalog *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nentries; i++)
        entry_dispose(&c->entries[i]);
    free(c->entries);
    for (size_t i = 0; i < c->nextras; i++)
        entry_dispose(&c->extras[i]);
    free(c->extras);
    for (size_t i = 0; i < c->nsources; i++) {
        free(c->sources[i].name);
        free(c->sources[i].what);
    }
    free(c->sources);
    free(c->suite_version);
    free(c->path);
    free(c);
}

/* "<display>: <path>: <what>" into err; returns -1. */
static int fail(char *err, size_t errlen, const char *display, const char *path,
                const char *what)
{
    kc_err_set(err, errlen, "%s: %s: %s", display, path, what);
    return -1;
}

static int check_keys(const cJSON *obj, const char *display, const char *path,
                      char *err, size_t errlen)
{
    static const char *const known[] = {"code", "http_status", "message",
                                        "documented", "source"};
    char p[KC_JSON_PATH_MAX];
    const cJSON *it = kc_json_unknown_member(obj, NULL, known,
                                             sizeof(known) / sizeof(known[0]));

    if (!it)
        return 0;
    kc_json_path_key(p, sizeof(p), path, it->string);
    return fail(err, errlen, display, p, "unknown key");
}

static int parse_messages(struct kc_catalog_entry *e, const cJSON *arr,
                          const char *display, const char *path, char *err,
                          size_t errlen)
{
    char p[KC_JSON_PATH_MAX];
    int n = cJSON_GetArraySize(arr);

    if (!cJSON_IsArray(arr) || n < 1)
        return fail(err, errlen, display, path,
                    "expected a non-empty array of strings");
    e->messages = calloc((size_t)n, sizeof(char *));
    if (!e->messages)
        return fail(err, errlen, display, path, "out of memory");
    for (int i = 0; i < n; i++) {
        const cJSON *m = cJSON_GetArrayItem(arr, i);
        kc_json_path_index(p, sizeof(p), path, (size_t)i);
        if (!cJSON_IsString(m) || !m->valuestring[0])
            return fail(err, errlen, display, p, "expected a non-empty string");
        e->messages[i] = strdup(m->valuestring);
        if (!e->messages[i])
            return fail(err, errlen, display, p, "out of memory");
        e->nmessages++;
    }
    return 0;
}

/* One of "documented": {"template", "scope", "source"}, all non-empty
 * strings; scope is "kms" or "gateway". */
static int parse_wording(struct kc_catalog_wording *w, const cJSON *obj,
                         const char *display, const char *path, char *err,
                         size_t errlen)
{
    static const char *const known[] = {"template", "scope", "source"};
    char p[KC_JSON_PATH_MAX];
    const char *v[3] = {NULL, NULL, NULL};
    const cJSON *it;

    if (!cJSON_IsObject(obj))
        return fail(err, errlen, display, path, "expected an object");
    it = kc_json_unknown_member(obj, NULL, known, 3);
    if (it) {
        kc_json_path_key(p, sizeof(p), path, it->string);
        return fail(err, errlen, display, p, "unknown key");
    }
    for (size_t i = 0; i < 3; i++) {
        kc_json_path_key(p, sizeof(p), path, known[i]);
        if (kc_json_string(obj, known[i], &v[i]) != KC_JSON_OK || !v[i][0])
            return fail(err, errlen, display, p, "expected a non-empty string");
    }
    kc_json_path_key(p, sizeof(p), path, "scope");
    if (strcmp(v[1], "kms") && strcmp(v[1], "gateway"))
        return fail(err, errlen, display, p, "expected \"kms\" or \"gateway\"");
    w->tmpl = strdup(v[0]);
    w->scope = strdup(v[1]);
    w->source = strdup(v[2]);
    if (!w->tmpl || !w->scope || !w->source)
        return fail(err, errlen, display, path, "out of memory");
    return 0;
}

/* The optional "documented" array of an entry. */
static int parse_documented(struct kc_catalog_entry *e, const cJSON *arr,
                            const char *display, const char *path, char *err,
                            size_t errlen)
{
    char p[KC_JSON_PATH_MAX];
    int n = cJSON_GetArraySize(arr);

    if (!arr)
        return 0;
    if (!cJSON_IsArray(arr) || n < 1)
        return fail(err, errlen, display, path,
                    "expected a non-empty array of wordings");
    e->documented = calloc((size_t)n, sizeof(*e->documented));
    if (!e->documented)
        return fail(err, errlen, display, path, "out of memory");
    for (int i = 0; i < n; i++) {
        kc_json_path_index(p, sizeof(p), path, (size_t)i);
        e->ndocumented++;
        if (parse_wording(&e->documented[i], cJSON_GetArrayItem(arr, i),
                          display, p, err, errlen) != 0)
            return -1;
    }
    return 0;
}

/* "source": required in an extra entry (where the code is documented), not
 * allowed in a common one (the seed is its source). */
static int parse_entry_source(struct kc_catalog_entry *e, const cJSON *obj,
                              const char *display, const char *path, char *err,
                              size_t errlen)
{
    char p[KC_JSON_PATH_MAX];
    const char *src = NULL;
    enum kc_json_status st = kc_json_string(obj, "source", &src);

    kc_json_path_key(p, sizeof(p), path, "source");
    if (!e->extra && st != KC_JSON_ABSENT)
        return fail(err, errlen, display, p,
                    "unknown key (a common error's source is the seed)");
    if (!e->extra)
        return 0;
    if (st != KC_JSON_OK || !src[0])
        return fail(err, errlen, display, p, "expected a non-empty string");
    e->source = strdup(src);
    return e->source ? 0 : fail(err, errlen, display, p, "out of memory");
}

static int parse_entry(struct kc_catalog_entry *e, const cJSON *obj,
                       const char *display, const char *path, char *err,
                       size_t errlen)
{
    char p[KC_JSON_PATH_MAX];
    const char *code = NULL;
    long status = 0;

    if (!cJSON_IsObject(obj))
        return fail(err, errlen, display, path, "expected an object");
    if (check_keys(obj, display, path, err, errlen) != 0 ||
        parse_entry_source(e, obj, display, path, err, errlen) != 0)
        return -1;
    kc_json_path_key(p, sizeof(p), path, "code");
    if (kc_json_string(obj, "code", &code) != KC_JSON_OK || !code[0])
        return fail(err, errlen, display, p, "expected a non-empty string");
    e->code = strdup(code);
    if (!e->code)
        return fail(err, errlen, display, p, "out of memory");
    kc_json_path_key(p, sizeof(p), path, "http_status");
    if (kc_json_long(obj, "http_status", HTTP_STATUS_MIN, HTTP_STATUS_MAX,
                     &status) != KC_JSON_OK)
        return fail(err, errlen, display, p,
                    "expected an HTTP status (100..599)");
    e->http_status = (int)status;
    kc_json_path_key(p, sizeof(p), path, "message");
    if (parse_messages(e, cJSON_GetObjectItemCaseSensitive(obj, "message"),
                       display, p, err, errlen) != 0)
        return -1;
    kc_json_path_key(p, sizeof(p), path, "documented");
    return parse_documented(e,
                            cJSON_GetObjectItemCaseSensitive(obj, "documented"),
                            display, p, err, errlen);
}

/* A table of entries: "$.errors" (required, non-empty) or "$.extra"
 * (optional, its entries flagged extra). Codes are unique across both. */
static int parse_table(struct kc_catalog *c, const cJSON *arr, bool extra,
                       const char *display, char *err, size_t errlen)
{
    const char *key = extra ? "$.extra" : "$.errors";
    struct kc_catalog_entry **list = extra ? &c->extras : &c->entries;
    size_t *count = extra ? &c->nextras : &c->nentries;
    char p[KC_JSON_PATH_MAX];
    int n = cJSON_GetArraySize(arr);

    if (extra && !arr)
        return 0;
    if (!cJSON_IsArray(arr) || n < 1)
        return fail(err, errlen, display, key, "expected a non-empty array");
    *list = calloc((size_t)n, sizeof(**list));
    if (!*list)
        return fail(err, errlen, display, key, "out of memory");
    for (int i = 0; i < n; i++) {
        struct kc_catalog_entry *e = &(*list)[i];
        kc_json_path_index(p, sizeof(p), key, (size_t)i);
        ++*count;
        e->extra = extra;
        if (parse_entry(e, cJSON_GetArrayItem(arr, i), display, p, err,
                        errlen) != 0)
            return -1;
        if (kc_catalog_find(c, e->code) != e) {
            char q[KC_JSON_PATH_MAX];
            kc_json_path_key(q, sizeof(q), p, "code");
            return fail(err, errlen, display, q, "duplicate code");
        }
    }
    return 0;
}

static bool source_name_valid(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++) {
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
            *s != '-')
            return false;
    }
    return true;
}

/* The optional "$.sources": {"name": "what it is", ...}, names [a-z0-9-]+;
 * case files cite them. */
static int parse_sources(struct kc_catalog *c, const cJSON *obj,
                         const char *display, char *err, size_t errlen)
{
    char p[KC_JSON_PATH_MAX];
    const cJSON *it;
    int n = cJSON_GetArraySize(obj);

    if (!obj)
        return 0;
    if (!cJSON_IsObject(obj) || n < 1)
        return fail(err, errlen, display, "$.sources",
                    "expected a non-empty object of documents");
    c->sources = calloc((size_t)n, sizeof(*c->sources));
    if (!c->sources)
        return fail(err, errlen, display, "$.sources", "out of memory");
    cJSON_ArrayForEach(it, obj)
    {
        struct kc_catalog_source *src = &c->sources[c->nsources];
        kc_json_path_key(p, sizeof(p), "$.sources", it->string);
        if (!source_name_valid(it->string))
            return fail(err, errlen, display, p,
                        "bad document name (expected [a-z0-9-]+)");
        if (!cJSON_IsString(it) || !it->valuestring[0] ||
            strpbrk(it->valuestring, "\r\n"))
            return fail(err, errlen, display, p, "expected one non-empty line");
        src->name = strdup(it->string);
        src->what = strdup(it->valuestring);
        c->nsources++;
        if (!src->name || !src->what)
            return fail(err, errlen, display, p, "out of memory");
    }
    return 0;
}

/* The optional "suite_version": [0-9A-Za-z.+-]{1,64}. */
static int parse_suite_version(struct kc_catalog *c, const cJSON *root,
                               const char *display, char *err, size_t errlen)
{
    const char *v = NULL;
    enum kc_json_status st = kc_json_string(root, "suite_version", &v);
    size_t n;

    if (st == KC_JSON_ABSENT)
        return 0;
    n = st == KC_JSON_OK ? strlen(v) : 0;
    if (!n || n > 64 ||
        strspn(v, "0123456789abcdefghijklmnopqrstuvwxyz"
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ.+-") != n)
        return fail(err, errlen, display, "$.suite_version",
                    "expected a version such as \"1.2.0\" ([0-9A-Za-z.+-], "
                    "at most 64)");
    c->suite_version = strdup(v);
    return c->suite_version
               ? 0
               : fail(err, errlen, display, "$.suite_version", "out of memory");
}

static int parse_root(struct kc_catalog *c, const cJSON *root,
                      const char *display, char *err, size_t errlen)
{
    static const char *const known[] = {
        "source", "api_version", "suite_version", "sources", "errors", "extra"};
    const cJSON *it = kc_json_unknown_member(root, NULL, known,
                                             sizeof(known) / sizeof(known[0]));
    char p[KC_JSON_PATH_MAX];

    if (it) {
        kc_json_path_key(p, sizeof(p), "$", it->string);
        return fail(err, errlen, display, p, "unknown key");
    }
    if (parse_suite_version(c, root, display, err, errlen) != 0 ||
        parse_sources(c, cJSON_GetObjectItemCaseSensitive(root, "sources"),
                      display, err, errlen) != 0 ||
        parse_table(c, cJSON_GetObjectItemCaseSensitive(root, "errors"), false,
                    display, err, errlen) != 0)
        return -1;
    return parse_table(c, cJSON_GetObjectItemCaseSensitive(root, "extra"), true,
                       display, err, errlen);
}

int kc_catalog_parse(struct kc_catalog **out, const char *json, size_t len,
                     const char *display, char *err, size_t errlen)
{
    int rc = -1;
    cJSON *root;
    struct kc_catalog *c = calloc(1, sizeof(*c));

    *out = NULL;
    root = kc_json_parse(json, len, display, err, errlen);
    if (!c || !root) {
        if (!c)
            fail(err, errlen, display, "$", "out of memory");
        goto out;
    }
    if (!cJSON_IsObject(root)) {
        fail(err, errlen, display, "$", "expected an object");
        goto out;
    }
    if (parse_root(c, root, display, err, errlen) != 0)
        goto out;
    c->path = strdup(display);
    if (!c->path) {
        fail(err, errlen, display, "$", "out of memory");
        goto out;
    }
    kc_sha256_hex(json, len, c->sha256);
    *out = c;
    c = NULL;
    rc = 0;
out:
    cJSON_Delete(root);
    kc_catalog_free(c);
    return rc;
}

int kc_catalog_load(struct kc_catalog **out, const char *path, char *err,
                    size_t errlen)
{
    size_t len;
    char *text = kc_file_read(path, KC_JSON_FILE_MAX, 0, &len, err, errlen);
    int rc;

    *out = NULL;
    if (!text)
        return -1;
    rc = kc_catalog_parse(out, text, len, path, err, errlen);
    free(text);
    return rc;
}

const struct kc_catalog_entry *kc_catalog_find(const struct kc_catalog *c,
                                               const char *code)
{
    if (!c || !code)
        return NULL;
    for (size_t i = 0; i < c->nentries; i++) {
        if (c->entries[i].code && !strcmp(c->entries[i].code, code))
            return &c->entries[i];
    }
    for (size_t i = 0; i < c->nextras; i++) {
        if (c->extras[i].code && !strcmp(c->extras[i].code, code))
            return &c->extras[i];
    }
    return NULL;
}

const struct kc_catalog_source *
kc_catalog_source_find(const struct kc_catalog *c, const char *name)
{
    for (size_t i = 0; c && name && i < c->nsources; i++) {
        if (!strcmp(c->sources[i].name, name))
            return &c->sources[i];
    }
    return NULL;
}

/* ---- matching ---- */

/* Length of the placeholder "<name>" at s, or 0 when s does not start one. */
static size_t placeholder_len(const char *s)
{
    size_t i = 1;

    if (s[0] != '<')
        return 0;
    while (s[i] && (isalnum((unsigned char)s[i]) || s[i] == ' ' ||
                    s[i] == '_' || s[i] == '-'))
        i++;
    return (s[i] == '>' && i > 1) ? i + 1 : 0;
}

static const char *bound_value(const char *name, size_t n,
                               const struct kc_arg *args, size_t nargs)
{
    for (size_t i = 0; i < nargs; i++) {
        if (args[i].name && strlen(args[i].name) == n &&
            !strncmp(args[i].name, name, n))
            return args[i].value ? args[i].value : "";
    }
    return NULL;
}

static bool is_token_char(char c)
{
    return c && c != '"' && !isspace((unsigned char)c);
}

struct span {
    const char *s;
    size_t n;
};

static bool match_at(struct span t, struct span m, const struct kc_arg *args,
                     size_t nargs, int depth);

static bool match_placeholder(struct span t, size_t plen, struct span m,
                              const struct kc_arg *args, size_t nargs,
                              int depth)
{
    const char *val = bound_value(t.s + 1, plen - 2, args, nargs);
    struct span rest_t = {t.s + plen, t.n - plen};

    if (val) {
        size_t vn = strlen(val);
        if (vn > m.n || strncmp(m.s, val, vn) != 0)
            return false;
        return match_at(rest_t, (struct span){m.s + vn, m.n - vn}, args, nargs,
                        depth + 1);
    }
    for (size_t k = 1; k <= m.n && is_token_char(m.s[k - 1]); k++) {
        if (match_at(rest_t, (struct span){m.s + k, m.n - k}, args, nargs,
                     depth + 1))
            return true;
    }
    return false;
}

static bool match_at(struct span t, struct span m, const struct kc_arg *args,
                     size_t nargs, int depth)
{
    if (depth > 32)
        return false;
    while (t.n > 0) {
        size_t plen = placeholder_len(t.s);
        if (plen > 0 && plen <= t.n)
            return match_placeholder(t, plen, m, args, nargs, depth);
        if (m.n == 0 || *t.s != *m.s)
            return false;
        t.s++;
        t.n--;
        m.s++;
        m.n--;
    }
    return m.n == 0;
}

static struct span trimmed(const char *s)
{
    struct span r = {s, strlen(s)};

    while (r.n > 0 && isspace((unsigned char)r.s[0])) {
        r.s++;
        r.n--;
    }
    while (r.n > 0 && isspace((unsigned char)r.s[r.n - 1]))
        r.n--;
    return r;
}

bool kc_catalog_match_template(const char *tmpl, const char *message,
                               const struct kc_arg *args, size_t nargs)
{
    if (!tmpl || !message)
        return false;
    return match_at(trimmed(tmpl), trimmed(message), args, nargs, 0);
}

void kc_catalog_set_seed_only(struct kc_catalog *c, bool on)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nentries; i++)
        c->entries[i].seed_only = on;
    for (size_t i = 0; i < c->nextras; i++)
        c->extras[i].seed_only = on;
}

int kc_catalog_match_scoped(const struct kc_catalog_entry *e,
                            const char *message, const struct kc_arg *args,
                            size_t nargs, bool gateway)
{
    if (!e)
        return -1;
    for (size_t i = 0; i < e->nmessages; i++) {
        if (kc_catalog_match_template(e->messages[i], message, args, nargs))
            return (int)i;
    }
    for (size_t i = 0; !e->seed_only && i < e->ndocumented; i++) {
        const struct kc_catalog_wording *w = &e->documented[i];
        if ((gateway || strcmp(w->scope, "gateway")) &&
            kc_catalog_match_template(w->tmpl, message, args, nargs))
            return (int)(e->nmessages + i);
    }
    return -1;
}

int kc_catalog_match_which(const struct kc_catalog_entry *e,
                           const char *message, const struct kc_arg *args,
                           size_t nargs)
{
    return kc_catalog_match_scoped(e, message, args, nargs, true);
}

const char *kc_catalog_template_source(const struct kc_catalog_entry *e,
                                       int which)
{
    if (!e || which < 0)
        return NULL;
    if ((size_t)which < e->nmessages)
        return "seed";
    if ((size_t)which - e->nmessages < e->ndocumented)
        return e->documented[(size_t)which - e->nmessages].source;
    return NULL;
}

bool kc_catalog_match(const struct kc_catalog_entry *e, const char *message,
                      const struct kc_arg *args, size_t nargs)
{
    return kc_catalog_match_which(e, message, args, nargs) >= 0;
}

static bool template_has(const char *t, const char *name)
{
    size_t n = strlen(name);

    for (; *t; t++) {
        size_t plen = placeholder_len(t);
        if (plen == n + 2 && !strncmp(t + 1, name, n))
            return true;
    }
    return false;
}

bool kc_catalog_has_placeholder(const struct kc_catalog_entry *e,
                                const char *name)
{
    if (!e || !name)
        return false;
    for (size_t i = 0; i < e->nmessages; i++) {
        if (template_has(e->messages[i], name))
            return true;
    }
    return false;
}
