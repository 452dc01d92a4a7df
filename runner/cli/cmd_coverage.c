/* kmsconf coverage: each documented error with its cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "listfmt.h"
#include "opts.h"

static const struct kc_opt cov_opts[] = {
    KC_LISTFMT_OPT_ROWS("print JSON instead of text"),
};

static const struct kc_listfmt_cmd cov_cmd = {
    "coverage", cov_opts, sizeof(cov_opts) / sizeof(cov_opts[0]),
    "coverage [options] [PATH...]",
    "Shows each documented error of the catalog with its cases and their\n"
    "requirements. Exit 0 when every error has a case, 1 when one has "
    "none, 2 on bad input."};

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

    for (size_t e = 0; arr && e < cat->nentries; e++)
        arr = kc_listfmt_push(arr, code_json(&cat->entries[e], v, n));
    return kc_listfmt_print(arr);
}

static size_t covered_codes(const struct kc_catalog *cat,
                            const struct kc_case *const *v, size_t n)
{
    size_t covered = 0;

    for (size_t e = 0; e < cat->nentries; e++)
        covered += count_code(v, n, cat->entries[e].code) > 0;
    return covered;
}

static enum kc_exit report(int json, const struct kc_catalog *cat,
                           const struct kc_case *const *v, size_t n)
{
    size_t covered = covered_codes(cat, v, n);

    if (json) {
        if (print_json(cat, v, n) != 0) {
            fprintf(stderr, "kmsconf coverage: out of memory\n");
            return KC_EXIT_USAGE;
        }
    } else {
        print_text(cat, v, n);
    }
    return covered == cat->nentries ? KC_EXIT_OK : KC_EXIT_NONCONFORMANT;
}

enum kc_exit kc_cmd_coverage(int argc, char **argv)
{
    struct kc_listfmt_run run;
    enum kc_exit rc;

    if (kc_listfmt_load(&cov_cmd, argc, argv, &run, &rc))
        rc = report(run.json, run.cat, run.v, run.n);
    kc_listfmt_dispose(&run);
    return rc;
}
