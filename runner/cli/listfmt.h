/*
 * kc_listfmt: what `kmsconf list` and `kmsconf coverage` share: their
 * options, the loading and selection of the cases, and how a case's tags
 * and requirements are shown.
 */
#ifndef KC_LISTFMT_H
#define KC_LISTFMT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "kc/case.h"
#include "kc/catalog.h"
#include "kc/exit.h"
#include "kc/select.h"
#include "opts.h"

enum { KC_LISTFMT_OPT_CASES, KC_LISTFMT_OPT_SUITE, KC_LISTFMT_OPT_JSON };

/* The option table rows of both commands; json_help describes --json. */
#define KC_LISTFMT_OPT_ROWS(json_help)                                         \
    {"--cases", "DIR", "case folder (default: the suite's cases)",             \
     KC_LISTFMT_OPT_CASES},                                                    \
        {"--suite", "DIR", "suite folder holding catalog.json",                \
         KC_LISTFMT_OPT_SUITE},                                                \
        {"--json", NULL, json_help, KC_LISTFMT_OPT_JSON}, KC_OPTS_SELECT_ROWS

/* One command: its name ("list"), option table, usage line and about text
 * for --help. */
struct kc_listfmt_cmd {
    const char *name;
    const struct kc_opt *opts;
    size_t nopts;
    const char *usage;
    const char *about;
};

/* What the command works on; kc_listfmt_load fills it, kc_listfmt_dispose
 * frees what it owns. */
struct kc_listfmt_run {
    int json;                 /* --json given */
    struct kc_catalog *cat;   /* the suite's catalog */
    const struct kc_case **v; /* the selected cases (point into set) */
    size_t n;
    struct kc_caseset set; /* every case loaded */
};

/*
 * Parses argv, prints --help or loads the catalog and cases then applies
 * the selection into *run (which it initializes; always call
 * kc_listfmt_dispose). Returns true when the cases are ready, false when
 * the command is over: *rc is then its exit code (KC_EXIT_OK after --help,
 * KC_EXIT_USAGE after a one-line error on stderr).
 */
bool kc_listfmt_load(const struct kc_listfmt_cmd *cmd, int argc, char **argv,
                     struct kc_listfmt_run *run, enum kc_exit *rc);
void kc_listfmt_dispose(struct kc_listfmt_run *run);

/* "a,b,c" (empty when the case has no tags); truncated to outlen. */
void kc_listfmt_tags(const struct kc_case *c, char *out, size_t outlen);
/* "credential:in-debt capability:low-key-quota": every credential but
 * "default" and every capability (empty when none). */
void kc_listfmt_requires(const struct kc_case *c, char *out, size_t outlen);
/* {"id","error","summary","file","tags":[],"credentials":[],
 *  "capabilities":[]}; caller frees (cJSON_Delete); NULL when out of
 * memory. */
cJSON *kc_listfmt_json(const struct kc_case *c);
/* Appends item to arr and returns arr; when either is NULL or out of
 * memory, frees both and returns NULL. */
cJSON *kc_listfmt_push(cJSON *arr, cJSON *item);
/* Prints arr (indented) and a newline on stdout, then frees it. 0, or -1
 * with nothing printed when arr is NULL or memory ran out. */
int kc_listfmt_print(cJSON *arr);

#endif
