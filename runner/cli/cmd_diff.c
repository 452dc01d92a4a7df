/* kmsconf diff: compare two reports (docs/reports.md). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "kc/diff.h"
#include "kc/junit.h"
#include "opts.h"

static void diff_usage(FILE *f)
{
    fprintf(f,
            "usage: kmsconf diff [--markdown | --json] [--fail-on CAT[,CAT]] "
            "[--force] [--allow-partial] BASE.xml NEW.xml\n"
            "  --fail-on   categories that make the exit code 1 (default: "
            "regression);\n"
            "              regression, fix, changed, new-failing, "
            "new-passing, added,\n"
            "              removed, skipped, unskipped, skip-reason, new, "
            "skip, all, none\n"
            "  --force     compare reports made with different catalogs\n"
            "  --allow-partial\n"
            "              compare although NEW is interrupted or has fewer "
            "testcases\n"
            "              than BASE, or a report holds a testcase twice\n"
            "exit: 0 nothing in the --fail-on categories, 1 something, 2 "
            "usage or unreadable report\n");
}

enum diff_fmt { FMT_TEXT, FMT_MARKDOWN, FMT_JSON };

struct diff_args {
    enum diff_fmt fmt;
    unsigned mask;
    bool force;
    bool allow_partial;
    const char *files[2];
};

/* 0 parsed, 1 help shown, -1 usage error (printed): as kc_opts_parse. */
static int parse_args(int argc, char **argv, struct diff_args *a)
{
    char err[KC_ERR_MAX];
    size_t nfiles = 0;
    a->mask = 1u << KC_DIFF_REGRESSION;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            diff_usage(stdout);
            return 1;
        } else if (!strcmp(s, "--markdown")) {
            a->fmt = FMT_MARKDOWN;
        } else if (!strcmp(s, "--json")) {
            a->fmt = FMT_JSON;
        } else if (!strcmp(s, "--force")) {
            a->force = true;
        } else if (!strcmp(s, "--allow-partial")) {
            a->allow_partial = true;
        } else if (!strcmp(s, "--fail-on") || !strncmp(s, "--fail-on=", 10)) {
            const char *v =
                s[9] == '=' ? s + 10 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v) {
                fprintf(stderr, "kmsconf diff: --fail-on needs a value\n");
                return -1;
            }
            if (kc_diff_parse_cats(v, &a->mask, err, sizeof(err))) {
                fprintf(stderr, "kmsconf diff: --fail-on: %s\n", err);
                return -1;
            }
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "kmsconf diff: unknown option '%s' (see --help)\n",
                    s);
            return -1;
        } else if (nfiles < 2) {
            a->files[nfiles++] = s;
        } else {
            fprintf(stderr, "kmsconf diff: expected two reports, got more\n");
            return -1;
        }
    }
    if (nfiles != 2) {
        fprintf(stderr, "kmsconf diff: expected two reports BASE.xml "
                        "NEW.xml (see --help)\n");
        return -1;
    }
    return 0;
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
    struct kc_report *base = NULL, *cur = NULL;
    struct kc_diff *d = NULL;
    if (kc_junit_read_flags(a.files[0], KC_JUNIT_READ_NO_TRANSCRIPT, &base, err,
                            sizeof(err)) ||
        kc_junit_read_flags(a.files[1], KC_JUNIT_READ_NO_TRANSCRIPT, &cur, err,
                            sizeof(err))) {
        fprintf(stderr, "kmsconf diff: %s\n", err);
        goto out;
    }
    if (!a.force && catalogs_differ(base, cur)) {
        fprintf(stderr,
                "kmsconf diff: %s and %s were made with different catalogs "
                "(kmsconf.catalog_sha256); use --force to compare anyway\n",
                a.files[0], a.files[1]);
        goto out;
    }
    if (kc_diff_check_inputs(base, cur, a.files[0], a.files[1], err,
                             sizeof(err))) {
        if (!a.allow_partial) {
            fprintf(stderr,
                    "kmsconf diff: %s; use --allow-partial to compare "
                    "anyway\n",
                    err);
            goto out;
        }
        fprintf(stderr, "kmsconf diff: warning: %s (--allow-partial)\n", err);
    }
    if (kc_diff_compute(base, cur, &d)) {
        fprintf(stderr, "kmsconf diff: out of memory\n");
        goto out;
    }
    if (a.fmt == FMT_MARKDOWN)
        kc_diff_print_markdown(stdout, d, a.files[0], a.files[1]);
    else if (a.fmt == FMT_JSON)
        kc_diff_print_json(stdout, d, a.files[0], a.files[1], a.mask);
    else
        kc_diff_print_text(stdout, d, a.files[0], a.files[1]);
    rc = kc_diff_fails(d, a.mask) ? KC_EXIT_NONCONFORMANT : KC_EXIT_OK;
    if (fflush(stdout)) {
        fprintf(stderr, "kmsconf diff: cannot write to stdout\n");
        rc = KC_EXIT_USAGE;
    }
out:
    kc_diff_free(d);
    kc_report_free(base);
    kc_report_free(cur);
    return rc;
}
