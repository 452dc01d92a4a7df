/* kmsconf merge: combine shard reports into one (docs/reports.md). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "kc/junit.h"
#include "kc/merge.h"
#include "opts.h"

static void merge_usage(FILE *f)
{
    fprintf(f, "usage: kmsconf merge [--force] [--junit-strict] -o OUT.xml "
               "A.xml B.xml ...\n"
               "  -o FILE         the merged report ('-': stdout)\n"
               "  --force         merge reports made with different catalogs\n"
               "  --junit-strict  write the Ant-schema flavour\n"
               "exit: 0 merged, 2 usage, unreadable input, conflicting "
               "testcases or different catalogs\n");
}

struct merge_args {
    const char *out;
    bool force, strict;
    const char **files;
    size_t nfiles;
};

/* 0 parsed, 1 help shown, -1 usage error (printed): as kc_opts_parse. */
static int parse_args(int argc, char **argv, struct merge_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            merge_usage(stdout);
            return 1;
        } else if (!strcmp(s, "-o") || !strcmp(s, "--output")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "kmsconf merge: %s needs a file name\n", s);
                return -1;
            }
            a->out = argv[++i];
        } else if (!strcmp(s, "--force")) {
            a->force = true;
        } else if (!strcmp(s, "--junit-strict")) {
            a->strict = true;
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "kmsconf merge: unknown option '%s' (see --help)\n",
                    s);
            return -1;
        } else {
            a->files[a->nfiles++] = s;
        }
    }
    if (!a->out || a->nfiles == 0) {
        fprintf(stderr, "kmsconf merge: need -o OUT.xml and at least one "
                        "report (see --help)\n");
        return -1;
    }
    return 0;
}

enum kc_exit kc_cmd_merge(int argc, char **argv)
{
    struct merge_args a = {0};
    struct kc_report **in = calloc((size_t)argc + 1, sizeof(*in));
    a.files = calloc((size_t)argc + 1, sizeof(*a.files));
    struct kc_report *out = NULL;
    char err[KC_CMD_ERR_MAX];
    enum kc_exit rc = KC_EXIT_USAGE;
    int prc;
    if (!in || !a.files) {
        fprintf(stderr, "kmsconf merge: out of memory\n");
        goto out;
    }
    prc = parse_args(argc, argv, &a);
    if (prc != 0) {
        rc = kc_opts_parse_exit(prc);
        goto out;
    }
    for (size_t i = 0; i < a.nfiles; i++) {
        if (kc_junit_read(a.files[i], &in[i], err, sizeof(err))) {
            fprintf(stderr, "kmsconf merge: %s\n", err);
            goto out;
        }
    }
    if (kc_merge(in, a.files, a.nfiles, a.force, &out, err, sizeof(err)) !=
        KC_MERGE_OK) {
        fprintf(stderr, "kmsconf merge: %s\n", err);
        goto out;
    }
    if (kc_junit_write(out, a.out, a.strict, err, sizeof(err))) {
        fprintf(stderr, "kmsconf merge: %s\n", err);
        goto out;
    }
    fprintf(stderr,
            "kmsconf merge: %zu report(s) -> %s: %zu testcases, %zu failed, "
            "%zu errors, %zu skipped\n",
            a.nfiles, a.out, out->ncases, kc_report_count(out, KC_OUTCOME_FAIL),
            kc_report_count(out, KC_OUTCOME_ERROR),
            kc_report_count(out, KC_OUTCOME_SKIP));
    rc = KC_EXIT_OK;
out:
    for (size_t i = 0; in && i < a.nfiles; i++)
        kc_report_free(in[i]);
    free(in);
    free(a.files);
    kc_report_free(out);
    return rc;
}
