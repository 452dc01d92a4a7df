/* kmsconf site: a static results site from reports, results files and
 * bundles (docs/site.md). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "kc/catalog.h"
#include "kc/junit.h"
#include "kc/results.h"
#include "kc/site.h"
#include "locate.h"
#include "opts.h"

#define SITE_ARG_PATH_MAX 4096

enum { OPT_CATALOG };

static const struct kc_opt site_opts[] = {
    {"--catalog", "FILE",
     "the catalog whose codes get pages (default: suite/catalog.json)",
     OPT_CATALOG},
};
#define NOPTS (sizeof(site_opts) / sizeof(site_opts[0]))

static void site_usage(FILE *f)
{
    kc_opts_usage(f, "site [options] OUT INPUT...",
                  "Writes a static results site into the folder OUT from "
                  "the INPUTs:\nJUnit reports, results files, or bundle "
                  "folders (their results.json).\nExit: 0 written, 2 usage, "
                  "unreadable input or unwritable OUT.",
                  site_opts, NOPTS);
}

struct site_args {
    const char *catalog;
    const char **pos; /* OUT, then the inputs */
    size_t npos;
};

static int on_opt(void *ctx, int id, const char *value)
{
    struct site_args *a = ctx;

    (void)id;
    a->catalog = value;
    return 0;
}

/* A bundle folder stands for its results.json (into buf). */
static const char *input_path(const char *arg, char *buf, size_t len)
{
    struct stat st;

    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(buf, len, "%s/results.json", arg);
        return buf;
    }
    return arg;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

/* Reads the inputs (transcripts kept: the code pages show them); a bundle
 * folder's name goes to bundles. */
static int read_inputs(const struct site_args *a, struct kc_report **in,
                       const char **labels, const char **bundles)
{
    char err[KC_CMD_ERR_MAX], path[SITE_ARG_PATH_MAX];

    for (size_t i = 1; i < a->npos; i++) {
        const char *p = input_path(a->pos[i], path, sizeof(path));
        labels[i - 1] = base_name(a->pos[i]);
        bundles[i - 1] = p == a->pos[i] ? NULL : a->pos[i];
        if (kc_results_read_any(p, 0, &in[i - 1], err, sizeof(err))) {
            fprintf(stderr, "kmsconf site: %s\n", err);
            return -1;
        }
    }
    return 0;
}

static enum kc_exit build(const struct site_args *a, struct kc_report **in,
                          const char **labels, const char **bundles,
                          const struct kc_catalog *cat)
{
    const char **codes = calloc(cat->nentries + 1, sizeof(*codes));
    char err[KC_CMD_ERR_MAX];
    enum kc_exit rc = KC_EXIT_USAGE;

    if (!codes) {
        fprintf(stderr, "kmsconf site: out of memory\n");
        return rc;
    }
    for (size_t i = 0; i < cat->nentries; i++)
        codes[i] = cat->entries[i].code;
    struct kc_site_input si = {in,    labels,        a->npos - 1,
                               codes, cat->nentries, bundles};
    if (kc_site_write(a->pos[0], &si, err, sizeof(err)) == 0) {
        printf("kmsconf site: %s: %zu reports\n", a->pos[0], a->npos - 1);
        rc = KC_EXIT_OK;
    } else {
        fprintf(stderr, "kmsconf site: %s\n", err);
    }
    free(codes);
    return rc;
}

enum kc_exit kc_cmd_site(int argc, char **argv)
{
    char catalog[SITE_ARG_PATH_MAX], err[KC_CMD_ERR_MAX];
    struct site_args a = {0};
    struct kc_report **in = calloc((size_t)argc + 1, sizeof(*in));
    const char **labels = calloc((size_t)argc + 1, sizeof(*labels));
    const char **bundles = calloc((size_t)argc + 1, sizeof(*bundles));
    struct kc_catalog *cat = NULL;
    const char *cfile;
    enum kc_exit rc = KC_EXIT_USAGE;
    int prc = in && labels && bundles
                  ? kc_opts_parse("site", site_opts, NOPTS, argc, argv, on_opt,
                                  &a, &a.pos, &a.npos)
                  : -1;

    if (prc == 1)
        site_usage(stdout);
    if (prc == 0 && a.npos < 2) {
        fprintf(stderr, "kmsconf site: need OUT and at least one input "
                        "(see --help)\n");
        prc = -1;
    }
    if (prc != 0) {
        rc = kc_opts_parse_exit(prc);
        goto out;
    }
    cfile = kc_locate_catalog(a.catalog, "site", catalog, sizeof(catalog));
    if (!cfile || kc_catalog_load(&cat, cfile, err, sizeof(err))) {
        if (cfile)
            fprintf(stderr, "kmsconf site: %s\n", err);
        goto out;
    }
    if (read_inputs(&a, in, labels, bundles) == 0)
        rc = build(&a, in, labels, bundles, cat);
out:
    for (size_t i = 0; in && i < (size_t)argc; i++)
        kc_report_free(in[i]);
    kc_catalog_free(cat);
    free(in);
    free(labels);
    free(bundles);
    free(a.pos);
    return rc;
}
