/*
 * kc_opts: the small option parser shared by the kmsconf subcommands, and
 * the suite/case loading every command needs.
 *
 * Options are a table. A row's name is a long option ("--cases") or a short
 * and a long one ("-j, --jobs"). "--name value", "--name=value", "-j 3" and
 * "-j3" all work, "--" ends the options, "-h"/"--help" asks for help.
 * Everything that is not an option is positional. An unknown option is
 * answered with the nearest known one ("did you mean '--jobs'?"). Parsing
 * does no I/O except the one-line error. --help text is wrapped to
 * KC_OPTS_WIDTH columns.
 *
 * Example:
 *   static const struct kc_opt opts[] = {
 *       {"--cases", "DIR", "case folder", OPT_CASES},
 *       {"--json", NULL, "JSON output", OPT_JSON},
 *       {"-o, --output", "FILE", "where to write", OPT_OUTPUT},
 *   };
 *   int rc = kc_opts_parse("list", opts, 2, argc, argv, on_opt, &cfg,
 *                          &pos, &npos);
 *   rc: 0 parsed, 1 help asked, -1 error (printed; exit 2)
 */
#ifndef KC_OPTS_H
#define KC_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kc/case.h"
#include "kc/case_load.h"
#include "kc/catalog.h"
#include "kc/exit.h"
#include "kc/select.h"

#define KC_OPTS_WIDTH 80 /* columns of --help */
#define KC_OPTS_MAX   64 /* rows of one table that "did you mean" knows */

struct kc_opt {
    const char *name;    /* "--cases", or "-o, --output" */
    const char *metavar; /* "DIR"; NULL for a flag without value */
    const char *help;    /* one line */
    int id;              /* handed to the callback */
};

/*
 * Called for each option in command-line order; value is NULL for flags.
 * Returns 0, or -1 after printing its own one-line error (parsing stops).
 */
typedef int (*kc_opt_fn)(void *ctx, int id, const char *value);

/*
 * Parses argv[1..argc-1] (argv[0] is the subcommand). *pos receives a new
 * array (caller frees the array only; the strings are argv's) with the
 * positional arguments, *npos their count. Returns 0, 1 when --help was
 * given (nothing else is reported), or -1 after printing
 * "kmsconf <cmd>: <problem>" on stderr.
 */
int kc_opts_parse(const char *cmd, const struct kc_opt *opts, size_t nopts,
                  int argc, char **argv, kc_opt_fn fn, void *ctx,
                  const char ***pos, size_t *npos);

/* The exit code of a command whose kc_opts_parse() returned rc != 0:
 * KC_EXIT_OK after --help (1), KC_EXIT_USAGE after an error (-1). */
enum kc_exit kc_opts_parse_exit(int rc);

/* Prints "usage: kmsconf <usage>", about, then the option table, each
 * help text wrapped to KC_OPTS_WIDTH columns. */
void kc_opts_usage(FILE *out, const char *usage, const char *about,
                   const struct kc_opt *opts, size_t nopts);

/* The selection options (--only, --tag, --skip-tag, --read-only,
 * --shard) as table rows with ids KC_OPT_SELECT_BASE + 0..4. */
#define KC_OPT_SELECT_BASE 9000
#define KC_OPTS_SELECT_ROWS                                                    \
    {"--only", "GLOB", "cases whose id matches GLOB (repeatable)",             \
     KC_OPT_SELECT_BASE + 0},                                                  \
        {"--tag", "TAG", "cases with TAG (repeatable: any of them)",           \
         KC_OPT_SELECT_BASE + 1},                                              \
        {"--skip-tag", "TAG", "leave out cases with TAG (repeatable)",         \
         KC_OPT_SELECT_BASE + 2},                                              \
        {"--read-only", NULL, "only cases tagged read-only",                   \
         KC_OPT_SELECT_BASE + 3},                                              \
    {                                                                          \
        "--shard", "I/N", "the I-th of N stable slices (1-based)",             \
            KC_OPT_SELECT_BASE + 4                                             \
    }

/* Applies a selection option (id from KC_OPTS_SELECT_ROWS) to s. Returns 0,
 * 1 when id is not a selection option, -1 after printing an error. */
int kc_opts_select(const char *cmd, struct kc_select *s, int id,
                   const char *value);

/* The case folder: given (when not NULL), else the one kc_locate finds
 * ($KMSCONF_CASES_DIR, beside the executable, the install prefix), else
 * NULL. Same for the suite folder. The result is given or static storage;
 * kc_opts_load reports a NULL folder in one line naming where it looked. */
const char *kc_opts_cases_dir(const char *given);
const char *kc_opts_suite_dir(const char *given);

/*
 * Loads <suite>/catalog.json into *cat (caller frees) then the case files of
 * paths (files or folders; when npaths is 0, the cases folder, shown
 * relative to the working folder when it lies below it) into set.
 * Problems are printed to out, one per line. Returns KC_EXIT_OK when all
 * is valid, KC_EXIT_USAGE otherwise (catalog error or case problems).
 * *nissues (may be NULL) receives the number of case problems.
 */
enum kc_exit kc_opts_load(const char *cmd, const char *suite_dir,
                          const char *cases_dir, const char *const *paths,
                          size_t npaths, struct kc_catalog **cat,
                          struct kc_caseset *set, FILE *out, size_t *nissues);

#endif
