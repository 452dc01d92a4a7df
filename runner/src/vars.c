#include "kc/vars.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kc/codec.h"

#define NAME_MAX_LEN 128
#define EXPAND_MAX   (1024u * 1024u)

void kc_vars_init(struct kc_vars *v, const struct kc_vars *parent)
{
    memset(v, 0, sizeof(*v));
    v->parent = parent;
}

void kc_vars_dispose(struct kc_vars *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->vars[i].name);
        free(v->vars[i].value);
    }
    free(v->vars);
    memset(v, 0, sizeof(*v));
}

static struct kc_kv *find_local(const struct kc_vars *v, const char *name)
{
    for (size_t i = 0; i < v->n; i++) {
        if (!strcmp(v->vars[i].name, name))
            return &v->vars[i];
    }
    return NULL;
}

int kc_vars_set(struct kc_vars *v, const char *name, const char *value)
{
    struct kc_kv *kv = find_local(v, name);
    char *val = strdup(value);

    if (!val)
        return -1;
    if (kv) {
        free(kv->value);
        kv->value = val;
        return 0;
    }
    if (v->n == v->cap) {
        size_t ncap = v->cap ? v->cap * 2 : 8;
        struct kc_kv *nv = realloc(v->vars, ncap * sizeof(*nv));
        if (!nv)
            goto fail;
        v->vars = nv;
        v->cap = ncap;
    }
    v->vars[v->n].name = strdup(name);
    if (!v->vars[v->n].name)
        goto fail;
    v->vars[v->n].value = val;
    v->n++;
    return 0;
fail:
    free(val);
    return -1;
}

const char *kc_vars_get(const struct kc_vars *v, const char *name)
{
    for (; v; v = v->parent) {
        const struct kc_kv *kv = find_local(v, name);
        if (kv)
            return kv->value;
    }
    return NULL;
}

int kc_vars_set_run(struct kc_vars *v, const char *run_id)
{
    char label[32];

    snprintf(label, sizeof(label), "kmsconf-%.8s", run_id);
    if (kc_vars_set(v, "run.id", run_id) != 0)
        return -1;
    return kc_vars_set(v, "run.label", label);
}

int kc_vars_set_target(struct kc_vars *v, const struct kc_target *t)
{
    char name[NAME_MAX_LEN];

    if (kc_vars_set(v, "target.region", t->region) != 0)
        return -1;
    for (size_t i = 0; i < t->ncaps; i++) {
        snprintf(name, sizeof(name), "cap.%s", t->caps[i].name);
        if (kc_vars_set(v, name, t->caps[i].value) != 0)
            return -1;
    }
    return 0;
}

bool kc_vars_is_builtin(const char *name)
{
    static const char *const fixed[] = {"run.id", "run.label", "uuid",
                                        "case.id", "target.region"};

    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        if (!strcmp(name, fixed[i]))
            return true;
    }
    return !strncmp(name, "cap.", 4) && name[4] != '\0';
}

static bool name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-';
}

/*
 * At s (just after "${"): reads the name up to '}'. Returns the length of
 * the name (without the brace), or -1 with err on bad syntax.
 */
static long read_name(const char *s, char *name, char *err, size_t errlen)
{
    size_t i = 0;

    while (s[i] && s[i] != '}') {
        if (!name_char(s[i]) || i + 1 >= NAME_MAX_LEN) {
            if (err && errlen)
                snprintf(err, errlen, "bad variable name in \"${%.*s\"",
                         (int)(i + 1 < 40 ? i + 1 : 40), s);
            return -1;
        }
        name[i] = s[i];
        i++;
    }
    if (!s[i] || i == 0) {
        if (err && errlen)
            snprintf(err, errlen, "%s", i ? "unterminated ${" : "empty ${}");
        return -1;
    }
    name[i] = '\0';
    return (long)i;
}

int kc_vars_scan(const char *s, void (*fn)(void *ctx, const char *name),
                 void *ctx, char *err, size_t errlen)
{
    char name[NAME_MAX_LEN];

    while (*s) {
        long n;
        if (s[0] == '$' && s[1] == '$' && s[2] == '{') {
            s += 3;
            continue;
        }
        if (s[0] != '$' || s[1] != '{') {
            s++;
            continue;
        }
        n = read_name(s + 2, name, err, errlen);
        if (n < 0)
            return -1;
        if (fn)
            fn(ctx, name);
        s += 2 + (size_t)n + 1;
    }
    return 0;
}

static int expand_one(const struct kc_vars *v, const char *name,
                      struct kc_buf *out, char *err, size_t errlen)
{
    char uuid[37];
    const char *val;

