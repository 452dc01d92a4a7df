/* kc_envelope: loading envelope rule sets and looking fields up. */
#include "kc/envelope.h"

#include <stdlib.h>
#include <string.h>

#include "jcheck.h"
#include "kc/file.h"
#include "kc/json.h"

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

static int env_field(struct kc_jcheck *J, struct kc_envelope_field *f,
                     const cJSON *o, const char *base)
{
    static const char *const known[] = {"type", "required"};
    char *type = NULL;
    int rc = -1;

    if (!cJSON_IsObject(o))
        return kc_jcheck_fail(J, base, "expected an object");
    if (kc_jcheck_only_keys(J, o, base, known,
                            sizeof(known) / sizeof(known[0])) != 0 ||
        kc_jcheck_str(J, o, "type", base, true, NULL, &type) != 0 ||
        kc_jcheck_bool(J, o, "required", base, false, &f->required) != 0)
        goto out;
    if (!strcmp(type, "string"))
        f->type = KC_FIELD_STRING;
    else if (!strcmp(type, "number"))
        f->type = KC_FIELD_NUMBER;
    else if (!strcmp(type, "object"))
        f->type = KC_FIELD_OBJECT;
    else {
        char p[KC_JSON_PATH_MAX];
        kc_json_path_key(p, sizeof(p), base, "type");
        kc_jcheck_fail(J, p, "expected \"string\", \"number\" or \"object\"");
        goto out;
    }
    f->name = strdup(o->string);
    rc = f->name ? 0 : kc_jcheck_fail(J, base, "out of memory");
out:
    free(type);
    return rc;
}

static int env_fields(struct kc_jcheck *J, struct kc_envelope *e,
                      const cJSON *set, const char *base)
{
    char p[KC_JSON_PATH_MAX], q[KC_JSON_PATH_MAX];
    const cJSON *fs = cJSON_GetObjectItemCaseSensitive(set, "fields");
    const cJSON *it, *rep;

    kc_json_path_key(p, sizeof(p), base, "fields");
    if (!cJSON_IsObject(fs) || !fs->child)
        return kc_jcheck_fail(J, p, "expected a non-empty object");
    e->fields = calloc((size_t)cJSON_GetArraySize(fs), sizeof(*e->fields));
    if (!e->fields || kc_jcheck_first_repeat(J, fs, p, &rep) != 0)
        return kc_jcheck_fail(J, p, "out of memory");
    cJSON_ArrayForEach(it, fs)
    {
        kc_json_path_key(q, sizeof(q), p, it->string);
        if (it == rep)
            return kc_jcheck_fail(J, q, "repeated field");
        e->nfields++;
        if (env_field(J, &e->fields[e->nfields - 1], it, q) != 0)
            return -1;
    }
    return 0;
}

static int env_roots(struct kc_jcheck *J, struct kc_envelope *e,
                     const cJSON *set, const char *base)
{
    char p[KC_JSON_PATH_MAX], q[KC_JSON_PATH_MAX];
    const cJSON *rs = cJSON_GetObjectItemCaseSensitive(set, "xml_roots");
    const cJSON *it;

    kc_json_path_key(p, sizeof(p), base, "xml_roots");
    if (!cJSON_IsArray(rs) || !rs->child)
        return kc_jcheck_fail(J, p, "expected a non-empty array of strings");
    e->xml_roots = calloc((size_t)cJSON_GetArraySize(rs), sizeof(char *));
    if (!e->xml_roots)
        return kc_jcheck_fail(J, p, "out of memory");
    cJSON_ArrayForEach(it, rs)
    {
        kc_json_path_index(q, sizeof(q), p, e->nxml_roots);
        if (!cJSON_IsString(it) || !it->valuestring[0])
            return kc_jcheck_fail(J, q, "expected a non-empty string");
        e->xml_roots[e->nxml_roots] = strdup(it->valuestring);
        if (!e->xml_roots[e->nxml_roots++])
            return kc_jcheck_fail(J, q, "out of memory");
    }
    return 0;
}

static int env_set(struct kc_jcheck *J, struct kc_envelope *e, const cJSON *set,
                   const char *base)
{
    static const char *const known[] = {"description", "fields", "other_fields",
                                        "xml_roots", "gateway_wordings"};

    if (!cJSON_IsObject(set))
        return kc_jcheck_fail(J, base, "expected an object");
    if (kc_jcheck_only_keys(J, set, base, known,
                            sizeof(known) / sizeof(known[0])) != 0 ||
        kc_jcheck_str(J, set, "description", base, false, "",
                      &e->description) ||
        kc_jcheck_bool(J, set, "other_fields", base, false,
                       &e->allow_other_fields) ||
        kc_jcheck_bool(J, set, "gateway_wordings", base, false,
                       &e->gateway_wordings) ||
        env_fields(J, e, set, base) || env_roots(J, e, set, base))
        return -1;
    return 0;
}

int kc_envelope_parse(struct kc_envelope **out, const char *json, size_t len,
                      const char *display, const char *name, char *err,
                      size_t errlen)
{
    struct kc_jcheck J = {display, NULL, err, errlen, false};
    struct kc_envelope *e = calloc(1, sizeof(*e));
    cJSON *root = kc_json_parse(json, len, display, err, errlen);
    const cJSON *set;
    char p[KC_JSON_PATH_MAX];
    int rc = -1;

    *out = NULL;
    if (!root || !e) {
        if (root)
            kc_jcheck_fail(&J, "$", "out of memory");
        goto out;
    }
    kc_json_path_key(p, sizeof(p), "$", name);
    set = cJSON_IsObject(root) ? cJSON_GetObjectItemCaseSensitive(root, name)
                               : NULL;
    if (!set) {
        kc_jcheck_fail(&J, p, "no envelope rule set of that name");
        goto out;
    }
    e->name = strdup(name);
    if (!e->name || env_set(&J, e, set, p) != 0)
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
