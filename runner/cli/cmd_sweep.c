/*
 * kmsconf sweep: remove the keys and aliases that interrupted runs left on a
 * target (see runner/include/kc/sweep.h for what counts as left over).
 *
 * Exit codes: 0 done (or nothing to do), 1 a removal failed or the default
 * credential could not list its account, 2 usage or target error, 3 target
 * unreachable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "kc/err.h"
#include "kc/http.h"
#include "kc/target.h"
#include "opts.h"
#include "kc/sweep.h"

struct sweep_args {
    const char *target;
    const char *endpoint;
    const char *credential;
    const char *label;
    const char *ledger;
    const char *cacert;
    bool insecure;
    bool dry_run;
};

enum {
    OPT_TARGET,
    OPT_ENDPOINT,
    OPT_DRY_RUN,
    OPT_CREDENTIAL,
    OPT_LABEL,
    OPT_LEDGER,
    OPT_INSECURE,
    OPT_CACERT
};

static const struct kc_opt sweep_opts[] = {
    {"--target", "FILE", "target profile (docs/target-profile.md)", OPT_TARGET},
    {"--endpoint", "URL",
     "override its endpoint; alone: the short form with "
     "KMSCONF_ACCESS_KEY_ID/_SECRET",
     OPT_ENDPOINT},
    {"--dry-run", NULL, "only print what would be removed", OPT_DRY_RUN},
    {"--credential", "NAME", "sweep only that credential's account",
     OPT_CREDENTIAL},
    {"--label", "LABEL", "only one run's resources (kmsconf-<hex>)", OPT_LABEL},
    {"--ledger", "FILE",
     "only what that run ledger holds and does not record removed (also "
     "after SIGKILL)",
     OPT_LEDGER},
    {"--insecure", NULL, "do not verify TLS certificates", OPT_INSECURE},
    {"--cacert", "FILE", "CA bundle for TLS verification", OPT_CACERT},
};
#define NOPTS (sizeof(sweep_opts) / sizeof(sweep_opts[0]))

static void sweep_usage(FILE *out)
{
    kc_opts_usage(
        out, "sweep (--target FILE | --endpoint URL) [options]",
        "Finds what interrupted runs left on a target and removes it:\n"
        "aliases named alias/kmsconf-*, and keys whose Description starts\n"
        "with kmsconf- that are not PendingDeletion yet (scheduled for\n"
        "deletion with the shortest window, 7 days). Every credential of\n"
        "the target is swept, one account each.\n"
        "Exit: 0 done, 1 a removal failed, 2 usage or target error,\n"
        "3 target unreachable.",
        sweep_opts, NOPTS);
}

static int on_opt(void *ctx, int id, const char *value)
{
    struct sweep_args *a = ctx;
    const char **dst[] = {
        [OPT_TARGET] = &a->target,         [OPT_ENDPOINT] = &a->endpoint,
        [OPT_CREDENTIAL] = &a->credential, [OPT_LABEL] = &a->label,
        [OPT_LEDGER] = &a->ledger,         [OPT_CACERT] = &a->cacert};

    if (id == OPT_DRY_RUN) {
        a->dry_run = true;
    } else if (id == OPT_INSECURE) {
        a->insecure = true;
    } else if (!value[0]) {
        fprintf(stderr, "kmsconf sweep: %s needs a value\n",
                sweep_opts[id].name);
        return -1;
    } else {
        *dst[id] = value;
    }
    return 0;
}

/* 0 parsed, 1 help shown, -1 usage error (printed): as kc_opts_parse. */
static int parse_args(int argc, char **argv, struct sweep_args *a)
{
    const char **pos = NULL;
    size_t npos = 0;
    int rc = kc_opts_parse("sweep", sweep_opts, NOPTS, argc, argv, on_opt, a,
                           &pos, &npos);

    if (rc == 0 && npos) {
        fprintf(stderr,
                "kmsconf sweep: unexpected argument '%s' (see 'kmsconf sweep "
                "--help')\n",
                pos[0]);
        rc = -1;
    }
    free(pos);
    if (rc == 1)
        sweep_usage(stdout);
    if (rc != 0)
        return rc;
    if (a->ledger && a->label) {
        fprintf(stderr, "kmsconf sweep: --ledger and --label exclude each "
                        "other (a ledger names its runs)\n");
        return -1;
    }
    if (!a->target && !a->endpoint) {
        fprintf(stderr, "kmsconf sweep: a target is required (--target FILE "
                        "or --endpoint URL)\n");
        return -1;
    }
    return 0;
}

static struct kc_target *load_target(const struct sweep_args *a)
{
    struct kc_target *t = NULL;
    char err[KC_ERR_MAX];
    int rc;

    if (a->target)
        rc = kc_target_load(&t, a->target, a->endpoint, err, sizeof(err));
    else
        rc = kc_target_from_env(&t, a->endpoint, err, sizeof(err));
    if (rc != 0) {
        fprintf(stderr, "kmsconf sweep: %s\n", err);
        return NULL;
    }
    return t;
}

static void print_summary(const struct kc_sweep_stats *st, bool dry_run)
{
    printf("sweep: %zu alias%s and %zu key%s %s", st->aliases,
           st->aliases == 1 ? "" : "es", st->keys, st->keys == 1 ? "" : "s",
           dry_run ? "would be removed (dry run)" : "removed");
    if (st->failures)
        printf(", %zu failed", st->failures);
    if (st->list_errors)
        printf(", %zu credential%s could not list", st->list_errors,
               st->list_errors == 1 ? "" : "s");
    printf("\n");
}

static enum kc_exit sweep(const struct sweep_args *a, const struct kc_target *t)
{
    struct kc_sweep_opts o;
    struct kc_sweep_stats st;
    enum kc_exit rc;

    memset(&o, 0, sizeof(o));
    o.dry_run = a->dry_run;
    o.label = a->label;
    o.credential = a->credential;
    o.ledger = a->ledger;
    o.http.insecure = a->insecure || !t->tls_verify;
    o.http.cacert = a->cacert ? a->cacert : t->tls_cacert;
    o.out = stdout;
    o.err = stderr;
    rc = kc_sweep_run(t, &o, &st);
    kc_http_global_cleanup();
    if (rc == KC_EXIT_USAGE)
        return rc;
    print_summary(&st, a->dry_run);
    if (rc == KC_EXIT_UNREACHABLE)
        fprintf(stderr, "kmsconf sweep: target unreachable\n");
    return rc;
}

enum kc_exit kc_cmd_sweep(int argc, char **argv)
{
    struct sweep_args a;
    struct kc_target *t = NULL;
    enum kc_exit rc = KC_EXIT_USAGE;
    int prc;

    memset(&a, 0, sizeof(a));
    prc = parse_args(argc, argv, &a);
    if (prc != 0)
        return kc_opts_parse_exit(prc);
    t = load_target(&a);
    if (!t)
        return KC_EXIT_USAGE;
    if (kc_http_global_init() != 0)
        fprintf(stderr, "kmsconf sweep: cannot initialise libcurl\n");
    else
        rc = sweep(&a, t);
    kc_target_free(t);
    return rc;
}