    if (!strcmp(name, "uuid")) {
        kc_uuid4(uuid);
        val = uuid;
    } else {
        val = kc_vars_get(v, name);
    }
    if (!val) {
        if (err && errlen)
            snprintf(err, errlen, "undefined variable ${%s}", name);
        return -1;
    }
    if (kc_buf_puts(out, val) != 0) {
        if (err && errlen)
            snprintf(err, errlen, "expanded value too long");
        return -1;
    }
    return 0;
}

static int expand_into(const struct kc_vars *v, const char *s,
                       struct kc_buf *out, char *err, size_t errlen)
{
    char name[NAME_MAX_LEN];

    while (*s) {
        long n;
        if (s[0] == '$' && s[1] == '$' && s[2] == '{') {
            if (kc_buf_puts(out, "${") != 0)
                goto toolong;
            s += 3;
            continue;
        }
        if (s[0] != '$' || s[1] != '{') {
            if (kc_buf_putc(out, *s++) != 0)
                goto toolong;
            continue;
        }
        n = read_name(s + 2, name, err, errlen);
        if (n < 0 || expand_one(v, name, out, err, errlen) != 0)
            return -1;
        s += 2 + (size_t)n + 1;
    }
    return 0;
toolong:
    if (err && errlen)
        snprintf(err, errlen, "expanded value too long");
    return -1;
}

int kc_vars_expand(const struct kc_vars *v, const char *in, char **out,
                   char *err, size_t errlen)
{
    struct kc_buf b;
    int rc = -1;

    *out = NULL;
    kc_buf_init(&b, EXPAND_MAX);
    if (expand_into(v, in, &b, err, errlen) != 0)
        goto out;
    *out = b.len ? kc_buf_detach(&b) : strdup("");
    if (!*out) {
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        goto out;
    }
    rc = 0;
out:
    kc_buf_dispose(&b);
    return rc;
}

/* ---- values from a JSON body ---- */

bool kc_vars_path_valid(const char *path)
{
    size_t seg = 0;

    if (!path || !*path)
        return false;
    for (const char *p = path; *p; p++) {
        if (*p == '.') {
            if (seg == 0)
                return false;
            seg = 0;
        } else if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p)) {
            return false;
        } else {
            seg++;
        }
    }
    return seg > 0;
}

static bool all_digits(const char *s, size_t n)
{
    if (n == 0 || n > 9)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

/* One step down the path: seg (n bytes) of node; NULL when absent. */
static const cJSON *descend(const cJSON *node, const char *seg, size_t n)
{
    char key[NAME_MAX_LEN * 2];

    if (cJSON_IsArray(node) && all_digits(seg, n)) {
        long idx = strtol(seg, NULL, 10);
        return cJSON_GetArrayItem(node, (int)idx);
    }
    if (!cJSON_IsObject(node) || n >= sizeof(key))
        return NULL;
    memcpy(key, seg, n);
    key[n] = '\0';
    return cJSON_GetObjectItemCaseSensitive(node, key);
}

static int scalar_text(const cJSON *it, const char *path, char **out, char *err,
                       size_t errlen)
{
    char num[64];

    if (cJSON_IsString(it)) {
        *out = strdup(it->valuestring);
    } else if (cJSON_IsBool(it)) {
        *out = strdup(cJSON_IsTrue(it) ? "true" : "false");
    } else if (cJSON_IsNumber(it)) {
        double d = it->valuedouble;
        if (d == (double)(long long)d && d < 9e15 && d > -9e15)
            snprintf(num, sizeof(num), "%lld", (long long)d);
        else
            snprintf(num, sizeof(num), "%.17g", d);
        *out = strdup(num);
    } else {
        if (err && errlen)
            snprintf(err, errlen, "%s in the answer is %s, not a value", path,
                     cJSON_IsNull(it) ? "null" : "not a scalar");
        return -1;
    }
    if (!*out) {
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int kc_vars_from_json(const cJSON *body, const char *path, char **out,
                      char *err, size_t errlen)
{
    const cJSON *node = body;
    const char *seg = path;

    *out = NULL;
    if (!kc_vars_path_valid(path)) {
        if (err && errlen)
            snprintf(err, errlen, "bad path \"%s\"", path ? path : "");
        return -1;
    }
    while (node) {
        const char *dot = strchr(seg, '.');
        size_t n = dot ? (size_t)(dot - seg) : strlen(seg);
        node = descend(node, seg, n);
        if (!dot)
            break;
        seg = dot + 1;
    }
    if (!node) {
        if (err && errlen)
            snprintf(err, errlen, "no %s in the answer", path);
        return -1;
    }
    return scalar_text(node, path, out, err, errlen);
}
