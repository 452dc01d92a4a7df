/* kmsconf: conformance suite for the Alibaba Cloud KMS API (2016-01-20). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

struct command {
    const char *name;
    enum kc_exit (*fn)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"run", kc_cmd_run, "run the cases against a target, write JUnit XML"},
    {"lint", kc_cmd_lint, "validate case files"},
    {"list", kc_cmd_list, "list cases with their code, tags, requirements"},
    {"coverage", kc_cmd_coverage, "show each documented error's cases"},
    {"sweep", kc_cmd_sweep, "remove keys and aliases left by runs"},
    {"doctor", kc_cmd_doctor, "check a target's endpoint and credentials"},
    {"diff", kc_cmd_diff, "compare two reports"},
    {"merge", kc_cmd_merge, "combine shard reports into one"},
    {"matrix", kc_cmd_matrix, "conformance matrix of several reports"},
    {"expect", kc_cmd_expect, "write an expectation file from a report"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: kmsconf <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'kmsconf <command> --help' describes a command's "
                 "options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return KC_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "help") && argc > 2) {
        /* "kmsconf help lint" is "kmsconf lint --help" */
        char help[] = "--help";
        char *hargv[] = {argv[2], help, NULL};
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
            if (!strcmp(argv[2], commands[i].name))
                return commands[i].fn(2, hargv);
        }
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return KC_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("kmsconf %s\n", KC_VERSION);
        return KC_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    }
    fprintf(stderr, "kmsconf: unknown command '%s' (see 'kmsconf --help')\n",
            argv[1]);
    return KC_EXIT_USAGE;
}
