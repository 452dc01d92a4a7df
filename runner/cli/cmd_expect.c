/* kmsconf expect: write or check an expectation file
 * (docs/expectations.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "kc/expect.h"
#include "kc/junit.h"
#include "kc/outfile.h"

static void expect_usage(FILE *f)
{
    fprintf(f, "usage: kmsconf expect --from REPORT.xml [-o FILE]\n"
               "       kmsconf expect --check FILE\n"
               "  --from REPORT  list every failed check of REPORT as a known "
               "failure\n"
               "  -o FILE        write there instead of stdout\n"
               "  --check FILE   validate an expectation file\n"
               "exit: 0 done, 2 usage, unreadable report or invalid file\n");
}

static int write_text(const char *path, const char *text)
{
    if (!path || !strcmp(path, "-")) {
        if (fprintf(stdout, "%s\n", text) >= 0 && !fflush(stdout))
            return 0;
        fprintf(stderr, "kmsconf expect: stdout: cannot write: %s\n",
                strerror(errno));
        return -1;
    }
    char err[KC_CMD_ERR_MAX];
    size_t n = strlen(text);
    char *line = malloc(n + 2);
    int rc;

    if (!line) {
        fprintf(stderr, "kmsconf expect: out of memory\n");
        return -1;
    }
    snprintf(line, n + 2, "%s\n", text);
    rc = kc_outfile_write(path, line, n + 1, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "kmsconf expect: %s\n", err);
    free(line);
    return rc;
}

static enum kc_exit do_from(const char *report, const char *out)
{
    char err[KC_CMD_ERR_MAX];
    struct kc_report *r = NULL;
    char *text = NULL;
    enum kc_exit rc = KC_EXIT_USAGE;
    if (kc_junit_read_flags(report, KC_JUNIT_READ_NO_TRANSCRIPT, &r, err,
                            sizeof(err))) {
        fprintf(stderr, "kmsconf expect: %s\n", err);
        goto out;
    }
    text = kc_expect_from_report(r);
    if (!text) {
        fprintf(stderr, "kmsconf expect: out of memory\n");
        goto out;
    }
    if (write_text(out, text))
        goto out;
    rc = KC_EXIT_OK;
out:
    free(text);
    kc_report_free(r);
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
    const char *from = NULL, *out = NULL, *check = NULL;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char **slot = NULL;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            expect_usage(stdout);
            return KC_EXIT_OK;
        } else if (!strcmp(s, "--from")) {
            slot = &from;
        } else if (!strcmp(s, "-o") || !strcmp(s, "--output")) {
            slot = &out;
        } else if (!strcmp(s, "--check")) {
            slot = &check;
        } else {
            fprintf(stderr,
                    "kmsconf expect: unexpected argument '%s' (see "
                    "--help)\n",
                    s);
            return KC_EXIT_USAGE;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "kmsconf expect: %s needs a value\n", s);
            return KC_EXIT_USAGE;
        }
        *slot = argv[++i];
    }
    if (check && !from)
        return do_check(check);
    if (!from || check) {
        fprintf(stderr, "kmsconf expect: give either --from REPORT or --check "
                        "FILE (see --help)\n");
        return KC_EXIT_USAGE;
    }
    return do_from(from, out);
}
