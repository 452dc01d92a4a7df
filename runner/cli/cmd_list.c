/* kmsconf list: the cases with their code, tags and requirements. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cmd.h"
#include "listfmt.h"
#include "opts.h"

static const struct kc_opt list_opts[] = {
    KC_LISTFMT_OPT_ROWS("print a JSON array instead of a table"),
};

static const struct kc_listfmt_cmd list_cmd = {
    "list", list_opts, sizeof(list_opts) / sizeof(list_opts[0]),
    "list [options] [PATH...]",
    "Lists the cases (id, error code, level, tags, requirements) after "
    "selection."};

static void print_table(const struct kc_case *const *v, size_t n)
{
    int wid = 2, wcode = 4;

    for (size_t i = 0; i < n; i++) {
        int a = (int)strlen(v[i]->id), b = (int)strlen(v[i]->error);
        wid = a > wid ? a : wid;
        wcode = b > wcode ? b : wcode;
    }
    printf("%-*s  %-*s  %-13s  %s  |  %s\n", wid, "id", wcode, "code", "level",
           "tags", "requires");
    for (size_t i = 0; i < n; i++) {
        char tags[512], req[512];
        kc_listfmt_tags(v[i], tags, sizeof(tags));
        kc_listfmt_requires(v[i], req, sizeof(req));
        printf("%-*s  %-*s  %-13s  %s  |  %s\n", wid, v[i]->id, wcode,
               v[i]->error, kc_level_name(v[i]->level), tags[0] ? tags : "-",
               req[0] ? req : "-");
    }
}

static enum kc_exit print_json(const struct kc_case *const *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();

    for (size_t i = 0; arr && i < n; i++)
        arr = kc_listfmt_push(arr, kc_listfmt_json(v[i]));
    if (kc_listfmt_print(arr) != 0) {
        fprintf(stderr, "kmsconf list: out of memory\n");
        return KC_EXIT_USAGE;
    }
    return KC_EXIT_OK;
}

enum kc_exit kc_cmd_list(int argc, char **argv)
{
    struct kc_listfmt_run run;
    enum kc_exit rc;

    if (kc_listfmt_load(&list_cmd, argc, argv, &run, &rc)) {
        if (run.json)
            rc = print_json(run.v, run.n);
        else
            print_table(run.v, run.n);
    }
    kc_listfmt_dispose(&run);
    return rc;
}
