/* kmsconf expect: write or check an expectation file
 * (docs/expectations.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "kc/expect.h"
#include "kc/outfile.h"
#include "opts.h"

enum { OPT_FROM, OPT_OUTPUT, OPT_CHECK };

static const struct kc_opt expect_opts[] = {
    {"--from", "REPORT", "list every failed check of REPORT as a known failure",
     OPT_FROM},
    {"-o, --output", "FILE", "write there instead of stdout", OPT_OUTPUT},
    {"--check", "FILE", "validate an expectation file", OPT_CHECK},
};
#define NOPTS (sizeof(expect_opts) / sizeof(expect_opts[0]))

static void expect_usage(FILE *f)
{
    kc_opts_usage(f,
                  "expect --from REPORT.xml [-o FILE]\n"
                  "       kmsconf expect --check FILE",
                  "Writes an expectation file from a report (JUnit XML or\n"
                  "results JSON), or checks one.\n"
                  "Exit: 0 done, 2 usage, unreadable report or invalid file.",
                  expect_opts, NOPTS);
}

struct expect_args {
    const char *from, *out, *check;
};

static int on_opt(void *ctx, int id, const char *value)
{
    struct expect_args *a = ctx;

    if (id == OPT_FROM)
        a->from = value;
    else if (id == OPT_OUTPUT)
        a->out = value;
    else
        a->check = value;
    return 0;
}

/* Writes len bytes of text (its final newline included) to path (NULL or
 * "-": stdout). 0 or -1 (printed). */
static int write_text(const char *path, const char *text, size_t len)
{
    if (!path || !strcmp(path, "-")) {
        if (fwrite(text, 1, len, stdout) == len && !fflush(stdout))
            return 0;
        fprintf(stderr, "kmsconf expect: stdout: cannot write: %s\n",
                strerror(errno));
        return -1;
    }
    char err[KC_CMD_ERR_MAX];
    int rc = kc_outfile_write(path, text, len, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "kmsconf expect: %s\n", err);
    return rc;
}

/* The report is streamed: only its failed checks are kept. */
static enum kc_exit do_from(const char *report, const char *out)
{
    char err[KC_CMD_ERR_MAX];
    char *text = NULL;
    size_t len = 0;
    enum kc_exit rc = KC_EXIT_USAGE;

    if (kc_expect_from_file(report, &text, &len, err, sizeof(err))) {
        fprintf(stderr, "kmsconf expect: %s\n", err);
        goto out;
    }
    if (write_text(out, text, len))
        goto out;
    rc = KC_EXIT_OK;
out:
    free(text);
    return rc;
}

static enum kc_exit do_check(const char *path)
{
    char err[KC_CMD_ERR_MAX];
    struct kc_expect *e = NULL;
    if (kc_expect_load(path, &e, err, sizeof(err))) {
        fprintf(stderr, "kmsconf expect: %s\n", err);
        return KC_EXIT_USAGE;
    }
    printf("%s: %zu entries, valid\n", path, e->nentries);
    kc_expect_free(e);
    return KC_EXIT_OK;
}

enum kc_exit kc_cmd_expect(int argc, char **argv)
{
    struct expect_args a = {0};
    const char **pos = NULL;
    size_t npos = 0;
    int prc = kc_opts_parse("expect", expect_opts, NOPTS, argc, argv, on_opt,
                            &a, &pos, &npos);
    const char *extra = npos ? pos[0] : NULL;

    free(pos);
    if (prc == 1)
        expect_usage(stdout);
    if (prc != 0)
        return kc_opts_parse_exit(prc);
    if (extra) {
        fprintf(stderr,
                "kmsconf expect: unexpected argument '%s' (see "
                "--help)\n",
                extra);
        return KC_EXIT_USAGE;
    }
    if (a.check && !a.from)
        return do_check(a.check);
    if (!a.from || a.check) {
        fprintf(stderr, "kmsconf expect: give either --from REPORT or --check "
                        "FILE (see --help)\n");
        return KC_EXIT_USAGE;
    }
    return do_from(a.from, a.out);
}
