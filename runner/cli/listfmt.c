#include "listfmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CREDS KC_CASE_CREDENTIALS_MAX

static void append(char *out, size_t outlen, const char *sep,
                   const char *prefix, const char *s)
{
    size_t n = strlen(out);

    if (n + 1 >= outlen)
        return;
    snprintf(out + n, outlen - n, "%s%s%s", n ? sep : "", prefix, s);
}

void kc_listfmt_tags(const struct kc_case *c, char *out, size_t outlen)
{
    out[0] = '\0';
    for (size_t i = 0; i < c->ntags; i++)
        append(out, outlen, ",", "", c->tags[i]);
}

void kc_listfmt_requires(const struct kc_case *c, char *out, size_t outlen)
{
    const char *creds[MAX_CREDS];
    size_t n = kc_case_credentials(c, creds, MAX_CREDS);

    out[0] = '\0';
    for (size_t i = 0; i < n && i < MAX_CREDS; i++) {
        if (strcmp(creds[i], "default") != 0)
            append(out, outlen, " ", "credential:", creds[i]);
    }
    for (size_t i = 0; i < c->nreq_capabilities; i++)
        append(out, outlen, " ", "capability:", c->req_capabilities[i]);
}

static cJSON *str_array(const char *const *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();

    for (size_t i = 0; arr && i < n; i++)
        arr = kc_listfmt_push(arr, cJSON_CreateString(v[i]));
    return arr;
}

cJSON *kc_listfmt_push(cJSON *arr, cJSON *item)
{
    if (arr && item && cJSON_AddItemToArray(arr, item))
        return arr;
    cJSON_Delete(item);
    cJSON_Delete(arr);
    return NULL;
}

int kc_listfmt_print(cJSON *arr)
{
    char *text = arr ? cJSON_Print(arr) : NULL;

    cJSON_Delete(arr);
    if (!text)
        return -1;
    printf("%s\n", text);
    free(text);
    return 0;
}

static bool add_array(cJSON *o, const char *key, cJSON *arr)
{
    if (arr && cJSON_AddItemToObject(o, key, arr))
        return true;
    cJSON_Delete(arr);
    return false;
}

/* [{"ref", "at"}, ...] of a case; NULL on out of memory. */
static cJSON *sources_json(const struct kc_case *c)
{
    cJSON *arr = cJSON_CreateArray();

    for (size_t i = 0; arr && i < c->nsources; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddStringToObject(o, "ref", c->sources[i].ref) ||
            !cJSON_AddStringToObject(o, "at", c->sources[i].at) ||
            !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            cJSON_Delete(arr);
            return NULL;
        }
    }
    return arr;
}

cJSON *kc_listfmt_json(const struct kc_case *c)
{
    const char *creds[MAX_CREDS];
    size_t n = kc_case_credentials(c, creds, MAX_CREDS);
    cJSON *o = cJSON_CreateObject();

    if (!o || !cJSON_AddStringToObject(o, "id", c->id) ||
        !cJSON_AddStringToObject(o, "error", c->error) ||
        !cJSON_AddStringToObject(o, "summary", c->summary) ||
        !cJSON_AddStringToObject(o, "level", kc_level_name(c->level)) ||
        !add_array(o, "sources", sources_json(c)) ||
        (c->extension &&
         !cJSON_AddStringToObject(o, "extension", c->extension)) ||
        !cJSON_AddStringToObject(o, "file", c->file) ||
        !add_array(o, "tags",
                   str_array((const char *const *)c->tags, c->ntags)) ||
        !add_array(o, "credentials",
                   str_array(creds, n < MAX_CREDS ? n : MAX_CREDS)) ||
        !add_array(o, "capabilities",
                   str_array((const char *const *)c->req_capabilities,
                             c->nreq_capabilities))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Options given on the command line. */
struct listfmt_cfg {
    const char *cases;
    const char *suite;
    const char *name; /* the command, for error messages */
    int json;
    struct kc_select sel;
};

static int on_opt(void *ctx, int id, const char *value)
{
    struct listfmt_cfg *cfg = ctx;
    int r = kc_opts_select(cfg->name, &cfg->sel, id, value);

    if (r != 1)
        return r;
    if (id == KC_LISTFMT_OPT_CASES)
        cfg->cases = value;
    else if (id == KC_LISTFMT_OPT_SUITE)
        cfg->suite = value;
    else
        cfg->json = 1;
    return 0;
}

static int parse(const struct kc_listfmt_cmd *cmd, int argc, char **argv,
                 struct listfmt_cfg *cfg, const char ***pos, size_t *npos)
{
    int rc = kc_opts_parse(cmd->name, cmd->opts, cmd->nopts, argc, argv, on_opt,
                           cfg, pos, npos);

    if (rc == 1)
        kc_opts_usage(stdout, cmd->usage, cmd->about, cmd->opts, cmd->nopts);
    return rc;
}

bool kc_listfmt_load(const struct kc_listfmt_cmd *cmd, int argc, char **argv,
                     struct kc_listfmt_run *run, enum kc_exit *rc)
{
    struct listfmt_cfg cfg = {NULL, NULL, cmd->name, 0, {0}};
    const char **pos = NULL;
    size_t npos = 0;
    bool ready = false;
    int prc;

    *run = (struct kc_listfmt_run){0};
    kc_caseset_init(&run->set);
    kc_select_init(&cfg.sel);
    prc = parse(cmd, argc, argv, &cfg, &pos, &npos);
    if (prc != 0) {
        *rc = kc_opts_parse_exit(prc);
        goto out;
    }
    run->json = cfg.json;
    *rc = kc_opts_load(cmd->name, kc_opts_suite_dir(cfg.suite),
                       kc_opts_cases_dir(cfg.cases), pos, npos, &run->cat,
                       &run->set, stderr, NULL);
    if (*rc != KC_EXIT_OK)
        goto out;
    if (kc_select_apply(&cfg.sel, &run->set, &run->v, &run->n) != 0) {
        fprintf(stderr, "kmsconf %s: out of memory\n", cmd->name);
        *rc = KC_EXIT_USAGE;
        goto out;
    }
    ready = true;
out:
    free(pos);
    kc_select_dispose(&cfg.sel);
    return ready;
}

void kc_listfmt_dispose(struct kc_listfmt_run *run)
{
    free(run->v);
    kc_caseset_dispose(&run->set);
    kc_catalog_free(run->cat);
    *run = (struct kc_listfmt_run){0};
}
