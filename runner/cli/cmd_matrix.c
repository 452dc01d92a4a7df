/* kmsconf matrix: conformance matrix of several reports
 * (docs/reports.md). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "kc/junit.h"
#include "kc/catalog.h"
#include "kc/matrix.h"
#include "kc/outfile.h"
#include "locate.h"
#include "opts.h"

#define CATALOG_PATH_MAX 4096

static void matrix_usage(FILE *f)
{
    fprintf(f, "usage: kmsconf matrix [--cases] [--html FILE] [--catalog "
               "FILE] R1.xml [R2.xml ...]\n"
               "  --cases       one row per case under each code\n"
               "  --html FILE   also write a self-contained, filterable HTML "
               "page\n"
               "  --catalog F   the catalog whose codes are the rows "
               "(default: suite/catalog.json)\n"
               "Markdown goes to stdout. exit: 0 written, 2 usage or "
               "unreadable input\n");
}

struct matrix_args {
    bool cases;
    const char *html, *catalog;
    const char **files;
    size_t nfiles;
};

/* 0 parsed, 1 help shown, -1 usage error (printed): as kc_opts_parse. */
static int parse_args(int argc, char **argv, struct matrix_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            matrix_usage(stdout);
            return 1;
        } else if (!strcmp(s, "--cases")) {
            a->cases = true;
        } else if (!strcmp(s, "--html") || !strcmp(s, "--catalog")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "kmsconf matrix: %s needs a file name\n", s);
                return -1;
            }
            *(!strcmp(s, "--html") ? &a->html : &a->catalog) = argv[++i];
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr,
                    "kmsconf matrix: unknown option '%s' (see --help)\n", s);
            return -1;
        } else {
            a->files[a->nfiles++] = s;
        }
    }
    if (a->nfiles == 0) {
        fprintf(stderr, "kmsconf matrix: need at least one report (see "
                        "--help)\n");
        return -1;
    }
    return 0;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int write_html(const char *path, const struct kc_matrix_input *in)
{
    char err[KC_CMD_ERR_MAX];
    char *page = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&page, &len);
    int rc;

    if (!f) {
        fprintf(stderr, "kmsconf matrix: out of memory\n");
        return -1;
    }
    rc = kc_matrix_html(f, in);
    if (fclose(f) || rc) {
        fprintf(stderr, "kmsconf matrix: %s: cannot write the page\n", path);
        free(page);
        return -1;
    }
    rc = kc_outfile_write(path, page, len, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "kmsconf matrix: %s\n", err);
    free(page);
    return rc;
}

/* The catalog's codes in file order (caller frees the array); NULL when
 * out of memory. */
static const char **catalog_codes(const struct kc_catalog *cat)
{
    const char **codes = calloc(cat->nentries + 1, sizeof(*codes));

    for (size_t i = 0; codes && i < cat->nentries; i++)
        codes[i] = cat->entries[i].code;
    return codes;
}

/* Reads every report named by a, labelled by file name. 0 or -1
 * (printed). */
static int read_reports(const struct matrix_args *a, struct kc_report **in,
                        const char **labels)
{
    char err[KC_CMD_ERR_MAX];

    for (size_t i = 0; i < a->nfiles; i++) {
        labels[i] = base_name(a->files[i]);
        if (kc_junit_read_flags(a->files[i], KC_JUNIT_READ_NO_TRANSCRIPT,
                                &in[i], err, sizeof(err))) {
            fprintf(stderr, "kmsconf matrix: %s\n", err);
            return -1;
        }
    }
    return 0;
}

/* The table on stdout, then the page when asked. 0 or -1 (printed). */
static int write_matrix(const struct matrix_args *a,
                        const struct kc_matrix_input *mi)
{
    if (kc_matrix_markdown(stdout, mi) || fflush(stdout)) {
        fprintf(stderr, "kmsconf matrix: cannot write the table\n");
        return -1;
    }
    return a->html ? write_html(a->html, mi) : 0;
}

/* --catalog, else the located suite's catalog.json (into buf); NULL after
 * printing where the suite was looked for. */
static const char *catalog_path(const struct matrix_args *a, char *buf,
                                size_t len)
{
    char looked[KC_LOCATE_LOOKED_MAX];
    const char *suite;

    if (a->catalog)
        return a->catalog;
    suite = kc_locate(KC_LOCATE_SUITE, looked, sizeof(looked));
    if (!suite) {
        fprintf(stderr,
                "kmsconf matrix: no suite folder with catalog.json found "
                "(looked in %s)\n",
                looked);
        return NULL;
    }
    snprintf(buf, len, "%s/catalog.json", suite);
    return buf;
}

enum kc_exit kc_cmd_matrix(int argc, char **argv)
{
    char catalog[CATALOG_PATH_MAX];
    const char *catalog_file;
    struct matrix_args a = {0};
    struct kc_report **in = calloc((size_t)argc + 1, sizeof(*in));
    const char **labels = calloc((size_t)argc + 1, sizeof(*labels));
    const char **codes = NULL;
    struct kc_catalog *cat = NULL;
    char err[KC_CMD_ERR_MAX];
    enum kc_exit rc = KC_EXIT_USAGE;
    int prc;

    a.files = calloc((size_t)argc + 1, sizeof(*a.files));
    if (!in || !labels || !a.files)
        goto out;
    prc = parse_args(argc, argv, &a);
    if (prc != 0) {
        rc = kc_opts_parse_exit(prc);
        goto out;
    }
    catalog_file = catalog_path(&a, catalog, sizeof(catalog));
    if (!catalog_file)
        goto out;
    if (kc_catalog_load(&cat, catalog_file, err, sizeof(err))) {
        fprintf(stderr, "kmsconf matrix: %s\n", err);
        goto out;
    }
    codes = catalog_codes(cat);
    if (!codes || read_reports(&a, in, labels) != 0)
        goto out;
    struct kc_matrix_input mi = {in,    labels,        a.nfiles,
                                 codes, cat->nentries, a.cases};
    if (write_matrix(&a, &mi) == 0)
        rc = KC_EXIT_OK;
out:
    for (size_t i = 0; in && i < a.nfiles; i++)
        kc_report_free(in[i]);
    free(in);
    free(labels);
    free(a.files);
    free(codes);
    kc_catalog_free(cat);
    return rc;
}
