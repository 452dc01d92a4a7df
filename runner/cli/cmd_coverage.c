/* kmsconf coverage: each documented error with its cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "listfmt.h"
#include "opts.h"

enum { OPT_CASES, OPT_SUITE, OPT_JSON };

static const struct kc_opt cov_opts[] = {
    {"--cases", "DIR", "case folder (default: the suite's cases)", OPT_CASES},
    {"--suite", "DIR", "suite folder holding catalog.json", OPT_SUITE},
    {"--json", NULL, "print JSON instead of text", OPT_JSON},
    KC_OPTS_SELECT_ROWS,
};
#define NOPTS (sizeof(cov_opts) / sizeof(cov_opts[0]))

struct cov_cfg {
    const char *cases;
    const char *suite;
    int json;
    struct kc_select sel;
};

static int on_opt(void *ctx, int id, const char *value)
{
    struct cov_cfg *cfg = ctx;
    int r = kc_opts_select("coverage", &cfg->sel, id, value);

    if (r != 1)
        return r;
    if (id == OPT_CASES)
        cfg->cases = value;
    else if (id == OPT_SUITE)
        cfg->suite = value;
    else
        cfg->json = 1;
    return 0;
}

static size_t count_code(const struct kc_case *const *v, size_t n,
                         const char *code)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        k += !strcmp(v[i]->error, code);
    return k;
}

static size_t print_text(const struct kc_catalog *cat,
                         const struct kc_case *const *v, size_t n)
{
    size_t covered = 0;

    for (size_t e = 0; e < cat->nentries; e++) {
        const struct kc_catalog_entry *en = &cat->entries[e];
        size_t k = count_code(v, n, en->code);
        covered += k > 0;
        printf("%s (%d): %s", en->code, en->http_status, k ? "" : "NO CASES");
        if (k)
            printf("%zu case%s", k, k == 1 ? "" : "s");
        printf("\n");
        for (size_t i = 0; i < n; i++) {
            char req[512];
            if (strcmp(v[i]->error, en->code) != 0)
                continue;
            kc_listfmt_requires(v[i], req, sizeof(req));
            printf("  %s%s%s\n", v[i]->id, req[0] ? "  " : "", req);
        }
    }
    printf("kmsconf coverage: %zu of %zu documented errors have cases\n",
           covered, cat->nentries);
    return covered;
}

static cJSON *code_json(const struct kc_catalog_entry *en,
                        const struct kc_case *const *v, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "cases");

    if (!o || !arr || !cJSON_AddStringToObject(o, "code", en->code) ||
        !cJSON_AddNumberToObject(o, "http_status", en->http_status))
        goto fail;
    for (size_t i = 0; i < n; i++) {
        cJSON *c;
        if (strcmp(v[i]->error, en->code) != 0)
            continue;
        c = kc_listfmt_json(v[i]);
        if (!c || !cJSON_AddItemToArray(arr, c)) {
            cJSON_Delete(c);
            goto fail;
        }
    }
    return o;
fail:
    cJSON_Delete(o);
    return NULL;
}

static int print_json(const struct kc_catalog *cat,
                      const struct kc_case *const *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    char *text = NULL;

    for (size_t e = 0; arr && e < cat->nentries; e++) {
        cJSON *o = code_json(&cat->entries[e], v, n);
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            cJSON_Delete(arr);
            arr = NULL;
        }
    }
    text = arr ? cJSON_Print(arr) : NULL;
    cJSON_Delete(arr);
    if (!text)
        return -1;
    printf("%s\n", text);
    free(text);
    return 0;
}

static size_t covered_codes(const struct kc_catalog *cat,
                            const struct kc_case *const *v, size_t n)
{
    size_t covered = 0;

    for (size_t e = 0; e < cat->nentries; e++)
        covered += count_code(v, n, cat->entries[e].code) > 0;
    return covered;
}

static int report(const struct cov_cfg *cfg, const struct kc_catalog *cat,
                  const struct kc_case *const *v, size_t n)
{
    size_t covered = covered_codes(cat, v, n);

    if (cfg->json) {
        if (print_json(cat, v, n) != 0) {
            fprintf(stderr, "kmsconf coverage: out of memory\n");
            return 2;
        }
    } else {
        print_text(cat, v, n);
    }
    return covered == cat->nentries ? 0 : 1;
}

int kc_cmd_coverage(int argc, char **argv)
{
    struct cov_cfg cfg = {NULL, NULL, 0, {0}};
    struct kc_catalog *cat = NULL;
    struct kc_caseset set;
    const struct kc_case **v = NULL;
    const char **pos = NULL;
    size_t npos = 0, n = 0;
    int rc;

    kc_select_init(&cfg.sel);
    kc_caseset_init(&set);
    rc = kc_opts_parse("coverage", cov_opts, NOPTS, argc, argv, on_opt, &cfg,
                       &pos, &npos);
    if (rc == 1)
        kc_opts_usage(stdout, "coverage [options] [PATH...]",
                      "Shows each documented error of the catalog with its "
                      "cases and their requirements.\nExit 0 when every "
                      "error has a case, 1 when one has none, 2 on bad "
                      "input.",
                      cov_opts, NOPTS);
    if (rc != 0) {
        rc = rc == 1 ? 0 : 2;
        goto out;
    }
    rc = kc_opts_load("coverage", kc_opts_suite_dir(cfg.suite),
                      kc_opts_cases_dir(cfg.cases), pos, npos, &cat, &set,
                      stderr, NULL);
    if (rc == 0 && kc_select_apply(&cfg.sel, &set, &v, &n) != 0) {
        fprintf(stderr, "kmsconf coverage: out of memory\n");
        rc = 2;
    }
    if (rc == 0)
        rc = report(&cfg, cat, v, n);
out:
    free(v);
    free(pos);
    kc_caseset_dispose(&set);
    kc_catalog_free(cat);
    kc_select_dispose(&cfg.sel);
    return rc;
}
