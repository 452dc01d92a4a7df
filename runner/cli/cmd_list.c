/* kmsconf list: the cases with their code, tags and requirements. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "listfmt.h"
#include "opts.h"

enum { OPT_CASES, OPT_SUITE, OPT_JSON };

static const struct kc_opt list_opts[] = {
    {"--cases", "DIR", "case folder (default: the suite's cases)", OPT_CASES},
    {"--suite", "DIR", "suite folder holding catalog.json", OPT_SUITE},
    {"--json", NULL, "print a JSON array instead of a table", OPT_JSON},
    KC_OPTS_SELECT_ROWS,
};
#define NOPTS (sizeof(list_opts) / sizeof(list_opts[0]))

struct list_cfg {
    const char *cases;
    const char *suite;
    int json;
    struct kc_select sel;
};

static int on_opt(void *ctx, int id, const char *value)
{
    struct list_cfg *cfg = ctx;
    int r = kc_opts_select("list", &cfg->sel, id, value);

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

static void print_table(const struct kc_case *const *v, size_t n)
{
    int wid = 2, wcode = 4;

    for (size_t i = 0; i < n; i++) {
        int a = (int)strlen(v[i]->id), b = (int)strlen(v[i]->error);
        wid = a > wid ? a : wid;
        wcode = b > wcode ? b : wcode;
    }
    printf("%-*s  %-*s  %s  |  %s\n", wid, "id", wcode, "code", "tags",
           "requires");
    for (size_t i = 0; i < n; i++) {
        char tags[512], req[512];
        kc_listfmt_tags(v[i], tags, sizeof(tags));
        kc_listfmt_requires(v[i], req, sizeof(req));
        printf("%-*s  %-*s  %s  |  %s\n", wid, v[i]->id, wcode, v[i]->error,
               tags[0] ? tags : "-", req[0] ? req : "-");
    }
}

static int print_json(const struct kc_case *const *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    char *text;

    for (size_t i = 0; arr && i < n; i++) {
        cJSON *o = kc_listfmt_json(v[i]);
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            cJSON_Delete(arr);
            arr = NULL;
        }
    }
    text = arr ? cJSON_Print(arr) : NULL;
    cJSON_Delete(arr);
    if (!text) {
        fprintf(stderr, "kmsconf list: out of memory\n");
        return 2;
    }
    printf("%s\n", text);
    free(text);
    return 0;
}

int kc_cmd_list(int argc, char **argv)
{
    struct list_cfg cfg = {NULL, NULL, 0, {0}};
    struct kc_catalog *cat = NULL;
    struct kc_caseset set;
    const struct kc_case **v = NULL;
    const char **pos = NULL;
    size_t npos = 0, n = 0;
    int rc;

    kc_select_init(&cfg.sel);
    kc_caseset_init(&set);
    rc = kc_opts_parse("list", list_opts, NOPTS, argc, argv, on_opt, &cfg, &pos,
                       &npos);
    if (rc == 1)
        kc_opts_usage(stdout, "list [options] [PATH...]",
                      "Lists the cases (id, error code, tags, requirements) "
                      "after selection.",
                      list_opts, NOPTS);
    if (rc != 0) {
        rc = rc == 1 ? 0 : 2;
        goto out;
    }
    rc = kc_opts_load("list", kc_opts_suite_dir(cfg.suite),
                      kc_opts_cases_dir(cfg.cases), pos, npos, &cat, &set,
                      stderr, NULL);
    if (rc != 0)
        goto out;
    if (kc_select_apply(&cfg.sel, &set, &v, &n) != 0) {
        fprintf(stderr, "kmsconf list: out of memory\n");
        rc = 2;
        goto out;
    }
    if (cfg.json)
        rc = print_json(v, n);
    else
        print_table(v, n);
out:
    free(v);
    free(pos);
    kc_caseset_dispose(&set);
    kc_catalog_free(cat);
    kc_select_dispose(&cfg.sel);
    return rc;
}
