/* kmsconf report: one run's report as a summary line and an HTML page
 * (docs/reports.md). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "kc/html.h"
#include "kc/junit.h"
#include "kc/outfile.h"
#include "kc/results.h"
#include "opts.h"

enum { OPT_HTML };

static const struct kc_opt report_opts[] = {
    {"--html", "FILE", "also write one self-contained HTML page of the run",
     OPT_HTML},
};
#define NOPTS (sizeof(report_opts) / sizeof(report_opts[0]))

static void report_usage(FILE *f)
{
    kc_opts_usage(f, "report [options] REPORT.xml",
                  "The totals of one run's report (JUnit XML or results "
                  "JSON) on\nstdout, and its page.\n"
                  "Exit: 0 written, 2 usage or unreadable input.",
                  report_opts, NOPTS);
}

struct report_args {
    const char *html;
    const char **files;
    size_t nfiles;
};

static int on_opt(void *ctx, int id, const char *value)
{
    struct report_args *a = ctx;

    if (id == OPT_HTML)
        a->html = value;
    return 0;
}

/* 0 parsed, 1 help shown, -1 usage error (printed): as kc_opts_parse.
 * a->files: caller frees. */
static int parse_args(int argc, char **argv, struct report_args *a)
{
    int rc = kc_opts_parse("report", report_opts, NOPTS, argc, argv, on_opt, a,
                           &a->files, &a->nfiles);
    if (rc == 1)
        report_usage(stdout);
    if (rc == 0 && a->nfiles != 1) {
        fprintf(stderr, "kmsconf report: %s (see --help)\n",
                a->nfiles ? "one report only" : "need a report");
        rc = -1;
    }
    return rc;
}

/* "356 testcases: 350 passed, ..." on stdout. */
static void print_totals(const struct kc_report *r)
{
    size_t known = 0;
    for (size_t i = 0; i < r->ncases; i++) {
        const struct kc_testcase *tc = &r->cases[i];
        known += tc->outcome == KC_OUTCOME_SKIP && tc->skip_type &&
                 !strcmp(tc->skip_type, "expected-failure");
    }
    printf("%zu testcases: %zu passed, %zu failed, %zu errors, %zu "
           "skipped, %zu known failures\n",
           r->ncases, kc_report_count(r, KC_OUTCOME_PASS),
           kc_report_count(r, KC_OUTCOME_FAIL),
           kc_report_count(r, KC_OUTCOME_ERROR),
           kc_report_count(r, KC_OUTCOME_SKIP) - known, known);
}

static int write_html(const char *path, const struct kc_report *r)
{
    char err[KC_CMD_ERR_MAX];
    char *page = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&page, &len);
    int rc = -1;

    if (!f) {
        fprintf(stderr, "kmsconf report: out of memory\n");
        goto out;
    }
    rc = kc_html_run(f, r, NULL, 0);
    if (fclose(f) || rc) {
        fprintf(stderr, "kmsconf report: %s: cannot write the page\n", path);
        rc = -1;
        goto out;
    }
    rc = kc_outfile_write(path, page, len, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "kmsconf report: %s\n", err);
out:
    free(page);
    return rc;
}

enum kc_exit kc_cmd_report(int argc, char **argv)
{
    struct report_args a = {0};
    struct kc_report *r = NULL;
    char err[KC_CMD_ERR_MAX];
    enum kc_exit rc = KC_EXIT_USAGE;
    int prc = parse_args(argc, argv, &a);

    if (prc != 0) {
        rc = kc_opts_parse_exit(prc);
        goto out;
    }
    if (a.html && kc_outfile_check(a.html, false, err, sizeof(err))) {
        fprintf(stderr, "kmsconf report: %s\n", err);
        goto out;
    }
    if (kc_results_read_any(a.files[0], 0, &r, err, sizeof(err))) {
        fprintf(stderr, "kmsconf report: %s\n", err);
        goto out;
    }
    print_totals(r);
    if (fflush(stdout)) {
        fprintf(stderr, "kmsconf report: cannot write the totals\n");
        goto out;
    }
    if (a.html && write_html(a.html, r) != 0)
        goto out;
    rc = KC_EXIT_OK;
out:
    kc_report_free(r);
    free(a.files);
    return rc;
}
