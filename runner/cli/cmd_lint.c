/* kmsconf lint [PATH...]: validate case files (docs/case-format.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "kc/target.h"
#include "opts.h"

enum { OPT_CASES, OPT_SUITE, OPT_QUIET, OPT_TARGET };
#define MAX_TARGETS 16

static const struct kc_opt lint_opts[] = {
    {"--cases", "DIR", "case folder linted when no PATH is given", OPT_CASES},
    {"--suite", "DIR", "suite folder holding catalog.json", OPT_SUITE},
    {"--quiet", NULL, "print the problems only, no summary line", OPT_QUIET},
    {"--target", "FILE",
     "also check a target profile (repeatable; reads its secrets)", OPT_TARGET},
};
#define NOPTS (sizeof(lint_opts) / sizeof(lint_opts[0]))

struct lint_cfg {
    const char *cases;
    const char *suite;
    int quiet;
    const char *targets[MAX_TARGETS];
    size_t ntargets;
};

static int on_opt(void *ctx, int id, const char *value)
{
    struct lint_cfg *cfg = ctx;

    if (id == OPT_CASES)
        cfg->cases = value;
    else if (id == OPT_SUITE)
        cfg->suite = value;
    else if (id == OPT_QUIET)
        cfg->quiet = 1;
    else if (cfg->ntargets < MAX_TARGETS)
        cfg->targets[cfg->ntargets++] = value;
    else {
        fprintf(stderr, "kmsconf lint: at most %d --target options\n",
                MAX_TARGETS);
        return -1;
    }
    return 0;
}

/* Loads each profile; prints each error as a problem. Returns the count. */
static size_t lint_targets(const struct lint_cfg *cfg)
{
    char err[KC_CMD_ERR_MAX];
    size_t bad = 0;

    for (size_t i = 0; i < cfg->ntargets; i++) {
        struct kc_target *t = NULL;
        if (kc_target_load(&t, cfg->targets[i], NULL, err, sizeof(err)) != 0) {
            printf("%s\n", err);
            bad++;
        }
        kc_target_free(t);
    }
    return bad;
}

enum kc_exit kc_cmd_lint(int argc, char **argv)
{
    struct lint_cfg cfg;
    struct kc_catalog *cat = NULL;
    struct kc_caseset set;
    const char **pos = NULL;
    size_t npos = 0, nissues = 0;
    enum kc_exit rc;
    int prc;

    memset(&cfg, 0, sizeof(cfg));
    prc = kc_opts_parse("lint", lint_opts, NOPTS, argc, argv, on_opt, &cfg,
                        &pos, &npos);
    if (prc != 0) {
        if (prc == 1)
            kc_opts_usage(stdout, "lint [options] [PATH...]",
                          "Validates case files (files or folders, default "
                          "the suite's cases folder).\nPrints one line per "
                          "problem: <file>: <JSON path>: <what>.\nExit 0 "
                          "when all are valid, 2 otherwise.",
                          lint_opts, NOPTS);
        return kc_opts_parse_exit(prc);
    }
    kc_caseset_init(&set);
    rc = kc_opts_load("lint", kc_opts_suite_dir(cfg.suite),
                      kc_opts_cases_dir(cfg.cases), pos, npos, &cat, &set,
                      stdout, &nissues);
    if (cfg.ntargets) {
        size_t bad = lint_targets(&cfg);
        nissues += bad;
        if (bad && rc == KC_EXIT_OK)
            rc = KC_EXIT_USAGE;
    }
    if (!cfg.quiet && cat) {
        if (nissues)
            printf("kmsconf lint: %zu problem%s, %zu valid case%s\n", nissues,
                   nissues == 1 ? "" : "s", set.n, set.n == 1 ? "" : "s");
        else
            printf("kmsconf lint: %zu case%s, no problems\n", set.n,
                   set.n == 1 ? "" : "s");
    }
    kc_caseset_dispose(&set);
    kc_catalog_free(cat);
    free(pos);
    return rc;
}
