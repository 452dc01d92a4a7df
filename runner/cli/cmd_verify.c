/* kmsconf verify: re-checks an evidence bundle offline (docs/bundles.md). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd.h"
#include "kc/bverify.h"
#include "opts.h"

enum { OPT_KEY };

static const struct kc_opt verify_opts[] = {
    {"--key", "PUBKEY.pem",
     "also check SHA256SUMS.sig with this Ed25519 public key", OPT_KEY},
};
#define NOPTS (sizeof(verify_opts) / sizeof(verify_opts[0]))

struct verify_args {
    const char *key;
    const char **pos;
    size_t npos;
};

static int on_opt(void *ctx, int id, const char *value)
{
    struct verify_args *a = ctx;

    if (id == OPT_KEY)
        a->key = value;
    return 0;
}

static void print_problem(void *ctx, const char *line)
{
    (void)ctx;
    printf("%s\n", line);
}

/* What the summary says of the signature. */
static const char *sig_note(const char *dir, const char *key, int verdict)
{
    char path[KC_CMD_ERR_MAX];
    if (key)
        return verdict ? "" : ", signature valid";
    snprintf(path, sizeof(path), "%s/SHA256SUMS.sig", dir);
    return access(path, F_OK) == 0 ? ", signature not checked (no --key)" : "";
}

enum kc_exit kc_cmd_verify(int argc, char **argv)
{
    struct verify_args a = {0};
    struct kc_bverify_stats st;
    char err[KC_CMD_ERR_MAX];
    enum kc_exit rc = KC_EXIT_USAGE;
    int prc = kc_opts_parse("verify", verify_opts, NOPTS, argc, argv, on_opt,
                            &a, &a.pos, &a.npos);
    if (prc == 1)
        kc_opts_usage(stdout, "verify [options] DIR",
                      "Re-derives every verdict of an evidence bundle from its "
                      "recorded answers and checks that no byte changed.\n"
                      "Exit: 0 identical, 1 a difference or a tampered file, "
                      "2 usage or unreadable bundle.",
                      verify_opts, NOPTS);
    if (prc) {
        rc = kc_opts_parse_exit(prc);
        goto out;
    }
    if (a.npos != 1) {
        fprintf(stderr, "kmsconf verify: %s (see --help)\n",
                a.npos ? "one bundle only" : "need a bundle folder");
        goto out;
    }
    int v = kc_bverify_run(a.pos[0], a.key, print_problem, NULL, &st, err,
                           sizeof(err));
    if (v < 0) {
        fprintf(stderr, "kmsconf verify: %s\n", err);
        goto out;
    }
    printf("%s: %zu answers re-checked, %zu testcases compared, %zu "
           "differences, %zu file problems%s\n",
           v ? "FAILED" : "verified", st.answers, st.testcases, st.differences,
           st.files_problems, sig_note(a.pos[0], a.key, v));
    rc = v ? KC_EXIT_NONCONFORMANT : KC_EXIT_OK;
out:
    free(a.pos);
    return rc;
}
