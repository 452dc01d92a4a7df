/* kmsconf merge: combine shard reports into one (docs/reports.md). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "kc/junit.h"
#include "kc/results.h"
#include "kc/merge.h"
#include "opts.h"

enum { OPT_OUTPUT, OPT_FORCE, OPT_STRICT };

static const struct kc_opt merge_opts[] = {
    {"-o, --output", "FILE", "the merged report ('-': stdout)", OPT_OUTPUT},
    {"--force", NULL, "merge reports made with different catalogs", OPT_FORCE},
    {"--junit-strict", NULL, "write the Ant-schema flavour", OPT_STRICT},
};
#define NOPTS (sizeof(merge_opts) / sizeof(merge_opts[0]))

static void merge_usage(FILE *f)
{
    kc_opts_usage(
        f, "merge [--force] [--junit-strict] -o OUT.xml A.xml ...",
        "Combines shard reports (JUnit XML or results JSON) into one\n"
        "JUnit report. Exit: 0 merged, 2 usage,\n"
        "unreadable input, conflicting testcases or different "
        "catalogs.",
        merge_opts, NOPTS);
}

struct merge_args {
    const char *out;
    bool force, strict;
    const char **files;
    size_t nfiles;
};

static int on_opt(void *ctx, int id, const char *value)
{
    struct merge_args *a = ctx;

    if (id == OPT_OUTPUT)
        a->out = value;
    else if (id == OPT_FORCE)
        a->force = true;
    else
        a->strict = true;
    return 0;
}

/* 0 parsed, 1 help shown, -1 usage error (printed): as kc_opts_parse.
 * a->files: caller frees. */
static int parse_args(int argc, char **argv, struct merge_args *a)
{
    int rc = kc_opts_parse("merge", merge_opts, NOPTS, argc, argv, on_opt, a,
                           &a->files, &a->nfiles);
    if (rc == 1)
        merge_usage(stdout);
    if (rc == 0 && (!a->out || a->nfiles == 0)) {
        fprintf(stderr, "kmsconf merge: need -o OUT.xml and at least one "
                        "report (see --help)\n");
        rc = -1;
    }
    return rc;
}

static void print_summary(const struct merge_args *a,
                          const struct kc_merge_counts *n)
{
    fprintf(stderr,
            "kmsconf merge: %zu report(s) -> %s: %zu testcases, %zu failed, "
            "%zu errors, %zu skipped\n",
            a->nfiles, a->out, n->tests, n->failures, n->errors, n->skipped);
}

/* The reports read whole, merged and written: what the streaming merge
 * falls back to. in: a slot per file, freed by the caller. */
static enum kc_exit merge_in_memory(const struct merge_args *a,
                                    struct kc_report **in)
{
    struct kc_report *out = NULL;
    char err[KC_CMD_ERR_MAX];
    enum kc_exit rc = KC_EXIT_USAGE;
    for (size_t i = 0; i < a->nfiles; i++) {
        if (kc_results_read_any(a->files[i], 0, &in[i], err, sizeof(err))) {
            fprintf(stderr, "kmsconf merge: %s\n", err);
            goto out;
        }
    }
    if (kc_merge(in, a->files, a->nfiles, a->force, &out, err, sizeof(err)) !=
        KC_MERGE_OK) {
        fprintf(stderr, "kmsconf merge: %s\n", err);
        goto out;
    }
    if (kc_junit_write(out, a->out, a->strict, err, sizeof(err))) {
        fprintf(stderr, "kmsconf merge: %s\n", err);
        goto out;
    }
    struct kc_merge_counts n = {out->ncases,
                                kc_report_count(out, KC_OUTCOME_FAIL),
                                kc_report_count(out, KC_OUTCOME_ERROR),
                                kc_report_count(out, KC_OUTCOME_SKIP)};
    print_summary(a, &n);
    rc = KC_EXIT_OK;
out:
    kc_report_free(out);
    return rc;
}

enum kc_exit kc_cmd_merge(int argc, char **argv)
{
    struct merge_args a = {0};
    struct kc_report **in = calloc((size_t)argc + 1, sizeof(*in));
    char err[KC_CMD_ERR_MAX];
    enum kc_exit rc = KC_EXIT_USAGE;
    struct kc_merge_counts n = {0};
    int prc;
    if (!in) {
        fprintf(stderr, "kmsconf merge: out of memory\n");
        goto out;
    }
    prc = parse_args(argc, argv, &a);
    if (prc != 0) {
        rc = kc_opts_parse_exit(prc);
        goto out;
    }
    /* streamed when it can be; the same report or error either way */
    int st = kc_merge_stream(a.files, a.nfiles, a.force, a.out, a.strict, &n,
                             err, sizeof(err));
    if (st == KC_MERGE_FALLBACK) {
        rc = merge_in_memory(&a, in);
    } else if (st != KC_MERGE_OK) {
        fprintf(stderr, "kmsconf merge: %s\n", err);
    } else {
        print_summary(&a, &n);
        rc = KC_EXIT_OK;
    }
out:
    for (size_t i = 0; in && i < a.nfiles; i++)
        kc_report_free(in[i]);
    free(in);
    free(a.files);
    return rc;
}
