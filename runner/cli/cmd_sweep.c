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

static void sweep_usage(FILE *out)
{
    fprintf(
        out,
        "usage: kmsconf sweep (--target FILE | --endpoint URL) [options]\n"
        "\n"
        "Finds what interrupted runs left on a target and removes it:\n"
        "aliases named alias/kmsconf-*, and keys whose Description starts\n"
        "with kmsconf- that are not PendingDeletion yet (scheduled for\n"
        "deletion with the shortest window, 7 days). Every credential of\n"
        "the target is swept, one account each.\n"
        "\n"
        "  --target FILE      target profile (docs/target-profile.md)\n"
        "  --endpoint URL     override its endpoint; alone: the short form\n"
        "                     with KMSCONF_ACCESS_KEY_ID/_SECRET\n"
        "  --dry-run          only print what would be removed\n"
        "  --credential NAME  sweep only that credential's account\n"
        "  --label LABEL      only one run's resources (kmsconf-<hex>)\n"
        "  --ledger FILE      only what that run ledger holds and does not\n"
        "                     record removed (also after SIGKILL)\n"
        "  --insecure         do not verify TLS certificates\n"
        "  --cacert FILE      CA bundle for TLS verification\n"
        "\n"
        "exit: 0 done, 1 a removal failed, 2 usage or target error,\n"
        "      3 target unreachable\n");
}

/* Takes the value of option argv[*i]; NULL (and a message) when missing. */
static const char *opt_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc || !argv[*i + 1][0]) {
        fprintf(stderr, "kmsconf sweep: %s needs a value\n", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

/* 0 parsed, 1 help shown, -1 usage error (printed): as kc_opts_parse. */
static int parse_args(int argc, char **argv, struct sweep_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char **dst = NULL;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            sweep_usage(stdout);
            return 1;
        } else if (!strcmp(o, "--dry-run")) {
            a->dry_run = true;
        } else if (!strcmp(o, "--insecure")) {
            a->insecure = true;
        } else if (!strcmp(o, "--target")) {
            dst = &a->target;
        } else if (!strcmp(o, "--endpoint")) {
            dst = &a->endpoint;
        } else if (!strcmp(o, "--credential")) {
            dst = &a->credential;
        } else if (!strcmp(o, "--label")) {
            dst = &a->label;
        } else if (!strcmp(o, "--ledger")) {
            dst = &a->ledger;
        } else if (!strcmp(o, "--cacert")) {
            dst = &a->cacert;
        } else {
            fprintf(stderr,
                    "kmsconf sweep: unknown option '%s' (see 'kmsconf sweep "
                    "--help')\n",
                    o);
            return -1;
        }
        if (dst && !(*dst = opt_value(argc, argv, &i)))
            return -1;
    }
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
