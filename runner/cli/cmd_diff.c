/* kmsconf diff: compare two reports (docs/reports.md). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "kc/diff.h"
#include "kc/levels.h"
#include "kc/junit.h"
#include "opts.h"

enum { OPT_MARKDOWN, OPT_JSON, OPT_FAIL_ON, OPT_FORCE, OPT_ALLOW_PARTIAL };

static const struct kc_opt diff_opts[] = {
    {"--markdown", NULL, "print Markdown instead of text", OPT_MARKDOWN},
    {"--json", NULL, "print JSON instead of text", OPT_JSON},
    {"--fail-on", "CAT[,CAT]",
     "categories that make the exit code 1 (default: regression)", OPT_FAIL_ON},
    {"--force", NULL, "compare reports made with different catalogs",
     OPT_FORCE},
    {"--allow-partial", NULL,
     "compare although NEW is interrupted or has fewer testcases than BASE, "
     "or a report holds a testcase twice",
     OPT_ALLOW_PARTIAL},
};
#define NOPTS (sizeof(diff_opts) / sizeof(diff_opts[0]))

static void diff_usage(FILE *f)
{
    kc_opts_usage(
        f, "diff [options] BASE.xml NEW.xml",
        "Compares two reports (JUnit XML or results JSON, either one)\n"
        "testcase by testcase. The categories of\n"
        "--fail-on: regression, fix, changed, new-failing, new-passing,\n"
        "added, removed, skipped, unskipped, skip-reason, new, skip, all,\n"
        "none. Exit: 0 nothing in the --fail-on categories, 1 something,\n"
        "2 usage or unreadable report.",
        diff_opts, NOPTS);
}

enum diff_fmt { FMT_TEXT, FMT_MARKDOWN, FMT_JSON };

struct diff_args {
    enum diff_fmt fmt;
    unsigned mask;
    bool force;
    bool allow_partial;
    const char *files[2];
};

static int on_opt(void *ctx, int id, const char *value)
{
    struct diff_args *a = ctx;
    char err[KC_ERR_MAX];

    switch (id) {
    case OPT_MARKDOWN:
        a->fmt = FMT_MARKDOWN;
        break;
    case OPT_JSON:
        a->fmt = FMT_JSON;
        break;
    case OPT_FORCE:
        a->force = true;
        break;
    case OPT_ALLOW_PARTIAL:
        a->allow_partial = true;
        break;
    default:
        if (kc_diff_parse_cats(value, &a->mask, err, sizeof(err))) {
            fprintf(stderr, "kmsconf diff: --fail-on: %s\n", err);
            return -1;
        }
    }
    return 0;
}

/* 0 parsed, 1 help shown, -1 usage error (printed): as kc_opts_parse. */
static int parse_args(int argc, char **argv, struct diff_args *a)
{
    const char **pos = NULL;
    size_t npos = 0;
    int rc;

    a->mask = 1u << KC_DIFF_REGRESSION;
    rc = kc_opts_parse("diff", diff_opts, NOPTS, argc, argv, on_opt, a, &pos,
                       &npos);
    if (rc == 1)
        diff_usage(stdout);
    if (rc == 0 && npos != 2) {
        fputs(npos > 2 ? "kmsconf diff: expected two reports, got more\n"
                       : "kmsconf diff: expected two reports BASE.xml "
                         "NEW.xml (see --help)\n",
              stderr);
        rc = -1;
    }
    if (rc == 0) {
        a->files[0] = pos[0];
        a->files[1] = pos[1];
    }
    free(pos);
    return rc;
}

static bool catalogs_differ(const struct kc_report *a,
                            const struct kc_report *b)
{
    const char *ca = kc_report_prop(a, "kmsconf.catalog_sha256");
    const char *cb = kc_report_prop(b, "kmsconf.catalog_sha256");
    return ca && cb && strcmp(ca, cb);
}

enum kc_exit kc_cmd_diff(int argc, char **argv)
{
    struct diff_args a = {0};
    int prc = parse_args(argc, argv, &a);
    if (prc != 0)
        return kc_opts_parse_exit(prc);
    enum kc_exit rc = KC_EXIT_USAGE;
    char err[KC_CMD_ERR_MAX];
    struct kc_diff_pair *p = NULL; /* owned; streamed when it can be */
    if (kc_diff_pair_read(a.files[0], a.files[1], KC_JUNIT_READ_NO_TRANSCRIPT,
                          &p, err, sizeof(err))) {
        fprintf(stderr, "kmsconf diff: %s\n", err);
        goto out;
    }
    if (!a.force && catalogs_differ(p->base.report, p->cur.report)) {
        fprintf(stderr,
                "kmsconf diff: %s and %s were made with different catalogs "
                "(kmsconf.catalog_sha256); use --force to compare anyway\n",
                a.files[0], a.files[1]);
        goto out;
    }
    if (kc_diff_pair_check(p, a.files[0], a.files[1], err, sizeof(err))) {
        if (!a.allow_partial) {
            fprintf(stderr,
                    "kmsconf diff: %s; use --allow-partial to compare "
                    "anyway\n",
                    err);
            goto out;
        }
        fprintf(stderr, "kmsconf diff: warning: %s (--allow-partial)\n", err);
    }
    const struct kc_diff *d = p->d;
    if (a.fmt == FMT_MARKDOWN)
        kc_diff_print_markdown(stdout, d, a.files[0], a.files[1]);
    else if (a.fmt == FMT_JSON)
        kc_diff_print_json(stdout, d, a.files[0], a.files[1], a.mask);
    else
        kc_diff_print_text(stdout, d, a.files[0], a.files[1]);
    if (a.fmt != FMT_JSON)
        kc_levels_print_diff(stdout, &p->base.levels, &p->cur.levels,
                             a.fmt == FMT_MARKDOWN);
    rc = kc_diff_fails(d, a.mask) ? KC_EXIT_NONCONFORMANT : KC_EXIT_OK;
    if (fflush(stdout)) {
        fprintf(stderr, "kmsconf diff: cannot write to stdout\n");
        rc = KC_EXIT_USAGE;
    }
out:
    kc_diff_pair_free(p);
    return rc;
}
