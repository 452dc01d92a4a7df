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
    "Shows each documented error of the catalog (the 32 common ones, then "
    "the\nfurther documented codes) with the documents its cases cite, "
    "its cases,\ntheir levels and requirements. Exit 0 when every common "
    "error has a case,\n1 when one has none, 2 on bad input."};

/* Cases of code: all, and those at level extension. */
static size_t count_code(const struct kc_case *const *v, size_t n,
                         const char *code, size_t *extension)
{
    size_t k = 0;

    if (extension)
        *extension = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i]->error, code) != 0)
            continue;
        k++;
        if (extension)
            *extension += v[i]->level == KC_LEVEL_EXTENSION;
    }
    return k;
}

/* Two citations name the same document and page: the same ref and the
 * same "at" up to its first ':' (the page, before the row or field). */
static bool same_page(const struct kc_case_source *a,
                      const struct kc_case_source *b)
{
    size_t n = strcspn(a->at, ":");

    return !strcmp(a->ref, b->ref) && strcspn(b->at, ":") == n &&
           !strncmp(a->at, b->at, n);
}

/* True when a citation before source j of case i (among the cases of
 * code) names the same page. */
static bool page_seen(const struct kc_case *const *v, size_t i, size_t j,
                      const char *code)
{
    const struct kc_case_source *src = &v[i]->sources[j];

    for (size_t k = 0; k <= i; k++) {
        size_t upto = k == i ? j : v[k]->nsources;
        if (strcmp(v[k]->error, code) != 0)
            continue;
        for (size_t m = 0; m < upto; m++) {
            if (same_page(&v[k]->sources[m], src))
                return true;
        }
    }
    return false;
}

/* Every document and page the cases of code cite, once each. */
static void print_sources(const struct kc_case *const *v, size_t n,
                          const char *code)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i]->error, code) != 0)
            continue;
        for (size_t j = 0; j < v[i]->nsources; j++) {
            const struct kc_case_source *src = &v[i]->sources[j];
            if (!page_seen(v, i, j, code))
                printf("  source %s: %.*s\n", src->ref,
                       (int)strcspn(src->at, ":"), src->at);
        }
    }
}

static void print_code(const struct kc_catalog_entry *en,
                       const struct kc_case *const *v, size_t n)
{
    size_t ext, k = count_code(v, n, en->code, &ext);

    printf("%s (%d): ", en->code, en->http_status);
    if (!k)
        printf("NO CASES");
    else
        printf("%zu case%s", k, k == 1 ? "" : "s");
    if (ext)
        printf(" (%zu at level extension)", ext);
    printf("\n");
    if (en->extra)
        printf("  documented: %s\n", en->source);
    print_sources(v, n, en->code);
    for (size_t i = 0; i < n; i++) {
        char req[512];
        if (strcmp(v[i]->error, en->code) != 0)
            continue;
        kc_listfmt_requires(v[i], req, sizeof(req));
        printf("  %s  [%s]%s%s\n", v[i]->id, kc_level_name(v[i]->level),
               req[0] ? "  " : "", req);
    }
}

/* Codes of the table with a case, and with a case outside extension. */
static size_t covered_codes(const struct kc_catalog_entry *t, size_t nt,
                            const struct kc_case *const *v, size_t n,
                            size_t *sourced)
{
    size_t covered = 0, ext;

    *sourced = 0;
    for (size_t e = 0; e < nt; e++) {
        size_t k = count_code(v, n, t[e].code, &ext);
        covered += k > 0;
        *sourced += k > ext;
    }
    return covered;
}

static void print_text(const struct kc_catalog *cat,
                       const struct kc_case *const *v, size_t n)
{
    size_t sourced, covered;
    size_t xsourced, xcovered;

    for (size_t e = 0; e < cat->nentries; e++)
        print_code(&cat->entries[e], v, n);
    if (cat->nextras)
        printf("\nDocumented errors beyond the %zu common ones (the "
               "catalog's extra table):\n",
               cat->nentries);
    for (size_t e = 0; e < cat->nextras; e++)
        print_code(&cat->extras[e], v, n);
    covered = covered_codes(cat->entries, cat->nentries, v, n, &sourced);
    xcovered = covered_codes(cat->extras, cat->nextras, v, n, &xsourced);
    printf("kmsconf coverage: %zu of %zu documented errors have cases (%zu "
           "outside level extension); %zu of %zu further documented codes "
           "have cases\n",
           covered, cat->nentries, sourced, xcovered, cat->nextras);
}

static cJSON *code_json(const struct kc_catalog_entry *en,
                        const struct kc_case *const *v, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "cases");

    if (!o || !arr || !cJSON_AddStringToObject(o, "code", en->code) ||
        !cJSON_AddNumberToObject(o, "http_status", en->http_status) ||
        !cJSON_AddBoolToObject(o, "extra", en->extra) ||
        (en->source && !cJSON_AddStringToObject(o, "source", en->source)))
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
    for (size_t e = 0; arr && e < cat->nextras; e++)
        arr = kc_listfmt_push(arr, code_json(&cat->extras[e], v, n));
    return kc_listfmt_print(arr);
}

static enum kc_exit report(int json, const struct kc_catalog *cat,
                           const struct kc_case *const *v, size_t n)
{
    size_t sourced;
    size_t covered = covered_codes(cat->entries, cat->nentries, v, n, &sourced);

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
