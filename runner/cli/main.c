/* kmsconf: conformance suite for the Alibaba Cloud KMS API (2016-01-20). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "kc/junit.h"
#include "kc/suggest.h"

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
    {"verify", kc_cmd_verify, "re-check an evidence bundle offline"},
    {"diff", kc_cmd_diff, "compare two reports"},
    {"merge", kc_cmd_merge, "combine shard reports into one"},
    {"matrix", kc_cmd_matrix, "conformance matrix of several reports"},
    {"report", kc_cmd_report, "one run's totals and its HTML page"},
    {"site", kc_cmd_site, "a static results site from many runs"},
    {"expect", kc_cmd_expect, "write an expectation file from a report"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
    fprintf(out, "usage: kmsconf <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "  %-9s %s\n", "help",
            "'kmsconf help CMD': a command's options");
    fprintf(out, "  %-9s %s\n", "version",
            "print the version (also -V, --version)");
    fprintf(out, "\n'kmsconf <command> --help' describes a command's "
                 "options.\n");
}

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (!strcmp(name, commands[i].name))
            return &commands[i];
    }
    return NULL;
}

/* "kmsconf: unknown command 'rnu' (did you mean 'run'?)" on stderr. */
static enum kc_exit unknown_command(const char *name)
{
    const char *names[NCOMMANDS + 2];
    const char *near;

    for (size_t i = 0; i < NCOMMANDS; i++)
        names[i] = commands[i].name;
    names[NCOMMANDS] = "help";
    names[NCOMMANDS + 1] = "version";
    near = kc_suggest(name, names, NCOMMANDS + 2);
    if (near)
        fprintf(stderr, "kmsconf: unknown command '%s' (did you mean '%s'?)\n",
                name, near);
    else
        fprintf(stderr,
                "kmsconf: unknown command '%s' (see 'kmsconf --help')\n", name);
    return KC_EXIT_USAGE;
}

/* "kmsconf help [CMD]": CMD's --help, the overview, or exit 2. */
static enum kc_exit help(int argc, char **argv)
{
    char help_flag[] = "--help";
    char *hargv[] = {NULL, help_flag, NULL};
    const struct command *c;

    if (argc < 3) {
        usage(stdout);
        return KC_EXIT_OK;
    }
    c = find_command(argv[2]);
    if (!c)
        return unknown_command(argv[2]);
    hargv[0] = argv[2];
    return c->fn(2, hargv);
}

static enum kc_exit dispatch(int argc, char **argv)
{
    const struct command *c;

    if (argc < 2) {
        usage(stderr);
        return KC_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "help"))
        return help(argc, argv);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return KC_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V") ||
        !strcmp(argv[1], "version")) {
        printf("kmsconf %s\n", KC_VERSION);
        return KC_EXIT_OK;
    }
    c = find_command(argv[1]);
    if (c)
        return c->fn(argc - 1, argv + 1);
    return unknown_command(argv[1]);
}

int main(int argc, char **argv)
{
    kc_junit_init();
    return (int)dispatch(argc, argv);
}
