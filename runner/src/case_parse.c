/* kc_case_parse: one case file into the model, with every lint message. */
#include "kc/case_parse.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/codec.h"
#include "kc/err.h"
#include "kc/json.h"
#include "kc/vars.h"

#define MAX_SAVES     64
#define SAVE_NAME_MAX 64  /* a saved variable's name, NUL included */
#define WHAT_MAX      768 /* the <what> part of one problem */
#define NKEYS(a)      (sizeof(a) / sizeof((a)[0]))

enum step_kind { STEP_SETUP, STEP_PROBE, STEP_TEARDOWN };

struct saved {
    char name[SAVE_NAME_MAX];
    char path[KC_JSON_PATH_MAX];
    bool used;
};

/* The state of one parse: where problems go and what was saved so far. */
struct parser {
    const char *file;
    const struct kc_catalog *cat;
    struct kc_issues *is;
    struct kc_case *c;
    int nproblems;
    bool oom;
    struct saved saved[MAX_SAVES];
    size_t nsaved;
    const char *cur_path; /* of the value being scanned for variables */
};

static void problem(struct parser *L, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(struct parser *L, const char *path, const char *fmt, ...)
{
    char what[WHAT_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    L->nproblems++;
    if (kc_issues_add(L->is, "%s: %s: %s", L->file, path, what) != 0)
        L->oom = true;
}

/* Reports a problem at base.key. */
static void key_problem(struct parser *L, const char *base, const char *key,
                        const char *what)
{
    char p[KC_JSON_PATH_MAX];

    kc_json_path_key(p, sizeof(p), base, key);
    problem(L, p, "%s", what);
}

static char *dup(struct parser *L, const char *s)
{
    char *r = strdup(s);
    if (!r)
        L->oom = true;
    return r;
}

/* ---- keys ---- */

/* Reports every member of obj whose key an earlier member has. */
static void check_dups(struct parser *L, const cJSON *obj, const char *base)
{
    size_t n;
    const cJSON **reps = kc_json_repeated_members(obj, &n);

    if (n == SIZE_MAX) {
        L->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        key_problem(L, base, reps[i]->string, "duplicate key");
    free(reps);
}

/* Reports keys of obj that are not in known, then repeated keys. */
static void check_keys(struct parser *L, const cJSON *obj, const char *base,
                       const char *const *known, size_t nknown)
{
    const cJSON *it = NULL;

    while ((it = kc_json_unknown_member(obj, it, known, nknown)) != NULL)
        key_problem(L, base, it->string, "unknown key");
    check_dups(L, obj, base);
}

/* ---- members ---- */

/* The member key of obj when it is an object (or array for is_array), or
 * NULL: absent (reported when required) or mistyped (reported as
 * mistyped). */
static const cJSON *typed_member(struct parser *L, const cJSON *obj,
                                 const char *key, const char *base,
                                 bool required, bool is_array,
                                 const char *mistyped)
{
    const cJSON *it;
    enum kc_json_status st =
        is_array ? kc_json_array(obj, key, &it) : kc_json_object(obj, key, &it);

    if (st == KC_JSON_ABSENT && required)
        key_problem(L, base, key, "missing required key");
    else if (st != KC_JSON_OK && st != KC_JSON_ABSENT)
        key_problem(L, base, key, mistyped);
    return st == KC_JSON_OK ? it : NULL;
}

/* A string member: 0 (copied into *out, NULL when absent) or -1. */
static int get_str(struct parser *L, const cJSON *obj, const char *key,
                   const char *base, bool required, char **out)
{
    const char *v;
    enum kc_json_status st = kc_json_string(obj, key, &v);

    *out = NULL;
    if (st == KC_JSON_ABSENT) {
        if (required)
            key_problem(L, base, key, "missing required key");
        return required ? -1 : 0;
    }
    if (st != KC_JSON_OK) {
        key_problem(L, base, key, "expected a string");
        return -1;
    }
    *out = dup(L, v);
    return *out ? 0 : -1;
}

/* ---- variables ---- */

static bool requires_cap(const struct kc_case *c, const char *name)
{
    for (size_t i = 0; i < c->nreq_capabilities; i++) {
        if (!strcmp(c->req_capabilities[i], name))
            return true;
    }
    return false;
}

static void on_var(void *ctx, const char *name)
{
    struct parser *L = ctx;

    if (!strncmp(name, "cap.", 4) && name[4]) {
        if (!requires_cap(L->c, name + 4))
            problem(L, L->cur_path,
                    "${%s} needs \"%s\" in requires.capabilities", name,
                    name + 4);
        return;
    }
    if (kc_vars_is_builtin(name))
        return;
    for (size_t i = L->nsaved; i-- > 0;) {
        if (!strcmp(L->saved[i].name, name)) {
            L->saved[i].used = true;
            return;
        }
    }
    problem(L, L->cur_path,
            "undefined variable ${%s} (neither built in nor saved by an "
            "earlier step)",
            name);
}

static void check_vars(struct parser *L, const char *value, const char *path)
{
    char err[KC_ERR_MAX];

    L->cur_path = path;
    if (kc_vars_scan(value, on_var, L, err, sizeof(err)) != 0)
        problem(L, path, "%s", err);
}

/* ---- arrays and maps of strings ---- */

typedef bool (*name_check)(struct parser *L, const char *value,
                           const char *path);

static int get_str_array(struct parser *L, const cJSON *obj, const char *key,
                         const char *base, name_check check, char ***out,
                         size_t *nout)
{
    char p[KC_JSON_PATH_MAX], q[KC_JSON_PATH_MAX];
    const cJSON *arr = typed_member(L, obj, key, base, false, true,
                                    "expected an array of strings");
    const cJSON *it;
    size_t i = 0;

    if (!arr)
        return cJSON_GetObjectItemCaseSensitive(obj, key) ? -1 : 0;
    kc_json_path_key(p, sizeof(p), base, key);
    *out = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(char *));
    if (!*out) {
        L->oom = true;
        return -1;
    }
    for (it = arr->child; it; it = it->next, i++) {
        kc_json_path_index(q, sizeof(q), p, i);
        if (!cJSON_IsString(it)) {
            problem(L, q, "expected a string");
            continue;
        }
        if (check && !check(L, it->valuestring, q))
            continue;
        (*out)[*nout] = dup(L, it->valuestring);
        if ((*out)[*nout])
            (*nout)++;
    }
    return 0;
}

/* An object of strings, each value scanned for variables when vars. */
static int get_str_map(struct parser *L, const cJSON *obj, const char *key,
                       const char *base, bool vars, struct kc_kv **out,
                       size_t *nout)
{
    char p[KC_JSON_PATH_MAX], q[KC_JSON_PATH_MAX];
    const cJSON *map = typed_member(L, obj, key, base, false, false,
                                    "expected an object of strings");
    const cJSON *it;

    if (!map)
        return cJSON_GetObjectItemCaseSensitive(obj, key) ? -1 : 0;
    kc_json_path_key(p, sizeof(p), base, key);
    check_dups(L, map, p);
    *out = calloc((size_t)cJSON_GetArraySize(map) + 1, sizeof(**out));
    if (!*out) {
        L->oom = true;
        return -1;
    }
    cJSON_ArrayForEach(it, map)
    {
        kc_json_path_key(q, sizeof(q), p, it->string);
        if (!cJSON_IsString(it)) {
            problem(L, q, "expected a string");
            continue;
        }
        if (vars)
            check_vars(L, it->valuestring, q);
        (*out)[*nout].name = dup(L, it->string);
        (*out)[*nout].value = dup(L, it->valuestring);
        (*nout)++;
    }
    return 0;
}

/* ---- names ---- */

static bool check_cred_name(struct parser *L, const char *v, const char *path)
{
    if (kc_case_name_valid(v))
        return true;
    problem(L, path,
            "bad credential name \"%s\" (expected [a-z0-9][a-z0-9._-]*)", v);
    return false;
}

static bool check_cap_name(struct parser *L, const char *v, const char *path)
{
    if (kc_case_name_valid(v))
        return true;
    problem(L, path,
            "bad capability name \"%s\" (expected [a-z0-9][a-z0-9._-]*)", v);
    return false;
}

static bool check_tag(struct parser *L, const char *v, const char *path)
{
    if (kc_case_name_valid(v))
        return true;
    problem(L, path, "bad tag \"%s\" (expected [a-z0-9][a-z0-9._-]*)", v);
    return false;
}

static bool check_omit(struct parser *L, const char *v, const char *path)
{
    if (kc_common_from_name(v))
        return true;
    problem(L, path,
            "unknown common parameter \"%s\" (expected Timestamp, "
            "SignatureNonce, Version, Action, AccessKeyId, Signature, "
            "SignatureMethod, SignatureVersion or Format)",
            v);
    return false;
}

static bool word_chars(const char *s, bool upper_only)
{
    if (!*s)
        return false;
    for (; *s; s++) {
        if (upper_only ? !isupper((unsigned char)*s)
                       : !isalnum((unsigned char)*s))
            return false;
    }
    return true;
}

/* ---- one step ---- */

static void step_action(struct parser *L, const cJSON *o, const char *base,
                        struct kc_step *s)
{
    char p[KC_JSON_PATH_MAX];

    kc_json_path_key(p, sizeof(p), base, "action");
    if (get_str(L, o, "action", base, false, &s->action) == 0 && s->action &&
        !word_chars(s->action, false))
        problem(L, p, "bad action \"%s\" (expected letters and digits)",
                s->action);
    kc_json_path_key(p, sizeof(p), base, "method");
    if (get_str(L, o, "method", base, false, &s->method) == 0 && s->method &&
        !word_chars(s->method, true))
        problem(L, p, "bad HTTP method \"%s\" (expected upper-case letters)",
                s->method);
}

/* A string member that may hold variables; 0 or -1 as get_str. */
static void get_vars_str(struct parser *L, const cJSON *o, const char *key,
                         const char *base, char **out)
{
    char p[KC_JSON_PATH_MAX];

    kc_json_path_key(p, sizeof(p), base, key);
    if (get_str(L, o, key, base, false, out) == 0 && *out)
        check_vars(L, *out, p);
}

static void step_identity(struct parser *L, const cJSON *o, const char *base,
                          struct kc_step *s)
{
    char p[KC_JSON_PATH_MAX];

    kc_json_path_key(p, sizeof(p), base, "credential");
    if (get_str(L, o, "credential", base, false, &s->credential) == 0 &&
        s->credential)
        check_cred_name(L, s->credential, p);
    if (!s->credential && !L->oom)
        s->credential = dup(L, "default");
    get_vars_str(L, o, "access_key_id", base, &s->access_key_id);
    get_vars_str(L, o, "raw_query", base, &s->raw_query);
}

static void step_signature(struct parser *L, const cJSON *o, const char *base,
                           struct kc_step *s)
{
    char *v = NULL;

    if (get_str(L, o, "signature", base, false, &v) != 0 || !v)
        return;
    if (!strcmp(v, "valid"))
        s->signature = KC_SIG_VALID;
    else if (!strcmp(v, "corrupt"))
        s->signature = KC_SIG_CORRUPT;
    else if (!strcmp(v, "absent"))
        s->signature = KC_SIG_ABSENT;
    else
        key_problem(L, base, "signature",
                    "expected \"valid\", \"corrupt\" or \"absent\"");
    free(v);
}

static void step_common(struct parser *L, const cJSON *o, const char *base,
                        struct kc_step *s)
{
    char p[KC_JSON_PATH_MAX], q[KC_JSON_PATH_MAX];
    char **names = NULL;
    size_t n = 0;

    get_str_array(L, o, "omit", base, check_omit, &names, &n);
    for (size_t i = 0; i < n; i++) {
        s->omit |= kc_common_from_name(names[i]);
        free(names[i]);
    }
    free(names);
    get_str_map(L, o, "override", base, true, &s->overrides, &s->noverrides);
    kc_json_path_key(p, sizeof(p), base, "override");
    for (size_t i = 0; i < s->noverrides; i++) {
        unsigned f = kc_common_from_name(s->overrides[i].name);
        kc_json_path_key(q, sizeof(q), p, s->overrides[i].name);
        if (!f)
            check_omit(L, s->overrides[i].name, q);
        else if (s->omit & f)
            problem(L, q, "both omitted and overridden");
    }
}

static void step_wait(struct parser *L, const cJSON *o, const char *base,
                      struct kc_step *s, bool kind_is_probe)
{
    char p[KC_JSON_PATH_MAX];
    long v = 0;
    enum kc_json_status st =
        kc_json_long(o, "wait_ms", 0, KC_CASE_WAIT_MAX_MS, &v);

    get_vars_str(L, o, "wait_until", base, &s->wait_until);
    if (s->wait_until && kind_is_probe)
        key_problem(L, base, "wait_until", "not allowed in the probe");
    if (st == KC_JSON_ABSENT)
        return;
    if (st != KC_JSON_OK) {
        kc_json_path_key(p, sizeof(p), base, "wait_ms");
        problem(L, p, "expected an integer 0..%d", KC_CASE_WAIT_MAX_MS);
        return;
    }
    s->wait_ms = v;
}

/* expect.args names must be placeholders of the case's error. */
static void expect_placeholders(struct parser *L, const char *base,
                                const struct kc_step *s)
{
    char q[KC_JSON_PATH_MAX], r[KC_JSON_PATH_MAX];
    const struct kc_catalog_entry *e = kc_catalog_find(L->cat, L->c->error);

    kc_json_path_key(q, sizeof(q), base, "args");
    for (size_t i = 0; e && i < s->nexpect_args; i++) {
        if (kc_catalog_has_placeholder(e, s->expect_args[i].name))
            continue;
        kc_json_path_key(r, sizeof(r), q, s->expect_args[i].name);
        problem(L, r, "no placeholder <%s> in the messages of %s",
                s->expect_args[i].name, e->code);
    }
}

static void step_expect(struct parser *L, const cJSON *o, const char *base,
                        struct kc_step *s)
{
    static const char *const known[] = {"error", "args"};
    char p[KC_JSON_PATH_MAX], q[KC_JSON_PATH_MAX];
    const cJSON *x =
        typed_member(L, o, "expect", base, false, false, "expected an object");

    if (!x && cJSON_GetObjectItemCaseSensitive(o, "expect"))
        return;
    kc_json_path_key(p, sizeof(p), base, "expect");
    if (x) {
        check_keys(L, x, p, known, NKEYS(known));
        get_str(L, x, "error", p, true, &s->expect_error);
        get_str_map(L, x, "args", p, true, &s->expect_args, &s->nexpect_args);
    }
    kc_json_path_key(q, sizeof(q), p, "error");
    if (s->expect_error && L->c->error &&
        strcmp(s->expect_error, L->c->error) != 0)
        problem(L, q, "\"%s\" differs from the case's error \"%s\"",
                s->expect_error, L->c->error);
    if (!s->expect_error && !x && L->c->error)
        s->expect_error = dup(L, L->c->error);
    expect_placeholders(L, p, s);
}

static bool save_name_ok(const char *name)
{
    if (!*name || strlen(name) >= SAVE_NAME_MAX)
        return false;
    for (const char *p = name; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
            return false;
    }
    return true;
}

/* Registers one saved variable; false when there is no room. */
static bool save_one(struct parser *L, const struct kc_kv *sv, const char *q)
{
    if (!save_name_ok(sv->name)) {
        problem(L, q, "bad variable name (expected [A-Za-z0-9_-]+)");
        return true;
    }
    if (!kc_vars_path_valid(sv->value))
        problem(L, q, "bad path \"%s\" (expected Dotted.Names.0.Like.This)",
                sv->value);
    if (L->nsaved == MAX_SAVES) {
        problem(L, q, "more than %d saved variables", MAX_SAVES);
        return false;
    }
    snprintf(L->saved[L->nsaved].name, sizeof(L->saved[0].name), "%s",
             sv->name);
    snprintf(L->saved[L->nsaved].path, sizeof(L->saved[0].path), "%s", q);
    L->saved[L->nsaved].used = false;
    L->nsaved++;
    return true;
}

/* Registers the step's saves (after its own values were checked). */
static void step_saves(struct parser *L, const char *base, struct kc_step *s,
                       enum step_kind kind)
{
    char p[KC_JSON_PATH_MAX], q[KC_JSON_PATH_MAX];

    kc_json_path_key(p, sizeof(p), base, "save");
    if (s->nsaves && kind == STEP_PROBE)
        problem(L, p, "the probe answers an error: it cannot save values");
    for (size_t i = 0; i < s->nsaves && kind != STEP_PROBE; i++) {
        kc_json_path_key(q, sizeof(q), p, s->saves[i].name);
        if (!save_one(L, &s->saves[i], q))
            return;
    }
}

/* raw_query sends the text as is: the request-shaping keys make no sense. */
static void step_conflicts(struct parser *L, const cJSON *o, const char *base,
                           const struct kc_step *s)
{
    static const char *const excluded[] = {"params", "omit", "override",
                                           "signature", "access_key_id"};

    if (!s->raw_query)
        return;
    for (size_t i = 0; i < NKEYS(excluded); i++) {
        if (cJSON_GetObjectItemCaseSensitive(o, excluded[i]))
            key_problem(L, base, excluded[i],
                        "not allowed with raw_query (sent exactly as "
                        "written)");
    }
}

static void step_needs_action(struct parser *L, const cJSON *o,
                              const char *base, const struct kc_step *s,
                              enum step_kind kind)
{
    bool wait_only = cJSON_GetArraySize(o) == 1 &&
                     (cJSON_GetObjectItemCaseSensitive(o, "wait_ms") ||
                      cJSON_GetObjectItemCaseSensitive(o, "wait_until"));

    if (s->action || s->raw_query || !cJSON_IsObject(o))
        return;
    if (kind != STEP_PROBE && wait_only)
        return;
    if (cJSON_GetObjectItemCaseSensitive(o, "action"))
        return; /* present but malformed: reported already */
    key_problem(L, base, "action",
                "missing required key (only a step holding just wait_ms "
                "or wait_until may leave it out)");
}

static void parse_step(struct parser *L, const cJSON *o, const char *base,
                       enum step_kind kind, struct kc_step *s)
{
    static const char *const known[] = {
        "action",     "params",   "credential", "access_key_id", "method",
        "omit",       "override", "signature",  "raw_query",     "wait_ms",
        "wait_until", "save",     "expect"};

    if (!cJSON_IsObject(o)) {
        problem(L, base, "expected an object (a step)");
        return;
    }
    check_keys(L, o, base, known, NKEYS(known));
    step_action(L, o, base, s);
    get_str_map(L, o, "params", base, true, &s->params, &s->nparams);
    step_identity(L, o, base, s);
    step_signature(L, o, base, s);
    step_common(L, o, base, s);
    step_wait(L, o, base, s, kind == STEP_PROBE);
    step_conflicts(L, o, base, s);
    step_needs_action(L, o, base, s, kind);
    if (kind == STEP_PROBE)
        step_expect(L, o, base, s);
    else if (cJSON_GetObjectItemCaseSensitive(o, "expect"))
        key_problem(L, base, "expect", "only the probe has expect");
    get_str_map(L, o, "save", base, false, &s->saves, &s->nsaves);
    step_saves(L, base, s, kind);
}

static void parse_steps(struct parser *L, const cJSON *root, const char *key,
                        enum step_kind kind, struct kc_step **out, size_t *nout)
{
    char p[KC_JSON_PATH_MAX], q[KC_JSON_PATH_MAX];
    const cJSON *arr = typed_member(L, root, key, "$", false, true,
                                    "expected an array of steps");
    const cJSON *it;
    size_t i = 0;

    if (!arr)
        return;
    kc_json_path_key(p, sizeof(p), "$", key);
    *out = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(**out));
    if (!*out) {
        L->oom = true;
        return;
    }
    for (it = arr->child; it; it = it->next, i++) {
        kc_json_path_index(q, sizeof(q), p, i);
        parse_step(L, it, q, kind, &(*out)[i]);
        *nout = i + 1;
    }
}

/* ---- the case ---- */

static void parse_head(struct parser *L, const cJSON *root)
{
    struct kc_case *c = L->c;

    if (get_str(L, root, "id", "$", true, &c->id) == 0 &&
        !kc_case_id_valid(c->id))
        problem(L, "$.id", "bad id \"%s\" (expected [a-z0-9./_-]+)", c->id);
    if (get_str(L, root, "error", "$", true, &c->error) == 0 &&
        !kc_catalog_find(L->cat, c->error))
        problem(L, "$.error", "unknown error code \"%s\" (not in the catalog)",
                c->error);
    if (get_str(L, root, "summary", "$", true, &c->summary) == 0 &&
        (!c->summary[0] || strpbrk(c->summary, "\r\n")))
        problem(L, "$.summary", "expected one non-empty line");
    get_str_array(L, root, "tags", "$", check_tag, &c->tags, &c->ntags);
}

/* One of "sources": {"ref": a catalog document, "at": where in it}. */
static void parse_source(struct parser *L, const cJSON *o, const char *base,
                         struct kc_case_source *out)
{
    static const char *const known[] = {"ref", "at"};

    if (!cJSON_IsObject(o)) {
        problem(L, base, "expected an object {\"ref\", \"at\"}");
        return;
    }
    check_keys(L, o, base, known, NKEYS(known));
    if (get_str(L, o, "ref", base, true, &out->ref) == 0 &&
        !kc_catalog_source_find(L->cat, out->ref))
        key_problem(L, base, "ref",
                    "unknown document (not in the catalog's \"sources\")");
    if (get_str(L, o, "at", base, true, &out->at) == 0 &&
        (!out->at[0] || strpbrk(out->at, "\r\n")))
        key_problem(L, base, "at", "expected one non-empty line");
}

static void parse_sources(struct parser *L, const cJSON *root)
{
    struct kc_case *c = L->c;
    const cJSON *arr = typed_member(L, root, "sources", "$", false, true,
                                    "expected an array of sources");
    char p[KC_JSON_PATH_MAX];
    int n = cJSON_GetArraySize(arr);

    if (!arr && cJSON_HasObjectItem(root, "sources"))
        return; /* mistyped, reported */
    if (!arr || n < 1) {
        if (c->level != KC_LEVEL_EXTENSION)
            problem(L, "$.sources",
                    "a case outside level \"extension\" names the documents "
                    "that say its request gets its error");
        return;
    }
    if (c->level == KC_LEVEL_EXTENSION)
        problem(L, "$.sources",
                "a case at level \"extension\" has no source (say why in "
                "\"extension\")");
    c->sources = calloc((size_t)n, sizeof(*c->sources));
    if (!c->sources) {
        L->oom = true;
        return;
    }
    for (int i = 0; i < n; i++) {
        kc_json_path_index(p, sizeof(p), "$.sources", (size_t)i);
        parse_source(L, cJSON_GetArrayItem(arr, i), p, &c->sources[i]);
        c->nsources = (size_t)i + 1;
    }
}

/* "level", then "extension" (exactly at level extension: why no source
 * documents the expectation). */
static void parse_level(struct parser *L, const cJSON *root)
{
    struct kc_case *c = L->c;
    char *name = NULL;
    bool has_ext = cJSON_HasObjectItem(root, "extension");

    if (get_str(L, root, "level", "$", true, &name) != 0)
        return;
    if (kc_level_parse(name, &c->level) != 0) {
        problem(L, "$.level",
                "unknown level \"%s\" (core, key-lifecycle, aliases, "
                "import, account, faults, extension)",
                name);
        free(name);
        return;
    }
    free(name);
    if (c->level == KC_LEVEL_EXTENSION) {
        if (get_str(L, root, "extension", "$", true, &c->extension) == 0 &&
            (!c->extension[0] || strpbrk(c->extension, "\r\n")))
            problem(L, "$.extension", "expected one non-empty line");
    } else if (has_ext) {
        problem(L, "$.extension",
                "only a case at level \"extension\" says why it has no "
                "source");
    }
    parse_sources(L, root);
}

static void parse_requires(struct parser *L, const cJSON *root)
{
    static const char *const known[] = {"credentials", "capabilities"};
    struct kc_case *c = L->c;
    const cJSON *r = typed_member(L, root, "requires", "$", false, false,
                                  "expected an object");

    if (!r)
        return;
    check_keys(L, r, "$.requires", known, NKEYS(known));
    get_str_array(L, r, "credentials", "$.requires", check_cred_name,
                  &c->req_credentials, &c->nreq_credentials);
    get_str_array(L, r, "capabilities", "$.requires", check_cap_name,
                  &c->req_capabilities, &c->nreq_capabilities);
}

static void report_unused(struct parser *L)
{
    for (size_t i = 0; i < L->nsaved; i++) {
        if (!L->saved[i].used)
            problem(L, L->saved[i].path,
                    "saved variable \"%s\" is never used by a later step",
                    L->saved[i].name);
    }
}

static void parse_root(struct parser *L, const cJSON *root)
{
    static const char *const known[] = {
        "id",   "error",    "summary", "level", "sources", "extension",
        "tags", "requires", "setup",   "probe", "teardown"};
    struct kc_case *c = L->c;
    const cJSON *probe = cJSON_GetObjectItemCaseSensitive(root, "probe");

    if (!cJSON_IsObject(root)) {
        problem(L, "$", "expected an object (one case per file)");
        return;
    }
    check_keys(L, root, "$", known, NKEYS(known));
    parse_head(L, root);
    parse_level(L, root);
    parse_requires(L, root);
    parse_steps(L, root, "setup", STEP_SETUP, &c->setup, &c->nsetup);
    if (probe)
        parse_step(L, probe, "$.probe", STEP_PROBE, &c->probe);
    else
        problem(L, "$.probe", "missing required key");
    parse_steps(L, root, "teardown", STEP_TEARDOWN, &c->teardown,
                &c->nteardown);
    report_unused(L);
}

/* Validates root and fills c (partly, on problems). 0 valid, 1 problems,
 * -1 out of memory. */
static int parse_tree(struct kc_case *c, const cJSON *root, const char *display,
                      const struct kc_catalog *cat, struct kc_issues *issues)
{
    struct parser *L = calloc(1, sizeof(*L));
    int rc;

    if (!L)
        return -1;
    L->file = display;
    L->cat = cat;
    L->is = issues;
    L->c = c;
    parse_root(L, root);
    rc = L->oom ? -1 : (L->nproblems ? 1 : 0);
    free(L);
    return rc;
}

int kc_case_parse(struct kc_caseset *set, const char *json, size_t len,
                  const char *display, const struct kc_catalog *cat,
                  struct kc_issues *issues)
{
    struct kc_case c;
    char err[KC_ERR_MAX];
    int rc;
    cJSON *root = kc_json_parse(json, len, display, err, sizeof(err));

    if (!root)
        return kc_issues_add(issues, "%s", err) ? -1 : 1;
    memset(&c, 0, sizeof(c));
    rc = parse_tree(&c, root, display, cat, issues);
    cJSON_Delete(root);
    if (rc == 0) {
        kc_sha256_hex(json, len, c.sha256);
        c.file = strdup(display);
        if (!c.file || kc_caseset_add(set, &c) != 0)
            rc = -1;
    }
    kc_case_dispose(&c);
    return rc;
}
