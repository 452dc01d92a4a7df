/* kmsconf matrix: conformance matrix of several reports
 * (docs/reports.md). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "kc/catalog.h"
#include "kc/matrix.h"
#include "kc/outfile.h"
#include "locate.h"
#include "opts.h"

#define CATALOG_PATH_MAX 4096

enum { OPT_CASES, OPT_HTML, OPT_CATALOG };

static const struct kc_opt matrix_opts[] = {
    {"--cases", NULL, "one row per case under each code", OPT_CASES},
    {"--html", "FILE", "also write a self-contained, filterable HTML page",
     OPT_HTML},
    {"--catalog", "FILE",
     "the catalog whose codes are the rows (default: suite/catalog.json)",
     OPT_CATALOG},
};
#define NOPTS (sizeof(matrix_opts) / sizeof(matrix_opts[0]))

static void matrix_usage(FILE *f)
{
    kc_opts_usage(f, "matrix [options] R1.xml [R2.xml ...]",
                  "The conformance matrix of the reports (JUnit XML or "
                  "results\nJSON): codes by targets. "
                  "Markdown goes to stdout. Exit: 0 written, 2 usage or "
                  "unreadable input.",
                  matrix_opts, NOPTS);
}

struct matrix_args {
    bool cases;
    const char *html, *catalog;
    const char **files;
    size_t nfiles;
};

static int on_opt(void *ctx, int id, const char *value)
{
    struct matrix_args *a = ctx;

    if (id == OPT_CASES)
        a->cases = true;
    else if (id == OPT_HTML)
        a->html = value;
    else
        a->catalog = value;
    return 0;
}

/* 0 parsed, 1 help shown, -1 usage error (printed): as kc_opts_parse.
 * a->files: caller frees. */
static int parse_args(int argc, char **argv, struct matrix_args *a)
{
    int rc = kc_opts_parse("matrix", matrix_opts, NOPTS, argc, argv, on_opt, a,
                           &a->files, &a->nfiles);
    if (rc == 1)
        matrix_usage(stdout);
    if (rc == 0 && a->nfiles == 0) {
        fprintf(stderr, "kmsconf matrix: need at least one report (see "
                        "--help)\n");
        rc = -1;
    }
    return rc;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int write_html(const char *path, struct kc_matrix *m, bool cases)
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
    rc = kc_matrix_write_html(f, m, cases);
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

/* Streams every report named by a into m, labelled by file name: only what
 * the matrix prints is kept. 0 or -1 (printed). */
static int read_reports(const struct matrix_args *a, struct kc_matrix *m)
{
    char err[KC_CMD_ERR_MAX];

    for (size_t i = 0; i < a->nfiles; i++) {
        if (kc_matrix_read(m, i, a->files[i], base_name(a->files[i]), err,
                           sizeof(err))) {
            fprintf(stderr, "kmsconf matrix: %s\n", err);
            return -1;
        }
    }
    return 0;
}

/* The table on stdout, then the page when asked. 0 or -1 (printed). */
static int write_matrix(const struct matrix_args *a, struct kc_matrix *m)
{
    if (kc_matrix_write_markdown(stdout, m, a->cases) || fflush(stdout)) {
        fprintf(stderr, "kmsconf matrix: cannot write the table\n");
        return -1;
    }
    return a->html ? write_html(a->html, m, a->cases) : 0;
}

enum kc_exit kc_cmd_matrix(int argc, char **argv)
{
    char catalog[CATALOG_PATH_MAX];
    const char *catalog_file;
    struct matrix_args a = {0};
    const char **codes = NULL;
    struct kc_catalog *cat = NULL;
    struct kc_matrix *m = NULL;
    char err[KC_CMD_ERR_MAX];
    enum kc_exit rc = KC_EXIT_USAGE;
    int prc;

    prc = parse_args(argc, argv, &a);
    if (prc != 0) {
        rc = kc_opts_parse_exit(prc);
        goto out;
    }
    catalog_file =
        kc_locate_catalog(a.catalog, "matrix", catalog, sizeof(catalog));
    if (!catalog_file)
        goto out;
    if (kc_catalog_load(&cat, catalog_file, err, sizeof(err))) {
        fprintf(stderr, "kmsconf matrix: %s\n", err);
        goto out;
    }
    codes = catalog_codes(cat);
    /* the page shows the case rows and diagnoses; the table only asked */
    unsigned flags = a.html    ? KC_MATRIX_CASES | KC_MATRIX_DIAG
                     : a.cases ? KC_MATRIX_CASES
                               : 0;
    m = codes ? kc_matrix_new(codes, cat->nentries, a.nfiles, flags) : NULL;
    if (!m) {
        fprintf(stderr, "kmsconf matrix: out of memory\n");
        goto out;
    }
    if (read_reports(&a, m) != 0)
        goto out;
    if (write_matrix(&a, m) == 0)
        rc = KC_EXIT_OK;
out:
    kc_matrix_free(m);
    free(a.files);
    free(codes);
    kc_catalog_free(cat);
    return rc;
}
